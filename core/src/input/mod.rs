//! What users paste, made parseable: byte-order marks, pgAdmin/DBeaver quoting, psql frames,
//! junk around the plan — and format sniffing.
//!
//! Every transformation that removes characters records where, so that an error found in the
//! cleaned text is reported at the line and column of the caller's original input.

/// A substring searcher for a constant needle, built on first use and kept (building one costs
/// more than searching a typical plan for it).
macro_rules! static_finder {
    ($needle:expr) => {{
        static FINDER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
            std::sync::LazyLock::new(|| memchr::memmem::Finder::new($needle));
        &*FINDER
    }};
}
pub(crate) use static_finder;

pub(crate) mod document;
pub mod log;

use std::borrow::Cow;

pub(crate) mod frames;

use crate::error::{Error, ErrorKind};

/// The formats PostgreSQL's EXPLAIN prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// `FORMAT TEXT` (the default).
    Text,
    /// `FORMAT JSON` (or auto_explain's JSON object).
    Json,
    /// `FORMAT YAML`.
    Yaml,
    /// `FORMAT XML`.
    Xml,
    /// A server log (stderr, csvlog, jsonlog) holding auto_explain entries in any of the
    /// formats above.
    Log,
}

impl Format {
    /// The lower-case name (`text`, `json`, `yaml`, `xml`, `log`).
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Yaml => "yaml",
            Format::Xml => "xml",
            Format::Log => "log",
        }
    }

    /// The format for a lower-case name.
    pub fn from_name(name: &str) -> Option<Format> {
        match name.to_ascii_lowercase().as_str() {
            "text" | "txt" => Some(Format::Text),
            "json" => Some(Format::Json),
            "yaml" | "yml" => Some(Format::Yaml),
            "xml" => Some(Format::Xml),
            "log" => Some(Format::Log),
            _ => None,
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Text derived from the caller's input by removing characters, with the map back.
#[derive(Debug, Clone)]
pub(crate) struct Cleaned<'a> {
    /// The cleaned text.
    pub text: Cow<'a, str>,
    /// Breakpoints `(offset in text, offset in original)`, sorted; between two breakpoints the
    /// texts run in parallel.
    map: Vec<(usize, usize)>,
}

impl<'a> Cleaned<'a> {
    /// The input unchanged.
    pub fn identity(input: &'a str) -> Self {
        Cleaned {
            text: Cow::Borrowed(input),
            map: Vec::new(),
        }
    }

    /// A slice of the input starting at `start`.
    pub fn from_offset(input: &'a str, start: usize) -> Self {
        Cleaned {
            text: Cow::Borrowed(&input[start..]),
            map: vec![(0, start)],
        }
    }

    /// The offset in the original input of an offset in the cleaned text.
    pub fn original_offset(&self, offset: usize) -> usize {
        match self.map.partition_point(|&(c, _)| c <= offset) {
            0 => offset,
            i => {
                let (c, o) = self.map[i - 1];
                o + (offset - c)
            }
        }
    }

    /// Repositions an error found in the cleaned text onto the original input.
    pub fn locate(&self, original: &str, mut err: Error) -> Error {
        let off = self.original_offset(err.offset);
        let (line, column) = crate::error::line_column(original, off);
        err.offset = off.min(original.len());
        err.line = line;
        err.column = column;
        err
    }
}

/// Builds cleaned text piece by piece, recording breakpoints.
pub(crate) struct CleanBuilder {
    text: String,
    map: Vec<(usize, usize)>,
}

impl CleanBuilder {
    /// An empty builder with room for `capacity` bytes.
    pub fn with_capacity(capacity: usize) -> Self {
        CleanBuilder {
            text: String::with_capacity(capacity),
            map: Vec::new(),
        }
    }

    /// Appends `piece`, which starts at `orig_offset` in the original input.
    pub fn push(&mut self, piece: &str, orig_offset: usize) {
        let at = self.text.len();
        if self
            .map
            .last()
            .is_none_or(|&(c, o)| o + (at - c) != orig_offset)
        {
            self.map.push((at, orig_offset));
        }
        self.text.push_str(piece);
    }

    /// The cleaned text.
    pub fn finish<'a>(self) -> Cleaned<'a> {
        Cleaned {
            text: Cow::Owned(self.text),
            map: self.map,
        }
    }
}

/// Strips a UTF-8 byte-order mark.
pub(crate) fn strip_bom(input: &str) -> Cleaned<'_> {
    match input.strip_prefix('\u{feff}') {
        Some(_) => Cleaned::from_offset(input, 3),
        None => Cleaned::identity(input),
    }
}

/// Undoes pgAdmin/CSV quoting of a JSON document: `"[{""Plan"": …}]"` → `[{"Plan": …}]`.
/// Returns `None` when the text is not quoted that way.
pub(crate) fn unquote_doubled_json(text: &str) -> Option<Cleaned<'static>> {
    let start = text.find(|c: char| !c.is_whitespace())?;
    let rest = &text[start..];
    let after_quote = rest.strip_prefix('"')?;
    let first = after_quote.trim_start().chars().next()?;
    if !matches!(first, '[' | '{') || !after_quote.contains("\"\"") {
        return None;
    }
    let end = start + rest.trim_end().len();
    if !text[..end].ends_with('"') || end <= start + 1 {
        return None;
    }
    let body_start = start + 1;
    let body = &text[body_start..end - 1];
    let mut out = CleanBuilder::with_capacity(body.len());
    let mut pos = 0;
    while let Some(i) = body[pos..].find("\"\"") {
        out.push(&body[pos..pos + i + 1], body_start + pos);
        pos += i + 2;
    }
    out.push(&body[pos..], body_start + pos);
    Some(out.finish())
}

/// Finds where a JSON document starts: the first `[` or `{` that looks like the start of a plan
/// (`[` followed by `{`, `"` or `]`; `{` followed by `"` or `}`), skipping junk before it.
pub(crate) fn find_json_start(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(i) = memchr::memchr2(b'[', b'{', &bytes[from..]).map(|i| i + from) {
        let next = text[i + 1..]
            .chars()
            .find(|&c| !c.is_whitespace() && !is_frame_char(c))
            .map(|c| if c.is_ascii() { c as u8 } else { 0 });
        let ok = matches!(
            (bytes[i], next),
            (b'[', Some(b'{' | b'"' | b']')) | (b'{', Some(b'"' | b'}'))
        );
        if ok {
            return Some(i);
        }
        from = i + 1;
    }
    None
}

/// Characters psql draws around or between values (borders and continuation marks).
pub(crate) fn is_frame_char(c: char) -> bool {
    matches!(c, '+' | '|' | '│' | '║' | '↵')
}

/// Words a TEXT node line starts with (after `->`, `Parallel `, `Async `, `Partial `,
/// `Finalize `), besides the JSON node type names: TEXT spellings of aggregates, joins and
/// ModifyTable / Foreign operations.
const TEXT_NODE_WORDS: &[&str] = &[
    "MixedAggregate",
    "Merge ",
    "Insert on ",
    "Update on ",
    "Delete on ",
    "Merge on ",
    "Foreign ",
];

/// Whether a line (frame characters and `->` removed) looks like a TEXT plan node line.
fn is_text_node_line(line: &str) -> bool {
    if line.contains("  (cost=") || line.contains(" (actual ") || line.contains("(never executed)")
    {
        return true;
    }
    let mut t = line
        .trim_matches(|c: char| c.is_whitespace() || is_frame_char(c))
        .trim_start_matches("->")
        .trim_start();
    for prefix in ["Parallel ", "Async ", "Partial ", "Finalize "] {
        t = t.strip_prefix(prefix).unwrap_or(t);
    }
    let known = |name: &str| {
        t.strip_prefix(name)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '(']))
    };
    crate::model::NodeType::KNOWN.iter().any(|n| known(n))
        || TEXT_NODE_WORDS.iter().any(|w| t.starts_with(w))
        || ["HashAggregate", "GroupAggregate", "HashSetOp"]
            .iter()
            .any(|n| known(n))
}

/// The first line (offset) of `text` for which `pred` holds.
fn first_line(text: &str, mut pred: impl FnMut(&str) -> bool) -> Option<usize> {
    let mut at = 0;
    while at < text.len() {
        let next = memchr::memchr(b'\n', &text.as_bytes()[at..]).map_or(text.len(), |i| at + i + 1);
        if pred(text[at..next].trim_end_matches(['\n', '\r'])) {
            return Some(at);
        }
        at = next;
    }
    None
}

/// Tells the format of a cleaned input.
///
/// A server log is told by its auto_explain entries (`duration: N ms  plan:`); the structured
/// formats by how they spell the key every plan has — `"Node Type"` (JSON), `<Node-Type>` or
/// the EXPLAIN namespace (XML), `Node Type: ` at the start of a line (YAML) — and TEXT by a node
/// line (`Seq Scan on t  (cost=…)`, or a node name with COSTS OFF). The earliest sign decides.
/// Errors: [`ErrorKind::Empty`] for nothing but whitespace and psql decoration,
/// [`ErrorKind::UnknownFormat`] (at the first meaningful line) when nothing matches.
pub(crate) fn sniff(text: &str) -> Result<Format, Error> {
    sniff_with(text, true)
}

/// [`sniff`], with or without the shortcut for a document whose first line is a TEXT node line
/// (`shortcut: false` is the general search, which tests compare it with).
fn sniff_with(text: &str, shortcut: bool) -> Result<Format, Error> {
    let Some(first) = first_line(text, |line| {
        let t = line.trim();
        !t.is_empty() && !is_psql_decoration(t)
    }) else {
        return Err(Error::raw(
            ErrorKind::Empty,
            "the input is empty: paste the output of EXPLAIN (in any format)",
            0,
        ));
    };
    // What PostgreSQL prints first in a structured format, which no log line, TEXT plan or other
    // format starts with: decided without searching a 17 MB document for the other signs.
    // (A JSON array's `[` alone on its line, psql's `+` aside: a log prefix may start with `[`.)
    let head = text[first..].trim_start();
    let line = &head[..memchr::memchr(b'\n', head.as_bytes()).unwrap_or(head.len())];
    if line.trim_end_matches(['\r', ' ', '+']) == "[" {
        return Ok(Format::Json);
    }
    for (start, format) in [
        ("<explain", Format::Xml),
        ("<?xml", Format::Xml),
        ("- Plan:", Format::Yaml),
    ] {
        if head.starts_with(start) {
            return Ok(format);
        }
    }
    if log::kind(text).is_some() {
        return Ok(Format::Log);
    }
    if shortcut && text_node_line_first(text, first) {
        return Ok(Format::Text);
    }
    let bytes = text.as_bytes();
    let json = static_finder!(b"\"Node Type\"").find(bytes);
    // Each later sign is only looked for before the earliest one found so far (it could not
    // win after it): a 13 MB JSON plan is not searched end to end for XML and YAML spellings.
    let before =
        |at: Option<usize>| &bytes[..at.map_or(bytes.len(), |i| (i + 64).min(bytes.len()))];
    let xml = [
        static_finder!(b"<Node-Type>"),
        static_finder!(b"<explain xmlns=\"http://www.postgresql.org/2009/explain\""),
    ]
    .iter()
    .filter_map(|f| f.find(before(json)))
    .min();
    // YAML: `Node Type: ` with only indentation, `- ` and psql borders before it on its line
    // (looked at backwards, stopping at the first other byte: linear even on one long line).
    let earliest = [json, xml].into_iter().flatten().min();
    let yaml = static_finder!(b"Node Type: ")
        .find_iter(before(earliest))
        .find(|&i| {
            bytes[..i]
                .iter()
                .rev()
                .take_while(|&&b| b != b'\n')
                // ' ', '-', TAB, '|', '+', and the UTF-8 bytes of '│' and '║'.
                .all(|b| b" -\t|+\xE2\x94\x95\x82\x91".contains(b))
        });
    // A TEXT node line only counts before the first structured sign (which is near the start).
    let limit = [json, xml, yaml]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(text.len());
    let text_line = first_line(&text[..limit], is_text_node_line);
    let candidates = [
        (json, Format::Json),
        (xml, Format::Xml),
        (yaml, Format::Yaml),
        (text_line, Format::Text),
    ];
    if let Some((_, f)) = candidates
        .iter()
        .filter_map(|&(at, f)| at.map(|i| (i, f)))
        .min_by_key(|&(i, _)| i)
    {
        return Ok(f);
    }
    // Documents without a node: `[ ]`, `<explain …></explain>` (a rule that rewrites to
    // nothing), `Query rewrites to nothing`.
    let t = text.trim();
    if t.starts_with('[') && t.ends_with(']') {
        return Ok(Format::Json);
    }
    if t.contains("<explain") {
        return Ok(Format::Xml);
    }
    if t == "Query rewrites to nothing" {
        return Ok(Format::Text);
    }
    if let Some(at) = binary_at(text) {
        return Err(Error::raw(
            ErrorKind::UnknownFormat,
            "the input is binary, not text (a control character or an invalid UTF-8 byte): EXPLAIN prints text; paste or pipe what it printed",
            at,
        ));
    }
    Err(Error::raw(
        ErrorKind::UnknownFormat,
        "could not tell the format: looked for a JSON plan (\"Node Type\"), a YAML plan (`Node Type: `), an XML plan (<Node-Type>), a TEXT node line (`Seq Scan on t  (cost=…)`) and auto_explain log entries (`duration: N ms  plan:`); pass the format explicitly if this is a plan",
        first,
    ))
}

/// Whether the earliest sign is a TEXT node line on the first meaningful line (at `first`)
/// with no structured sign starting before that line ends: the answer of the general search
/// (every sign there starts after the node line), without searching the whole document for
/// JSON, XML and YAML spellings. (A sign cannot straddle the line's end: none holds `\n`.)
fn text_node_line_first(text: &str, first: usize) -> bool {
    let end = memchr::memchr(b'\n', &text.as_bytes()[first..]).map_or(text.len(), |i| first + i);
    let head = &text.as_bytes()[..end];
    // `Node Type` covers the JSON (`"Node Type"`) and YAML (`Node Type: `) signs.
    let signed = [
        static_finder!(b"Node Type"),
        static_finder!(b"<Node-Type>"),
        static_finder!(b"<explain"),
    ]
    .iter()
    .any(|f| f.find(head).is_some());
    !signed && first_line(&text[..end], is_text_node_line).is_some()
}

/// Where the first 1 KiB of an input shows it is binary: a control character other than tab,
/// newline, carriage return and form feed, or U+FFFD (what an invalid UTF-8 byte decodes to).
fn binary_at(text: &str) -> Option<usize> {
    let head = &text.as_bytes()[..text.len().min(1024)];
    let control = head
        .iter()
        .position(|&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c)) || b == 0x7f);
    let replaced = memchr::memmem::find(head, "\u{FFFD}".as_bytes());
    control.into_iter().chain(replaced).min()
}

/// Tells the format of an input (a server log is [`Format::Log`]).
///
/// ```
/// use planlint::Format;
/// assert_eq!(planlint::input::detect("[{\"Plan\": {\"Node Type\": \"Result\"}}]"), Ok(Format::Json));
/// assert!(planlint::input::detect("hello").is_err());
/// ```
pub fn detect(input: &str) -> Result<Format, Error> {
    let cleaned = strip_bom(input);
    sniff(&cleaned.text).map_err(|e| cleaned.locate(input, e))
}

/// Whether a (trimmed) line is psql decoration: the `QUERY PLAN` header, a rule line, `(N rows)`.
pub(crate) fn is_psql_decoration(t: &str) -> bool {
    // Fast answer for most lines: an ASCII first character that starts none of the three.
    if let Some(&c) = t.as_bytes().first() {
        if c.is_ascii() && !c.is_ascii_whitespace() && !b"-+=|(Q\x0b".contains(&c) {
            return false;
        }
        // A node line (`->  …`): `>` is no decoration character.
        if t.starts_with("->") {
            return false;
        }
    }
    let inner = t.trim_matches(|c: char| c.is_whitespace() || matches!(c, '│' | '║' | '|'));
    inner == "QUERY PLAN"
        || (!inner.is_empty()
            && inner
                .chars()
                .all(|c| "-+=─═│║┌┐└┘├┤┬┴┼╞╡╪╔╗╚╝╠╣╦╩╬╒╕╘╛╓╖╙╜╟╢╤╧╫╨╥".contains(c)))
        || (inner.starts_with('(')
            && (inner.ends_with(" rows)") || inner.ends_with(" row)"))
            && inner[1..]
                .split(' ')
                .next()
                .is_some_and(|n| n.parse::<u64>().is_ok()))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn offsets_map_back_through_removed_characters() {
        // Hand-made input for one rule (offset mapping), not a plan.
        let original = "\"[{\"\"a\"\": 1}]\"";
        let c = unquote_doubled_json(original).unwrap();
        assert_eq!(c.text, "[{\"a\": 1}]");
        // `1` is at 7 in the cleaned text and at 10 in the original.
        assert_eq!(
            &original[c.original_offset(7)..c.original_offset(7) + 1],
            "1"
        );
        assert_eq!(c.original_offset(0), 1);
    }

    #[test]
    fn json_start_skips_junk_brackets() {
        assert_eq!(
            find_json_start("plan for {x} [1]:\n[\n  {\"Plan\""),
            Some(18)
        );
        assert_eq!(find_json_start("no plan"), None);
    }

    /// Every corpus file (all formats, framings and logs; the huge plans aside), as text.
    pub(crate) fn corpus_documents() -> Vec<(std::path::PathBuf, String)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus");
        let mut out = Vec::new();
        let mut dirs = vec![root];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("corpus/").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if let Ok(text) = std::fs::read_to_string(&path) {
                    if !path
                        .extension()
                        .is_some_and(|e| e == "sql" || e == "sh" || e == "md")
                    {
                        out.push((path, text));
                    }
                }
            }
        }
        out.sort();
        out
    }

    #[test]
    fn the_text_shortcut_answers_as_the_general_search_on_the_corpus() {
        let docs = corpus_documents();
        let mut shortcuts = 0;
        for (path, text) in &docs {
            let text = &strip_bom(text).text;
            let general = sniff_with(text, false).map_err(|e| (e.kind, e.offset));
            assert_eq!(
                sniff_with(text, true).map_err(|e| (e.kind, e.offset)),
                general,
                "{}",
                path.display()
            );
            if let Some(first) = first_line(text, |l| !l.trim().is_empty()) {
                shortcuts += usize::from(text_node_line_first(text, first));
            }
        }
        assert!(
            docs.len() > 7_000 && shortcuts > 2_000,
            "{} files, {shortcuts}",
            docs.len()
        );
    }

    #[test]
    fn sniffing_rules() {
        // Hand-made snippets for one rule (which sign decides the format), not plans.
        let f = |t: &str| sniff(t).map_err(|e| e.kind);
        assert_eq!(
            f("Seq Scan on t  (cost=0.00..1.00 rows=1 width=4)"),
            Ok(Format::Text)
        );
        assert_eq!(f("Seq Scan on t\n  Filter: (a = 1)"), Ok(Format::Text));
        assert_eq!(
            f(" Finalize HashAggregate\n   ->  Gather"),
            Ok(Format::Text)
        );
        assert_eq!(f("Hash Left Join\n  Hash Cond: (a = b)"), Ok(Format::Text));
        assert_eq!(
            f("Seq Scan on t  (cost=0.00..1.00 rows=1 width=4)\n  Filter: (x = '\"Node Type\"')"),
            Ok(Format::Text)
        );
        assert_eq!(
            f("[{\"Plan\": {\"Node Type\": \"Result\"}}]"),
            Ok(Format::Json)
        );
        assert_eq!(f("- Plan: \n    Node Type: \"Result\""), Ok(Format::Yaml));
        assert_eq!(
            f("<explain><Query><Plan><Node-Type>Result</Node-Type>"),
            Ok(Format::Xml)
        );
        assert_eq!(
            f("LOG:  duration: 0.010 ms  plan:\n\tQuery Text: select 1"),
            Ok(Format::Log)
        );
        assert_eq!(f("[\n  {\n    \"Plan\": {"), Ok(Format::Json));
        assert_eq!(
            f("[12345] LOG:  duration: 0.010 ms  plan:\n\tQuery Text: select 1"),
            Ok(Format::Log)
        );
        assert_eq!(f(" QUERY PLAN \n------\n(0 rows)\n"), Err(ErrorKind::Empty));
        let e = sniff("\n\n  hello, world\n").unwrap_err();
        assert_eq!((e.kind, e.offset), (ErrorKind::UnknownFormat, 2));
        assert!(e.message.contains("looked for"), "{}", e.message);
    }

    #[test]
    fn psql_decorations() {
        assert!(is_psql_decoration("QUERY PLAN"));
        assert!(is_psql_decoration("-------+------"));
        assert!(is_psql_decoration("(12 rows)"));
        assert!(is_psql_decoration("(1 row)"));
        assert!(!is_psql_decoration("(cost=1.00..2.00 rows=1 width=4)"));
    }
}
