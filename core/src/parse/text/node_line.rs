//! One TEXT node line (§3.1):
//!
//! ```text
//! [->  ][Parallel ][Async ]Name[ Backward][ using index][ on [schema.]object[ alias]]
//!     [  (cost=S..T rows=R width=W)][ (actual time=A..B rows=R loops=L) | (actual rows=R loops=L) | (never executed)]
//! ```
//!
//! The blocks are found from the right (names and identifiers never end in them), parsed with
//! nom, and must be complete: a broken block is an error with the column of the first character
//! that does not fit and what was expected there.

use std::borrow::Cow;

use nom::bytes::complete::{tag, take_while1};
use nom::character::complete::char;
use nom::combinator::{opt, recognize};
use nom::{IResult, Parser};

use super::names::{self, NodeName, Target};
use crate::model::NodeType;

/// `(cost=S..T rows=R width=W)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Cost {
    pub startup: f64,
    pub total: f64,
    pub rows: f64,
    pub width: f64,
}

/// The actual block.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Actual {
    /// No actual block (no ANALYZE).
    None,
    /// `(actual time=A..B rows=R loops=L)`.
    Timed {
        startup: f64,
        total: f64,
        rows: f64,
        loops: f64,
    },
    /// `(actual rows=R loops=L)` (TIMING OFF).
    Untimed { rows: f64, loops: f64 },
    /// `(never executed)`.
    Never,
}

impl Actual {
    /// The block `(actual [time=S..T ]rows=R loops=L)` read as `times`, `rows`, `loops`.
    fn new(times: Option<(f64, f64)>, rows: f64, loops: f64) -> Actual {
        match times {
            Some((startup, total)) => Actual::Timed {
                startup,
                total,
                rows,
                loops,
            },
            None => Actual::Untimed { rows, loops },
        }
    }
}

/// An identifier as printed (quoted or bare) and its value.
pub(crate) type Ident<'a> = Cow<'a, str>;

/// `[schema.]object[ alias]`.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct TargetParts<'a> {
    pub schema: Option<Ident<'a>>,
    pub object: Option<Ident<'a>>,
    pub alias: Option<Ident<'a>>,
}

/// A parsed node line.
#[derive(Debug, Clone)]
pub(crate) struct NodeLine<'a> {
    /// `Parallel ` prefix.
    pub parallel: bool,
    /// `Async ` prefix.
    pub async_capable: bool,
    /// What the name stands for.
    pub name: NodeName,
    /// `Custom Scan (Provider)`.
    pub custom_provider: Option<&'a str>,
    /// `Backward`.
    pub backward: bool,
    /// `using index` (or `on index` of a Bitmap Index Scan).
    pub index: Option<Ident<'a>>,
    /// The ` on …` target.
    pub target: Option<TargetParts<'a>>,
    /// Text after the name that fits no rule (kept, not lost).
    pub leftover: Option<&'a str>,
    /// The cost block.
    pub cost: Option<Cost>,
    /// The actual block.
    pub actual: Actual,
    /// Whether the actual rows were printed with decimals (18+).
    pub fractional_rows: bool,
}

/// What a line turned out to be.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub(crate) enum Parsed<'a> {
    /// A node line (not boxed: it is read at once, and an allocation costs more than the copy).
    Node(NodeLine<'a>),
    /// Not a node line.
    NotNode,
    /// A block is open at the end of the line (a line wrapped by a terminal).
    Incomplete,
}

/// Why a node line is broken: byte offset in the line and message.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LineError {
    pub at: usize,
    pub message: String,
}

/// A nom error that says what was expected.
#[derive(Debug)]
struct Expected<'a> {
    input: &'a str,
    what: &'static str,
}

impl<'a> nom::error::ParseError<&'a str> for Expected<'a> {
    fn from_error_kind(input: &'a str, _: nom::error::ErrorKind) -> Self {
        Expected { input, what: "" }
    }
    fn append(_: &'a str, _: nom::error::ErrorKind, other: Self) -> Self {
        other
    }
}

type Res<'a, T> = IResult<&'a str, T, Expected<'a>>;

/// Runs `p`, naming what was expected when it fails.
fn want<'a, O>(
    what: &'static str,
    mut p: impl Parser<&'a str, Output = O, Error = Expected<'a>>,
) -> impl FnMut(&'a str) -> Res<'a, O> {
    move |i: &'a str| {
        p.parse(i).map_err(|e| {
            e.map(|inner| Expected {
                input: if inner.what.is_empty() {
                    i
                } else {
                    inner.input
                },
                what: if inner.what.is_empty() {
                    what
                } else {
                    inner.what
                },
            })
        })
    }
}

/// Substring search without a searcher set up per call: lines are short, so finding the
/// needle's first byte with memchr and comparing beats building a `memmem` finder (which
/// `memmem::find` does on every call).
pub(crate) fn find(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    let Some(&first) = n.first() else {
        return Some(0);
    };
    let mut i = 0;
    while let Some(off) = memchr::memchr(first, &h[i..]) {
        let at = i + off;
        if h[at..].starts_with(n) {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

/// Last occurrence of `needle` (see [`find`]).
pub(crate) fn rfind(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    let Some(&first) = n.first() else {
        return Some(h.len());
    };
    let mut end = h.len();
    while let Some(at) = memchr::memrchr(first, &h[..end]) {
        if h[at..].starts_with(n) {
            return Some(at);
        }
        end = at;
    }
    None
}

/// `str::trim_end`, answered at once when the text ends in a visible ASCII character (a node
/// line's parts nearly always do).
#[inline]
fn trim_end(s: &str) -> &str {
    match s.as_bytes().last() {
        Some(b) if b.is_ascii_graphic() => s,
        _ => s.trim_end(),
    }
}

/// `str::trim_start`, with the ASCII spaces after `->` skipped first (see [`trim_end`]).
#[inline]
fn trim_start(s: &str) -> &str {
    let t = s.trim_start_matches(' ');
    match t.as_bytes().first() {
        Some(b) if b.is_ascii_graphic() => t,
        _ => t.trim_start(),
    }
}

/// A number as PostgreSQL prints it: `-`? digits [`.` digits].
fn number(i: &str) -> Res<'_, f64> {
    let (rest, text) = recognize((
        opt(char('-')),
        take_while1(|c: char| c.is_ascii_digit()),
        opt((char('.'), take_while1(|c: char| c.is_ascii_digit()))),
    ))
    .parse(i)?;
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok((rest, v)),
        _ => Err(nom::Err::Error(Expected {
            input: i,
            what: "a number",
        })),
    }
}

/// `(cost=S..T rows=R width=W)`.
fn cost_block(i: &str) -> Res<'_, Cost> {
    let (i, _) = tag("(cost=").parse(i)?;
    let (i, startup) = want("the startup cost (a number) after '(cost='", number).parse(i)?;
    let (i, _) = want("'..' between the startup and total costs", tag("..")).parse(i)?;
    let (i, total) = want("the total cost (a number) after '..'", number).parse(i)?;
    let (i, _) = want("' rows=' after the total cost", tag(" rows=")).parse(i)?;
    let (i, rows) = want("the estimated rows (a number) after 'rows='", number).parse(i)?;
    let (i, _) = want("' width=' after the estimated rows", tag(" width=")).parse(i)?;
    let (i, width) = want("the width (a number) after 'width='", number).parse(i)?;
    let (i, _) = want("')' closing the cost block", char(')')).parse(i)?;
    Ok((
        i,
        Cost {
            startup,
            total,
            rows,
            width,
        },
    ))
}

/// `(actual time=A..B rows=R loops=L)` or `(actual rows=R loops=L)`; the flag tells whether
/// the rows had decimals.
fn actual_block(i: &str) -> Res<'_, (Actual, bool)> {
    let (i, _) = tag("(actual ").parse(i)?;
    let (i, a) = actual_fields(i)?;
    let (i, _) = want("')' closing the actual block", char(')')).parse(i)?;
    Ok((i, a))
}

/// The generic statistics of a `Worker N:` line: `actual time=A..B rows=R loops=L` or
/// `actual rows=R loops=L`, the whole text.
pub(crate) fn worker_actual(s: &str) -> Option<(Actual, bool)> {
    match s.strip_prefix("actual ").map(actual_fields) {
        Some(Ok(("", a))) => Some(a),
        _ => None,
    }
}

/// `time=A..B rows=R loops=L` or `rows=R loops=L`.
fn actual_fields(i: &str) -> Res<'_, (Actual, bool)> {
    let (i, time) = opt(tag("time=")).parse(i)?;
    let (i, times) = match time {
        Some(_) => {
            let (i, a) = want("the startup time (a number) after 'time='", number).parse(i)?;
            let (i, _) = want("'..' between the startup and total times", tag("..")).parse(i)?;
            let (i, b) = want("the total time (a number) after '..'", number).parse(i)?;
            let (i, _) = want("' rows=' after the total time", tag(" rows=")).parse(i)?;
            (i, Some((a, b)))
        }
        None => {
            let (i, _) = want("'time=' or 'rows=' after '(actual '", tag("rows=")).parse(i)?;
            (i, None)
        }
    };
    let rows_text = i;
    let (i, rows) = want("the actual rows (a number) after 'rows='", number).parse(i)?;
    let fractional = rows_text[..rows_text.len() - i.len()].contains('.');
    let (i, _) = want("' loops=' after the actual rows", tag(" loops=")).parse(i)?;
    let (i, loops) = want("the loops (a number) after 'loops='", number).parse(i)?;
    let actual = Actual::new(times, rows, loops);
    Ok((i, (actual, fractional)))
}

/// The number at the start of `s` as [`number`] reads it (`-`? digits [`.` digits]), without
/// nom; `None` when there is none or when it needs the general float parser.
fn take_number(s: &str) -> Option<(f64, &str)> {
    let (v, n) = crate::model::value::decimal_prefix(s.as_bytes())?;
    Some((v, &s[n..]))
}

/// A well-formed `(cost=S..T rows=R width=W)`, the whole text, without nom; `None` for
/// anything else, which [`cost_block`] then parses (or explains). Accepts only what
/// `cost_block` accepts, with the same values: the fast path of every node line.
fn fast_cost(s: &str) -> Option<Cost> {
    let r = s.strip_prefix("(cost=")?;
    let (startup, r) = take_number(r)?;
    let (total, r) = take_number(r.strip_prefix("..")?)?;
    let (rows, r) = take_number(r.strip_prefix(" rows=")?)?;
    let (width, r) = take_number(r.strip_prefix(" width=")?)?;
    (r == ")").then_some(Cost {
        startup,
        total,
        rows,
        width,
    })
}

/// A well-formed actual block, the whole text, without nom (see [`fast_cost`]).
fn fast_actual(s: &str) -> Option<(Actual, bool)> {
    let r = s.strip_prefix("(actual ")?;
    let (times, r) = match r.strip_prefix("time=") {
        Some(t) => {
            let (a, t) = take_number(t)?;
            let (b, t) = take_number(t.strip_prefix("..")?)?;
            (Some((a, b)), t.strip_prefix(" rows=")?)
        }
        None => (None, r.strip_prefix("rows=")?),
    };
    let rows_text = r;
    let (rows, r) = take_number(r)?;
    // The rows' text is what `take_number` consumed (a few bytes).
    let fractional = rows_text.as_bytes()[..rows_text.len() - r.len()].contains(&b'.');
    let (loops, r) = take_number(r.strip_prefix(" loops=")?)?;
    if r != ")" {
        return None;
    }
    let actual = Actual::new(times, rows, loops);
    Some((actual, fractional))
}

/// Parses a whole block that starts at `at` in `body`; it must reach the end of `body`.
fn whole_block<'a, T>(
    body: &'a str,
    at: usize,
    block: impl FnOnce(&'a str) -> Res<'a, T>,
    name: &str,
) -> Result<T, LineError> {
    match block(&body[at..]) {
        Ok(("", v)) => Ok(v),
        Ok((rest, _)) => Err(LineError {
            at: body.len() - rest.len(),
            message: format!(
                "unexpected text after the {name} block; expected the end of the node line"
            ),
        }),
        Err(nom::Err::Error(e) | nom::Err::Failure(e)) => Err(LineError {
            at: body.len() - e.input.len(),
            message: format!(
                "broken {name} block: expected {}",
                if e.what.is_empty() { "a block" } else { e.what }
            ),
        }),
        Err(nom::Err::Incomplete(_)) => Err(LineError {
            at: body.len(),
            message: format!("the {name} block is cut off"),
        }),
    }
}

/// Block openers, used to tell a line cut by a terminal from a broken one.
const OPENERS: &[&str] = &["(cost=", "(actual ", "(never executed)"];

/// Whether the text after the last `(` is an unfinished block opener (`(co`, `(cost=1.00..`).
fn open_block_at_end(body: &str) -> bool {
    let Some(p) = memchr::memrchr(b'(', body.as_bytes()) else {
        return false;
    };
    let tail = &body[p..];
    memchr::memchr(b')', tail.as_bytes()).is_none()
        && OPENERS
            .iter()
            .any(|o| o.starts_with(tail) || tail.starts_with(o))
}

/// Whether a line starts with a block (the continuation of a node line cut before its blocks).
pub(crate) fn starts_with_block(s: &str) -> bool {
    let t = s.trim_start();
    OPENERS.iter().any(|o| t.starts_with(o))
}

/// Parses an identifier: `"quoted ""x"""` or a bare word (up to a space or a dot).
fn ident(i: &str) -> Option<(Ident<'_>, &str)> {
    if let Some(rest) = i.strip_prefix('"') {
        let bytes = rest.as_bytes();
        let mut k = 0;
        let mut doubled = false;
        while k < bytes.len() {
            if bytes[k] == b'"' {
                if bytes.get(k + 1) == Some(&b'"') {
                    doubled = true;
                    k += 2;
                    continue;
                }
                let raw = &rest[..k];
                let v = if doubled {
                    Cow::Owned(raw.replace("\"\"", "\""))
                } else {
                    Cow::Borrowed(raw)
                };
                return Some((v, &rest[k + 1..]));
            }
            k += 1;
        }
        None
    } else {
        let end = i
            .bytes()
            .position(|b| b == b' ' || b == b'.')
            .unwrap_or(i.len());
        (end > 0).then(|| (Cow::Borrowed(&i[..end]), &i[end..]))
    }
}

/// `[schema.]object[ alias]` (or just `alias` for alias-only targets); `None` if it does not
/// consume the whole text.
fn target(i: &str, kind: Target) -> Option<TargetParts<'_>> {
    let (first, rest) = ident(i)?;
    let mut parts = TargetParts::default();
    let rest = if let Some(r) = rest.strip_prefix('.') {
        let (second, r) = ident(r)?;
        parts.schema = Some(first);
        parts.object = Some(second);
        r
    } else {
        parts.object = Some(first);
        rest
    };
    let rest = if let Some(r) = rest.strip_prefix(' ') {
        let (alias, r) = ident(r)?;
        parts.alias = Some(alias);
        r
    } else {
        rest
    };
    if !rest.is_empty() {
        return None;
    }
    if kind == Target::AliasOnly && parts.schema.is_none() && parts.alias.is_none() {
        parts.alias = parts.object.take();
    }
    Some(parts)
}

/// Parses the part of a node line before the blocks: prefixes, name, target.
fn head<'a>(head: &'a str, line: &mut NodeLine<'a>, known_only: bool) -> bool {
    let mut h = head;
    if let Some(r) = h.strip_prefix("Parallel ") {
        line.parallel = true;
        h = r;
    }
    if let Some(r) = h.strip_prefix("Async ") {
        line.async_capable = true;
        h = r;
    }
    // Custom Scan (Provider) — the provider may contain spaces.
    if let Some(r) = h.strip_prefix("Custom Scan (") {
        if let Some(close) = r.find(')') {
            line.name = NodeName {
                node_type: NodeType::CustomScan,
                ..names::lookup("Seq Scan").expect("in the table")
            };
            line.custom_provider = Some(&r[..close]);
            return rest_of_head(&r[close + 1..], line);
        }
    }
    let name_end = name_end(h);
    let name = &h[..name_end];
    if let Some(n) = names::lookup(name) {
        line.name = n;
        return rest_of_head(&h[name_end..], line);
    }
    if let Some((n, len)) = names::longest_known(name) {
        // Old servers: `Subquery Scan alias` (no `on`).
        line.name = n;
        let extra = &name[len..];
        if line.name.target == Target::AliasOnly && h[name_end..].is_empty() {
            if let Some(t) = extra
                .strip_prefix(' ')
                .and_then(|alias| target(alias, Target::AliasOnly))
            {
                line.target = Some(t);
                return true;
            }
        }
        line.leftover = Some(h[len..].trim_start());
        return true;
    }
    if known_only {
        return false;
    }
    line.name.node_type = NodeType::Other(name.to_string());
    line.name.target = Target::Relation;
    rest_of_head(&h[name_end..], line)
}

/// Where the name ends: the first ` on `, ` using ` or ` Backward` (one look at each space).
fn name_end(h: &str) -> usize {
    let b = h.as_bytes();
    memchr::memchr_iter(b' ', b)
        .find(|&i| {
            let r = &b[i..];
            r.starts_with(b" on ") || r.starts_with(b" using ") || r.starts_with(b" Backward")
        })
        .unwrap_or(h.len())
}

/// The general form of [`name_end`], kept to test it against.
#[cfg(test)]
fn name_end_by_search(h: &str) -> usize {
    [" on ", " using ", " Backward"]
        .iter()
        .filter_map(|k| find(h, k))
        .min()
        .unwrap_or(h.len())
}

/// ` Backward`, ` using index`, ` on target`, in that order; anything else is kept as leftover.
fn rest_of_head<'a>(rest: &'a str, line: &mut NodeLine<'a>) -> bool {
    let mut r = rest;
    if let Some(x) = r.strip_prefix(" Backward") {
        line.backward = true;
        r = x;
    }
    if let Some((idx, after)) = r.strip_prefix(" using ").and_then(ident) {
        line.index = Some(idx);
        r = after;
    }
    if let Some(x) = r.strip_prefix(" on ") {
        if line.name.target == Target::Index {
            if let Some((idx, "")) = ident(x) {
                line.index = Some(idx);
                return true;
            }
        } else if let Some(t) = target(x, line.name.target) {
            line.target = Some(t);
            return true;
        }
    }
    if !r.trim().is_empty() {
        line.leftover = Some(r.trim());
    }
    true
}

/// Parses the content of a line (indentation removed). `root_position`: the line would start a
/// plan (no arrow needed, but an unknown name without blocks is not taken for a node).
pub(crate) fn parse(s: &str, root_position: bool) -> Result<Parsed<'_>, LineError> {
    let (arrow, body_start) = match s.strip_prefix("->") {
        Some(r) => (true, s.len() - trim_start(r).len()),
        None => (false, 0),
    };
    let full = trim_end(s);
    if body_start > full.len() {
        return Ok(Parsed::NotNode);
    }
    let body = &full[body_start..];
    let mut line = NodeLine {
        parallel: false,
        async_capable: false,
        // A placeholder until the name is read (no table lookup for it).
        name: NodeName::of(NodeType::Other(String::new()), Target::None),
        custom_provider: None,
        backward: false,
        index: None,
        target: None,
        leftover: None,
        cost: None,
        actual: Actual::None,
        fractional_rows: false,
    };
    // A line that ends in `)` has no open block (the tail after its last `(` holds that `)`).
    if !body.ends_with(')') && open_block_at_end(body) {
        return Ok(Parsed::Incomplete);
    }
    let shift = |e: LineError| LineError {
        at: e.at + body_start,
        message: e.message,
    };
    let mut end = body.len();
    if body.ends_with("(never executed)") {
        line.actual = Actual::Never;
        end -= "(never executed)".len();
    } else if let Some(p) = body
        .ends_with(')')
        .then(|| rfind(body, "(actual "))
        .flatten()
    {
        let (a, frac) = match fast_actual(&body[p..]) {
            Some(v) => v,
            None => whole_block(body, p, actual_block, "actual").map_err(shift)?,
        };
        line.actual = a;
        line.fractional_rows = frac;
        end = p;
    }
    let before = trim_end(&body[..end]);
    if let Some(p) = before
        .ends_with(')')
        .then(|| rfind(before, "(cost="))
        .flatten()
    {
        line.cost = Some(match fast_cost(&before[p..]) {
            Some(c) => c,
            None => whole_block(before, p, cost_block, "cost").map_err(shift)?,
        });
        end = p;
    } else if let Some(p) = find(before, "(cost=") {
        // A cost block that is not at the end of what precedes the actual block.
        let e = whole_block(before, p, cost_block, "cost")
            .err()
            .unwrap_or(LineError {
                at: before.len(),
                message: "unexpected text after the cost block".into(),
            });
        return Err(shift(e));
    }
    let has_blocks = line.cost.is_some() || line.actual != Actual::None;
    if let Some(p) = (!has_blocks).then(|| find(body, "(actual ")).flatten() {
        let e = whole_block(body, p, actual_block, "actual")
            .err()
            .unwrap_or(LineError {
                at: body.len(),
                message: "unexpected text after the actual block".into(),
            });
        return Err(shift(e));
    }
    let head_text = trim_end(&body[..end]);
    if head_text.is_empty() {
        return if has_blocks {
            Err(LineError {
                at: body_start,
                message: "a node line without a node name: expected a name such as 'Seq Scan' before the cost block".into(),
            })
        } else {
            Ok(Parsed::NotNode)
        };
    }
    let known_only = !has_blocks && (!arrow || root_position);
    if !head(head_text, &mut line, known_only) {
        return Ok(Parsed::NotNode);
    }
    if !has_blocks && line.leftover.is_some() && !arrow {
        // A known word followed by text that is no target: prose, not a node.
        return Ok(Parsed::NotNode);
    }
    Ok(Parsed::Node(line))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast readers of the cost and actual blocks give what the nom grammar gives (values
    /// and the fractional-rows cue), on every block of every TEXT plan of the corpus.
    #[test]
    fn fast_blocks_match_the_grammar_on_the_corpus() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus");
        let (mut costs, mut actuals) = (0, 0);
        for major in std::fs::read_dir(&root).expect("corpus/").flatten() {
            for query in std::fs::read_dir(major.path())
                .into_iter()
                .flatten()
                .flatten()
            {
                for file in std::fs::read_dir(query.path())
                    .into_iter()
                    .flatten()
                    .flatten()
                {
                    let path = file.path();
                    if path.extension().is_none_or(|e| e != "txt") {
                        continue;
                    }
                    let Ok(text) = std::fs::read_to_string(&path) else {
                        continue;
                    };
                    for line in text.lines() {
                        let body = line.trim_end();
                        if let Some(p) = rfind(body, "(actual ") {
                            if let Some(fast) = fast_actual(&body[p..]) {
                                let slow = whole_block(body, p, actual_block, "actual");
                                assert_eq!(Ok(fast), slow.map_err(|e| e.message), "{line}");
                                actuals += 1;
                            }
                        }
                        let before = match rfind(body, "(actual ") {
                            Some(p) => body[..p].trim_end(),
                            None => body,
                        };
                        if let Some(p) = rfind(before, "(cost=") {
                            if let Some(fast) = fast_cost(&before[p..]) {
                                let slow = whole_block(before, p, cost_block, "cost");
                                assert_eq!(Ok(fast), slow.map_err(|e| e.message), "{line}");
                                costs += 1;
                            }
                        }
                    }
                }
            }
        }
        assert!(
            costs > 5_000 && actuals > 5_000,
            "{costs} cost, {actuals} actual blocks"
        );
    }

    /// The one-pass name end equals the three searches, on every line of the corpus and at
    /// every character where a name could start.
    #[test]
    fn name_end_matches_the_search_on_the_corpus() {
        let mut seen = 0;
        for (_, text) in crate::input::tests::corpus_documents() {
            for line in text
                .lines()
                .filter(|l| l.contains(" on ") || l.contains(" using "))
            {
                for (at, _) in line.char_indices().take(64) {
                    assert_eq!(
                        name_end(&line[at..]),
                        name_end_by_search(&line[at..]),
                        "{line}"
                    );
                    seen += 1;
                }
            }
        }
        assert!(seen > 100_000, "{seen}");
    }

    fn node(s: &str) -> NodeLine<'_> {
        match parse(s, true) {
            Ok(Parsed::Node(n)) => n,
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn blocks_targets_and_prefixes() {
        // Hand-made lines for the node-line grammar (one rule each), not plans.
        let n = node(
            "->  Parallel Index Only Scan Backward using \"My Idx\" on public.t1 x  (cost=0.42..8.44 rows=1 width=4) (actual time=0.010..0.011 rows=1.00 loops=3)",
        );
        assert!(n.parallel && n.backward && n.fractional_rows);
        assert_eq!(n.name.node_type, NodeType::IndexOnlyScan);
        assert_eq!(n.index.as_deref(), Some("My Idx"));
        let t = n.target.unwrap();
        assert_eq!(
            (t.schema.as_deref(), t.object.as_deref(), t.alias.as_deref()),
            (Some("public"), Some("t1"), Some("x"))
        );
        assert_eq!(n.cost.unwrap().total, 8.44);
        assert!(matches!(n.actual, Actual::Timed { loops, .. } if loops == 3.0));

        let n = node("Custom Scan (Citus Adaptive)  (cost=0.00..0.00 rows=0 width=0)");
        assert_eq!(n.custom_provider, Some("Citus Adaptive"));
        let n = node("Seq Scan on t1 (never executed)");
        assert_eq!(n.actual, Actual::Never);
        let n = node("Values Scan on \"*VALUES*\"  (cost=0.00..0.03 rows=2 width=36)");
        assert_eq!(n.target.unwrap().alias.as_deref(), Some("*VALUES*"));
        assert!(matches!(parse("Sort", true), Ok(Parsed::Node(_))));
        assert!(matches!(
            parse("EXPLAIN select 1", true),
            Ok(Parsed::NotNode)
        ));
    }

    #[test]
    fn broken_blocks_are_positioned_errors() {
        let e = parse("Seq Scan on t  (cost=0.00..x rows=1 width=4)", true).unwrap_err();
        assert_eq!(e.at, 27);
        assert!(e.message.contains("total cost"), "{}", e.message);
        assert!(matches!(
            parse("Seq Scan on t  (cost=0.00..1.00 ro", true),
            Ok(Parsed::Incomplete)
        ));
    }
}
