"""planlint.testing on a real server: the guard watches psycopg 3, psycopg2 and SQLAlchemy;
assert_plan checks plan shapes; the pytest plugin exposes both as fixtures."""

from __future__ import annotations

from typing import Any

import psycopg
import psycopg2
import pytest
import sqlalchemy

import planlint
from planlint.testing import (
    PlanAssertionError,
    PlanGuardError,
    assert_plan,
    explainable,
    guard,
    misestimate,
)
from conftest import PgServer

# Correlated columns: status = 'new' exactly when customer_id % 4 = 1, which the planner cannot
# know; it estimates 625 rows and gets 125,000.
MISESTIMATED = "SELECT id FROM orders WHERE status = 'new' AND customer_id % 4 = 1"


def run_workload(execute: Any) -> None:
    """The code under test: a few statements, one of them data-modifying, one not explainable."""
    execute("SET application_name = 'planlint-test'")
    execute("SELECT count(*) FROM orders WHERE amount > 90")
    execute("INSERT INTO customers VALUES (100001, 'new customer', 'FR')")
    execute("SELECT name FROM customers WHERE id = 100001")


EXPECTED = [
    "SELECT count(*) FROM orders WHERE amount > 90",
    "INSERT INTO customers VALUES (100001, 'new customer', 'FR')",
    "SELECT name FROM customers WHERE id = 100001",
]


def check_watched(g: planlint.testing.PlanGuard) -> None:
    assert [q.sql for q in g.queries] == EXPECTED
    assert all(q.error is None and q.plan is not None for q in g.queries), [q.error for q in g.queries]
    scan = g.queries[0].plan
    assert scan is not None and scan.options.get("analyze") is True
    assert any(n.node_type == "Seq Scan" and n.relation_name == "orders" for n in scan)
    insert = g.queries[1].plan
    assert insert is not None and insert.root is not None and insert.root.operation == "Insert"
    # The EXPLAIN ANALYZE of the INSERT was rolled back, and the INSERT itself ran in the same
    # transaction: the lookup after it sees the new row once.
    lookup = g.queries[2].plan
    assert lookup is not None and lookup.root is not None
    assert lookup.root.actual_rows == 1


def test_guard_watches_psycopg(shop: PgServer) -> None:
    with psycopg.connect(shop.dsn) as c:
        factory = c.cursor_factory
        with guard(c, fail_on=None) as g:
            run_workload(lambda sql: c.execute(sql))
        check_watched(g)
        assert c.cursor_factory is factory
        # The INSERT ran once (the EXPLAIN ANALYZE of it was rolled back).
        assert c.execute("SELECT count(*) FROM customers WHERE id = 100001").fetchone() == (1,)
        c.rollback()


def test_guard_watches_psycopg2(shop: PgServer) -> None:
    c = psycopg2.connect(shop.dsn)
    try:
        with guard(c, fail_on=None) as g:
            cur = c.cursor()
            run_workload(cur.execute)
        check_watched(g)
        assert c.cursor_factory is None
        cur = c.cursor()
        cur.execute("SELECT count(*) FROM customers WHERE id = 100001")
        assert cur.fetchone() == (1,)
        c.rollback()
    finally:
        c.close()


def test_guard_watches_a_sqlalchemy_engine(shop: PgServer) -> None:
    engine = sqlalchemy.create_engine(shop.sqlalchemy_url)
    try:
        with engine.connect() as c:
            c.execute(sqlalchemy.text("SELECT 1"))  # SQLAlchemy's first-connect queries go first
            with guard(engine, fail_on=None) as g:
                run_workload(lambda sql: c.execute(sqlalchemy.text(sql)))
                c.execute(sqlalchemy.text("SELECT * FROM orders WHERE id = :id"), {"id": 5})
            assert [q.sql for q in g.queries][:3] == EXPECTED
            params = g.queries[3]
            assert params.params == {"id": 5} and params.plan is not None
            assert params.plan.root is not None and params.plan.root.index_name == "orders_pkey"
            assert params.plan.root.actual_rows == 1
            n = c.execute(sqlalchemy.text("SELECT count(*) FROM customers WHERE id = 100001"))
            assert n.scalar() == 1
            c.rollback()
    finally:
        engine.dispose()


def test_guard_lets_the_blocks_own_errors_through(shop: PgServer) -> None:
    with psycopg.connect(shop.dsn) as c:
        with pytest.raises(psycopg.errors.UndefinedTable):
            with guard(c, fail_on="info") as g:
                c.execute("SELECT * FROM no_such_table")
        # The failed EXPLAIN is recorded, and did not stand in for the statement's own error.
        assert [q.error is not None and "no_such_table" in q.error for q in g.queries] == [True]


def test_guard_rejects_what_it_cannot_watch() -> None:
    with pytest.raises(TypeError, match="psycopg"):
        with guard(object()):
            pass
    with pytest.raises(ValueError, match="severity"):
        guard(object(), fail_on="fatal")


@pytest.mark.parametrize(
    ("sql", "ok"),
    [
        ("SELECT 1", True),
        ("  -- comment\n /* block */ (select 1)", True),
        ("with x as (select 1) select * from x", True),
        ("UPDATE t SET x = 1", True),
        ("SET work_mem = '1MB'", False),
        ("CREATE TABLE t (x int)", False),
        ("EXPLAIN SELECT 1", False),
        ("BEGIN", False),
        ("", False),
    ],
)
def test_explainable_statements(sql: str, ok: bool) -> None:
    # Hand-made statements: one rule (which statements EXPLAIN accepts).
    assert explainable(sql) is ok


def test_assert_plan_on_real_plans(shop: PgServer) -> None:
    with psycopg.connect(shop.dsn) as c:
        seq = planlint.explain(c, "SELECT * FROM orders WHERE customer_id = 42")
        indexed = planlint.explain(c, "SELECT * FROM orders WHERE id = 42")
        wrong = planlint.explain(c, MISESTIMATED)
    assert_plan(indexed, no_seq_scan_on="orders", uses_index="orders_pkey", max_misestimate=2)
    with pytest.raises(PlanAssertionError, match="sequential scan on orders"):
        assert_plan(seq, no_seq_scan_on=["customers", "orders"])
    with pytest.raises(PlanAssertionError, match="index orders_customer_idx is not used"):
        assert_plan(seq, uses_index="orders_customer_idx")
    with pytest.raises(PlanAssertionError, match="a Seq Scan node"):
        assert_plan(seq, no_node_type={"Seq Scan", "Nested Loop"})
    root = wrong.root
    assert root is not None and root.actual_rows == 125_000
    factor = misestimate(root)
    assert factor is not None and factor > 100
    with pytest.raises(PlanAssertionError, match=r"off by \d+x, more than 100x"):
        assert_plan(wrong, max_misestimate=100)
    assert_plan(wrong, max_misestimate=factor + 1)


def test_pytest_plugin_fixtures(pytester: pytest.Pytester, shop: PgServer) -> None:
    pytester.makepyfile(
        f"""
        import psycopg

        DSN = {shop.dsn!r}

        def test_shape(planlint_explain, assert_plan):
            with psycopg.connect(DSN) as c:
                plan = planlint_explain(c, "SELECT * FROM orders WHERE customer_id = 42")
            assert_plan(plan, no_seq_scan_on="orders")

        def test_guard_records(planlint_guard):
            with psycopg.connect(DSN) as c:
                with planlint_guard(c, fail_on=None) as g:
                    c.execute("SELECT * FROM customers WHERE id = 1")
            assert len(g.queries) == 1 and g.queries[0].plan.root.index_name == "customers_pkey"

        def test_default_severity_from_ini(planlint_guard):
            with psycopg.connect(DSN) as c:
                assert planlint_guard(c).fail_on == "critical"

        def test_guard_fails_the_test(planlint_guard):
            with psycopg.connect(DSN) as c:
                with planlint_guard(c):
                    c.execute("SELECT * FROM orders WHERE customer_id = 42").fetchall()
        """
    )
    pytester.makeini("[pytest]\nplanlint_fail_on = critical\n")
    result = pytester.runpytest("-q")
    result.assert_outcomes(passed=2, failed=2)
    result.stdout.fnmatch_lines(["*sequential scan on orders*", "*[[]critical[]] seq-scan-filter*"])


FILTERED = "SELECT * FROM orders WHERE customer_id = %s"


def test_guard_fails_on_a_seq_scan_filter_and_passes_with_the_suggested_index(shop: PgServer) -> None:
    with psycopg.connect(shop.dsn) as c:
        with pytest.raises(PlanGuardError) as info:
            with guard(c, fail_on="warning") as g:
                rows = c.execute(FILTERED, (42,)).fetchall()
        assert len(rows) == 100  # the code under test ran normally
        report = str(info.value)
        assert "seq-scan-filter" in report and "orders" in report
        ranked = g.findings("warning")
        assert ranked and ranked[0][1].rule == "seq-scan-filter"
        finding = ranked[0][1]
        assert finding.node is not None and finding.node.relation_name == "orders"
        assert finding.severity in ("warning", "critical") and finding.impact > 0.5
        assert finding.fix.sql and "CREATE INDEX" in finding.fix.sql.upper()
        # Follow the advice (inside this transaction: rolled back at the end of the test).
        c.execute(finding.fix.sql.replace("CONCURRENTLY ", ""))
        c.execute("ANALYZE orders")
        with guard(c, fail_on="warning") as g:
            assert len(c.execute(FILTERED, (42,)).fetchall()) == 100
        plan = g.queries[0].plan
        assert plan is not None and not any(n.node_type == "Seq Scan" for n in plan)
        assert g.findings("warning") == []
        c.rollback()


def test_guard_fails_through_sqlalchemy_and_psycopg2(shop: PgServer) -> None:
    engine = sqlalchemy.create_engine(shop.sqlalchemy_url)
    try:
        with engine.connect() as c, pytest.raises(PlanGuardError, match="seq-scan-filter"):
            with guard(engine, fail_on="critical"):
                c.execute(sqlalchemy.text("SELECT * FROM orders WHERE customer_id = :c"), {"c": 7})
    finally:
        engine.dispose()
    c2 = psycopg2.connect(shop.dsn)
    try:
        # Selected out by the configuration: the guard passes.
        with guard(c2, fail_on="warning", config={"ignore": ["seq-scan-filter"]}) as g:
            c2.cursor().execute(FILTERED, (42,))
        assert g.queries[0].analysis is not None
        assert all(f.rule != "seq-scan-filter" for f in g.queries[0].findings)
    finally:
        c2.close()
