"""The `callplan` command end to end: bad input gives one line and exit 2; doctor; transcribe."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.config import reload_settings

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "samples" / "discovery_call.wav"


@pytest.fixture
def run(monkeypatch):
    """Invoke the CLI in-process; keyword args are environment variables for that run."""

    def invoke(*args: str, **env: str):
        for k, v in env.items():
            monkeypatch.setenv(k, v)
        reload_settings()
        return CliRunner().invoke(app, list(args))

    return invoke


def one_error_line(result, *must: str) -> str:
    """The user sees exactly one line, prefixed 'error:', and no traceback."""
    out = result.output.strip()
    assert result.exit_code == 2, out
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in out
    lines = out.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    for word in must:
        assert word in lines[0], (word, lines[0])
    return lines[0]


def write_wav(path: Path, samples: np.ndarray, rate: int = 16000) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((np.clip(samples, -1, 1) * 32767).astype(np.int16).tobytes())
    return path


def bad_inputs(tmp: Path) -> dict[str, tuple[Path, tuple[str, ...]]]:
    """name -> (file, words the error line must contain)."""
    zero = tmp / "empty.wav"
    zero.write_bytes(b"")
    renamed = tmp / "report.mp3"
    renamed.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 40)
    garbage = tmp / "noise.wav"
    garbage.write_bytes(np.random.default_rng(1).integers(0, 256, 20000, dtype=np.uint8).tobytes())
    truncated = tmp / "cut.wav"
    data = SAMPLE.read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    # a real, valid mp4/ogg header cut short would also do; a damaged middle is the harder case:
    silence = write_wav(tmp / "silence.wav", np.zeros(16000 * 4))
    hum = write_wav(tmp / "hum.wav", 0.002 * np.random.default_rng(2).standard_normal(16000 * 4))
    no_frames = write_wav(tmp / "zero_seconds.wav", np.zeros(0))
    return {
        "missing": (tmp / "nope.wav", ("does not exist",)),
        "zero-byte": (zero, ("empty (0 bytes)",)),
        "renamed non-audio": (renamed, ("not a readable audio file",)),
        "corrupt": (garbage, ("not a readable audio file",)),
        "truncated": (truncated, ("truncated or partly corrupt", "140.5 s", "70.")),
        "silence": (silence, ("no speech",)),
        "faint noise": (hum, ("no speech",)),
        "0 seconds": (no_frames, ("0 seconds",)),
    }


@pytest.mark.parametrize(
    "case", ["missing", "zero-byte", "renamed non-audio", "corrupt", "truncated", "silence", "faint noise", "0 seconds"]
)
def test_bad_audio_gives_one_line_exit_2_and_writes_nothing(case, tmp_path, run):
    path, words = bad_inputs(tmp_path)[case]
    out = tmp_path / "out.txt"
    result = run("transcribe", str(path), "--out", str(out))
    line = one_error_line(result, *words)
    assert str(path) in line
    assert not out.exists() and not list(tmp_path.glob(".*.tmp"))


def test_partly_corrupt_middle_is_reported_not_shortened(tmp_path, run):
    """An mp3 with a damaged middle decodes shorter than its container says."""
    src = tmp_path / "call.wav"
    subprocess.run(["sox", str(SAMPLE), "-c", "1", "-e", "signed-integer", "-b", "16", str(src)], check=True)
    flac = tmp_path / "call.flac"
    subprocess.run(["sox", str(src), str(flac)], check=True)
    data = bytearray(flac.read_bytes())
    a, b = len(data) // 4, len(data) * 3 // 4
    data[a:b] = bytes(b - a)  # half the frames zeroed: undecodable
    flac.write_bytes(bytes(data))
    out = tmp_path / "out.json"
    result = run("transcribe", str(flac), "--out", str(out))
    one_error_line(result, "truncated or partly corrupt")
    assert not out.exists()


def test_too_long_is_refused(tmp_path, run):
    result = run("transcribe", str(SAMPLE), "--out", str(tmp_path / "t.txt"), CALLPLAN_MAX_AUDIO_HOURS="0.01")
    one_error_line(result, "over the", "CALLPLAN_MAX_AUDIO_HOURS")


def test_unknown_text_and_binary_transcript(tmp_path, run):
    binary = tmp_path / "call.vtt"
    binary.write_bytes(bytes(range(256)) * 100)
    one_error_line(run("transcribe", str(binary), "--out", str(tmp_path / "o.txt")))
    weird = tmp_path / "table.csv"
    weird.write_text("")
    one_error_line(run("transcribe", str(weird), "--out", str(tmp_path / "o.txt")))
    assert not (tmp_path / "o.txt").exists()


def test_transcribe_stereo_call_to_json(tmp_path, run):
    """A short dual-channel call (same generator as the sample): channel speakers, inferred roles."""
    script = tmp_path / "call.txt"
    script.write_text(
        "Alex Reed: Thanks for joining. If this project is a success twelve months from now, what would you say?\n"
        "Jordan Lee: Our invoices would go out within two days, and billing errors would drop below two percent.\n"
        "Alex Reed: And what could get in the way?\n"
        "Jordan Lee: Our IT team is busy with a warehouse migration until March.\n"
    )
    wav = tmp_path / "call.wav"
    subprocess.run([sys.executable, str(REPO / "scripts" / "make_sample.py"), "--script", str(script), "--out", str(wav)],
                   check=True, capture_output=True)
    out = tmp_path / "call.json"
    result = run("transcribe", str(wav), "--format", "json", "--out", str(out))
    assert result.exit_code == 0, result.output
    t = json.loads(out.read_text())
    speakers = {s["name"]: s for s in t["speakers"]}
    assert set(speakers) == {"Channel 1", "Channel 2"}
    # roles are inferred after speech: the one asking the discovery questions is the vendor
    assert speakers["Channel 1"]["role"] == "vendor" and speakers["Channel 2"]["role"] == "customer"
    assert "warehouse" in " ".join(s["text"] for s in t["segments"] if s["speaker"] == "Channel 2").lower()
    assert "transcribed 00:" in result.output  # the final progress line, even off a terminal


def test_doctor_ok_offline(run):
    result = run("doctor")
    assert result.exit_code == 0, result.output
    for what in ("speech model", "embedding model", "knowledge index", "database", "engine:", "embedded"):
        assert what in result.output
    assert "FAIL" not in result.output


def test_doctor_fails_and_never_prints_the_key(tmp_path, run):
    result = run("doctor", CALLPLAN_WHISPER_MODEL=str(tmp_path / "missing-model"), OPENAI_API_KEY="sk-test-secret-123")
    assert result.exit_code == 1
    assert "FAIL  speech model" in result.output
    assert "sk-test-secret-123" not in result.output
    assert "OPENAI_API_KEY:" in result.output and "set" in result.output
    assert "engine:                    llm" in result.output


def test_console_script_installed():
    """The README's command is a real console script on PATH inside the venv."""
    exe = Path(sys.executable).parent / "callplan"
    result = subprocess.run([str(exe), "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "transcribe" in result.stdout and "doctor" in result.stdout
