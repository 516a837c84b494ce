//! Inputs the fuzzers found crashing or hanging (fuzz/, scripts/fuzz.sh), kept forever: each
//! must now give plans or a positioned error. The files are the fuzzers' own minimized or raw
//! findings (not plans from a server): `core/tests/regressions/<target>-<nn>-<what>.<ext>`,
//! where the target (`text`, `json`, `auto`, …) says which format the fuzzer forced.
//! Each file is also checked with every other format and with detection, as the fuzzer
//! `parse_auto` would.

use std::path::Path;

use planlint::{Format, ParseOptions, Plan};

/// Parses with the options and checks what the fuzz targets check.
fn check(name: &str, text: &str, options: &ParseOptions) -> Result<Vec<Plan>, planlint::Error> {
    let r = planlint::parse_with(text, options);
    match &r {
        Ok(plans) => {
            for plan in plans {
                for (i, n) in plan.nodes.iter().enumerate() {
                    assert_eq!(n.id, i, "{name}");
                    assert!(n.parent.is_none_or(|p| p < i), "{name}");
                }
                let _ = plan.to_json();
            }
        }
        Err(e) => {
            assert!(e.offset <= text.len(), "{name}: {e:?}");
            assert_eq!(
                planlint::error::line_column(text, e.offset),
                (e.line, e.column),
                "{name}: {e:?}"
            );
            assert!(!e.message.is_empty(), "{name}");
        }
    }
    r
}

#[test]
fn fuzzer_findings_give_plans_or_positioned_errors() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/regressions");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("core/tests/regressions exists")
        .map(|e| e.expect("readable").path())
        .collect();
    files.sort();
    assert!(!files.is_empty());
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let forced = name.split('-').next().and_then(Format::from_name);
        let r = match forced {
            Some(f) => check(&name, &text, &ParseOptions::with_format(f)),
            None => check(&name, &text, &ParseOptions::default()),
        };
        eprintln!(
            "{name}: {}",
            match &r {
                Ok(p) => format!("{} plan(s)", p.len()),
                Err(e) => e.to_string(),
            }
        );
        for f in [Format::Text, Format::Json, Format::Yaml, Format::Xml] {
            let _ = check(&name, &text, &ParseOptions::with_format(f));
        }
        let _ = check(&name, &text, &ParseOptions::default());
    }
}
