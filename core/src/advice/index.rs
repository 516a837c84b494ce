//! Deriving indexes from a plan.
//!
//! Situations (each named after the analysis rule that reports it):
//! * a scan whose `Filter` discards most of what it reads (`seq-scan-filter`, `index-filter`),
//!   including the inner side of a nested loop (`nested-loop-blowup`) and a correlated SubPlan
//!   (`correlated-subplan`) run many times — there the outer value is a per-loop parameter;
//! * a `Limit` over a `Sort` of many more rows than it returns (`sort-for-limit`);
//! * a foreign-key trigger that scans the referencing table (`trigger-time`).
//!
//! Derivation (the pganalyze / PgHero rules, see the detector catalogue §4.1): a btree with the
//! equality columns first, then one range column, then the sort keys when they would remove a
//! Sort; a constant predicate (`col = 'literal'`, `IS [NOT] NULL`, a boolean column) becomes a
//! partial-index `WHERE` when a range or sort column is the key; `lower(col)`-like functions
//! give an expression index; jsonb and array operators give GIN; `LIKE`/`ILIKE` patterns give a
//! `gin_trgm_ops` index; `INCLUDE` columns are added when the VERBOSE `Output` shows that they
//! would make an index-only scan possible. An index the scan already uses is extended rather
//! than duplicated. Tiny tables are skipped.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::expr::{self, Direction, Expr, FuncArgs, Ident, SortItem};
use super::{Addressed, IndexKind, IndexSuggestion};
use crate::model::{Node, NodeType, Operation, ParentRelationship, Plan};

/// The thresholds of the situations (defaults chosen with the peers' values, see each field).
#[derive(Debug, Clone)]
pub struct Thresholds {
    /// Rows a filter must remove (all loops) before an index is worth it (seq-scan-filter's
    /// default: a few pages' worth).
    pub min_rows_removed: f64,
    /// Share of the rows read a Seq Scan's filter must remove (the 10× removed-to-kept ratio).
    pub seq_min_removed_share: f64,
    /// Share an index scan's filter must remove (pgplan's 50%).
    pub index_min_removed_share: f64,
    /// Rows read per loop below which the table is tiny (PgHero: 500 rows).
    pub min_rows_per_loop: f64,
    /// Pages read per loop below which the table is tiny (1 MiB: reading it costs little).
    pub min_pages_per_loop: f64,
    /// Pages read in all loops from which a small table repeatedly scanned still counts.
    pub min_pages_total: f64,
    /// Rows a Sort under a Limit must read (all loops); sort-for-limit's default (below 10,000
    /// rows the sort takes milliseconds).
    pub sort_min_input_rows: f64,
    /// How many times more rows the Sort must read than the Limit returns.
    pub sort_min_ratio: f64,
    /// Rows a scan must return (all loops) before INCLUDE columns pay for themselves.
    pub include_min_rows: f64,
    /// Most INCLUDE columns suggested.
    pub include_max_columns: usize,
    /// Loops from which a scan's inner-side/SubPlan situation is also reported.
    pub min_loops: u64,
    /// Milliseconds per call from which a foreign-key trigger is scanning (an index lookup
    /// takes a few hundredths of a millisecond).
    pub fk_min_ms_per_call: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            min_rows_removed: 1000.0,
            seq_min_removed_share: 0.9,
            index_min_removed_share: 0.5,
            min_rows_per_loop: 500.0,
            min_pages_per_loop: 128.0,
            min_pages_total: 10_000.0,
            sort_min_input_rows: 10_000.0,
            sort_min_ratio: 10.0,
            include_min_rows: 1000.0,
            include_max_columns: 4,
            min_loops: 1000,
            fk_min_ms_per_call: 1.0,
        }
    }
}

/// All suggestions for a plan (see the module doc).
pub fn suggest(plan: &Plan, t: &Thresholds) -> Vec<IndexSuggestion> {
    let mut drafts: Vec<Draft> = Vec::new();
    let mut sorted_scans = BTreeSet::new();
    for n in &plan.nodes {
        if *n.node_type() == NodeType::Limit
            && let Some((sort, scan)) = sort_under_limit(plan, n, t)
            && let Some(d) = for_scan(plan, scan, Some(sort), None, t)
        {
            sorted_scans.insert(scan.id);
            drafts.push(d);
        }
    }
    for n in &plan.nodes {
        if sorted_scans.contains(&n.id) || !filter_situation(n, t) {
            continue;
        }
        if let Some(d) = for_scan(plan, n, None, None, t) {
            drafts.push(d);
        }
    }
    for n in &plan.nodes {
        for scan in join_filter_situation(plan, n, t) {
            if let Some(d) = for_scan(plan, scan, None, Some(n), t) {
                drafts.push(d);
            }
        }
    }
    drafts.extend(for_fk_triggers(plan, t));

    // Deduplicate: one statement per index definition, with every finding it addresses.
    let mut out: Vec<IndexSuggestion> = Vec::new();
    for d in drafts {
        let s = d.finish();
        match out.iter_mut().find(|o| o.sql == s.sql) {
            Some(o) => {
                for a in s.addresses {
                    if !o.addresses.contains(&a) {
                        o.addresses.push(a);
                    }
                }
            }
            None => out.push(s),
        }
    }
    out
}

// ------------------------------------------------------------------------------------------
// Situations

fn total(per_loop: Option<f64>, n: &Node) -> f64 {
    per_loop.unwrap_or(0.0) * n.loops() as f64
}

/// A scan (of a table) whose filter discards most of what it reads.
fn filter_situation(n: &Node, t: &Thresholds) -> bool {
    let share = match n.node_type() {
        NodeType::SeqScan => t.seq_min_removed_share,
        NodeType::IndexScan | NodeType::IndexOnlyScan | NodeType::BitmapHeapScan => {
            t.index_min_removed_share
        }
        _ => return false,
    };
    if n.relation_name.is_none() || n.loops() == 0 || n.filter.is_none() {
        return false;
    }
    let removed = total(n.rows_removed_by_filter, n);
    let kept = total(n.actual_rows, n);
    removed >= t.min_rows_removed && removed / (removed + kept) >= share && !tiny(n, t)
}

/// `Limit → [Gather Merge] → Sort → [Gather] → scan` where the Sort reads far more rows than
/// the Limit returns.
fn sort_under_limit<'p>(
    plan: &'p Plan,
    limit: &'p Node,
    t: &Thresholds,
) -> Option<(&'p Node, &'p Node)> {
    let only_child = |n: &'p Node| match n.children.as_slice() {
        [c] => Some(&plan.nodes[*c]),
        _ => None,
    };
    let mut n = only_child(limit)?;
    if *n.node_type() == NodeType::GatherMerge {
        n = only_child(n)?;
    }
    if *n.node_type() != NodeType::Sort {
        return None;
    }
    let sort = n;
    let mut scan = only_child(sort)?;
    if *scan.node_type() == NodeType::Gather {
        scan = only_child(scan)?;
    }
    if !matches!(
        scan.node_type(),
        NodeType::SeqScan
            | NodeType::IndexScan
            | NodeType::IndexOnlyScan
            | NodeType::BitmapHeapScan
    ) || scan.relation_name.is_none()
    {
        return None;
    }
    let returned = total(limit.actual_rows, limit).max(1.0);
    let input = total(scan.actual_rows, scan);
    let per_loop = scan.actual_rows.unwrap_or(0.0) + scan.rows_removed_by_filter.unwrap_or(0.0);
    (limit.loops() > 0
        && input >= t.sort_min_input_rows
        && input >= t.sort_min_ratio * returned
        && per_loop >= t.min_rows_per_loop)
        .then_some((sort, scan))
}

/// The rows a nested loop's outer side produced (all loops).
fn outer_rows(plan: &Plan, nl: &Node) -> f64 {
    nl.children
        .iter()
        .map(|&c| &plan.nodes[c])
        .find(|c| c.parent_relationship == Some(ParentRelationship::Outer))
        .map_or(0.0, |o| total(o.actual_rows, o))
}

/// A nested loop whose Join Filter discards most row pairs: the Seq Scans of its two sides
/// (the inner one usually under a Materialize). An index on the join column of a big side lets
/// the planner make it the inner side of a parameterized nested loop; a tiny side is skipped
/// later.
fn join_filter_situation<'p>(plan: &'p Plan, nl: &'p Node, t: &Thresholds) -> Vec<&'p Node> {
    let mut out = Vec::new();
    if *nl.node_type() != NodeType::NestedLoop || nl.loops() == 0 {
        return out;
    }
    let Some(c) = nl
        .join_conditions
        .as_ref()
        .filter(|c| c.join_filter.is_some())
    else {
        return out;
    };
    let removed = total(c.rows_removed_by_join_filter, nl);
    let kept = total(nl.actual_rows, nl);
    if removed < t.min_rows_removed || removed / (removed + kept) < t.seq_min_removed_share {
        return out;
    }
    for &child in &nl.children {
        let mut side = &plan.nodes[child];
        if !matches!(
            side.parent_relationship,
            Some(ParentRelationship::Outer | ParentRelationship::Inner)
        ) {
            continue;
        }
        if *side.node_type() == NodeType::Materialize
            && let [c] = side.children.as_slice()
        {
            side = &plan.nodes[*c];
        }
        if *side.node_type() == NodeType::SeqScan && side.relation_name.is_some() {
            out.push(side);
        }
    }
    out
}

// ------------------------------------------------------------------------------------------
// Reading conditions

/// Whose columns are whose: the scan's alias (or table name).
struct Own<'a> {
    alias: &'a str,
    relation: &'a str,
}

impl Own<'_> {
    fn owns(&self, path: &[Ident]) -> bool {
        match path {
            [_] => true,
            [q, _] => q.name == self.alias || q.name == self.relation,
            _ => false,
        }
    }

    fn has_own(&self, e: &Expr) -> bool {
        e.columns().iter().any(|p| self.owns(p))
    }

    /// The expression with this scan's qualifiers removed (`o.total` → `total`).
    fn strip(&self, e: &Expr) -> Expr {
        let mut e = e.clone();
        e.walk_mut(&mut |x| {
            if let Expr::Column(p) = x
                && p.len() > 1
                && self.owns(p)
            {
                let last = p.pop().expect("a column has a name");
                *p = vec![last];
            }
        });
        e
    }
}

/// What a key element is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// `=`, `= ANY (…)`, `IN (…)`, `IS NULL`.
    Eq,
    /// `<`, `<=`, `>`, `>=`, `BETWEEN`.
    Range,
    /// A GIN operator (`@>`, `<@`, `&&`, `?`…).
    Gin,
    /// A trigram-indexable pattern (`LIKE`, `ILIKE`, regular expressions).
    Trigram,
}

/// A candidate index element from one conjunct.
#[derive(Debug, Clone)]
struct Elem {
    /// The element as SQL (`customer_id`, `lower(email)`, `(profile ->> 'lang'::text)`).
    sql: String,
    /// A name-friendly token (`customer_id`, `lower_email`).
    token: String,
    /// Whether it is an expression (not a plain column).
    is_expr: bool,
    role: Role,
    /// The conjunct compares with a literal (`= 'x'`), fixed in the query text.
    literal: bool,
    /// The conjunct, as SQL for a partial-index predicate.
    conj: String,
}

/// A conjunct, classified.
enum Conj {
    Key(Elem),
    /// A predicate for a partial index only (`IS NOT NULL`, a boolean column).
    Pred(String, String),
    /// Something an index cannot serve (OR, subplans, `<>`…).
    Residual,
}

/// Functions an expression index can use (immutable for every argument type they take).
const IMMUTABLE_FUNCS: &[&str] = &[
    "abs", "btrim", "left", "length", "lower", "ltrim", "md5", "right", "rtrim", "substr", "upper",
];

/// Operators that make an expression index on a jsonb column (`profile ->> 'lang'`).
const JSON_ACCESS_OPS: &[&str] = &["->", "->>", "#>", "#>>"];

/// Operators and what they ask of an index (data, not ifs): `(operator, role, commuted)`.
const OPERATORS: &[(&str, Role, &str)] = &[
    ("=", Role::Eq, "="),
    ("<", Role::Range, ">"),
    ("<=", Role::Range, ">="),
    (">", Role::Range, "<"),
    (">=", Role::Range, "<="),
    ("@>", Role::Gin, "<@"),
    ("<@", Role::Gin, "@>"),
    ("&&", Role::Gin, "&&"),
    ("?", Role::Gin, ""),
    ("?|", Role::Gin, ""),
    ("?&", Role::Gin, ""),
    ("@?", Role::Gin, ""),
    ("@@", Role::Gin, ""),
    ("~~", Role::Trigram, ""),
    ("~~*", Role::Trigram, ""),
    ("LIKE", Role::Trigram, ""),
    ("ILIKE", Role::Trigram, ""),
    ("~", Role::Trigram, ""),
    ("~*", Role::Trigram, ""),
];

/// The indexable form of a key side: a column of the scan, or an expression over one.
fn key_side(e: &Expr, own: &Own, value_type: Option<&str>) -> Option<(String, String, bool)> {
    let e = e.unparen();
    if let Some(path) = e.column() {
        if !own.owns(path) {
            return None;
        }
        let id = path.last()?;
        return Some((id.to_string(), id.name.clone(), false));
    }
    if e.is_opaque() || !own.has_own(e) || e.columns().iter().any(|p| !own.owns(p)) {
        return None;
    }
    // A cast of a column is immutable only for some source types, which the plan does not
    // show: allow the casts to text PostgreSQL prints for varchar columns (`(email)::text`),
    // no other.
    let mut unknown_cast = false;
    e.walk(&mut |x| {
        if let Expr::Cast(inner, ty) = x
            && own.has_own(inner)
            && ty != "text"
        {
            unknown_cast = true;
        }
    });
    if unknown_cast {
        return None;
    }
    let indexable = match e {
        Expr::Func(f)
            if matches!(f.args, FuncArgs::List { .. })
                && f.over.is_none()
                && f.filter.is_none() =>
        {
            let name = f.base_name();
            IMMUTABLE_FUNCS.contains(&name.as_str())
                // date_trunc(text, timestamp) is immutable; with timestamptz it is not.
                || (name == "date_trunc" && value_type == Some("timestamp without time zone"))
        }
        Expr::Op {
            op,
            lhs: Some(l),
            rhs,
        } => JSON_ACCESS_OPS.contains(&op.as_str()) && l.column().is_some() && !own.has_own(rhs),
        _ => false,
    };
    if !indexable {
        return None;
    }
    let stripped = own.strip(e);
    let sql = match stripped {
        Expr::Func(_) => stripped.to_string(),
        _ => format!("({stripped})"),
    };
    Some((sql, token_of(e), true))
}

/// Whether an expression is a value known when the scan runs: constants, parameters,
/// InitPlan results, the outer side's columns (a parameterized scan) — nothing of the scan's
/// own row, no subplan.
fn is_value(e: &Expr, own: &Own) -> bool {
    !own.has_own(e) && !e.is_opaque()
}

/// Whether the value is a literal constant (`'x'::text`, `42`), not a parameter.
fn is_literal(e: &Expr) -> bool {
    match e.unparen() {
        Expr::Literal(_) => true,
        Expr::Cast(inner, _) => is_literal(inner),
        _ => false,
    }
}

/// The type a value is cast to (`'{a}'::text[]` → `text[]`).
fn value_type(e: &Expr) -> Option<&str> {
    match e.unparen() {
        Expr::Cast(_, ty) => Some(ty),
        _ => None,
    }
}

fn classify(c: &Expr, own: &Own) -> Conj {
    let conj_sql = || own.strip(c).to_string();
    match c.unparen() {
        Expr::Op {
            op,
            lhs: Some(lhs),
            rhs,
        } => {
            // `col op value` or `value op col` (commuted)
            let (key, value, op) = if is_value(rhs, own) && own.has_own(lhs) {
                (&**lhs, &**rhs, op.as_str())
            } else if is_value(lhs, own) && own.has_own(rhs) {
                let Some(&(_, _, commuted)) = OPERATORS.iter().find(|(o, _, _)| o == op) else {
                    return Conj::Residual;
                };
                if commuted.is_empty() {
                    return Conj::Residual;
                }
                (&**rhs, &**lhs, commuted)
            } else {
                return Conj::Residual;
            };
            let Some(&(_, role, _)) = OPERATORS.iter().find(|(o, _, _)| *o == op) else {
                return Conj::Residual;
            };
            // `= ANY (array)` is an equality btree handles; `op ALL (…)` and other
            // quantified forms are not indexable here.
            let (value, any) = match value.unparen() {
                Expr::Prefix { keyword, arg, .. } if keyword.eq_ignore_ascii_case("ANY") => {
                    (&**arg, true)
                }
                Expr::Prefix { .. } => return Conj::Residual,
                _ => (value, false),
            };
            if any && role != Role::Eq {
                return Conj::Residual;
            }
            let role = match role {
                Role::Gin if !gin_value(op, value) => return Conj::Residual,
                Role::Trigram if !trigram_pattern(value) => return Conj::Residual,
                r => r,
            };
            let Some((sql, token, is_expr)) = key_side(key, own, value_type(value)) else {
                return Conj::Residual;
            };
            if matches!(role, Role::Gin) && is_expr {
                return Conj::Residual;
            }
            Conj::Key(Elem {
                sql,
                token,
                is_expr,
                role,
                literal: !any && is_literal(value) && role == Role::Eq,
                conj: conj_sql(),
            })
        }
        Expr::Is(e, test) if test == "IS NULL" || test == "IS NOT NULL" => {
            match key_side(e, own, None) {
                Some((sql, token, is_expr)) if test == "IS NULL" => Conj::Key(Elem {
                    sql,
                    token,
                    is_expr,
                    role: Role::Eq,
                    literal: true,
                    conj: conj_sql(),
                }),
                Some((_, token, false)) => Conj::Pred(conj_sql(), token),
                _ => Conj::Residual,
            }
        }
        Expr::Between {
            expr,
            negated: false,
            symmetric: false,
            low,
            high,
        } if is_value(low, own) && is_value(high, own) => {
            match key_side(expr, own, value_type(low)) {
                Some((sql, token, is_expr)) => Conj::Key(Elem {
                    sql,
                    token,
                    is_expr,
                    role: Role::Range,
                    literal: false,
                    conj: conj_sql(),
                }),
                None => Conj::Residual,
            }
        }
        Expr::In {
            expr,
            negated: false,
            list,
        } if list.iter().all(|v| is_value(v, own)) => match key_side(expr, own, None) {
            Some((sql, token, is_expr)) => Conj::Key(Elem {
                sql,
                token,
                is_expr,
                role: Role::Eq,
                literal: false,
                conj: conj_sql(),
            }),
            None => Conj::Residual,
        },
        // a boolean column (`active`, `NOT active`)
        Expr::Column(p) if own.owns(p) => Conj::Pred(
            conj_sql(),
            p.last().map(|i| i.name.clone()).unwrap_or_default(),
        ),
        Expr::Not(inner) if inner.column().is_some_and(|p| own.owns(p)) => {
            Conj::Pred(conj_sql(), token_of(inner))
        }
        _ => Conj::Residual,
    }
}

/// Whether a GIN index (default operator class) serves `op value`: jsonb and array values.
fn gin_value(op: &str, value: &Expr) -> bool {
    match op {
        "?" | "?|" | "?&" | "@?" => true,
        "@@" => value_type(value) == Some("tsquery"),
        _ => match value.unparen() {
            Expr::Array { keyword: true, .. } => true,
            Expr::Cast(_, ty) => ty == "jsonb" || ty.ends_with("[]"),
            _ => false,
        },
    }
}

/// Whether a pattern has a run of at least three ordinary characters (trigrams to look up).
fn trigram_pattern(value: &Expr) -> bool {
    let text = match value.unparen() {
        Expr::Cast(inner, _) => match inner.unparen() {
            Expr::Literal(l) => l.clone(),
            _ => return false,
        },
        Expr::Literal(l) => l.clone(),
        _ => return false,
    };
    let mut run = 0;
    for c in text.trim_matches('\'').chars() {
        if c.is_alphanumeric() || c == ' ' {
            run += 1;
            if run >= 3 {
                return true;
            }
        } else {
            run = 0;
        }
    }
    false
}

/// A name-friendly token for an expression: its function names, columns and words.
fn token_of(e: &Expr) -> String {
    let mut parts: Vec<String> = Vec::new();
    e.walk(&mut |x| match x {
        Expr::Func(f) => parts.push(f.base_name()),
        Expr::Column(p) => parts.extend(p.last().map(|i| i.name.clone())),
        Expr::Literal(l) => {
            let w: String = l
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .take(12)
                .collect();
            if !w.is_empty() {
                parts.push(w);
            }
        }
        _ => {}
    });
    parts.join("_")
}

/// The conditions of a scan, parsed, each with whether it is the `Filter` (checked on rows
/// the scan already fetched); `None` if one of them cannot be read.
fn conditions(n: &Node) -> Option<Vec<(Expr, bool)>> {
    let mut texts: Vec<(&str, bool)> = Vec::new();
    if let Some(c) = &n.conditions {
        texts.extend(c.index_cond.as_deref().map(|t| (t, false)));
        if *n.node_type() == NodeType::BitmapHeapScan {
            texts.extend(c.recheck_cond.as_deref().map(|t| (t, false)));
        }
    }
    texts.extend(n.filter.as_deref().map(|t| (t, true)));
    texts
        .into_iter()
        .map(|(t, f)| expr::parse(t).ok().map(|e| (e, f)))
        .collect()
}

/// The index a scan uses and the key tokens of its conditions, in order.
fn existing_index(plan: &Plan, n: &Node, own: &Own) -> Option<(String, Vec<Elem>, bool)> {
    let (name, cond) = match n.node_type() {
        NodeType::IndexScan | NodeType::IndexOnlyScan => (
            n.index_name.clone()?,
            n.conditions.as_ref().and_then(|c| c.index_cond.clone()),
        ),
        NodeType::BitmapHeapScan => match n.children.as_slice() {
            [c] if *plan.nodes[*c].node_type() == NodeType::BitmapIndexScan => {
                let b = &plan.nodes[*c];
                (
                    b.index_name.clone()?,
                    b.conditions.as_ref().and_then(|c| c.index_cond.clone()),
                )
            }
            _ => return None,
        },
        _ => return None,
    };
    let mut elems: Vec<Elem> = Vec::new();
    let mut plain = true;
    if let Some(cond) = cond {
        let e = expr::parse(&cond).ok()?;
        for c in e.conjuncts() {
            match classify(c, own) {
                Conj::Key(el) if matches!(el.role, Role::Eq | Role::Range) => {
                    if !elems.iter().any(|x| x.sql == el.sql) {
                        elems.push(el);
                    }
                }
                _ => plain = false,
            }
        }
    }
    Some((name, elems, plain))
}

// ------------------------------------------------------------------------------------------
// Drafts

/// A suggestion before naming and rendering.
struct Draft {
    kind: IndexKind,
    schema: Option<String>,
    table: String,
    method: &'static str,
    columns: Vec<(String, String)>,
    include: Vec<String>,
    predicate: Vec<(String, String)>,
    addresses: Vec<Addressed>,
    effect: String,
    extends: Option<String>,
    notes: Vec<String>,
}

impl Draft {
    fn finish(self) -> IndexSuggestion {
        let table_sql = match &self.schema {
            Some(s) => format!("{}.{}", Ident::new(s), Ident::new(&self.table)),
            None => Ident::new(&self.table).to_string(),
        };
        let mut tokens: Vec<&str> = vec![&self.table];
        tokens.extend(self.columns.iter().map(|(_, t)| t.as_str()));
        if !self.predicate.is_empty() {
            tokens.push("where");
            tokens.extend(self.predicate.iter().map(|(_, t)| t.as_str()));
        }
        tokens.push(match self.kind {
            IndexKind::Trigram => "trgm_idx",
            IndexKind::Gin => "gin_idx",
            IndexKind::ForeignKey => "fk_idx",
            _ => "idx",
        });
        let columns: Vec<String> = self.columns.iter().map(|(c, _)| c.clone()).collect();
        let predicate = (!self.predicate.is_empty()).then(|| {
            self.predicate
                .iter()
                .map(|(p, _)| format!("({p})"))
                .collect::<Vec<_>>()
                .join(" AND ")
        });
        let mut definition = format!("{table_sql} USING {} ({})", self.method, columns.join(", "));
        if !self.include.is_empty() {
            let _ = write!(definition, " INCLUDE ({})", self.include.join(", "));
        }
        if let Some(p) = &predicate {
            let _ = write!(definition, " WHERE {p}");
        }
        let name = index_name(&tokens, &definition);
        let sql = format!(
            "CREATE INDEX CONCURRENTLY {} ON {definition};",
            Ident::new(&name)
        );
        IndexSuggestion {
            kind: self.kind,
            schema: self.schema,
            table: self.table,
            method: self.method,
            columns,
            include: self.include,
            predicate,
            name,
            sql,
            addresses: self.addresses,
            effect: self.effect,
            extends: self.extends,
            notes: self.notes,
        }
    }
}

/// `table_col1_col2_idx`, lower-case ASCII, at most 63 bytes (PostgreSQL's NAMEDATALEN − 1):
/// a longer one is cut and ends with a hash of the whole definition, so it stays unique and
/// deterministic.
fn index_name(tokens: &[&str], definition: &str) -> String {
    let mut name = String::new();
    for t in tokens {
        let t: String = t
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .collect();
        for part in t.split('_').filter(|p| !p.is_empty()) {
            if !name.is_empty() {
                name.push('_');
            }
            name.push_str(part);
        }
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'i');
    }
    if name.len() > 63 {
        // FNV-1a over the definition
        let mut h: u32 = 0x811c_9dc5;
        for b in definition.bytes() {
            h = (h ^ b as u32).wrapping_mul(0x0100_0193);
        }
        name.truncate(54);
        let cut = name.trim_end_matches('_').len();
        name.truncate(cut);
        let _ = write!(name, "_{h:08x}");
    }
    name
}

/// `1 row`, `2,000 rows`.
fn rows(v: f64) -> String {
    format!(
        "{} row{}",
        fmt_count(v),
        if v.round() == 1.0 { "" } else { "s" }
    )
}

fn fmt_count(v: f64) -> String {
    let n = v.round() as u64;
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The situations a scan's index addresses: its own rule, plus the nested loop or SubPlan that
/// runs it many times.
fn addresses(
    plan: &Plan,
    n: &Node,
    sort: Option<&Node>,
    non_sargable: bool,
    t: &Thresholds,
) -> Vec<Addressed> {
    let mut out = Vec::new();
    if let Some(s) = sort {
        // the finding is about the Limit above the Sort (through a Gather Merge)
        let mut limit = s.parent;
        while let Some(p) = limit.filter(|&p| *plan.nodes[p].node_type() != NodeType::Limit) {
            limit = plan.nodes[p].parent;
        }
        out.push(Addressed {
            rule: "sort-for-limit",
            node: limit.or(Some(s.id)),
            constraint: None,
        });
    }
    if n.filter.is_some() && filter_situation(n, t) {
        out.push(Addressed {
            rule: if *n.node_type() == NodeType::SeqScan {
                "seq-scan-filter"
            } else {
                "index-filter"
            },
            node: Some(n.id),
            constraint: None,
        });
    }
    if non_sargable {
        out.push(Addressed {
            rule: "non-sargable",
            node: Some(n.id),
            constraint: None,
        });
    }
    if n.loops() >= t.min_loops {
        // the nearest nested loop whose inner side holds the scan, or the SubPlan around it
        let mut child = n.id;
        let mut cur = n.parent;
        while let Some(p) = cur {
            let pn = &plan.nodes[p];
            let rel = plan.nodes[child].parent_relationship.as_ref();
            if rel == Some(&ParentRelationship::SubPlan) {
                out.push(Addressed {
                    rule: "correlated-subplan",
                    node: Some(child),
                    constraint: None,
                });
                break;
            }
            if *pn.node_type() == NodeType::NestedLoop {
                if rel == Some(&ParentRelationship::Inner) {
                    out.push(Addressed {
                        rule: "nested-loop-blowup",
                        node: Some(p),
                        constraint: None,
                    });
                }
                break;
            }
            child = p;
            cur = pn.parent;
        }
    }
    out
}

/// Whether an index name is a primary key's or a unique constraint's (PostgreSQL's default
/// names): such an index cannot be replaced by a wider one.
fn is_constraint_index(name: &str) -> bool {
    name.ends_with("_pkey") || name.ends_with("_key")
}

/// The index for a scan (its conditions, and the sort keys of a Sort under a Limit).
fn for_scan(
    plan: &Plan,
    n: &Node,
    sort: Option<&Node>,
    join: Option<&Node>,
    t: &Thresholds,
) -> Option<Draft> {
    let table = n.relation_name.clone()?;
    let own = Own {
        alias: n.alias.as_deref().unwrap_or(&table),
        relation: &table,
    };
    if tiny(n, t) {
        return None;
    }
    let mut elems: Vec<(Elem, bool)> = Vec::new(); // with: comes from the Filter
    let mut preds: Vec<(String, String)> = Vec::new();
    let mut residual = false;
    let mut conds = conditions(n)?;
    if let Some(nl) = join {
        // the Join Filter's conditions on this scan's columns, the outer side's as values
        let text = nl.join_conditions.as_ref()?.join_filter.as_deref()?;
        conds.push((expr::parse(text).ok()?, true));
    }
    for (c, from_filter) in &conds {
        for part in c.conjuncts() {
            match classify(part, &own) {
                Conj::Key(e) => {
                    if !elems
                        .iter()
                        .any(|(x, _)| x.sql == e.sql && x.role == e.role)
                    {
                        elems.push((e, *from_filter));
                    }
                }
                Conj::Pred(p, tok) => {
                    if !preds.iter().any(|(x, _)| *x == p) {
                        preds.push((p, tok));
                    }
                }
                Conj::Residual => residual = true,
            }
        }
    }
    let sort_items: Vec<SortItem> = match sort {
        Some(s) => {
            let keys = s.sort.as_ref()?.sort_key.as_ref()?;
            keys.iter()
                .map(|k| expr::parse_sort_item(k).ok())
                .collect::<Option<Vec<_>>>()?
        }
        None => Vec::new(),
    };
    let mut sort_elems: Vec<(String, String, bool)> = Vec::new();
    for item in &sort_items {
        if item.using.is_some() {
            return None;
        }
        sort_elems.push(key_side(&item.expr, &own, None)?);
    }
    // A filter situation needs something indexable in the Filter: otherwise the index the scan
    // uses already serves everything an index can.
    if sort.is_none() && !elems.iter().any(|(_, f)| *f) && preds.is_empty() {
        return None;
    }
    // The index the scan uses, unless it is a constraint's (which a wider index cannot replace).
    let used = existing_index(plan, n, &own);
    let existing = used
        .clone()
        .filter(|(name, _, _)| !is_constraint_index(name));

    let is = |e: &Elem, roles: &[Role]| roles.contains(&e.role);
    let eqs: Vec<&Elem> = elems
        .iter()
        .map(|(e, _)| e)
        .filter(|e| is(e, &[Role::Eq]))
        .collect();
    let ranges: Vec<&Elem> = elems
        .iter()
        .map(|(e, _)| e)
        .filter(|e| is(e, &[Role::Range]))
        .collect();
    let gins: Vec<&Elem> = elems
        .iter()
        .map(|(e, _)| e)
        .filter(|e| is(e, &[Role::Gin, Role::Trigram]))
        .collect();

    let mut columns: Vec<(String, String)> = Vec::new();
    let mut predicate: Vec<(String, String)> = Vec::new();
    let mut method = "btree";
    let mut kind = IndexKind::Btree;
    let mut notes = Vec::new();
    let mut extends = None;
    let push = |cols: &mut Vec<(String, String)>, sql: &str, token: &str| {
        if !cols.iter().any(|(c, _)| c == sql) {
            cols.push((sql.to_string(), token.to_string()));
        }
    };

    // The existing btree's elements, when the new index should start with them: it extends
    // an equality-led index, or keeps an index whose Filter's literal equality is the selective
    // part (then that equality becomes the partial-index predicate).
    let removed_share = {
        let kept = total(n.actual_rows, n);
        let removed = total(n.rows_removed_by_filter, n);
        if kept + removed > 0.0 {
            removed / (kept + removed)
        } else {
            0.0
        }
    };
    let plain_existing = existing
        .as_ref()
        .filter(|(_, ex, plain)| *plain && !ex.is_empty());
    let selective_literal = plain_existing.is_some()
        && sort_elems.is_empty()
        && removed_share >= t.seq_min_removed_share
        && elems
            .iter()
            .any(|(e, f)| *f && e.literal && !e.is_expr && e.role == Role::Eq);
    let extend = plain_existing
        .filter(|(_, ex, _)| selective_literal || ex.iter().all(|e| e.role == Role::Eq));

    if !sort_elems.is_empty() {
        // equality columns, then the sort keys (the index returns rows in ORDER BY order)
        if let Some((_, ex, _)) = extend {
            ex.iter()
                .filter(|e| e.role == Role::Eq)
                .for_each(|e| push(&mut columns, &e.sql, &e.token));
        }
        for e in &eqs {
            if !sort_elems.iter().any(|(s, _, _)| *s == e.sql) {
                push(&mut columns, &e.sql, &e.token);
            }
        }
        let mixed = sort_items
            .iter()
            .any(|i| i.direction == Some(Direction::Desc))
            && sort_items
                .iter()
                .any(|i| i.direction != Some(Direction::Desc));
        for ((sql, token, _), item) in sort_elems.iter().zip(&sort_items) {
            let mut col = sql.clone();
            // an all-DESC order is an ascending index read backward
            if mixed || item.nulls_first.is_some() {
                let desc = item.direction == Some(Direction::Desc);
                if desc {
                    col.push_str(" DESC");
                }
                match (desc, item.nulls_first) {
                    (true, Some(false)) => col.push_str(" NULLS LAST"),
                    (false, Some(true)) => col.push_str(" NULLS FIRST"),
                    _ => {}
                }
            }
            push(&mut columns, &col, token);
        }
        if ranges.iter().any(|r| r.sql != sort_elems[0].0) || !gins.is_empty() {
            residual = true;
        }
        predicate.extend(preds.iter().cloned());
    } else if !eqs.is_empty() || !ranges.is_empty() {
        if let Some((_, ex, _)) = extend {
            ex.iter().for_each(|e| push(&mut columns, &e.sql, &e.token));
        }
        for (e, from_filter) in &elems {
            if e.role != Role::Eq || columns.iter().any(|(c, _)| *c == e.sql) {
                continue;
            }
            if selective_literal && *from_filter && e.literal && !e.is_expr {
                predicate.push((e.conj.clone(), e.token.clone()));
            } else {
                push(&mut columns, &e.sql, &e.token);
            }
        }
        if !columns
            .iter()
            .any(|(c, _)| ranges.iter().any(|r| r.sql == *c))
            && let Some(r) = ranges.first()
        {
            push(&mut columns, &r.sql, &r.token);
        }
        let in_key = |sql: &str| columns.iter().any(|(c, _)| c == sql);
        if ranges.iter().any(|r| !in_key(&r.sql)) || !gins.is_empty() {
            residual = true;
        }
        // IS NOT NULL and boolean tests narrow the index to the rows the query wants
        predicate.extend(preds.iter().cloned());
    } else if let Some(g) = gins.first() {
        method = "gin";
        if g.role == Role::Trigram {
            kind = IndexKind::Trigram;
            columns.push((format!("{} gin_trgm_ops", g.sql), g.token.clone()));
            notes.push(
                "needs the pg_trgm extension: CREATE EXTENSION IF NOT EXISTS pg_trgm;".into(),
            );
        } else {
            kind = IndexKind::Gin;
            columns.push((g.sql.clone(), g.token.clone()));
        }
        if gins.len() > 1 || !preds.is_empty() {
            residual = true;
        }
        if let Some((index, _, _)) = &existing_index(plan, n, &own)
            && *n.node_type() != NodeType::SeqScan
            && elems.iter().all(|(e, f)| !*f || e.sql != g.sql)
        {
            // the scan already uses an index for this operator
            let _ = index;
            return None;
        }
    } else {
        return None;
    }
    if columns.is_empty() {
        return None;
    }

    if method == "btree"
        && let Some((index, ex, _)) = &used
    {
        let ex_sqls: Vec<&str> = ex.iter().map(|e| e.sql.as_str()).collect();
        let key_sqls: Vec<&str> = columns.iter().map(|(c, _)| c.as_str()).collect();
        if predicate.is_empty() && key_sqls.iter().all(|k| ex_sqls.contains(k)) {
            // the index the scan uses already has these columns
            return None;
        }
        if extend.is_some() && key_sqls.len() > ex_sqls.len() && !is_constraint_index(index) {
            extends = Some(index.clone());
            notes.push(format!(
                "extends {index}, which the plan uses: once the plan uses the new index, {index} may be redundant (check its definition and other queries before dropping it)"
            ));
        } else if !predicate.is_empty() && key_sqls == ex_sqls {
            notes.push(format!(
                "the key of {index}, which the plan uses, restricted to the rows its Filter keeps: smaller, and no row is fetched to be discarded; keep {index} for other queries"
            ));
        }
    }

    let non_sargable =
        elems.iter().any(|(e, _)| e.is_expr) || sort_elems.iter().any(|(_, _, x)| *x);
    let mut include: Vec<String> = Vec::new();
    if method == "btree" {
        if non_sargable {
            kind = IndexKind::Expression;
        } else if !predicate.is_empty() {
            kind = IndexKind::Partial;
        }
        // INCLUDE the output columns when that allows an index-only scan of many rows.
        if sort.is_none()
            && join.is_none()
            && !residual
            && total(n.actual_rows, n) >= t.include_min_rows
        {
            include = include_columns(n, &own, &columns, t).unwrap_or_default();
        }
        if !include.is_empty() {
            if kind == IndexKind::Btree {
                kind = IndexKind::Covering;
            }
            notes.push(format!(
                "INCLUDE lets the planner answer from the index alone (Index Only Scan); that needs an all-visible table: VACUUM (ANALYZE) {} after creating it",
                Ident::new(&table)
            ));
        }
    }
    let mut d = finish_scan_draft(
        join,
        plan,
        n,
        sort,
        &table,
        method,
        kind,
        columns,
        predicate,
        extends,
        notes,
        non_sargable,
        t,
    );
    d.include = include;
    Some(d)
}

/// Whether the scan reads a tiny table: few pages per loop (by BUFFERS) or few rows per loop,
/// and little in total.
fn tiny(n: &Node, t: &Thresholds) -> bool {
    let loops = n.loops().max(1) as f64;
    let per_loop_rows = n.actual_rows.unwrap_or(0.0) + n.rows_removed_by_filter.unwrap_or(0.0);
    let pages = n.buffers.as_ref().map(|b| b.shared_accessed() as f64);
    let small = per_loop_rows < t.min_rows_per_loop
        || pages.is_some_and(|p| p / loops < t.min_pages_per_loop);
    let big_in_total = pages.is_some_and(|p| p >= t.min_pages_total);
    small && !big_in_total
}

/// The VERBOSE output columns the key lacks, when all of them are plain columns of the scan
/// (few enough to include): with them the scan can be index-only.
fn include_columns(
    n: &Node,
    own: &Own,
    columns: &[(String, String)],
    t: &Thresholds,
) -> Option<Vec<String>> {
    const SYSTEM: &[&str] = &["ctid", "tableoid", "xmin", "xmax", "cmin", "cmax"];
    let mut include: Vec<String> = Vec::new();
    for item in n.output()? {
        let e = expr::parse(item).ok()?;
        let p = e.column().filter(|p| own.owns(p))?;
        let id = p.last()?;
        if SYSTEM.contains(&id.name.as_str()) {
            return None;
        }
        let sql = id.to_string();
        if !columns.iter().any(|(c, _)| *c == sql) && !include.contains(&sql) {
            include.push(sql);
        }
    }
    (include.len() <= t.include_max_columns).then_some(include)
}

#[allow(clippy::too_many_arguments)]
fn finish_scan_draft(
    join: Option<&Node>,
    plan: &Plan,
    n: &Node,
    sort: Option<&Node>,
    table: &str,
    method: &'static str,
    kind: IndexKind,
    columns: Vec<(String, String)>,
    predicate: Vec<(String, String)>,
    extends: Option<String>,
    notes: Vec<String>,
    non_sargable: bool,
    t: &Thresholds,
) -> Draft {
    let kept = total(n.actual_rows, n);
    let removed = total(n.rows_removed_by_filter, n);
    let read = kept + removed;
    let buffers = n.buffers.as_ref().map(|b| b.shared_accessed()).unwrap_or(0);
    let what = crate::model::NodeType::as_str(n.node_type()).to_string();
    let loops = n.loops();
    let mut effect = format!("{what} on {table} read {}", rows(read));
    if loops > 1 && n.parallel_aware == Some(true) {
        let _ = write!(effect, " in {loops} processes");
    } else if loops > 1 {
        let _ = write!(effect, " over {} loops", fmt_count(loops as f64));
    }
    let _ = write!(effect, " to return {}", fmt_count(kept));
    if buffers > 0 {
        let _ = write!(effect, " ({} buffers)", fmt_count(buffers as f64));
    }
    match sort {
        Some(s) => {
            let _ = write!(
                effect,
                ", then {} sorted them for a Limit: with this index the scan returns rows in order and stops after the rows the Limit needs",
                if *s.node_type() == NodeType::Sort {
                    "a Sort"
                } else {
                    "a sort"
                }
            );
        }
        None => {
            let _ = write!(
                effect,
                ": with this index it reads about the {} it returns",
                rows(kept)
            );
        }
    }
    let mut addressed = addresses(plan, n, sort, non_sargable, t);
    if let Some(nl) = join {
        let pairs_removed = total(
            nl.join_conditions
                .as_ref()
                .and_then(|c| c.rows_removed_by_join_filter),
            nl,
        );
        effect = format!(
            "{} ran {} on {table} for {} outer rows and its Join Filter discarded {} row pairs: with this index the planner can look up the matching {table} rows for each row of the other side (a parameterized index scan)",
            crate::model::NodeType::as_str(nl.node_type()),
            if n.parent_relationship == Some(ParentRelationship::Outer) {
                "its outer Seq Scan"
            } else {
                "its inner Seq Scan"
            },
            fmt_count(outer_rows(plan, nl)),
            fmt_count(pairs_removed)
        );
        for rule in ["join-filter", "nested-loop-blowup"] {
            addressed.push(Addressed {
                rule,
                node: Some(nl.id),
                constraint: None,
            });
        }
    }
    Draft {
        kind,
        schema: n.schema().cloned(),
        table: table.to_string(),
        method,
        columns,
        include: Vec::new(),
        predicate,
        addresses: addressed,
        effect,
        extends,
        notes,
    }
}

// ------------------------------------------------------------------------------------------
// Foreign keys

/// A plural table name's singular (`products` → `product`, `categories` → `category`).
fn singular(name: &str) -> String {
    if let Some(s) = name.strip_suffix("ies") {
        format!("{s}y")
    } else if let Some(s) = name.strip_suffix("sses") {
        format!("{s}ss")
    } else if name.ends_with("xes") || name.ends_with("ches") || name.ends_with("shes") {
        name[..name.len() - 2].to_string()
    } else if let Some(s) = name.strip_suffix('s') {
        s.to_string()
    } else {
        name.to_string()
    }
}

/// The referencing table and column of a foreign key named by PostgreSQL's default rule
/// (`<table>_<column>_fkey`), when the name says it unambiguously.
fn fk_parts(
    constraint: &str,
    referenced: &str,
    known: &BTreeSet<&str>,
) -> Option<(String, String)> {
    let stem = constraint.strip_suffix("_fkey")?;
    let splits: Vec<(&str, &str)> = stem
        .match_indices('_')
        .map(|(i, _)| (&stem[..i], &stem[i + 1..]))
        .filter(|(a, b)| !a.is_empty() && !b.is_empty())
        .collect();
    let one = |v: Vec<(&str, &str)>| match v.as_slice() {
        [(a, b)] => Some((a.to_string(), b.to_string())),
        _ => None,
    };
    // a table the plan names (self-references, or the referencing table scanned elsewhere)
    let by_table: Vec<_> = splits
        .iter()
        .copied()
        .filter(|(a, _)| known.contains(a))
        .collect();
    if let Some(p) = one(by_table) {
        return Some(p);
    }
    // the column named after the referenced table: product_id → products
    let want = [
        format!("{}_id", singular(referenced)),
        format!("{referenced}_id"),
    ];
    one(splits
        .into_iter()
        .filter(|(_, b)| want.iter().any(|w| w == b))
        .collect())
}

fn for_fk_triggers(plan: &Plan, t: &Thresholds) -> Vec<Draft> {
    let mut out = Vec::new();
    let root = plan.root();
    let modified = root.filter(|r| *r.node_type() == NodeType::ModifyTable);
    let known: BTreeSet<&str> = plan
        .nodes
        .iter()
        .filter_map(|n| n.relation_name.as_deref())
        .collect();
    for tr in plan.triggers.iter().flatten() {
        let Some(constraint) = tr.constraint_name.as_deref() else {
            continue;
        };
        // Action triggers (`RI_ConstraintTrigger_a_…`) run on the referenced table when its
        // rows are deleted or updated, and look the rows up in the referencing table. Check
        // triggers (`_c_`) look up the referenced key, which always has a unique index.
        let action = match tr.trigger_name.as_deref() {
            Some(name) => name.starts_with("RI_ConstraintTrigger_a_"),
            None => modified.is_some_and(|m| {
                matches!(m.operation, Some(Operation::Delete))
                    && (tr.relation.is_none() || tr.relation == m.relation_name)
            }),
        };
        if !action {
            continue;
        }
        let (Some(time), Some(calls)) = (tr.time, tr.calls) else {
            continue;
        };
        if calls == 0 || time / (calls as f64) < t.fk_min_ms_per_call {
            continue;
        }
        let Some(referenced) = tr
            .relation
            .as_deref()
            .or(modified.and_then(|m| m.relation_name.as_deref()))
        else {
            continue;
        };
        let Some((table, column)) = fk_parts(constraint, referenced, &known) else {
            continue;
        };
        let col = Ident::new(&column);
        let share = plan
            .execution_time
            .filter(|e| *e > 0.0)
            .map(|e| format!(", {:.0}% of execution time", 100.0 * time / e))
            .unwrap_or_default();
        out.push(Draft {
            kind: IndexKind::ForeignKey,
            schema: None,
            table: table.clone(),
            method: "btree",
            columns: vec![(col.to_string(), column.clone())],
            include: Vec::new(),
            predicate: Vec::new(),
            addresses: vec![Addressed {
                rule: "trigger-time",
                node: None,
                constraint: Some(constraint.to_string()),
            }],
            effect: format!(
                "the foreign-key check {constraint} ran {} times for {:.1} ms ({:.1} ms per call{share}): each call scans {table} for rows referencing the changed {referenced} row; with this index each check is an index lookup",
                fmt_count(calls as f64),
                time,
                time / calls as f64
            ),
            extends: None,
            notes: vec![format!(
                "table and column read from the constraint name {constraint} (PostgreSQL's default <table>_<column>_fkey naming); the schema is not in the plan"
            )],
        });
    }
    out
}

#[cfg(test)]
mod tests {
    //! Unit tests of single rules; the plans here are hand-made (the behaviour on real plans is
    //! tested on the corpus in core/tests/advice_index.rs).
    use super::*;

    #[test]
    fn foreign_key_names() {
        let known = BTreeSet::from(["products"]);
        assert_eq!(
            fk_parts("order_items_product_id_fkey", "products", &known),
            Some(("order_items".into(), "product_id".into()))
        );
        assert_eq!(
            fk_parts(
                "categories_parent_id_fkey",
                "categories",
                &BTreeSet::from(["categories"])
            ),
            Some(("categories".into(), "parent_id".into()))
        );
        // a custom name or an ambiguous one: no advice
        assert_eq!(fk_parts("fk_lines_product", "products", &known), None);
        assert_eq!(fk_parts("a_b_c_d_fkey", "products", &known), None);
        assert_eq!(singular("categories"), "category");
        assert_eq!(singular("boxes"), "box");
    }

    #[test]
    fn index_names_fit_in_63_bytes() {
        let long = "a_very_long_column_name_that_goes_on_and_on";
        let n1 = index_name(&["orders", long, long], "orders (a, b)");
        let n2 = index_name(&["orders", long, long], "orders (a, c)");
        assert!(n1.len() <= 63 && n2.len() <= 63, "{n1}");
        assert_ne!(n1, n2, "the hash keeps long names apart");
        assert_eq!(
            index_name(&["Orders", "lower(email)", "idx"], ""),
            "orders_lower_email_idx"
        );
    }

    fn plan_with_filter(filter: &str) -> Plan {
        let json = serde_json::json!([{"Plan": {
            "Node Type": "Seq Scan", "Relation Name": "orders", "Alias": "orders",
            "Actual Rows": 10, "Actual Loops": 1, "Rows Removed by Filter": 100000,
            "Filter": filter
        }}]);
        crate::parse(&json.to_string()).expect("a plan").remove(0)
    }

    #[test]
    fn identifiers_are_quoted_when_needed() {
        let json = serde_json::json!([{"Plan": {
            "Node Type": "Seq Scan", "Relation Name": "Order Items", "Alias": "oi",
            "Schema": "Sales", "Actual Rows": 10, "Actual Loops": 1,
            "Rows Removed by Filter": 100000, "Filter": "(oi.\"Product\" = 42)"
        }}]);
        let plan = crate::parse(&json.to_string()).expect("a plan").remove(0);
        let s = suggest(&plan, &Thresholds::default());
        assert_eq!(
            s[0].sql,
            "CREATE INDEX CONCURRENTLY order_items_product_idx ON \"Sales\".\"Order Items\" USING btree (\"Product\");"
        );
    }

    #[test]
    fn unreadable_conditions_give_no_advice() {
        assert_eq!(
            suggest(
                &plan_with_filter("(promo_code = 'x'::text)"),
                &Thresholds::default()
            )
            .len(),
            1
        );
        for bad in [
            "(promo_code = ",
            "((promo_code = 'x'::text) OR (total > 5))",
            "(promo_code <> 'x'::text)",
            "(ANY (promo_code = (hashed SubPlan 1).col1))",
            "((created_at)::date = '2024-01-01'::date)",
        ] {
            assert!(
                suggest(&plan_with_filter(bad), &Thresholds::default()).is_empty(),
                "{bad}"
            );
        }
        let deep = format!("{}(a = 1){}", "(".repeat(100_000), ")".repeat(100_000));
        assert!(suggest(&plan_with_filter(&deep), &Thresholds::default()).is_empty());
    }
}
