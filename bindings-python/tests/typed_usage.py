"""A small typed use of the API: mypy --strict must accept it (see test_typing.py), which shows
that the stubs describe the package completely enough for real code."""

from __future__ import annotations

from typing import Any

import planlint
from planlint.testing import PlanGuard, WatchedQuery, assert_plan, guard


def slowest_scan(source: str | bytes) -> tuple[str, float] | None:
    plans: list[planlint.Plan] = planlint.parse(source, format="json")
    best: tuple[str, float] | None = None
    for plan in plans:
        for node in plan:
            if node.node_type is not None and node.node_type.endswith("Scan"):
                t: float | None = node.actual_total_time
                loops: int | None = node.actual_loops
                if t is not None and loops is not None:
                    total = t * loops
                    if best is None or total > best[1]:
                        best = (node.relation_name or "?", total)
    return best


def describe(node: planlint.Node) -> str:
    parent: planlint.Node | None = node.parent
    kids: list[planlint.Node] = node.children
    workers: list[planlint.Worker] = node.workers or []
    first_worker_rows = workers[0].get("actual_rows") if workers else None
    removed: float = node.rows_removed_by_filter or 0.0
    hits: int = node.shared_hit_blocks or 0
    keys: list[str] = node.sort_key or []
    return f"{node.id} {node.depth} {parent!r} {len(kids)} {first_worker_rows} {removed} {hits} {keys}"


def plan_level(plan: planlint.Plan) -> dict[str, Any]:
    settings: dict[str, str] = plan.settings or {}
    options: planlint.ExplainOptions = plan.options
    analyzed: bool = options.get("analyze", False)
    jit: planlint.Jit | None = plan.jit
    triggers: list[planlint.Trigger] = plan.triggers or []
    text: str = plan.to_json(pretty=False)
    return {
        "settings": settings,
        "analyzed": analyzed,
        "jit": jit,
        "triggers": len(triggers),
        "text": text,
        "planning": plan.planning_time,
        "qid": plan.query_identifier,
        "all": planlint.to_json([plan]),
    }


def errors(source: str) -> str:
    try:
        planlint.parse(source)
    except planlint.ParseError as e:
        line: int = e.line
        column: int = e.column
        kind: str = e.kind
        return f"{line}:{column} {kind} {e.message}"
    return "ok"


def checks(conn: Any, plan: planlint.Plan) -> list[WatchedQuery]:
    assert_plan(plan, no_seq_scan_on="orders", max_misestimate=100, uses_index=["orders_pkey"])
    g: PlanGuard = guard(conn, fail_on="warning")
    with g:
        pass
    fresh: planlint.Plan = planlint.explain(conn, "SELECT 1", analyze=False)
    assert fresh.root is not None
    return g.queries


def join_kinds(plan: planlint.Plan) -> set[str]:
    out: set[str] = set()
    for node in plan:
        jt = node.join_type  # a Literal of the server's join types
        if jt == "Anti" or jt == "Semi":
            out.add(jt)
    return out


def worst_findings(source: str) -> list[str]:
    out: list[str] = []
    for analysis in planlint.analyze(source, config={"ignore": ["plan-quality"]}):
        summary: planlint.AnalysisSummary = analysis.summary
        total: int = summary.get("node_count", 0)
        for f in analysis.findings:
            sev: planlint.Severity = f.severity
            node: planlint.Node | None = f.node
            metrics: planlint.NodeMetrics | None = analysis.metrics(node) if node else None
            factor: float | None = metrics.get("estimate_factor") if metrics else None
            sql: str | None = f.fix.sql
            out.append(f"{sev} {f.rule} {f.impact:.0%} {total} {factor} {sql} {f.evidence}")
        suggestions: list[planlint.IndexSuggestion] = analysis.index_suggestions
        out.extend(s.sql for s in suggestions)
    out.extend(r.id for r in planlint.rules())
    return out
