//! XML input: the XML PostgreSQL prints, read by [`lexer`], under a [`Source`].
//!
//! PostgreSQL's XML (spec §2.4) names each element after the JSON key (characters outside
//! `[A-Za-z0-9._-]` become `-`; the model's key lookup knows both spellings), writes lists as
//! `<Item>`s and anonymous group members as `<Plan>`, `<Worker>`, `<Trigger>`… XML does not
//! tell an object from an array, so an element with child elements is a
//! [`Peek::Container`] and the reader decides. The root `<explain>` holds `<Query>` elements
//! (EXPLAIN), or a query's keys directly (auto_explain).
//!
//! The tokens come from [`lexer`], a reader for the XML PostgreSQL prints (and what people
//! paste around it), without recursion; this module keeps at most two tokens of look-ahead.

mod lexer;

use std::borrow::Cow;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;
use serde_json::Value;

use crate::error::{Error, ErrorKind};
use crate::model::source::{Field, Item, Peek, Scalar, Source};
use crate::model::value::clip;
use lexer::{Lexer, Tok, is_blank};

use crate::model::{
    GroupingSet, IncrementalSortGroups, Jit, JitOptions, JitTiming, KeyIndex, MAX_EXTRA_DEPTH,
    Node, Plan, Planning, Properties, Serialization, SortSpace, TargetTable, Trigger, Worker,
    insert_extra, xml_name,
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
    /// The element `name` (opened at `at`) held nothing but the plain `text` (at `text_at`),
    /// read with its end tag by the lexer's fast path ([`Lexer::leaf`]).
    Leaf {
        name: &'a str,
        text: &'a str,
        text_at: usize,
    },
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
    /// A `<Sort-Methods-Used>` inside `<Incremental-Sort-Groups>`: its items are noted.
    sort_methods: bool,
}

/// The XML names the model knows (its keys' spellings with `-`) with their JSON keys: one per
/// name, the last one listed (as a map built from the list would keep).
fn xml_names() -> Vec<(&'static str, &'static str)> {
    type KeyNames = fn() -> Vec<(&'static str, &'static str)>;
    let types: [KeyNames; 13] = [
        Plan::key_names,
        Node::key_names,
        Worker::key_names,
        Trigger::key_names,
        Planning::key_names,
        Serialization::key_names,
        Jit::key_names,
        JitOptions::key_names,
        JitTiming::key_names,
        TargetTable::key_names,
        GroupingSet::key_names,
        IncrementalSortGroups::key_names,
        SortSpace::key_names,
    ];
    let mut unique: FxHashMap<String, &'static str> = FxHashMap::default();
    for (key, _) in types.iter().flat_map(|names| names()) {
        unique.insert(xml_name(key), key);
    }
    unique
        .into_iter()
        .map(|(name, key)| (&*Box::leak(name.into_boxed_str()), key))
        .collect()
}

/// The JSON key of each XML name the model knows, in the model's key table (asked for the
/// names a type's own lookup does not answer: keys of other types, `Plan`, `Plans`, the keys
/// compared as strings, and every key kept in `extra`).
fn xml_keys() -> &'static KeyIndex<&'static str> {
    static KEYS: OnceLock<KeyIndex<&'static str>> = OnceLock::new();
    KEYS.get_or_init(|| KeyIndex::new(&xml_names()))
}

/// The JSON key of an element name: the key the model knows with that XML spelling, else the
/// name with `-` read as a space (`Foreign-File-Size` → `Foreign File Size`), which is how
/// almost every key is spelled; unknown keys so land in `extra` as JSON spells them.
fn json_key(name: &str) -> Cow<'_, str> {
    match xml_keys().get(name) {
        Some(key) => Cow::Borrowed(key),
        None if name.contains('-') => Cow::Owned(name.replace('-', " ")),
        None => Cow::Borrowed(name),
    }
}

/// A cursor over an XML document.
pub(crate) struct XmlSource<'a> {
    lexer: Lexer<'a>,
    /// Tokens read ahead: `n_ahead` of them.
    ahead: [Tok<'a>; 2],
    n_ahead: usize,
    stack: Vec<Open<'a>>,
    pending: Pending<'a>,
    /// Start of the token read last (errors about a value point there).
    last: usize,
    /// Whether the lexer's fast paths are taken (off in a test, to compare with the general
    /// path).
    fast: bool,
}

#[cfg(test)]
thread_local! {
    /// Tests: read with the general path only.
    static GENERAL_ONLY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

impl<'a> XmlSource<'a> {
    /// A cursor at `start` (where `<explain` begins) in `text`.
    pub fn new(text: &'a str, start: usize) -> Self {
        XmlSource {
            lexer: Lexer::new(text, start),
            ahead: [Tok::Eof { at: start }; 2],
            n_ahead: 0,
            stack: Vec::new(),
            pending: Pending::Document,
            last: start,
            #[cfg(not(test))]
            fast: true,
            #[cfg(test)]
            fast: !GENERAL_ONLY.get(),
        }
    }

    /// Where reading stopped.
    pub fn position(&self) -> usize {
        self.lexer.position()
    }

    fn err(&self, kind: ErrorKind, at: usize, message: impl Into<String>) -> Error {
        Error::raw(kind, message, at)
    }

    /// The `i`-th token ahead (`i` ≤ 1: two tokens of look-ahead are all the reader needs).
    fn ahead(&mut self, i: usize) -> Result<Tok<'a>, Error> {
        while self.n_ahead <= i {
            self.ahead[self.n_ahead] = self.lexer.next()?;
            self.n_ahead += 1;
        }
        Ok(self.ahead[i])
    }

    /// Drops the token ahead.
    fn pop(&mut self) {
        self.ahead[0] = self.ahead[1];
        self.n_ahead -= 1;
    }

    /// The next token, whitespace between elements skipped.
    fn next_tok(&mut self) -> Result<Tok<'a>, Error> {
        loop {
            let t = self.ahead(0)?;
            self.pop();
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

    /// The value of the element `name` whose start tag was read: its text and its end tag
    /// (the general path: any token may come); `None` when nothing is between the tags.
    fn value(&mut self, name: &'a str) -> Result<Option<Cow<'a, str>>, Error> {
        let first = self.ahead(0)?;
        let value = match first {
            Tok::Close { .. } => {
                self.pop();
                return Ok(None);
            }
            Tok::Text { at, .. } => {
                self.pop();
                self.last = at;
                first.text()
            }
            Tok::Open { name: child, at } | Tok::Empty { name: child, at } => {
                return Err(self.err(
                    ErrorKind::Invalid,
                    at,
                    format!("expected a single value in <{name}>, found the element <{child}>"),
                ));
            }
            Tok::Eof { at } => return Err(self.unclosed(at)),
        };
        match self.ahead(0)? {
            Tok::Close { .. } => {
                self.pop();
            }
            Tok::Eof { at } => return Err(self.unclosed(at)),
            Tok::Open { name: child, at } | Tok::Empty { name: child, at } => {
                return Err(self.err(
                    ErrorKind::Syntax,
                    at,
                    format!("expected </{name}> after the value, found the element <{child}>"),
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
        Ok(Some(value))
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
        if self.fast && self.n_ahead == 0 {
            if let Some(leaf) = self.lexer.leaf() {
                self.last = leaf.at;
                self.pending = Pending::Leaf {
                    name: leaf.name,
                    text: leaf.text,
                    text_at: leaf.text_at,
                };
                return Ok(Some((leaf.name, leaf.at)));
            }
        }
        let fast = match self.n_ahead {
            0 if self.fast => self.lexer.member()?,
            _ => None,
        };
        let tok = match fast {
            Some(tok) => tok,
            None => self.next_tok()?,
        };
        match tok {
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
            t @ Tok::Text { at, .. } => Err(self.err(
                ErrorKind::Syntax,
                at,
                format!(
                    "unexpected text {:?} in <{}>: expected an element",
                    clip(t.text().trim()),
                    top.name
                ),
            )),
            Tok::Eof { at } => Err(self.unclosed(at)),
        }
    }

    /// The JSON key of a member element of the element on top of the stack.
    fn key_of(&mut self, name: &'a str) -> Cow<'a, str> {
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
            _ => return json_key(name),
        };
        Cow::Borrowed(key)
    }

    /// An element's text as a scalar: a blank container (`<Output>⏎      </Output>`) is the
    /// empty string; a sort method listed in `<Incremental-Sort-Groups>` is noted (it tells
    /// which `<Sort-Space>` comes first); numbers and booleans are typed as JSON would type them.
    #[inline(always)]
    fn typed(&mut self, value: Cow<'a, str>) -> Scalar<'a> {
        if is_blank(&value) && value.contains('\n') {
            return Scalar::Str(Cow::Borrowed(""));
        }
        self.note_sort_method(&value);
        classify(value)
    }

    /// Inside `<Incremental-Sort-Groups>`'s `<Sort-Methods-Used>`: notes whether `value`, a
    /// sort method, is in memory or external (it tells which `<Sort-Space>` comes first).
    fn note_sort_method(&mut self, value: &str) {
        if let [.., group, list] = self.stack.as_mut_slice()
            && list.sort_methods
        {
            if value.starts_with("external") {
                group.disk_method = true;
            } else {
                group.memory_method = true;
            }
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
                    let sort_methods = name == "Sort-Methods-Used"
                        && self
                            .stack
                            .last()
                            .is_some_and(|group| group.name == "Incremental-Sort-Groups");
                    self.stack.push(Open {
                        name,
                        sort_methods,
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
            Pending::Leaf { name, text_at, .. } => Err(self.err(
                ErrorKind::Invalid,
                text_at,
                format!("expected {what} in <{name}>, found a single value"),
            )),
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

/// Whether element text is a JSON number. Plain decimals (`-`? digits [`.` digits], what
/// PostgreSQL prints for counts, costs and times) are read here; anything else (an exponent, a
/// leading `+` or `0`, hundreds of digits) is left to serde_json, which also rejects numbers
/// out of range.
fn is_number(s: &str) -> bool {
    let b = s.as_bytes();
    let sign = usize::from(b.first() == Some(&b'-'));
    let int = digits(b, sign);
    let mut end = sign + int;
    if b.get(end) == Some(&b'.') {
        let frac = digits(b, end + 1);
        end += 1 + frac;
        if frac == 0 {
            return false;
        }
    }
    let plain = int > 0 && (int == 1 || b[sign] != b'0') && end == b.len() && b.len() < 300;
    plain || is_number_general(s)
}

/// The number of ASCII digits from `i` on.
fn digits(b: &[u8], i: usize) -> usize {
    b.get(i..).map_or(0, |rest| {
        rest.iter().take_while(|c| c.is_ascii_digit()).count()
    })
}

/// Whether element text is a JSON number, by serde_json's grammar and range.
fn is_number_general(s: &str) -> bool {
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
        Ok(Some(self.key_of(name)))
    }

    /// The element name looked up in `T` as it is (the model indexes every key's XML spelling
    /// too), so that a known key costs one lookup; only an unknown name is respelled as JSON.
    fn next_field<T: Properties>(&mut self) -> Result<Option<Field<'a, T>>, Error> {
        let Some((name, _)) = self.next_member()? else {
            return Ok(None);
        };
        if !matches!(name, "Incremental-Sort-Groups" | "Sort-Space") {
            if let Some(field) = T::lookup(name) {
                return Ok(Some((Cow::Borrowed(name), Some(field))));
            }
        }
        let key = self.key_of(name);
        let field = T::lookup(&key);
        Ok(Some((key, field)))
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
            Pending::Leaf { text, text_at, .. } => {
                self.last = text_at;
                Ok(self.typed(Cow::Borrowed(text)))
            }
            Pending::Content { name, at } => {
                self.last = at;
                let fast = match self.n_ahead {
                    0 if self.fast => self.lexer.plain_value(),
                    _ => None,
                };
                let value = match fast {
                    Some((text, at)) => {
                        self.last = at;
                        Cow::Borrowed(text)
                    }
                    None => match self.value(name)? {
                        Some(value) => value,
                        None => return Ok(Scalar::Str(Cow::Borrowed(""))),
                    },
                };
                Ok(self.typed(value))
            }
            Pending::Document | Pending::None => {
                Err(self.err(ErrorKind::Syntax, self.last, "expected a value"))
            }
        }
    }

    fn plain_text(&mut self) -> Option<&'a str> {
        match self.pending {
            Pending::Leaf { text, text_at, .. } => {
                self.pending = Pending::None;
                self.last = text_at;
                self.note_sort_method(text);
                Some(text)
            }
            _ => None,
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
                    Tok::Open { name, .. } if name != "Query" => Peek::Object,
                    _ => Peek::Array,
                })
            }
            Pending::Empty { .. } if self.stack.is_empty() => Ok(Peek::Array),
            Pending::Content { .. } => Ok(if self.element_ahead()? {
                Peek::Container
            } else {
                Peek::Scalar
            }),
            Pending::Empty { .. } | Pending::Leaf { .. } => Ok(Peek::Scalar),
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

    /// What parsing `text` gives: the plans as JSON, or the error's position and message.
    fn outcome(text: &str, format: crate::Format, general_only: bool) -> Result<Value, String> {
        GENERAL_ONLY.set(general_only);
        let out = crate::parse::parse_with(text, &crate::ParseOptions::with_format(format));
        GENERAL_ONLY.set(false);
        out.map(|plans| serde_json::to_value(&plans).expect("plans serialize"))
            .map_err(|e| format!("{}:{} {:?} {}", e.line, e.column, e.kind, e.message))
    }

    /// Every XML capture and XML log of the corpus, with the log's format.
    fn corpus_xml() -> Vec<(std::path::PathBuf, crate::Format)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus");
        let mut out = Vec::new();
        let mut dirs = vec![root];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir)
                .expect("corpus/ is readable")
                .flatten()
            {
                let path = entry.path();
                let name = path.to_string_lossy().into_owned();
                if path.is_dir() {
                    dirs.push(path);
                } else if name.ends_with(".xml") {
                    out.push((path, crate::Format::Xml));
                } else if name.contains("auto_explain_xml") {
                    out.push((path, crate::Format::Log));
                }
            }
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    #[test]
    fn fast_paths_read_the_corpus_as_the_general_path_does() {
        // Every XML corpus file (and XML log), whole and mutated (cut short, a byte changed at
        // a few places: the error paths), read with the lexer's fast paths and without them:
        // the same plans, or the same positioned error.
        let files = corpus_xml();
        assert!(files.len() >= 700, "{} XML corpus files", files.len());
        let mut errors = 0;
        for (path, format) in &files {
            let text = std::fs::read_to_string(path).expect("corpus files are UTF-8");
            let mut inputs = vec![text.clone()];
            for k in 1..6 {
                let at = text.len() * k / 6;
                let at = (at..text.len())
                    .find(|&i| text.is_char_boundary(i))
                    .unwrap_or(text.len());
                inputs.push(text[..at].to_string());
                for byte in ["<", ">", "/", "&", "x", " "] {
                    let mut m = text.clone();
                    let end = (at + 1..=text.len())
                        .find(|&i| text.is_char_boundary(i))
                        .unwrap_or(text.len());
                    m.replace_range(at..end, byte);
                    inputs.push(m);
                }
            }
            for input in &inputs {
                let fast = outcome(input, *format, false);
                errors += usize::from(fast.is_err());
                assert_eq!(fast, outcome(input, *format, true), "{}", path.display());
            }
            assert!(outcome(&text, *format, false).is_ok(), "{}", path.display());
        }
        assert!(errors > 0, "the mutations reach the error paths");
    }

    #[test]
    fn every_known_xml_name_finds_its_key() {
        // The key table against the list it was built from (the model's keys), and names it
        // does not hold.
        let keys = xml_keys();
        for (name, key) in xml_names() {
            assert_eq!(keys.get(name), Some(key), "{name}");
            assert_eq!(json_key(name), key);
        }
        assert_eq!(json_key("Node-Type"), "Node Type");
        assert_eq!(json_key("I-O-Read-Time"), "I/O Read Time");
        assert_eq!(json_key("Foreign-File-Size"), "Foreign File Size");
        assert_eq!(json_key("Custom"), "Custom");
        assert_eq!(keys.get(""), None);
    }

    #[test]
    fn plain_decimals_read_as_serde_json_does() {
        // Hand-made spellings for one rule (the fast path of `is_number`): it must agree with
        // serde_json's grammar and range on each.
        let cases = [
            "0",
            "-0",
            "00",
            "01",
            "-01",
            "1.",
            ".5",
            "1.5",
            "-1.50",
            "1e5",
            "1E+5",
            "1e400",
            "+1",
            "-",
            "",
            "1.2.3",
            "1-2",
            "12345678901234567890123",
            "0.000",
            "-.5",
            "1..2",
            "18446744073709551616",
            "9007199254740993",
            "7.5e-3",
            "1.0e",
            "١",
        ];
        for s in cases {
            assert_eq!(is_number(s), is_number_general(s), "{s:?}");
        }
        let long = "9".repeat(400);
        assert_eq!(is_number(&long), is_number_general(&long));
    }
}
