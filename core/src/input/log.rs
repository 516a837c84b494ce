//! auto_explain entries in a server log (spec §9): stderr with any `log_line_prefix` (the
//! continuation lines of a message start with a TAB), csvlog (the message is the 14th field,
//! quoted) and jsonlog (15+, one JSON object per line, the message in `"message"`).
//!
//! An entry is the message `duration: N ms  plan:` followed by the plan document in any of the
//! four formats. Each entry's document is handed out with the log's framing removed and with
//! the map back to the log, so that an error in a plan points at the log's line and column.
//! Everything else in the log is skipped.

use super::{CleanBuilder, Cleaned, Format};
use crate::error::{Error, ErrorKind};

/// How the server wrote the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LogKind {
    /// `log_destination = stderr`: prefix, message, continuation lines starting with a TAB.
    Stderr,
    /// `log_destination = csvlog`.
    Csv,
    /// `log_destination = jsonlog` (15+).
    Json,
}

/// One auto_explain entry of a log.
#[derive(Debug, Clone)]
pub struct LogEntry<'a> {
    /// The plan document's format.
    pub format: Format,
    /// The statement's duration in ms (`duration: N ms`).
    pub duration: f64,
    /// Byte offset in the log where the entry's message starts (`duration:`).
    pub offset: usize,
    /// The plan document, the log's framing removed, positions mapped back to the log.
    pub(crate) document: Cleaned<'a>,
}

impl LogEntry<'_> {
    /// The plan document (what auto_explain printed after `plan:`).
    pub fn document(&self) -> &str {
        &self.document.text
    }

    /// The offset in the log of an offset in [`document`](Self::document).
    pub fn log_offset(&self, offset: usize) -> usize {
        self.document.original_offset(offset)
    }
}

/// How many `ms  plan:` candidates [`kind`] looks at.
const MAX_CANDIDATES: usize = 256;

/// The end of an auto_explain message's first line.
const PLAN_HEADER_END: &str = " ms  plan:";

/// Finds `duration: N ms  plan:` ending at `end` (exclusive) in `line`; returns the offset of
/// `duration:` and the duration.
fn header(line: &str) -> Option<(usize, f64)> {
    let before = line.strip_suffix(PLAN_HEADER_END)?;
    // `duration: ` and the number are in the last bytes (bounded work on a long line).
    let mut from = before.len().saturating_sub(48);
    while !before.is_char_boundary(from) {
        from += 1;
    }
    let at = from + before[from..].rfind("duration: ")?;
    let n = &before[at + "duration: ".len()..];
    let d = n.parse::<f64>().ok().filter(|d| d.is_finite())?;
    Some((at, d))
}

/// Lines of `text` with their start offsets (`\n` and a trailing `\r` removed).
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let end =
            memchr::memchr(b'\n', &text.as_bytes()[start..]).map_or(text.len(), |i| start + i);
        let line = text[start..end]
            .strip_suffix('\r')
            .unwrap_or(&text[start..end]);
        let at = start;
        start = end + 1;
        Some((at, line))
    })
}

/// Whether a line starts like a csvlog record: `YYYY-MM-DD HH:MM:SS.mmm TZ,`.
fn is_csv_record_start(line: &str) -> bool {
    let b = line.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    digits(0..4)
        && b.get(4) == Some(&b'-')
        && digits(5..7)
        && b.get(10) == Some(&b' ')
        && digits(11..13)
        && b.get(13) == Some(&b':')
        // `get`: byte 19 may fall inside a character of a line that is not a record.
        && line.get(19..).is_some_and(|rest| {
            rest.split(',')
                .next()
                .is_some_and(|ts| ts.len() < 24 && !ts.contains('"'))
                && rest.contains(',')
        })
}

/// What kind of log `text` is, if it holds an auto_explain entry.
pub fn kind(text: &str) -> Option<LogKind> {
    let finder = super::static_finder!(PLAN_HEADER_END.as_bytes());
    let (mut prev, mut line_start) = (0, 0);
    // The first entry decides; a few hundred false candidates before it is already absurd, so
    // the search stops there (bounded work however the input looks).
    for at in finder.find_iter(text.as_bytes()).take(MAX_CANDIDATES) {
        if let Some(i) = memchr::memrchr(b'\n', &text.as_bytes()[prev..at]) {
            line_start = prev + i + 1;
        }
        prev = at;
        let end = at + PLAN_HEADER_END.len();
        let after = &text[end..];
        let line = &text[line_start..end];
        // The message's start, just before the candidate (bounded look-behind).
        let mut from = at.saturating_sub(64).max(line_start);
        while !text.is_char_boundary(from) {
            from += 1;
        }
        let near = &text[from..end];
        if after.starts_with("\\n")
            && line.trim_start().starts_with("{\"")
            && near.contains("\"message\":\"duration: ")
        {
            return Some(LogKind::Json);
        }
        if !(after.starts_with('\n') || after.starts_with("\r\n")) || header(line).is_none() {
            continue;
        }
        if is_csv_record_start(line) && near.contains(",\"duration: ") {
            return Some(LogKind::Csv);
        }
        let next = after
            .trim_start_matches('\r')
            .strip_prefix('\n')
            .unwrap_or("");
        if next.starts_with('\t') {
            return Some(LogKind::Stderr);
        }
    }
    None
}

/// The format of an entry's document, from how it starts.
fn document_format(doc: &str) -> Format {
    let t = doc.trim_start();
    if t.starts_with('{') || t.starts_with('[') {
        Format::Json
    } else if t.starts_with('<') {
        Format::Xml
    } else if t.starts_with("Query Text: \"") && doc.lines().any(|l| l.trim_end() == "Plan:") {
        Format::Yaml
    } else {
        Format::Text
    }
}

/// Every auto_explain entry of a log, in log order.
pub fn entries(text: &str) -> Result<Vec<LogEntry<'_>>, Error> {
    Ok(match kind(text) {
        None => Vec::new(),
        Some(LogKind::Stderr) => stderr_entries(text),
        Some(LogKind::Csv) => csv_entries(text)?,
        Some(LogKind::Json) => json_entries(text)?,
    })
}

fn entry<'a>(document: Cleaned<'a>, duration: f64, offset: usize) -> LogEntry<'a> {
    LogEntry {
        format: document_format(&document.text),
        duration,
        offset,
        document,
    }
}

/// stderr: the header line, then every line starting with a TAB.
fn stderr_entries(text: &str) -> Vec<LogEntry<'_>> {
    let mut out = Vec::new();
    // The document being collected: its text, the duration, the header's offset, where the
    // last line collected ends (the message's lines are joined by `\n`, as csvlog has them).
    let mut current: Option<(CleanBuilder, f64, usize, Option<usize>)> = None;
    for (at, line) in lines(text) {
        if let Some(body) = line.strip_prefix('\t') {
            if let Some((doc, _, _, last_end)) = &mut current {
                if let Some(end) = *last_end {
                    doc.push("\n", end);
                }
                doc.push(body, at + 1);
                *last_end = Some(at + line.len());
            }
            continue;
        }
        if let Some((doc, d, off, _)) = current.take() {
            out.push(entry(doc.finish(), d, off));
        }
        if line.ends_with(PLAN_HEADER_END) {
            if let Some((h, d)) = header(line) {
                current = Some((CleanBuilder::with_capacity(256), d, at + h, None));
            }
        }
    }
    if let Some((doc, d, off, _)) = current {
        out.push(entry(doc.finish(), d, off));
    }
    out
}

/// csvlog: records of comma-separated fields, quoted fields may span lines (`""` is a quote);
/// the message is the 14th field.
fn csv_entries(text: &str) -> Result<Vec<LogEntry<'_>>, Error> {
    const MESSAGE: usize = 13;
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut pos = 0;
    let mut field = 0;
    while pos < b.len() {
        // One field at `pos`.
        let (value_start, value_end, next) = if b[pos] == b'"' {
            let open = pos;
            let mut i = pos + 1;
            loop {
                let Some(q) = memchr::memchr(b'"', &b[i..]) else {
                    return Err(Error::raw(
                        ErrorKind::Syntax,
                        "unterminated quoted field in the csvlog: the closing '\"' is missing",
                        open,
                    ));
                };
                i += q + 1;
                if b.get(i) == Some(&b'"') {
                    i += 1;
                } else {
                    break;
                }
            }
            (pos + 1, i - 1, i)
        } else {
            let end = memchr::memchr3(b',', b'\n', b'\r', &b[pos..]).map_or(b.len(), |i| pos + i);
            (pos, end, end)
        };
        if field == MESSAGE && b[pos] == b'"' {
            let raw = &text[value_start..value_end];
            if let Some(nl) = raw.find('\n') {
                let first = raw[..nl].trim_end_matches('\r');
                if let Some((h, d)) = header(first) {
                    let mut doc = CleanBuilder::with_capacity(raw.len());
                    let mut from = value_start + nl + 1;
                    let finder = memchr::memmem::Finder::new(b"\"\"");
                    while let Some(i) = finder.find(&b[from..value_end]) {
                        doc.push(&text[from..from + i + 1], from);
                        from += i + 2;
                    }
                    doc.push(&text[from..value_end], from);
                    out.push(entry(doc.finish(), d, value_start + h));
                }
            }
        }
        pos = next;
        match b.get(pos) {
            Some(b',') => {
                field += 1;
                pos += 1;
            }
            Some(b'\r') | Some(b'\n') => {
                field = 0;
                while matches!(b.get(pos), Some(b'\r' | b'\n')) {
                    pos += 1;
                }
            }
            None => {}
            Some(_) => {
                return Err(Error::raw(
                    ErrorKind::Syntax,
                    "malformed csvlog record: expected ',' or the end of the line after a quoted field",
                    pos,
                ));
            }
        }
    }
    Ok(out)
}

/// jsonlog: one object per line; the message is the string under `"message"`.
fn json_entries(text: &str) -> Result<Vec<LogEntry<'_>>, Error> {
    let mut out = Vec::new();
    let key = "\"message\":\"";
    for (at, line) in lines(text) {
        let Some(k) = line.find(key) else { continue };
        let start = at + k + key.len();
        let raw = &text[start..at + line.len()];
        let Some(nl) = raw.find("\\n") else { continue };
        let Some((h, d)) = header(&raw[..nl]) else {
            continue;
        };
        let mut doc = CleanBuilder::with_capacity(raw.len());
        decode_json_string(text, start + nl + 2, &mut doc)?;
        out.push(entry(doc.finish(), d, start + h));
    }
    Ok(out)
}

/// Decodes a JSON string's content from `from` (after the opening quote) up to its closing
/// quote into `out`, recording where each piece came from.
fn decode_json_string(text: &str, from: usize, out: &mut CleanBuilder) -> Result<(), Error> {
    let b = text.as_bytes();
    let mut i = from;
    loop {
        let Some(off) = memchr::memchr2(b'"', b'\\', &b[i..]) else {
            return Err(Error::raw(
                ErrorKind::Syntax,
                "unterminated \"message\" string in the jsonlog line",
                from,
            ));
        };
        out.push(&text[i..i + off], i);
        let at = i + off;
        if b[at] == b'"' {
            return Ok(());
        }
        let simple = match b.get(at + 1) {
            Some(b'n') => Some("\n"),
            Some(b't') => Some("\t"),
            Some(b'r') => Some("\r"),
            Some(b'"') => Some("\""),
            Some(b'\\') => Some("\\"),
            Some(b'/') => Some("/"),
            Some(b'b') => Some("\u{8}"),
            Some(b'f') => Some("\u{c}"),
            _ => None,
        };
        if let Some(s) = simple {
            out.push(s, at);
            i = at + 2;
            continue;
        }
        let hex = |p: usize| {
            text.get(p..p + 4)
                .filter(|h| h.bytes().all(|c| c.is_ascii_hexdigit()))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
        };
        let Some(hi) = (b.get(at + 1) == Some(&b'u'))
            .then(|| hex(at + 2))
            .flatten()
        else {
            return Err(Error::raw(
                ErrorKind::Syntax,
                "invalid escape in the jsonlog message: expected \\n, \\t, \\\", \\\\ or \\uXXXX",
                at,
            ));
        };
        let mut len = 6;
        let mut cp = hi;
        if (0xD800..0xDC00).contains(&hi) && b.get(at + 6..at + 8) == Some(b"\\u") {
            if let Some(lo) = hex(at + 8).filter(|lo| (0xDC00..0xE000).contains(lo)) {
                cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                len = 12;
            }
        }
        let mut buf = [0u8; 4];
        out.push(
            char::from_u32(cp)
                .unwrap_or('\u{FFFD}')
                .encode_utf8(&mut buf),
            at,
        );
        i = at + len;
    }
}

/// A TEXT entry taken apart: auto_explain prints `Query Text: <sql>` (the SQL may span
/// lines), `Query Parameters: …` (16+), then the plan, whose root line is at column 0 and always
/// carries a cost block (auto_explain has no COSTS option).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextEntry<'d> {
    /// The statement (`Query Text:`).
    pub query_text: &'d str,
    /// Its parameters (`Query Parameters:`, 16+).
    pub query_parameters: Option<&'d str>,
    /// The plan, from its root line.
    pub plan: &'d str,
    /// Where the plan starts in the entry's document.
    pub plan_offset: usize,
}

impl LogEntry<'_> {
    /// For a TEXT entry, its query text, parameters and plan; `None` for other formats or
    /// when the document has no `Query Text:` followed by a plan line with `(cost=…)`.
    pub fn split_text(&self) -> Option<TextEntry<'_>> {
        if self.format != Format::Text {
            return None;
        }
        split_text_entry(self.document())
    }
}

fn split_text_entry(doc: &str) -> Option<TextEntry<'_>> {
    let rest = doc.strip_prefix("Query Text: ")?;
    let base = doc.len() - rest.len();
    let mut off = base;
    let mut plan_offset = None;
    for line in rest.split_inclusive('\n') {
        if off > base && !line.starts_with([' ', '\t']) && line.contains("  (cost=") {
            plan_offset = Some(off);
            break;
        }
        off += line.len();
    }
    let plan_offset = plan_offset?;
    let head = doc[base..plan_offset].trim_end_matches(['\n', '\r']);
    let (query_text, query_parameters) = match head.rfind("\nQuery Parameters: ") {
        Some(i) => (&head[..i], Some(&head[i + "\nQuery Parameters: ".len()..])),
        None => (head, None),
    };
    Some(TextEntry {
        query_text,
        query_parameters,
        plan: &doc[plan_offset..],
        plan_offset,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers() {
        // Hand-made lines for one rule (the entry header), not log captures.
        assert_eq!(
            header("2026-01-01 10:00:00 UTC [1] LOG:  duration: 0.020 ms  plan:"),
            Some((34, 0.02))
        );
        assert_eq!(header("LOG:  duration: 1.5 ms  statement: select 1"), None);
        assert_eq!(header("duration: x ms  plan:"), None);
    }

    #[test]
    fn csv_record_starts() {
        assert!(is_csv_record_start(
            "2026-11-23 10:36:46.306 UTC,\"postgres\",\"plans\",1,"
        ));
        assert!(!is_csv_record_start(
            "2026-11-23 10:36:46.306 UTC [19812] LOG:  duration: 0.020 ms  plan:"
        ));
    }
}
