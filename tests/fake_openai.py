"""A real HTTP server on 127.0.0.1 speaking the OpenAI chat-completions API, for tests.

The network edge is the only thing faked: our code goes through langchain-openai, the
openai client and httpx to this server. It replays scripted responses in order and
records every request body, so tests can assert on what was sent.

A scripted response is one of:
  Reply("text")                    200 with that assistant message
  Reply("text", delay=3)           the same, after sleeping (past the client's timeout)
  Reply(status=500)                an HTTP error with an OpenAI-style error body
  a callable(request_body) -> str | Reply    computed from what was sent
When the script runs out, `default` (a Reply or callable) answers, else HTTP 500.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Optional, Union


@dataclass
class Reply:
    content: str = ""
    status: int = 200
    delay: float = 0.0


Scripted = Union[Reply, str, Callable[[dict], Union[str, Reply]]]


class FakeOpenAI:
    def __init__(self) -> None:
        self.script: list[Scripted] = []
        self.default: Optional[Scripted] = None
        self.requests: list[dict] = []  # every chat-completions request body, in order
        self.headers: list[dict] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    # --- test-facing API ---

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def push(self, *responses: Scripted) -> "FakeOpenAI":
        with self._lock:
            self.script.extend(responses)
        return self

    def start(self) -> "FakeOpenAI":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def user_texts(self, i: int = -1) -> str:
        """All non-system message text of request i (what we sent the model as the user)."""
        return "\n".join(m["content"] for m in self.requests[i]["messages"] if m["role"] != "system")

    def system_text(self, i: int = -1) -> str:
        return "\n".join(m["content"] for m in self.requests[i]["messages"] if m["role"] == "system")

    # --- the server ---

    def _next(self, body: dict) -> Reply:
        with self._lock:
            item = self.script.pop(0) if self.script else self.default
        if item is None:
            return Reply(status=500, content="no scripted response left")
        if callable(item):
            item = item(body)
        return Reply(item) if isinstance(item, str) else item

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def _send(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
                    pass

            def do_GET(self) -> None:
                if self.path.rstrip("/").endswith("/models"):
                    self._send(200, {"object": "list", "data": [{"id": "fake-model", "object": "model", "owned_by": "test"}]})
                else:
                    self._send(404, {"error": {"message": "not found", "type": "invalid_request_error"}})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._send(404, {"error": {"message": f"no route {self.path}", "type": "invalid_request_error"}})
                    return
                body = json.loads(raw or b"{}")
                with fake._lock:
                    fake.requests.append(body)
                    fake.headers.append(dict(self.headers))
                reply = fake._next(body)
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.status != 200:
                    self._send(reply.status, {"error": {"message": reply.content or "server error", "type": "server_error", "code": None}})
                    return
                self._send(
                    200,
                    {
                        "id": f"chatcmpl-{len(fake.requests)}",
                        "object": "chat.completion",
                        "created": int(time.time()),
                        "model": body.get("model", "fake-model"),
                        "choices": [
                            {
                                "index": 0,
                                "message": {"role": "assistant", "content": reply.content},
                                "finish_reason": "stop",
                                "logprobs": None,
                            }
                        ],
                        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                    },
                )

        return Handler
