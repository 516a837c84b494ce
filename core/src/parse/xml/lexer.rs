//! The tokenizer of [`super::XmlSource`]: the XML that PostgreSQL prints, and what people paste.
//!
//! PostgreSQL's EXPLAIN XML is a small subset of XML: elements without attributes (but the
//! root's `xmlns`), text with the five predefined entities and character references, no CDATA,
//! comments or processing instructions. Pasted input may add comments, processing
//! instructions, CDATA sections, a DOCTYPE, CRLF line ends and attributes; those are read too
//! (comments and the like are skipped, CDATA is text). What is not well-formed in that subset
//! is an error at the offending byte: a tag that is not closed, an end tag that does not match
//! the element open, an unknown or unfinished reference.
//!
//! A text token is a stretch of the input (from the end of one tag to the start of the next
//! element or end tag); it is borrowed as it is unless it holds references, CDATA, comments or
//! carriage returns ([`TextKind::Marked`]), which [`decode`] resolves when the value is read.
//! Nothing recurses: the open elements are a `Vec` of names.

use std::borrow::Cow;

use crate::error::{Error, ErrorKind};
use crate::model::same_bytes;
use crate::model::value::clip;

/// How a text token's bytes read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TextKind {
    /// Whitespace only (indentation between elements).
    Blank,
    /// Character data as it is: no reference, markup or carriage return in it.
    Plain,
    /// Holds references, CDATA, comments, processing instructions or carriage returns: read
    /// it with [`decode`].
    Marked,
}

/// One token of the document.
#[derive(Debug, Clone, Copy)]
pub(super) enum Tok<'a> {
    /// `<name …>`.
    Open { name: &'a str, at: usize },
    /// `<name … />`.
    Empty { name: &'a str, at: usize },
    /// `</name>`.
    Close { at: usize },
    /// Character data: the raw stretch of input, to be read according to `kind`.
    Text {
        raw: &'a str,
        kind: TextKind,
        at: usize,
    },
    /// The end of the input.
    Eof { at: usize },
}

impl<'a> Tok<'a> {
    /// Where the token starts.
    pub fn at(&self) -> usize {
        match self {
            Tok::Open { at, .. }
            | Tok::Empty { at, .. }
            | Tok::Close { at }
            | Tok::Text { at, .. }
            | Tok::Eof { at } => *at,
        }
    }

    /// Whitespace between elements.
    pub fn is_blank(&self) -> bool {
        match *self {
            Tok::Text {
                kind: TextKind::Blank,
                ..
            } => true,
            Tok::Text {
                raw,
                kind: TextKind::Marked,
                ..
            } => is_blank(&decode(raw)),
            _ => false,
        }
    }

    /// The text of a text token (references resolved, line ends normalized); `""` for others.
    pub fn text(&self) -> Cow<'a, str> {
        match *self {
            Tok::Text {
                raw,
                kind: TextKind::Marked,
                ..
            } => decode(raw),
            Tok::Text { raw, .. } => Cow::Borrowed(raw),
            _ => Cow::Borrowed(""),
        }
    }
}

/// Whether text is XML whitespace only.
pub(super) fn is_blank(s: &str) -> bool {
    s.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}

/// Bytes that end a run of ordinary character data: `<`, `&`, `\r`.
const SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    t[b'<' as usize] = true;
    t[b'&' as usize] = true;
    t[b'\r' as usize] = true;
    t
};

/// Bytes that end a tag name: whitespace (and the other control characters, which XML does
/// not allow in names), `/`, `>`.
const NAME_END: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c <= b' ' {
        t[c as usize] = true;
        c += 1;
    }
    t[b'/' as usize] = true;
    t[b'>' as usize] = true;
    t
};

/// `0x01` in every byte of a word.
const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
/// `0x80` in every byte of a word.
const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);

/// The high bit set in the bytes of `word` below `n` (`n` ≤ 128); bytes above the lowest one
/// flagged may be flagged wrongly, the lowest one is exact.
fn bytes_below(word: u64, n: u8) -> u64 {
    word.wrapping_sub(ONES * u64::from(n)) & !word & HIGHS
}

/// The high bit set in the bytes of `word` equal to `c` (the lowest one flagged is exact).
fn bytes_equal(word: u64, c: u8) -> u64 {
    bytes_below(word ^ (ONES * u64::from(c)), 1)
}

/// The end of the tag name that starts at `i` (the first [`NAME_END`] byte, found a word at a
/// time), and whether the name holds a `:` (a namespace prefix).
fn name_end(b: &[u8], mut i: usize) -> (usize, bool) {
    let mut colons = 0;
    while let Some(chunk) = b.get(i..i + 8) {
        let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        let ends = bytes_below(word, b' ' + 1) | bytes_equal(word, b'/') | bytes_equal(word, b'>');
        let colon = bytes_equal(word, b':');
        if ends != 0 {
            // Only the colons before the end count (the lowest flag of each mask is exact).
            let before = (1u64 << ends.trailing_zeros()) - 1;
            return (
                i + (ends.trailing_zeros() / 8) as usize,
                colons | (colon & before) != 0,
            );
        }
        colons |= colon;
        i += 8;
    }
    let end = i + b[i..]
        .iter()
        .position(|&c| NAME_END[usize::from(c)])
        .unwrap_or(b.len() - i);
    (end, colons != 0 || b[i..end].contains(&b':'))
}

/// Eight spaces, to skip indentation a word at a time.
const SPACES: u64 = u64::from_ne_bytes([b' '; 8]);

/// The end of the run of spaces, tabs and line ends at `i` (where the run stops); spaces are
/// skipped a word at a time (the first byte that is not a space found by its bit position).
fn skip_blank(b: &[u8], mut i: usize) -> usize {
    loop {
        while let Some(chunk) = b.get(i..i + 8) {
            let other = u64::from_le_bytes(chunk.try_into().expect("eight bytes")) ^ SPACES;
            if other != 0 {
                i += (other.trailing_zeros() / 8) as usize;
                break;
            }
            i += 8;
        }
        match b.get(i) {
            Some(b' ' | b'\t' | b'\n') => i += 1,
            _ => return i,
        }
    }
}

/// The predefined entities of XML and what they stand for.
const ENTITIES: &[(&str, &str)] = &[
    ("lt", "<"),
    ("gt", ">"),
    ("amp", "&"),
    ("quot", "\""),
    ("apos", "'"),
];

/// What the reference `&body;` (body without `&` and `;`) stands for, if it is one XML knows:
/// a predefined entity or a character reference (`#` decimal, `#x` hexadecimal, no sign, not
/// NUL, a Unicode scalar value).
fn resolve(body: &str) -> Option<Cow<'static, str>> {
    if let Some(num) = body.strip_prefix('#') {
        let (digits, radix) = match num.strip_prefix('x') {
            Some(hex) => (hex, 16),
            None => (num, 10),
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let code = u32::from_str_radix(digits, radix).ok()?;
        return match char::from_u32(code) {
            Some(c) if code != 0 => Some(Cow::Owned(c.to_string())),
            _ => None,
        };
    }
    ENTITIES
        .iter()
        .find(|(name, _)| *name == body)
        .map(|(_, s)| Cow::Borrowed(*s))
}

/// The markup that may sit inside text (skipped, or CDATA: read as text): its opening, its
/// closing, and what it is called in errors.
const MARKUP: &[(&str, &str, &str)] = &[
    ("<!--", "-->", "comment"),
    ("<![CDATA[", "]]>", "CDATA section"),
    ("<?", "?>", "processing instruction"),
];

/// The text of a [`TextKind::Marked`] stretch the lexer accepted: references resolved, CDATA
/// contents kept, comments, processing instructions and DOCTYPEs dropped, line ends (outside
/// CDATA) normalized to `\n` (XML 1.0 §2.11).
pub(super) fn decode(raw: &str) -> Cow<'_, str> {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find(['<', '&', '\r']) {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if let Some(after) = rest
            .strip_prefix("\r\n")
            .or_else(|| rest.strip_prefix('\r'))
        {
            out.push('\n');
            rest = after;
        } else if rest.starts_with('&') {
            let end = rest.find(';').unwrap_or(rest.len() - 1);
            out.push_str(&resolve(&rest[1..end]).unwrap_or_default());
            rest = &rest[end + 1..];
        } else if let Some(&(open, close, _)) = MARKUP.iter().find(|(o, ..)| rest.starts_with(o)) {
            let body = &rest[open.len()..];
            let end = body.find(close).unwrap_or(body.len());
            if open == "<![CDATA[" {
                out.push_str(&body[..end]);
            }
            rest = body.get(end + close.len()..).unwrap_or("");
        } else {
            // `<!DOCTYPE …>`, checked by the lexer.
            rest = &rest[doctype_end(rest.as_bytes(), 0).unwrap_or(rest.len())..];
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The end (after `>`) of the `<!DOCTYPE …>` at `i`, brackets of an internal subset and quoted
/// strings skipped; `None` when it does not end.
fn doctype_end(b: &[u8], i: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote = None;
    for (j, &c) in b.iter().enumerate().skip(i + 2) {
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(c),
            (None, b'[') => depth += 1,
            (None, b']') => depth = depth.saturating_sub(1),
            (None, b'>') if depth == 0 => return Some(j + 1),
            _ => {}
        }
    }
    None
}

/// The positioned error for malformed XML.
fn malformed(at: usize, what: impl std::fmt::Display) -> Error {
    Error::raw(ErrorKind::Syntax, format!("malformed XML: {what}"), at)
}

/// A member element read whole by [`Lexer::leaf`]: `<name>text</name>`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Leaf<'a> {
    /// The element's name.
    pub name: &'a str,
    /// Where its start tag begins.
    pub at: usize,
    /// Its text, plain.
    pub text: &'a str,
    /// Where the text begins.
    pub text_at: usize,
}

/// A cursor over the tokens of one XML document.
pub(super) struct Lexer<'a> {
    text: &'a str,
    /// Where the next token starts.
    pos: usize,
    /// The elements open, innermost last, as their start tags spell them (end tags must match).
    open: Vec<&'a str>,
    /// A token read ahead by [`Lexer::next`] (after blank text it had to look past).
    stash: Option<Tok<'a>>,
}

impl<'a> Lexer<'a> {
    /// A lexer at `start` in `text`.
    pub fn new(text: &'a str, start: usize) -> Self {
        Lexer {
            text,
            pos: start,
            open: Vec::new(),
            stash: None,
        }
    }

    /// Where the next token starts (after the last one read).
    pub fn position(&self) -> usize {
        self.pos
    }

    /// The next token, blank text before a start tag skipped (indentation, never a value).
    pub fn next(&mut self) -> Result<Tok<'a>, Error> {
        if let Some(tok) = self.stash.take() {
            return Ok(tok);
        }
        let tok = self.next_tok()?;
        if tok.is_blank() {
            let after = self.next_tok()?;
            if matches!(after, Tok::Open { .. } | Tok::Empty { .. }) {
                return Ok(after);
            }
            self.stash = Some(after);
        }
        Ok(tok)
    }

    /// The fast path of the reader between members (blank text never matters there): the tag
    /// after the blank text at the lexer's position, if it is a start tag or an end tag;
    /// `None`, with nothing read, for anything else (read that with [`Lexer::next`]).
    pub fn member(&mut self) -> Result<Option<Tok<'a>>, Error> {
        if self.stash.is_some() {
            return Ok(None);
        }
        let b = self.text.as_bytes();
        let i = skip_blank(b, self.pos);
        match (b.get(i), b.get(i + 1)) {
            (Some(b'<'), Some(b'/')) => self.end_tag(i).map(Some),
            (Some(b'<'), Some(next)) if !matches!(next, b'!' | b'?') => self.start_tag(i).map(Some),
            _ => Ok(None),
        }
    }

    /// The fast path of the reader for a member that holds a plain value, the usual property
    /// (`<Actual-Rows>50000</Actual-Rows>`): after the blank text at the lexer's position, a
    /// start tag without attributes or prefix, plain text (no reference, markup or carriage
    /// return; not starting with whitespace) and the end tag of that element, read at once and
    /// nothing left open. `None`, with nothing read, for anything else (read that with
    /// [`Lexer::member`] or [`Lexer::next`]).
    pub fn leaf(&mut self) -> Option<Leaf<'a>> {
        if self.stash.is_some() {
            return None;
        }
        let b = self.text.as_bytes();
        let at = skip_blank(b, self.pos);
        if b.get(at) != Some(&b'<') || !b.get(at + 1)?.is_ascii_alphabetic() {
            return None;
        }
        let (i, prefixed) = name_end(b, at + 1);
        let text_at = i + 1;
        if prefixed
            || b.get(i) != Some(&b'>')
            || b.get(text_at).is_none_or(|c| c.is_ascii_whitespace())
        {
            return None;
        }
        let len = b[text_at..].iter().position(|&c| SPECIAL[usize::from(c)])?;
        let end = text_at + len;
        let name = &b[at + 1..i];
        let close = b.get(end..end + 3 + name.len())?;
        if len == 0
            || close[..2] != *b"</"
            || close[2 + name.len()] != b'>'
            || !same_bytes(&close[2..2 + name.len()], name)
            || name == b"explain"
        {
            return None;
        }
        self.pos = end + 3 + name.len();
        Some(Leaf {
            name: &self.text[at + 1..i],
            at,
            text: &self.text[text_at..end],
            text_at,
        })
    }

    /// The fast path of the reader for a value: the plain text at the lexer's position and
    /// the end tag right after it, which closes the element open last; `None`, with nothing
    /// read, for anything else (no text, references, markup, another tag: read that with
    /// [`Lexer::next`]).
    pub fn plain_value(&mut self) -> Option<(&'a str, usize)> {
        let at = self.pos;
        let b = self.text.as_bytes();
        let name = *self.open.last()?;
        let len = b.get(at..)?.iter().position(|&c| SPECIAL[usize::from(c)])?;
        let end = at + len;
        let close = b.get(end + 2..end + 3 + name.len())?;
        if self.stash.is_some()
            || len == 0
            || b[end] != b'<'
            || b[end + 1] != b'/'
            || close[name.len()] != b'>'
            || !same_bytes(&close[..name.len()], name.as_bytes())
        {
            return None;
        }
        self.open.pop();
        self.pos = end + 3 + name.len();
        Some((&self.text[at..end], at))
    }

    /// The next token: text (not empty: a stretch of nothing but comments is skipped), a tag,
    /// or the end of the input.
    pub fn next_tok(&mut self) -> Result<Tok<'a>, Error> {
        let b = self.text.as_bytes();
        loop {
            let at = self.pos;
            match (b.get(at), b.get(at + 1)) {
                (None, _) => return Ok(Tok::Eof { at }),
                (Some(b'<'), Some(b'/')) => return self.end_tag(at),
                (Some(b'<'), next) if !matches!(next, Some(b'!' | b'?')) => {
                    return self.start_tag(at);
                }
                _ => {
                    if let Some(tok) = self.text_run(at)? {
                        return Ok(tok);
                    }
                }
            }
        }
    }

    /// The start tag at `at` (`<name attributes…>` or `…/>`).
    fn start_tag(&mut self, at: usize) -> Result<Tok<'a>, Error> {
        let b = self.text.as_bytes();
        let (i, prefixed) = name_end(b, at + 1);
        let full = &self.text[at + 1..i];
        if full.is_empty() {
            return Err(malformed(at, "expected an element name after '<'"));
        }
        let end = match b.get(i) {
            Some(b'>') => i + 1,
            _ => self.tag_end(at, i)?,
        };
        self.pos = end;
        // The local name: a namespace prefix (`pg:Plan`) taken off.
        let name = match prefixed.then(|| full.rfind(':')).flatten() {
            Some(colon) => &full[colon + 1..],
            None => full,
        };
        if b[end - 2] == b'/' {
            return Ok(Tok::Empty { name, at });
        }
        if name == "explain" {
            self.check_namespace(at)?;
        }
        self.open.push(full);
        Ok(Tok::Open { name, at })
    }

    /// The end (after `>`) of the start tag at `at` whose attributes begin at `i` (quoted
    /// values may hold `>`).
    fn tag_end(&self, at: usize, i: usize) -> Result<usize, Error> {
        let b = self.text.as_bytes();
        let mut quote = None;
        for (j, &c) in b.iter().enumerate().skip(i) {
            match (quote, c) {
                (Some(q), _) if c == q => quote = None,
                (Some(_), _) => {}
                (None, b'"' | b'\'') => quote = Some(c),
                (None, b'>') => return Ok(j + 1),
                _ => {}
            }
        }
        Err(malformed(
            at,
            format_args!(
                "the tag <{}… is not closed: expected '>'",
                clip(&self.text[at + 1..i])
            ),
        ))
    }

    /// The end tag at `at`: it must close the element open last.
    fn end_tag(&mut self, at: usize) -> Result<Tok<'a>, Error> {
        let b = self.text.as_bytes();
        if let Some(&name) = self.open.last() {
            // The usual case: `</name>` exactly.
            let end = at + 2 + name.len();
            if b.get(end) == Some(&b'>') && same_bytes(&b[at + 2..end], name.as_bytes()) {
                self.open.pop();
                self.pos = end + 1;
                return Ok(Tok::Close { at });
            }
        }
        let Some(gt) = memchr::memchr(b'>', &b[at..]).map(|i| at + i) else {
            return Err(malformed(at, "the end tag is not closed: expected '>'"));
        };
        let found = self.text[at + 2..gt].trim_end_matches([' ', '\t', '\n', '\r']);
        match self.open.pop() {
            Some(name) if name == found => {
                self.pos = gt + 1;
                Ok(Tok::Close { at })
            }
            Some(name) => Err(malformed(
                at,
                format_args!("expected </{name}>, found </{}>", clip(found)),
            )),
            None => Err(malformed(
                at,
                format_args!("</{}> closes no element", clip(found)),
            )),
        }
    }

    /// The text from `at` to the next element or end tag; `None` if it is only comments or
    /// processing instructions (no character data at all).
    fn text_run(&mut self, at: usize) -> Result<Option<Tok<'a>>, Error> {
        let b = self.text.as_bytes();
        let mut i = skip_blank(b, at);
        let mut kind = TextKind::Blank;
        let mut content = i > at;
        loop {
            let run = i;
            i += b[i..]
                .iter()
                .position(|&c| SPECIAL[usize::from(c)])
                .unwrap_or(b.len() - i);
            if i > run {
                content = true;
                if kind == TextKind::Blank {
                    kind = TextKind::Plain;
                }
            }
            match b.get(i) {
                None => break,
                Some(b'<') => match b.get(i + 1) {
                    Some(b'!' | b'?') => {
                        let (end, cdata) = self.markup(i)?;
                        content |= cdata;
                        kind = TextKind::Marked;
                        i = end;
                    }
                    _ => break,
                },
                Some(b'&') => {
                    i = self.reference(i)?;
                    content = true;
                    kind = TextKind::Marked;
                }
                _ => {
                    // `\r`
                    i += 1;
                    content = true;
                    kind = TextKind::Marked;
                }
            }
        }
        self.pos = i;
        Ok(content.then(|| Tok::Text {
            raw: &self.text[at..i],
            kind,
            at,
        }))
    }

    /// The end of the comment, CDATA section, processing instruction or DOCTYPE at `i`, and
    /// whether it is CDATA (character data).
    fn markup(&self, i: usize) -> Result<(usize, bool), Error> {
        let rest = &self.text[i..];
        for &(open, close, what) in MARKUP {
            if rest.starts_with(open) {
                let body = i + open.len();
                return match memchr::memmem::find(&self.text.as_bytes()[body..], close.as_bytes()) {
                    Some(n) => Ok((body + n + close.len(), open == "<![CDATA[")),
                    None => Err(malformed(
                        i,
                        format_args!("the {what} is not closed: expected '{close}'"),
                    )),
                };
            }
        }
        if rest.len() >= 9 && rest.as_bytes()[2..9].eq_ignore_ascii_case(b"DOCTYPE") {
            return doctype_end(self.text.as_bytes(), i)
                .map(|end| (end, false))
                .ok_or_else(|| malformed(i, "the DOCTYPE is not closed: expected '>'"));
        }
        Err(malformed(
            i,
            "expected a comment (<!--), CDATA (<![CDATA[) or a DOCTYPE after '<!'",
        ))
    }

    /// Fails unless the root start tag at `at` (just read) has PostgreSQL's namespace, or none.
    fn check_namespace(&self, at: usize) -> Result<(), Error> {
        match self.xmlns(at) {
            Some(ns) if ns != super::NAMESPACE => Err(Error::raw(
                ErrorKind::Invalid,
                format!(
                    "not an EXPLAIN document: expected the namespace {}, found {:?}",
                    super::NAMESPACE,
                    clip(ns)
                ),
                at,
            )),
            _ => Ok(()),
        }
    }

    /// The value of the `xmlns` attribute of the start tag that ends at the lexer's position
    /// and starts at `at`; `None` if it has none (or its attributes do not read).
    fn xmlns(&self, at: usize) -> Option<&'a str> {
        let tag = self.text.get(at + 1..self.pos.checked_sub(1)?)?;
        let mut rest = tag.trim_end_matches('/');
        rest = rest.trim_start_matches(|c: char| !c.is_ascii_whitespace());
        loop {
            rest = rest.trim_start();
            let (name, after) = rest.split_once('=')?;
            let after = after.trim_start();
            let quote = after.chars().next().filter(|c| matches!(c, '"' | '\''))?;
            let (value, tail) = after[1..].split_once(quote)?;
            if name.trim_end() == "xmlns" {
                return Some(value);
            }
            rest = tail;
        }
    }

    /// The end of the reference `&…;` at `i`, which must be one XML knows.
    fn reference(&self, i: usize) -> Result<usize, Error> {
        let b = self.text.as_bytes();
        let end = b[i + 1..]
            .iter()
            .position(|&c| matches!(c, b';' | b'<' | b'&') || c.is_ascii_whitespace())
            .map(|n| i + 1 + n);
        match end {
            Some(semi) if b[semi] == b';' => {
                if resolve(&self.text[i + 1..semi]).is_none() {
                    return Err(Error::raw(
                        ErrorKind::Syntax,
                        format!(
                            "unknown reference {:?}: expected &lt; &gt; &amp; &quot; &apos; or a character reference",
                            clip(&self.text[i..=semi])
                        ),
                        i,
                    ));
                }
                Ok(semi + 1)
            }
            _ => Err(malformed(
                i,
                "a reference is not finished: expected ';' after '&' (write a bare '&' as &amp;)",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every token of `text` (hand-made inputs for one lexer rule each, not plans).
    fn tokens(text: &str) -> Result<Vec<String>, Error> {
        let mut lexer = Lexer::new(text, 0);
        let mut out = Vec::new();
        loop {
            let t = lexer.next_tok()?;
            out.push(match t {
                Tok::Open { name, .. } => format!("<{name}>"),
                Tok::Empty { name, .. } => format!("<{name}/>"),
                Tok::Close { .. } => "</>".to_string(),
                Tok::Text { kind, .. } => format!("{kind:?}:{}", t.text()),
                Tok::Eof { .. } => return Ok(out),
            });
        }
    }

    #[test]
    fn references_resolve_and_unknown_ones_fail() {
        let t = tokens("<a>x &lt;&#65;&#x42;&amp;&quot;&apos;&gt;</a>").unwrap();
        assert_eq!(t, ["<a>", "Marked:x <AB&\"'>", "</>"]);
        for bad in ["&foo;", "&#0;", "&#xD800;", "&#-1;", "&#;", "&lt", "& x"] {
            let e = tokens(&format!("<a>{bad}</a>")).unwrap_err();
            assert_eq!(e.offset, 3, "{bad}: {e}");
        }
    }

    #[test]
    fn markup_inside_text_is_skipped_or_read() {
        let t = tokens("<a>1<!-- x -->2<![CDATA[<&>]]><?pi?>\r\n</a><!-- only --><b/>").unwrap();
        assert_eq!(t, ["<a>", "Marked:12<&>\n", "</>", "<b/>"]);
        assert!(tokens("<a><!-- open").is_err());
        assert!(tokens("<a><!x></a>").is_err());
    }

    #[test]
    fn end_tags_must_match() {
        assert!(tokens("<a><b></a>").is_err());
        assert!(tokens("<a></a >").is_ok());
        assert!(tokens("</a>").is_err());
        let e = tokens("<a>\n  <b attr='>'").unwrap_err();
        assert_eq!(e.offset, 6);
    }

    #[test]
    fn attributes_and_empty_tags() {
        let t = tokens("<a x=\"/>\" y='>'>  <b />\n</a>").unwrap();
        assert_eq!(t, ["<a>", "Blank:  ", "<b/>", "Blank:\n", "</>"]);
    }
}
