"""Running the bot: Socket Mode when SLACK_APP_TOKEN is set, else an HTTP endpoint.

Why our own small HTTP server rather than bolt's `app.start()`: bolt's development server
handles one request at a time and binds every interface; a threaded server on a chosen host
keeps acks fast while another request is being answered. Signature checks (and refusing
requests older than 5 minutes) are bolt's RequestVerification middleware, in `app.dispatch`.
"""

from __future__ import annotations

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Optional

from slack_bolt import App, BoltRequest
from slack_bolt.error import BoltError
from slack_sdk.errors import SlackApiError

from ..config import Settings, get_settings
from ..errors import BackendError, ConfigError

log = logging.getLogger("callplan.slack")

PATH = "/slack/events"
MAX_BODY = 1024 * 1024  # Slack's payloads are a few KB; refuse anything absurd before reading it


def http_server(app: App, host: str = "127.0.0.1", port: int = 3000) -> ThreadingHTTPServer:
    """A threaded server that hands POST /slack/events to bolt (port 0: any free port)."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args) -> None:  # request lines only; bodies and headers never
            log.debug("%s %s", self.address_string(), format % args)

        def do_GET(self) -> None:
            if self.path.partition("?")[0] == "/healthz":
                self._send(200, {}, "ok")
            else:
                self._send(404, {}, "not found")

        def do_POST(self) -> None:
            path, _, query = self.path.partition("?")
            length = int(self.headers.get("Content-Length") or 0)
            if path != PATH:
                self._send(404, {}, "not found")
                return
            if length > MAX_BODY:
                self._send(413, {}, "too large")
                return
            body = self.rfile.read(length).decode("utf-8", errors="replace")
            resp = app.dispatch(BoltRequest(body=body, query=query, headers={k: v for k, v in self.headers.items()}))
            self._send(resp.status, resp.headers, resp.body)

        def _send(self, status: int, headers: dict, body) -> None:
            data = (body if isinstance(body, str) else json.dumps(body)).encode("utf-8")
            self.send_response(status)
            for k, values in headers.items():
                if k.lower() == "content-length":
                    continue
                for v in values if isinstance(values, (list, tuple)) else [values]:
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    return server


def start_in_thread(app: App, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    """For tests and embedding: serve in a daemon thread; `server.shutdown()` stops it."""
    server = http_server(app, host, port)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server


def run(settings: Optional[Settings] = None, *, host: str = "127.0.0.1", port: int = 3000, say=print) -> None:
    """`callplan slack`: blocks until interrupted."""
    from .app import create_app

    settings = settings or get_settings()
    if not settings.slack_bot_token:
        raise ConfigError(
            "SLACK_BOT_TOKEN is not set; create the app from slack/manifest.yaml, install it, "
            "and export its Bot User OAuth Token (xoxb-...)"
        )
    if not settings.slack_app_token and not settings.slack_signing_secret:
        raise ConfigError(
            "set SLACK_APP_TOKEN (xapp-..., Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode); "
            "both are on the app's Basic Information page"
        )
    try:
        app = create_app(settings)  # bolt checks the bot token with auth.test here
    except (BoltError, SlackApiError) as e:
        error = e.response.get("error") if isinstance(e, SlackApiError) else str(e).splitlines()[0]
        raise ConfigError(f"Slack refused SLACK_BOT_TOKEN ({error}); copy the Bot User OAuth Token (xoxb-...) again") from None
    except OSError as e:  # URLError: no route to slack.com
        raise BackendError(f"cannot reach Slack ({getattr(e, 'reason', e)}); check the network or proxy") from None
    if settings.slack_app_token:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        if not settings.slack_app_token.startswith("xapp-"):
            raise ConfigError("SLACK_APP_TOKEN must be an app-level token (xapp-...) with the connections:write scope")
        say("callplan Slack bot: Socket Mode, connecting to Slack (Ctrl-C stops)")
        SocketModeHandler(app, settings.slack_app_token).start()
        return
    server = http_server(app, host, port)
    say(f"callplan Slack bot: HTTP mode on http://{host}:{server.server_address[1]}{PATH} (Ctrl-C stops)")
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
