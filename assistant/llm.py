"""The language-model seam: any OpenAI-compatible endpoint through langchain-openai.

One place builds the client and one place turns its failures into a `BackendError` with a
line a user can act on (never the key). JSON comes back through JSON mode plus our own
pydantic validation, because that works on OpenAI and on simple servers (llama.cpp,
Ollama, vLLM) alike, where strict json_schema support varies.
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable, Optional, TypeVar
from urllib.parse import urlsplit

from .config import Settings
from .errors import BackendError, ConfigError

T = TypeVar("T")
Message = tuple[str, str]  # (role, content): role is "system" | "user" | "assistant"

REPAIR = (
    "Your last reply could not be used: {problem}. Reply again with only the JSON object "
    "described in the instructions: no prose, no code fences."
)


def chat_model(settings: Settings, **kw: Any):
    """A ChatOpenAI for the configured endpoint; extra keyword arguments override defaults."""
    if not settings.llm_configured:
        raise ConfigError("no language model configured; set OPENAI_API_KEY or CALLPLAN_LLM_BASE_URL")
    from langchain_openai import ChatOpenAI

    params: dict[str, Any] = dict(
        base_url=settings.llm_base_url,
        api_key=settings.openai_api_key or "not-needed",
        model=settings.llm_model,
        timeout=settings.llm_timeout,
        max_retries=settings.llm_retries,
        temperature=0,
        use_responses_api=False,  # chat completions: the one API every compatible server speaks
    )
    params.update(kw)
    return ChatOpenAI(**params)


def where(settings: Settings) -> str:
    """The endpoint as a user would recognise it, without credentials or query strings."""
    if not settings.llm_base_url:
        return "the OpenAI API"
    parts = urlsplit(settings.llm_base_url)
    host = parts.hostname or settings.llm_base_url
    port = f":{parts.port}" if parts.port else ""
    return f"the language model at {parts.scheme}://{host}{port}{parts.path}" if parts.scheme else host


def _scrub(text: str, settings: Settings) -> str:
    key = settings.openai_api_key
    if key:
        text = text.replace(key, "***")
    text = re.sub(r"sk-[A-Za-z0-9_\-*]{6,}", "sk-***", text)
    return " ".join(text.split())[:200]


def backend_error(e: Exception, settings: Settings) -> BackendError:
    """Map an openai/httpx failure to one clear line."""
    import openai

    at = where(settings)
    if isinstance(e, openai.APITimeoutError):
        return BackendError(
            f"{at} did not answer within {settings.llm_timeout:g} s; raise CALLPLAN_LLM_TIMEOUT or check the server"
        )
    if isinstance(e, openai.APIConnectionError):
        return BackendError(f"cannot reach {at}; check that it is running and CALLPLAN_LLM_BASE_URL is right")
    if isinstance(e, openai.AuthenticationError):
        return BackendError(f"{at} rejected the API key (HTTP 401); check OPENAI_API_KEY")
    if isinstance(e, openai.PermissionDeniedError):
        return BackendError(f"{at} refused access (HTTP 403); check the API key's permissions")
    if isinstance(e, openai.NotFoundError):
        return BackendError(
            f"{at} answered HTTP 404; check CALLPLAN_LLM_MODEL ({settings.llm_model!r}) and the base URL (it usually ends in /v1)"
        )
    if isinstance(e, openai.RateLimitError):
        return BackendError(f"{at} is rate-limiting us (HTTP 429); wait and try again")
    if isinstance(e, openai.APIStatusError):
        return BackendError(f"{at} answered HTTP {e.status_code}: {_scrub(_status_message(e), settings)}")
    if isinstance(e, openai.OpenAIError):
        return BackendError(f"{at} failed: {_scrub(str(e), settings)}")
    return BackendError(f"{at} failed: {type(e).__name__}: {_scrub(str(e), settings)}")


def _status_message(e: Any) -> str:
    body = getattr(e, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])
        if isinstance(inner, str):
            return inner
    return re.sub(r"^Error code: \d+ - ", "", str(getattr(e, "message", e)))


def complete(messages: list[Message], settings: Settings, *, json_mode: bool = False, model=None) -> str:
    """One chat completion -> the reply text. Every failure is a BackendError."""
    model = model or chat_model(settings)
    if json_mode:
        model = model.bind(response_format={"type": "json_object"})
    try:
        reply = model.invoke(messages)
    except Exception as e:  # noqa: BLE001 - any failure of the remote model is a BackendError (caller falls back)
        raise backend_error(e, settings) from e
    content = reply.content
    if isinstance(content, list):  # content parts
        content = "".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in content)
    return str(content)


def parse_json_object(text: str) -> dict:
    """The first JSON object in a reply; tolerates code fences and a sentence around it."""
    text = text.strip()
    fenced = re.search(r"```(?:json)?\s*(.*?)```", text, re.S)
    if fenced:
        text = fenced.group(1).strip()
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        start, end = text.find("{"), text.rfind("}")
        if start < 0 or end <= start:
            raise ValueError("the reply is not JSON")
        try:
            value = json.loads(text[start : end + 1])
        except json.JSONDecodeError as e:
            raise ValueError(f"the reply is not valid JSON ({e.msg} at char {e.pos})") from e
    if not isinstance(value, dict):
        raise ValueError("the reply is JSON but not an object")
    return value


def complete_json(
    messages: list[Message], settings: Settings, validate: Callable[[dict], T], *, model=None
) -> T:
    """JSON mode + our validation; junk gets one repair request, then a BackendError."""
    model = model or chat_model(settings)
    problem: Optional[str] = None
    for attempt in range(2):
        text = complete(messages, settings, json_mode=True, model=model)
        try:
            return validate(parse_json_object(text))
        except ValueError as e:  # pydantic's ValidationError is a ValueError
            problem = _short_problem(e)
            messages = [*messages, ("assistant", text[:4000]), ("user", REPAIR.format(problem=problem))]
    raise BackendError(f"{where(settings)} returned unusable JSON twice ({problem})")


def _short_problem(e: Exception) -> str:
    errors = getattr(e, "errors", None)
    if callable(errors):
        try:
            first = errors()[0]
            loc = ".".join(str(p) for p in first.get("loc", ()))
            return f"{loc}: {first.get('msg')}" if loc else str(first.get("msg"))
        except Exception:  # noqa: BLE001 - best effort message
            pass
    return str(e).splitlines()[0][:200]
