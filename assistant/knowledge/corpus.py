"""The knowledge corpus: one practice per Markdown file with YAML front matter.

Files are the source of truth (readable, reviewable in a pull request); the chroma index
is derived from them. A malformed file is an InputError naming the file and the problem,
so an editor can fix it without reading a traceback.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Literal, Optional

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..config import REPO_ROOT, Settings, get_settings
from ..errors import ConfigError, InputError

Function = Literal[
    "finance-ops", "hr", "support", "sales", "marketing", "security", "logistics", "education",
    "healthcare", "it", "operations", "legal", "procurement", "customer-success", "product",
    "manufacturing", "insurance", "public-sector",
]  # fmt: skip
BullseyeField = Literal["primary_objective", "success_measures", "key_attributes", "key_processes"]

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# What the method calls vendor activity, not a practice (see METHOD.md).
VAGUE = ("drive adoption", "schedule a qbr", "train users")
FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)(.*)\Z", re.DOTALL)


class AppliesTo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    goals: list[str] = Field(default_factory=list)
    measures: list[str] = Field(default_factory=list)
    impediments: list[str] = Field(default_factory=list)

    def phrases(self) -> list[tuple[str, str]]:
        """(topic, phrase) pairs; topic names match Extraction's fields."""
        return [(t, p) for t in ("goals", "measures", "impediments") for p in getattr(self, t)]


class Practice(BaseModel):
    """What successful customers do differently, and when it applies."""

    model_config = ConfigDict(extra="forbid")

    id: str
    title: str = Field(min_length=3)
    functions: list[Function] = Field(min_length=1)
    industries: list[str] = Field(default_factory=lambda: ["any"])
    applies_to: AppliesTo
    bullseye: str
    bullseye_fields: list[BullseyeField] = Field(default_factory=list)
    source: str = "method"
    text: str = Field(min_length=20)

    @field_validator("id", "bullseye")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not SLUG.match(v):
            raise ValueError(f"{v!r} is not a lowercase slug like 'finops-exception-queue-owner'")
        return v

    @field_validator("text")
    @classmethod
    def _specific(cls, v: str) -> str:
        low = v.lower()
        for phrase in VAGUE:
            if phrase in low:
                raise ValueError(f"the practice says {phrase!r}; describe the process change instead")
        return v.strip()

    @property
    def segment(self) -> str:
        return self.bullseye

    def document(self) -> str:
        """The text embedded for the whole practice.

        The applies_to phrases come before the body because the embedding model reads
        only the first 128 tokens, and the phrases are what customers' words match.
        """
        phrases = "; ".join(p for _, p in self.applies_to.phrases())
        return f"{self.title}. {phrases}. {self.text}"

    def content_hash(self) -> str:
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()[:16]

    def to_markdown(self) -> str:
        meta = self.model_dump(exclude={"text"})
        return "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000) + "---\n" + self.text + "\n"


def _first_error(e: ValidationError) -> str:
    err = e.errors()[0]
    where = ".".join(str(x) for x in err["loc"]) or "front matter"
    more = f" (and {e.error_count() - 1} more)" if e.error_count() > 1 else ""
    return f"{where}: {err['msg']}{more}"


def parse_practice(path: Path) -> Practice:
    """One file -> Practice, or InputError saying which file and what is wrong."""
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: cannot read ({e})") from e
    m = FRONT_MATTER.match(raw)
    if not m:
        raise InputError(f"{path}: no YAML front matter; the file must start with a '---' block (see knowledge/README)")
    try:
        meta = yaml.safe_load(m.group(1)) or {}
    except yaml.YAMLError as e:
        line = getattr(getattr(e, "problem_mark", None), "line", None)
        at = f" at front-matter line {line + 1}" if line is not None else ""
        raise InputError(f"{path}: invalid YAML{at}: {getattr(e, 'problem', e)}") from e
    if not isinstance(meta, dict):
        raise InputError(f"{path}: front matter must be a mapping of fields (id, title, ...)")
    if "text" in meta:
        raise InputError(f"{path}: 'text' is not a front-matter field; write the practice below the '---' block")
    try:
        practice = Practice(**meta, text=m.group(2))
    except ValidationError as e:
        raise InputError(f"{path}: {_first_error(e)}") from e
    except TypeError as e:  # non-string keys
        raise InputError(f"{path}: {e}") from e
    if practice.id != path.stem:
        raise InputError(f"{path}: id {practice.id!r} must equal the file name ({path.stem!r})")
    return practice


def corpus_root(settings: Optional[Settings] = None) -> Path:
    """The knowledge/ directory: CALLPLAN_KNOWLEDGE_DIR, else the one beside the package."""
    settings = settings or get_settings()
    root = settings.knowledge_dir or REPO_ROOT / "knowledge"
    if not root.is_dir():
        raise ConfigError(f"knowledge corpus not found at {root}; set CALLPLAN_KNOWLEDGE_DIR to a knowledge/ directory")
    return root


def practices_dir(root: Path) -> Path:
    """A knowledge root holds practices/; a plain directory of practice files also works."""
    sub = root / "practices"
    return sub if sub.is_dir() or not any(root.glob("*.md")) else root


def practice_files(root: Path) -> list[Path]:
    d = practices_dir(root)
    return sorted(p for p in d.glob("*.md") if p.name.lower() != "readme.md") if d.is_dir() else []


def fingerprint(root: Path) -> str:
    """Cheap change check: hash of every practice file's name and bytes (no parsing)."""
    h = hashlib.sha256()
    for p in practice_files(root):
        h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def load_corpus(root: Path) -> list[Practice]:
    if not root.is_dir():
        raise InputError(f"{root}: not a directory of practice files")
    practices = [parse_practice(p) for p in practice_files(root)]
    return practices
