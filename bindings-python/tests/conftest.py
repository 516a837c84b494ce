"""Shared fixtures: the corpus, the CLI, and a throwaway PostgreSQL server.

Environment (scripts/test-python.sh sets what it knows):
  PLANLINT_CORPUS   the corpus directory (default: <repo>/corpus)
  PLANLINT_CLI      the `planlint` binary (default: <repo>/target/release/planlint)
  PLANLINT_PG_BIN   PostgreSQL's bin directory (default: /usr/lib/postgresql/15/bin)
  PLANLINT_PG_PORT  the port of the test server (default: 55444)
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest

REPO = Path(__file__).resolve().parents[2]
CORPUS = Path(os.environ.get("PLANLINT_CORPUS", REPO / "corpus"))
CLI = Path(os.environ.get("PLANLINT_CLI", REPO / "target" / "release" / "planlint"))
PG_BIN = Path(os.environ.get("PLANLINT_PG_BIN", "/usr/lib/postgresql/15/bin"))
PG_PORT = int(os.environ.get("PLANLINT_PG_PORT", "55444"))
PG_OS_USER = "planlint"

#: Extensions of captured plan files.
PLAN_SUFFIXES = (".json", ".txt", ".yaml", ".xml")


@dataclass(frozen=True)
class CorpusFile:
    """One captured plan file of the corpus."""

    path: Path
    rel: str
    format: str
    plans: int | None
    framing: str = "raw"


def corpus_files() -> list[CorpusFile]:
    """Every captured plan of the corpus (from corpus/manifest.json when it exists)."""
    manifest = CORPUS / "manifest.json"
    if manifest.exists():
        entries = json.loads(manifest.read_text(encoding="utf-8"))
        return [
            CorpusFile(CORPUS / e["path"], e["path"], e["format"], e.get("plans"), e.get("framing", "raw"))
            for e in entries
        ]
    out = []
    for path in sorted(CORPUS.glob("pg*/*/*")):
        if path.is_file() and path.name.endswith(PLAN_SUFFIXES):
            fmt = {"txt": "text"}.get(path.suffix[1:], path.suffix[1:])
            framing = "raw" if path.name.count(".") == 1 else "psql"
            out.append(CorpusFile(path, str(path.relative_to(CORPUS)), fmt, None, framing))
    return out


def require_corpus() -> list[CorpusFile]:
    """The corpus files; the corpus is the ground truth, so its absence is an error."""
    files = corpus_files()
    if not files:
        pytest.fail(f"no corpus plans under {CORPUS} (set PLANLINT_CORPUS)", pytrace=False)
    return files


def json_corpus() -> list[CorpusFile]:
    """The JSON captures of the corpus, as the server printed them (no psql framing)."""
    return [f for f in corpus_files() if f.format == "json" and f.framing == "raw"]


# -- PostgreSQL --------------------------------------------------------------------------------


def _as_user(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", PG_OS_USER, "--", *cmd] if os.geteuid() == 0 else cmd


def _run(cmd: list[str], **kw: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(_as_user(cmd), check=True, capture_output=True, text=True, **kw)


@dataclass
class PgServer:
    """A running throwaway server."""

    host: str
    port: int
    user: str
    dbname: str

    @property
    def dsn(self) -> str:
        """A libpq connection string."""
        return f"host={self.host} port={self.port} user={self.user} dbname={self.dbname}"

    @property
    def sqlalchemy_url(self) -> str:
        """A SQLAlchemy URL for psycopg 3 (unix socket)."""
        return f"postgresql+psycopg://{self.user}@/{self.dbname}?host={self.host}&port={self.port}"


@pytest.fixture(scope="session")
def pg() -> Iterator[PgServer]:
    """A PostgreSQL server for this test session: run by an unprivileged user, unix socket in a
    fresh directory under /tmp, TCP on 127.0.0.1 only; stopped and removed at the end."""
    if not (PG_BIN / "postgres").exists():
        pytest.fail(f"no PostgreSQL in {PG_BIN} (scripts/test-python.sh installs it)", pytrace=False)
    if os.geteuid() == 0 and subprocess.run(["id", PG_OS_USER], capture_output=True).returncode:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", PG_OS_USER],
            check=True,
        )
    base = Path(tempfile.mkdtemp(prefix="planlint-pytest-", dir="/tmp"))
    data = base / "data"
    if os.geteuid() == 0:
        shutil.chown(base, PG_OS_USER)
    base.chmod(0o755)
    _run([str(PG_BIN / "initdb"), "-D", str(data), "-U", PG_OS_USER, "-A", "trust", "-E", "UTF8",
          "--locale=C", "--no-sync"])
    opts = (
        f"-c listen_addresses=127.0.0.1 -c port={PG_PORT} -c unix_socket_directories={base} "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c jit=off "
        "-c max_parallel_workers_per_gather=0"
    )
    try:
        _run([str(PG_BIN / "pg_ctl"), "-D", str(data), "-w", "-t", "120", "-o", opts,
              "-l", str(base / "server.log"), "start"])
    except subprocess.CalledProcessError as e:
        log = (base / "server.log").read_text() if (base / "server.log").exists() else ""
        shutil.rmtree(base, ignore_errors=True)
        pytest.fail(f"PostgreSQL did not start: {e.stderr}\n{log}", pytrace=False)
    try:
        yield PgServer(host=str(base), port=PG_PORT, user=PG_OS_USER, dbname="postgres")
    finally:
        subprocess.run(
            _as_user([str(PG_BIN / "pg_ctl"), "-D", str(data), "-w", "-m", "fast", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def shop(pg: PgServer) -> PgServer:
    """The test database: customers and orders (500,000 rows, no secondary index), analyzed."""
    import psycopg

    with psycopg.connect(pg.dsn, autocommit=True) as conn:
        conn.execute("CREATE DATABASE shop")
    server = PgServer(host=pg.host, port=pg.port, user=pg.user, dbname="shop")
    with psycopg.connect(server.dsn, autocommit=True) as conn:
        conn.execute(
            """
            CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, country text NOT NULL);
            INSERT INTO customers
              SELECT i, 'customer ' || i, (ARRAY['FR','DE','US','JP','BR'])[1 + i % 5]
              FROM generate_series(1, 5000) i;
            CREATE TABLE orders (
              id int PRIMARY KEY, customer_id int NOT NULL REFERENCES customers,
              status text NOT NULL, amount numeric(10,2) NOT NULL, created date NOT NULL);
            INSERT INTO orders
              SELECT i, 1 + i % 5000, (ARRAY['new','paid','shipped','returned'])[1 + i % 4],
                     (i % 1000) / 10.0, date '2024-01-01' + i % 365
              FROM generate_series(1, 500000) i;
            """
        )
        conn.execute("VACUUM ANALYZE customers, orders")
    return server


def wait_for(pred: Any, timeout: float = 10.0) -> bool:
    """Polls ``pred`` until true or ``timeout`` seconds pass."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.05)
    return False
pytest_plugins = ["pytester"]
