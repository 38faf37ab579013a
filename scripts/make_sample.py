#!/usr/bin/env python3
"""Render a `Name: text` call script to a two-voice recording with espeak-ng and sox.

Why: the bundled sample call (and the audio test fixtures) must be reproducible from
the repo, with no recording and no download. Like a call recorder, the default output is
stereo with the first speaker (the vendor) on the left channel and everyone else on the
right; `--mono` mixes both onto one channel (the case speaker separation must guess).

    python scripts/make_sample.py                       # samples/discovery_call.{txt -> wav}
    python scripts/make_sample.py --script s.txt --out s.wav --mono
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

import numpy as np

RATE = 16000
REPO = Path(__file__).resolve().parent.parent
# one distinct voice per speaker, in order of first appearance: (espeak voice, pitch 0-99)
VOICES = [("en-us+f2", 60), ("en-gb+m3", 35), ("en-us+m1", 45), ("en-gb+f4", 70)]
LINE = re.compile(r"^\s*([^:]{1,60}):\s*(.+?)\s*$")


def parse_script(text: str) -> list[tuple[str, str]]:
    turns = []
    for line in text.splitlines():
        m = LINE.match(line)
        if m:
            turns.append((m.group(1).strip(), m.group(2)))
    if not turns:
        raise SystemExit("no `Name: text` lines in the script")
    return turns


def speak(text: str, voice: str, pitch: int, wpm: int, workdir: Path) -> np.ndarray:
    """One turn as float32 mono at 16 kHz (espeak-ng renders 22.05 kHz; sox resamples)."""
    raw, res = workdir / "raw.wav", workdir / "res.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-p", str(pitch), "-s", str(wpm), "-w", str(raw), text], check=True)
    subprocess.run(["sox", str(raw), "-r", str(RATE), "-c", "1", "-b", "16", str(res)], check=True)
    with wave.open(str(res)) as w:
        pcm = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
    return pcm.astype(np.float32) / 32768.0


def render(turns: list[tuple[str, str]], out: Path, mono: bool = False, wpm: int = 165,
           pause: float = 0.6, ulaw: bool = True, noise_db: float = -60.0) -> float:
    """Write the call; returns its duration in seconds. Deterministic (fixed noise seed)."""
    names = list(dict.fromkeys(name for name, _ in turns))
    voice = {n: VOICES[i % len(VOICES)] for i, n in enumerate(names)}
    gap = np.zeros(int(pause * RATE), dtype=np.float32)
    left, right = [gap], [gap]
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in turns:
            audio = speak(text, *voice[name], wpm=wpm, workdir=Path(tmp))
            silent = np.zeros_like(audio)
            vendor_side = name == names[0]
            left += [audio if vendor_side else silent, gap]
            right += [silent if vendor_side else audio, gap]
    stereo = np.stack([np.concatenate(left), np.concatenate(right)], axis=1)
    # a faint noise floor, different per channel, as a real line has (and never digital zero)
    rng = np.random.default_rng(7)
    stereo += rng.normal(0, 10 ** (noise_db / 20), stereo.shape).astype(np.float32)
    data = stereo.mean(axis=1, keepdims=True) * 1.4 if mono else stereo
    pcm = (np.clip(data, -1, 1) * 32767).astype(np.int16)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        plain = Path(tmp) / "pcm.wav"
        with wave.open(str(plain), "wb") as w:
            w.setnchannels(pcm.shape[1])
            w.setsampwidth(2)
            w.setframerate(RATE)
            w.writeframes(pcm.tobytes())
        # G.711 mu-law, as telephony recorders store calls: half the size of 16-bit PCM
        enc = ["-e", "u-law"] if ulaw else ["-e", "signed-integer", "-b", "16"]
        subprocess.run(["sox", str(plain), *enc, str(out)], check=True)
    return len(pcm) / RATE


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--script", type=Path, default=REPO / "samples" / "discovery_call.txt")
    p.add_argument("--out", type=Path, default=None, help="default: the script's path with .wav")
    p.add_argument("--mono", action="store_true", help="mix both speakers onto one channel")
    p.add_argument("--pcm", action="store_true", help="16-bit PCM instead of mu-law")
    p.add_argument("--wpm", type=int, default=165)
    a = p.parse_args(argv)
    out = a.out or a.script.with_suffix(".wav")
    seconds = render(parse_script(a.script.read_text(encoding="utf-8")), out, mono=a.mono, wpm=a.wpm, ulaw=not a.pcm)
    print(f"wrote {out}: {seconds:.1f} s, {out.stat().st_size / 1e6:.1f} MB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
