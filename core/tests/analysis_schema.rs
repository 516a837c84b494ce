//! Generated artifacts stay current: the analysis JSON Schema (core/schema/analysis.schema.json)
//! and the rule docs (docs/rules/). Regenerate with
//! `PLANLINT_BLESS=1 cargo test -p planlint --test analysis_schema`.
//! Also: every corpus analysis conforms to the schema.

mod support;

use std::path::Path;

use serde_json::Value;

fn check_file(path: &Path, generated: &str) {
    if std::env::var_os("PLANLINT_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, generated).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is out of date: run PLANLINT_BLESS=1 cargo test -p planlint --test analysis_schema",
        path.display()
    );
}

#[test]
fn committed_analysis_schema_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/analysis.schema.json");
    check_file(
        &path,
        &(serde_json::to_string_pretty(&planlint::analysis_schema()).unwrap() + "\n"),
    );
}

#[test]
fn rule_docs_are_current() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/rules");
    for r in planlint::rules::RULES {
        check_file(
            &dir.join(format!("{}.md", r.id)),
            &planlint::rules::markdown(r),
        );
    }
    check_file(&dir.join("README.md"), &planlint::rules::markdown_index());
    // No stale page of a removed or renamed rule.
    for f in std::fs::read_dir(&dir).unwrap() {
        let name = f.unwrap().file_name().into_string().unwrap();
        let id = name.trim_end_matches(".md");
        assert!(
            name == "README.md" || planlint::rules::rule(id).is_some(),
            "docs/rules/{name} has no rule"
        );
    }
}

/// Ids are unique kebab-case; every doc has its sections and a corpus example that exists.
#[test]
fn rule_docs_are_complete() {
    let mut ids = std::collections::HashSet::new();
    for r in planlint::rules::RULES {
        assert!(ids.insert(r.id), "duplicate id {}", r.id);
        assert!(
            r.id.bytes().all(|c| c.is_ascii_lowercase() || c == b'-'),
            "{}",
            r.id
        );
        let doc = r.doc_text();
        for section in [
            "## What it finds",
            "## Why it matters",
            "## How to fix it",
            "## Thresholds",
            "## Impact",
            "## Example",
        ] {
            assert!(doc.contains(section), "{}: no {section}", r.id);
        }
        let example = doc
            .split("`corpus/")
            .nth(1)
            .and_then(|s| s.split('`').next());
        if let Some(path) = example {
            assert!(
                support::corpus_dir().join(path).exists(),
                "{}: corpus/{path} does not exist",
                r.id
            );
        }
        for p in r.params {
            assert!(
                !p.doc.trim().is_empty(),
                "{}: {} undocumented",
                r.id,
                p.name
            );
        }
    }
    assert!(planlint::rules::RULES.len() >= 25);
}

/// A minimal JSON Schema check: types, required keys, no unknown keys, enums, $ref.
fn conforms(v: &Value, s: &Value, defs: &Value, at: &str, errs: &mut Vec<String>) {
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        let name = r.trim_start_matches("#/$defs/");
        return conforms(v, &defs[name], defs, at, errs);
    }
    if let Some(t) = s.get("type") {
        let types: Vec<&str> = match t {
            Value::String(x) => vec![x.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let ok = types.iter().any(|t| match *t {
            "object" => v.is_object(),
            "array" => v.is_array(),
            "string" => v.is_string(),
            "number" => v.is_number(),
            "integer" => v.is_u64() || v.is_i64(),
            "boolean" => v.is_boolean(),
            "null" => v.is_null(),
            _ => false,
        });
        if !ok {
            errs.push(format!("{at}: {v} is not {types:?}"));
            return;
        }
    }
    if let Some(e) = s.get("enum").and_then(Value::as_array)
        && !e.contains(v)
    {
        errs.push(format!("{at}: {v} not in enum"));
    }
    if let Some(obj) = v.as_object() {
        let props = s.get("properties").and_then(Value::as_object);
        for k in s
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if !obj.contains_key(k.as_str().unwrap()) {
                errs.push(format!("{at}: missing {k}"));
            }
        }
        for (k, x) in obj {
            match props.and_then(|p| p.get(k)) {
                Some(ps) => conforms(x, ps, defs, &format!("{at}/{k}"), errs),
                None => match s.get("additionalProperties") {
                    Some(Value::Bool(false)) => errs.push(format!("{at}: unknown key {k}")),
                    Some(ap @ Value::Object(_)) => {
                        conforms(x, ap, defs, &format!("{at}/{k}"), errs)
                    }
                    _ => {}
                },
            }
        }
    }
    if let (Some(items), Some(arr)) = (s.get("items"), v.as_array()) {
        for (i, x) in arr.iter().enumerate() {
            conforms(x, items, defs, &format!("{at}/{i}"), errs);
        }
    }
}

#[test]
fn corpus_analyses_conform_to_the_schema() {
    let schema = planlint::analysis_schema();
    let defs = schema["$defs"].clone();
    for e in support::select(|e| {
        matches!(
            e.variant.as_str(),
            "analyze" | "verbose" | "timing_off" | "plain"
        ) && e.format == "json"
            && e.framing == "raw"
            && e.major == 16
    }) {
        let plans = planlint::parse(&e.read()).unwrap();
        let report = planlint::Report {
            plans: plans
                .iter()
                .map(|p| planlint::analyze(p, &planlint::Config::default()))
                .collect(),
        };
        let v = serde_json::to_value(&report).unwrap();
        let mut errs = Vec::new();
        conforms(&v, &schema, &defs, "", &mut errs);
        assert!(errs.is_empty(), "{}: {errs:?}", e.path);
        // Deterministic: the same input gives the same bytes.
        let again = planlint::Report {
            plans: plans
                .iter()
                .map(|p| planlint::analyze(p, &planlint::Config::default()))
                .collect(),
        };
        assert_eq!(
            serde_json::to_string(&report).unwrap(),
            serde_json::to_string(&again).unwrap()
        );
    }
}
