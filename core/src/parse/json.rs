//! JSON input: a small pull tokenizer implementing [`Source`].
//!
//! Hand-written rather than serde_json because the builder needs a pull interface with
//! positions, duplicate keys (9.6–12 `Workers`), a key inside an array (11.0–11.6
//! `Subplans Removed`), psql frame marks between tokens, and no recursion on plan nesting.
//! Strings without escapes are borrowed from the input.

use std::borrow::Cow;

use serde_json::Value;

use crate::error::{Error, ErrorKind};
use crate::input::frames::skip_spaces;
use crate::model::source::{Item, Peek, Scalar, Source};
use crate::model::value::clip;

/// Bytes that may start whitespace or a psql frame mark between tokens (see
/// [`JsonSource::skip_ws`]): space, tab, line feed, carriage return, `+`, `|`, and 0xE2, the
/// first byte of `│`, `║` and `↵`.
static WS_START: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    let starts = *b" \t\n\r+|\xE2";
    while i < starts.len() {
        t[starts[i] as usize] = true;
        i += 1;
    }
    t
};

/// How many bytes of a string are scanned a word at a time before handing over to memchr
/// (keys and most values are short; memchr's setup pays off on long strings only).
const SHORT_STRING: usize = 32;

/// The offset of the first `"` or `\\` at or after `from`: eight bytes at a time for the first
/// [`SHORT_STRING`] bytes (no call, no setup), then memchr.
#[inline(always)]
fn find_quote_or_backslash(b: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let mut i = from;
    while let Some(chunk) = b.get(i..i + 8) {
        let w = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        // A byte of `q` (`s`) is zero where `w` has a quote (backslash); the lowest byte flagged
        // by the zero-byte test is exact (borrows only propagate towards higher bytes).
        let q = w ^ (ONES * b'"' as u64);
        let s = w ^ (ONES * b'\\' as u64);
        let hit = (q.wrapping_sub(ONES) & !q | s.wrapping_sub(ONES) & !s) & HIGHS;
        if hit != 0 {
            return Some(i + (hit.trailing_zeros() / 8) as usize);
        }
        i += 8;
        if i - from >= SHORT_STRING {
            return memchr::memchr2(b'"', b'\\', &b[i..]).map(|off| i + off);
        }
    }
    memchr::memchr2(b'"', b'\\', &b[i..]).map(|off| i + off)
}

/// A cursor over JSON text.
pub(crate) struct JsonSource<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// Start of the token read last (errors about a value point there).
    last: usize,
    /// Open containers: `true` while the next member would be the first.
    stack: Vec<bool>,
}

impl<'a> JsonSource<'a> {
    /// A cursor at the start of `text`.
    pub fn new(text: &'a str) -> Self {
        JsonSource {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            last: 0,
            stack: Vec::new(),
        }
    }

    /// Moves to `offset`.
    pub fn seek(&mut self, offset: usize) {
        self.pos = offset;
        self.stack.clear();
    }

    /// The offset where reading continues.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// How many objects and arrays are open.
    pub fn depth(&self) -> usize {
        self.stack.len()
    }

    /// Whether another document follows (after whitespace and frame marks): `[` or `{`.
    pub fn another_document(&mut self) -> bool {
        self.skip_ws();
        matches!(self.bytes.get(self.pos), Some(b'[' | b'{'))
    }

    fn err(&self, kind: ErrorKind, at: usize, message: impl Into<String>) -> Error {
        Error::raw(kind, message, at)
    }

    /// Skips whitespace and the marks psql draws around values (`+`/`↵` continuations,
    /// `|`/`│`/`║` borders).
    ///
    /// Inlined for the usual cases, which cost a table lookup or two: nothing to skip (before
    /// `,`, `:`, after `{`), or the one space after `:`. Line breaks and indentation go to
    /// [`Self::skip_ws_run`].
    #[inline(always)]
    fn skip_ws(&mut self) {
        let b = self.bytes;
        let pos = self.pos;
        if let Some(&c) = b.get(pos) {
            if !WS_START[c as usize] {
                return;
            }
            if c == b' ' && b.get(pos + 1).is_some_and(|&d| !WS_START[d as usize]) {
                self.pos = pos + 1;
                return;
            }
        } else {
            return;
        }
        self.skip_ws_run();
    }

    /// The general case of [`Self::skip_ws`]: a run of whitespace and frame marks.
    ///
    /// PostgreSQL indents its JSON deeply (most of a plan's bytes are indentation), so runs of
    /// spaces are skipped eight bytes at a time.
    fn skip_ws_run(&mut self) {
        let b = self.bytes;
        let mut pos = self.pos;
        loop {
            match b.get(pos) {
                Some(b' ' | b'\n') => pos = skip_spaces(b, pos + 1),
                Some(b'\t' | b'\r' | b'+' | b'|') => pos += 1,
                Some(0xE2)
                    if matches!(
                        b.get(pos + 1..pos + 3),
                        Some([0x94, 0x82]) | Some([0x95, 0x91]) | Some([0x86, 0xB5])
                    ) =>
                {
                    pos += 3
                }
                _ => break,
            }
        }
        self.pos = pos;
    }

    fn describe(&self, at: usize) -> String {
        match self.text[at.min(self.text.len())..].chars().next() {
            None => "the end of the input".to_string(),
            Some(c) if c.is_control() => format!("{c:?}"),
            Some(c) => format!("'{c}'"),
        }
    }

    fn eof_error(&self) -> Error {
        let open = self.stack.len();
        let hint = if open > 0 {
            format!(
                " (the document is cut off: {open} object{} or array{} still open)",
                if open == 1 { "" } else { "s" },
                if open == 1 { "" } else { "s" }
            )
        } else {
            String::new()
        };
        self.err(
            ErrorKind::Syntax,
            self.text.len(),
            format!("unexpected end of the input{hint}"),
        )
    }

    fn expect(&mut self, c: u8, what: &str) -> Result<(), Error> {
        self.skip_ws();
        match self.bytes.get(self.pos) {
            Some(&b) if b == c => {
                self.pos += 1;
                Ok(())
            }
            None => Err(self.eof_error()),
            Some(_) => Err(self.err(
                ErrorKind::Syntax,
                self.pos,
                format!("expected {what}, found {}", self.describe(self.pos)),
            )),
        }
    }

    /// Handles the separator before a member: `,` unless it is the first one.
    /// Returns `false` when the container closes (`close`) instead.
    #[inline(always)]
    fn member_start(&mut self, close: u8, what: &str) -> Result<bool, Error> {
        self.skip_ws();
        let first = *self.stack.last().expect("inside a container");
        match self.bytes.get(self.pos) {
            None => return Err(self.eof_error()),
            Some(&c) if c == close => {
                self.pos += 1;
                self.stack.pop();
                return Ok(false);
            }
            Some(b',') if !first => {
                self.pos += 1;
                self.skip_ws();
                // Tolerate a trailing comma.
                if self.bytes.get(self.pos) == Some(&close) {
                    self.pos += 1;
                    self.stack.pop();
                    return Ok(false);
                }
            }
            Some(_) if first => {}
            Some(_) => {
                return Err(self.err(
                    ErrorKind::Syntax,
                    self.pos,
                    format!(
                        "expected ',' or '{}' after {what}, found {}",
                        close as char,
                        self.describe(self.pos)
                    ),
                ));
            }
        }
        *self.stack.last_mut().expect("inside a container") = false;
        Ok(true)
    }

    /// The next key when it has the shape of nearly every key PostgreSQL prints: `,` (unless it
    /// is the object's first), a line break and indentation (or one space, or nothing), then
    /// `"key":` without an escape. `None` (and nothing consumed) for anything else, which the
    /// general path of [`Source::next_key`] reads (and reports errors on).
    #[inline(always)]
    fn plain_key(&mut self) -> Option<Cow<'a, str>> {
        let b = self.bytes;
        let mut p = self.pos;
        let first = self.stack.last_mut()?;
        if !*first {
            if b.get(p) != Some(&b',') {
                return None;
            }
            p += 1;
        }
        match b.get(p) {
            Some(b'\n') => p = skip_spaces(b, p + 1),
            Some(b' ') => p += 1,
            _ => {}
        }
        if b.get(p) != Some(&b'"') {
            return None;
        }
        let end = find_quote_or_backslash(b, p + 1)?;
        if b[end] != b'"' || b.get(end + 1) != Some(&b':') {
            return None;
        }
        let key = self.text.get(p + 1..end)?;
        *first = false;
        self.last = p;
        self.pos = end + 2;
        Some(Cow::Borrowed(key))
    }

    /// Reads the string at the cursor (which is at `"`): borrowed from the input when it has
    /// no escape (the usual case, found by one scan).
    #[inline(always)]
    fn string(&mut self) -> Result<Cow<'a, str>, Error> {
        let start = self.pos + 1;
        match find_quote_or_backslash(self.bytes, start) {
            Some(j) if self.bytes[j] == b'"' => {
                self.pos = j + 1;
                Ok(Cow::Borrowed(&self.text[start..j]))
            }
            _ => self.escaped_string(),
        }
    }

    /// [`Self::string`] for a string with escapes (or without its closing quote).
    #[cold]
    fn escaped_string(&mut self) -> Result<Cow<'a, str>, Error> {
        let open = self.pos;
        let start = self.pos + 1;
        let b = self.bytes;
        let mut i = start;
        let mut owned: Option<String> = None;
        loop {
            let Some(j) = find_quote_or_backslash(b, i) else {
                return Err(self.err(
                    ErrorKind::Syntax,
                    open,
                    "unterminated string: the closing '\"' is missing",
                ));
            };
            if b[j] == b'"' {
                self.pos = j + 1;
                return Ok(match owned {
                    None => Cow::Borrowed(&self.text[start..j]),
                    Some(mut s) => {
                        s.push_str(&self.text[i..j]);
                        Cow::Owned(s)
                    }
                });
            }
            let s = owned.get_or_insert_with(String::new);
            s.push_str(&self.text[i..j]);
            i = self.escape(j, s)?;
        }
    }

    /// Decodes the escape at `at` (a backslash) into `out`; returns the offset after it.
    fn escape(&self, at: usize, out: &mut String) -> Result<usize, Error> {
        let b = self.bytes;
        let bad = |me: &Self| {
            // Up to 6 bytes of the escape, cut at a character boundary.
            let mut end = (at + 6).min(me.text.len());
            while !me.text.is_char_boundary(end) {
                end -= 1;
            }
            me.err(
                ErrorKind::Syntax,
                at,
                format!("invalid escape {:?} in a string", clip(&me.text[at..end])),
            )
        };
        let c = *b.get(at + 1).ok_or_else(|| self.eof_error())?;
        let simple = match c {
            b'"' => Some('"'),
            b'\\' => Some('\\'),
            b'/' => Some('/'),
            b'b' => Some('\u{8}'),
            b'f' => Some('\u{c}'),
            b'n' => Some('\n'),
            b'r' => Some('\r'),
            b't' => Some('\t'),
            _ => None,
        };
        if let Some(ch) = simple {
            out.push(ch);
            return Ok(at + 2);
        }
        if c != b'u' {
            return Err(bad(self));
        }
        let hex = |p: usize| -> Option<u32> {
            let h = self.text.get(p..p + 4)?;
            u32::from_str_radix(h, 16)
                .ok()
                .filter(|_| h.bytes().all(|x| x.is_ascii_hexdigit()))
        };
        let hi = hex(at + 2).ok_or_else(|| bad(self))?;
        if (0xD800..0xDC00).contains(&hi) && b.get(at + 6..at + 8) == Some(b"\\u") {
            if let Some(lo) = hex(at + 8).filter(|lo| (0xDC00..0xE000).contains(lo)) {
                let cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                out.push(char::from_u32(cp).unwrap_or('\u{FFFD}'));
                return Ok(at + 12);
            }
        }
        out.push(char::from_u32(hi).unwrap_or('\u{FFFD}'));
        Ok(at + 6)
    }

    /// Reads the number at the cursor (its raw text: the field's type converts it), in one
    /// pass over its bytes.
    #[inline]
    fn number(&mut self) -> Result<&'a str, Error> {
        let start = self.pos;
        let b = self.bytes;
        // The usual shape first (`-`? digits [`.` digits]), then whatever else a number may
        // hold (an exponent; odd spellings are checked by the field's conversion).
        let digit_run = |mut i: usize| {
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            i
        };
        let mut i = start + usize::from(b.get(start) == Some(&b'-'));
        let int_end = digit_run(i);
        let mut digits = int_end > i;
        i = int_end;
        if b.get(i) == Some(&b'.') {
            let frac_end = digit_run(i + 1);
            digits |= frac_end > i + 1;
            i = frac_end;
        }
        while let Some(&c) = b.get(i) {
            match c {
                b'0'..=b'9' => digits = true,
                b'-' | b'+' | b'.' | b'e' | b'E' => {}
                _ => break,
            }
            i += 1;
        }
        let n = &self.text[start..i];
        if !digits {
            return Err(self.err(
                ErrorKind::Syntax,
                start,
                format!("invalid number {:?}", clip(n)),
            ));
        }
        self.pos = i;
        Ok(n)
    }

    fn literal(&mut self, word: &str) -> Result<(), Error> {
        if self.text[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(self.err(
                ErrorKind::Syntax,
                self.pos,
                format!("expected a value, found {}", self.describe(self.pos)),
            ))
        }
    }

    /// Whether a string at the cursor is followed by `:` (a key where a value belongs).
    fn string_then_colon(&self) -> bool {
        let b = self.bytes;
        let mut i = self.pos + 1;
        // (`i` passes the end when the input ends in a backslash.)
        while let Some(off) = memchr::memchr2(b'"', b'\\', b.get(i..).unwrap_or_default()) {
            let j = i + off;
            if b[j] == b'\\' {
                i = j + 2;
                continue;
            }
            let mut k = j + 1;
            while k < b.len() && matches!(b[k], b' ' | b'\t' | b'\n' | b'\r') {
                k += 1;
            }
            return b.get(k) == Some(&b':');
        }
        false
    }
}

impl<'a> Source<'a> for JsonSource<'a> {
    fn begin_object(&mut self) -> Result<(), Error> {
        self.skip_ws();
        self.last = self.pos;
        self.expect(b'{', "'{' (an object)")?;
        self.stack.push(true);
        Ok(())
    }

    fn next_key(&mut self) -> Result<Option<Cow<'a, str>>, Error> {
        if let Some(key) = self.plain_key() {
            return Ok(Some(key));
        }
        if !self.member_start(b'}', "an object member")? {
            return Ok(None);
        }
        self.skip_ws();
        self.last = self.pos;
        if self.bytes.get(self.pos) != Some(&b'"') {
            return Err(match self.bytes.get(self.pos) {
                None => self.eof_error(),
                Some(_) => self.err(
                    ErrorKind::Syntax,
                    self.pos,
                    format!(
                        "expected a key in double quotes, found {}",
                        self.describe(self.pos)
                    ),
                ),
            });
        }
        let key = self.string()?;
        match self.bytes.get(self.pos) {
            Some(b':') => self.pos += 1,
            _ => self.expect(b':', "':' after the key")?,
        }
        Ok(Some(key))
    }

    fn begin_array(&mut self) -> Result<(), Error> {
        self.skip_ws();
        self.last = self.pos;
        self.expect(b'[', "'[' (an array)")?;
        self.stack.push(true);
        Ok(())
    }

    fn next_item(&mut self) -> Result<Item<'a>, Error> {
        if !self.member_start(b']', "an array element")? {
            return Ok(Item::End);
        }
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b'"') && self.string_then_colon() {
            self.last = self.pos;
            let key = self.string()?;
            self.expect(b':', "':' after the key")?;
            return Ok(Item::StrayKey(key));
        }
        Ok(Item::Value)
    }

    fn scalar(&mut self) -> Result<Scalar<'a>, Error> {
        self.skip_ws();
        self.last = self.pos;
        match self.bytes.get(self.pos) {
            None => Err(self.eof_error()),
            Some(b'"') => self.string().map(Scalar::Str),
            Some(b'-' | b'0'..=b'9') => self.number().map(Scalar::Num),
            Some(b't') => self.literal("true").map(|_| Scalar::Bool(true)),
            Some(b'f') => self.literal("false").map(|_| Scalar::Bool(false)),
            Some(b'n') => self.literal("null").map(|_| Scalar::Null),
            Some(b'{') => Err(self.err(
                ErrorKind::Invalid,
                self.pos,
                "expected a single value, found an object",
            )),
            Some(b'[') => Err(self.err(
                ErrorKind::Invalid,
                self.pos,
                "expected a single value, found an array",
            )),
            Some(_) => Err(self.err(
                ErrorKind::Syntax,
                self.pos,
                format!("expected a value, found {}", self.describe(self.pos)),
            )),
        }
    }

    fn peek(&mut self) -> Result<Peek, Error> {
        self.skip_ws();
        match self.bytes.get(self.pos) {
            None => Err(self.eof_error()),
            Some(b'{') => Ok(Peek::Object),
            Some(b'[') => Ok(Peek::Array),
            Some(_) => Ok(Peek::Scalar),
        }
    }

    fn any(&mut self, depth_left: usize) -> Result<Value, Error> {
        if depth_left == 0 {
            self.skip_ws();
            self.last = self.pos;
        }
        super::build::read_any(self, depth_left)
    }

    fn error(&self, kind: ErrorKind, message: String) -> Error {
        self.err(kind, self.last, message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every JSON and YAML file of the corpus (the fast paths are checked on real plans).
    fn corpus_files(ext: &str) -> Vec<String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus");
        let mut out = Vec::new();
        let mut dirs = vec![root];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("the corpus is there") {
                let path = entry.expect("a directory entry").path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.to_string_lossy().ends_with(ext) {
                    out.push(std::fs::read_to_string(&path).expect("corpus files are UTF-8"));
                }
            }
        }
        assert!(out.len() > 100, "only {} corpus files", out.len());
        out
    }

    /// The number scan before its fast path: any run of number bytes with a digit in it.
    fn number_end_general(b: &[u8], start: usize) -> Option<usize> {
        let mut i = start;
        while i < b.len() && matches!(b[i], b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') {
            i += 1;
        }
        b[start..i].iter().any(u8::is_ascii_digit).then_some(i)
    }

    #[test]
    fn fast_paths_equal_the_general_ones_on_the_corpus() {
        let files = corpus_files(".json");
        for text in &files {
            let b = text.as_bytes();
            for at in 0..b.len() {
                // Whitespace: the inlined fast path against the general loop.
                let mut fast = JsonSource::new(text);
                fast.seek(at);
                fast.skip_ws();
                let mut general = JsonSource::new(text);
                general.seek(at);
                general.skip_ws_run();
                assert_eq!(fast.pos, general.pos, "whitespace at {at}");
                // Strings: the word-at-a-time scan against memchr.
                if b[at] == b'"' {
                    assert_eq!(
                        find_quote_or_backslash(b, at + 1),
                        memchr::memchr2(b'"', b'\\', &b[at + 1..]).map(|i| at + 1 + i),
                        "string at {at}"
                    );
                }
                // Numbers (where a value may start): one pass against the general scan.
                if matches!(b[at], b'-' | b'0'..=b'9')
                    && matches!(b[..at].last(), Some(b' ' | b'[' | b':'))
                {
                    let mut src = JsonSource::new(text);
                    src.seek(at);
                    let fast = src.number().ok().map(|_| src.pos);
                    assert_eq!(fast, number_end_general(b, at), "number at {at}");
                }
            }
        }
    }

    #[test]
    fn plain_keys_equal_the_general_path_on_the_corpus() {
        // At every `,` and `{` of every corpus JSON file, inside an object (first member or
        // not): the fast key reader, where it answers, reads what the general path reads and
        // leaves the cursor where it leaves it.
        let mut answered = 0;
        for text in corpus_files(".json") {
            for (at, &c) in text.as_bytes().iter().enumerate() {
                if !matches!(c, b',' | b'{') {
                    continue;
                }
                let (start, first) = if c == b'{' {
                    (at + 1, true)
                } else {
                    (at, false)
                };
                let mut fast = JsonSource::new(&text);
                fast.seek(start);
                fast.stack.push(first);
                let Some(key) = fast.plain_key() else {
                    continue;
                };
                let mut general = JsonSource::new(&text);
                general.seek(start);
                general.stack.push(first);
                assert!(general.member_start(b'}', "a member").expect("a member"));
                general.skip_ws();
                let expected = general.string().expect("a key");
                general.skip_ws();
                assert_eq!(general.bytes[general.pos], b':');
                assert_eq!(key, expected, "key at {at}");
                assert_eq!(fast.pos, general.pos + 1, "cursor after the key at {at}");
                assert_eq!(fast.stack, general.stack);
                answered += 1;
            }
        }
        assert!(answered > 100_000, "{answered} keys");
    }

    #[test]
    fn key_index_answers_every_corpus_key() {
        // Every distinct key of the corpus's JSON plans, numbered: the table must give each its
        // number back, and nothing for near misses (one byte more, one byte less, one changed).
        let mut keys: Vec<&'static str> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for text in corpus_files(".json") {
            let text: &'static str = Box::leak(text.into_boxed_str());
            let b = text.as_bytes();
            let mut i = 0;
            while let Some(off) = memchr::memmem::find(&b[i..], b"\": ") {
                let end = i + off;
                if let Some(open) = memchr::memrchr(b'"', &b[..end]) {
                    let key = &text[open + 1..end];
                    if !key.contains('\\') && seen.insert(key) {
                        keys.push(key);
                    }
                }
                i = end + 3;
            }
        }
        assert!(keys.len() > 100, "{} keys", keys.len());
        let entries: Vec<(&'static str, usize)> = keys.iter().copied().zip(0..).collect();
        let index = crate::model::KeyIndex::new(&entries);
        for &(key, n) in &entries {
            assert_eq!(index.get(key), Some(n), "{key:?}");
            let longer = format!("{key}x");
            let shorter = &key[..key.len() - 1];
            let mut changed = key.as_bytes().to_vec();
            changed[0] ^= 0x20;
            let changed = String::from_utf8_lossy(&changed).into_owned();
            for miss in [longer.as_str(), shorter, changed.as_str()] {
                if !seen.contains(miss) {
                    assert_eq!(index.get(miss), None, "{miss:?}");
                }
            }
        }
        assert_eq!(index.get(""), None);
    }
}
