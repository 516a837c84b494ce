//! YAML input: a line reader for the YAML PostgreSQL prints, implementing [`Source`].
//!
//! The server's YAML is a small, regular subset (spec §2.3): block mappings and sequences
//! indented two spaces per level, `Key: ` with nothing after it before a nested block or an
//! empty group, `- ` items (the first key of a mapping item on the dash's line), strings
//! double-quoted with JSON escaping, bare numbers and booleans, and flow sequences
//! (`- ["grp"]`, `- []`) for grouping-set keys. auto_explain prints a top-level mapping instead
//! of a sequence. A general YAML parser would cost more than this reader and still need a
//! second pass for positions; here each line is looked at once, quoted strings and flow
//! sequences are read by the JSON tokenizer, and nothing recurses on the input's nesting
//! (open blocks are an explicit stack).

use std::borrow::Cow;

use super::json::JsonSource;
use crate::error::{Error, ErrorKind};
use crate::model::source::{Item, Peek, Scalar, Source};
use crate::model::value::clip;

/// An open block collection: a mapping whose keys, or a sequence whose `-` marks, start at
/// column `indent`; `here`: its first entry is at the cursor (on the line of a `- `).
#[derive(Debug, Clone, Copy)]
struct Block {
    seq: bool,
    indent: usize,
    here: bool,
}

/// What the next value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pending {
    /// Nothing: the value was read.
    None,
    /// The value starts at the cursor, on the current line; `item`: right after a `- `
    /// (where a mapping may start on the same line).
    Inline { item: bool },
    /// The value is on the following lines, indented more than `indent` (the column of its
    /// key or `-`); after a key (`key`), a sequence may also start at the key's column.
    /// Nothing there: an empty group (`Triggers: `).
    Below { indent: usize, key: bool },
    /// The whole document.
    Document,
}

/// A cursor over YAML text.
pub(crate) struct YamlSource<'a> {
    text: &'a str,
    bytes: &'a [u8],
    /// Start of the current line.
    line: usize,
    /// End of the current line, trailing blanks excluded.
    line_end: usize,
    /// Where reading continues.
    pos: usize,
    /// The cursor is at the first character of a line nothing was read from yet.
    fresh: bool,
    /// Start of the token read last (errors about a value point there).
    last: usize,
    stack: Vec<Block>,
    pending: Pending,
    /// A flow collection being read (`["a", "b"]`: JSON syntax in the server's YAML).
    flow: Option<JsonSource<'a>>,
}

/// Whether a line (from its first non-blank character) starts a document: `- Plan:`,
/// auto_explain's `Query Text: "…"` / `Plan:`, or a utility placeholder `- "Notify"`.
pub(crate) fn is_document_start(content: &str) -> bool {
    let c = content.strip_prefix("- ").unwrap_or(content);
    c.starts_with("Plan:")
        || c.starts_with("Query Text: \"")
        || (content.starts_with("- \"") && content.ends_with('"'))
}

/// The first line of `text` at or after `from` that starts a document: its start and its
/// first non-blank character.
pub(crate) fn find_document(text: &str, from: usize) -> Option<(usize, usize)> {
    let mut start = from;
    while start < text.len() {
        let end =
            memchr::memchr(b'\n', &text.as_bytes()[start..]).map_or(text.len(), |i| start + i);
        let line = &text[start..end];
        let content = line.trim_start_matches(' ');
        if is_document_start(content.trim_end()) {
            return Some((start, start + line.len() - content.len()));
        }
        start = end + 1;
    }
    None
}

impl<'a> YamlSource<'a> {
    /// A cursor at the document whose first line starts at `line` (its text at `content`).
    pub fn new(text: &'a str, line: usize, content: usize) -> Self {
        let mut s = YamlSource {
            text,
            bytes: text.as_bytes(),
            line,
            line_end: 0,
            pos: content,
            fresh: true,
            last: content,
            stack: Vec::new(),
            pending: Pending::Document,
            flow: None,
        };
        s.line_end = s.content_end(line);
        s
    }

    /// Where reading stopped (the start of the line after the document, or the end).
    pub fn position(&self) -> usize {
        if self.fresh {
            self.line
        } else {
            self.next_line_start()
        }
    }

    /// End of the content of the line starting at `start` (trailing blanks and `\r` excluded).
    fn content_end(&self, start: usize) -> usize {
        let b = self.bytes;
        let mut end = memchr::memchr(b'\n', &b[start..]).map_or(b.len(), |i| start + i);
        while end > start && matches!(b[end - 1], b' ' | b'\t' | b'\r') {
            end -= 1;
        }
        end
    }

    fn next_line_start(&self) -> usize {
        // Usually the line ends right at its content (no trailing space, no CR).
        if self.bytes.get(self.line_end) == Some(&b'\n') {
            return self.line_end + 1;
        }
        memchr::memchr(b'\n', &self.bytes[self.line_end..])
            .map_or(self.bytes.len(), |i| self.line_end + i + 1)
    }

    fn err(&self, kind: ErrorKind, at: usize, message: impl Into<String>) -> Error {
        Error::raw(kind, message, at)
    }

    fn describe(&self, at: usize) -> String {
        match self.text[at.min(self.text.len())..].chars().next() {
            None => "the end of the input".to_string(),
            Some(c) if c.is_control() => format!("{c:?}"),
            Some(c) => format!("'{c}'"),
        }
    }

    fn column(&self) -> usize {
        self.pos - self.line
    }

    /// Whether a `-` item mark is at `at`.
    fn dash_at(&self, at: usize) -> bool {
        self.bytes.get(at) == Some(&b'-')
            && matches!(self.bytes.get(at + 1), None | Some(b' ' | b'\n' | b'\r'))
    }

    /// Moves to the next line that holds something, after checking that nothing is left on
    /// the current one; returns its indentation (`None` at the end of the input).
    fn line_ahead(&mut self) -> Result<Option<usize>, Error> {
        if !self.fresh {
            if self.pos < self.line_end {
                return Err(self.err(
                    ErrorKind::Syntax,
                    self.pos,
                    format!(
                        "unexpected {} after the value: expected the end of the line",
                        self.describe(self.pos)
                    ),
                ));
            }
            let mut start = self.next_line_start();
            let len = self.bytes.len();
            loop {
                if start >= len {
                    self.line = len;
                    self.line_end = len;
                    self.pos = len;
                    break;
                }
                let end = self.content_end(start);
                // Indentation (most of a deep plan's bytes), eight bytes at a time.
                let content = crate::input::frames::skip_spaces(self.bytes, start).min(end);
                if content < end && self.bytes[content] != b'#' {
                    self.line = start;
                    self.line_end = end;
                    self.pos = content;
                    break;
                }
                start = memchr::memchr(b'\n', &self.bytes[start..]).map_or(len, |i| start + i + 1);
            }
            self.fresh = true;
        }
        Ok((self.pos < self.bytes.len()).then(|| self.column()))
    }

    /// Whether the inline value at the cursor holds `key: value` (outside quotes).
    fn inline_mapping(&self) -> bool {
        let rest = &self.bytes[self.pos..self.line_end];
        if matches!(rest.first(), Some(b'"' | b'\'' | b'[' | b'{')) {
            return false;
        }
        memchr::memchr_iter(b':', rest).any(|i| matches!(rest.get(i + 1), None | Some(b' ')))
    }

    fn unexpected_indent(&self, expected: usize, what: &str) -> Error {
        self.err(
            ErrorKind::Syntax,
            self.pos,
            format!(
                "unexpected indentation (column {}): expected {what} at column {} or a line indented less",
                self.column() + 1,
                expected + 1
            ),
        )
    }

    /// Starts reading a flow collection at the cursor (`[` or `{`).
    fn start_flow(&mut self, array: bool) -> Result<(), Error> {
        let mut js = JsonSource::new(self.text);
        js.seek(self.pos);
        if array {
            js.begin_array()?;
        } else {
            js.begin_object()?;
        }
        self.flow = Some(js);
        self.pending = Pending::None;
        self.fresh = false;
        Ok(())
    }

    /// Leaves the flow collection once it is closed.
    fn end_flow_if_closed(&mut self) {
        if let Some(js) = &self.flow {
            if js.depth() == 0 {
                self.pos = js.position();
                self.flow = None;
            }
        }
    }

    /// Reads a plain (unquoted) scalar: the rest of the line.
    fn plain(&mut self) -> Scalar<'a> {
        let s = &self.text[self.pos..self.line_end];
        self.pos = self.line_end;
        match s {
            "true" => Scalar::Bool(true),
            "false" => Scalar::Bool(false),
            "null" | "~" => Scalar::Null,
            _ if is_number(s) => Scalar::Num(s),
            _ => Scalar::Str(Cow::Borrowed(s)),
        }
    }

    /// Reads a single-quoted scalar (`''` is a quote).
    fn single_quoted(&mut self) -> Result<Scalar<'a>, Error> {
        let open = self.pos;
        let mut out = String::new();
        let mut i = open + 1;
        loop {
            let Some(off) = memchr::memchr(b'\'', &self.bytes[i..self.line_end]) else {
                return Err(self.err(
                    ErrorKind::Syntax,
                    open,
                    "unterminated string: the closing \"'\" is missing on this line",
                ));
            };
            out.push_str(&self.text[i..i + off]);
            i += off + 1;
            if self.bytes.get(i) == Some(&b'\'') && i < self.line_end {
                out.push('\'');
                i += 1;
            } else {
                self.pos = i;
                return Ok(Scalar::Str(Cow::Owned(out)));
            }
        }
    }
    /// Enters the block collection (a mapping, or with `seq` a sequence) that is the pending
    /// value.
    fn open(&mut self, seq: bool) -> Result<(), Error> {
        let what = if seq {
            "a list (`- ` items)"
        } else {
            "a mapping (`Key: value` lines)"
        };
        let flow = if seq { b'[' } else { b'{' };
        let indent = match self.pending {
            Pending::Inline { .. } if self.bytes.get(self.pos) == Some(&flow) => {
                return self.start_flow(seq);
            }
            // `- Key: value` or `- - item`: the collection starts on the dash's line.
            Pending::Inline { item: true }
                if (seq && self.dash_at(self.pos)) || (!seq && self.inline_mapping()) =>
            {
                self.stack.push(Block {
                    seq,
                    indent: self.column(),
                    here: true,
                });
                self.pending = Pending::None;
                return Ok(());
            }
            Pending::Below { indent, key } => Some((indent, key)),
            Pending::Document => None,
            _ => {
                return Err(self.err(
                    ErrorKind::Invalid,
                    self.pos,
                    format!("expected {what}, found {}", self.describe(self.pos)),
                ));
            }
        };
        let at = self.last;
        match self.line_ahead()? {
            Some(i)
                if self.dash_at(self.pos) == seq
                    && indent
                        .is_none_or(|(owner, key)| i > owner || (seq && key && i == owner)) =>
            {
                self.stack.push(Block {
                    seq,
                    indent: i,
                    here: true,
                });
                self.pending = Pending::None;
                Ok(())
            }
            _ => Err(self.err(
                ErrorKind::Invalid,
                at,
                format!("expected {what} indented under the key"),
            )),
        }
    }

    /// Moves to the next entry of the open collection (a key, or with `seq` a `-`); returns
    /// the collection's indentation, or `None` (the collection closed) when the next line is
    /// indented less or starts something else.
    fn entry(&mut self, seq: bool) -> Result<Option<usize>, Error> {
        let Some(block) = self.stack.last_mut().filter(|b| b.seq == seq) else {
            let what = if seq { "a list" } else { "a mapping" };
            return Err(self.err(ErrorKind::Syntax, self.pos, format!("expected {what}")));
        };
        let indent = block.indent;
        if block.here {
            block.here = false;
            return Ok(Some(indent));
        }
        match self.line_ahead()? {
            Some(i) if i == indent && self.dash_at(self.pos) == seq => Ok(Some(indent)),
            // A sequence written at its key's column ends at the key's next sibling.
            Some(i) if i < indent || (seq && i == indent) => {
                self.stack.pop();
                Ok(None)
            }
            None => {
                self.stack.pop();
                Ok(None)
            }
            Some(_) => Err(self.unexpected_indent(indent, if seq { "`- `" } else { "a key" })),
        }
    }
}

/// Whether a plain scalar is a JSON number.
fn is_number(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i > start
    };
    if !digits(&mut i) {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digits(&mut i) {
            return false;
        }
    }
    i == b.len()
}

impl<'a> Source<'a> for YamlSource<'a> {
    fn begin_object(&mut self) -> Result<(), Error> {
        if let Some(js) = &mut self.flow {
            return js.begin_object();
        }
        self.open(false)
    }

    fn next_key(&mut self) -> Result<Option<Cow<'a, str>>, Error> {
        if let Some(js) = &mut self.flow {
            let k = js.next_key()?;
            self.end_flow_if_closed();
            return Ok(k);
        }
        let Some(indent) = self.entry(false)? else {
            return Ok(None);
        };
        self.last = self.pos;
        self.fresh = false;
        let rest = &self.bytes[self.pos..self.line_end];
        let colon = key_colon(rest).filter(|&i| i > 0);
        let Some(colon) = colon else {
            return Err(self.err(
                ErrorKind::Syntax,
                self.pos,
                format!(
                    "expected `Key: value` (a key followed by ': '), found {:?}",
                    clip(&self.text[self.pos..self.line_end])
                ),
            ));
        };
        let key = &self.text[self.pos..self.pos + colon];
        let mut v = self.pos + colon + 1;
        while v < self.line_end && self.bytes[v] == b' ' {
            v += 1;
        }
        self.pos = v;
        self.pending = if v >= self.line_end {
            Pending::Below { indent, key: true }
        } else {
            Pending::Inline { item: false }
        };
        // Keys rarely end in a space: skip `trim_end`'s Unicode walk then.
        let key = match key.as_bytes().last() {
            Some(c) if !c.is_ascii_whitespace() && c.is_ascii() => key,
            _ => key.trim_end(),
        };
        Ok(Some(Cow::Borrowed(key)))
    }

    fn begin_array(&mut self) -> Result<(), Error> {
        if let Some(js) = &mut self.flow {
            return js.begin_array();
        }
        self.open(true)
    }

    fn next_item(&mut self) -> Result<Item<'a>, Error> {
        if let Some(js) = &mut self.flow {
            let item = js.next_item()?;
            self.end_flow_if_closed();
            return Ok(item);
        }
        let Some(indent) = self.entry(true)? else {
            return Ok(Item::End);
        };
        self.last = self.pos;
        self.fresh = false;
        let mut v = self.pos + 1;
        while v < self.line_end && self.bytes[v] == b' ' {
            v += 1;
        }
        self.pos = v;
        self.pending = if v >= self.line_end {
            Pending::Below { indent, key: false }
        } else {
            Pending::Inline { item: true }
        };
        Ok(Item::Value)
    }

    fn scalar(&mut self) -> Result<Scalar<'a>, Error> {
        if let Some(js) = &mut self.flow {
            return js.scalar();
        }
        let pending = std::mem::replace(&mut self.pending, Pending::None);
        match pending {
            Pending::Inline { .. } => {
                self.last = self.pos;
                self.fresh = false;
                match self.bytes.get(self.pos) {
                    Some(b'"') => {
                        let mut js = JsonSource::new(self.text);
                        js.seek(self.pos);
                        let s = js.scalar()?;
                        self.pos = js.position();
                        Ok(s)
                    }
                    Some(b'\'') => self.single_quoted(),
                    Some(b'[') => Err(self.err(
                        ErrorKind::Invalid,
                        self.pos,
                        "expected a single value, found a list",
                    )),
                    Some(b'{') => Err(self.err(
                        ErrorKind::Invalid,
                        self.pos,
                        "expected a single value, found a mapping",
                    )),
                    _ => Ok(self.plain()),
                }
            }
            Pending::Below { indent, key } => {
                let at = self.last;
                match self.line_ahead()? {
                    Some(i) if i > indent || (key && i == indent && self.dash_at(self.pos)) => {
                        Err(self.err(
                            ErrorKind::Invalid,
                            at,
                            format!(
                                "expected a single value, found {}",
                                if self.dash_at(self.pos) {
                                    "a list"
                                } else {
                                    "a mapping"
                                }
                            ),
                        ))
                    }
                    // An empty group or list: the key and nothing under it.
                    _ => Ok(Scalar::Str(Cow::Borrowed(""))),
                }
            }
            Pending::Document | Pending::None => Err(self.err(
                ErrorKind::Syntax,
                self.pos,
                format!("expected a value, found {}", self.describe(self.pos)),
            )),
        }
    }

    fn peek(&mut self) -> Result<Peek, Error> {
        if let Some(js) = &mut self.flow {
            return js.peek();
        }
        match self.pending {
            Pending::Inline { item } => Ok(match self.bytes.get(self.pos) {
                Some(b'[') => Peek::Array,
                Some(b'{') => Peek::Object,
                _ if item && self.dash_at(self.pos) => Peek::Array,
                _ if item && self.inline_mapping() => Peek::Object,
                _ => Peek::Scalar,
            }),
            Pending::Below { indent, key } => match self.line_ahead()? {
                Some(i) if self.dash_at(self.pos) && (i > indent || (key && i == indent)) => {
                    Ok(Peek::Array)
                }
                Some(i) if i > indent => Ok(Peek::Object),
                _ => Ok(Peek::Scalar),
            },
            Pending::Document => match self.line_ahead()? {
                Some(_) if self.dash_at(self.pos) => Ok(Peek::Array),
                Some(_) => Ok(Peek::Object),
                None => Err(self.err(
                    ErrorKind::Syntax,
                    self.pos,
                    "unexpected end of the input: expected a YAML plan",
                )),
            },
            Pending::None => Err(self.err(
                ErrorKind::Syntax,
                self.pos,
                format!("expected a value, found {}", self.describe(self.pos)),
            )),
        }
    }

    fn any(&mut self, depth_left: usize) -> Result<serde_json::Value, Error> {
        super::build::read_any(self, depth_left)
    }

    fn error(&self, kind: ErrorKind, message: String) -> Error {
        self.err(kind, self.last, message)
    }
}

/// Where the `:` that ends a key is on a line's rest: the first `:` followed by a space or the
/// end of the line. Eight bytes at a time without a call: keys are short, memchr's setup
/// would cost more than the search.
fn key_colon(rest: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let ends_key = |i: usize| matches!(rest.get(i + 1), None | Some(b' '));
    let mut i = 0;
    while let Some(chunk) = rest.get(i..i + 8) {
        let w = u64::from_le_bytes(chunk.try_into().expect("8 bytes")) ^ (ONES * u64::from(b':'));
        // Bytes of `w` that are zero are colons; every flagged byte is checked (the zero-byte
        // test is exact for the lowest one only), in order.
        let mut hit = w.wrapping_sub(ONES) & !w & (ONES << 7);
        while hit != 0 {
            let at = i + (hit.trailing_zeros() / 8) as usize;
            if rest[at] == b':' && ends_key(at) {
                return Some(at);
            }
            hit &= hit - 1;
        }
        i += 8;
    }
    (i..rest.len()).find(|&at| rest[at] == b':' && ends_key(at))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_numbers() {
        // Hand-made inputs for one rule (which bare scalars are numbers), not plans.
        for n in ["0", "-1", "0.00", "12.5e3", "1E-2"] {
            assert!(is_number(n), "{n}");
        }
        for s in ["", "-", "1.", ".5", "1e", "0x1", "12 ms", "true"] {
            assert!(!is_number(s), "{s}");
        }
    }

    #[test]
    fn key_colons_equal_the_memchr_search_on_the_corpus() {
        // Every line of every YAML corpus plan (from its first non-space byte): the byte loop
        // finds the same `:` as the memchr search it replaced.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus");
        let mut dirs = vec![root];
        let mut lines = 0;
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("the corpus is there") {
                let path = entry.expect("a directory entry").path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                if !path.to_string_lossy().ends_with(".yaml") {
                    continue;
                }
                let text = std::fs::read(&path).expect("a corpus file");
                for line in text.split(|&c| c == b'\n') {
                    let rest = &line[crate::input::frames::skip_spaces(line, 0)..];
                    let general = memchr::memchr_iter(b':', rest)
                        .find(|&i| matches!(rest.get(i + 1), None | Some(b' ')));
                    assert_eq!(
                        key_colon(rest),
                        general,
                        "{:?}",
                        String::from_utf8_lossy(line)
                    );
                    lines += 1;
                }
            }
        }
        assert!(lines > 10_000, "{lines} lines");
    }

    #[test]
    fn document_starts() {
        // Hand-made lines for one rule (where a YAML document starts), not plans.
        assert!(is_document_start("- Plan: "));
        assert!(is_document_start("Query Text: \"select 1\""));
        assert!(is_document_start("- \"Notify\""));
        assert!(!is_document_start("Query Text: select 1"));
        assert!(!is_document_start("Plans: "));
    }
}
