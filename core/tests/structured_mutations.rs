//! Mutated corpus YAML, XML and server logs (byte flips, truncation, line shuffles, lines
//! dropped or repeated) parse or fail with a positioned error; never a panic or a hang.

mod support;

use planlint::{Format, ParseOptions};
use proptest::prelude::*;

/// The inputs mutated: every YAML and XML capture of the lowest and the highest major, and
/// every log.
fn inputs() -> &'static [(String, Vec<u8>)] {
    static INPUTS: std::sync::OnceLock<Vec<(String, Vec<u8>)>> = std::sync::OnceLock::new();
    INPUTS.get_or_init(|| {
        let all = support::manifest();
        let majors: Vec<u32> = all.iter().map(|e| e.major).collect();
        let (lo, hi) = (*majors.iter().min().unwrap(), *majors.iter().max().unwrap());
        all.into_iter()
            .filter(|e| {
                (matches!(e.format.as_str(), "yaml" | "xml") && (e.major == lo || e.major == hi))
                    || e.framing.starts_with("log-")
            })
            .map(|e| (e.path.clone(), std::fs::read(e.file()).unwrap()))
            .collect()
    })
}

#[derive(Debug, Clone)]
enum Mutation {
    /// Replace the byte at (position ‰ of the length) by a value.
    Flip(u16, u8),
    /// Keep the first ‰ of the bytes.
    Truncate(u16),
    /// Swap two lines (‰ positions in the line list).
    Swap(u16, u16),
    /// Drop a line.
    Drop(u16),
    /// Repeat a line.
    Repeat(u16),
    /// Insert a byte that matters to the formats (`<`, `>`, `"`, `:`, `-`, `[`, TAB, newline).
    Insert(u16, u8),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let at = 0u16..1000;
    prop_oneof![
        (at.clone(), any::<u8>()).prop_map(|(a, b)| Mutation::Flip(a, b)),
        at.clone().prop_map(Mutation::Truncate),
        (at.clone(), at.clone()).prop_map(|(a, b)| Mutation::Swap(a, b)),
        at.clone().prop_map(Mutation::Drop),
        at.clone().prop_map(Mutation::Repeat),
        (at, prop::sample::select(b"<>\":-[]{}&\t\n ".to_vec()))
            .prop_map(|(a, b)| Mutation::Insert(a, b)),
    ]
}

fn apply(input: &[u8], m: &Mutation) -> Vec<u8> {
    let pos = |p: u16, len: usize| (p as usize * len) / 1000;
    let mut lines: Vec<&[u8]> = input.split_inclusive(|&b| b == b'\n').collect();
    match *m {
        Mutation::Flip(p, b) => {
            let mut v = input.to_vec();
            if !v.is_empty() {
                let i = pos(p, v.len());
                v[i] = b;
            }
            v
        }
        Mutation::Truncate(p) => input[..pos(p, input.len())].to_vec(),
        Mutation::Insert(p, b) => {
            let mut v = input.to_vec();
            v.insert(pos(p, v.len()), b);
            v
        }
        Mutation::Swap(a, b) if !lines.is_empty() => {
            let (i, j) = (pos(a, lines.len()), pos(b, lines.len()));
            lines.swap(i, j);
            lines.concat()
        }
        Mutation::Drop(a) if !lines.is_empty() => {
            lines.remove(pos(a, lines.len()));
            lines.concat()
        }
        Mutation::Repeat(a) if !lines.is_empty() => {
            let i = pos(a, lines.len());
            lines.insert(i, lines[i]);
            lines.concat()
        }
        _ => input.to_vec(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

    #[test]
    fn mutated_inputs_parse_or_fail_with_a_positioned_error(
        pick in any::<prop::sample::Index>(),
        m in mutation(),
        format in prop::sample::select(vec![None, Some(Format::Yaml), Some(Format::Xml), Some(Format::Log), Some(Format::Json)]),
    ) {
        let inputs = inputs();
        let (path, input) = &inputs[pick.index(inputs.len())];
        let mutated = apply(input, &m);
        let mut options = ParseOptions::default();
        options.format = format;
        if let Err(e) = planlint::parse_bytes(&mutated, &options) {
            let text = String::from_utf8_lossy(&mutated);
            prop_assert!(e.line >= 1 && e.column >= 1, "{path} {m:?}: {e:?}");
            prop_assert!(e.offset <= text.len(), "{path} {m:?}: {e:?}");
            prop_assert_eq!(
                planlint::error::line_column(&text, e.offset),
                (e.line, e.column),
                "{} {:?}: {:?}", path, m, e
            );
            prop_assert!(!e.message.is_empty());
        }
    }
}
