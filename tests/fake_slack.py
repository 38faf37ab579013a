"""A local fake of Slack's Web API on 127.0.0.1, for the bot's tests.

It speaks the wire protocol slack_sdk uses (POST /api/<method>, form or JSON bodies, a
Bearer token), records every call, and serves the file side: private downloads (token
checked), the upload URL files.getUploadURLExternal hands out, and response_url posts.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Optional

BOT_TOKEN = "xoxb-test-0000-SECRETTOKEN"
APP_TOKEN = "xapp-test-0000-SECRETAPPTOKEN"
BOT_USER = "UCALLPLAN"


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    token: Optional[str]
    at: float = field(default_factory=time.monotonic)


@dataclass
class FakeFile:
    id: str
    name: str
    content: bytes
    mimetype: str = "text/plain"
    size: Optional[int] = None  # what files.info claims; None: len(content)


class FakeSlack:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.files: dict[str, FakeFile] = {}
        self.threads: dict[tuple[str, str], list[dict]] = {}
        self.uploads: dict[str, bytes] = {}
        self.responses: list[dict] = []  # posts to response_url
        self.downloads: list[tuple[str, Optional[str]]] = []  # (file id, Authorization header)
        self.refuse_channels: set[str] = set()  # chat.postMessage there fails with not_in_channel
        self._ts = itertools.count(1)
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                path = self.path.partition("?")[0]
                if path.startswith("/download/"):
                    fid = path.rsplit("/", 1)[-1]
                    auth = self.headers.get("Authorization")
                    with fake._lock:
                        fake.downloads.append((fid, auth))
                    f = fake.files.get(fid)
                    if f is None:
                        return self._send(404, b"no such file", "text/plain")
                    if auth != f"Bearer {BOT_TOKEN}":  # what Slack does: the login page, not the file
                        return self._send(200, b"<html>sign in</html>", "text/html")
                    return self._send(200, f.content, f.mimetype)
                self._send(404, b"not found", "text/plain")

            def do_POST(self) -> None:
                path, _, query = self.path.partition("?")
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if path.startswith("/upload/"):
                    with fake._changed:
                        fake.uploads[path.rsplit("/", 1)[-1]] = raw
                        fake._changed.notify_all()
                    return self._send(200, b"OK - " + str(len(raw)).encode(), "text/plain")
                if path.startswith("/respond/"):
                    with fake._changed:
                        fake.responses.append(json.loads(raw or b"{}"))
                        fake._changed.notify_all()
                    return self._send(200, b"ok", "text/plain")
                if not path.startswith("/api/"):
                    return self._send(404, b"not found", "text/plain")
                params: dict[str, Any] = dict(urllib.parse.parse_qsl(query))
                ctype = self.headers.get("Content-Type", "")
                if "json" in ctype:
                    params.update(json.loads(raw or b"{}"))
                else:
                    params.update(urllib.parse.parse_qsl(raw.decode("utf-8")))
                for key in ("blocks", "files"):
                    if isinstance(params.get(key), str):
                        params[key] = json.loads(params[key])
                auth = self.headers.get("Authorization", "")
                token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else params.get("token")
                method = path.removeprefix("/api/")
                body = fake.answer(method, params, token, f"http://127.0.0.1:{self.server.server_address[1]}")
                with fake._changed:
                    fake.calls.append(Call(method, params, token))
                    fake._changed.notify_all()
                self._send(200, json.dumps(body).encode(), "application/json; charset=utf-8")

            def _send(self, status: int, data: bytes, ctype: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.api_url = self.url + "/api/"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self) -> None:
        if self._ws is not None:
            self._ws.shutdown()
        self.server.shutdown()
        self.server.server_close()

    # ---------------------------------------------------------------- Socket Mode

    socket_url: Optional[str] = None
    _ws = None

    def start_socket_mode(self) -> None:
        """A WebSocket endpoint speaking Socket Mode: `hello`, then envelopes from `send_envelope`;
        the app's acks (`{"envelope_id": ..., "payload": ...}`) are recorded in `acks`."""
        import queue

        from websockets.exceptions import ConnectionClosed
        from websockets.sync.server import serve

        self.acks: list[tuple[dict, float]] = []
        self.envelopes: "queue.Queue[dict]" = queue.Queue()

        def handler(conn) -> None:
            conn.send(json.dumps({"type": "hello", "num_connections": 1, "debug_info": {}, "connection_info": {}}))

            def receive() -> None:
                try:
                    for message in conn:
                        with self._changed:
                            self.acks.append((json.loads(message), time.monotonic()))
                            self._changed.notify_all()
                except ConnectionClosed:  # the app went away (test teardown)
                    pass

            threading.Thread(target=receive, daemon=True).start()
            while True:
                try:
                    envelope = self.envelopes.get(timeout=0.1)
                except queue.Empty:
                    if conn.state.name in ("CLOSING", "CLOSED"):
                        return
                    continue
                try:
                    conn.send(json.dumps(envelope))
                except ConnectionClosed:
                    return

        self._ws = serve(handler, "127.0.0.1", 0, compression=None)
        self.socket_url = f"ws://127.0.0.1:{self._ws.socket.getsockname()[1]}/link"
        threading.Thread(target=self._ws.serve_forever, daemon=True).start()

    def send_envelope(self, envelope: dict) -> float:
        """Queue an envelope for the connected app; returns when it was queued (monotonic)."""
        self.envelopes.put(envelope)
        return time.monotonic()

    # ---------------------------------------------------------------- Slack's answers

    def answer(self, method: str, p: dict, token: Optional[str], base: str) -> dict:
        if method == "apps.connections.open":  # Socket Mode: the app-level token opens a WebSocket
            if token != APP_TOKEN or self.socket_url is None:
                return {"ok": False, "error": "invalid_auth"}
            return {"ok": True, "url": self.socket_url}
        if token != BOT_TOKEN:
            return {"ok": False, "error": "invalid_auth"}
        if method == "auth.test":
            return {"ok": True, "url": "https://fake.slack.com/", "team": "Fake", "user": "callplan",
                    "team_id": "T1", "user_id": BOT_USER, "bot_id": "BCALLPLAN"}
        if method == "chat.postMessage":
            channel = p.get("channel", "")
            if channel in self.refuse_channels:
                return {"ok": False, "error": "not_in_channel"}
            ts = f"1700000000.{next(self._ts):06d}"
            return {"ok": True, "channel": channel, "ts": ts, "message": {"text": p.get("text"), "ts": ts}}
        if method == "chat.update":
            return {"ok": True, "channel": p.get("channel"), "ts": p.get("ts"), "text": p.get("text")}
        if method == "conversations.replies":
            msgs = self.threads.get((p.get("channel", ""), p.get("ts", "")))
            if msgs is None:
                return {"ok": False, "error": "thread_not_found"}
            return {"ok": True, "messages": msgs, "has_more": False, "response_metadata": {"next_cursor": ""}}
        if method == "files.info":
            f = self.files.get(p.get("file", ""))
            if f is None:
                return {"ok": False, "error": "file_not_found"}
            ext = f.name.rsplit(".", 1)[-1] if "." in f.name else ""
            return {"ok": True, "file": {"id": f.id, "name": f.name, "title": f.name, "mimetype": f.mimetype,
                                        "filetype": ext, "pretty_type": ext.upper(),
                                        "size": f.size if f.size is not None else len(f.content),
                                        "url_private": f"{base}/download/{f.id}",
                                        "url_private_download": f"{base}/download/{f.id}"}}
        if method == "files.getUploadURLExternal":
            fid = f"FUP{next(self._ts)}"
            return {"ok": True, "upload_url": f"{base}/upload/{fid}", "file_id": fid}
        if method == "files.completeUploadExternal":
            files = p.get("files") or []
            return {"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in files]}
        return {"ok": False, "error": "unknown_method"}

    # ---------------------------------------------------------------- what tests look at

    def of(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, check: Callable[["FakeSlack"], Any], timeout: float = 60.0) -> Any:
        """Block until `check(self)` is truthy (returns it), or fail after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            result = check(self)
            if result:
                return result
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out; calls so far: {[c.method for c in self.calls]}")
            with self._changed:
                self._changed.wait(0.1)
