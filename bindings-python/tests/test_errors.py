"""Errors: positioned ParseError, wrong arguments, hostile input never crashes the interpreter.

The inputs here are hand-made on purpose: each one tests one error rule of the boundary."""

from __future__ import annotations

import pickle

import pytest

import planlint
from planlint import _planlint
from conftest import json_corpus, require_corpus


def test_parse_error_is_a_positioned_value_error() -> None:
    # Hand-made: a real plan cut in the middle of its third line.
    require_corpus()
    text = json_corpus()[0].path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    broken = "".join(lines[:2]) + lines[2][: len(lines[2]) // 2]
    with pytest.raises(planlint.ParseError) as info:
        planlint.parse(broken, "json")
    e = info.value
    assert isinstance(e, ValueError)
    assert e.kind == "syntax"
    assert e.line >= 3 and e.column >= 1
    assert str(e) == f"line {e.line}, column {e.column}: {e.message}"
    assert e.message and "line" not in e.message.split(":")[0]
    again = pickle.loads(pickle.dumps(e))
    assert (again.line, again.column, again.message, again.kind) == (e.line, e.column, e.message, e.kind)


@pytest.mark.parametrize("source", ["", "   \n\t", b""])
def test_empty_input(source: str | bytes) -> None:
    with pytest.raises(planlint.ParseError) as info:
        planlint.parse(source)
    assert info.value.kind == "empty"


def test_position_counts_characters_not_bytes() -> None:
    # Hand-made: a multi-byte character before the error on the same line.
    with pytest.raises(planlint.ParseError) as s:
        planlint.parse('[{"Plan": {"Node Type": "é", "Total Cost": x}}]')
    with pytest.raises(planlint.ParseError) as b:
        planlint.parse('[{"Plan": {"Node Type": "é", "Total Cost": x}}]'.encode())
    assert (s.value.line, s.value.column) == (b.value.line, b.value.column) == (1, 44)


def test_200000_nested_brackets_do_not_overflow_the_stack() -> None:
    for source in ["[" * 200_000, '[{"Plan": ' + '{"Node Type": "Result", "Plans": [' * 200_000]:
        for fmt in (None, "json"):
            with pytest.raises(planlint.ParseError):
                planlint.parse(source, fmt)
    with pytest.raises(planlint.ParseError) as info:
        planlint.parse('[{"Plan": ' + '{"Node Type": "Result", "Plans": [' * 200_000, "json")
    assert info.value.kind == "too-deep"
    with pytest.raises(planlint.ParseError) as info:
        planlint.parse('[{"Plan": {"Node Type": "Result", "X": ' + '{"a": ' * 200_000, "json")
    assert info.value.kind == "too-deep"


def test_invalid_utf8_bytes_are_replaced_not_fatal() -> None:
    require_corpus()
    raw = json_corpus()[0].path.read_bytes()
    # Hand-made: one invalid byte inside a string value of a real plan.
    at = raw.index(b'"Node Type": "') + len(b'"Node Type": "')
    plans = planlint.parse(raw[:at] + b"\xff" + raw[at:])
    assert plans[0].root is not None and plans[0].root.node_type.startswith("\ufffd")


def test_wrong_arguments() -> None:
    with pytest.raises(TypeError, match="str or bytes"):
        planlint.parse(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        planlint.parse(bytearray(b"[]"))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown format"):
        planlint.parse("[]", "csv")
    raw = json_corpus()[0].path.read_bytes()
    assert [p.to_dict() for p in planlint.parse(raw, "auto")] == [p.to_dict() for p in planlint.parse(raw, None)]
    plans = planlint.parse(raw, "JSON")
    with pytest.raises(IndexError):
        plans[0].node(len(plans[0]))


def test_a_panic_becomes_internal_error() -> None:
    # The boundary's panic guard, exercised through a test hook that panics inside it.
    with pytest.raises(planlint.InternalError, match="bug in planlint"):
        _planlint._panic_for_tests()
    # The interpreter and the module still work.
    assert len(planlint.parse(json_corpus()[0].path.read_bytes())) >= 1
