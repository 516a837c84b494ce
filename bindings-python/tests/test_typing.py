"""The type stubs: current with the model's schema, and complete enough for mypy --strict."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def mypy(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Runs mypy --strict; its cache (shared by the runs, kept in the virtualenv) saves
    re-reading pytest, psycopg and SQLAlchemy every time."""
    cache = Path(sys.prefix) / ".mypy_cache"
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(cache), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
    )


def test_stubs_are_generated_from_the_current_schema() -> None:
    gen = HERE.parent / "scripts" / "gen_stubs.py"
    out = subprocess.run([sys.executable, str(gen), "--check"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def test_mypy_strict_accepts_typed_usage() -> None:
    out = mypy("--python-version", "3.10", str(HERE / "typed_usage.py"), cwd=HERE)
    assert out.returncode == 0, out.stdout + out.stderr


def test_mypy_catches_a_misspelt_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import planlint\n"
        "def f(n: planlint.Node) -> float:\n"
        "    return n.rows_removed_by_filtre or 0.0\n"
        "def g(n: planlint.Node) -> int:\n"
        "    return n.node_type\n"
        "def h(n: planlint.Node) -> bool:\n"
        "    return n.join_type == 'Innner'\n"
    )
    out = mypy(str(bad), cwd=tmp_path)
    assert out.returncode == 1
    assert "rows_removed_by_filtre" in out.stdout
    assert 'Incompatible return value type (got "str | None", expected "int")' in out.stdout
    assert "Non-overlapping equality check" in out.stdout and "Innner" in out.stdout


def test_mypy_strict_accepts_the_package_itself(tmp_path: Path) -> None:
    out = mypy("-p", "planlint", cwd=tmp_path)  # the installed package, not a source tree
    assert out.returncode == 0, out.stdout + out.stderr
