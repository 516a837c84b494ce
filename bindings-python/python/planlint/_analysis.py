"""The analysis of plans: metrics per node, ranked findings with their fixes.

Everything is computed by the Rust core (with the GIL released); this module turns its output —
the same data ``planlint analyze --format json`` prints — into typed Python objects.
"""

from __future__ import annotations

import copy
import json
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Literal, Mapping, Optional, Union

from . import _planlint
from ._planlint import Node, Plan, parse

if TYPE_CHECKING:
    from ._planlint import AnalysisSummary, NodeMetrics

__all__ = [
    "Analysis",
    "ConfigLike",
    "Finding",
    "Fix",
    "IndexSuggestion",
    "Rule",
    "Severity",
    "Threshold",
    "analyze",
    "config_toml",
    "rules",
]

#: How serious a finding is.
Severity = Literal["info", "warning", "critical"]

#: A configuration: ``planlint.toml`` text, a path to such a file, or a mapping of the same
#: shape (``{"select": [...], "ignore": [...], "min_time_ms": 10, "rules": {"seq-scan-filter":
#: {"min_rows_removed": 1000}}}``).
ConfigLike = Union[str, "os.PathLike[str]", Mapping[str, Any]]


@dataclass(frozen=True)
class Fix:
    """What to do about a finding."""

    #: What to do, in words.
    text: str
    #: SQL that does it, when there is one (run it only after reading ``text``).
    sql: Optional[str] = None

    def __str__(self) -> str:
        return self.text if self.sql is None else f"{self.text}\n{self.sql}"


@dataclass(frozen=True)
class Finding:
    """One problem found in a plan."""

    #: The rule's stable id (``seq-scan-filter``, ``row-misestimate``…; ``planlint.rules()``).
    rule: str
    #: ``info``, ``warning`` or ``critical``.
    severity: Severity
    #: The node it concerns; None for findings about the whole plan (planning time, JIT…).
    node: Optional[Node]
    #: One line, with the numbers.
    message: str
    #: Estimated share (0–1) of the execution time the fix could save; ranks the findings.
    impact: float
    #: The numbers and texts the finding is based on, by name, in the rule's order.
    evidence: dict[str, Union[int, float, str]]
    #: What to do.
    fix: Fix

    def to_dict(self) -> dict[str, Any]:
        """The finding as ``planlint analyze --format json`` prints it."""
        out: dict[str, Any] = {
            "rule": self.rule,
            "severity": self.severity,
            "node": None if self.node is None else self.node.id,
        }
        out["message"] = self.message
        out["impact"] = self.impact
        out["evidence"] = dict(self.evidence)
        out["fix"] = {"text": self.fix.text} if self.fix.sql is None else {
            "text": self.fix.text,
            "sql": self.fix.sql,
        }
        return out


@dataclass(frozen=True)
class IndexSuggestion:
    """An index that would serve a node (index advice comes with a later version of the core;
    until then :attr:`Analysis.index_suggestions` is empty)."""

    #: The table to index.
    table: str
    #: The index's columns or expressions, in order.
    columns: tuple[str, ...]
    #: The ``CREATE INDEX`` statement.
    sql: str
    #: The node the index would serve.
    node: Optional[Node] = None
    #: Why, in words.
    reason: str = ""


@dataclass(frozen=True)
class Analysis:
    """The analysis of one plan: a summary, the metrics of every node, the ranked findings."""

    #: The plan analyzed.
    plan: Plan
    #: Plan-level numbers (node counts, times, buffers, findings per severity…).
    summary: AnalysisSummary
    #: Metrics of every node, by node id (self time, shares, total rows, estimate factor…).
    nodes: list[NodeMetrics]
    #: Findings, ranked by impact (then severity, node id, rule).
    findings: list[Finding]
    #: Indexes that would help (empty until the core gives index advice).
    index_suggestions: list[IndexSuggestion] = field(default_factory=list)
    #: The core's output as it came (what ``to_dict`` returns a copy of).
    _raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def metrics(self, node: Union[Node, int]) -> NodeMetrics:
        """The metrics of a node (a :class:`Node` of this plan, or its id)."""
        return self.nodes[node if isinstance(node, int) else node.id]

    @property
    def max_severity(self) -> Optional[Severity]:
        """The most severe finding's severity, if any."""
        ranks = [_RANK[f.severity] for f in self.findings]
        return SEVERITIES[max(ranks)] if ranks else None

    def to_dict(self) -> dict[str, Any]:
        """The analysis as ``planlint analyze --format json`` prints it (an element of its
        ``plans``)."""
        return copy.deepcopy(self._raw)


#: Severities, from the least to the most severe.
SEVERITIES: tuple[Severity, ...] = ("info", "warning", "critical")
_RANK = {s: i for i, s in enumerate(SEVERITIES)}


def _toml_value(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        raise ValueError(f"configuration values are numbers, strings or lists, not {value!r}")
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a TOML basic string
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise ValueError(f"configuration values are numbers, strings or lists, not {value!r}")


def config_toml(config: Optional[ConfigLike]) -> Optional[str]:
    """The ``planlint.toml`` text of a configuration (None: the defaults).

    A mapping is written as TOML so that the core validates it exactly like a file: unknown
    keys, rule ids and thresholds are errors."""
    if config is None:
        return None
    if isinstance(config, str):
        return config
    if isinstance(config, os.PathLike):
        with open(config, encoding="utf-8") as f:
            return f.read()
    lines = []
    tables = []
    for key, value in config.items():
        if key == "rules" and isinstance(value, Mapping):
            for rule, params in value.items():
                tables.append(f"\n[rules.{json.dumps(rule)}]")
                for name, v in dict(params).items():
                    tables.append(f"{json.dumps(name)} = {_toml_value(v)}")
        else:
            lines.append(f"{json.dumps(key)} = {_toml_value(value)}")
    return "\n".join(lines + tables) + "\n"


def _finding(plan: Plan, raw: dict[str, Any]) -> Finding:
    node_id = raw.get("node")
    fix = raw.get("fix") or {}
    return Finding(
        rule=raw["rule"],
        severity=raw["severity"],
        node=plan.node(node_id) if node_id is not None else None,
        message=raw["message"],
        impact=raw["impact"],
        evidence=raw.get("evidence", {}),
        fix=Fix(text=fix.get("text", ""), sql=fix.get("sql")),
    )


def analyze(
    source: Union[str, bytes, Plan, Iterable[Plan]],
    format: Optional[str] = None,
    *,
    config: Optional[ConfigLike] = None,
    max_depth: Optional[int] = None,
    max_input_bytes: Optional[int] = None,
) -> list[Analysis]:
    """Analyzes plans: one :class:`Analysis` per plan, findings ranked by impact.

    ``source`` is EXPLAIN output (``str``/``bytes``, parsed like :func:`planlint.parse` with
    ``format``, ``max_depth`` and ``max_input_bytes``) or plans already parsed. ``config`` selects rules and sets thresholds like
    ``planlint.toml`` (see :data:`ConfigLike`). The GIL is released while analyzing.
    Raises :class:`planlint.ParseError` for bad input, :class:`planlint.ConfigError` for a bad
    configuration.
    """
    if isinstance(source, (str, bytes)):
        plans = parse(source, format, max_depth=max_depth, max_input_bytes=max_input_bytes)
    elif isinstance(source, Plan):
        plans = [source]
    else:
        plans = list(source)
    raw = _planlint._analyze_plans(plans, config_toml(config))
    return [
        Analysis(
            plan=plan,
            summary=r["summary"],
            nodes=r["nodes"],
            findings=[_finding(plan, f) for f in r["findings"]],
            _raw=r,
        )
        for plan, r in zip(plans, raw)
    ]


@dataclass(frozen=True)
class Threshold:
    """A threshold of a rule, set in ``planlint.toml`` under ``[rules.<id>]``."""

    #: Its name (``min_rows_removed``).
    name: str
    #: Its default value.
    default: float
    #: What it means.
    doc: str


@dataclass(frozen=True)
class Rule:
    """A rule the core runs."""

    #: Stable kebab-case id (``seq-scan-filter``).
    id: str
    #: One line: what it finds.
    summary: str
    #: Markdown documentation: what it finds, why it matters, how to fix it, an example.
    doc: str
    #: Its thresholds.
    thresholds: tuple[Threshold, ...]


def rules() -> list[Rule]:
    """Every rule the core runs, in the order it runs them."""
    return [
        Rule(
            id=r["id"],
            summary=r["summary"],
            doc=r["doc"],
            thresholds=tuple(Threshold(**t) for t in r["thresholds"]),
        )
        for r in _planlint._rules()
    ]
