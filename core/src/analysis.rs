//! The `analyze` entry point: per plan, a summary, the metrics of every node and the ranked
//! findings. The output is plain data (serde), deterministic, free of terminal concerns: the
//! CLI, the Python package and the npm package print or return it unchanged.
//!
//! ```
//! let plans = planlint::parse(r#"[{"Plan": {"Node Type": "Seq Scan", "Relation Name": "orders",
//!     "Plan Rows": 245, "Actual Rows": 256, "Actual Loops": 1, "Actual Total Time": 229.4,
//!     "Filter": "(promo_code = 'P0042'::text)", "Rows Removed by Filter": 499744},
//!     "Execution Time": 229.5}]"#)?;
//! let analysis = planlint::analyze(&plans[0], &planlint::Config::default());
//! assert_eq!(analysis.findings[0].rule, "seq-scan-filter");
//! # Ok::<(), planlint::Error>(())
//! ```

use serde::Serialize;
use serde_json::{Value, json};

use crate::advice::{self, IndexSuggestion};
use crate::metrics::{self, BufferCounts, Metrics, NodeExt, NodeMetrics};
use crate::model::Plan;
use crate::rules::{self, Config, Context, Finding, Severity};

/// The analysis of one plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    /// Plan-level numbers.
    pub summary: Summary,
    /// Metrics of every node, by node id.
    pub nodes: Vec<NodeMetrics>,
    /// Findings, ranked by impact (then severity, node id, rule).
    pub findings: Vec<Finding>,
    /// Indexes that would fix findings, deduplicated (see [`crate::advice`]).
    pub index_suggestions: Vec<IndexSuggestion>,
}

/// Plan-level numbers of an analysis.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    /// Nodes in the plan.
    pub node_count: usize,
    /// Nodes that never ran.
    pub never_executed_count: usize,
    /// Whether the plan has actual rows (ANALYZE).
    pub analyzed: bool,
    /// Whether the plan has actual times (TIMING).
    pub timed: bool,
    /// Whether the plan has buffer counts (BUFFERS).
    pub buffers: bool,
    /// Planning time, in ms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub planning_time_ms: Option<f64>,
    /// Execution time, in ms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub execution_time_ms: Option<f64>,
    /// The time shares and impacts are relative to, in ms (execution time, else the log's
    /// duration, else the root node's time).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference_time_ms: Option<f64>,
    /// Time spent in triggers, in ms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trigger_time_ms: Option<f64>,
    /// JIT compilation time, in ms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jit_time_ms: Option<f64>,
    /// Buffers of all nodes (their self buffers summed: InitPlans and CTEs counted once).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub buffers_total: Option<BufferCounts>,
    /// The largest row-estimate factor of an executed node.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_estimate_factor: Option<f64>,
    /// Findings by severity.
    pub findings: SeverityCounts,
}

/// Number of findings per severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SeverityCounts {
    /// Critical findings.
    pub critical: usize,
    /// Warnings.
    pub warning: usize,
    /// Informational findings.
    pub info: usize,
}

impl Analysis {
    /// The most severe finding's severity, if any.
    pub fn max_severity(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }
}

/// Analyzes one plan with a configuration.
pub fn analyze(plan: &Plan, config: &Config) -> Analysis {
    let metrics = metrics::compute(plan);
    let mut findings = {
        let mut ctx = Context::new(plan, &metrics);
        rules::run(&mut ctx, config)
    };
    let index_suggestions =
        advice::link_findings(plan, &mut findings, advice::suggest_indexes(plan));
    let summary = summarize(plan, &metrics, &findings);
    Analysis {
        summary,
        nodes: metrics.nodes,
        findings,
        index_suggestions,
    }
}

fn summarize(plan: &Plan, m: &Metrics, findings: &[Finding]) -> Summary {
    let mut counts = SeverityCounts::default();
    for f in findings {
        match f.severity {
            Severity::Critical => counts.critical += 1,
            Severity::Warning => counts.warning += 1,
            Severity::Info => counts.info += 1,
        }
    }
    let trigger_time_ms = plan
        .triggers
        .as_ref()
        .map(|ts| metrics::round3(ts.iter().filter_map(|t| t.time).sum()))
        .filter(|_| plan.triggers.as_ref().is_some_and(|t| !t.is_empty()));
    let mut jit = plan
        .jit
        .as_ref()
        .and_then(|j| j.timing.as_ref())
        .and_then(|t| t.total);
    for n in &plan.nodes {
        for j in n.jit().into_iter().flatten() {
            if let Some(t) = j.timing.as_ref().and_then(|t| t.total) {
                *jit.get_or_insert(0.0) += t;
            }
        }
    }
    let buffers_total = m.buffered.then(|| {
        let mut t = BufferCounts::default();
        for n in &m.nodes {
            if let Some(b) = n.self_buffers {
                t.shared_hit += b.shared_hit;
                t.shared_read += b.shared_read;
                t.shared_dirtied += b.shared_dirtied;
                t.shared_written += b.shared_written;
                t.local_hit += b.local_hit;
                t.local_read += b.local_read;
                t.local_dirtied += b.local_dirtied;
                t.local_written += b.local_written;
                t.temp_read += b.temp_read;
                t.temp_written += b.temp_written;
            }
        }
        t
    });
    Summary {
        node_count: plan.nodes.len(),
        never_executed_count: m.nodes.iter().filter(|n| n.never_executed).count(),
        analyzed: m.analyzed,
        timed: m.timed,
        buffers: m.buffered,
        planning_time_ms: plan.planning_time,
        execution_time_ms: plan.execution_time,
        reference_time_ms: m.reference_time_ms,
        trigger_time_ms,
        jit_time_ms: jit.map(metrics::round3),
        buffers_total,
        max_estimate_factor: m
            .nodes
            .iter()
            .filter_map(|n| n.estimate_factor)
            .max_by(f64::total_cmp),
        findings: counts,
    }
}

/// `{"plans": [...]}`: what `planlint analyze --format json` prints.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// One analysis per plan, in input order.
    pub plans: Vec<Analysis>,
}

/// The JSON Schema (draft 2020-12) of `planlint analyze --format json`.
pub fn analysis_schema() -> Value {
    let num = |d: &str| json!({"type": "number", "description": d});
    let int = |d: &str| json!({"type": "integer", "minimum": 0, "description": d});
    let boolean = |d: &str| json!({"type": "boolean", "description": d});
    let buffer_props: serde_json::Map<String, Value> = [
        ("shared_hit", "Shared blocks found in shared buffers."),
        ("shared_read", "Shared blocks read from the OS."),
        ("shared_dirtied", "Shared blocks dirtied."),
        ("shared_written", "Shared blocks written."),
        ("local_hit", "Local blocks hit."),
        ("local_read", "Local blocks read."),
        ("local_dirtied", "Local blocks dirtied."),
        ("local_written", "Local blocks written."),
        ("temp_read", "Temporary-file blocks read."),
        ("temp_written", "Temporary-file blocks written."),
    ]
    .into_iter()
    .map(|(k, d)| (k.to_string(), int(d)))
    .collect();
    let buffer_keys: Vec<&String> = buffer_props.keys().collect();
    let buffers = json!({
        "type": "object",
        "description": "Buffer counters (blocks).",
        "properties": buffer_props,
        "required": buffer_keys,
        "additionalProperties": false,
    });
    let node = json!({
        "type": "object",
        "description": "Derived metrics of one node. A missing key means the plan does not tell (no ANALYZE, TIMING OFF, no BUFFERS), never zero.",
        "properties": {
            "id": int("The node id: its pre-order index in the plan (root = 0)."),
            "never_executed": boolean("The node never ran (Actual Loops: 0); present only when true."),
            "self_time_ms": num("Wall-clock time in the node itself, children excluded, all loops, ms. InitPlans are charged to the node that evaluates them, CTEs to the CTE Scans that read them; parallel nodes are averaged per process."),
            "total_time_ms": num("Wall-clock time of the node with its children, all loops, ms."),
            "self_time_share": num("self_time_ms as a share (0-1) of the reference time."),
            "total_time_share": num("total_time_ms as a share (0-1) of the reference time."),
            "processes": int("Processes (workers + leader) that ran the node, when more than one."),
            "actual_rows_total": num("Rows returned over all loops and processes (absent for BitmapAnd/BitmapOr, which report 0)."),
            "plan_rows_total": num("Estimated rows per loop times the actual loops."),
            "rows_removed_total": num("Rows removed over all loops by Filter, Join Filter, index recheck and conflict filter."),
            "estimate_factor": num("max(estimate, actual) / min(estimate, actual) per loop, both floored at 1 row (>= 1)."),
            "estimate_direction": {"type": "string", "enum": ["under", "over", "exact"], "description": "under: more rows than estimated; over: fewer."},
            "self_buffers": buffers,
            "self_io_read_ms": num("Time reading blocks in the node itself (track_io_timing), ms."),
            "self_io_write_ms": num("Time writing blocks in the node itself (track_io_timing), ms."),
            "worker_skew": num("Busiest process's rows over the mean rows per process (1 = even); needs VERBOSE."),
        },
        "required": ["id"],
        "additionalProperties": false,
    });
    let rule_ids: Vec<&str> = rules::RULES.iter().map(|r| r.id).collect();
    let finding = json!({
        "type": "object",
        "description": "One problem found in the plan.",
        "properties": {
            "rule": {"type": "string", "enum": rule_ids, "description": "The rule's stable id (see docs/rules/)."},
            "severity": {"type": "string", "enum": ["info", "warning", "critical"]},
            "node": {"type": ["integer", "null"], "minimum": 0, "description": "The node id the finding concerns; null for findings about the whole plan (planning, JIT, triggers, EXPLAIN options)."},
            "message": {"type": "string", "description": "One line, with the numbers."},
            "impact": {"type": "number", "minimum": 0, "maximum": 1, "description": "Estimated share of the execution time the fix could save; findings are ranked by it. 0 without timing."},
            "evidence": {"type": "object", "description": "The numbers and texts the finding is based on, by name (rule-specific; see docs/rules/).", "additionalProperties": {"type": ["number", "string"]}},
            "fix": {
                "type": "object",
                "description": "What to do.",
                "properties": {
                    "text": {"type": "string", "description": "What to do, in words."},
                    "sql": {"type": "string", "description": "SQL that does it, when there is one."},
                },
                "required": ["text"],
                "additionalProperties": false,
            },
        },
        "required": ["rule", "severity", "node", "message", "impact", "evidence", "fix"],
        "additionalProperties": false,
    });
    let counts = json!({
        "type": "object",
        "description": "Findings per severity.",
        "properties": {
            "critical": int("Critical findings."),
            "warning": int("Warnings."),
            "info": int("Informational findings."),
        },
        "required": ["critical", "warning", "info"],
        "additionalProperties": false,
    });
    let summary = json!({
        "type": "object",
        "description": "Plan-level numbers.",
        "properties": {
            "node_count": int("Nodes in the plan."),
            "never_executed_count": int("Nodes that never ran."),
            "analyzed": boolean("The plan has actual rows (ANALYZE)."),
            "timed": boolean("The plan has actual times (TIMING)."),
            "buffers": boolean("The plan has buffer counts (BUFFERS)."),
            "planning_time_ms": num("Planning time, ms."),
            "execution_time_ms": num("Execution time, ms."),
            "reference_time_ms": num("The time shares and impacts are relative to, ms: execution time, else the log's duration, else the root node's time."),
            "trigger_time_ms": num("Time spent in triggers, ms."),
            "jit_time_ms": num("JIT compilation time, ms."),
            "buffers_total": {"$ref": "#/$defs/Buffers"},
            "max_estimate_factor": num("The largest row-estimate factor of an executed node."),
            "findings": counts,
        },
        "required": ["node_count", "never_executed_count", "analyzed", "timed", "buffers", "findings"],
        "additionalProperties": false,
    });
    let mut node = node;
    node["properties"]["self_buffers"] = json!({"$ref": "#/$defs/Buffers"});
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://planlint.dev/schema/analysis.schema.json",
        "title": "planlint analysis",
        "description": "The output of `planlint analyze --format json`: per plan, a summary, the derived metrics of every node and the findings ranked by impact.",
        "type": "object",
        "properties": {
            "plans": {
                "type": "array",
                "items": {"$ref": "#/$defs/Analysis"},
            },
        },
        "required": ["plans"],
        "additionalProperties": false,
        "$defs": {
            "Analysis": {
                "type": "object",
                "description": "The analysis of one plan.",
                "properties": {
                    "summary": summary,
                    "nodes": {"type": "array", "description": "Metrics of every node, by node id.", "items": {"$ref": "#/$defs/NodeMetrics"}},
                    "findings": {"type": "array", "description": "Findings ranked by impact, then severity, node id and rule.", "items": {"$ref": "#/$defs/Finding"}},
                    "index_suggestions": {"type": "array", "description": "Indexes that would fix findings, deduplicated; each lists the findings it addresses.", "items": {"$ref": "#/$defs/IndexSuggestion"}},
                },
                "required": ["summary", "nodes", "findings", "index_suggestions"],
                "additionalProperties": false,
            },
            "NodeMetrics": node,
            "Finding": finding,
            "IndexSuggestion": advice::suggestion_schema(),
            "Buffers": buffers,
        },
    })
}
