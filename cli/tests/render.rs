//! `planlint render` on corpus plans, through the built binary.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn corpus(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../corpus")
        .join(path)
}

fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_planlint"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    assert!(o.status.success(), "{o:?}");
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn text_and_json_render_back_as_the_server_printed_them() {
    for (path, to) in [
        ("pg17/update_with_triggers/analyze.txt", "text"),
        ("pg18/aggregate_parallel_grouped/verbose.txt", "text"),
        ("pg16/aggregate_rollup_sorted/verbose.json", "json"),
        ("pg13/cte_recursive/analyze.json", "json"),
    ] {
        let f = corpus(path);
        let o = run(&["render", "--to", to, f.to_str().unwrap()], b"");
        let server = std::fs::read_to_string(&f).unwrap();
        assert_eq!(stdout(&o).trim_end(), server.trim_end(), "{path}");
    }
}

#[test]
fn a_json_plan_reads_as_text_from_stdin() {
    let json = std::fs::read(corpus("pg15/seq_scan_filter/analyze.json")).unwrap();
    let o = run(&["render", "--to", "text", "-"], &json);
    let text = stdout(&o);
    assert!(text.starts_with("Seq Scan on orders  (cost="), "{text}");
    assert!(text.contains("\n  Filter: (promo_code = "), "{text}");
    assert!(text.ends_with(" ms\n"), "{text}");
    // The same plan as the library reads from the JSON.
    let from_text = planlint::parse(&text).unwrap();
    let from_json = planlint::parse(std::str::from_utf8(&json).unwrap()).unwrap();
    assert_eq!(from_text[0].nodes.len(), from_json[0].nodes.len());
    assert_eq!(from_text[0].execution_time, from_json[0].execution_time);
}

#[test]
fn a_pasted_psql_plan_is_normalized() {
    let framed = std::fs::read_to_string(corpus("pg15/seq_scan_filter/analyze.psql.txt")).unwrap();
    let o = run(&["render", "--to", "text"], framed.as_bytes());
    let text = stdout(&o);
    assert!(
        !text.contains("QUERY PLAN") && !text.contains(" rows)"),
        "{text}"
    );
    // Every line of the plan, without the frame.
    for line in text.lines() {
        assert!(framed.contains(line), "{line:?} is not in the pasted plan");
    }
    assert_eq!(
        planlint::parse(&text).unwrap(),
        planlint::parse(&framed).unwrap()
    );
}

#[test]
fn unreadable_input_is_a_positioned_message_and_status_2() {
    let o = run(
        &["render", "--to", "json"],
        b"Seq Scan on t  (cost=0.00..x rows=1 width=4)\n",
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "planlint: <stdin>:1:28: broken cost block: expected the total cost (a number) after '..'\n"
    );
    let o = run(&["render", "--to", "yaml"], b"");
    assert_eq!(o.status.code(), Some(2));
}
