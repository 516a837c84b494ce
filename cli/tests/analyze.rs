//! The built `planlint` binary on corpus plans: reports, JSON, exit codes, colors, rules.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn corpus(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../corpus")
        .join(path)
}

fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_planlint"));
    cmd.args(args)
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or_default()).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

fn text(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn text_report_has_tree_and_ranked_findings() {
    let f = corpus("pg15/seq_scan_filter/analyze.json");
    let o = run(&["analyze", f.to_str().unwrap()], None);
    assert!(o.status.success(), "{o:?}");
    let out = text(&o);
    assert!(out.contains("Seq Scan on orders"), "{out}");
    assert!(out.contains("seq-scan-filter"), "{out}");
    assert!(
        out.contains(
            "CREATE INDEX CONCURRENTLY orders_promo_code_idx ON orders USING btree (promo_code);"
        ),
        "{out}"
    );
    assert!(out.contains("Index suggestions:"), "{out}");
    assert!(out.contains("Findings, ranked by impact"), "{out}");
    // Piped: no escape codes.
    assert!(!out.contains('\x1b'), "{out}");
}

#[test]
fn colors_on_request_and_never_with_never() {
    let f = corpus("pg15/subplan_correlated/analyze.json");
    let o = run(&["analyze", "--color", "always", f.to_str().unwrap()], None);
    assert!(text(&o).contains("\x1b["));
    let o = run(&["analyze", "--color", "never", f.to_str().unwrap()], None);
    assert!(!text(&o).contains('\x1b'));
}

#[test]
fn json_output_is_the_library_analysis() {
    let f = corpus("pg15/subplan_correlated/analyze.json");
    let o = run(&["analyze", "--format", "json", f.to_str().unwrap()], None);
    assert!(o.status.success());
    let got: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let plans = planlint::parse(&std::fs::read_to_string(&f).unwrap()).unwrap();
    let want = planlint::Report {
        plans: plans
            .iter()
            .map(|p| planlint::analyze(p, &planlint::Config::default()))
            .collect(),
    };
    assert_eq!(got, serde_json::to_value(&want).unwrap());
    assert_eq!(got["plans"][0]["findings"][0]["rule"], "correlated-subplan");
}

#[test]
fn stdin_and_fail_on() {
    let bytes = std::fs::read(corpus("pg15/delete_fk_unindexed/analyze.json")).unwrap();
    let o = run(&["analyze", "--fail-on", "critical", "-"], Some(&bytes));
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(text(&o).contains("trigger-time"));
    let healthy = std::fs::read(corpus("pg15/pk_lookup/analyze.json")).unwrap();
    let o = run(&["analyze", "--fail-on", "warning"], Some(&healthy));
    assert_eq!(o.status.code(), Some(0), "{o:?}");
}

#[test]
fn select_ignore_and_config() {
    let f = corpus("pg15/seq_scan_filter/analyze.json");
    let f = f.to_str().unwrap();
    let o = run(
        &[
            "analyze",
            "--format",
            "json",
            "--ignore",
            "seq-scan-filter",
            f,
        ],
        None,
    );
    assert!(!text(&o).contains("\"seq-scan-filter\""));
    let o = run(
        &[
            "analyze",
            "--format",
            "json",
            "--select",
            "seq-scan-filter",
            f,
        ],
        None,
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        v["plans"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["rule"] == "seq-scan-filter")
    );
    let o = run(&["analyze", "--select", "no-such-rule", f], None);
    assert_eq!(o.status.code(), Some(2));
    let dir = std::env::temp_dir().join(format!("planlint-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cfg = dir.join("planlint.toml");
    std::fs::write(&cfg, "[rules.seq-scan-filter]\nmin_rows_removed = 1e9\n").unwrap();
    let o = run(
        &[
            "analyze",
            "--format",
            "json",
            "--config",
            cfg.to_str().unwrap(),
            f,
        ],
        None,
    );
    assert!(!text(&o).contains("\"seq-scan-filter\""));
    std::fs::write(&cfg, "[rules.seq-scan-filter]\nmin_rowz = 1\n").unwrap();
    let o = run(&["analyze", "--config", cfg.to_str().unwrap(), f], None);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("planlint.toml:2:1:"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn unreadable_input_exits_2_with_a_position() {
    let o = run(
        &["analyze", "-"],
        Some(b"[{\"Plan\": {\"Node Type\": \"Seq Scan\",}]"),
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8(o.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("planlint: <stdin>:1:"), "{err}");
    let o = run(&["analyze", "/nonexistent/plan.json"], None);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn rules_lists_every_rule_and_writes_markdown() {
    let o = run(&["rules"], None);
    let out = text(&o);
    for r in planlint::rules::RULES {
        assert!(out.contains(r.id), "{}", r.id);
    }
    let o = run(&["rules", "hash-spill"], None);
    assert!(text(&o).starts_with("# hash-spill"));
    let dir = std::env::temp_dir().join(format!("planlint-rules-{}", std::process::id()));
    let o = run(&["rules", "--markdown", dir.to_str().unwrap()], None);
    assert!(o.status.success());
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/rules/hash-spill.md");
    assert_eq!(
        std::fs::read_to_string(dir.join("hash-spill.md")).unwrap(),
        std::fs::read_to_string(committed).unwrap()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn timing_off_and_plain_plans_render() {
    for v in ["timing_off", "plain"] {
        let f = corpus(&format!("pg15/stale_stats_nested_loop/{v}.json"));
        let o = run(&["analyze", f.to_str().unwrap()], None);
        assert!(o.status.success(), "{o:?}");
        assert!(text(&o).contains("plan-quality"), "{v}");
    }
}
