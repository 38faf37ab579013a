"""Synthesise the held-out audio calls: transcript file -> call.wav + reference.txt.

Why synthetic: we may not ship real customer recordings, and espeak-ng voices are
reproducible on any Debian machine (sox runs without dither, so reruns give the same bytes). One voice per speaker, turns joined by short silences.
The stereo call puts the vendor on the left channel and the customer on the right, the way
dual-channel call recorders do; it is 8 kHz (telephone rate) to keep the repository small.

Run from the repository root:  python eval/calls/heldout/make_audio.py [NAME ...]
Needs espeak-ng and sox on PATH. Numbers in these transcripts are already written as words,
so what is spoken is exactly the transcript text; reference.txt holds it, one turn per line.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

# voice = espeak-ng voice+variant, pitch 0-99; channels 1 = mono, 2 = vendor left / customer right
CALLS: dict[str, dict] = {
    "clinic-revenue-cycle": {
        "rate": 16000, "channels": 1,
        "voices": {"Priya Raman": ("en-us+f2", 62), "Marcus Bell": ("en-gb+m3", 38)},
    },
    "k12-district-it": {
        "rate": 8000, "channels": 2,
        "voices": {"Speaker 1": ("en-us+f4", 55), "Speaker 2": ("en+m7", 30)},
    },
    "ecommerce-support": {
        "rate": 16000, "channels": 1,
        "voices": {"Kevin O'Hara": ("en-us+m1", 50), "Tomasz Nowak": ("en-gb-x-gbcwmd+m4", 42)},
    },
}
WORDS_PER_MINUTE = 175
GAP_SECONDS = 0.4


def turns(path: Path) -> list[tuple[str, str]]:
    """(speaker, text) per turn; consecutive cues of one speaker are one turn."""
    out: list[tuple[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        m = re.match(r"^<v ([^>]+)>(.*?)(?:</v>)?$", line) or re.match(r"^([^:<>]{1,40}): (.+)$", line)
        if not m or "-->" in line:
            continue
        speaker, text = m.group(1).strip(), m.group(2).strip()
        if out and out[-1][0] == speaker:
            out[-1] = (speaker, out[-1][1] + " " + text)
        else:
            out.append((speaker, text))
    return out


def run(*cmd: str) -> None:
    subprocess.run(cmd, check=True, capture_output=True)


def make(name: str) -> Path:
    spec = CALLS[name]
    call_dir = HERE / name
    transcript = next(call_dir.glob("transcript.*"))
    vendors = set(json.loads((call_dir / "gold.json").read_text())["vendor_speakers"])
    rate, channels = str(spec["rate"]), spec["channels"]
    spoken = turns(transcript)
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        gap = t / "gap.wav"
        run("sox", "-D", "-n", "-r", rate, "-c", str(channels), "-b", "16", str(gap), "trim", "0", str(GAP_SECONDS))
        pieces: list[str] = []
        for i, (speaker, text) in enumerate(spoken):
            voice, pitch = spec["voices"][speaker]
            raw, piece = t / f"raw{i}.wav", t / f"turn{i}.wav"
            run("espeak-ng", "-v", voice, "-p", str(pitch), "-s", str(WORDS_PER_MINUTE), "-w", str(raw), text)
            remix = ["remix", "1", "0"] if speaker in vendors else ["remix", "0", "1"]
            run("sox", "-D", str(raw), "-r", rate, "-b", "16", str(piece), *(remix if channels == 2 else ["remix", "1"]))
            pieces += [str(piece), str(gap)]
        wav = call_dir / "call.wav"
        run("sox", "-D", *pieces[:-1], str(wav))
    (call_dir / "reference.txt").write_text("".join(text + "\n" for _, text in spoken), encoding="utf-8")
    return wav


if __name__ == "__main__":
    for name in sys.argv[1:] or list(CALLS):
        print(make(name))
