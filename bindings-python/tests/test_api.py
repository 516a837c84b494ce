"""The Python API on real corpus plans: attribute access, tree navigation, iteration."""

from __future__ import annotations

import ast
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import planlint
from conftest import CorpusFile, json_corpus, require_corpus

STUB = Path(planlint.__file__).with_name("_planlint.pyi")


def stub_fields(cls: str) -> set[str]:
    """The model fields the stub declares as properties of a class."""
    tree = ast.parse(STUB.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == cls:
            return {
                f.name
                for f in node.body
                if isinstance(f, ast.FunctionDef)
                and any(isinstance(d, ast.Name) and d.id == "property" for d in f.decorator_list)
            }
    raise AssertionError(f"no class {cls} in {STUB}")


NODE_MEMBERS = {"id", "plan", "parent", "children", "depth", "extra"}
PLAN_MEMBERS = {"root", "nodes", "utility", "duration", "options", "extra"}


@pytest.fixture(scope="module")
def parsed() -> list[tuple[CorpusFile, list[planlint.Plan]]]:
    require_corpus()
    return [(f, planlint.parse(f.path.read_bytes())) for f in json_corpus()]


def test_every_field_is_an_attribute(parsed: list[tuple[CorpusFile, list[planlint.Plan]]]) -> None:
    node_fields = stub_fields("Node") - NODE_MEMBERS
    plan_fields = stub_fields("Plan") - PLAN_MEMBERS
    seen: set[str] = set()
    for entry, plans in parsed:
        for plan in plans:
            top: dict[str, Any] = plan.to_dict()
            for name in plan_fields:
                assert getattr(plan, name) == top.get(name), (entry.rel, name)
            for node in plan:
                own = node.to_dict(children=False)
                for name in node_fields:
                    value = getattr(node, name)
                    assert value == own.get(name), (entry.rel, node, name)
                    if value is not None:
                        seen.add(name)
                assert node.extra == own.get("extra", {})
                assert set(own) - {"extra"} <= node_fields, (entry.rel, set(own) - node_fields)
    # The corpus exercises a good part of the model (not every field: some need rare setups).
    assert len(seen) > 60, sorted(seen)


def test_dir_lists_exactly_the_stub_fields(parsed: list[tuple[CorpusFile, list[planlint.Plan]]]) -> None:
    plan = parsed[0][1][0]
    node = plan.root
    assert node is not None
    assert stub_fields("Node") <= set(dir(node))
    assert stub_fields("Plan") <= set(dir(plan))
    names = set(dir(node)) - {n for n in dir(node) if n.startswith("_")}
    assert names - stub_fields("Node") == {"walk", "to_dict"}


def test_unknown_attribute_is_an_attribute_error(parsed: list[tuple[CorpusFile, list[planlint.Plan]]]) -> None:
    plan = parsed[0][1][0]
    with pytest.raises(AttributeError, match="rows_removed"):
        plan.root.rows_removed  # type: ignore[union-attr]
    with pytest.raises(AttributeError):
        plan.node_type  # type: ignore[attr-defined]
    assert getattr(plan.root, "no_such_field", 42) == 42


def test_tree_navigation_matches_the_nesting(parsed: list[tuple[CorpusFile, list[planlint.Plan]]]) -> None:
    for entry, plans in parsed:
        for plan in plans:
            nodes = list(plan)
            assert nodes == plan.nodes and len(plan) == len(nodes)
            assert [n.id for n in nodes] == list(range(len(nodes)))
            if not nodes:
                assert plan.root is None and plan.utility is not None
                continue
            assert plan.root == nodes[0] and plan.root.parent is None
            # Walking the nested canonical JSON in pre-order visits the same nodes.
            stack = [(plan.to_dict()["plan"], plan.root)]
            order = []
            while stack:
                d, node = stack.pop()
                order.append(node.id)
                assert node.node_type == d.get("node_type")
                kids = node.children
                assert len(kids) == len(d.get("children", []))
                for kid in kids:
                    assert kid.parent == node and kid.depth == node.depth + 1 and kid.plan is plan
                stack.extend(reversed(list(zip(d.get("children", []), kids))))
            assert order == list(range(len(nodes))), entry.rel
            assert plan.root.walk() == nodes
            for node in nodes:
                sub = node.walk()
                assert sub[0] == node and all(n.depth > node.depth for n in sub[1:])
                assert node.to_dict() == plan_subtree(plan.to_dict()["plan"], node)


def plan_subtree(root: dict[str, Any], node: planlint.Node) -> dict[str, Any]:
    """The subtree dict of ``node`` found by following child positions from the root."""
    path = []
    n: planlint.Node | None = node
    while n is not None and n.parent is not None:
        path.append(n.parent.children.index(n))
        n = n.parent
    d = root
    for i in reversed(path):
        d = d["children"][i]
    return d


def test_nodes_are_hashable_and_compare_by_identity(parsed: list[tuple[CorpusFile, list[planlint.Plan]]]) -> None:
    entry, plans = max(parsed, key=lambda fp: sum(len(p) for p in fp[1]))
    plan = plans[0]
    a, b = plan.nodes, plan.nodes
    assert a == b and [hash(n) for n in a] == [hash(n) for n in b]
    assert len(set(a) | set(b)) == len(a) > 1
    # The same plan parsed again is another plan: its nodes are other nodes.
    again = planlint.parse(entry.path.read_bytes())[0]
    assert all(x != y for x, y in zip(again.nodes, a))
    assert again.to_dict() == plan.to_dict()


def test_query_identifier_keeps_every_digit() -> None:
    hits = 0
    for f in json_corpus():
        for plan in planlint.parse(f.path.read_bytes()):
            if plan.query_identifier is not None:
                hits += 1
                assert isinstance(plan.query_identifier, str)
                int(plan.query_identifier)
                raw = f.path.read_text(encoding="utf-8")
                assert plan.query_identifier in raw
    if hits == 0:
        pytest.skip("no corpus plan has a query identifier")


def test_parsing_releases_the_gil() -> None:
    """While one thread parses a big input, another thread keeps running Python code."""
    files = json_corpus()
    big = max(files, key=lambda f: f.path.stat().st_size).path.read_text(encoding="utf-8")
    # Several documents in a row make one long call. The number of copies grows
    # until the call lasts long enough to tell on this machine (fast or slow); no
    # speed is asserted, only that the other thread ran while the call was going on.
    copies = 300
    while True:
        text = "\n".join([big] * copies)
        stamps: list[float] = []
        done = threading.Event()

        def tick(stamps: list[float] = stamps, done: threading.Event = done) -> None:
            while not done.is_set():
                stamps.append(time.monotonic())
                time.sleep(0.001)

        t = threading.Thread(target=tick)
        t.start()
        time.sleep(0.05)
        t0 = time.monotonic()
        plans = planlint.parse(text)
        t1 = time.monotonic()
        done.set()
        t.join()
        assert len(plans) >= copies
        if t1 - t0 > 0.3 or copies >= 300 * 64:
            break
        copies *= 4
    assert t1 - t0 > 0.1, "the input is too small to tell"
    inside = [s for s in stamps if t0 + 0.02 < s < t1 - 0.02]
    # Holding the GIL, parse would leave the other thread no moment to run.
    assert len(inside) > 10, (len(inside), t1 - t0)
