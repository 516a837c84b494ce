#!/usr/bin/env python3
"""Throughput of planlint from Python, against the Rust CLI and json.loads, on the corpus.

Usage: python scripts/bench.py [--corpus DIR] [--cli PATH] [--repeat N]

Not a test: it prints figures. The inputs are every raw JSON capture of the corpus (the format
json.loads can read too). Measured, best of N:
  * planlint.parse(text) for each file            (Rust parse, objects stay in Rust)
  * planlint.parse + to_dict() for each file      (the same, then every value as Python objects)
  * json.loads(text) for each file                (CPython's C JSON decoder: dicts, no model)
  * the CLI on all documents in one file          (`planlint parse --compact`: parse + write JSON)
  * planlint.parse on that same concatenated text (one call)
  * planlint.analyze (parse + metrics + rules + typed findings), per file and in one call,
    against `planlint analyze --format json` on the concatenated file
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

import planlint

ROOT = Path(__file__).resolve().parents[2]


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=os.environ.get("PLANLINT_CORPUS", ROOT / "corpus"))
    ap.add_argument("--cli", default=os.environ.get("PLANLINT_CLI", ROOT / "target/release/planlint"))
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    corpus = Path(a.corpus)
    manifest = json.loads((corpus / "manifest.json").read_text())
    files = [
        corpus / e["path"]
        for e in manifest
        if e["format"] == "json" and e.get("framing", "raw") == "raw" and (corpus / e["path"]).exists()
    ]
    texts = [f.read_text(encoding="utf-8") for f in files]
    size = sum(len(t.encode()) for t in texts)
    plans = sum(len(planlint.parse(t)) for t in texts)
    nodes = sum(len(p) for t in texts for p in planlint.parse(t))
    mb = size / 1e6
    print(f"inputs: {len(files)} JSON files, {plans} plans, {nodes} nodes, {mb:.1f} MB")

    def row(name: str, seconds: float) -> None:
        print(f"  {name:<44} {seconds * 1e3:8.1f} ms  {mb / seconds:7.1f} MB/s  {plans / seconds:9.0f} plans/s")

    row("planlint.parse (per file)", best(lambda: [planlint.parse(t) for t in texts], a.repeat))
    row(
        "planlint.parse + to_dict (per file)",
        best(lambda: [[p.to_dict() for p in planlint.parse(t)] for t in texts], a.repeat),
    )
    row("json.loads (per file)", best(lambda: [json.loads(t) for t in texts], a.repeat))
    row(
        "planlint.analyze (per file: parse + analyze)",
        best(lambda: [planlint.analyze(t) for t in texts], a.repeat),
    )
    row(
        "planlint.parse + walk every node's node_type",
        best(lambda: [[n.node_type for p in planlint.parse(t) for n in p] for t in texts], a.repeat),
    )

    text_files = [
        corpus / e["path"]
        for e in manifest
        if e["format"] == "text" and e.get("framing", "raw") == "raw" and (corpus / e["path"]).exists()
    ]
    if text_files:
        plain = [f.read_text(encoding="utf-8") for f in text_files]
        tmb = sum(len(t.encode()) for t in plain) / 1e6
        seconds = best(lambda: [planlint.parse(t) for t in plain], a.repeat)
        print(
            f"  {'planlint.parse TEXT (per file, ' + str(len(plain)) + ' files)':<44} "
            f"{seconds * 1e3:8.1f} ms  {tmb / seconds:7.1f} MB/s"
        )

    blob = "\n".join(texts)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        f.write(blob)
        path = f.name
    try:
        cli = str(a.cli)

        def run_cli() -> None:
            subprocess.run([cli, "parse", "--compact", path], check=True, stdout=subprocess.DEVNULL)

        row("CLI parse --compact (one file, all documents)", best(run_cli, a.repeat))

        def run_cli_analyze() -> None:
            subprocess.run(
                [cli, "analyze", "--format", "json", "--config", "/dev/null", path],
                check=True,
                stdout=subprocess.DEVNULL,
            )

        row("CLI analyze --format json (one file)", best(run_cli_analyze, a.repeat))
        row("planlint.analyze (one call, all documents)", best(lambda: planlint.analyze(blob), a.repeat))
        row("planlint.parse (one call, all documents)", best(lambda: planlint.parse(blob), a.repeat))
        row(
            "planlint.to_json(parse(...)) (one call)",
            best(lambda: planlint.to_json(planlint.parse(blob), pretty=False), a.repeat),
        )
    finally:
        os.unlink(path)
    print(f"python {sys.version.split()[0]}, planlint {planlint.__version__}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
