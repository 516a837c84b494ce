//! The rule engine: one module per rule, a registry, configuration, findings.
//!
//! A rule is declared with the `rule!` macro: its doc comment (what it finds, why it matters,
//! how to fix it, a corpus example — reachable at run time, so `planlint rules` and docs/rules/
//! are generated from it), a stable kebab-case id (public contract), and its thresholds with
//! their defaults (overridable in `planlint.toml`). Its `check` function reads the plan and the
//! metrics through a [`Context`] and pushes [`Finding`]s.

use std::collections::BTreeMap;

use serde::Serialize;
use serde::ser::SerializeMap;

use crate::error::{Error, ErrorKind};
#[allow(unused_imports)]
pub(crate) use crate::metrics::NodeExt as _;
use crate::metrics::{Metrics, NodeExt, NodeMetrics};
use crate::model::{Node, NodeId, NodeType, Plan};
use rustc_hash::{FxHashMap, FxHashSet};

pub mod advice;
pub mod expr;
mod format;

pub use format::{fmt_count, fmt_ms, fmt_pct, write_ms, write_pct};

/// Declares a rule: doc comment, id, thresholds. Expects a `check(ctx, params, out)` function
/// in the same module.
macro_rules! rule {
    (
        $(#[doc = $doc:literal])*
        id: $id:literal,
        params: {
            $( $(#[doc = $pdoc:literal])+ $p:ident : $default:expr, )*
        }
    ) => {
        /// The rule's id.
        pub const ID: &str = $id;

        /// The rule's thresholds (defaults, or `planlint.toml`'s values).
        #[derive(Debug, Clone, Copy)]
        #[allow(dead_code)]
        pub(crate) struct Params {
            $( $(#[doc = $pdoc])+ pub $p: f64, )*
        }

        /// The rule in the registry.
        pub static RULE: $crate::rules::Rule = $crate::rules::Rule {
            id: $id,
            doc: concat!($($doc, "\n"),*),
            params: &[$( $crate::rules::Param {
                name: stringify!($p),
                default: $default,
                doc: concat!($($pdoc),+),
            }, )*],
            run,
        };

        #[allow(unused_mut, unused_variables)]
        fn run(ctx: &$crate::rules::Context, values: &[f64], out: &mut Vec<$crate::rules::Finding>) {
            let mut it = values.iter().copied();
            let params = Params { $( $p: it.next().unwrap_or($default), )* };
            check(ctx, &params, out);
        }
    };
}

mod cache_misses;
mod cartesian_join;
mod correlated_subplan;
mod cte_filter;
mod hash_spill;
mod hashagg_spill;
mod heap_fetches;
mod hot_node;
mod index_filter;
mod jit_overhead;
mod join_filter;
mod large_offset;
mod lossy_bitmap;
mod materialize_rescan;
mod memoize_ineffective;
mod nested_loop_blowup;
mod non_sargable;
mod parallel_overhead;
mod partition_pruning;
mod plan_quality;
mod planning_time;
mod read_efficiency;
mod row_misestimate;
mod seq_scan_filter;
mod sort_for_limit;
mod sort_spill;
mod temp_io;
mod trigger_time;
mod workers_not_launched;

/// Every rule, in the order they run (rules that others defer to come first).
pub static RULES: &[&Rule] = &[
    &non_sargable::RULE,
    &seq_scan_filter::RULE,
    &index_filter::RULE,
    &lossy_bitmap::RULE,
    &heap_fetches::RULE,
    &row_misestimate::RULE,
    &cartesian_join::RULE,
    &join_filter::RULE,
    &nested_loop_blowup::RULE,
    &correlated_subplan::RULE,
    &cte_filter::RULE,
    &sort_spill::RULE,
    &hash_spill::RULE,
    &hashagg_spill::RULE,
    &temp_io::RULE,
    &cache_misses::RULE,
    &read_efficiency::RULE,
    &workers_not_launched::RULE,
    &parallel_overhead::RULE,
    &jit_overhead::RULE,
    &planning_time::RULE,
    &trigger_time::RULE,
    &partition_pruning::RULE,
    &memoize_ineffective::RULE,
    &materialize_rescan::RULE,
    &large_offset::RULE,
    &sort_for_limit::RULE,
    &hot_node::RULE,
    &plan_quality::RULE,
];

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.id == id)
}

/// A detector.
#[derive(Debug)]
pub struct Rule {
    /// Stable kebab-case id (`seq-scan-filter`): part of the public contract.
    pub id: &'static str,
    /// Markdown documentation: the first line is the summary, then why it matters, how to fix
    /// it, and an example from the corpus.
    pub doc: &'static str,
    /// Thresholds, with their defaults.
    pub params: &'static [Param],
    run: fn(&Context, &[f64], &mut Vec<Finding>),
}

impl Rule {
    /// The documentation with the one space rustdoc keeps at the start of each line removed.
    pub fn doc_text(&self) -> String {
        let mut out = String::with_capacity(self.doc.len());
        for line in self.doc.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out
    }

    /// The one-line summary (the doc's first line).
    pub fn summary(&self) -> &'static str {
        self.doc.lines().next().unwrap_or("").trim()
    }
}

/// A threshold of a rule.
#[derive(Debug)]
pub struct Param {
    /// Name, as written in `planlint.toml` (`min_rows_removed`).
    pub name: &'static str,
    /// Default value.
    pub default: f64,
    /// What it controls and why the default.
    pub doc: &'static str,
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; not necessarily worth acting on.
    Info,
    /// Likely worth fixing.
    Warning,
    /// A dominant problem of the plan.
    Critical,
}

impl Severity {
    /// `info`, `warning` or `critical`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }

    /// The severity named `info`, `warning` or `critical`.
    pub fn from_name(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "critical" => Some(Severity::Critical),
            _ => None,
        }
    }
}

/// A value in a finding's evidence.
#[derive(Debug, Clone, PartialEq)]
pub enum Evidence {
    /// A number (written as an integer when it is one).
    Number(f64),
    /// A text (a condition, a table name…).
    Text(String),
}

impl Serialize for Evidence {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Evidence::Number(v) if v.fract() == 0.0 && v.abs() < 9.0e15 => {
                s.serialize_i64(*v as i64)
            }
            Evidence::Number(v) => s.serialize_f64(*v),
            Evidence::Text(t) => s.serialize_str(t),
        }
    }
}

impl From<f64> for Evidence {
    fn from(v: f64) -> Self {
        Evidence::Number(v)
    }
}

impl From<u64> for Evidence {
    fn from(v: u64) -> Self {
        Evidence::Number(v as f64)
    }
}

impl From<&str> for Evidence {
    fn from(v: &str) -> Self {
        Evidence::Text(v.to_string())
    }
}

impl From<String> for Evidence {
    fn from(v: String) -> Self {
        Evidence::Text(v)
    }
}

/// Named evidence, in the order the rule gave it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EvidenceMap(pub Vec<(&'static str, Evidence)>);

impl EvidenceMap {
    /// The value of a field.
    pub fn get(&self, name: &str) -> Option<&Evidence> {
        self.0.iter().find(|(k, _)| *k == name).map(|(_, v)| v)
    }

    /// The numeric value of a field.
    pub fn number(&self, name: &str) -> Option<f64> {
        match self.get(name)? {
            Evidence::Number(v) => Some(*v),
            Evidence::Text(_) => None,
        }
    }
}

impl Serialize for EvidenceMap {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// What to do about a finding.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Fix {
    /// What to do, in words.
    pub text: String,
    /// SQL that does it, when there is one (run it only after reading `text`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sql: Option<String>,
}

/// One problem found in a plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// The rule's id.
    pub rule: &'static str,
    /// How serious it is.
    pub severity: Severity,
    /// The node it concerns (its id: pre-order index in `plan.nodes`); absent for findings
    /// about the whole plan (planning time, JIT, triggers, EXPLAIN options).
    pub node: Option<NodeId>,
    /// One line, with the numbers.
    pub message: String,
    /// Estimated share (0–1) of the execution time the fix could save; ranks the findings.
    /// 0 when the plan has no timing.
    pub impact: f64,
    /// The numbers and texts the finding is based on.
    pub evidence: EvidenceMap,
    /// What to do.
    pub fix: Fix,
}

impl Finding {
    /// A finding of `rule` about `node`.
    pub fn new(
        rule: &'static str,
        severity: Severity,
        node: Option<NodeId>,
        message: String,
    ) -> Self {
        Finding {
            rule,
            severity,
            node,
            message,
            impact: 0.0,
            evidence: EvidenceMap::default(),
            fix: Fix::default(),
        }
    }

    /// Sets the impact (clamped to 0–1, rounded to 4 decimals).
    pub fn impact(mut self, share: Option<f64>) -> Self {
        self.impact = crate::metrics::round4(share.unwrap_or(0.0).clamp(0.0, 1.0));
        self
    }

    /// Adds an evidence field.
    pub fn with(mut self, name: &'static str, value: impl Into<Evidence>) -> Self {
        self.evidence.0.push((name, value.into()));
        self
    }

    /// Adds an evidence field when the value is known.
    pub fn with_opt<V: Into<Evidence>>(self, name: &'static str, value: Option<V>) -> Self {
        match value {
            Some(v) => self.with(name, v),
            None => self,
        }
    }

    /// Sets the fix.
    pub fn fix(mut self, text: impl Into<String>, sql: Option<String>) -> Self {
        self.fix = Fix {
            text: text.into(),
            sql,
        };
        self
    }
}

/// What a rule sees: the plan, its metrics, and helpers.
pub struct Context<'a> {
    /// The plan.
    pub plan: &'a Plan,
    /// Its metrics.
    pub metrics: &'a Metrics,
    /// Time at stake (ms) below which a finding is at most info (`min_time_ms`).
    pub min_time_ms: f64,
    ends: Vec<NodeId>,
    found: std::cell::RefCell<FoundIndex>,
}

impl<'a> Context<'a> {
    /// A context for one plan.
    pub fn new(plan: &'a Plan, metrics: &'a Metrics) -> Self {
        Context {
            plan,
            metrics,
            min_time_ms: DEFAULT_MIN_TIME_MS,
            ends: crate::metrics::subtree_ends(plan),
            found: Default::default(),
        }
    }

    /// The nodes, in pre-order.
    pub fn nodes(&self) -> &'a [Node] {
        &self.plan.nodes
    }

    /// A node.
    pub fn node(&self, id: NodeId) -> &'a Node {
        &self.plan.nodes[id]
    }

    /// A node's metrics.
    pub fn m(&self, id: NodeId) -> &NodeMetrics {
        &self.metrics.nodes[id]
    }

    /// Whether the plan has actual rows (ANALYZE).
    pub fn analyzed(&self) -> bool {
        self.metrics.analyzed
    }

    /// Whether the plan has actual times.
    pub fn timed(&self) -> bool {
        self.metrics.timed
    }

    /// The ids of a node's subtree (the node included).
    pub fn subtree(&self, id: NodeId) -> std::ops::Range<NodeId> {
        id..self.ends[id]
    }

    /// Whether a node ran at least once.
    pub fn executed(&self, id: NodeId) -> bool {
        self.node(id).actual_loops.is_some_and(|l| l > 0)
    }

    /// The children of a node.
    pub fn children(&self, id: NodeId) -> impl Iterator<Item = &'a Node> + '_ {
        let plan = self.plan;
        plan.nodes[id].children.iter().map(move |&c| &plan.nodes[c])
    }

    /// The child with a parent relationship (`Outer`, `Inner`).
    pub fn child(&self, id: NodeId, rel: crate::model::ParentRelationship) -> Option<&'a Node> {
        let plan = self.plan;
        plan.nodes[id]
            .children
            .iter()
            .map(|&c| &plan.nodes[c])
            .find(|c| c.parent_relationship.as_ref() == Some(&rel))
    }

    /// A node's self time share (0–1).
    pub fn self_share(&self, id: NodeId) -> Option<f64> {
        self.m(id).self_time_share
    }

    /// A node's inclusive time share (0–1).
    pub fn total_share(&self, id: NodeId) -> Option<f64> {
        self.m(id).total_time_share
    }

    /// The time the shares are relative to, in ms.
    pub fn reference_ms(&self) -> Option<f64> {
        self.metrics.reference_time_ms
    }

    /// A time as a share of the reference time.
    pub fn share_of(&self, ms: f64) -> Option<f64> {
        self.reference_ms().map(|r| ms / r)
    }

    /// Whether the time a share stands for reaches `min_time_ms` (true without timing).
    pub fn significant(&self, share: Option<f64>) -> bool {
        match (share, self.reference_ms()) {
            (Some(s), Some(r)) => s * r >= self.min_time_ms,
            _ => true,
        }
    }

    /// Severity from a time share: `critical` at or above `critical`, `warning` at or above
    /// `warning`, else `info`; `warning` when the plan has no timing; `info` when the time at
    /// stake is below `min_time_ms`.
    pub fn severity_by_share(&self, share: Option<f64>, warning: f64, critical: f64) -> Severity {
        if !self.significant(share) {
            return Severity::Info;
        }
        match share {
            Some(s) if s >= critical => Severity::Critical,
            Some(s) if s >= warning => Severity::Warning,
            Some(_) => Severity::Info,
            None => Severity::Warning,
        }
    }

    /// A short name for a node: `Seq Scan on orders`, `Index Scan using i on orders o`,
    /// `Hash Join`, `CTE Scan on x`, `Aggregate (hashed)`.
    pub fn label(&self, id: NodeId) -> String {
        label(self.node(id))
    }

    /// The "time" part of a message: `41 ms, 96% of execution time` (empty without timing).
    pub fn time_phrase(&self, ms: Option<f64>, share: Option<f64>) -> String {
        match (ms, share) {
            (Some(ms), Some(s)) => format!("{}, {} of execution time", fmt_ms(ms), fmt_pct(s)),
            (Some(ms), None) => fmt_ms(ms),
            _ => String::new(),
        }
    }

    /// [`Context::time_phrase`] as the end of a message: `": 41 ms, 96% of execution time"`, or
    /// nothing without timing.
    pub fn time_suffix(&self, ms: Option<f64>, share: Option<f64>) -> String {
        match self.time_phrase(ms, share) {
            t if t.is_empty() => t,
            t => format!(": {t}"),
        }
    }
}

/// A short name for a node (see [`Context::label`]).
pub fn label(n: &Node) -> String {
    let mut s = String::new();
    if n.parallel_aware == Some(true) {
        s.push_str("Parallel ");
    }
    match (n.node_type(), n.strategy.as_ref(), n.partial_mode.as_ref()) {
        (NodeType::Aggregate, Some(st), pm) => {
            if let Some(pm) = pm.filter(|p| p.as_str() != "Simple") {
                s.push_str(pm.as_str());
                s.push(' ');
            }
            s.push_str(match st.as_str() {
                "Hashed" => "HashAggregate",
                "Sorted" => "GroupAggregate",
                "Mixed" => "MixedAggregate",
                _ => "Aggregate",
            });
        }
        (t, _, _) => s.push_str(t.as_str()),
    }
    if let Some(op) = &n.operation
        && *n.node_type() == NodeType::ModifyTable
    {
        s = format!("{op}");
    }
    if n.node_type().is_join() {
        let base = match n.node_type() {
            NodeType::HashJoin => "Hash",
            NodeType::MergeJoin => "Merge",
            _ => "Nested Loop",
        };
        s.truncate(s.len() - n.node_type().as_str().len());
        s.push_str(base);
        match n.join_type.as_ref().map(|j| j.as_str()) {
            Some(jt) if jt != "Inner" => {
                s.push(' ');
                s.push_str(jt);
                s.push_str(" Join");
            }
            _ if base != "Nested Loop" => s.push_str(" Join"),
            _ => {}
        }
    }
    if let Some(idx) = &n.index_name {
        s.push_str(" using ");
        s.push_str(idx);
    }
    let target = n
        .relation_name
        .as_deref()
        .or(n.cte_name())
        .or(n.function_name())
        .or(n.table_function_name())
        .or(n.tuplestore_name());
    if let Some(t) = target {
        s.push_str(" on ");
        if let Some(schema) = n.schema() {
            s.push_str(schema);
            s.push('.');
        }
        s.push_str(t);
        if let Some(a) = n.alias.as_deref().filter(|a| *a != t) {
            s.push(' ');
            s.push_str(a);
        }
    }
    s
}

/// Rule selection and thresholds (`planlint.toml`).
///
/// ```toml
/// select = ["seq-scan-filter", "row-misestimate"]   # only these (default: all)
/// ignore = ["planning-time"]                         # never these
/// min_time_ms = 10         # findings about less time than this are at most info
///
/// [rules.seq-scan-filter]
/// min_rows_removed = 10000
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    /// Only these rules run (all when `None`).
    pub select: Option<Vec<String>>,
    /// These rules never run.
    pub ignore: Vec<String>,
    /// Threshold overrides: rule id → parameter → value.
    pub params: BTreeMap<String, BTreeMap<String, f64>>,
    /// Time at stake (ms) below which findings are at most info (default 10).
    pub min_time_ms: Option<f64>,
}

/// Default of [`Config::min_time_ms`]: a finding about less than 10 ms of execution time is
/// informational, whatever its share (a 1 ms query is 100% of itself).
pub const DEFAULT_MIN_TIME_MS: f64 = 10.0;

/// A rule's thresholds as written in `planlint.toml`, with positions.
type RawThresholds = BTreeMap<toml::Spanned<String>, f64>;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    select: Option<Vec<toml::Spanned<String>>>,
    ignore: Option<Vec<toml::Spanned<String>>>,
    rules: Option<BTreeMap<toml::Spanned<String>, RawThresholds>>,
    min_time_ms: Option<f64>,
}

impl Config {
    /// Reads a `planlint.toml`; unknown keys, rule ids and thresholds are errors with their
    /// line and column.
    pub fn from_toml(text: &str) -> Result<Config, Error> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let at = e.span().map_or(0, |s| s.start);
            Error::at(ErrorKind::Invalid, e.message().trim().to_string(), text, at)
        })?;
        let mut cfg = Config {
            min_time_ms: raw.min_time_ms,
            ..Config::default()
        };
        let check_id = |s: &toml::Spanned<String>| -> Result<String, Error> {
            if rule(s.get_ref()).is_some() {
                Ok(s.get_ref().clone())
            } else {
                Err(Error::at(
                    ErrorKind::Invalid,
                    format!(
                        "unknown rule {:?}; expected one of the ids `planlint rules` lists",
                        s.get_ref()
                    ),
                    text,
                    s.span().start,
                ))
            }
        };
        if let Some(sel) = &raw.select {
            cfg.select = Some(sel.iter().map(check_id).collect::<Result<_, _>>()?);
        }
        if let Some(ign) = &raw.ignore {
            cfg.ignore = ign.iter().map(check_id).collect::<Result<_, _>>()?;
        }
        for (id, params) in raw.rules.unwrap_or_default() {
            let rid = check_id(&id)?;
            let r = rule(&rid).expect("checked");
            let mut map = BTreeMap::new();
            for (name, value) in params {
                if !r.params.iter().any(|p| p.name == name.get_ref()) {
                    let known: Vec<&str> = r.params.iter().map(|p| p.name).collect();
                    return Err(Error::at(
                        ErrorKind::Invalid,
                        format!(
                            "rule {rid} has no threshold {:?}; expected one of: {}",
                            name.get_ref(),
                            if known.is_empty() {
                                "(none)".to_string()
                            } else {
                                known.join(", ")
                            }
                        ),
                        text,
                        name.span().start,
                    ));
                }
                map.insert(name.into_inner(), value);
            }
            cfg.params.insert(rid, map);
        }
        Ok(cfg)
    }

    /// Whether a rule runs.
    pub fn enabled(&self, id: &str) -> bool {
        self.select
            .as_ref()
            .is_none_or(|s| s.iter().any(|x| x == id))
            && !self.ignore.iter().any(|x| x == id)
    }

    /// The thresholds of a rule, in its declaration order.
    pub fn values(&self, rule: &Rule) -> Vec<f64> {
        let over = self.params.get(rule.id);
        rule.params
            .iter()
            .map(|p| {
                over.and_then(|o| o.get(p.name))
                    .copied()
                    .unwrap_or(p.default)
            })
            .collect()
    }
}

/// Runs every enabled rule on a plan and ranks the findings: by impact, then severity, then
/// node id, then rule order.
pub fn run(ctx: &mut Context, config: &Config) -> Vec<Finding> {
    ctx.min_time_ms = config.min_time_ms.unwrap_or(DEFAULT_MIN_TIME_MS);
    let ctx = &*ctx;
    let mut out = Vec::new();
    let mut order = Vec::new();
    for (i, r) in RULES.iter().enumerate() {
        if !config.enabled(r.id) {
            continue;
        }
        let start = out.len();
        (r.run)(ctx, &config.values(r), &mut out);
        order.extend(std::iter::repeat_n(i, out.len() - start));
    }
    let mut ranked: Vec<(usize, Finding)> = order.into_iter().zip(out).collect();
    ranked.sort_by(|(ra, a), (rb, b)| {
        b.impact
            .total_cmp(&a.impact)
            .then(b.severity.cmp(&a.severity))
            .then(
                a.node
                    .unwrap_or(usize::MAX)
                    .cmp(&b.node.unwrap_or(usize::MAX)),
            )
            .then(ra.cmp(rb))
    });
    ranked.into_iter().map(|(_, f)| f).collect()
}

/// The Markdown page of a rule (docs/rules/<id>.md).
pub fn markdown(rule: &Rule) -> String {
    let mut s = format!("# {}\n\n", rule.id);
    s.push_str(&rule.doc_text());
    if !rule.params.is_empty() {
        s.push_str("\n## Settings\n\nSet in `planlint.toml` under `[rules.");
        s.push_str(rule.id);
        s.push_str("]`.\n\n| name | default | meaning |\n|---|---|---|\n");
        for p in rule.params {
            s.push_str(&format!(
                "| `{}` | {} | {} |\n",
                p.name,
                format::fmt_param(p.default),
                p.doc.trim().replace('\n', " ").replace("  ", " ")
            ));
        }
    }
    s.push_str("\n<!-- Generated from core/src/rules/");
    s.push_str(&rule.id.replace('-', "_"));
    s.push_str(".rs by `planlint rules --markdown docs/rules`; do not edit. -->\n");
    s
}

/// The Markdown index of every rule (docs/rules/README.md).
pub fn markdown_index() -> String {
    let mut s = String::from(
        "# Rules\n\nEvery rule planlint runs, with its stable id. Select or ignore rules with \
         `--select`/`--ignore` or in `planlint.toml`; thresholds are set there too.\n\n\
         | id | what it finds |\n|---|---|\n",
    );
    for r in RULES {
        s.push_str(&format!(
            "| [`{}`]({}.md) | {} |\n",
            r.id,
            r.id,
            r.summary()
        ));
    }
    s.push_str("\n<!-- Generated by `planlint rules --markdown docs/rules`; do not edit. -->\n");
    s
}

/// The findings of `out` indexed by (rule, node), up to `len` (findings are only appended).
#[derive(Default)]
struct FoundIndex {
    len: usize,
    set: FxHashSet<(&'static str, NodeId)>,
}

impl Context<'_> {
    /// Whether `out` (the findings of this run so far) holds a finding of `rule` about `node`.
    /// Constant time: the findings are indexed as they come (a rule that asks this for each of
    /// thousands of partitions must not scan thousands of findings each time).
    pub(crate) fn has_finding(&self, out: &[Finding], rule: &'static str, node: NodeId) -> bool {
        let mut idx = self.found.borrow_mut();
        if idx.len > out.len() {
            *idx = FoundIndex::default(); // another list than last time
        }
        for f in &out[idx.len..] {
            if let Some(n) = f.node {
                idx.set.insert((f.rule, n));
            }
        }
        idx.len = out.len();
        idx.set.contains(&(rule, node))
    }
}

/// Rows removed by a node's Filter over all loops.
pub(crate) fn filter_removed(n: &Node) -> f64 {
    n.rows_removed_by_filter.unwrap_or(0.0) * n.loops() as f64
}

/// Rows a node returned over all loops.
pub(crate) fn rows_total(n: &Node) -> f64 {
    n.actual_rows.unwrap_or(0.0) * n.loops() as f64
}

/// A `work_mem` value that would hold `kb` kilobytes: twice the size (in-memory tuples are
/// larger than their on-disk form), rounded up to a power of two, at least 8MB.
pub(crate) fn suggest_work_mem(kb: f64) -> String {
    let mut mb = 8u64;
    while (mb as f64) * 1024.0 < kb * 2.0 && mb < (1 << 20) {
        mb *= 2;
    }
    if mb >= 1024 && mb % 1024 == 0 {
        format!("{}GB", mb / 1024)
    } else {
        format!("{mb}MB")
    }
}

/// Scans that a rule reports together: one scan, or the scans of one Append / Merge Append
/// that read partitions of one table with the same condition (reported once, on the Append).
#[derive(Debug)]
pub(crate) struct ScanGroup {
    /// The node the finding is about: the scan, or the Append of the partitions.
    pub anchor: NodeId,
    /// The scans.
    pub members: Vec<NodeId>,
}

impl ScanGroup {
    /// Whether the group is several partitions.
    pub fn partitions(&self) -> bool {
        self.members.len() > 1
    }
}

/// The condition of a scan with its own alias removed (`events_3.kind = …` → `kind = …`), so
/// that scans of sibling partitions compare equal; written into `out` (cleared first), which is
/// reused from scan to scan (no allocation per scan of an Append with thousands of children).
fn normalized_into(n: &Node, cond: &str, out: &mut String) {
    out.clear();
    let Some(a) = &n.alias else {
        out.push_str(cond);
        return;
    };
    // `cond.replace("{alias}.", "")`: every non-overlapping match, left to right.
    let mut pattern = Vec::with_capacity(a.len() + 1);
    pattern.extend_from_slice(a.as_bytes());
    pattern.push(b'.');
    let mut last = 0;
    for at in memchr::memmem::find_iter(cond.as_bytes(), &pattern) {
        out.push_str(&cond[last..at]);
        last = at + pattern.len();
    }
    out.push_str(&cond[last..]);
}

/// Groups the executed nodes `accept`s: siblings under an Append / Merge Append with the same
/// node type and the same `key` condition form one group.
pub(crate) fn scan_groups(
    ctx: &Context,
    accept: impl Fn(&Node) -> bool,
    key: impl Fn(&Node) -> Option<&str>,
) -> Vec<ScanGroup> {
    let mut groups: Vec<ScanGroup> = Vec::new();
    let mut grouped = vec![false; ctx.nodes().len()];
    let mut cond = String::new();
    // Per Append: the children's keys (node type, normalized condition) in first-seen order,
    // found by hash (an Append may have thousands of children with distinct conditions).
    let mut by_key: Vec<Vec<NodeId>> = Vec::new();
    let mut index: FxHashMap<(&NodeType, String), usize> = FxHashMap::default();
    for n in ctx.nodes() {
        if !matches!(n.node_type(), NodeType::Append | NodeType::MergeAppend) {
            continue;
        }
        by_key.clear();
        index.clear();
        for c in ctx.children(n.id) {
            if !ctx.executed(c.id) || !accept(c) || c.relation_name.is_none() {
                continue;
            }
            normalized_into(c, key(c).unwrap_or(""), &mut cond);
            let k = (c.node_type(), std::mem::take(&mut cond));
            match index.get(&k) {
                Some(&i) => {
                    by_key[i].push(c.id);
                    cond = k.1;
                }
                None => {
                    index.insert(k, by_key.len());
                    by_key.push(vec![c.id]);
                }
            }
        }
        for members in by_key.drain(..) {
            if members.len() > 1 {
                for &m in &members {
                    grouped[m] = true;
                }
                groups.push(ScanGroup {
                    anchor: n.id,
                    members,
                });
            }
        }
    }
    for n in ctx.nodes() {
        if !grouped[n.id] && ctx.executed(n.id) && accept(n) {
            groups.push(ScanGroup {
                anchor: n.id,
                members: vec![n.id],
            });
        }
    }
    groups.sort_by_key(|g| (g.anchor, g.members[0]));
    groups
}

/// The table a group reads: the scan's table, or for partitions the partitioned table's
/// probable name (the partitions' common name prefix: `events_2024_01`, `events_default` →
/// `events`), with the phrase to use in messages.
pub(crate) fn group_target(ctx: &Context, g: &ScanGroup) -> (Option<String>, String) {
    let first = ctx.node(g.members[0]);
    if !g.partitions() {
        let t = advice::table_name(first);
        let phrase = t.clone().unwrap_or_else(|| ctx.label(first.id));
        return (t, phrase);
    }
    let names: Vec<&str> = g
        .members
        .iter()
        .filter_map(|&m| ctx.node(m).relation_name.as_deref())
        .collect();
    let table = partition_table(&names, first.schema().map(String::as_str));
    let phrase = format!(
        "{} partitions of {}",
        g.members.len(),
        table.as_deref().unwrap_or("a partitioned table")
    );
    (table, phrase)
}

/// The partitioned table's probable name from its partitions' names (their common prefix
/// without trailing `_` and digits), schema-qualified when known.
pub(crate) fn partition_table(names: &[&str], schema: Option<&str>) -> Option<String> {
    let mut prefix = *names.first()?;
    for n in names.iter().skip(1) {
        let common = prefix
            .bytes()
            .zip(n.bytes())
            .take_while(|(a, b)| a == b)
            .count();
        prefix = &prefix[..common];
    }
    let base = prefix.trim_end_matches(|c: char| c == '_' || c.is_ascii_digit());
    if base.is_empty() {
        return None;
    }
    Some(match schema {
        Some(s) => format!("{s}.{base}"),
        None => base.to_string(),
    })
}

/// The sum of a metric over a group's members.
pub(crate) fn group_sum(
    ctx: &Context,
    g: &ScanGroup,
    f: impl Fn(&Node, &NodeMetrics) -> Option<f64>,
) -> Option<f64> {
    let mut any = false;
    let mut sum = 0.0;
    for &m in &g.members {
        if let Some(v) = f(ctx.node(m), ctx.m(m)) {
            any = true;
            sum += v;
        }
    }
    any.then_some(sum)
}
