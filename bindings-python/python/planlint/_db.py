"""Running EXPLAIN on a live database through any DB-API connection (no driver dependency)."""

from __future__ import annotations

import json
from typing import Any, Callable, Optional

from ._planlint import Plan, parse

__all__ = ["explain", "explain_options", "dbapi_connection", "run_explain"]

#: The savepoint that protects the caller's transaction while a statement is analyzed.
SAVEPOINT = "planlint_explain"

#: The OID of PostgreSQL's ``json`` type (EXPLAIN's result column with FORMAT JSON).
JSON_OID = 114


def explain_options(
    *, analyze: bool = True, buffers: bool = True, verbose: bool = False, settings: bool = False
) -> str:
    """The option list of an ``EXPLAIN (…, FORMAT JSON)`` statement.

    BUFFERS is only asked for with ANALYZE (servers before 13 refuse it otherwise);
    SETTINGS needs PostgreSQL 12 or later.
    """
    parts = []
    if analyze:
        parts.append("ANALYZE")
        if buffers:
            parts.append("BUFFERS")
    if verbose:
        parts.append("VERBOSE")
    if settings:
        parts.append("SETTINGS")
    parts.append("FORMAT JSON")
    return ", ".join(parts)


def dbapi_connection(conn: Any) -> Any:
    """The DB-API connection behind ``conn``: a DB-API connection itself, or a SQLAlchemy
    ``Connection`` (whose driver connection is used; SQLAlchemy's transaction stays in charge)."""
    if hasattr(conn, "exec_driver_sql") and hasattr(conn, "connection"):
        return conn.connection  # SQLAlchemy Connection → pool-proxied DB-API connection
    return conn


def _keep_json_text(cur: Any) -> None:
    """Asks the driver to hand EXPLAIN's ``json`` column over as text, when it knows how
    (psycopg 3 and psycopg2); other drivers' decoded values are re-encoded instead."""
    adapters = getattr(cur, "adapters", None)
    if adapters is not None:  # psycopg 3
        try:
            from psycopg.types.string import TextLoader

            adapters.register_loader("json", TextLoader)
        except Exception:  # pragma: no cover - another driver with an `adapters` attribute
            pass
        return
    if type(cur).__module__.startswith("psycopg2"):
        try:
            import psycopg2.extensions as ext  # type: ignore[import-untyped, unused-ignore]

            as_text = ext.new_type((JSON_OID,), "PLANLINT_JSON_TEXT", lambda value, _cur: value)
            ext.register_type(as_text, cur)
        except Exception:  # pragma: no cover
            pass


def _plan_text(row: Any) -> str:
    """The EXPLAIN output held by the first column of a result row, as JSON text."""
    if row is None:
        raise ValueError("EXPLAIN returned no row")
    if isinstance(row, dict):  # dict-shaped rows (psycopg's dict_row, RealDictCursor)
        row = list(row.values())
    value = row[0]
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("utf-8", "replace")
    if isinstance(value, str):
        return value
    # The driver decoded the JSON: encode it again (floats and integers round-trip exactly).
    return json.dumps(value, ensure_ascii=False)


def run_explain(cur: Any, sql: str, params: Any, options: str) -> str:
    """Executes ``EXPLAIN (options) sql`` on a DB-API cursor and returns the JSON text."""
    _keep_json_text(cur)
    statement = f"EXPLAIN ({options}) {sql}"
    if params is None:
        cur.execute(statement)
    else:
        cur.execute(statement, params)
    return _plan_text(cur.fetchone())


def explain(
    conn: Any,
    sql: str,
    params: Optional[Any] = None,
    *,
    analyze: bool = True,
    buffers: bool = True,
    verbose: bool = False,
    settings: bool = False,
) -> Plan:
    """Runs ``EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) sql`` on a DB-API connection and returns
    the plan.

    ``conn`` is any DB-API connection to PostgreSQL (psycopg 3, psycopg2, …) or a SQLAlchemy
    ``Connection``; ``params`` are passed to ``cursor.execute`` with the statement, in the
    driver's own placeholder style. With ``analyze`` the statement really runs, inside a
    savepoint (or, on an autocommit connection, a transaction) that is rolled back afterwards:
    an INSERT, UPDATE, DELETE or MERGE leaves no trace, and the caller's transaction is left as it
    was, even when the statement fails.
    """
    dbapi = dbapi_connection(conn)
    options = explain_options(analyze=analyze, buffers=buffers, verbose=verbose, settings=settings)
    cur = dbapi.cursor()
    try:
        if analyze:
            text = _in_rollback(dbapi, cur, lambda: run_explain(cur, sql, params, options))
        else:
            text = run_explain(cur, sql, params, options)
    finally:
        cur.close()
    return parse(text, "json")[0]


def _in_rollback(dbapi: Any, cur: Any, work: Callable[[], str]) -> str:
    """Runs ``work`` in a savepoint (or a transaction, when autocommit is on) rolled back after."""
    if getattr(dbapi, "autocommit", False):
        cur.execute("BEGIN")
        try:
            result = work()
        finally:
            cur.execute("ROLLBACK")
        return result
    cur.execute(f"SAVEPOINT {SAVEPOINT}")
    try:
        result = work()
    finally:
        cur.execute(f"ROLLBACK TO SAVEPOINT {SAVEPOINT}")
        cur.execute(f"RELEASE SAVEPOINT {SAVEPOINT}")
    return result
