//! Lines → plans: indentation arithmetic (§7.1), sub-plan headers, worker blocks, query-level
//! trailer lines, multi-line values, several plans in one input.
//!
//! One pass over the lines with an explicit stack of open frames (node, sub-plan header, worker
//! block, JIT block, …), each with the column its line started at. Columns on the stack strictly
//! increase, so the frame a line belongs to — the deepest one starting left of it — is found by
//! binary search: parsing is linear in the input (times log depth), and never recursive.

use std::borrow::Cow;

use super::infer::{self, Evidence};
use super::names::Target;
use super::node_line::{self, Actual, NodeLine, Parsed};
use super::properties::{self, Composite, Pairs};
use crate::error::{Error, ErrorKind};
use crate::model::{
    Jit, Node, NodeId, NodeType, ParentRelationship, Plan, ScanDirection, TargetTable, Worker,
};
use crate::parse::ParseOptions;

/// One physical line.
#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    /// Offset of the line's first byte in the text.
    start: usize,
    /// Offset just past the line's end (its `\n`, or the end of the text).
    next: usize,
    /// The line without its end-of-line characters.
    raw: &'a str,
    /// Indentation in columns (a tab counts 4).
    indent: usize,
    /// The line without indentation and trailing whitespace.
    content: &'a str,
    /// Offset of `content` in the text.
    content_at: usize,
}

fn line_at(text: &str, start: usize) -> Option<Line<'_>> {
    if start >= text.len() {
        return None;
    }
    let rest = &text[start..];
    let (raw, next) = match memchr::memchr(b'\n', rest.as_bytes()) {
        Some(i) => (&rest[..i], start + i + 1),
        None => (rest, text.len()),
    };
    let raw = raw.strip_suffix('\r').unwrap_or(raw);
    // Leading spaces in bulk (deep plans indent by dozens), then spaces and tabs one by one.
    let mut lead = crate::input::frames::skip_spaces(raw.as_bytes(), 0);
    let mut indent = lead;
    for b in raw[lead..].bytes() {
        match b {
            b' ' => indent += 1,
            b'\t' => indent += 4,
            _ => break,
        }
        lead += 1;
    }
    // Most lines end in a visible ASCII character: nothing to trim.
    let content = match raw.as_bytes().last() {
        Some(b) if b.is_ascii_graphic() => &raw[lead..],
        _ => raw[lead..].trim_end(),
    };
    Some(Line {
        start,
        next,
        raw,
        indent,
        content,
        content_at: start + lead,
    })
}

/// Where a property line goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner {
    Node(NodeId),
    Worker(NodeId, usize),
    NodeJit(NodeId, usize),
    WorkerJit(NodeId, usize),
    TargetTable(NodeId, usize),
    Phase(NodeId),
    Planning,
    PlanJit,
    Serialization,
    /// A block the model does not know (`Label:` with indented lines): kept in the owner's extra.
    Skip,
}

#[derive(Debug)]
enum FrameKind {
    Node {
        id: NodeId,
        depth: usize,
    },
    Header {
        rel: ParentRelationship,
        name: String,
    },
    Group(Owner),
}

#[derive(Debug)]
struct Frame {
    col: usize,
    kind: FrameKind,
}

/// A property whose value may continue on the next lines (a string constant with newlines).
struct Pending<'a> {
    /// Whether the value so far ends inside a string constant (odd number of `'`); counted
    /// when a continuation line comes (most values have none).
    in_string: Option<bool>,
    owner: Owner,
    label: &'a str,
    value: Cow<'a, str>,
    at: usize,
}

/// Group keys of an Aggregate, collected line by line (plain `Group Key` or grouping sets).
#[derive(Debug, Default)]
pub(crate) struct Grouping {
    pub phases: Vec<Phase>,
}

/// One grouping-set phase.
#[derive(Debug, Default)]
pub(crate) struct Phase {
    pub sort_key: Option<Vec<String>>,
    pub hashed: bool,
    pub sets: Vec<Vec<String>>,
    /// Opened by a `Sort Key:` line (its group keys are indented below it).
    pub sorted_phase: bool,
}

/// The plan being read.
struct PlanState<'a> {
    plan: Plan,
    root_col: usize,
    frames: Vec<Frame>,
    pending: Option<Pending<'a>>,
    ev: Evidence,
    /// A query-level line was seen: the tree is complete.
    trailer: bool,
    groupings: Vec<(NodeId, Grouping)>,
}

/// What the whole parse keeps.
struct Parser<'a, 'o> {
    text: &'a str,
    options: &'o ParseOptions,
    plans: Vec<Plan>,
    cur: Option<PlanState<'a>>,
    /// `Query Text:` seen before a root (auto_explain).
    preamble: Option<(String, Option<String>)>,
    /// Before a root: the last line skipped that could be a node line of a type this parser
    /// does not know, without blocks (COSTS OFF): it is the root if a child line follows.
    unknown_root: Option<Line<'a>>,
    blank: bool,
    /// `Query rewrites to nothing` was seen (JSON prints `[]` for it: no plan, no error).
    rewrites_to_nothing: bool,
    /// Estimate of the nodes still to come (`->` marks plus one per plan): each plan's arena is
    /// allocated once, at its size (no reallocation copying nodes; no spare capacity).
    nodes_left: usize,
}

/// Parses TEXT (already unframed) into plans.
pub(crate) fn parse(text: &str, options: &ParseOptions) -> Result<Vec<Plan>, Error> {
    run(text, options, false).map(|plans| plans.expect("not checking frames"))
}

/// Parses TEXT that may be framed, as long as every line is plain
/// ([`frames::plain_line`](crate::input::frames::plain_line)): then `unframe` would leave the
/// text as it is. `Ok(None)` when a line is not plain (the caller unframes and parses again).
pub(crate) fn parse_if_plain(
    text: &str,
    options: &ParseOptions,
) -> Result<Option<Vec<Plan>>, Error> {
    run(text, options, true)
}

/// Whether a line is plain and ends without a carriage return (see [`parse_if_plain`]).
fn plain(text: &str, line: &Line<'_>) -> bool {
    let cr = text.as_bytes().get(line.start + line.raw.len()) == Some(&b'\r');
    !cr && crate::input::frames::plain_line(line.content.as_bytes())
}

/// The parse; with `check_frames`, `Ok(None)` at the first line that is not plain.
fn run(text: &str, options: &ParseOptions, check_frames: bool) -> Result<Option<Vec<Plan>>, Error> {
    let mut p = Parser {
        text,
        options,
        plans: Vec::new(),
        cur: None,
        preamble: None,
        unknown_root: None,
        blank: false,
        rewrites_to_nothing: false,
        nodes_left: crate::input::static_finder!(b"->")
            .find_iter(text.as_bytes())
            .count()
            + 1,
    };
    let mut pos = 0;
    while let Some(line) = line_at(text, pos) {
        if check_frames && !plain(text, &line) {
            return Ok(None);
        }
        pos = p.line(line)?;
        if check_frames && pos > line.next {
            // Lines joined to this one (a node line a terminal cut) were not looked at.
            let mut at = line.next;
            while let Some(joined) = line_at(text, at).filter(|_| at < pos) {
                if !plain(text, &joined) {
                    return Ok(None);
                }
                at = joined.next;
            }
        }
    }
    p.finish_plan()?;
    if p.plans.is_empty() && !p.rewrites_to_nothing {
        return Err(Error::raw(
            ErrorKind::Syntax,
            "no plan found: expected a node line such as 'Seq Scan on t  (cost=0.00..1.00 rows=1 width=4)'",
            0,
        ));
    }
    Ok(Some(p.plans))
}

/// Whether a line could be a node line without blocks (COSTS OFF) of a type this parser does not
/// know: the words of its name, up to a target (` on `, ` using `) or a parenthesis, each start
/// with a capital letter, as every node name PostgreSQL prints does (`Foreign Update`).
fn could_be_node_name(content: &str) -> bool {
    let name = [" on ", " using ", " ("]
        .iter()
        .filter_map(|sep| content.find(sep))
        .min()
        .map_or(content, |end| &content[..end]);
    !name.is_empty()
        && name
            .split(' ')
            .all(|w| w.bytes().next().is_some_and(|b| b.is_ascii_uppercase()))
}

/// Top-level lines that belong to the query, not to a node (§2.1).
fn trailer_label(label: &str) -> bool {
    matches!(
        label,
        "Planning Time"
            | "Planning time"
            | "Execution Time"
            | "Execution time"
            | "Total runtime"
            | "Settings"
            | "Query Identifier"
            | "Planning"
            | "JIT"
            | "Serialization"
            | "Query Text"
            | "Query Parameters"
    )
}

/// What the server prints instead of a plan (§2.1, §2.2).
fn placeholder(content: &str) -> Option<Option<&'static str>> {
    match content {
        "Query rewrites to nothing" => Some(None),
        "NOTIFY" => Some(Some("Notify")),
        "Utility statements have no plan structure" => Some(Some("Utility Statement")),
        _ => None,
    }
}

/// Splits `Label: value` / `Label:`; the label must look like one (no leading digit or symbol,
/// no trailing space).
fn split_label(content: &str) -> Option<(&str, &str)> {
    // One pass over the bytes (labels are short): the first `: ` (a colon followed by a space),
    // and the first two spaces in a row before it.
    let b = content.as_bytes();
    let (mut colon, mut two_spaces) = (None, None);
    for i in 0..b.len() {
        match (b[i], b.get(i + 1)) {
            (b':', Some(b' ')) => {
                colon = Some(i);
                break;
            }
            (b' ', Some(b' ')) if two_spaces.is_none() => two_spaces = Some(i),
            _ => {}
        }
    }
    let (label, value) = match colon {
        Some(i) => (&content[..i], &content[i + 2..]),
        None => (content.strip_suffix(':')?, ""),
    };
    let first = match label.as_bytes().first()? {
        c if c.is_ascii() => c.is_ascii_alphabetic(),
        _ => label.chars().next()?.is_alphabetic(),
    };
    // `label` holds two spaces in a row when the first pair starts before its last byte.
    let spaced = two_spaces.is_some_and(|i| i + 1 < label.len());
    (first && !label.ends_with(' ') && !spaced).then_some((label, value))
}

/// Whether a value ends inside a string constant (SQL doubles quotes, so parity tells).
fn odd_quotes(value: &str) -> bool {
    memchr::memchr_iter(b'\'', value.as_bytes()).count() % 2 == 1
}

/// `InitPlan N (returns $x)`, `InitPlan N`, `SubPlan N`, `CTE name`.
fn header(content: &str, ev: &mut Evidence) -> Option<ParentRelationship> {
    // Most lines are properties: ruled out by their first byte before any comparison.
    if !matches!(content.as_bytes().first(), Some(b'I' | b'S' | b'C')) {
        return None;
    }
    let number_then = |rest: &str| -> Option<usize> {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        (digits > 0).then_some(digits)
    };
    // 8.x printed the headers without numbers.
    match content {
        "InitPlan" => return Some(ParentRelationship::InitPlan),
        "SubPlan" => return Some(ParentRelationship::SubPlan),
        _ => {}
    }
    if let Some(rest) = content.strip_prefix("InitPlan ") {
        let d = number_then(rest)?;
        match &rest[d..] {
            "" => ev.at_least(17),
            r if r.starts_with(" (returns ") && r.ends_with(')') => ev.at_most(16),
            _ => return None,
        }
        return Some(ParentRelationship::InitPlan);
    }
    if let Some(rest) = content.strip_prefix("SubPlan ") {
        let d = number_then(rest)?;
        return rest[d..].is_empty().then_some(ParentRelationship::SubPlan);
    }
    if let Some(name) = content.strip_prefix("CTE ") {
        return (!name.is_empty() && !name.contains(": ")).then_some(ParentRelationship::InitPlan);
    }
    None
}

/// `Worker N:` → (N, rest after the colon).
fn worker_line(content: &str) -> Option<(i64, &str)> {
    if content.as_bytes().first() != Some(&b'W') {
        return None;
    }
    let rest = content.strip_prefix("Worker ")?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let n = rest[..digits].parse().ok()?;
    let after = rest[digits..].strip_prefix(':')?;
    Some((n, after))
}

impl<'a> Parser<'a, '_> {
    fn err(&self, kind: ErrorKind, at: usize, message: impl Into<String>) -> Error {
        Error::raw(kind, message, at)
    }

    /// Handles one line; returns where the next line starts.
    fn line(&mut self, line: Line<'a>) -> Result<usize, Error> {
        if line.content.is_empty() {
            self.blank = true;
            self.unknown_root = None;
            return Ok(line.next);
        }
        let next = match self.cur.is_some() {
            false => self.seeking(line)?,
            true => self.in_plan(line)?,
        };
        self.blank = false;
        Ok(next)
    }

    /// Before a root: skip junk, collect `Query Text:`, find the root node line.
    fn seeking(&mut self, line: Line<'a>) -> Result<usize, Error> {
        if let Some(p) = placeholder(line.content) {
            self.push_placeholder(p);
            return Ok(line.next);
        }
        // (Only `Query …` lines matter here: the root line is not split.)
        let query = line.content.starts_with("Query ");
        if let Some((label, value)) = query.then(|| split_label(line.content)).flatten() {
            if label == "Query Text" {
                self.preamble = Some((value.to_string(), None));
                return Ok(line.next);
            }
            if label == "Query Parameters" {
                if let Some(p) = &mut self.preamble {
                    p.1 = Some(value.to_string());
                }
                return Ok(line.next);
            }
        }
        if let Some((node, next)) = self.try_node(line, true)? {
            if let Some(root) = self.unknown_root.take() {
                if line.content.starts_with("->") && root.indent < line.indent {
                    return self.start_unknown_root(root, line, (node, next));
                }
            }
            self.start_plan(line, node)?;
            return Ok(next);
        }
        if could_be_node_name(line.content) {
            self.unknown_root = Some(line);
        } else if split_label(line.content).is_none() {
            // Neither a node line nor one of its properties: the candidate was prose.
            self.unknown_root = None;
        }
        if let Some((q, _)) = &mut self.preamble {
            // The query text continues until the root.
            q.push('\n');
            q.push_str(line.raw);
        }
        Ok(line.next)
    }

    /// A child line (`->`) follows a skipped line to its left that could name a node (a node
    /// type this parser does not know, COSTS OFF): that line is the root, and the lines after
    /// it are read again as its properties and children. (`child` was read as a node already:
    /// it starts the plan if the root line does not parse after all.)
    fn start_unknown_root(
        &mut self,
        root: Line<'a>,
        line: Line<'a>,
        child: (NodeAndCues, usize),
    ) -> Result<usize, Error> {
        // Read as a child line: there, an unknown name is a node.
        let as_child = format!("->  {}", root.content);
        let Ok(Parsed::Node(nl)) = node_line::parse(&as_child, false) else {
            self.start_plan(line, child.0)?;
            return Ok(child.1);
        };
        if let Some((q, _)) = &mut self.preamble {
            // The query text ended before the root, not before the child.
            if let Some(cut) = q.rfind(root.raw) {
                q.truncate(cut.saturating_sub(1));
            }
        }
        self.start_plan(root, make_node(&nl))?;
        Ok(root.next)
    }

    fn push_placeholder(&mut self, p: Option<&'static str>) {
        self.rewrites_to_nothing |= p.is_none();
        if let Some(u) = p {
            let plan = Plan {
                utility: Some(u.to_string()),
                ..Plan::default()
            };
            self.plans.push(plan);
        }
    }

    /// Parses a node line (joining lines a terminal cut); `Ok(None)` if it is not one.
    fn try_node(
        &mut self,
        line: Line<'a>,
        root_position: bool,
    ) -> Result<Option<(NodeAndCues, usize)>, Error> {
        match node_line::parse(line.content, root_position) {
            Ok(Parsed::Node(nl)) => {
                let bare = nl.cost.is_none() && nl.actual == Actual::None;
                let cut_before_actual = nl.actual == Actual::None
                    && line_at(self.text, line.next)
                        .is_some_and(|n| node_line::starts_with_block(n.content));
                if cut_before_actual {
                    if let Ok(Some(joined)) = self.join_wrapped(line, root_position) {
                        return Ok(Some(joined));
                    }
                }
                if bare {
                    // A node line a terminal cut before its blocks (even inside a name).
                    if let Some(next) = line_at(self.text, line.next) {
                        if !next.content.starts_with("->")
                            && split_label(next.content).is_none()
                            && ["(cost=", "(actual ", "(never executed)"]
                                .iter()
                                .any(|o| next.content.contains(o))
                        {
                            if let Ok(Some(joined)) = self.join_wrapped(line, root_position) {
                                return Ok(Some(joined));
                            }
                        }
                    }
                }
                Ok(Some((make_node(&nl), line.next)))
            }
            Ok(Parsed::NotNode) => {
                // A node line whose blocks start on the next line.
                if let Some(next) = line_at(self.text, line.next) {
                    if node_line::starts_with_block(next.content) {
                        return self.join_wrapped(line, root_position);
                    }
                }
                Ok(None)
            }
            Ok(Parsed::Incomplete) => self.join_wrapped(line, root_position),
            Err(e) => {
                if root_position
                    && !line.content.starts_with("->")
                    && !self.looks_like_node(line.content)
                {
                    return Ok(None);
                }
                Err(self.err(ErrorKind::Syntax, line.content_at + e.at, e.message))
            }
        }
    }

    /// Whether a line at a root position that fails to parse was meant as a node line (it
    /// starts with a known node name): then its error is reported, else it is junk.
    fn looks_like_node(&self, content: &str) -> bool {
        let head = content.split("  (").next().unwrap_or(content);
        let head = head.split(" (").next().unwrap_or(head);
        let head = head.strip_prefix("Parallel ").unwrap_or(head);
        super::names::longest_known(head).is_some()
    }

    /// Joins up to eight following lines to a node line a terminal cut.
    fn join_wrapped(
        &mut self,
        line: Line<'a>,
        root_position: bool,
    ) -> Result<Option<(NodeAndCues, usize)>, Error> {
        let mut joined = line.raw[line.content_at - line.start..].to_string();
        let mut next = line.next;
        let mut last_err = None;
        for _ in 0..8 {
            let Some(more) = line_at(self.text, next) else {
                break;
            };
            if more.content.is_empty() {
                break;
            }
            // The cut may have eaten a space (trailing blanks are often trimmed).
            let candidates = [
                format!("{joined}{}", more.raw),
                format!("{} {}", joined.trim_end(), more.raw.trim_start()),
                format!("{}{}", joined.trim_end(), more.raw.trim_start()),
            ];
            next = more.next;
            let mut incomplete = false;
            last_err = None;
            for cand in &candidates {
                match node_line::parse(cand, root_position) {
                    Ok(Parsed::Node(nl)) => return Ok(Some((make_node(&nl), next))),
                    Ok(Parsed::Incomplete) => incomplete = true,
                    Ok(Parsed::NotNode) => {}
                    Err(e) => last_err = Some(e),
                }
            }
            if !incomplete {
                break;
            }
            joined = candidates[0].clone();
        }
        // Not a wrapped node line after all.
        if root_position && !self.looks_like_node(line.content) {
            return Ok(None);
        }
        let message = match last_err {
            Some(e) => e.message,
            None => {
                "a node line whose cost or actual block is cut off: expected ')' closing the block"
                    .to_string()
            }
        };
        let at = line.content_at + line.content.rfind('(').unwrap_or(line.content.len());
        Err(self.err(ErrorKind::Syntax, at, message))
    }

    fn start_plan(&mut self, line: Line<'a>, node: NodeAndCues) -> Result<(), Error> {
        let mut plan = Plan::default();
        plan.nodes.reserve_exact(self.nodes_left.max(1));
        if let Some((q, params)) = self.preamble.take() {
            plan.query_text = Some(q);
            plan.query_parameters = params;
        }
        let mut ev = Evidence::default();
        node.cues(&mut ev);
        let id = plan.push_node(None, node.node);
        self.cur = Some(PlanState {
            plan,
            root_col: line.indent,
            frames: vec![Frame {
                col: line.indent,
                kind: FrameKind::Node { id, depth: 1 },
            }],
            pending: None,
            ev,
            trailer: false,
            groupings: Vec::new(),
        });
        Ok(())
    }

    fn finish_plan(&mut self) -> Result<(), Error> {
        self.flush()?;
        if let Some(st) = self.cur.take() {
            let mut plan = st.plan;
            self.nodes_left = self
                .nodes_left
                .saturating_sub(plan.nodes.len().saturating_sub(1));
            crate::parse::build::fit(&mut plan.nodes);
            infer::infer(&mut plan, &st.ev, st.groupings);
            crate::parse::infer_options(&mut plan, false);
            self.plans.push(plan);
        }
        Ok(())
    }

    fn st(&mut self) -> &mut PlanState<'a> {
        self.cur.as_mut().expect("inside a plan")
    }

    /// Applies the pending property.
    fn flush(&mut self) -> Result<(), Error> {
        let Some(st) = self.cur.as_mut() else {
            return Ok(());
        };
        let Some(p) = st.pending.take() else {
            return Ok(());
        };
        st.apply(p.owner, p.label, &p.value)
            .map_err(|(off, m)| Error::raw(ErrorKind::Invalid, m, p.at + off))
    }

    /// A line inside a plan.
    fn in_plan(&mut self, line: Line<'a>) -> Result<usize, Error> {
        let root_col = self.st().root_col;
        let arrow = line.content.starts_with("->");
        if line.indent <= root_col && !arrow {
            return self.top_level(line);
        }
        // Query-level lines pasted one column off (nothing of the root's lives there).
        if line.indent == root_col + 1
            && (line.content.starts_with("Trigger ")
                || split_label(line.content).is_some_and(|(l, _)| trailer_label(l)))
        {
            return self.top_level(line);
        }
        if arrow && line.indent <= root_col {
            // A child drawn at the root's column (indentation mangled by hand): a node line with
            // blocks is a child of the root; anything else continues a multi-line value (§5.1).
            // (After a query-level line no frame is open: then it is not a child either.)
            return match node_line::parse(line.content, false) {
                Ok(Parsed::Node(nl))
                    if (nl.cost.is_some() || nl.actual != Actual::None)
                        && !self.st().frames.is_empty() =>
                {
                    self.child_node(line, 1)
                }
                _ => self.continuation(line),
            };
        }
        let keep = self.st().frames.partition_point(|f| f.col < line.indent);
        if keep == 0 {
            return self.continuation(line);
        }
        if arrow {
            return self.child_node(line, keep);
        }
        let owner_kind = self.owner_of(keep);
        match owner_kind {
            // Between a sub-plan header and its node: a continuation at most.
            OwnerAt::Header => self.continuation(line),
            OwnerAt::Node(id) => {
                if let Some(rel) = header(line.content, &mut self.st().ev) {
                    self.flush()?;
                    let st = self.st();
                    st.frames.truncate(keep);
                    st.frames.push(Frame {
                        col: line.indent,
                        kind: FrameKind::Header {
                            rel,
                            name: line.content.to_string(),
                        },
                    });
                    return Ok(line.next);
                }
                if let Some((n, rest)) = worker_line(line.content) {
                    self.flush()?;
                    let st = self.st();
                    st.frames.truncate(keep);
                    let node = &mut st.plan.nodes[id];
                    let workers = node.details_mut().workers.get_or_insert_with(Vec::new);
                    let index = match workers.iter().position(|w| w.worker_number == Some(n)) {
                        Some(i) => i,
                        None => {
                            workers.push(Worker {
                                worker_number: Some(n),
                                ..Worker::default()
                            });
                            workers.len() - 1
                        }
                    };
                    st.frames.push(Frame {
                        col: line.indent,
                        kind: FrameKind::Group(Owner::Worker(id, index)),
                    });
                    let first = rest.trim_start();
                    if !first.is_empty() {
                        let two = rest.starts_with("  ");
                        let at = line.content_at + (line.content.len() - first.len());
                        if let Some((actual, frac)) = node_line::worker_actual(first) {
                            if two {
                                st.ev.at_least(13);
                            } else {
                                st.ev.at_most(12);
                            }
                            if frac {
                                st.ev.at_least(18);
                            }
                            st.ev.verbose = true;
                            set_worker_actual(&mut st.plan.nodes[id], index, actual);
                        } else {
                            self.property(Owner::Worker(id, index), first, at)?;
                        }
                    }
                    return Ok(line.next);
                }
                if let Some(n) = Some(line.content)
                    .filter(|c| c.as_bytes().first() == Some(&b'J'))
                    .and_then(|c| c.strip_prefix("JIT for worker "))
                    .and_then(|r| r.strip_suffix(':'))
                    .and_then(|r| r.parse::<i64>().ok())
                {
                    self.flush()?;
                    let st = self.st();
                    st.ev.at_least(11);
                    st.ev.at_most(12);
                    st.frames.truncate(keep);
                    let jits = st.plan.nodes[id]
                        .gather
                        .get_or_insert_with(Default::default)
                        .jit
                        .get_or_insert_with(Vec::new);
                    jits.push(Jit {
                        worker_number: Some(n),
                        ..Jit::default()
                    });
                    let index = jits.len() - 1;
                    st.frames.push(Frame {
                        col: line.indent,
                        kind: FrameKind::Group(Owner::NodeJit(id, index)),
                    });
                    return Ok(line.next);
                }
                if self.st().plan.nodes[id].node_type == Some(NodeType::ModifyTable)
                    && !line.content.contains(": ")
                {
                    if let Ok(Parsed::Node(nl)) = node_line::parse(line.content, false) {
                        if nl.cost.is_none() && nl.actual == Actual::None {
                            self.flush()?;
                            let st = self.st();
                            st.frames.truncate(keep);
                            let t = nl.target.clone().unwrap_or_default();
                            let object = t.object.map(Cow::into_owned);
                            let table = TargetTable {
                                alias: t.alias.map(Cow::into_owned).or_else(|| object.clone()),
                                relation_name: object,
                                schema: t.schema.map(Cow::into_owned),
                                ..TargetTable::default()
                            };
                            let mt = st.plan.nodes[id]
                                .modify_table
                                .get_or_insert_with(Default::default);
                            let tables = mt.target_tables.get_or_insert_with(Vec::new);
                            tables.push(table);
                            let index = tables.len() - 1;
                            st.frames.push(Frame {
                                col: line.indent,
                                kind: FrameKind::Group(Owner::TargetTable(id, index)),
                            });
                            return Ok(line.next);
                        }
                    }
                }
                self.owned_property(line, keep, Owner::Node(id))
            }
            OwnerAt::Group(owner) => {
                if line.content == "JIT:" {
                    if let Owner::Worker(id, w) = owner {
                        self.flush()?;
                        let st = self.st();
                        st.frames.truncate(keep);
                        if let Some(workers) = workers_mut(&mut st.plan.nodes[id]) {
                            workers[w].jit.get_or_insert_with(Default::default);
                        }
                        st.frames.push(Frame {
                            col: line.indent,
                            kind: FrameKind::Group(Owner::WorkerJit(id, w)),
                        });
                        return Ok(line.next);
                    }
                }
                self.owned_property(line, keep, owner)
            }
        }
    }

    /// The owner of a line that keeps `keep` frames.
    fn owner_of(&mut self, keep: usize) -> OwnerAt {
        match &self.st().frames[keep - 1].kind {
            FrameKind::Node { id, .. } => OwnerAt::Node(*id),
            FrameKind::Header { .. } => OwnerAt::Header,
            FrameKind::Group(o) => OwnerAt::Group(*o),
        }
    }

    /// A `Label: value` line (or a continuation) owned by `owner`.
    fn owned_property(
        &mut self,
        line: Line<'a>,
        keep: usize,
        owner: Owner,
    ) -> Result<usize, Error> {
        let Some((label, value)) = split_label(line.content) else {
            return self.continuation(line);
        };
        self.flush()?;
        let st = self.st();
        st.frames.truncate(keep);
        // Grouping-set phases: `Sort Key:` on an Aggregate opens a phase whose keys follow +2.
        if let Owner::Node(id) = owner {
            if label == "Sort Key" && st.plan.nodes[id].node_type == Some(NodeType::Aggregate) {
                let g = st.grouping(id);
                g.phases.push(Phase {
                    sort_key: Some(crate::model::value::split_text_list(value)),
                    sorted_phase: true,
                    ..Phase::default()
                });
                st.frames.push(Frame {
                    col: line.indent,
                    kind: FrameKind::Group(Owner::Phase(id)),
                });
                return Ok(line.next);
            }
        }
        if value.is_empty() && line.content.ends_with(':') {
            // A block the model does not know (an extension's, or a future version's).
            let st = self.st();
            st.frames.push(Frame {
                col: line.indent,
                kind: FrameKind::Group(Owner::Skip),
            });
            st.pending = Some(Pending {
                in_string: None,
                owner,
                label,
                value: Cow::Borrowed(value),
                at: line.content_at + (line.content.len() - value.len()),
            });
            return Ok(line.next);
        }
        self.pend(owner, line.content, line.content_at, label, value);
        Ok(line.next)
    }

    /// Starts a pending property from `content` (`Label: value`) at offset `at`.
    fn property(&mut self, owner: Owner, content: &'a str, at: usize) -> Result<(), Error> {
        self.flush()?;
        let Some((label, value)) = split_label(content) else {
            return Err(self.err(
                ErrorKind::Syntax,
                at,
                format!(
                    "expected a property 'Label: value', found {:?}",
                    crate::model::value::clip(content)
                ),
            ));
        };
        self.pend(owner, content, at, label, value);
        Ok(())
    }

    /// Makes `label: value` (split from `content`, at offset `at`) the pending property
    /// (the previous one already applied).
    fn pend(&mut self, owner: Owner, content: &'a str, at: usize, label: &'a str, value: &'a str) {
        self.st().pending = Some(Pending {
            in_string: None,
            owner,
            label,
            value: Cow::Borrowed(value),
            at: at + (content.len() - value.len()),
        });
    }

    /// A line that continues the pending value (a string constant with a newline); junk when
    /// nothing is pending.
    fn continuation(&mut self, line: Line<'a>) -> Result<usize, Error> {
        let blank = self.blank;
        let root_col = self.st().root_col;
        if let Some(p) = self.st().pending.as_mut() {
            if !blank {
                let in_string = *p.in_string.get_or_insert_with(|| odd_quotes(&p.value));
                let s = p.value.to_mut();
                let before = s.len();
                if in_string {
                    // Inside a string constant: the server's own newline (§5.1); the
                    // continuation starts at the root's column (psql's margin removed).
                    let lead = line.raw.len() - line.raw.trim_start().len();
                    s.push('\n');
                    s.push_str(line.raw[lead.min(root_col)..].trim_end());
                } else {
                    // A line a terminal cut: the pieces join as they are.
                    s.push_str(line.raw.trim_end());
                }
                let added = memchr::memchr_iter(b'\'', &s.as_bytes()[before..]).count();
                p.in_string = Some(in_string ^ (added % 2 == 1));
            }
        }
        Ok(line.next)
    }

    /// A `->` line at an indentation that keeps `keep` frames.
    fn child_node(&mut self, line: Line<'a>, keep: usize) -> Result<usize, Error> {
        let Some((node, next)) = self.try_node(line, false)? else {
            return self.continuation(line);
        };
        self.flush()?;
        let max_depth = self.options.max_depth;
        let st = self.st();
        node.cues(&mut st.ev);
        // The parent: the deepest node frame kept; a header in between names the relationship.
        let mut header: Option<(ParentRelationship, String)> = None;
        let mut parent = None;
        let mut k = keep;
        while k > 0 {
            match &st.frames[k - 1].kind {
                FrameKind::Node { id, depth } => {
                    parent = Some((*id, *depth));
                    break;
                }
                FrameKind::Header { rel, name } => {
                    if header.is_none() && k == keep {
                        header = Some((*rel, name.clone()));
                    }
                }
                FrameKind::Group(_) => {}
            }
            k -= 1;
        }
        let Some((parent, depth)) = parent else {
            return Ok(next);
        };
        if depth >= max_depth {
            return Err(Error::raw(
                ErrorKind::TooDeep,
                format!(
                    "the plan nests deeper than {max_depth} levels; raise the limit if the plan is real (ParseOptions::max_depth, planlint --max-depth)"
                ),
                line.content_at,
            ));
        }
        // Frames above the header (or above the parent) are closed.
        let truncate_to = if header.is_some() { keep } else { k };
        st.frames.truncate(truncate_to);
        // Columns on the stack strictly increase, even when the input's do not.
        let col = line.indent.max(st.frames.last().map_or(0, |f| f.col + 1));
        let mut n = node.node;
        if let Some((rel, name)) = header {
            n.parent_relationship = Some(rel);
            n.subplan_name = Some(name);
        }
        let id = st.plan.push_node(Some(parent), n);
        st.frames.push(Frame {
            col,
            kind: FrameKind::Node {
                id,
                depth: depth + 1,
            },
        });
        Ok(next)
    }

    /// A line at the root's column (or left of it).
    fn top_level(&mut self, line: Line<'a>) -> Result<usize, Error> {
        if let Some(p) = placeholder(line.content) {
            self.finish_plan()?;
            self.push_placeholder(p);
            return Ok(line.next);
        }
        if let Some(rest) = line.content.strip_prefix("Trigger ") {
            if rest.contains(": ") {
                self.flush()?;
                let t = properties::trigger_line(rest)
                    .map_err(|m| Error::raw(ErrorKind::Invalid, m, line.content_at))?;
                let st = self.st();
                st.frames.clear();
                st.trailer = true;
                st.ev.analyze = true;
                st.plan.triggers.get_or_insert_with(Vec::new).push(t);
                return Ok(line.next);
            }
        }
        if let Some((label, value)) = split_label(line.content) {
            if trailer_label(label) {
                self.flush()?;
                return self.trailer(line, label, value);
            }
        }
        // A new plan: a node line at the root's column.
        let may_start = self.blank || self.st().trailer;
        if let Some((node, next)) = self.try_root(line, may_start)? {
            self.finish_plan()?;
            self.start_plan(line, node)?;
            return Ok(next);
        }
        if self.st().trailer || self.blank {
            if let Some((label, value)) = split_label(line.content) {
                if label != "Time" && !value.is_empty() && self.st().trailer {
                    // A query-level property the model does not know (an extension's).
                    self.flush()?;
                    let st = self.st();
                    properties::set(&mut st.plan, label, value)
                        .map_err(|m| Error::raw(ErrorKind::Invalid, m, line.content_at))?;
                }
            }
            return Ok(line.next);
        }
        self.continuation(line)
    }

    /// A node line that starts a new plan: with a block, or (COSTS OFF) after a blank line or
    /// the trailer.
    fn try_root(
        &mut self,
        line: Line<'a>,
        may_start_bare: bool,
    ) -> Result<Option<(NodeAndCues, usize)>, Error> {
        match self.try_node(line, true) {
            Ok(Some((n, next))) if n.has_blocks || may_start_bare => Ok(Some((n, next))),
            Ok(_) => Ok(None),
            Err(e) => {
                if self.st().pending.is_some() && !self.blank && !self.st().trailer {
                    // Inside a multi-line value: not a plan line.
                    Ok(None)
                } else {
                    Err(e)
                }
            }
        }
    }

    /// A query-level line.
    fn trailer(&mut self, line: Line<'a>, label: &'a str, value: &'a str) -> Result<usize, Error> {
        let at = line.content_at + (line.content.len() - value.len());
        let st = self.st();
        st.frames.clear();
        st.trailer = true;
        let res: Result<(), String> = match label {
            "Planning Time" | "Planning time" | "Execution Time" | "Execution time"
            | "Total runtime" => {
                match label {
                    "Planning time" | "Execution time" => st.ev.at_most(10),
                    "Total runtime" => st.ev.at_most(9),
                    _ => st.ev.at_least(11),
                }
                let key = if label.starts_with("Planning") {
                    "Planning Time"
                } else {
                    st.ev.analyze = true;
                    "Execution Time"
                };
                properties::set_ms(&mut st.plan, key, value)
            }
            "Planning" => {
                st.ev.at_least(13);
                st.plan.planning.get_or_insert_with(Default::default);
                st.frames.push(Frame {
                    col: line.indent,
                    kind: FrameKind::Group(Owner::Planning),
                });
                Ok(())
            }
            "JIT" => {
                st.ev.at_least(11);
                st.plan.jit.get_or_insert_with(Default::default);
                st.frames.push(Frame {
                    col: line.indent,
                    kind: FrameKind::Group(Owner::PlanJit),
                });
                Ok(())
            }
            "Serialization" => {
                let pairs = properties::serialization(value, &mut st.ev)
                    .map_err(|(o, m)| Error::raw(ErrorKind::Invalid, m, at + o))?;
                let s: &mut crate::model::Serialization =
                    st.plan.serialization.get_or_insert_with(Default::default);
                let r = properties::apply(s, &pairs);
                st.frames.push(Frame {
                    col: line.indent,
                    kind: FrameKind::Group(Owner::Serialization),
                });
                r
            }
            "Settings" => {
                st.ev.at_least(12);
                properties::set(&mut st.plan, label, value)
            }
            "Query Identifier" => {
                st.ev.at_least(14);
                st.ev.verbose = true;
                properties::set(&mut st.plan, label, value)
            }
            _ => properties::set(&mut st.plan, label, value),
        };
        res.map_err(|m| Error::raw(ErrorKind::Invalid, m, at))?;
        Ok(line.next)
    }
}

/// The owner frame of a line.
enum OwnerAt {
    Node(NodeId),
    Header,
    Group(Owner),
}

impl PlanState<'_> {
    fn grouping(&mut self, id: NodeId) -> &mut Grouping {
        match self.groupings.iter().position(|(n, _)| *n == id) {
            Some(i) => &mut self.groupings[i].1,
            None => {
                self.groupings.push((id, Grouping::default()));
                &mut self.groupings.last_mut().expect("just pushed").1
            }
        }
    }

    /// Applies a property to its owner; errors carry an offset in the value.
    fn apply(&mut self, owner: Owner, label: &str, value: &str) -> Result<(), (usize, String)> {
        let ev = &mut self.ev;
        infer::label_cue(label, ev);
        if node_line::find(value, "Plan ").is_some() {
            infer::expression_cue(value, ev);
        }
        let plain = |e: String| (0usize, e);
        match owner {
            Owner::Node(id) => {
                if self.plan.nodes[id].node_type == Some(NodeType::Aggregate)
                    && (label == "Group Key" || label == "Hash Key")
                {
                    let hashed = label == "Hash Key";
                    if hashed {
                        self.ev.at_least(10);
                    }
                    let keys = group_set(value);
                    let g = self.grouping(id);
                    match g.phases.last_mut() {
                        // Each hashed set is a phase of its own; sorted sets share one.
                        Some(p) if !p.sorted_phase && !hashed && !p.hashed => p.sets.push(keys),
                        _ => g.phases.push(Phase {
                            hashed,
                            sets: vec![keys],
                            ..Phase::default()
                        }),
                    }
                    return Ok(());
                }
                let node = &mut self.plan.nodes[id];
                node_property(node, label, value, &mut self.ev)
            }
            Owner::Phase(id) => {
                let keys = group_set(value);
                let hashed = label == "Hash Key";
                let g = self.grouping(id);
                if let Some(p) = g.phases.last_mut() {
                    p.hashed = hashed;
                    p.sets.push(keys);
                }
                Ok(())
            }
            Owner::Worker(id, w) => {
                let Some(worker) = workers_mut(&mut self.plan.nodes[id]).and_then(|v| v.get_mut(w))
                else {
                    return Ok(());
                };
                let mut p = Pairs::new();
                match properties::composite(label, value, &mut self.ev, &mut p)? {
                    Some(Composite::Pairs) => properties::apply(worker, &p).map_err(plain),
                    Some(Composite::SortGroups(key, g)) => {
                        let s = worker.sort.get_or_insert_with(Default::default);
                        set_sort_groups(s, key, g);
                        Ok(())
                    }
                    None => properties::set(worker, label, value).map_err(plain),
                }
            }
            Owner::NodeJit(id, i) => {
                let ev = &mut self.ev;
                match self.plan.nodes[id]
                    .gather
                    .as_mut()
                    .and_then(|g| g.jit.as_mut())
                    .and_then(|v| v.get_mut(i))
                {
                    Some(j) => properties::jit_line(j, label, value, ev).map_err(plain),
                    None => Ok(()),
                }
            }
            Owner::WorkerJit(id, w) => {
                let ev = &mut self.ev;
                match workers_mut(&mut self.plan.nodes[id])
                    .and_then(|v| v.get_mut(w))
                    .and_then(|w| w.jit.as_mut())
                {
                    Some(j) => properties::jit_line(j, label, value, ev).map_err(plain),
                    None => Ok(()),
                }
            }
            Owner::TargetTable(id, i) => {
                match self.plan.nodes[id]
                    .modify_table
                    .as_mut()
                    .and_then(|m| m.target_tables.as_mut())
                    .and_then(|t| t.get_mut(i))
                {
                    Some(t) => properties::set(t, label, value).map_err(plain),
                    None => Ok(()),
                }
            }
            Owner::Planning => {
                let planning: &mut crate::model::Planning =
                    self.plan.planning.get_or_insert_with(Default::default);
                let mut p = Pairs::new();
                match properties::composite(label, value, &mut self.ev, &mut p)? {
                    Some(Composite::Pairs) => properties::apply(planning, &p).map_err(plain),
                    _ => properties::set(planning, label, value).map_err(plain),
                }
            }
            Owner::Serialization => {
                let s: &mut crate::model::Serialization =
                    self.plan.serialization.get_or_insert_with(Default::default);
                let mut p = Pairs::new();
                match properties::composite(label, value, &mut self.ev, &mut p)? {
                    Some(Composite::Pairs) => properties::apply(s, &p).map_err(plain),
                    _ => properties::set(s, label, value).map_err(plain),
                }
            }
            Owner::PlanJit => {
                let ev = &mut self.ev;
                let j = self.plan.jit.get_or_insert_with(Default::default);
                properties::jit_line(j, label, value, ev).map_err(plain)
            }
            Owner::Skip => Ok(()),
        }
    }
}

/// A grouping set as printed: `a, b` or `()` (the empty set).
fn group_set(value: &str) -> Vec<String> {
    if value == "()" {
        Vec::new()
    } else {
        crate::model::value::split_text_list(value)
    }
}

/// Stores an Incremental Sort's group statistics under `key` (`Full-sort Groups` or
/// `Pre-sorted Groups`).
fn set_sort_groups(
    s: &mut crate::model::SortStats,
    key: &str,
    g: Box<crate::model::IncrementalSortGroups>,
) {
    if key == "Full-sort Groups" {
        s.full_sort_groups = Some(g);
    } else {
        s.pre_sorted_groups = Some(g);
    }
}

/// A node property: composite lines decomposed, simple lines by their label.
fn node_property(
    node: &mut Node,
    label: &str,
    value: &str,
    ev: &mut Evidence,
) -> Result<(), (usize, String)> {
    let plain = |e: String| (0usize, e);
    let mut p = Pairs::new();
    match properties::composite(label, value, ev, &mut p)? {
        Some(Composite::Pairs) => properties::apply(node, &p).map_err(plain),
        Some(Composite::SortGroups(key, g)) => {
            set_sort_groups(node.sort.get_or_insert_with(Default::default), key, g);
            Ok(())
        }
        None => properties::set(node, label, value).map_err(plain),
    }
}

fn set_worker_actual(node: &mut Node, index: usize, actual: Actual) {
    let Some(w) = workers_mut(node).and_then(|v| v.get_mut(index)) else {
        return;
    };
    match actual {
        Actual::Timed {
            startup,
            total,
            rows,
            loops,
        } => {
            w.actual_startup_time = Some(startup);
            w.actual_total_time = Some(total);
            w.actual_rows = Some(rows);
            w.actual_loops = Some(loops as u64);
        }
        Actual::Untimed { rows, loops } => {
            w.actual_rows = Some(rows);
            w.actual_loops = Some(loops as u64);
        }
        Actual::Never | Actual::None => {}
    }
}

/// A node built from its line, with what the line tells about the server and the options.
pub(crate) struct NodeAndCues {
    node: Node,
    has_blocks: bool,
    fractional_rows: bool,
    timed: bool,
    analyzed: bool,
}

impl NodeAndCues {
    fn cues(&self, ev: &mut Evidence) {
        infer::node_cue(&self.node, ev);
        if self.fractional_rows {
            ev.at_least(18);
        }
        ev.analyze |= self.analyzed;
        ev.timing |= self.timed;
        ev.costs |= self.node.total_cost.is_some();
    }
}

/// The node's per-worker data, when it has some.
fn workers_mut(node: &mut Node) -> Option<&mut Vec<Worker>> {
    node.details.as_mut().and_then(|d| d.workers.as_mut())
}

/// The node a line describes (§3): the name's qualifiers, the target, the blocks.
fn make_node(nl: &NodeLine<'_>) -> NodeAndCues {
    let name = &nl.name;
    let mut n = Node {
        node_type: Some(name.node_type.clone()),
        strategy: name.strategy,
        partial_mode: name.partial_mode,
        operation: name.operation,
        join_type: name.join_type,
        command: name.command,
        parallel_aware: Some(nl.parallel),
        async_capable: nl.async_capable.then_some(true),
        ..Node::default()
    };
    if matches!(
        name.node_type,
        NodeType::IndexScan | NodeType::IndexOnlyScan
    ) {
        n.scan_direction = Some(if nl.backward {
            ScanDirection::Backward
        } else {
            ScanDirection::Forward
        });
    }
    n.index_name = nl.index.as_ref().map(|i| i.to_string());
    if let Some(t) = &nl.target {
        let object = t.object.as_ref().map(|o| o.to_string());
        let alias = t
            .alias
            .as_ref()
            .map(|a| a.to_string())
            .or_else(|| object.clone());
        let schema = t.schema.as_ref().map(|s| s.to_string());
        let set_schema = |n: &mut Node| {
            if let Some(s) = schema {
                n.details_mut().schema = Some(s);
            }
        };
        match name.target {
            Target::Relation | Target::IndexThenRelation | Target::None => {
                n.relation_name = object;
                set_schema(&mut n);
            }
            Target::Function => {
                n.scan.get_or_insert_with(Default::default).function_name = object;
                set_schema(&mut n);
            }
            Target::TableFunction => {
                n.scan
                    .get_or_insert_with(Default::default)
                    .table_function_name = object
            }
            Target::Cte => n.scan.get_or_insert_with(Default::default).cte_name = object,
            Target::Tuplestore => {
                n.scan.get_or_insert_with(Default::default).tuplestore_name = object
            }
            Target::AliasOnly | Target::Index => {}
        }
        n.alias = alias;
    }
    if let Some(p) = nl.custom_provider {
        n.scan
            .get_or_insert_with(Default::default)
            .custom_plan_provider = Some(p.to_string());
    }
    if let Some((k, v)) = &name.unknown {
        crate::model::insert_extra(&mut n.extra, k, v.as_str().into());
    }
    if let Some(rest) = nl.leftover.filter(|r| !r.is_empty()) {
        crate::model::insert_extra(&mut n.extra, "Unparsed Text", rest.into());
    }
    if let Some(c) = nl.cost {
        n.startup_cost = Some(c.startup);
        n.total_cost = Some(c.total);
        n.plan_rows = Some(c.rows);
        n.plan_width = Some(c.width.max(0.0) as u64);
    }
    let (analyzed, timed) = match nl.actual {
        Actual::None => (false, false),
        Actual::Timed {
            startup,
            total,
            rows,
            loops,
        } => {
            n.actual_startup_time = Some(startup);
            n.actual_total_time = Some(total);
            n.actual_rows = Some(rows);
            n.actual_loops = Some(loops.max(0.0) as u64);
            (true, true)
        }
        Actual::Untimed { rows, loops } => {
            n.actual_rows = Some(rows);
            n.actual_loops = Some(loops.max(0.0) as u64);
            (true, false)
        }
        Actual::Never => {
            n.actual_rows = Some(0.0);
            n.actual_loops = Some(0);
            (true, false)
        }
    };
    NodeAndCues {
        node: n,
        has_blocks: nl.cost.is_some() || nl.actual != Actual::None,
        fractional_rows: nl.fractional_rows,
        timed,
        analyzed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Result<Vec<Plan>, Error> {
        parse(s, &ParseOptions::default())
    }

    #[test]
    fn placeholders_are_what_json_prints() {
        // Hand-made lines: one rule (the server's placeholders, §2.1–2.2), not plans.
        assert!(text("Query rewrites to nothing\n").unwrap().is_empty());
        let p = text("NOTIFY\n").unwrap();
        assert_eq!(p[0].utility.as_deref(), Some("Notify"));
        assert!(text("nothing that is a plan\n").is_err());
    }

    #[test]
    fn an_unknown_root_without_blocks_is_the_root_of_its_children() {
        // Hand-made lines: one rule (a COSTS OFF root of a node type this parser does not know,
        // as a newer server may print), not a plan.
        let p = text("Foreign Merge on t\n  Window: a\n  ->  Result\n        One-Time Filter: x\n")
            .unwrap();
        assert_eq!(p[0].nodes.len(), 2);
        let root = &p[0].nodes[0];
        assert_eq!(root.node_type(), &NodeType::Other("Foreign Merge".into()));
        assert_eq!(root.relation_name.as_deref(), Some("t"));
        assert_eq!(serde_json::to_value(root).unwrap()["window"], "a");
        assert_eq!(p[0].nodes[1].node_type(), &NodeType::Result);
        // auto_explain: the query text ends before the root.
        let p = text("Query Text: select 1\nFoo Bar\n  ->  Result\n").unwrap();
        assert_eq!(p[0].query_text.as_deref(), Some("select 1"));
        assert_eq!(
            p[0].nodes[0].node_type(),
            &NodeType::Other("Foo Bar".into())
        );
        // Prose before a pasted subtree is not a node, and neither is a line a blank line
        // separates from the child.
        for junk in ["here is the plan\n", "Foo Bar\n\n", "Foo Bar\n-----\n"] {
            let p = text(&format!("{junk}  ->  Result\n")).unwrap();
            assert_eq!(p[0].nodes.len(), 1, "{junk:?}");
            assert_eq!(p[0].nodes[0].node_type(), &NodeType::Result, "{junk:?}");
        }
    }

    #[test]
    fn header_lines() {
        let mut ev = Evidence::default();
        assert_eq!(
            header("InitPlan 2 (returns $2)", &mut ev),
            Some(ParentRelationship::InitPlan)
        );
        assert_eq!(ev.max, 16);
        let mut ev = Evidence::default();
        assert_eq!(
            header("InitPlan 1", &mut ev),
            Some(ParentRelationship::InitPlan)
        );
        assert_eq!(ev.min, 17);
        assert_eq!(
            header("SubPlan 3", &mut ev),
            Some(ParentRelationship::SubPlan)
        );
        assert_eq!(
            header("CTE \"my cte\"", &mut ev),
            Some(ParentRelationship::InitPlan)
        );
        assert_eq!(header("Filter: (a = 1)", &mut ev), None);
        assert_eq!(
            split_label("Rows Removed by Filter: 3"),
            Some(("Rows Removed by Filter", "3"))
        );
        assert_eq!(split_label("Planning:"), Some(("Planning", "")));
        assert_eq!(split_label("(x: y)"), None);
    }
}
