"""The bolt app: each listener acks at once and hands the work to a lazy listener (bot.py).

Why lazy listeners: Slack wants an answer within 3 seconds and retries otherwise; a draft
takes longer than that. The ack is the HTTP response (or the Socket Mode envelope reply);
the lazy function runs afterwards in bolt's thread pool. Slack's retries of an event
(`X-Slack-Retry-Num`, the same `event_id`) are claimed in the store, so they never draft twice.
"""

from __future__ import annotations

import logging
from typing import Callable, Optional

from slack_bolt import App
from slack_sdk import WebClient

from ..config import Settings, get_settings
from ..errors import ConfigError, InputError
from . import blocks as kit
from .bot import USAGE, Bot, parse_hints

log = logging.getLogger("callplan.slack")

COMMAND = "/successplan"


def create_app(
    settings: Optional[Settings] = None,
    *,
    client: Optional[WebClient] = None,
    store=None,
    progress_interval: float = 5.0,
) -> App:
    """A bolt App wired to a Bot. Tests pass a WebClient pointed at a local fake of Slack's Web API."""
    settings = settings or get_settings()
    if client is None and not settings.slack_bot_token:
        raise ConfigError(
            "SLACK_BOT_TOKEN is not set; create the app from slack/manifest.yaml, install it, "
            "and export its Bot User OAuth Token (xoxb-...)"
        )
    app = App(
        token=None if client else settings.slack_bot_token,
        client=client,
        signing_secret=settings.slack_signing_secret or "",
        logger=log,
        process_before_response=False,
    )
    client = app.client
    bot = Bot(client, settings=settings, store=store, progress_interval=progress_interval)
    register(app, bot)
    return app


def register(app: App, bot: Bot) -> None:
    """Listeners: ack fast; the lazy function does the work and reports every failure in Slack."""

    def ack_now(ack) -> None:
        ack()

    def ack_command(ack, command) -> None:
        try:
            _, notes = parse_hints(command.get("text") or "")
        except InputError as e:
            ack(response_type="ephemeral", text=f":warning: {e}")
            return
        if notes.strip():
            ack(response_type="ephemeral", text=":hourglass_flowing_sand: Drafting a success plan from your notes; it will appear in a thread here.")
        else:
            ack(response_type="ephemeral", text=USAGE)

    def run_command(command, respond) -> None:
        channel = command["channel_id"]
        guarded(bot, channel, None, lambda: bot.draft_from_command(
            text=command.get("text") or "", channel=channel, user=command["user_id"], respond=respond
        ), respond=respond)

    def on_mention(body, event, context) -> None:
        if event.get("channel_type") == "im":  # a DM arrives as a message event as well
            return
        handle_message(bot, body, event, context.bot_user_id)

    def on_message(body, event, context) -> None:
        if event.get("channel_type") != "im" or event.get("subtype") not in (None, "file_share"):
            return
        if event.get("bot_id") or event.get("user") == context.bot_user_id:  # our own posts and uploads
            return
        handle_message(bot, body, event, context.bot_user_id)

    def export_action(fmt: str) -> Callable[..., None]:
        def run(body, action) -> None:
            channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
            message = body.get("message") or {}
            thread_ts = message.get("thread_ts") or message.get("ts")
            guarded(bot, channel, thread_ts, lambda: bot.export_to_thread(
                value=action.get("value") or "", fmt=fmt, channel=channel, thread_ts=thread_ts
            ))

        run.__name__ = f"export_{fmt}"
        return run

    app.command(COMMAND)(ack=ack_command, lazy=[run_command])
    app.event("app_mention")(ack=ack_now, lazy=[on_mention])
    app.event("message")(ack=ack_now, lazy=[on_message])
    app.action(kit.EXPORT_DOCX)(ack=ack_now, lazy=[export_action("docx")])
    app.action(kit.EXPORT_PDF)(ack=ack_now, lazy=[export_action("pdf")])
    app.action(kit.OPEN_WEB)(ack_now)  # a link button: Slack opens the URL, we only ack


def handle_message(bot: Bot, body: dict, event: dict, bot_user_id: Optional[str]) -> None:
    channel, ts = event["channel"], event["ts"]
    keys = [f"slack:msg:{channel}:{ts}"]
    if body.get("event_id"):
        keys.insert(0, f"slack:event:{body['event_id']}")
    if not bot.claim(*keys):
        log.info("event %s already handled; a retry or a second event for the same message", body.get("event_id"))
        return
    guarded(bot, channel, event.get("thread_ts") or ts, lambda: bot.draft_from_message(event=event, bot_user_id=bot_user_id))


def guarded(bot: Bot, channel: Optional[str], thread_ts: Optional[str], work: Callable[[], None], respond=None) -> None:
    """Run `work`; any failure becomes one message where the user is looking, never silence or a crash."""
    from ..errors import CallplanError

    try:
        work()
        return
    except CallplanError as e:
        text = f":warning: {e}"
    except Exception as e:
        log.exception("Slack work failed")
        text = f":boom: Something failed on my side ({type(e).__name__}); it is logged. Try again in a moment."
    try:
        if channel:
            bot.say(channel, thread_ts, text)
        elif respond:
            respond(response_type="ephemeral", text=text)
    except Exception as e:
        try:
            if respond:
                respond(response_type="ephemeral", text=text)
                return
        except Exception:
            pass
        log.error("could not tell the user about a failure: %s", type(e).__name__)
