"""Bytes -> text with bounds: every way a file can fail to be a transcript is one clear line."""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

from ..errors import InputError

MAX_TEXT_BYTES = 20 * 1024 * 1024  # 20 MB of text is far beyond any call; more is a mistake

FORMATS_HINT = "give a transcript (Name: text lines, WebVTT, SRT, Zoom/Teams/Otter/Google Meet export) or pasted notes"

# Files people pick by mistake, by their first bytes: (magic, offset, what it is).
_MAGIC = [
    (b"%PDF-", 0, "a PDF document; copy its text into a .txt file"),
    (b"PK\x03\x04", 0, "a ZIP archive or Office document (docx/xlsx/pptx); save it as plain text (.txt)"),
    (b"\xd0\xcf\x11\xe0", 0, "an old Office document; save it as plain text (.txt)"),
    (b"{\\rtf", 0, "an RTF document; save it as plain text (.txt)"),
    (b"\x89PNG", 0, "a PNG image"),
    (b"\xff\xd8\xff", 0, "a JPEG image"),
    (b"GIF8", 0, "a GIF image"),
    (b"RIFF", 0, "audio (RIFF/WAV); give it a .wav extension to transcribe it"),
    (b"ID3", 0, "audio (MP3); give it a .mp3 extension to transcribe it"),
    (b"fLaC", 0, "audio (FLAC); give it a .flac extension to transcribe it"),
    (b"OggS", 0, "audio (Ogg); give it a .ogg extension to transcribe it"),
    (b"ftyp", 4, "audio or video (MP4/M4A); give it a .m4a or .mp4 extension to transcribe it"),
    (b"\x1aE\xdf\xa3", 0, "audio or video (WebM/Matroska); give it a .webm extension to transcribe it"),
]


def read_bytes(path: Path) -> bytes:
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file; check the path")
    if path.is_dir():
        raise InputError(f"{path} is a directory; {FORMATS_HINT}")
    size = path.stat().st_size
    if size > MAX_TEXT_BYTES:
        raise InputError(
            f"{path} is {size / 1e6:.1f} MB; transcripts are limited to {MAX_TEXT_BYTES // 2**20} MB of text, "
            "so split the file or check that it is the right one"
        )
    try:
        return path.read_bytes()
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror or e}; check its permissions") from None


def decode(data: bytes, name: str) -> str:
    """utf-8, utf-8-sig, utf-16/32 with a BOM (or utf-16 without one), then cp1252; else binary."""
    for magic, offset, what in _MAGIC:
        if data[offset : offset + len(magic)] == magic:
            raise InputError(f"{name} is {what}, not a transcript")
    for bom, enc in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return _text_or_binary(data.decode(enc), name)
            except UnicodeDecodeError:
                raise InputError(f"{name} starts with a {enc} byte-order mark but is not valid {enc}; re-save it as UTF-8") from None
    if b"\x00" in data:
        text = _bomless_utf16(data)
        if text is None:
            raise InputError(f"{name} looks binary (it contains NUL bytes), not text; {FORMATS_HINT}")
        return _text_or_binary(text, name)
    for enc in ("utf-8", "cp1252"):
        try:
            return _text_or_binary(data.decode(enc), name)
        except UnicodeDecodeError:
            continue
    raise InputError(f"{name} is not readable text (not UTF-8, UTF-16 or Windows-1252); re-save it as UTF-8")


def _bomless_utf16(data: bytes):
    """Windows tools sometimes write UTF-16 without a BOM: mostly-ASCII text has a NUL in every pair."""
    if len(data) % 2 or len(data) < 4:
        return None
    for enc, zeros in (("utf-16-le", data[1::2]), ("utf-16-be", data[0::2])):
        if zeros.count(0) >= 0.9 * len(zeros):
            try:
                return data.decode(enc)
            except UnicodeDecodeError:
                return None
    return None


def _text_or_binary(text: str, name: str) -> str:
    controls = sum(1 for c in text if c not in "\t\n\r\f\v" and unicodedata.category(c) == "Cc")
    if controls > max(2, len(text) // 200):
        raise InputError(f"{name} looks binary (control characters), not text; {FORMATS_HINT}")
    return text


def check_text(text: str, name: str) -> str:
    if len(text) > MAX_TEXT_BYTES:
        raise InputError(f"{name} is {len(text) / 1e6:.1f} million characters; the limit is 20 MB of text, so split it")
    if "\x00" in text:
        raise InputError(f"{name} contains NUL characters, so it is not text; {FORMATS_HINT}")
    if not text.strip():
        raise InputError(f"{name} is empty; {FORMATS_HINT}")
    return text
