"""Parity with the Rust CLI: on every corpus plan, Python gives the CLI's canonical JSON (same
text, same values) or the same positioned error."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

import planlint
from conftest import CLI, CorpusFile, corpus_files, require_corpus

ERROR = re.compile(r"^planlint: .*?:(\d+):(\d+): (.*)$", re.S)


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    if not CLI.exists():
        pytest.fail(f"no CLI at {CLI} (cargo build --release -p planlint-cli)", pytrace=False)
    return subprocess.run([str(CLI), *args], capture_output=True, text=True)


def test_corpus_is_there() -> None:
    files = require_corpus()
    assert len(files) > 100, f"only {len(files)} corpus files"


@pytest.mark.parametrize("entry", corpus_files(), ids=lambda e: e.rel)
def test_same_canonical_json_as_cli(entry: CorpusFile) -> None:
    out = cli("parse", "--compact", str(entry.path))
    data = entry.path.read_bytes()
    if out.returncode == 0:
        plans = planlint.parse(data)
        assert planlint.to_json(plans, pretty=False) == out.stdout.rstrip("\n")
        assert [p.to_dict() for p in plans] == json.loads(out.stdout)
    else:
        assert out.returncode == 2, out.stderr
        m = ERROR.match(out.stderr.strip())
        assert m, out.stderr
        with pytest.raises(planlint.ParseError) as info:
            planlint.parse(data)
        e = info.value
        assert (e.line, e.column, e.message) == (int(m[1]), int(m[2]), m[3])


@pytest.mark.parametrize(
    "entry",
    [f for f in corpus_files() if f.format == "json" and "analyze" in f.rel],
    ids=lambda e: e.rel,
)
def test_same_pretty_text_as_cli(entry: CorpusFile) -> None:
    out = cli("parse", str(entry.path))
    assert out.returncode == 0, out.stderr
    plans = planlint.parse(entry.path.read_text(encoding="utf-8"))
    assert planlint.to_json(plans) + "\n" == out.stdout
    # Each plan's own text is the pretty JSON of its element.
    for plan, element in zip(plans, json.loads(out.stdout)):
        assert plan.to_json() == json.dumps(element, indent=2, ensure_ascii=False)


def test_schema_is_the_clis() -> None:
    out = cli("schema")
    assert out.returncode == 0
    assert planlint.schema() == json.loads(out.stdout)
