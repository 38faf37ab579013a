"""A real, throwaway PostgreSQL server for tests (Debian's `postgresql` binaries).

initdb into a temp dir, listen on 127.0.0.1 at a free port with the unix socket in that
dir, and stop it afterwards. As root, the server runs as the `postgres` OS user (initdb
refuses root). `start()` returns None with the reason when it cannot start, so tests skip
with that reason rather than fail on machines without PostgreSQL.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional


@dataclass
class Server:
    url: str  # postgresql+psycopg://postgres@127.0.0.1:PORT/postgres
    root: Path
    bindir: Path
    port: int
    as_user: list[str]

    def stop(self) -> None:
        subprocess.run(
            self.as_user + [str(self.bindir / "pg_ctl"), "-D", str(self.root / "data"), "-m", "fast", "-w", "stop"],
            capture_output=True, timeout=60,
        )
        shutil.rmtree(self.root, ignore_errors=True)

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start() -> tuple[Optional[Server], str]:
    """(server, "") or (None, why it could not start)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return None, "psycopg is not installed (pip install -e '.[dev]')"
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not bins:
        return None, "PostgreSQL binaries not found in /usr/lib/postgresql/*/bin (apt-get install postgresql)"
    bindir = Path(bins[-1]).parent
    root = Path(tempfile.mkdtemp(prefix="callplan-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        if not shutil.which("runuser"):
            return None, "running as root without runuser; cannot start PostgreSQL as the postgres user"
        try:
            shutil.chown(root, "postgres", "postgres")
        except (LookupError, OSError) as e:
            return None, f"cannot hand {root} to the postgres user: {e}"
        as_user = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    data, log = root / "data", root / "log"
    steps = [
        [str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"],
        [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60", "start",
         "-o", f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"],
    ]
    for cmd in steps:
        r = subprocess.run(as_user + cmd, capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            detail = (r.stderr or r.stdout).strip().splitlines()[-1:] or ["no output"]
            if log.exists():
                detail += log.read_text(errors="replace").strip().splitlines()[-2:]
            shutil.rmtree(root, ignore_errors=True)
            return None, f"PostgreSQL did not start ({cmd[0].rsplit('/', 1)[-1]}): {' | '.join(detail)}"
    return Server(f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", root, bindir, port, as_user), ""
