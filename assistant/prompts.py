"""Prompt templates live as files in the repo's `prompts/` (the canonical place to edit them).

They are found relative to this package, which works from a checkout and an editable
install; CALLPLAN_PROMPTS_DIR points elsewhere (e.g. for a packaged install or to try a
variant). Placeholders are `{{name}}`, so the JSON examples in prompts need no escaping.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .config import REPO_ROOT, get_settings
from .errors import ConfigError


def prompts_dir() -> Path:
    return get_settings().prompts_dir or REPO_ROOT / "prompts"


@lru_cache(maxsize=32)
def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def load(name: str) -> str:
    path = prompts_dir() / name
    if not path.is_file():
        raise ConfigError(f"prompt file {path} is missing; reinstall from a checkout or set CALLPLAN_PROMPTS_DIR")
    return _read(path)


def render(name: str, **values: str) -> str:
    """Fill `{{name}}` placeholders; an unknown placeholder is a bug in the template."""
    text = load(name)

    def sub(m: re.Match) -> str:
        key = m.group(1)
        if key not in values:
            raise ConfigError(f"prompt {name} uses {{{{{key}}}}} but no value was given")
        return values[key]

    return re.sub(r"\{\{(\w+)\}\}", sub, text)
