"""planlint.explain on a real PostgreSQL server, through psycopg 3, psycopg2 and SQLAlchemy."""

from __future__ import annotations

import json
import subprocess
from typing import Any, Iterator

import psycopg
import psycopg2
import pytest
import sqlalchemy

import planlint
from conftest import CLI, PgServer


@pytest.fixture(params=["psycopg", "psycopg2"])
def conn(request: pytest.FixtureRequest, shop: PgServer) -> Iterator[Any]:
    """A connection of each driver (not autocommit: the DB-API default)."""
    if request.param == "psycopg":
        c: Any = psycopg.connect(shop.dsn)
    else:
        c = psycopg2.connect(shop.dsn)
    try:
        yield c
    finally:
        c.rollback()
        c.close()


def count(c: Any, sql: str, params: Any = None) -> int:
    cur = c.cursor()
    cur.execute(sql, params)
    n = cur.fetchone()[0]
    cur.close()
    return int(n)


def placeholder(c: Any) -> str:
    return "%s"


def test_explain_analyze_returns_the_plan(conn: Any) -> None:
    plan = planlint.explain(conn, "SELECT * FROM orders WHERE customer_id = %s", (42,))
    root = plan.root
    assert root is not None and root.node_type == "Seq Scan" and root.relation_name == "orders"
    assert root.actual_rows == 100 and root.actual_loops == 1
    assert root.rows_removed_by_filter == 500_000 - 100
    assert root.shared_hit_blocks is not None or root.shared_read_blocks is not None
    assert plan.options.get("analyze") is True and plan.options.get("buffers") is True
    assert plan.execution_time is not None and plan.planning_time is not None


def test_explain_without_analyze_runs_nothing(conn: Any) -> None:
    plan = planlint.explain(conn, "DELETE FROM orders WHERE id < 100", analyze=False, verbose=True)
    root = plan.root
    assert root is not None and root.node_type == "ModifyTable" and root.operation == "Delete"
    assert root.actual_rows is None and plan.options.get("analyze") is False
    assert plan.options.get("verbose") is True and root.children[0].output is not None
    assert count(conn, "SELECT count(*) FROM orders WHERE id < 100") == 99


def test_data_modifying_statement_is_rolled_back(conn: Any) -> None:
    before = count(conn, "SELECT count(*) FROM orders WHERE status = 'returned'")
    plan = planlint.explain(conn, "UPDATE orders SET status = 'returned' WHERE status = %s", ("new",))
    assert plan.root is not None and plan.root.node_type == "ModifyTable"
    assert plan.root.children[0].actual_rows == 125_000
    # The caller's transaction goes on, and the update left no trace.
    assert count(conn, "SELECT count(*) FROM orders WHERE status = 'returned'") == before
    plan = planlint.explain(conn, "DELETE FROM orders WHERE id <= 1000")
    assert plan.root is not None and plan.root.operation == "Delete"
    assert count(conn, "SELECT count(*) FROM orders WHERE id <= 1000") == 1000


def test_failing_statement_leaves_the_transaction_usable(conn: Any) -> None:
    cur = conn.cursor()
    cur.execute("CREATE TEMP TABLE scratch (x int)")
    with pytest.raises(Exception, match="no_such_table"):
        planlint.explain(conn, "SELECT * FROM no_such_table")
    # Rolled back to the savepoint: the transaction is not aborted and its work is kept.
    cur.execute("INSERT INTO scratch VALUES (1)")
    assert count(conn, "SELECT count(*) FROM scratch") == 1


def test_autocommit_connection(shop: PgServer) -> None:
    with psycopg.connect(shop.dsn, autocommit=True) as c:
        plan = planlint.explain(c, "DELETE FROM orders WHERE id <= %s RETURNING id", (10,))
        assert plan.root is not None and plan.root.actual_rows == 10
        assert count(c, "SELECT count(*) FROM orders WHERE id <= 10") == 10
        assert c.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    c2 = psycopg2.connect(shop.dsn)
    c2.autocommit = True
    try:
        plan = planlint.explain(c2, "INSERT INTO customers VALUES (999999, 'x', 'FR')")
        assert plan.root is not None and plan.root.operation == "Insert"
        assert count(c2, "SELECT count(*) FROM customers WHERE id = 999999") == 0
    finally:
        c2.close()


def test_settings_and_dict_rows(shop: PgServer) -> None:
    from psycopg.rows import dict_row

    with psycopg.connect(shop.dsn, row_factory=dict_row) as c:
        c.execute("SET work_mem = '64kB'")
        plan = planlint.explain(c, "SELECT * FROM orders ORDER BY amount LIMIT 10", settings=True)
        assert plan.settings is not None and plan.settings["work_mem"] == "64kB"
        assert plan.root is not None and plan.root.node_type == "Limit"


def test_sqlalchemy_connection(shop: PgServer) -> None:
    engine = sqlalchemy.create_engine(shop.sqlalchemy_url)
    try:
        with engine.connect() as c:
            plan = planlint.explain(c, "SELECT * FROM customers WHERE id = %(id)s", {"id": 7})
            root = plan.root
            assert root is not None and root.node_type == "Index Scan"
            assert root.index_name == "customers_pkey" and root.actual_rows == 1
    finally:
        engine.dispose()


def test_driver_json_decoding_does_not_change_the_plan(shop: PgServer) -> None:
    """psycopg2 and psycopg hand the json column over as text (no re-encoding): the plan is
    what the server printed, so its canonical JSON is the CLI's for the same text."""
    sql = "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) SELECT * FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.country = 'JP'"
    with psycopg.connect(shop.dsn) as c:
        from psycopg.types.string import TextLoader

        cur = c.cursor()
        cur.adapters.register_loader("json", TextLoader)
        text = cur.execute(sql).fetchone()[0]  # type: ignore[index]
    plans = planlint.parse(text)
    out = subprocess.run([str(CLI), "parse", "--compact", "-"], input=text, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert [p.to_dict() for p in plans] == json.loads(out.stdout)
    # A value decoded by the driver and encoded again reads the same.
    again = planlint.parse(json.dumps(json.loads(text)))
    assert [p.to_dict() for p in again] == [p.to_dict() for p in plans]


def test_a_large_plan(shop: PgServer) -> None:
    """A real plan of 1,001 nodes: a UNION ALL of 1,000 index lookups, parsed like the CLI does."""
    sql = " UNION ALL ".join(f"SELECT id, name FROM customers WHERE id = {i}" for i in range(1, 1001))
    with psycopg.connect(shop.dsn) as c:
        plan = planlint.explain(c, sql, verbose=True)
        text = plan.to_json()
    assert len(plan) == 1001 and plan.root is not None
    assert plan.root.node_type == "Append" and len(plan.root.children) == 1000
    assert sum(n.actual_rows or 0 for n in plan.root.children) == 1000
    assert all(n.index_name == "customers_pkey" for n in plan.root.children)
    assert json.loads(text) == plan.to_dict()
