"""Speech to text with the real bundled tiny.en model on real (synthetic) audio."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import jiwer
import pytest

from assistant import speech
from assistant.config import reload_settings
from assistant.errors import InputError

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "samples" / "discovery_call.wav"
SCRIPT = REPO / "samples" / "discovery_call.txt"

TWO_VOICES = """\
Alex Reed: Thanks for joining. Today I would like to understand what success looks like for your team next year.
Jordan Lee: We want invoices out within two days, and fewer billing errors than we have today.
Alex Reed: What could get in the way of that?
Jordan Lee: The main risk is that our IT team is busy until March with a warehouse migration.
"""
ONE_VOICE = """\
Alex Reed: Thanks for joining. Today I would like to understand what success looks like for your team next year.
Alex Reed: We want invoices out within two days, and fewer billing errors than we have today.
Alex Reed: The main risk is that our IT team is busy until March with a warehouse migration.
Alex Reed: Let's review the plan every quarter, starting in February.
"""


def make_audio(folder: Path, name: str, script: str, *args: str) -> Path:
    """Render a script with the same generator that made the bundled sample."""
    txt, wav = folder / f"{name}.txt", folder / f"{name}.wav"
    txt.write_text(script)
    subprocess.run([sys.executable, str(REPO / "scripts" / "make_sample.py"), "--script", str(txt), "--out", str(wav), *args],
                   check=True, capture_output=True)
    return wav


@pytest.fixture(scope="session")
def audio_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("audio")


@pytest.fixture(scope="session")
def sample_run():
    """Transcribe the bundled sample once for the session; keep the progress calls.

    In 50-second blocks (real calls: 5 minutes), so every test on it also checks that a
    call streamed through whisper block by block comes out whole and in order."""
    calls: list[tuple[str, float, float | None]] = []
    t = speech.WhisperSpeech(reload_settings(), block_seconds=50).transcribe(SAMPLE, progress=lambda *a: calls.append(a))
    return t, calls


def norm(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9%' ]", " ", text.lower()).split())


def script_lines() -> list[tuple[str, str]]:
    return [tuple(x.strip() for x in line.split(":", 1)) for line in SCRIPT.read_text().splitlines() if ":" in line]


def test_is_audio_by_extension():
    assert speech.is_audio(Path("call.WAV")) and speech.is_audio(Path("a/b.m4a")) and speech.is_audio(Path("x.webm"))
    assert not speech.is_audio(Path("call.vtt")) and not speech.is_audio(Path("notes.txt"))


def test_sample_transcript_is_the_script(sample_run):
    t, _ = sample_run
    text = " ".join(s.text for s in t.segments).lower()
    for words in ("harbor freight", "invoice", "52 days", "september", "2%", "cfo", "march", "quarterly review"):
        assert words in text, words
    ref = norm(" ".join(x for _, x in script_lines()))
    assert jiwer.wer(ref, norm(text)) < 0.15  # measured 0.07 with tiny.en
    assert t.format == "audio" and t.language == "en" and t.source == str(SAMPLE)
    assert 135 < t.duration < 145


def test_sample_has_two_channel_speakers_in_turn_order(sample_run):
    t, _ = sample_run
    assert [(s.name, s.basis) for s in t.speakers] == [("Channel 1", "channel"), ("Channel 2", "channel")]
    by = {name: " ".join(s.text for s in t.segments if s.speaker == name).lower() for name in ("Channel 1", "Channel 2")}
    assert "success plan" in by["Channel 1"] and "cfo" not in by["Channel 1"]  # vendor on the left
    assert "cfo" in by["Channel 2"] and "harbor freight" in by["Channel 2"]  # customer on the right
    starts = [s.start for s in t.segments]
    assert starts == sorted(starts)
    # turns interleave as spoken: the vendor's proposal, the customer's push-back, then the vendor again
    order = [s.speaker for s in t.segments]
    ask = next(i for i, s in enumerate(t.segments) if "measure?" in s.text)
    no = next(i for i, s in enumerate(t.segments) if "logins don't matter" in s.text.lower())
    after = next(i for i, s in enumerate(t.segments) if "leave it out" in s.text)
    assert ask < no < after and order[ask] == order[after] == "Channel 1" and order[no] == "Channel 2"


def test_roles_on_the_sample_vendor_left_customer_right(sample_run):
    """What the README's first command shows: the channel asking the questions is the vendor."""
    from assistant.roles import assign_roles

    t = assign_roles(sample_run[0])
    assert t.role_of("Channel 1") == "vendor" and t.role_of("Channel 2") == "customer"


def test_progress_reports_increasing_audio_time(sample_run):
    t, calls = sample_run
    done = [d for stage, d, _ in calls if stage == "transcribe"]
    assert len(done) > 10
    assert done == sorted(done) and done[0] == 0 and done[-1] == pytest.approx(t.duration, abs=0.1)
    assert all(total == pytest.approx(t.duration, abs=0.1) for _, _, total in calls)


def test_mono_two_voices_are_told_apart(audio_dir):
    """Voices are measured block by block (here 10 s blocks) and clustered over the whole call."""
    wav = make_audio(audio_dir, "two_voices", TWO_VOICES, "--mono")
    assert len(speech.decode(wav, reload_settings()).blocks(10)) >= 2
    t = speech.WhisperSpeech(reload_settings(), block_seconds=10).transcribe(wav)
    assert {s.name for s in t.speakers} == {"Speaker 1", "Speaker 2"}
    assert all(s.basis != "channel" for s in t.speakers)
    first = {s.speaker for s in t.segments if "success looks like" in s.text or "get in the way" in s.text}
    second = {s.speaker for s in t.segments if "invoices" in s.text or "warehouse" in s.text}
    assert first == {"Speaker 1"} and second == {"Speaker 2"}


def test_mono_one_voice_is_one_speaker(audio_dir):
    wav = make_audio(audio_dir, "one_voice", ONE_VOICE, "--mono")
    t = speech.transcribe(wav, settings=reload_settings())
    assert [s.name for s in t.speakers] == ["Speaker 1"]
    assert "warehouse" in " ".join(s.text for s in t.segments).lower()


def test_stereo_with_identical_channels_is_mono(audio_dir):
    mono = make_audio(audio_dir, "same_twice", TWO_VOICES, "--mono", "--pcm")
    stereo = audio_dir / "same_twice_stereo.wav"
    subprocess.run(["sox", str(mono), "-c", "2", str(stereo)], check=True)
    t = speech.transcribe(stereo, settings=reload_settings())
    assert not any(s.basis == "channel" for s in t.speakers)
    assert {s.name for s in t.speakers} == {"Speaker 1", "Speaker 2"}


def test_other_formats_decode(audio_dir):
    """flac and ogg through PyAV, no ffmpeg binary; stereo survives the conversion."""
    wav = make_audio(audio_dir, "stereo_pcm", TWO_VOICES, "--pcm")
    flac = audio_dir / "call.flac"
    subprocess.run(["sox", str(wav), str(flac)], check=True)
    t = speech.transcribe(flac, settings=reload_settings())
    assert [s.name for s in t.speakers] == ["Channel 1", "Channel 2"]
    assert "warehouse" in " ".join(s.text for s in t.segments if s.speaker == "Channel 2").lower()


def test_too_long_is_refused_before_decoding(monkeypatch):
    monkeypatch.setenv("CALLPLAN_MAX_AUDIO_HOURS", "0.01")
    with pytest.raises(InputError, match=r"2\.3 minutes long, over the 0\.6 minutes limit.*CALLPLAN_MAX_AUDIO_HOURS"):
        speech.probe(SAMPLE, reload_settings())


def test_a_bad_model_dir_is_a_config_error(tmp_path, monkeypatch):
    from assistant.errors import ConfigError

    monkeypatch.setenv("CALLPLAN_WHISPER_MODEL", str(tmp_path))
    with pytest.raises(ConfigError, match="CALLPLAN_WHISPER_MODEL"):
        speech.transcribe(SAMPLE, settings=reload_settings())


def test_long_audio_is_cut_into_blocks_at_pauses():
    """Hours of audio go through whisper in ~5-minute blocks, cut where nobody speaks."""
    import numpy as np

    rate, rng = speech.RATE, np.random.default_rng(0)
    x = (0.1 * rng.standard_normal(rate * 700)).astype(np.float32)  # 11m40s of "speech"
    quiet = [290, 575]  # a one-second pause inside the last 30 s before each cut
    for q in quiet:
        x[q * rate : (q + 1) * rate] = 0
    cuts = speech.blocks(speech.envelope(x), len(x))
    assert cuts[0][0] == 0 and cuts[-1][1] == len(x)
    assert all(a1 == b0 for (_, a1), (b0, _) in zip(cuts, cuts[1:]))  # contiguous, nothing lost
    assert len(cuts) == 3
    for (_, cut), q in zip(cuts, quiet):
        assert q * rate <= cut <= (q + 1) * rate  # the cut falls in the pause


def test_streamed_blocks_are_the_whole_decoded_call():
    """Block by block, the second pass yields exactly the audio a whole-file decode gives."""
    import numpy as np
    from faster_whisper import decode_audio

    audio = speech.decode(SAMPLE, reload_settings())
    assert audio.dual and audio.channels == 2 and audio.duration == pytest.approx(140.45, abs=0.05)
    got = list(audio.stream(40))
    assert len(got) >= 3 and [a for a, _ in got] == [a for a, _ in audio.blocks(40)]
    assert all(len(block) == 2 and len(block[0]) == len(block[1]) for _, block in got)
    for (a, block), (b, _) in zip(got, got[1:]):
        assert a + len(block[0]) == b  # contiguous: nothing lost or repeated at a cut
    whole = decode_audio(str(SAMPLE), sampling_rate=speech.RATE, split_stereo=True)
    for i in (0, 1):
        joined = np.concatenate([block[i] for _, block in got])
        assert len(joined) == len(whole[i]) == audio.samples
        assert np.abs(joined - whole[i]).max() < 1e-3  # faster-whisper rounds to 16 bits


def test_a_file_cut_short_between_the_two_passes_is_refused(tmp_path):
    """Never a partial transcript: if the file shrinks after it was checked, say so."""
    path = tmp_path / "growing.wav"
    subprocess.run(["sox", str(SAMPLE), str(path)], check=True)
    audio = speech.decode(path, reload_settings())
    subprocess.run(["sox", str(SAMPLE), str(path), "trim", "0", "60"], check=True)
    with pytest.raises(InputError, match="changed while it was being read"):
        list(audio.stream())
