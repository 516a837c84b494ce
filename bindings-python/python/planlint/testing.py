"""Plan checks inside test suites: watch the queries a block of code runs, and assert plan shapes.

>>> with planlint.testing.guard(conn, fail_on="warning"):     # doctest: +SKIP
...     orders_of(customer_id=42)          # every query it runs is EXPLAINed and analyzed
>>> planlint.testing.assert_plan(plan, no_seq_scan_on="orders", max_misestimate=100)  # doctest: +SKIP

The pytest plugin (``planlint.pytest_plugin``) exposes both as fixtures: ``planlint_guard`` and
``assert_plan``. Nothing here needs pytest: failures are ``AssertionError``\\ s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Callable, Iterable, Optional, Union

from ._analysis import SEVERITIES, Analysis, ConfigLike, Finding, analyze
from ._db import _in_rollback, explain_options, run_explain
from ._planlint import Node, Plan, parse

__all__ = [
    "SEVERITIES",
    "PlanGuard",
    "PlanGuardError",
    "PlanAssertionError",
    "WatchedQuery",
    "assert_plan",
    "guard",
]


#: The statements EXPLAIN accepts (first keyword), which the guard EXPLAINs.
_EXPLAINABLE = frozenset({"select", "insert", "update", "delete", "merge", "with", "values", "table"})

_LEADING_NOISE = re.compile(r"(?:\s+|--[^\n]*(?:\n|$)|/\*.*?\*/|\()*", re.S)
_FIRST_WORD = re.compile(r"[A-Za-z]+")


def explainable(sql: str) -> bool:
    """Whether a statement can be EXPLAINed (SELECT, INSERT, UPDATE, DELETE, MERGE, WITH,
    VALUES, TABLE), judged by its first keyword after comments and parentheses."""
    start = _LEADING_NOISE.match(sql)
    word = _FIRST_WORD.match(sql, start.end() if start else 0)
    return word is not None and word.group(0).lower() in _EXPLAINABLE


@dataclass
class WatchedQuery:
    """A statement the guard saw, with its plan and analysis."""

    #: The statement as the driver received it.
    sql: str
    #: Its parameters (driver placeholder style), or None.
    params: Any
    #: The plan of ``EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)``, or None if EXPLAIN failed.
    plan: Optional[Plan] = None
    #: The analysis of the plan (None when EXPLAIN failed).
    analysis: Optional[Analysis] = None
    #: Why EXPLAIN failed, if it did.
    error: Optional[str] = None

    @property
    def findings(self) -> list[Finding]:
        """The findings of the analysis, ranked by impact (empty without an analysis)."""
        return list(self.analysis.findings) if self.analysis is not None else []


class PlanGuardError(AssertionError):
    """A query run under :func:`guard` has a finding at or above the guard's severity."""


class PlanAssertionError(AssertionError):
    """A plan does not have the shape :func:`assert_plan` was asked to check."""


def _severity_rank(severity: str) -> int:
    try:
        return SEVERITIES.index(severity)
    except ValueError:
        raise ValueError(
            f"unknown severity {severity!r}: expected one of {', '.join(SEVERITIES)}"
        ) from None


def _sql_text(query: Any, conn: Any) -> str:
    """A statement as text: str, bytes, or a composed query object (``psycopg.sql``)."""
    if isinstance(query, str):
        return query
    if isinstance(query, (bytes, bytearray)):
        return bytes(query).decode("utf-8", "replace")
    as_string = getattr(query, "as_string", None)
    if as_string is not None:
        return str(as_string(conn))
    return str(query)


class PlanGuard:
    """Watches the statements run through a connection or engine, EXPLAINs each one just before
    it runs (same session, same transaction, inside a savepoint that is rolled back, so that
    the statement then runs on the data it would have seen), and, when the block ends, fails if
    a finding reaches ``fail_on``.

    ``target`` is a psycopg 3 ``Connection``, a psycopg2 connection, or a SQLAlchemy ``Engine``
    or ``Connection``. ``fail_on`` is ``"info"``, ``"warning"``, ``"critical"``, or None to only
    record. The watched statements are in :attr:`queries`.
    """

    def __init__(
        self,
        target: Any,
        *,
        fail_on: Optional[str] = "warning",
        analyze: bool = True,
        buffers: bool = True,
        config: Optional[ConfigLike] = None,
    ) -> None:
        if fail_on is not None:
            _severity_rank(fail_on)
        self.target = target
        self.fail_on = fail_on
        self.options = explain_options(analyze=analyze, buffers=buffers)
        self.analyze = analyze
        self.config = config
        #: Every explainable statement seen, in order.
        self.queries: list[WatchedQuery] = []
        self._busy = False
        self._undo: Optional[Callable[[], None]] = None

    # -- watching -----------------------------------------------------------------------------

    def __enter__(self) -> PlanGuard:
        self._undo = self._install(self.target)
        return self

    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        if self._undo is not None:
            self._undo()
            self._undo = None
        if exc_type is None:
            self.check()

    def _install(self, target: Any) -> Callable[[], None]:
        module = type(target).__module__
        if module.startswith("sqlalchemy"):
            return self._install_sqlalchemy(target)
        if module.startswith("psycopg2"):
            return self._install_cursor_factory(target, "psycopg2")
        if module.startswith("psycopg"):
            return self._install_cursor_factory(target, "psycopg")
        raise TypeError(
            "planlint guard watches a psycopg 3 Connection, a psycopg2 connection, or a "
            f"SQLAlchemy Engine or Connection, not {type(target).__qualname__}"
        )

    def _install_sqlalchemy(self, target: Any) -> Callable[[], None]:
        from sqlalchemy import event

        def before_cursor_execute(
            conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
        ) -> None:
            if not many:
                self.observe(cursor.connection, statement, parameters)

        event.listen(target, "before_cursor_execute", before_cursor_execute)
        return lambda: event.remove(target, "before_cursor_execute", before_cursor_execute)

    def _install_cursor_factory(self, conn: Any, driver: str) -> Callable[[], None]:
        previous = conn.cursor_factory
        if driver == "psycopg2":
            import psycopg2.extensions  # type: ignore[import-untyped, unused-ignore]

            base = previous or psycopg2.extensions.cursor
        else:
            base = previous
        guard = self

        class WatchedCursor(base):  # type: ignore[misc, valid-type]
            """A cursor whose statements the planlint guard EXPLAINs."""

            def execute(self, query: Any, *args: Any, **kwargs: Any) -> Any:
                params = args[0] if args else kwargs.get("params", kwargs.get("vars"))
                guard.observe(self.connection, _sql_text(query, self.connection), params)
                return super().execute(query, *args, **kwargs)

        conn.cursor_factory = WatchedCursor

        def undo() -> None:
            conn.cursor_factory = previous

        return undo

    def observe(self, dbapi_conn: Any, sql: str, params: Any) -> Optional[WatchedQuery]:
        """EXPLAINs a statement about to run on ``dbapi_conn`` and records it (called by the
        hooks; public so that other drivers can be wired by hand).

        The EXPLAIN runs just before the statement itself, so that it sees the data the
        statement will see (run after it, an INSERT would collide with its own rows); with
        ANALYZE it runs inside a savepoint rolled back at once."""
        if self._busy or not explainable(sql):
            return None
        self._busy = True
        watched = WatchedQuery(sql=sql, params=params)
        try:
            cur = dbapi_conn.cursor()

            def work() -> str:
                return run_explain(cur, sql, params, self.options)

            try:
                text = _in_rollback(dbapi_conn, cur, work) if self.analyze else work()
            finally:
                cur.close()
            watched.plan = parse(text, "json")[0]
            watched.analysis = analyze(watched.plan, config=self.config)[0]
        except Exception as e:  # EXPLAIN failing must not break the code under test
            watched.error = f"{type(e).__name__}: {e}"
        finally:
            self._busy = False
        self.queries.append(watched)
        return watched

    # -- judging ------------------------------------------------------------------------------

    def findings(self, min_severity: str = "info") -> list[tuple[WatchedQuery, Finding]]:
        """Every finding at or above ``min_severity``, with its query, ranked by impact."""
        floor = _severity_rank(min_severity)
        out = [
            (q, f)
            for q in self.queries
            for f in q.findings
            if _severity_rank(f.severity) >= floor
        ]
        out.sort(key=lambda qf: (-qf[1].impact, -_severity_rank(qf[1].severity)))
        return out

    def check(self) -> None:
        """Raises :class:`PlanGuardError` if a finding reaches ``fail_on``."""
        if self.fail_on is None:
            return
        bad = self.findings(self.fail_on)
        if bad:
            raise PlanGuardError(self.report(bad))

    def report(self, items: Optional[list[tuple[WatchedQuery, Finding]]] = None) -> str:
        """A readable report of findings (default: all of them), ranked by impact."""
        items = self.findings() if items is None else items
        lines = [
            f"planlint: {len(items)} finding(s) at or above {self.fail_on!r} "
            f"in {len(self.queries)} watched quer{'y' if len(self.queries) == 1 else 'ies'}:"
        ]
        for i, (q, f) in enumerate(items, 1):
            lines.append(f"{i}. [{f.severity}] {f.rule}: {f.message} (impact {f.impact:.0%})")
            if f.node is not None:
                lines.append(f"   node: {f.node!r}")
            if f.fix.text:
                lines.append(f"   fix: {f.fix.text}")
            if f.fix.sql:
                lines.append(f"        {f.fix.sql}")
            lines.append(f"   query: {' '.join(q.sql.split())[:200]}")
        return "\n".join(lines)


def guard(
    target: Any,
    *,
    fail_on: Optional[str] = "warning",
    analyze: bool = True,
    buffers: bool = True,
    config: Optional[ConfigLike] = None,
) -> PlanGuard:
    """A :class:`PlanGuard` for ``target``: ``with guard(conn, fail_on="warning"): ...``."""
    return PlanGuard(target, fail_on=fail_on, analyze=analyze, buffers=buffers, config=config)


# -- plan-shape assertions ---------------------------------------------------------------------

Names = Union[str, Iterable[str]]


def _names(value: Optional[Names]) -> set[str]:
    if value is None:
        return set()
    if isinstance(value, str):
        return {value}
    return set(value)


def misestimate(node: Node) -> Optional[float]:
    """How far the planner's row estimate is from the actual rows, as a factor ≥ 1 — the core's
    ``estimate_factor`` metric (None without ANALYZE and for nodes it does not judge, such as
    nodes that never ran)."""
    metrics = analyze(node.plan, config=_NO_RULES)[0].metrics(node)
    factor = metrics.get("estimate_factor")
    return None if factor is None else float(factor)


#: A configuration that runs no rule: the metrics alone.
_NO_RULES: dict[str, Any] = {"select": []}


def assert_plan(
    plan: Plan,
    *,
    no_seq_scan_on: Optional[Names] = None,
    uses_index: Optional[Names] = None,
    no_node_type: Optional[Names] = None,
    max_misestimate: Optional[float] = None,
) -> None:
    """Asserts the shape of a plan; raises :class:`PlanAssertionError` naming the nodes at fault.

    * ``no_seq_scan_on``: no (Parallel) Seq Scan on these tables (name or alias).
    * ``uses_index``: each of these indexes is used by some node.
    * ``no_node_type``: no node of these types (``"Nested Loop"``, ``"Sort"``…).
    * ``max_misestimate``: no node whose row estimate is off by more than this factor
      (the core's ``estimate_factor``; see :func:`misestimate`).
    """
    problems: list[str] = []
    tables = _names(no_seq_scan_on)
    for node in plan:
        if node.node_type == "Seq Scan" and tables & {node.relation_name, node.alias}:
            problems.append(f"{node!r}: a sequential scan on {node.relation_name}")
    wanted = _names(uses_index)
    used = {node.index_name for node in plan if node.index_name}
    for index in sorted(wanted - used):
        problems.append(f"index {index} is not used (used: {', '.join(sorted(used)) or 'none'})")
    banned = _names(no_node_type)
    for node in plan:
        if node.node_type in banned:
            problems.append(f"{node!r}: a {node.node_type} node")
    if max_misestimate is not None:
        metrics = analyze(plan, config=_NO_RULES)[0]
        for node in plan:
            factor = metrics.metrics(node).get("estimate_factor")
            if factor is not None and factor > max_misestimate:
                problems.append(
                    f"{node!r}: estimated {node.plan_rows:g} rows, got {node.actual_rows:g} "
                    f"(off by {factor:.0f}x, more than {max_misestimate:g}x)"
                )
    if problems:
        raise PlanAssertionError(
            "planlint: the plan does not have the expected shape:\n"
            + "\n".join(f"- {p}" for p in problems)
        )
