"""planlint: read PostgreSQL EXPLAIN plans into one typed tree and find what is wrong with them.

>>> import planlint
>>> plan, = planlint.parse(open("plan.json").read())      # doctest: +SKIP
>>> [n.node_type for n in plan]                             # doctest: +SKIP
['Hash Join', 'Seq Scan', 'Hash', 'Seq Scan']

Every format PostgreSQL prints (TEXT, JSON, YAML, XML), every version from 9.6 on. The parsing
and the analysis happen in the Rust core, with the GIL released; this package converts types and
errors, and adds the database helper (:func:`explain`) and the pytest helpers
(:mod:`planlint.testing`, the ``planlint`` pytest plugin).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._errors import ConfigError, InternalError, ParseError
from ._planlint import Node, Plan, __version__, parse, schema, to_json
from ._analysis import (
    SEVERITIES,
    Analysis,
    Finding,
    Fix,
    IndexSuggestion,
    Rule,
    Severity,
    Threshold,
    analyze,
    rules,
)
from ._db import explain

if TYPE_CHECKING:
    # The nested objects of the canonical JSON (workers, JIT, triggers…) are plain dicts at run
    # time; for type checkers they are TypedDicts declared in the stub of the native module.
    from ._planlint import *  # noqa: F403

__all__ = [
    "Node",
    "Plan",
    "Analysis",
    "Finding",
    "Fix",
    "IndexSuggestion",
    "Rule",
    "Threshold",
    "Severity",
    "SEVERITIES",
    "ParseError",
    "ConfigError",
    "InternalError",
    "parse",
    "analyze",
    "rules",
    "to_json",
    "schema",
    "explain",
    "__version__",
]
