"""How long each web action takes on the server: `python -m assistant.web.bench [source]`.

Runs the same handlers the page calls (real pipeline, store, chat, exporters) in a fresh
temporary data dir and prints seconds per action and the process's peak RSS. The first
draft includes building the knowledge index once for the data dir; the second does not.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from ..config import REPO_ROOT, reload_settings


def main(argv: list[str]) -> None:
    source = Path(argv[0]) if argv else REPO_ROOT / "samples" / "discovery_call.txt"
    os.environ["CALLPLAN_DATA_DIR"] = tempfile.mkdtemp(prefix="callplan-web-bench-")
    reload_settings()
    from . import handlers

    def timed(label: str, fn):
        t = time.perf_counter()
        out = fn()
        print(f"{label:<42} {time.perf_counter() - t:7.2f} s", flush=True)
        return out

    print(f"source: {source.name}")
    timed("draft (first; builds the knowledge index)", lambda: handlers.draft_call(str(source), "", "", ""))
    page = timed("draft (again, incl. md/docx/pdf export)", lambda: handlers.draft_call(str(source), "", "", ""))
    s = page.session
    timed("reopen from history", lambda: handlers.open_call(s.call_id))
    handlers._warmer.submit(lambda: None).result()  # the chat warm-up has finished
    timed("chat question", lambda: handlers.ask(s, "what did they say about the deadline?"))
    p = timed("chat edit (new version, exports)", lambda: handlers.ask(s, "add a milestone: pilot live by March 1"))
    p = timed("undo", lambda: handlers.undo(p.session))
    p = timed("save an edited goal", lambda: handlers.save_plan(p.session, "A shorter goal.", p.measures, p.milestones,
                                                             p.dependencies, p.review))
    name = next(n for n, role, _ in p.speakers if role == "customer")
    timed("role fix (redraft)", lambda: handlers.set_role(p.session, name, "vendor"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'peak RSS':<42} {peak:7.0f} MB")


if __name__ == "__main__":
    main(sys.argv[1:])
