//! XML input: quick-xml's tokenizer under a [`Source`].
//!
//! PostgreSQL's XML (spec §2.4) names each element after the JSON key (characters outside
//! `[A-Za-z0-9._-]` become `-`; the model's key lookup knows both spellings), writes lists as
//! `<Item>`s and anonymous group members as `<Plan>`, `<Worker>`, `<Trigger>`… XML does not
//! tell an object from an array, so an element with child elements is a
//! [`Peek::Container`] and the reader decides. The root `<explain>` holds `<Query>` elements
//! (EXPLAIN), or a query's keys directly (auto_explain).
//!
//! quick-xml reads borrowed events without recursion; this module merges text, character and
//! entity references into one value and keeps at most two tokens of look-ahead.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::sync::OnceLock;

use quick_xml::events::Event;
use rustc_hash::FxHashMap;
use serde_json::Value;

use crate::error::{Error, ErrorKind};
use crate::model::source::{Item, Peek, Scalar, Source};
use crate::model::value::clip;
use crate::model::{
    GroupingSet, IncrementalSortGroups, Jit, JitOptions, JitTiming, MAX_EXTRA_DEPTH, Node, Plan,
    Planning, Properties, Serialization, SortSpace, TargetTable, Trigger, Worker, insert_extra,
    xml_name,
};

/// The namespace of PostgreSQL's EXPLAIN XML (every version).
pub(crate) const NAMESPACE: &str = "http://www.postgresql.org/2009/explain";

/// Statements without a plan tree print an empty element named after them (`<Notify />`);
/// JSON prints the name as a string.
const PLACEHOLDERS: &[(&str, &str)] = &[
    ("Utility-Statement", "Utility Statement"),
    ("CREATE-TABLE-AS", "CREATE TABLE AS"),
    ("CREATE-MATERIALIZED-VIEW", "CREATE MATERIALIZED VIEW"),
];

/// One token of the document.
#[derive(Debug, Clone)]
enum Tok<'a> {
    /// `<name …>`.
    Open { name: &'a str, at: usize },
    /// `<name … />`.
    Empty { name: &'a str, at: usize },
    /// `</name>`.
    Close { at: usize },
    /// Character data (references resolved, CDATA included).
    Text { text: Cow<'a, str>, at: usize },
    /// The end of the input.
    Eof { at: usize },
}

impl Tok<'_> {
    fn at(&self) -> usize {
        match self {
            Tok::Open { at, .. }
            | Tok::Empty { at, .. }
            | Tok::Close { at }
            | Tok::Text { at, .. }
            | Tok::Eof { at } => *at,
        }
    }

    /// Whitespace between elements.
    fn is_blank(&self) -> bool {
        matches!(self, Tok::Text { text, .. } if is_blank(text))
    }
}

fn is_blank(s: &str) -> bool {
    s.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}

/// What the next value is.
#[derive(Debug, Clone, Copy)]
enum Pending<'a> {
    /// Nothing: the value was read.
    None,
    /// The element `name` (opened at `at`) holds the value.
    Content { name: &'a str, at: usize },
    /// The empty element `name` is the value.
    Empty { name: &'a str, at: usize },
    /// The document (the root element is not read yet).
    Document,
}

/// An element being read as an object or an array.
#[derive(Debug, Clone, Copy, Default)]
struct Open<'a> {
    name: &'a str,
    /// `<name/>`: nothing inside.
    empty: bool,
    /// `<Incremental-Sort-Groups>` children seen (the first is the full-sort groups).
    sort_groups: u8,
    /// `<Sort-Space>` children seen (memory comes before disk).
    sort_spaces: u8,
    /// Inside `<Incremental-Sort-Groups>`: an in-memory / an external sort method was listed.
    memory_method: bool,
    disk_method: bool,
}

/// The JSON key of an element name: the key the model knows with that XML spelling, else the
/// name with `-` read as a space (`Foreign-File-Size` → `Foreign File Size`), which is how
/// almost every key is spelled; unknown keys so land in `extra` as JSON spells them.
fn json_key(name: &str) -> Cow<'_, str> {
    if !name.contains('-') {
        return Cow::Borrowed(name);
    }
    static KEYS: OnceLock<FxHashMap<String, &'static str>> = OnceLock::new();
    let keys = KEYS.get_or_init(|| {
        let mut all = Vec::new();
        all.extend(Plan::key_names());
        all.extend(Node::key_names());
        all.extend(Worker::key_names());
        all.extend(Trigger::key_names());
        all.extend(Planning::key_names());
        all.extend(Serialization::key_names());
        all.extend(Jit::key_names());
        all.extend(JitOptions::key_names());
        all.extend(JitTiming::key_names());
        all.extend(TargetTable::key_names());
        all.extend(GroupingSet::key_names());
        all.extend(IncrementalSortGroups::key_names());
        all.extend(SortSpace::key_names());
        all.into_iter()
            .map(|(key, _)| (xml_name(key), key))
            .collect()
    });
    match keys.get(name) {
        Some(key) => Cow::Borrowed(key),
        None => Cow::Owned(name.replace('-', " ")),
    }
}

/// A cursor over an XML document.
pub(crate) struct XmlSource<'a> {
    text: &'a str,
    /// Offset of the reader's input in `text`.
    base: usize,
    reader: quick_xml::Reader<&'a [u8]>,
    ahead: VecDeque<Tok<'a>>,
    stack: Vec<Open<'a>>,
    pending: Pending<'a>,
    /// Start of the token read last (errors about a value point there).
    last: usize,
    /// The input has a carriage return somewhere (text then needs its line ends normalized).
    has_cr: bool,
}

impl<'a> XmlSource<'a> {
    /// A cursor at `start` (where `<explain` begins) in `text`; `has_cr`: `text` holds a
    /// carriage return (told once per input, not once per document).
    pub fn new(text: &'a str, start: usize, has_cr: bool) -> Self {
        let mut reader = quick_xml::Reader::from_str(&text[start..]);
        let config = reader.config_mut();
        config.trim_text(false);
        config.check_end_names = true;
        config.expand_empty_elements = false;
        XmlSource {
            text,
            base: start,
            reader,
            ahead: VecDeque::with_capacity(4),
            stack: Vec::new(),
            pending: Pending::Document,
            last: start,
            has_cr,
        }
    }

    /// Where reading stopped.
    pub fn position(&self) -> usize {
        self.base + self.reader.buffer_position() as usize
    }

    fn err(&self, kind: ErrorKind, at: usize, message: impl Into<String>) -> Error {
        Error::raw(kind, message, at)
    }

    /// Reads events until at least one more token is ahead (text runs are merged).
    fn read_more(&mut self) -> Result<(), Error> {
        let mut text: Option<(Cow<'a, str>, usize)> = None;
        loop {
            let at = self.position();
            let event = self.reader.read_event().map_err(|e| {
                let pos = self.base + self.reader.error_position() as usize;
                self.err(ErrorKind::Syntax, pos, format!("malformed XML: {e}"))
            })?;
            let piece: Cow<'a, str> = match event {
                Event::Text(_) => {
                    // The event's bytes are this stretch of the (UTF-8) input: no decoding;
                    // references come as their own events; line ends are normalized (XML 1.0).
                    let raw: &'a str = &self.text[at..self.position()];
                    if self.has_cr && raw.contains('\r') {
                        Cow::Owned(raw.replace("\r\n", "\n").replace('\r', "\n"))
                    } else {
                        Cow::Borrowed(raw)
                    }
                }
                Event::CData(t) => t.decode().map_err(|e| {
                    self.err(ErrorKind::Syntax, at, format!("malformed CDATA: {e}"))
                })?,
                Event::GeneralRef(r) => {
                    let resolved = match r.resolve_char_ref() {
                        Ok(Some(c)) => Some(Cow::Owned(c.to_string())),
                        Ok(None) => {
                            let name = r.decode().unwrap_or_default();
                            quick_xml::escape::resolve_predefined_entity(&name).map(Cow::Borrowed)
                        }
                        Err(_) => None,
                    };
                    resolved.ok_or_else(|| {
                        let end = self.position().min(self.text.len());
                        self.err(
                            ErrorKind::Syntax,
                            at,
                            format!(
                                "unknown reference {:?}: expected &lt; &gt; &amp; &quot; &apos; or a character reference",
                                clip(&self.text[at..end])
                            ),
                        )
                    })?
                }
                Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => continue,
                other => {
                    if let Some((t, tat)) = text.take() {
                        // Blank text before a tag that opens an element is indentation, never a
                        // value: not worth a token.
                        let indentation =
                            matches!(other, Event::Start(_) | Event::Empty(_)) && is_blank(&t);
                        if !indentation {
                            self.ahead.push_back(Tok::Text { text: t, at: tat });
                        }
                    }
                    let tok = match other {
                        Event::Start(e) => {
                            let name = self.name_at(at, e.name().as_ref().len());
                            if name == "explain" {
                                self.check_namespace(&e, at)?;
                            }
                            Tok::Open { name, at }
                        }
                        Event::Empty(e) => Tok::Empty {
                            name: self.name_at(at, e.name().as_ref().len()),
                            at,
                        },
                        Event::End(_) => Tok::Close { at },
                        _ => Tok::Eof { at },
                    };
                    self.ahead.push_back(tok);
                    return Ok(());
                }
            };
            match &mut text {
                None => text = Some((piece, at)),
                Some((t, _)) => t.to_mut().push_str(&piece),
            }
        }
    }

    /// The local name (namespace prefix removed) of the tag that starts at `at`.
    fn name_at(&self, at: usize, len: usize) -> &'a str {
        let text: &'a str = self.text;
        let name = text.get(at + 1..at + 1 + len).unwrap_or("");
        match name.bytes().rposition(|b| b == b':') {
            Some(i) => &name[i + 1..],
            None => name,
        }
    }

    fn check_namespace(
        &self,
        e: &quick_xml::events::BytesStart<'_>,
        at: usize,
    ) -> Result<(), Error> {
        match e.try_get_attribute("xmlns") {
            Ok(Some(a)) if a.value.as_ref() != NAMESPACE.as_bytes() => Err(self.err(
                ErrorKind::Invalid,
                at,
                format!(
                    "not an EXPLAIN document: expected the namespace {NAMESPACE}, found {:?}",
                    clip(&String::from_utf8_lossy(&a.value))
                ),
            )),
            _ => Ok(()),
        }
    }

    /// The `i`-th token ahead.
    fn ahead(&mut self, i: usize) -> Result<&Tok<'a>, Error> {
        while self.ahead.len() <= i {
            self.read_more()?;
        }
        Ok(&self.ahead[i])
    }

    /// The next token, whitespace between elements skipped.
    fn next_tok(&mut self) -> Result<Tok<'a>, Error> {
        loop {
            self.ahead(0)?;
            let t = self.ahead.pop_front().expect("a token is ahead");
            if !t.is_blank() {
                return Ok(t);
            }
        }
    }

    /// Whether the next non-blank token opens an element (the current value is a container).
    fn element_ahead(&mut self) -> Result<bool, Error> {
        let i = usize::from(self.ahead(0)?.is_blank());
        Ok(matches!(
            self.ahead(i)?,
            Tok::Open { .. } | Tok::Empty { .. }
        ))
    }

    fn unclosed(&self, at: usize) -> Error {
        let open: Vec<&str> = self.stack.iter().rev().take(3).map(|o| o.name).collect();
        self.err(
            ErrorKind::Syntax,
            at,
            format!(
                "unexpected end of the input: expected the closing tag of <{}>{}",
                open.first().copied().unwrap_or("explain"),
                if self.stack.len() > 1 {
                    format!(
                        " (the document is cut off: {} elements still open)",
                        self.stack.len()
                    )
                } else {
                    String::new()
                }
            ),
        )
    }

    /// Reads the root element's start tag; `Pending::Content` for it afterwards.
    fn open_root(&mut self) -> Result<(), Error> {
        match self.next_tok()? {
            Tok::Open {
                name: "explain",
                at,
            } => {
                self.pending = Pending::Content {
                    name: "explain",
                    at,
                }
            }
            Tok::Empty {
                name: "explain",
                at,
            } => {
                self.pending = Pending::Empty {
                    name: "explain",
                    at,
                }
            }
            t => {
                return Err(self.err(
                    ErrorKind::Syntax,
                    t.at(),
                    "expected the root element <explain xmlns=\"http://www.postgresql.org/2009/explain\">",
                ));
            }
        }
        Ok(())
    }

    /// The next member of the element on top of the stack: `None` when it closes.
    fn next_member(&mut self) -> Result<Option<(&'a str, usize)>, Error> {
        let Some(top) = self.stack.last().copied() else {
            return Err(self.err(ErrorKind::Syntax, self.last, "expected an element"));
        };
        if top.empty {
            self.stack.pop();
            return Ok(None);
        }
        match self.next_tok()? {
            Tok::Close { .. } => {
                self.stack.pop();
                Ok(None)
            }
            Tok::Open { name, at } => {
                self.last = at;
                self.pending = Pending::Content { name, at };
                Ok(Some((name, at)))
            }
            Tok::Empty { name, at } => {
                self.last = at;
                self.pending = Pending::Empty { name, at };
                Ok(Some((name, at)))
            }
            Tok::Text { text, at } => Err(self.err(
                ErrorKind::Syntax,
                at,
                format!(
                    "unexpected text {:?} in <{}>: expected an element",
                    clip(text.trim()),
                    top.name
                ),
            )),
            Tok::Eof { at } => Err(self.unclosed(at)),
        }
    }

    /// Enters the pending element as an object or an array.
    fn enter(&mut self, what: &str) -> Result<(), Error> {
        if matches!(self.pending, Pending::Document) {
            self.open_root()?;
        }
        match std::mem::replace(&mut self.pending, Pending::None) {
            Pending::Content { name, at } => {
                self.last = at;
                if self.stack.is_empty() || self.element_ahead()? {
                    self.stack.push(Open {
                        name,
                        ..Open::default()
                    });
                    return Ok(());
                }
                // Nothing but text inside: an empty group (`<Triggers>⏎</Triggers>`) or a value.
                match self.next_tok()? {
                    Tok::Close { .. } => {
                        self.stack.push(Open {
                            name,
                            empty: true,
                            ..Open::default()
                        });
                        Ok(())
                    }
                    Tok::Eof { at } => Err(self.unclosed(at)),
                    other => Err(self.err(
                        ErrorKind::Invalid,
                        other.at(),
                        format!("expected {what} in <{name}>, found a single value"),
                    )),
                }
            }
            Pending::Empty { name, at } => {
                self.last = at;
                self.stack.push(Open {
                    name,
                    empty: true,
                    ..Open::default()
                });
                Ok(())
            }
            _ => Err(self.err(ErrorKind::Syntax, self.last, format!("expected {what}"))),
        }
    }
}

/// Classifies element text the way JSON would have typed it: numbers and booleans bare.
fn classify(text: Cow<'_, str>) -> Scalar<'_> {
    match text {
        Cow::Borrowed("true") => Scalar::Bool(true),
        Cow::Borrowed("false") => Scalar::Bool(false),
        Cow::Borrowed(s) if is_number(s) => Scalar::Num(s),
        other => Scalar::Str(other),
    }
}

/// Whether element text is a JSON number.
fn is_number(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
        && s.parse::<serde_json::Number>().is_ok()
}

impl<'a> Source<'a> for XmlSource<'a> {
    fn begin_object(&mut self) -> Result<(), Error> {
        self.enter("elements")
    }

    fn next_key(&mut self) -> Result<Option<Cow<'a, str>>, Error> {
        let Some((name, _)) = self.next_member()? else {
            return Ok(None);
        };
        let top = self.stack.last_mut().expect("a member has a parent");
        // XML names these two groups by type, not by label (spec §2.4): which one it is
        // follows from the order (full-sort before pre-sorted, memory before disk) and from
        // the sort methods listed before the space.
        let key = match name {
            "Incremental-Sort-Groups" => {
                top.sort_groups += 1;
                if top.sort_groups == 1 {
                    "Full-sort Groups"
                } else {
                    "Pre-sorted Groups"
                }
            }
            "Sort-Space" if top.name == "Incremental-Sort-Groups" => {
                top.sort_spaces += 1;
                if top.sort_spaces == 1 && (top.memory_method || !top.disk_method) {
                    "Sort Space Memory"
                } else {
                    "Sort Space Disk"
                }
            }
            _ => return Ok(Some(json_key(name))),
        };
        Ok(Some(Cow::Borrowed(key)))
    }

    fn begin_array(&mut self) -> Result<(), Error> {
        self.enter("a list of elements")
    }

    fn next_item(&mut self) -> Result<Item<'a>, Error> {
        let parent = self.stack.last().map(|o| o.name);
        Ok(match self.next_member()? {
            None => Item::End,
            // 11.0–11.6 wrote `Subplans Removed` inside `Plans`.
            Some((name, _)) if parent == Some("Plans") && name != "Plan" => {
                Item::StrayKey(Cow::Borrowed(name))
            }
            Some(_) => Item::Value,
        })
    }

    fn scalar(&mut self) -> Result<Scalar<'a>, Error> {
        match std::mem::replace(&mut self.pending, Pending::None) {
            Pending::Empty { name, at } => {
                self.last = at;
                if self.stack.len() == 1 {
                    // A placeholder among the queries (`<Notify />`).
                    let json = PLACEHOLDERS
                        .iter()
                        .find(|(x, _)| *x == name)
                        .map_or(name, |(_, j)| j);
                    return Ok(Scalar::Str(Cow::Borrowed(json)));
                }
                Ok(Scalar::Str(Cow::Borrowed("")))
            }
            Pending::Content { name, at } => {
                self.last = at;
                let first = self.ahead(0)?.clone();
                let value = match first {
                    Tok::Close { .. } => {
                        self.ahead.pop_front();
                        return Ok(Scalar::Str(Cow::Borrowed("")));
                    }
                    Tok::Text { text, at } => {
                        self.ahead.pop_front();
                        self.last = at;
                        text
                    }
                    Tok::Open { name: child, at } | Tok::Empty { name: child, at } => {
                        return Err(self.err(
                            ErrorKind::Invalid,
                            at,
                            format!(
                                "expected a single value in <{name}>, found the element <{child}>"
                            ),
                        ));
                    }
                    Tok::Eof { at } => return Err(self.unclosed(at)),
                };
                match self.ahead(0)?.clone() {
                    Tok::Close { .. } => {
                        self.ahead.pop_front();
                    }
                    Tok::Eof { at } => return Err(self.unclosed(at)),
                    Tok::Open { name: child, at } | Tok::Empty { name: child, at } => {
                        return Err(self.err(
                            ErrorKind::Syntax,
                            at,
                            format!(
                                "expected </{name}> after the value, found the element <{child}>"
                            ),
                        ));
                    }
                    other => {
                        return Err(self.err(
                            ErrorKind::Syntax,
                            other.at(),
                            format!("expected </{name}> after the value"),
                        ));
                    }
                }
                // A container printed with nothing in it (`<Output>⏎      </Output>`).
                if is_blank(&value) && value.contains('\n') {
                    return Ok(Scalar::Str(Cow::Borrowed("")));
                }
                if let [.., group, list] = self.stack.as_mut_slice() {
                    if list.name == "Sort-Methods-Used" && group.name == "Incremental-Sort-Groups" {
                        if value.starts_with("external") {
                            group.disk_method = true;
                        } else {
                            group.memory_method = true;
                        }
                    }
                }
                Ok(classify(value))
            }
            Pending::Document | Pending::None => {
                Err(self.err(ErrorKind::Syntax, self.last, "expected a value"))
            }
        }
    }

    fn peek(&mut self) -> Result<Peek, Error> {
        if matches!(self.pending, Pending::Document) {
            self.open_root()?;
        }
        match self.pending {
            Pending::Content { .. } if self.stack.is_empty() => {
                // The root: `<Query>` elements (EXPLAIN) or a query's keys (auto_explain).
                let i = usize::from(self.ahead(0)?.is_blank());
                Ok(match self.ahead(i)? {
                    Tok::Open { name, .. } if *name != "Query" => Peek::Object,
                    _ => Peek::Array,
                })
            }
            Pending::Empty { .. } if self.stack.is_empty() => Ok(Peek::Array),
            Pending::Content { .. } => Ok(if self.element_ahead()? {
                Peek::Container
            } else {
                Peek::Scalar
            }),
            Pending::Empty { .. } => Ok(Peek::Scalar),
            Pending::Document | Pending::None => {
                Err(self.err(ErrorKind::Syntax, self.last, "expected a value"))
            }
        }
    }

    /// Elements whose children all share one name (or are `<Item>`s) become arrays, others
    /// objects; text becomes a number, a boolean or a string as JSON would have typed it.
    fn any(&mut self, depth_left: usize) -> Result<Value, Error> {
        if depth_left == 0 {
            return Err(self.err(
                ErrorKind::TooDeep,
                self.last,
                format!("a property nests deeper than {MAX_EXTRA_DEPTH} levels"),
            ));
        }
        if self.peek()? == Peek::Scalar {
            return super::build::scalar_value(self);
        }
        self.begin_object()?;
        let mut members: Vec<(Cow<'a, str>, Value)> = Vec::new();
        while let Some((name, _)) = self.next_member()? {
            let v = self.any(depth_left - 1)?;
            members.push((json_key(name), v));
        }
        let same = members.first().is_some_and(|(first, _)| {
            members.iter().all(|(n, _)| n == first) && (members.len() > 1 || *first == "Item")
        });
        if same {
            return Ok(Value::Array(members.into_iter().map(|(_, v)| v).collect()));
        }
        let mut map = crate::model::value::Extra::new();
        for (name, v) in members {
            insert_extra(&mut map, &name, v);
        }
        Ok(Value::Object(map.into_iter().collect()))
    }

    fn error(&self, kind: ErrorKind, message: String) -> Error {
        self.err(kind, self.last, message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_json_types_them() {
        // Hand-made inputs for one rule (typing element text), not plans.
        assert!(is_number("0.00"));
        assert!(is_number("-7412339036808797720"));
        assert!(!is_number("1.2.3"));
        assert!(!is_number("+"));
        assert!(!is_number("Seq Scan"));
    }
}
