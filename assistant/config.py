"""Settings from the environment (and a .env file), in one place.

Every knob is a CALLPLAN_* variable, except the standard OPENAI_API_KEY and the Slack
tokens, which keep the names their own tools use.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Optional

import platformdirs
from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("callplan", appauthor=False))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CALLPLAN_", env_file=".env", extra="ignore")

    data_dir: Path = Field(default_factory=_default_data_dir)

    # speech
    whisper_model: Optional[str] = None  # a CTranslate2 model dir (or hub name); None: bundled tiny.en
    whisper_threads: int = 2
    whisper_compute_type: str = "int8"
    max_audio_hours: float = 4.0
    max_upload_mb: int = 500

    # language model (any OpenAI-compatible endpoint); unset: the embedded engine
    llm_base_url: Optional[str] = None
    llm_model: str = "gpt-4o-mini"
    llm_timeout: float = 60.0
    llm_retries: int = 2
    prompts_dir: Optional[Path] = None  # None: the repo's prompts/ (found relative to the package)
    openai_api_key: Optional[str] = Field(
        default=None, validation_alias=AliasChoices("OPENAI_API_KEY", "CALLPLAN_OPENAI_API_KEY")
    )

    # knowledge index and storage
    chroma_url: Optional[str] = None  # a chroma server for a team; unset: a local persistent index
    knowledge_dir: Optional[Path] = None  # None: the bundled knowledge/ corpus
    database_url: Optional[str] = None  # e.g. postgresql+psycopg://...; unset: SQLite in data_dir

    # web
    host: str = "127.0.0.1"
    port: int = 7860
    auth: Optional[str] = None  # "user:password"
    web_url: Optional[str] = None  # public URL of the web app, for links from Slack

    # slack
    slack_bot_token: Optional[str] = Field(default=None, validation_alias=AliasChoices("SLACK_BOT_TOKEN"))
    slack_signing_secret: Optional[str] = Field(default=None, validation_alias=AliasChoices("SLACK_SIGNING_SECRET"))
    slack_app_token: Optional[str] = Field(default=None, validation_alias=AliasChoices("SLACK_APP_TOKEN"))

    @property
    def llm_configured(self) -> bool:
        return bool(self.openai_api_key or self.llm_base_url)

    def ensure_data_dir(self) -> Path:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return self.data_dir


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def reload_settings() -> Settings:
    """Tests and long-running servers call this after changing the environment."""
    get_settings.cache_clear()
    return get_settings()


REPO_ROOT = Path(__file__).resolve().parent.parent
