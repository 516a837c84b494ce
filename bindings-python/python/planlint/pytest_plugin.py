"""The ``planlint`` pytest plugin (entry point ``planlint`` in ``pytest11``).

Opt-in: it only adds fixtures, which do nothing until a test asks for them.

* ``planlint_guard`` — :func:`planlint.testing.guard`: ``with planlint_guard(conn,
  fail_on="warning"): ...`` EXPLAINs every query the block runs through a psycopg connection or a
  SQLAlchemy engine and fails the test with the ranked findings.
* ``assert_plan`` — :func:`planlint.testing.assert_plan`, for plan-shape tests.
* ``planlint_explain`` — :func:`planlint.explain`.

The default severity of ``planlint_guard`` is the ini option ``planlint_fail_on``
(``warning`` unless set).
"""

from __future__ import annotations

from typing import Any, Callable

import pytest

from . import testing
from ._db import explain


def pytest_addoption(parser: pytest.Parser) -> None:
    """Registers the ini option ``planlint_fail_on``."""
    parser.addini(
        "planlint_fail_on",
        "Lowest finding severity (info, warning, critical) that fails a planlint_guard block.",
        default="warning",
    )


@pytest.fixture
def planlint_guard(request: pytest.FixtureRequest) -> Callable[..., testing.PlanGuard]:
    """A factory of plan guards: ``with planlint_guard(conn, fail_on="warning"): ...``."""
    default = str(request.config.getini("planlint_fail_on") or "warning")

    def make(target: Any, **kwargs: Any) -> testing.PlanGuard:
        kwargs.setdefault("fail_on", default)
        return testing.guard(target, **kwargs)

    return make


@pytest.fixture
def assert_plan() -> Callable[..., None]:
    """:func:`planlint.testing.assert_plan`."""
    return testing.assert_plan


@pytest.fixture
def planlint_explain() -> Callable[..., Any]:
    """:func:`planlint.explain`."""
    return explain
