//! What users paste, made parseable: byte-order marks, pgAdmin/DBeaver quoting, psql frames,
//! junk around the plan — and format sniffing.
//!
//! Every transformation that removes characters records where, so that an error found in the
//! cleaned text is reported at the line and column of the caller's original input.

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
}

impl Format {
    /// The lower-case name (`text`, `json`, `yaml`, `xml`).
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Yaml => "yaml",
            Format::Xml => "xml",
        }
    }

    /// The format for a lower-case name.
    pub fn from_name(name: &str) -> Option<Format> {
        match name.to_ascii_lowercase().as_str() {
            "text" | "txt" => Some(Format::Text),
            "json" => Some(Format::Json),
            "yaml" | "yml" => Some(Format::Yaml),
            "xml" => Some(Format::Xml),
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

/// Guesses the format of a cleaned input; `None` when it holds nothing but whitespace and
/// psql decoration.
///
/// The structured formats are told by how they spell the one key every plan has:
/// `"Node Type"` (JSON), `<Node-Type>` (XML), `Node Type: ` at the start of a line (YAML);
/// the earliest one found decides. Anything else is TEXT.
pub(crate) fn sniff(text: &str) -> Option<Format> {
    let meaningful = text.lines().any(|line| {
        let t = line.trim();
        !t.is_empty() && !is_psql_decoration(t)
    });
    if !meaningful {
        return None;
    }
    let json = text.find("\"Node Type\"");
    let xml = text.find("<Node-Type>");
    let yaml = memchr::memmem::find_iter(text.as_bytes(), b"Node Type: ").find(|&i| {
        text[..i]
            .rsplit('\n')
            .next()
            .is_some_and(|before| before.trim_start_matches(['-', ' ', '\t']).is_empty())
    });
    let candidates = [
        (json, Format::Json),
        (xml, Format::Xml),
        (yaml, Format::Yaml),
    ];
    Some(
        candidates
            .iter()
            .filter_map(|&(at, f)| at.map(|i| (i, f)))
            .min_by_key(|&(i, _)| i)
            .map_or(Format::Text, |(_, f)| f),
    )
}

/// Whether a (trimmed) line is psql decoration: the `QUERY PLAN` header, a rule line, `(N rows)`.
pub(crate) fn is_psql_decoration(t: &str) -> bool {
    let inner = t.trim_matches(|c: char| c.is_whitespace() || matches!(c, '│' | '║' | '|'));
    inner == "QUERY PLAN"
        || (!inner.is_empty()
            && inner
                .chars()
                .all(|c| "-+=─═│║┌┐└┘├┤┬┴┼╞╡╪╔╗╚╝╠╣╦╩╬╒╕╘╛╓╖╙╜".contains(c)))
        || (inner.starts_with('(')
            && (inner.ends_with(" rows)") || inner.ends_with(" row)"))
            && inner[1..]
                .split(' ')
                .next()
                .is_some_and(|n| n.parse::<u64>().is_ok()))
}

/// An error for input that holds nothing.
pub(crate) fn empty_error(input: &str) -> Error {
    Error::at(
        ErrorKind::Empty,
        "the input is empty: paste the output of EXPLAIN (in any format)",
        input,
        0,
    )
}

#[cfg(test)]
mod tests {
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

    #[test]
    fn psql_decorations() {
        assert!(is_psql_decoration("QUERY PLAN"));
        assert!(is_psql_decoration("-------+------"));
        assert!(is_psql_decoration("(12 rows)"));
        assert!(is_psql_decoration("(1 row)"));
        assert!(!is_psql_decoration("(cost=1.00..2.00 rows=1 width=4)"));
    }
}
