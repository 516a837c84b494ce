"""planlint.analyze: the CLI's analysis on every corpus plan, typed findings, configuration."""

from __future__ import annotations

import json
import subprocess

import pytest

import planlint
from conftest import CLI, CorpusFile, corpus_files, json_corpus, require_corpus


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    if not CLI.exists():
        pytest.fail(f"no CLI at {CLI} (cargo build --release -p planlint-cli)", pytrace=False)
    return subprocess.run([str(CLI), *args], capture_output=True, text=True)


@pytest.mark.parametrize("entry", corpus_files(), ids=lambda e: e.rel)
def test_same_analysis_as_cli(entry: CorpusFile) -> None:
    out = cli("analyze", "--format", "json", "--config", "/dev/null", str(entry.path))
    if out.returncode == 2:  # the input does not parse: test_parity covers the error
        with pytest.raises(planlint.ParseError):
            planlint.parse(entry.path.read_bytes())
        return
    assert out.returncode == 0, out.stderr
    analyses = planlint.analyze(entry.path.read_bytes())
    assert [a.to_dict() for a in analyses] == json.loads(out.stdout)["plans"]
    for a in analyses:
        raw = a.to_dict()["findings"]
        assert [f.to_dict() for f in a.findings] == raw
        for f in a.findings:
            assert f.node is None or f.node.plan is a.plan
        assert [m["id"] for m in a.nodes] == [n.id for n in a.plan]
        assert a.index_suggestions == []


def findings_by_rule() -> dict[str, list[tuple[CorpusFile, planlint.Finding]]]:
    out: dict[str, list[tuple[CorpusFile, planlint.Finding]]] = {}
    for f in json_corpus():
        for a in planlint.analyze(f.path.read_bytes()):
            for finding in a.findings:
                out.setdefault(finding.rule, []).append((f, finding))
    return out


def test_findings_are_typed_and_ranked() -> None:
    require_corpus()
    by_rule = findings_by_rule()
    assert {"seq-scan-filter", "row-misestimate", "sort-spill"} <= set(by_rule), sorted(by_rule)
    known = {r.id for r in planlint.rules()}
    assert set(by_rule) <= known
    entry, scan = by_rule["seq-scan-filter"][0]
    assert scan.severity in planlint.SEVERITIES and 0.0 <= scan.impact <= 1.0
    assert scan.node is not None and scan.node.node_type == "Seq Scan"
    assert isinstance(scan.evidence, dict) and scan.fix.text
    for f in json_corpus()[:200]:
        for a in planlint.analyze(f.path.read_bytes()):
            impacts = [x.impact for x in a.findings]
            assert impacts == sorted(impacts, reverse=True)
            ranks = [planlint.SEVERITIES.index(x.severity) for x in a.findings]
            if ranks:
                assert a.max_severity == planlint.SEVERITIES[max(ranks)]
            assert a.summary["node_count"] == len(a.plan)


def test_configuration_selects_ignores_and_sets_thresholds() -> None:
    require_corpus()
    entry, _ = findings_by_rule()["seq-scan-filter"][0]
    data = entry.path.read_bytes()
    rules_found = {f.rule for a in planlint.analyze(data) for f in a.findings}
    only = planlint.analyze(data, config={"select": ["seq-scan-filter"]})
    assert {f.rule for a in only for f in a.findings} == {"seq-scan-filter"}
    none = planlint.analyze(data, config='ignore = ["seq-scan-filter"]\n')
    assert {f.rule for a in none for f in a.findings} == rules_found - {"seq-scan-filter"}
    strict = planlint.analyze(
        data, config={"rules": {"seq-scan-filter": {"min_rows_removed": 1e12}}}
    )
    assert "seq-scan-filter" not in {f.rule for a in strict for f in a.findings}
    # The same selection as the CLI's --select.
    out = cli("analyze", "--format", "json", "--config", "/dev/null", "--select", "seq-scan-filter", str(entry.path))
    assert [a.to_dict() for a in only] == json.loads(out.stdout)["plans"]


def test_bad_configuration_is_a_positioned_config_error() -> None:
    require_corpus()
    plan = planlint.parse(json_corpus()[0].path.read_bytes())
    with pytest.raises(planlint.ConfigError) as info:
        planlint.analyze(plan, config='select = ["seq-scan-filter"]\nignore = ["no-such-rule"]\n')
    e = info.value
    assert isinstance(e, ValueError) and e.line == 2 and e.column > 1 and "no-such-rule" in e.message
    with pytest.raises(planlint.ConfigError, match="no threshold"):
        planlint.analyze(plan, config={"rules": {"seq-scan-filter": {"min_rowz": 1}}})
    with pytest.raises(ValueError):
        planlint.analyze(plan, config={"select": True})


def test_rules_are_documented() -> None:
    rules = planlint.rules()
    assert len(rules) >= 25 and len({r.id for r in rules}) == len(rules)
    for r in rules:
        assert r.summary and r.doc.strip() and all(t.name and t.doc for t in r.thresholds)
