//! The node-type table: the name a TEXT node line shows → the JSON `Node Type` and the
//! qualifiers JSON prints as separate keys (§3.3 of the spec).
//!
//! TEXT folds several JSON keys into the name: the aggregate strategy (`HashAggregate`), the
//! partial mode (`Partial …`), the join type (`Hash Left Join`), the SetOp strategy and command
//! (`HashSetOp Except All`), the ModifyTable / Foreign Scan operation (`Update`, `Foreign
//! Delete`). This table unfolds them.

use crate::model::{
    JoinType, Node, NodeType, Operation, PartialMode, ScanDirection, SetOpCommand, Strategy,
};

/// What the ` on …` target of a node names (§3.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// No target is printed.
    None,
    /// `on [schema.]relation [alias]` → `Relation Name`, `Schema`, `Alias`.
    Relation,
    /// `using index on [schema.]relation [alias]` (Index Scan, Index Only Scan).
    IndexThenRelation,
    /// `on index` (Bitmap Index Scan) → `Index Name`.
    Index,
    /// `on [schema.]function [alias]` → `Function Name`, `Schema`, `Alias`.
    Function,
    /// `on name [alias]` → `Table Function Name`, `Alias`.
    TableFunction,
    /// `on cte [alias]` → `CTE Name`, `Alias` (CTE Scan, WorkTable Scan).
    Cte,
    /// `on name [alias]` → `Tuplestore Name`, `Alias` (never printed by the servers checked).
    Tuplestore,
    /// `on alias` → `Alias` only (Subquery Scan, Values Scan).
    AliasOnly,
}

/// The JSON keys a TEXT node name stands for.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NodeName {
    /// `Node Type`.
    pub node_type: NodeType,
    /// `Strategy` (Aggregate, SetOp).
    pub strategy: Option<Strategy>,
    /// `Partial Mode` (Aggregate).
    pub partial_mode: Option<PartialMode>,
    /// `Operation` (ModifyTable, Foreign Scan).
    pub operation: Option<Operation>,
    /// `Join Type` (joins).
    pub join_type: Option<JoinType>,
    /// `Command` (SetOp).
    pub command: Option<SetOpCommand>,
    /// What the target names.
    pub target: Target,
    /// A qualifier the model does not know (server key, value): kept in `extra`.
    pub unknown: Option<(&'static str, String)>,
}

impl NodeName {
    /// A name with only its node type and target.
    pub(crate) fn of(node_type: NodeType, target: Target) -> Self {
        NodeName {
            node_type,
            strategy: None,
            partial_mode: None,
            operation: None,
            join_type: None,
            command: None,
            target,
            unknown: None,
        }
    }
}

/// Node names that are the JSON `Node Type` itself, with their target kind.
const PLAIN: &[(&str, NodeType, Target)] = &[
    ("Result", NodeType::Result, Target::None),
    ("ProjectSet", NodeType::ProjectSet, Target::None),
    ("Append", NodeType::Append, Target::None),
    ("Merge Append", NodeType::MergeAppend, Target::None),
    ("Recursive Union", NodeType::RecursiveUnion, Target::None),
    ("BitmapAnd", NodeType::BitmapAnd, Target::None),
    ("BitmapOr", NodeType::BitmapOr, Target::None),
    ("Seq Scan", NodeType::SeqScan, Target::Relation),
    ("Sample Scan", NodeType::SampleScan, Target::Relation),
    ("Gather", NodeType::Gather, Target::None),
    ("Gather Merge", NodeType::GatherMerge, Target::None),
    ("Index Scan", NodeType::IndexScan, Target::IndexThenRelation),
    (
        "Index Only Scan",
        NodeType::IndexOnlyScan,
        Target::IndexThenRelation,
    ),
    (
        "Bitmap Index Scan",
        NodeType::BitmapIndexScan,
        Target::Index,
    ),
    (
        "Bitmap Heap Scan",
        NodeType::BitmapHeapScan,
        Target::Relation,
    ),
    ("Tid Scan", NodeType::TidScan, Target::Relation),
    ("Tid Range Scan", NodeType::TidRangeScan, Target::Relation),
    ("Subquery Scan", NodeType::SubqueryScan, Target::AliasOnly),
    ("Function Scan", NodeType::FunctionScan, Target::Function),
    (
        "Table Function Scan",
        NodeType::TableFunctionScan,
        Target::TableFunction,
    ),
    ("Values Scan", NodeType::ValuesScan, Target::AliasOnly),
    ("CTE Scan", NodeType::CteScan, Target::Cte),
    (
        "Named Tuplestore Scan",
        NodeType::NamedTuplestoreScan,
        Target::Tuplestore,
    ),
    ("WorkTable Scan", NodeType::WorkTableScan, Target::Cte),
    ("Materialize", NodeType::Materialize, Target::None),
    ("Memoize", NodeType::Memoize, Target::None),
    ("Sort", NodeType::Sort, Target::None),
    ("Incremental Sort", NodeType::IncrementalSort, Target::None),
    ("Group", NodeType::Group, Target::None),
    ("WindowAgg", NodeType::WindowAgg, Target::None),
    ("Unique", NodeType::Unique, Target::None),
    ("LockRows", NodeType::LockRows, Target::None),
    ("Limit", NodeType::Limit, Target::None),
    ("Hash", NodeType::Hash, Target::None),
];

/// Aggregate names → strategy.
const AGGREGATES: &[(&str, Strategy)] = &[
    ("Aggregate", Strategy::Plain),
    ("GroupAggregate", Strategy::Sorted),
    ("HashAggregate", Strategy::Hashed),
    ("MixedAggregate", Strategy::Mixed),
];

/// Aggregate name prefixes → partial mode (no prefix: `Simple`).
const PARTIAL_MODES: &[(&str, PartialMode)] = &[
    ("Partial ", PartialMode::Partial),
    ("Finalize ", PartialMode::Finalize),
];

/// SetOp names → strategy.
const SETOPS: &[(&str, Strategy)] = &[("SetOp", Strategy::Sorted), ("HashSetOp", Strategy::Hashed)];

/// ModifyTable names → operation.
const MODIFY: &[(&str, Operation)] = &[
    ("Insert", Operation::Insert),
    ("Update", Operation::Update),
    ("Delete", Operation::Delete),
    ("Merge", Operation::Merge),
];

/// Foreign Scan names → operation (direct modification, 9.6+).
const FOREIGN: &[(&str, Operation)] = &[
    ("Foreign Scan", Operation::Select),
    ("Foreign Insert", Operation::Insert),
    ("Foreign Update", Operation::Update),
    ("Foreign Delete", Operation::Delete),
];

/// Join name stems: the TEXT name is `stem [JOINTYPE ]Join` (`Nested Loop` alone is inner).
const JOINS: &[(&str, NodeType)] = &[
    ("Nested Loop", NodeType::NestedLoop),
    ("Merge", NodeType::MergeJoin),
    ("Hash", NodeType::HashJoin),
];

/// Looks a TEXT node name up (without `Parallel `/`Async ` prefixes and without the target).
/// `Custom Scan` is handled by the caller (its provider follows in parentheses).
///
/// Every name the tables spell (with each partial mode, join type and set command) is answered
/// from a [`KeyIndex`](crate::model::KeyIndex) built once from [`lookup_general`]'s own answers
/// (one hash and one comparison, where the tables are scanned in turn); anything else, such as a
/// join type this version does not know, is looked up the general way.
pub(crate) fn lookup(name: &str) -> Option<NodeName> {
    let (index, names) = &*KNOWN;
    match index.get(name) {
        Some(i) => Some(names[i].clone()),
        None => lookup_general(name),
    }
}

/// The index of [`lookup`]: every spelled name → its answer.
static KNOWN: std::sync::LazyLock<(crate::model::KeyIndex<usize>, Vec<NodeName>)> =
    std::sync::LazyLock::new(|| {
        let mut spelled: Vec<String> = PLAIN.iter().map(|(n, _, _)| n.to_string()).collect();
        for (agg, _) in AGGREGATES {
            spelled.push(agg.to_string());
            spelled.extend(PARTIAL_MODES.iter().map(|(p, _)| format!("{p}{agg}")));
        }
        for (stem, _) in SETOPS {
            for cmd in SetOpCommand::NAMES {
                spelled.push(format!("{stem} {cmd}"));
            }
        }
        spelled.extend(MODIFY.iter().chain(FOREIGN).map(|(n, _)| n.to_string()));
        for (stem, _) in JOINS {
            spelled.push(stem.to_string());
            spelled.push(format!("{stem} Join"));
            for jt in JoinType::NAMES {
                spelled.push(format!("{stem} {jt} Join"));
            }
        }
        let (mut entries, mut names) = (Vec::new(), Vec::new());
        for name in spelled {
            if let Some(n) = lookup_general(&name) {
                entries.push((&*Box::leak(name.into_boxed_str()), names.len()));
                names.push(n);
            }
        }
        (crate::model::KeyIndex::new(&entries), names)
    });

/// [`lookup`] through the tables, one after the other.
fn lookup_general(name: &str) -> Option<NodeName> {
    if let Some(&(_, ref t, target)) = PLAIN.iter().find(|(n, _, _)| *n == name) {
        return Some(NodeName::of(t.clone(), target));
    }
    // Aggregates, with an optional partial-mode prefix.
    let (mode, agg) = PARTIAL_MODES
        .iter()
        .find_map(|(p, m)| name.strip_prefix(p).map(|rest| (*m, rest)))
        .unwrap_or((PartialMode::Simple, name));
    if let Some((_, s)) = AGGREGATES.iter().find(|(n, _)| *n == agg) {
        let mut n = NodeName::of(NodeType::Aggregate, Target::None);
        n.strategy = Some(*s);
        n.partial_mode = Some(mode);
        return Some(n);
    }
    // SetOp / HashSetOp + command.
    for (stem, strategy) in SETOPS {
        if let Some(cmd) = name.strip_prefix(stem).and_then(|r| r.strip_prefix(' ')) {
            let mut n = NodeName::of(NodeType::SetOp, Target::None);
            n.strategy = Some(*strategy);
            n.command = SetOpCommand::from_name(cmd);
            if n.command.is_none() {
                n.unknown = Some(("Command", cmd.to_string()));
            }
            return Some(n);
        }
    }
    if let Some((_, op)) = MODIFY.iter().find(|(n, _)| *n == name) {
        let mut n = NodeName::of(NodeType::ModifyTable, Target::Relation);
        n.operation = Some(*op);
        return Some(n);
    }
    if let Some((_, op)) = FOREIGN.iter().find(|(n, _)| *n == name) {
        let mut n = NodeName::of(NodeType::ForeignScan, Target::Relation);
        n.operation = Some(*op);
        return Some(n);
    }
    // Joins: `Nested Loop`, `Hash Join`, `Merge Join`, `Hash Right Anti Join`, …
    for (stem, t) in JOINS {
        let Some(rest) = name.strip_prefix(stem) else {
            continue;
        };
        let mut unknown = None;
        let join_type = if (rest.is_empty() && *t == NodeType::NestedLoop) || rest == " Join" {
            Some(JoinType::Inner)
        } else if let Some(jt) = rest
            .strip_prefix(' ')
            .and_then(|r| r.strip_suffix(" Join"))
            .filter(|jt| !jt.is_empty())
        {
            // A join type this version does not know (8.x `IN`) is kept in `extra`.
            let known = JoinType::from_name(jt);
            if known.is_none() {
                unknown = Some(("Join Type", jt.to_string()));
            }
            known
        } else {
            continue;
        };
        let mut n = NodeName::of(t.clone(), Target::None);
        n.join_type = join_type;
        n.unknown = unknown;
        return Some(n);
    }
    None
}

/// The longest prefix of `head` (ending at a word boundary) that is a known node name, with
/// its length. `Custom Scan` is reported with `NodeType::CustomScan`.
pub(crate) fn longest_known(head: &str) -> Option<(NodeName, usize)> {
    let mut end = head.len();
    loop {
        let candidate = &head[..end];
        if candidate == "Custom Scan" {
            return Some((NodeName::of(NodeType::CustomScan, Target::Relation), end));
        }
        if let Some(n) = lookup(candidate) {
            return Some((n, end));
        }
        // Shorten by one word.
        match candidate.rfind(' ') {
            Some(i) if i > 0 => end = i,
            _ => return None,
        }
    }
}

/// The name a TEXT node line shows for a node — the inverse of the table, prefixes included,
/// target excluded (`Parallel Hash Right Anti Join`, `Finalize HashAggregate`,
/// `Index Scan Backward`, `Custom Scan (Citus Adaptive)`).
pub fn text_node_name(node: &Node) -> String {
    let mut out = String::new();
    if node.parallel_aware == Some(true) {
        out.push_str("Parallel ");
    }
    if node.async_capable == Some(true) {
        out.push_str("Async ");
    }
    let t = node.node_type();
    match t {
        NodeType::Aggregate => {
            if let Some((p, _)) = PARTIAL_MODES
                .iter()
                .find(|(_, m)| Some(*m) == node.partial_mode)
            {
                out.push_str(p);
            }
            let name = AGGREGATES
                .iter()
                .find(|(_, s)| Some(*s) == node.strategy)
                .map_or("Aggregate", |(n, _)| n);
            out.push_str(name);
        }
        NodeType::SetOp => {
            out.push_str(if node.strategy == Some(Strategy::Hashed) {
                "HashSetOp"
            } else {
                "SetOp"
            });
            if let Some(c) = node.command {
                out.push(' ');
                out.push_str(c.as_str());
            }
        }
        NodeType::ModifyTable => {
            out.push_str(node.operation.map_or("ModifyTable", |o| o.as_str()));
        }
        NodeType::ForeignScan => match node.operation {
            Some(o) if o != Operation::Select => {
                out.push_str("Foreign ");
                out.push_str(o.as_str());
            }
            _ => out.push_str("Foreign Scan"),
        },
        NodeType::NestedLoop | NodeType::MergeJoin | NodeType::HashJoin => {
            let stem = JOINS.iter().find(|(_, jt)| jt == t).map_or("", |(s, _)| s);
            out.push_str(stem);
            match node.join_type {
                Some(JoinType::Inner) | None if *t == NodeType::NestedLoop => {}
                Some(JoinType::Inner) | None => out.push_str(" Join"),
                Some(j) => {
                    out.push(' ');
                    out.push_str(j.as_str());
                    out.push_str(" Join");
                }
            }
        }
        NodeType::CustomScan => {
            out.push_str("Custom Scan");
            if let Some(p) = node
                .scan
                .as_ref()
                .and_then(|s| s.custom_plan_provider.as_ref())
            {
                out.push_str(" (");
                out.push_str(p);
                out.push(')');
            }
        }
        other => {
            out.push_str(other.as_str());
            if node.scan_direction == Some(ScanDirection::Backward) {
                out.push_str(" Backward");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The index answers as the tables do, on the name of every node line of the corpus (and
    /// on each of its prefixes that ends at a space); most names are in it.
    #[test]
    fn the_index_answers_as_the_tables_on_the_corpus() {
        let (mut names, mut indexed) = (0, 0);
        for (_, text) in crate::input::tests::corpus_documents() {
            for line in text.lines().filter(|l| l.contains("(cost=")) {
                let body = line
                    .trim_start_matches([' ', '|', '"'])
                    .trim_start_matches("->");
                let head = body.trim_start().split("  (").next().unwrap_or("");
                let head = head.strip_prefix("Parallel ").unwrap_or(head);
                let head = head.strip_prefix("Async ").unwrap_or(head);
                let ends = head.match_indices(' ').map(|(i, _)| i).chain([head.len()]);
                for end in ends {
                    let name = &head[..end];
                    assert_eq!(lookup(name), lookup_general(name), "{name:?} in {line}");
                    indexed += usize::from(KNOWN.0.get(name).is_some());
                }
                names += 1;
            }
        }
        assert!(
            names > 10_000 && indexed >= names,
            "{names} names, {indexed} indexed"
        );
    }

    #[test]
    fn names_unfold_into_json_keys() {
        // Hand-made names: one rule (the name table), not plans.
        let n = lookup("Finalize HashAggregate").unwrap();
        assert_eq!(n.node_type, NodeType::Aggregate);
        assert_eq!(n.strategy, Some(Strategy::Hashed));
        assert_eq!(n.partial_mode, Some(PartialMode::Finalize));
        let n = lookup("Hash Right Anti Join").unwrap();
        assert_eq!(n.node_type, NodeType::HashJoin);
        assert_eq!(n.join_type, Some(JoinType::RightAnti));
        assert_eq!(
            lookup("Nested Loop").unwrap().join_type,
            Some(JoinType::Inner)
        );
        assert_eq!(
            lookup("Merge Join").unwrap().join_type,
            Some(JoinType::Inner)
        );
        let n = lookup("HashSetOp Except All").unwrap();
        assert_eq!(n.command, Some(SetOpCommand::ExceptAll));
        assert_eq!(
            lookup("Foreign Delete").unwrap().operation,
            Some(Operation::Delete)
        );
        assert!(lookup("Merge").is_some_and(|n| n.node_type == NodeType::ModifyTable));
        assert!(lookup("Seq Scan on").is_none());
        let (n, len) = longest_known("Subquery Scan foo").unwrap();
        assert_eq!((n.node_type, len), (NodeType::SubqueryScan, 13));
    }
}
