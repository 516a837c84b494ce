"""Limits at the Python boundary: deep nesting in every format, huge lines and binary garbage are
a ``planlint.ParseError`` (or plans), never a crash of the interpreter — also in a thread with a
small stack, as a web server's worker thread would call it (docs/limits.md).

The inputs here are hand-made on purpose: each one tests one limit of the readers, not a plan
(the corpus holds no pathological plans). JSON brackets are in test_errors.py.
"""

from __future__ import annotations

import random
import threading
from typing import Callable

import pytest

import planlint

XMLNS = '<explain xmlns="http://www.postgresql.org/2009/explain">'


def text_chain(depth: int, step: int = 6) -> str:
    """TEXT: a chain of ``depth`` nodes, each child ``step`` columns right of its parent."""
    lines = ["Limit  (cost=0.00..1.00 rows=1 width=4)"]
    lines += [" " * (2 + i * step) + "->  Limit  (cost=0.00..1.00 rows=1 width=4)" for i in range(depth)]
    return "\n".join(lines) + "\n"


def xml_chain(depth: int) -> str:
    """XML: a chain of ``depth`` nodes below the root, unindented."""
    return (
        XMLNS
        + "<Query><Plan><Node-Type>Limit</Node-Type>"
        + "<Plans><Plan><Node-Type>Limit</Node-Type>" * depth
        + "</Plan></Plans>" * depth
        + "</Plan></Query></explain>"
    )


def yaml_chain(depth: int) -> str:
    """YAML: a chain of ``depth`` nodes below the root, each ``Plans:`` list indented 4 more."""
    out = ['- Plan: \n    Node Type: "Limit"\n']
    for level in range(1, depth + 1):
        out.append(" " * (4 * level) + "Plans: \n" + " " * (4 * level + 2) + '- Node Type: "Limit"\n')
    return "".join(out)


@pytest.mark.parametrize(
    ("what", "source", "fmt"),
    [
        ("200k XML nodes", xml_chain(200_000), "xml"),
        ("200k XML elements in a property", XMLNS + "<Query><Plan><Node-Type>Result</Node-Type><X>" + "<a>" * 200_000, "xml"),
        ("2k YAML nodes", yaml_chain(2_000), "yaml"),
        ("5k TEXT indentation levels", text_chain(5_000), "text"),
        ("200k JSON nodes", '[{"Plan": ' + '{"Node Type": "Limit", "Plans": [' * 200_000, "json"),
    ],
)
def test_deep_nesting_is_a_too_deep_error(what: str, source: str, fmt: str) -> None:
    for f in (fmt, None):
        with pytest.raises(planlint.ParseError) as info:
            planlint.parse(source, f)
        assert info.value.kind == "too-deep", what
        assert info.value.line >= 1 and info.value.column >= 1
        assert "levels" in info.value.message


def garbage(n: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(n)


@pytest.mark.parametrize(
    ("what", "source"),
    [
        ("4 MB of random bytes", garbage(4 << 20, 8)),
        ("4 MB of NUL", b"\0" * (4 << 20)),
        ("4 MB of 0xFF", b"\xff" * (4 << 20)),
        ("a 50 MB line", "a" * (50 << 20)),
        ("50 MB of '('", "(" * (50 << 20)),
        ("50 MB of '<'", "<" * (50 << 20)),
    ],
)
@pytest.mark.parametrize("fmt", [None, "text", "json", "yaml", "xml"])
def test_garbage_is_a_parse_error(what: str, source: str | bytes, fmt: str | None) -> None:
    try:
        plans = planlint.parse(source, fmt)
    except planlint.ParseError as e:
        assert e.kind in ("empty", "unknown-format", "syntax", "invalid"), (what, e)
        assert e.line >= 1 and e.column >= 1 and e.offset >= 0
    else:
        # Read as JSON, junk around a document is skipped: a `[]` somewhere in random bytes is
        # the server's empty answer (a statement that rewrites to nothing).
        assert fmt == "json" and plans == [], what


def in_small_thread(f: Callable[[], None], stack: int = 512 << 10) -> None:
    """Runs ``f`` in a thread with a ``stack``-byte stack; re-raises what it raised."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            f()
        except BaseException as e:  # noqa: BLE001 - handed back to the test
            errors.append(e)

    old = threading.stack_size(stack)
    try:
        t = threading.Thread(target=run)
        t.start()
        t.join()
    finally:
        threading.stack_size(old)
    if errors:
        raise errors[0]


def deepest_plans() -> list[tuple[str, str]]:
    """The deepest plans the default limit accepts (1000 levels), in three formats."""
    doc = '[{"Plan": ' + '{"Node Type": "Limit", "Plans": [' * 999 + '{"Node Type": "Result"}' + "]}" * 999 + "}]"
    return [(doc, "json"), (xml_chain(999), "xml"), (text_chain(999), "text")]


def test_deepest_accepted_plans_work_on_a_small_stack() -> None:
    # Parsing and analysis are iterative: the deepest plans accepted parse and analyze on a
    # 256 KiB thread stack, and one level more is an error. Serializing a plan nests calls per
    # level; the bindings do it on a thread of their own with a large stack when a plan is deep,
    # so to_dict and to_json work on a small stack too (docs/limits.md).
    def parse_only() -> None:
        for source, fmt in deepest_plans():
            assert len(planlint.parse(source, fmt)[0]) == 1000

    def convert_and_analyze() -> None:
        for source, fmt in deepest_plans():
            plans = planlint.parse(source, fmt)
            d = plans[0].to_dict()
            depth = 0
            node = d["plan"]
            while node.get("children"):
                node, depth = node["children"][0], depth + 1
            assert depth == 999
            root = plans[0].root
            assert root is not None and root.to_dict()["node_type"] == "Limit"
            # (json.loads of 1,000 levels would exceed Python's own recursion limit.)
            assert plans[0].to_json(pretty=False).count('"node_type"') == 1000
            assert planlint.to_json(plans, pretty=True).count('"node_type"') == 1000
            planlint.analyze(plans[0])

    in_small_thread(parse_only, 256 << 10)
    in_small_thread(convert_and_analyze, 256 << 10)
    def one_level_more() -> None:
        planlint.parse(xml_chain(1000), "xml")

    with pytest.raises(planlint.ParseError) as info:
        in_small_thread(one_level_more)
    assert info.value.kind == "too-deep"


def json_chain(levels: int) -> str:
    """JSON: a chain of ``levels`` nodes (the root included)."""
    inner = levels - 1
    return '[{"Plan": ' + '{"Node Type": "Limit", "Plans": [' * inner + '{"Node Type": "Result"}' + "]}" * inner + "}]"


def test_limits_are_keyword_arguments() -> None:
    source = json_chain(30)
    with pytest.raises(planlint.ParseError) as info:
        planlint.parse(source, max_depth=10)
    assert info.value.kind == "too-deep" and "deeper than 10 levels" in info.value.message
    assert len(planlint.parse(source, max_depth=30)[0]) == 30
    with pytest.raises(planlint.ParseError) as info:
        planlint.analyze(source, max_input_bytes=100)
    assert info.value.kind == "too-large" and "more than the limit of 100 bytes" in info.value.message
    assert len(planlint.analyze(source, max_depth=30, max_input_bytes=len(source))) == 1
    with pytest.raises(ValueError, match="above 100000"):
        planlint.parse(source, max_depth=100_001)
    with pytest.raises(OverflowError):
        planlint.parse(source, max_depth=-1)


def test_the_deepest_plan_python_allows_converts_on_a_small_stack() -> None:
    # max_depth at its ceiling (100,000 levels): the plan parses, analyzes and converts on a
    # 256 KiB thread stack; the conversion runs on a thread whose stack is sized by the depth.
    source = json_chain(100_000)

    def run() -> None:
        plans = planlint.parse(source, "json", max_depth=100_000)
        assert len(plans[0]) == 100_000
        d = plans[0].to_dict()
        depth, node = 0, d["plan"]
        while node.get("children"):
            node, depth = node["children"][0], depth + 1
        assert depth == 99_999
        assert plans[0].to_json(pretty=False).count('"node_type"') == 100_000
        planlint.analyze(plans[0])

    in_small_thread(run, 256 << 10)
