//! Index advice: from the conditions a plan shows to `CREATE INDEX` statements.
//!
//! [`expr`] parses the expressions plans carry; [`index`] finds the situations an index would
//! fix (a scan that discards most of what it reads, the inner side of a nested loop run many
//! times, a Limit over a big Sort, a foreign-key trigger scanning an unindexed table) and
//! derives the index. [`suggest_indexes`] is the entry point.
//!
//! The advice comes from the plan alone (no catalog): it is conservative. Whatever the advisor
//! cannot read with certainty (an unparseable or opaque condition, an ambiguous constraint
//! name, a function whose immutability it cannot know) gives no advice rather than a guess.

use std::fmt::Write as _;

use serde::Serialize;

use crate::model::{NodeId, Plan};
use crate::rules::{Evidence, Finding};

pub mod expr;
pub mod index;

/// What kind of index a suggestion is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum IndexKind {
    /// A btree on plain columns.
    Btree,
    /// A btree whose `INCLUDE` columns allow an index-only scan.
    Covering,
    /// A partial btree (`WHERE col = 'constant'`, `WHERE col IS NULL`).
    Partial,
    /// A btree on an expression (`lower(email)`).
    Expression,
    /// A GIN index for jsonb or array operators (`@>`, `?`, `&&`).
    Gin,
    /// A GIN trigram index (`gin_trgm_ops`) for `LIKE '%x%'` / `ILIKE` (needs pg_trgm).
    Trigram,
    /// A btree on the referencing column of a foreign key.
    ForeignKey,
}

/// A finding (rule and node) a suggestion addresses.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Addressed {
    /// The rule id of the situation (`seq-scan-filter`, `index-filter`, `nested-loop-blowup`,
    /// `correlated-subplan`, `sort-for-limit`, `trigger-time`, `non-sargable`).
    pub rule: &'static str,
    /// The node concerned (absent for plan-level findings such as triggers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node: Option<NodeId>,
    /// The foreign-key constraint, for a `trigger-time` finding.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub constraint: Option<String>,
}

/// One index to create.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndexSuggestion {
    /// What kind of index it is.
    pub kind: IndexKind,
    /// The schema (from VERBOSE plans; absent otherwise: the search path decides).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// The table.
    pub table: String,
    /// Access method: `btree` or `gin`.
    pub method: &'static str,
    /// The key elements as SQL (`customer_id`, `lower(email)`, `name gin_trgm_ops`, `total DESC`).
    pub columns: Vec<String>,
    /// `INCLUDE` columns.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<String>,
    /// The partial-index predicate (`WHERE …`), as SQL.
    #[serde(rename = "where", skip_serializing_if = "Option::is_none")]
    pub predicate: Option<String>,
    /// The index name: deterministic, at most 63 bytes.
    pub name: String,
    /// `CREATE INDEX CONCURRENTLY …;`
    pub sql: String,
    /// The findings it addresses.
    pub addresses: Vec<Addressed>,
    /// What it should change, with the plan's numbers.
    pub effect: String,
    /// An index the plan uses that this one extends (it can replace it once verified).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extends: Option<String>,
    /// Caveats: extensions needed, VACUUM for index-only scans, assumptions made.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl IndexSuggestion {
    /// The kind as written in JSON (`btree`, `partial`, `foreign-key`…).
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            IndexKind::Btree => "btree",
            IndexKind::Covering => "covering",
            IndexKind::Partial => "partial",
            IndexKind::Expression => "expression",
            IndexKind::Gin => "gin",
            IndexKind::Trigram => "trigram",
            IndexKind::ForeignKey => "foreign-key",
        }
    }

    /// Whether this index addresses a finding of `rule` about `node` (a finding about an
    /// Append covers the same situation on its partitions' scans; a `trigger-time` finding is
    /// matched by its `constraint`).
    pub fn addresses_finding(
        &self,
        plan: &Plan,
        rule: &str,
        node: Option<NodeId>,
        constraint: Option<&str>,
    ) -> bool {
        self.addresses.iter().any(|a| {
            a.rule == rule
                && match (a.node, node) {
                    (Some(mine), Some(theirs)) => mine == theirs || is_ancestor(plan, theirs, mine),
                    (None, None) => constraint.is_none() || a.constraint.as_deref() == constraint,
                    _ => false,
                }
        })
    }

    /// A sentence for a finding's `fix`: what to create, by name.
    pub fn fix_text(&self) -> String {
        format!(
            "Create the index {} ({}): {}",
            self.name, self.sql, self.effect
        )
    }
}

/// Whether `ancestor` is above `node` in the plan tree.
fn is_ancestor(plan: &Plan, ancestor: NodeId, node: NodeId) -> bool {
    let mut cur = plan.nodes.get(node).and_then(|n| n.parent);
    while let Some(p) = cur {
        if p == ancestor {
            return true;
        }
        cur = plan.nodes[p].parent;
    }
    false
}

/// Rules whose fix is an index: their findings take their SQL from the suggestions (and have
/// none when no suggestion addresses them: the plan alone did not show an index certain to help).
const INDEX_RULES: &[&str] = &[
    "seq-scan-filter",
    "index-filter",
    "sort-for-limit",
    "non-sargable",
];

/// Points findings at the suggestions that address them: the fix names the index and its SQL
/// becomes the `CREATE INDEX` (for a foreign-key trigger, with a comment saying where the
/// table and column come from). Returns the suggestions that address a reported finding, each
/// with the addresses of the reported findings only (so that a rule left out by the
/// configuration leaves its index out too).
pub fn link_findings(
    plan: &Plan,
    findings: &mut [Finding],
    suggestions: Vec<IndexSuggestion>,
) -> Vec<IndexSuggestion> {
    let mut kept: Vec<IndexSuggestion> = suggestions
        .iter()
        .map(|s| IndexSuggestion {
            addresses: Vec::new(),
            ..s.clone()
        })
        .collect();
    for f in findings.iter_mut() {
        let constraint = match f.evidence.get("constraint") {
            Some(Evidence::Text(t)) => Some(t.as_str()),
            _ => None,
        };
        let linked: Vec<&IndexSuggestion> = suggestions
            .iter()
            .filter(|s| s.addresses_finding(plan, f.rule, f.node, constraint))
            .collect();
        for s in &linked {
            let k = kept
                .iter_mut()
                .find(|k| k.sql == s.sql)
                .expect("the same suggestions");
            let a = Addressed {
                rule: f.rule,
                node: f.node,
                constraint: constraint.map(str::to_string),
            };
            if !k.addresses.contains(&a) {
                k.addresses.push(a);
            }
        }
        if linked.is_empty() {
            if INDEX_RULES.contains(&f.rule)
                && f.fix
                    .sql
                    .as_deref()
                    .is_some_and(|s| s.starts_with("CREATE INDEX"))
            {
                f.fix.sql = None;
                f.fix.text.push_str(
                    " planlint suggests no index here: the plan alone does not show one certain to help.",
                );
            }
            continue;
        }
        let names: Vec<&str> = linked.iter().map(|s| s.name.as_str()).collect();
        let _ = write!(
            f.fix.text,
            " Suggested index{}: {} (see index_suggestions).",
            if names.len() > 1 { "es" } else { "" },
            names.join(", ")
        );
        let mut sql = String::new();
        for s in &linked {
            if s.kind == IndexKind::ForeignKey
                && let Some(c) = constraint
            {
                let _ = writeln!(
                    sql,
                    "-- {} and its column are read from the name of {c} (<table>_<column>_fkey); check with \\d {}",
                    s.table, s.table
                );
            }
            sql.push_str(&s.sql);
            sql.push('\n');
        }
        f.fix.sql = Some(sql.trim_end().to_string());
    }
    kept.retain(|k| !k.addresses.is_empty());
    kept
}

/// The JSON Schema of an [`IndexSuggestion`] (for the analysis output's schema).
pub fn suggestion_schema() -> serde_json::Value {
    let s = |d: &str| serde_json::json!({"type": "string", "description": d});
    let list = |d: &str| serde_json::json!({"type": "array", "items": {"type": "string"}, "description": d});
    serde_json::json!({
        "type": "object",
        "description": "An index to create: where, on what, the statement, and the findings it addresses.",
        "properties": {
            "kind": {"enum": ["btree", "covering", "partial", "expression", "gin", "trigram", "foreign-key"],
                     "description": "What kind of index it is."},
            "schema": s("The schema (VERBOSE plans only)."),
            "table": s("The table."),
            "method": {"enum": ["btree", "gin"], "description": "Access method."},
            "columns": list("Key elements as SQL (columns, expressions, operator classes, DESC)."),
            "include": list("INCLUDE columns (for an index-only scan)."),
            "where": s("Partial-index predicate, as SQL."),
            "name": s("Index name: deterministic, at most 63 bytes."),
            "sql": s("The CREATE INDEX CONCURRENTLY statement."),
            "addresses": {
                "type": "array",
                "description": "The findings it addresses.",
                "items": {
                    "type": "object",
                    "properties": {
                        "rule": s("Rule id of the finding."),
                        "node": {"type": "integer", "minimum": 0, "description": "Node id of the finding."},
                        "constraint": s("Foreign-key constraint of a trigger-time finding."),
                    },
                    "required": ["rule"],
                    "additionalProperties": false,
                },
            },
            "effect": s("What it should change, with the plan's numbers."),
            "extends": s("An index the plan uses that this one extends."),
            "notes": list("Caveats: extensions needed, VACUUM for index-only scans, assumptions made."),
        },
        "required": ["kind", "table", "method", "columns", "name", "sql", "addresses", "effect"],
        "additionalProperties": false,
    })
}

/// The indexes that would fix what the plan shows, deduplicated, in a stable order.
pub fn suggest_indexes(plan: &Plan) -> Vec<IndexSuggestion> {
    index::suggest(plan, &index::Thresholds::default())
}
