//! Property lines: simple `Label: value` lines (the label is the server key) and the
//! hand-assembled composite lines (§5, §7.2), which are decomposed into server keys with their
//! TEXT values so that the model's own tables set the typed fields.
//!
//! Two layouts exist: `key=value` lists (`Buffers: shared hit=5 read=2, temp written=3`: single
//! spaces, `, ` between scopes) and segment lines (`Sort Method: quicksort  Memory: 28kB`: two
//! spaces between `Label: value` segments). Each composite line has its own vocabulary table.

use serde_json::Value;

use super::infer::Evidence;
use crate::model::source::ConvError;
use crate::model::value::split_text_list;
use crate::model::{
    IncrementalSortGroups, Jit, JitOptions, JitTiming, Properties, SortSpace, Trigger, insert_extra,
};

/// Server keys with their TEXT values (slices of the input or static words); no allocation.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pairs<'a> {
    items: [(&'static str, &'a str); 12],
    len: usize,
}

impl<'a> Pairs<'a> {
    /// No pairs yet.
    pub fn new() -> Self {
        Pairs {
            items: [("", ""); 12],
            len: 0,
        }
    }

    fn push(&mut self, key: &'static str, value: &'a str) {
        if self.len < self.items.len() {
            self.items[self.len] = (key, value);
            self.len += 1;
        }
    }

    /// The pairs.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &'a str)> + '_ {
        self.items[..self.len].iter().copied()
    }
}

/// A composite line, decomposed. Its pairs are written into the caller's [`Pairs`] (on the
/// stack, filled in place: not copied on the way out).
#[derive(Debug)]
pub(crate) enum Composite {
    /// Server keys and values (in the caller's `Pairs`), set through the target's key lookup.
    Pairs,
    /// `Full-sort Groups` / `Pre-sorted Groups` (13+): a nested object.
    SortGroups(&'static str, Box<IncrementalSortGroups>),
}

/// A failed decomposition: byte offset in the value and message.
pub(crate) type Fail = (usize, String);

/// Vocabulary of a `key=value` line: (scope, key) → server key.
type KvTable = &'static [(&'static str, &'static str, &'static str)];

const BUFFERS: KvTable = &[
    ("shared", "hit", "Shared Hit Blocks"),
    ("shared", "read", "Shared Read Blocks"),
    ("shared", "dirtied", "Shared Dirtied Blocks"),
    ("shared", "written", "Shared Written Blocks"),
    ("local", "hit", "Local Hit Blocks"),
    ("local", "read", "Local Read Blocks"),
    ("local", "dirtied", "Local Dirtied Blocks"),
    ("local", "written", "Local Written Blocks"),
    ("temp", "read", "Temp Read Blocks"),
    ("temp", "written", "Temp Written Blocks"),
];

/// `I/O Timings` (§5.14). `shared read=` is 17+ spelling of `Shared I/O Read Time`, but 15–16
/// print the same words for `I/O Read Time`; [`super::infer`] renames it when the plan shows it
/// is from 15–16.
const IO_TIMINGS: KvTable = &[
    ("", "read", "I/O Read Time"),
    ("", "write", "I/O Write Time"),
    ("shared/local", "read", "I/O Read Time"),
    ("shared/local", "write", "I/O Write Time"),
    ("shared", "read", "Shared I/O Read Time"),
    ("shared", "write", "Shared I/O Write Time"),
    ("local", "read", "Local I/O Read Time"),
    ("local", "write", "Local I/O Write Time"),
    ("temp", "read", "Temp I/O Read Time"),
    ("temp", "write", "Temp I/O Write Time"),
];

const WAL: KvTable = &[
    ("", "records", "WAL Records"),
    ("", "fpi", "WAL FPI"),
    ("", "bytes", "WAL Bytes"),
    ("", "buffers full", "WAL Buffers Full"),
    ("", "fpi bytes", "WAL FPI Bytes"),
];

const HEAP_BLOCKS: KvTable = &[
    ("", "exact", "Exact Heap Blocks"),
    ("", "lossy", "Lossy Heap Blocks"),
];

const TUPLES: KvTable = &[
    ("", "inserted", "Tuples Inserted"),
    ("", "updated", "Tuples Updated"),
    ("", "deleted", "Tuples Deleted"),
    ("", "skipped", "Tuples Skipped"),
];

const MEMORY: KvTable = &[
    ("", "used", "Memory Used"),
    ("", "allocated", "Memory Allocated"),
];

const ESTIMATES: KvTable = &[
    ("", "capacity", "Estimated Capacity"),
    ("", "distinct keys", "Estimated Distinct Lookup Keys"),
    ("", "lookups", "Estimated Lookups"),
    ("", "hit percent", "Estimated Hit Percent"),
];

const PREFETCH: KvTable = &[
    ("", "avg", "Average Prefetch Distance"),
    ("", "max", "Max Prefetch Distance"),
    ("", "capacity", "Prefetch Capacity"),
];

const READ_STREAM_IO: KvTable = &[
    ("", "count", "I/O Count"),
    ("", "waits", "I/O Waits"),
    ("", "size", "Average I/O Size"),
    ("", "inprogress", "Average I/Os In Progress"),
];

const SERIALIZATION: KvTable = &[
    ("", "time", "Time"),
    ("", "output", "Output Volume"),
    ("", "format", "Format"),
];

/// How a segment of a two-space line maps to server keys.
#[derive(Clone, Copy)]
enum Seg {
    /// The value as printed.
    Text(&'static str),
    /// A size: the number before `kB`.
    Kb(&'static str),
    /// `N (originally M)`: current and original (the original equals N when not printed).
    Orig(&'static str, &'static str),
    /// A sort space (`Memory: 28kB` / `Disk: 10048kB`): used and type.
    Space(&'static str),
}

type SegTable = &'static [(&'static str, Seg)];

const SORT: SegTable = &[
    ("Sort Method", Seg::Text("Sort Method")),
    ("Memory", Seg::Space("Memory")),
    ("Disk", Seg::Space("Disk")),
];

const HASH: SegTable = &[
    (
        "Buckets",
        Seg::Orig("Hash Buckets", "Original Hash Buckets"),
    ),
    (
        "Batches",
        Seg::Orig("Hash Batches", "Original Hash Batches"),
    ),
    ("Memory Usage", Seg::Kb("Peak Memory Usage")),
];

const HASHAGG: SegTable = &[
    ("Planned Partitions", Seg::Text("Planned Partitions")),
    ("Batches", Seg::Text("HashAgg Batches")),
    ("Memory Usage", Seg::Kb("Peak Memory Usage")),
    ("Disk Usage", Seg::Kb("Disk Usage")),
];

const MEMOIZE: SegTable = &[
    ("Hits", Seg::Text("Cache Hits")),
    ("Misses", Seg::Text("Cache Misses")),
    ("Evictions", Seg::Text("Cache Evictions")),
    ("Overflows", Seg::Text("Cache Overflows")),
    ("Memory Usage", Seg::Kb("Peak Memory Usage")),
];

const STORAGE: SegTable = &[
    ("Storage", Seg::Text("Storage")),
    ("Maximum Storage", Seg::Kb("Maximum Storage")),
];

/// Composite lines by their first label: a `key=value` line (scoped or not) or a segment line,
/// with the oldest major that prints it (a version cue; 0: no cue).
enum Layout {
    Kv(KvTable, bool),
    Segments(SegTable),
    SortGroups(&'static str),
    Sampling,
}

const COMPOSITES: &[(&str, Layout, u32)] = &[
    ("Buffers", Layout::Kv(BUFFERS, true), 0),
    ("I/O Timings", Layout::Kv(IO_TIMINGS, true), 0),
    ("WAL", Layout::Kv(WAL, false), 13),
    ("Heap Blocks", Layout::Kv(HEAP_BLOCKS, false), 0),
    ("Tuples", Layout::Kv(TUPLES, false), 15),
    ("Memory", Layout::Kv(MEMORY, false), 17),
    ("Estimates", Layout::Kv(ESTIMATES, false), 19),
    ("Prefetch", Layout::Kv(PREFETCH, false), 19),
    ("I/O", Layout::Kv(READ_STREAM_IO, false), 19),
    ("Sort Method", Layout::Segments(SORT), 0),
    ("Buckets", Layout::Segments(HASH), 0),
    ("Batches", Layout::Segments(HASHAGG), 13),
    ("Planned Partitions", Layout::Segments(HASHAGG), 13),
    ("Hits", Layout::Segments(MEMOIZE), 14),
    ("Storage", Layout::Segments(STORAGE), 18),
    (
        "Full-sort Groups",
        Layout::SortGroups("Full-sort Groups"),
        13,
    ),
    (
        "Pre-sorted Groups",
        Layout::SortGroups("Pre-sorted Groups"),
        13,
    ),
    ("Sampling", Layout::Sampling, 0),
];

/// Decomposes a composite line; `Ok(None)` when `label` is not a composite label.
pub(crate) fn composite<'a>(
    label: &'a str,
    value: &'a str,
    ev: &mut Evidence,
    out: &mut Pairs<'a>,
) -> Result<Option<Composite>, Fail> {
    // Most labels are not composite: rule them out by their first letter before comparing.
    let first = label.as_bytes().first().copied().unwrap_or(0);
    if !b"BIWHTMEPSF".contains(&first) {
        return Ok(None);
    }
    let Some((_, layout, since)) = COMPOSITES.iter().find(|(l, _, _)| *l == label) else {
        return Ok(None);
    };
    if *since > 0 {
        ev.at_least(*since);
    }
    Ok(Some(match layout {
        Layout::Kv(table, scoped) => {
            kv_line(value, table, *scoped, label, ev, out)?;
            Composite::Pairs
        }
        Layout::Segments(table) => {
            segment_line(label, value, table, out)?;
            Composite::Pairs
        }
        Layout::SortGroups(key) => Composite::SortGroups(key, Box::new(sort_groups(label, value)?)),
        Layout::Sampling => {
            sampling(value, out);
            Composite::Pairs
        }
    }))
}

/// `Serialization: time=F ms  output=NkB  format=text` (17+; the part after the label).
pub(crate) fn serialization<'a>(value: &'a str, ev: &mut Evidence) -> Result<Pairs<'a>, Fail> {
    ev.at_least(17);
    let mut out = Pairs::new();
    kv_line(value, SERIALIZATION, false, "Serialization", ev, &mut out)?;
    Ok(out)
}

/// Offset of `part` inside `whole` (both slices of one string).
fn offset_in(whole: &str, part: &str) -> usize {
    (part.as_ptr() as usize)
        .wrapping_sub(whole.as_ptr() as usize)
        .min(whole.len())
}

/// Strips a unit suffix from a number (`28kB`, `12.5%`).
fn strip_unit(v: &str) -> &str {
    v.strip_suffix("kB")
        .or_else(|| v.strip_suffix('%'))
        .unwrap_or(v)
}

/// `s` split at every `sep`, as `str::split` does (left to right, not overlapping), without a
/// searcher set up per call (these lines are short: the setup costs more than the search).
fn split_str<'a>(s: &'a str, sep: &'static str) -> impl Iterator<Item = &'a str> {
    let mut rest = Some(s);
    std::iter::from_fn(move || {
        let r = rest?;
        match super::node_line::find(r, sep) {
            Some(i) => {
                rest = Some(&r[i + sep.len()..]);
                Some(&r[..i])
            }
            None => {
                rest = None;
                Some(r)
            }
        }
    })
}

/// A `key=value` line: scopes separated by `,`, pairs by spaces; words before the first pair of
/// a scope are the scope (when `scoped`), words between pairs prefix the next key
/// (`buffers full=3`); a lone `ms` after a value is a unit. One pass over the bytes: a token is
/// a run of bytes other than space and `,` (what splitting at `,` and then at spaces gives).
fn kv_line<'a>(
    value: &'a str,
    table: KvTable,
    scoped: bool,
    label: &str,
    ev: &mut Evidence,
    out: &mut Pairs<'a>,
) -> Result<(), Fail> {
    let b = value.as_bytes();
    let mut scope = "";
    let mut word_start: Option<usize> = None;
    let mut first = true;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b',' => {
                // A new scope.
                (scope, word_start, first) = ("", None, true);
                i += 1;
                continue;
            }
            b' ' => {
                i += 1;
                continue;
            }
            _ => {}
        }
        let tstart = i;
        let mut eq = None;
        while i < b.len() && b[i] != b' ' && b[i] != b',' {
            if b[i] == b'=' && eq.is_none() {
                eq = Some(i);
            }
            i += 1;
        }
        let token = &value[tstart..i];
        let Some(eq) = eq else {
            if token != "ms" && word_start.is_none() {
                word_start = Some(tstart);
            }
            continue;
        };
        let (k, v) = (&value[tstart..eq], &value[eq + 1..i]);
        let key = match word_start.take() {
            Some(ws) if scoped && first => {
                scope = value[ws..tstart].trim_end();
                k
            }
            Some(ws) => &value[ws..eq],
            None => k,
        };
        first = false;
        let Some(&(_, _, server)) = table.iter().find(|(s, kk, _)| *s == scope && *kk == key)
        else {
            return Err((tstart, format!("unknown item {key:?} in the {label} line")));
        };
        note_version(label, scope, key, ev);
        out.push(server, strip_unit(v));
    }
    Ok(())
}

/// What a `key=value` item tells about the server's version: the scopes of `I/O Timings`
/// (none up to 14; `shared/local` in 15–16; `shared`, `temp` from 15; `local` from 17) and
/// `buffers full` (WAL, 18+).
fn note_version(label: &str, scope: &str, key: &str, ev: &mut Evidence) {
    if label == "I/O Timings" {
        match scope {
            "" => ev.at_most(14),
            "shared/local" => {
                ev.at_least(15);
                ev.at_most(16)
            }
            "shared" | "temp" => ev.at_least(15),
            "local" => ev.at_least(17),
            _ => {}
        }
    }
    if key == "buffers full" {
        ev.at_least(18);
    }
}

/// The general `key=value` reader [`kv_line`] replaced (split at `,`, then at spaces), kept to
/// test it against.
#[cfg(test)]
fn kv_line_split<'a>(
    value: &'a str,
    table: KvTable,
    scoped: bool,
    label: &str,
    ev: &mut Evidence,
) -> Result<Pairs<'a>, Fail> {
    let mut out = Pairs::new();
    for group in split_str(value, ",") {
        let mut scope = "";
        let mut word_start: Option<usize> = None;
        let mut first = true;
        for token in split_str(group, " ").filter(|t| !t.is_empty()) {
            let tstart = offset_in(group, token);
            let eq = memchr::memchr(b'=', token.as_bytes());
            match eq.map(|i| (&token[..i], &token[i + 1..])) {
                None if token == "ms" => {}
                None => {
                    if word_start.is_none() {
                        word_start = Some(tstart);
                    }
                }
                Some((k, v)) => {
                    let key = match word_start.take() {
                        Some(ws) if scoped && first => {
                            scope = group[ws..tstart].trim_end();
                            k
                        }
                        Some(ws) => &group[ws..tstart + k.len()],
                        None => k,
                    };
                    first = false;
                    let Some(&(_, _, server)) =
                        table.iter().find(|(s, kk, _)| *s == scope && *kk == key)
                    else {
                        return Err((
                            offset_in(value, token),
                            format!("unknown item {key:?} in the {label} line"),
                        ));
                    };
                    note_version(label, scope, key, ev);
                    out.push(server, strip_unit(v));
                }
            }
        }
    }
    Ok(out)
}

/// A two-space segment line: `Label: value  Label: value…`.
fn segment_line<'a>(
    first: &'a str,
    line: &'a str,
    table: SegTable,
    out: &mut Pairs<'a>,
) -> Result<(), Fail> {
    for (label, value) in segments(first, line) {
        let Some(&(_, seg)) = table.iter().find(|(l, _)| *l == label) else {
            return Err((
                offset_in(line, label),
                format!("unknown item {label:?} in this line"),
            ));
        };
        match seg {
            Seg::Text(k) => out.push(k, value),
            Seg::Kb(k) => out.push(k, strip_unit(value)),
            Seg::Orig(k, ok) => match super::node_line::find(value, " (originally ")
                .map(|i| (&value[..i], &value[i + " (originally ".len()..]))
            {
                Some((now, orig)) => {
                    out.push(k, now);
                    out.push(ok, orig.strip_suffix(')').unwrap_or(orig));
                }
                None => {
                    out.push(k, value);
                    out.push(ok, value);
                }
            },
            Seg::Space(kind) => {
                out.push("Sort Space Used", strip_unit(value));
                out.push("Sort Space Type", kind);
            }
        }
    }
    Ok(())
}

/// The `Label: value` segments of a two-space line; a segment without a label continues the
/// previous value (`Sort Method:  quicksort` of old servers).
fn segments<'a>(first: &'a str, value: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> {
    let mut parts = split_str(value, "  ")
        .filter(|s| !s.trim().is_empty())
        .peekable();
    let mut first = Some(first);
    std::iter::from_fn(move || {
        if let Some(label) = first.take() {
            // The first segment's label is the line's (its value may be in the next part, for
            // the `Sort Method:  quicksort` of old servers).
            let v = if value.starts_with("  ") {
                ""
            } else {
                parts.next().unwrap_or("")
            };
            let v = if v.is_empty() {
                parts
                    .next_if(|n| {
                        super::node_line::find(n, ": ").is_none() && !n.trim_end().ends_with(':')
                    })
                    .unwrap_or("")
            } else {
                v
            };
            return Some((label, v.trim()));
        }
        let seg = parts.next()?;
        let colon = super::node_line::find(seg, ": ").map(|i| (&seg[..i], &seg[i + 2..]));
        let (label, value) = match colon {
            Some((l, v)) => (l.trim(), v.trim()),
            None => match seg.trim().strip_suffix(':') {
                // `Label:` with the value in the next segment.
                Some(l) => {
                    let v = parts
                        .next_if(|n| {
                            super::node_line::find(n, ": ").is_none()
                                && !n.trim_end().ends_with(':')
                        })
                        .unwrap_or("");
                    (l, v.trim())
                }
                None => ("", seg.trim()),
            },
        };
        Some((label, value))
    })
}

/// `Full-sort Groups: 32  Sort Method: quicksort  Average Memory: 27kB  Peak Memory: 27kB`.
fn sort_groups(first: &str, line: &str) -> Result<IncrementalSortGroups, Fail> {
    let mut g = IncrementalSortGroups::default();
    let conv = |label: &str, v: &str| -> Result<u64, Fail> {
        <u64 as crate::model::value::FieldValue>::from_text(strip_unit(v))
            .map_err(|e: ConvError| (offset_in(line, v), format!("{label}: {}", e.message)))
    };
    for (label, value) in segments(first, line) {
        match label {
            "Full-sort Groups" | "Pre-sorted Groups" => g.group_count = Some(conv(label, value)?),
            "Sort Method" | "Sort Methods" => g.sort_methods_used = Some(split_text_list(value)),
            "Average Memory" => {
                g.sort_space_memory
                    .get_or_insert_with(SortSpace::default)
                    .average_sort_space_used = Some(conv(label, value)?)
            }
            "Peak Memory" => {
                g.sort_space_memory
                    .get_or_insert_with(SortSpace::default)
                    .peak_sort_space_used = Some(conv(label, value)?)
            }
            "Average Disk" => {
                g.sort_space_disk
                    .get_or_insert_with(SortSpace::default)
                    .average_sort_space_used = Some(conv(label, value)?)
            }
            "Peak Disk" => {
                g.sort_space_disk
                    .get_or_insert_with(SortSpace::default)
                    .peak_sort_space_used = Some(conv(label, value)?)
            }
            other => {
                return Err((
                    offset_in(line, other),
                    format!("unknown item {other:?} in a sort-groups line"),
                ));
            }
        }
    }
    Ok(g)
}

/// The text inside the parentheses that open `s` (quotes respected), and what follows.
fn parenthesized(s: &str) -> Option<(&str, &str)> {
    let body = s.strip_prefix('(')?;
    let mut depth = 1usize;
    let mut quote = None;
    for (i, c) in body.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => {
                depth -= 1;
                if depth == 0 {
                    return Some((&body[..i], &body[i + 1..]));
                }
            }
            _ => {}
        }
    }
    None
}

/// `Sampling: bernoulli ('10'::real) REPEATABLE ('42'::double precision)`.
fn sampling<'a>(value: &'a str, out: &mut Pairs<'a>) {
    let (method, rest) = match value.find(" (") {
        Some(i) => (&value[..i], &value[i + 1..]),
        None => (value, ""),
    };
    out.push("Sampling Method", method);
    if let Some((params, after)) = parenthesized(rest) {
        out.push("Sampling Parameters", params);
        if let Some((seed, _)) = after
            .trim_start()
            .strip_prefix("REPEATABLE ")
            .and_then(parenthesized)
        {
            out.push("Repeatable Seed", seed);
        }
    }
}

/// Sets one property from TEXT on `target`: a known key through its typed field (retrying
/// without a unit such as ` ms`), anything else into `extra` (numbers and booleans as such).
pub(crate) fn set<T: Properties>(target: &mut T, key: &str, value: &str) -> Result<(), String> {
    match T::lookup(key) {
        Some(k) => match target.set_text(k, value) {
            Ok(()) => Ok(()),
            Err(e) if e.unknown_value => {
                // A value of a closed set this version does not know: kept in `extra`.
                if let Some(x) = target.extra_mut() {
                    insert_extra(x, key, Value::String(value.to_string()));
                }
                Ok(())
            }
            Err(e) => {
                let bare = value
                    .strip_suffix(" ms")
                    .or_else(|| value.strip_suffix("kB"))
                    .or_else(|| value.strip_suffix(" kB"));
                match bare.map(|b| target.set_text(k, b)) {
                    Some(Ok(())) => Ok(()),
                    _ => Err(format!("{key}: {}", e.message)),
                }
            }
        },
        None => {
            if let Some(x) = target.extra_mut() {
                insert_extra(x, key, text_value(value));
            }
            Ok(())
        }
    }
}

/// [`set`] for a number field printed in milliseconds (`Planning Time: 0.123 ms`): a plain
/// decimal before ` ms` is set as it is, which is where `set` ends (the whole value is no
/// number; it retries without the unit) without the failed conversion and its message.
pub(crate) fn set_ms<T: Properties>(target: &mut T, key: &str, value: &str) -> Result<(), String> {
    match value
        .strip_suffix(" ms")
        .filter(|n| crate::model::value::fast_decimal(n).is_some())
    {
        Some(number) => set(target, key, number),
        None => set(target, key, value),
    }
}

/// A property the model does not know, as JSON: a plain number or boolean as such (the server's
/// integer and boolean properties print that way), anything else as a string.
pub(crate) fn text_value(value: &str) -> Value {
    // `ExplainPropertyInteger(…, "b", …)` prints `363 b`; JSON prints the number.
    if let Some(n) = [" b", " kB", "kB", " ms"]
        .iter()
        .find_map(|u| value.strip_suffix(u))
        .map(plain_number)
        .filter(|v| !v.is_string())
    {
        return n;
    }
    match value {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        _ => plain_number(value),
    }
}

/// A plain number as a JSON number, anything else as a string.
fn plain_number(value: &str) -> Value {
    match value {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        _ => {
            let plain = !value.is_empty()
                && value
                    .bytes()
                    .enumerate()
                    .all(|(i, b)| b.is_ascii_digit() || (i == 0 && b == b'-') || b == b'.')
                && value.bytes().filter(|&b| b == b'.').count() <= 1
                && !value.ends_with('.')
                && !value.starts_with('.');
            match plain.then(|| value.parse::<f64>().ok()).flatten() {
                Some(_) if !value.contains('.') => value
                    .parse::<i64>()
                    .map(Value::from)
                    .unwrap_or_else(|_| Value::String(value.to_string())),
                Some(f) => serde_json::Number::from_f64(f)
                    .map(Value::Number)
                    .unwrap_or_else(|| Value::String(value.to_string())),
                None => Value::String(value.to_string()),
            }
        }
    }
}

/// Applies decomposed pairs to a target.
pub(crate) fn apply<T: Properties>(target: &mut T, pairs: &Pairs<'_>) -> Result<(), String> {
    for (k, v) in pairs.iter() {
        set(target, k, v)?;
    }
    Ok(())
}

/// A line inside a `JIT:` block: `Functions: N`, `Options: …`, `Timing: …`.
pub(crate) fn jit_line(
    jit: &mut Jit,
    label: &str,
    value: &str,
    ev: &mut Evidence,
) -> Result<(), String> {
    match label {
        "Options" => {
            let o = jit.options.get_or_insert_with(Default::default);
            for item in value.split(", ") {
                let (name, flag) = item.rsplit_once(' ').ok_or_else(|| {
                    format!("JIT Options: expected 'Name true|false', found {item:?}")
                })?;
                set::<JitOptions>(o, name, flag)?;
            }
            Ok(())
        }
        "Timing" => {
            let t = jit.timing.get_or_insert_with(Default::default);
            for item in value.split(", ") {
                // `Generation 1.2 ms (Deform 0.5 ms)` (17+) or `Inlining 3.4 ms`.
                let (main, deform) = match item.split_once(" (Deform ") {
                    Some((m, d)) => {
                        ev.at_least(17);
                        (m, Some(d.trim_end_matches(')').trim_end_matches(" ms")))
                    }
                    None => (item, None),
                };
                let main = main.trim_end_matches(" ms");
                let (name, v) = main
                    .rsplit_once(' ')
                    .ok_or_else(|| format!("JIT Timing: expected 'Name N ms', found {item:?}"))?;
                set::<JitTiming>(t, name, v)?;
                if let Some(d) = deform {
                    set::<JitTiming>(t, "Deform", d)?;
                }
            }
            Ok(())
        }
        _ => set(jit, label, value),
    }
}

/// `Trigger NAME[ for constraint CON][ on REL]: time=F calls=N` (the part after `Trigger `).
pub(crate) fn trigger_line(rest: &str) -> Result<Trigger, String> {
    let (who, stats) = rest
        .rsplit_once(": ")
        .ok_or_else(|| "a trigger line without ': time=… calls=…'".to_string())?;
    let mut t = Trigger::default();
    let (who, relation) = match who.rsplit_once(" on ") {
        Some((w, r)) => (w, Some(r)),
        None => (who, None),
    };
    let (name, constraint) = if let Some(c) = who.strip_prefix("for constraint ") {
        ("", Some(c))
    } else {
        match who.split_once(" for constraint ") {
            Some((n, c)) => (n, Some(c)),
            None => (who, None),
        }
    };
    if !name.is_empty() {
        t.trigger_name = Some(name.to_string());
    }
    t.constraint_name = constraint.map(str::to_string);
    t.relation = relation.map(str::to_string);
    for item in stats.split(' ').filter(|s| !s.is_empty()) {
        match item.split_once('=') {
            Some(("time", v)) => set(&mut t, "Time", v)?,
            Some(("calls", v)) => set(&mut t, "Calls", v)?,
            _ => {
                return Err(format!(
                    "unexpected {item:?} in a trigger line; expected time= or calls="
                ));
            }
        }
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(label: &str, line: &str) -> Vec<(&'static str, String)> {
        let value = &line[label.len() + 2..];
        let mut p = Pairs::new();
        match composite(label, value, &mut Evidence::default(), &mut p).unwrap() {
            Some(Composite::Pairs) => p.iter().map(|(k, v)| (k, v.to_string())).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn key_value_lines() {
        // Hand-made lines: one rule each (composite-line vocabularies), not plans.
        assert_eq!(
            pairs("Buffers", "Buffers: shared hit=5 read=2, temp written=3"),
            [
                ("Shared Hit Blocks", "5".into()),
                ("Shared Read Blocks", "2".into()),
                ("Temp Written Blocks", "3".into())
            ]
        );
        assert_eq!(
            pairs("WAL", "WAL: records=27 bytes=1818 buffers full=2"),
            [
                ("WAL Records", "27".into()),
                ("WAL Bytes", "1818".into()),
                ("WAL Buffers Full", "2".into())
            ]
        );
        assert_eq!(
            pairs(
                "Buckets",
                "Buckets: 262144 (originally 131072)  Batches: 1  Memory Usage: 10144kB"
            ),
            [
                ("Hash Buckets", "262144".into()),
                ("Original Hash Buckets", "131072".into()),
                ("Hash Batches", "1".into()),
                ("Original Hash Batches", "1".into()),
                ("Peak Memory Usage", "10144".into())
            ]
        );
        assert_eq!(
            pairs("Sort Method", "Sort Method:  quicksort  Memory: 25kB"),
            [
                ("Sort Method", "quicksort".into()),
                ("Sort Space Used", "25".into()),
                ("Sort Space Type", "Memory".into())
            ]
        );
    }

    /// `set_ms` sets what `set` sets, on every `… Time: N ms` line of the corpus.
    #[test]
    fn milliseconds_set_as_set_sets_them() {
        let mut seen = 0;
        for (path, text) in crate::input::tests::corpus_documents() {
            for line in text.lines() {
                let Some((label, value)) = line.trim().split_once(": ") else {
                    continue;
                };
                if !label.ends_with(" Time") || !value.ends_with(" ms") {
                    continue;
                }
                let key = if label.starts_with("Planning") {
                    "Planning Time"
                } else {
                    "Execution Time"
                };
                let (mut a, mut b) = (crate::model::Plan::default(), crate::model::Plan::default());
                assert_eq!(
                    set_ms(&mut a, key, value),
                    set(&mut b, key, value),
                    "{line}"
                );
                assert_eq!(a, b, "{}: {line}", path.display());
                seen += 1;
            }
        }
        assert!(seen > 4_000, "{seen}");
    }

    /// The one-pass `key=value` reader gives what splitting gives (pairs, version cues, errors
    /// and their offsets) on every `key=value` line of the corpus, and on each of them cut at
    /// every byte.
    #[test]
    fn kv_lines_read_as_split_reads_them() {
        let mut seen = 0;
        for (_, text) in crate::input::tests::corpus_documents() {
            for line in text.lines() {
                let line = line.trim();
                let Some((label, value)) = line.split_once(": ") else {
                    continue;
                };
                let label = label.trim_start_matches(['-', '>', ' ', '|', '"']);
                let Some((_, Layout::Kv(table, scoped), _)) =
                    COMPOSITES.iter().find(|(l, _, _)| *l == label)
                else {
                    continue;
                };
                seen += 1;
                for cut in (0..=value.len()).filter(|&c| value.is_char_boundary(c)) {
                    let v = &value[..cut];
                    let (mut e1, mut e2) = (Evidence::default(), Evidence::default());
                    let mut p = Pairs::new();
                    let fast = kv_line(v, table, *scoped, label, &mut e1, &mut p)
                        .map(|()| p.iter().collect::<Vec<_>>());
                    let slow = kv_line_split(v, table, *scoped, label, &mut e2)
                        .map(|p| p.iter().collect::<Vec<_>>());
                    assert_eq!(fast, slow, "{label}: {v}");
                    assert_eq!(format!("{e1:?}"), format!("{e2:?}"), "{label}: {v}");
                }
            }
        }
        assert!(seen > 10_000, "{seen}");
    }

    #[test]
    fn triggers() {
        let t = trigger_line("for constraint fk on child: time=0.230 calls=2").unwrap();
        assert_eq!(t.trigger_name, None);
        assert_eq!(t.constraint_name.as_deref(), Some("fk"));
        assert_eq!(t.relation.as_deref(), Some("child"));
        assert_eq!(t.calls, Some(2));
    }
}
