//! The terminal report of `planlint analyze`: per plan, a tree with one line per node, then
//! the findings ranked by impact with their fixes. Colors only when asked (the caller decides
//! from the terminal, `--color` and `NO_COLOR`).

use std::fmt::Write;

use planlint::rules::{self, fmt_ms, fmt_pct};
use planlint::{Analysis, Plan, Severity};

/// ANSI styling, or none.
#[derive(Clone, Copy)]
pub struct Style {
    /// Whether to emit ANSI escape codes.
    pub color: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color && !text.is_empty() {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn severity(&self, s: Severity, text: &str) -> String {
        let code = match s {
            Severity::Critical => "1;31",
            Severity::Warning => "1;33",
            Severity::Info => "36",
        };
        self.paint(code, text)
    }

    fn dim(&self, text: &str) -> String {
        self.paint("2", text)
    }

    fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }
}

/// A short count: `950`, `12k`, `3.4M`.
fn short(v: f64) -> String {
    let a = v.abs();
    if a >= 1e9 {
        format!("{:.1}G", v / 1e9)
    } else if a >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if a >= 1e4 {
        format!("{:.0}k", v / 1e3)
    } else if a >= 1e3 {
        format!("{:.1}k", v / 1e3)
    } else if v.fract() != 0.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.0}")
    }
}

/// A 10-cell bar for a share (eighths of a cell).
fn bar(share: f64) -> String {
    const PARTS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    let eighths = (share.clamp(0.0, 1.0) * 80.0).round() as usize;
    let mut s = "█".repeat(eighths / 8);
    if eighths % 8 > 0 {
        s.push(PARTS[eighths % 8]);
    }
    format!("{s:<10}")
}

/// Renders the analysis of one plan (`index` is 0-based; `count` plans in the input).
pub fn render(plan: &Plan, a: &Analysis, index: usize, count: usize, st: Style) -> String {
    let mut out = String::new();
    let s = &a.summary;
    let mut head = format!("Plan {} of {count}", index + 1);
    if let Some(e) = s.execution_time_ms {
        let _ = write!(head, " · execution {}", fmt_ms(e));
    }
    if let Some(p) = s.planning_time_ms {
        let _ = write!(head, " · planning {}", fmt_ms(p));
    }
    let _ = write!(head, " · {} nodes", s.node_count);
    if !s.analyzed {
        head.push_str(" · estimates only (no ANALYZE)");
    } else if !s.timed {
        head.push_str(" · no timing (TIMING OFF)");
    }
    let _ = writeln!(out, "{}", st.bold(&head));
    if let Some(u) = &plan.utility {
        let _ = writeln!(out, "  {u}");
    }
    if !plan.nodes.is_empty() {
        tree(&mut out, plan, a, st);
    }
    findings(&mut out, plan, a, st);
    index_suggestions(&mut out, a, st);
    out
}

fn index_suggestions(out: &mut String, a: &Analysis, st: Style) {
    if a.index_suggestions.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{}", st.bold("Index suggestions:"));
    for (i, s) in a.index_suggestions.iter().enumerate() {
        let rules: Vec<String> = s
            .addresses
            .iter()
            .map(|x| match x.node {
                Some(n) => format!("{} #{n}", x.rule),
                None => x.rule.to_string(),
            })
            .collect();
        let _ = writeln!(
            out,
            "{:>3}. {} {}",
            i + 1,
            st.bold(&s.name),
            st.dim(&format!(
                "({}; addresses {})",
                s.kind_name(),
                rules.join(", ")
            ))
        );
        let _ = writeln!(out, "     {}", st.paint("32", &s.sql));
        let _ = writeln!(out, "     {}", s.effect);
        for n in &s.notes {
            let _ = writeln!(out, "     {} {n}", st.dim("note:"));
        }
    }
}

fn tree(out: &mut String, plan: &Plan, a: &Analysis, st: Style) {
    let n = plan.nodes.len();
    // Tree prefixes, computed top-down (the arena is in pre-order): what a node's children
    // continue with, and each node's own connector.
    let mut cont: Vec<String> = vec![String::new(); n];
    let mut labels: Vec<String> = Vec::with_capacity(n);
    for node in &plan.nodes {
        let (own, next) = match node.parent {
            None => (String::new(), String::new()),
            Some(p) => {
                let last = plan.nodes[p].children.last() == Some(&node.id);
                let base = &cont[p];
                (
                    format!("{base}{}", if last { "└─ " } else { "├─ " }),
                    format!("{base}{}", if last { "   " } else { "│  " }),
                )
            }
        };
        cont[node.id] = next;
        let mut label = rules::label(node);
        if let Some(name) = &node.subplan_name {
            label = format!("[{name}] {label}");
        }
        labels.push(format!("{own}{label}"));
    }
    let width = labels
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(20, 70);
    let timed = a.summary.timed;
    let analyzed = a.summary.analyzed;
    let mut header = format!("{:>4}  {:<width$}", "#", "node");
    if timed {
        header.push_str("   self time            ");
    }
    if analyzed {
        header.push_str("   rows actual / est    loops");
    } else {
        header.push_str("   rows est");
    }
    if a.summary.buffers {
        header.push_str("  buffers");
    }
    let _ = writeln!(out, "{}", st.dim(&header));
    for node in &plan.nodes {
        let m = &a.nodes[node.id];
        let mut label: String = labels[node.id].chars().take(width).collect();
        if labels[node.id].chars().count() > width {
            label.pop();
            label.push('…');
        }
        let mut line = format!("{:>4}  {label:<width$}", node.id);
        if timed {
            match (m.self_time_ms, m.self_time_share) {
                (Some(ms), Some(sh)) if !m.never_executed => {
                    let b = bar(sh);
                    let b = if sh >= 0.5 {
                        st.paint("31", &b)
                    } else if sh >= 0.1 {
                        st.paint("33", &b)
                    } else {
                        st.dim(&b)
                    };
                    let _ = write!(line, "  {:>9} {b} {:>5}", fmt_ms(ms), fmt_pct(sh));
                }
                _ => {
                    let _ = write!(line, "  {:>9} {:10} {:>5}", "", "", "");
                }
            }
        }
        if analyzed {
            if m.never_executed {
                let _ = write!(line, "   {:<22}", "never executed");
            } else {
                let act = node.actual_rows.map(short).unwrap_or_else(|| "-".into());
                let est = node.plan_rows.map(short).unwrap_or_else(|| "-".into());
                let rows = format!("{act:>8} / {est:<8}");
                let rows = match (m.estimate_factor, m.estimate_direction) {
                    (Some(f), Some(d)) if f >= 10.0 => {
                        let arrow = if d == planlint::metrics::EstimateDirection::Under {
                            "↑"
                        } else {
                            "↓"
                        };
                        st.paint("35", &format!("{rows}{arrow}"))
                    }
                    _ => format!("{rows} "),
                };
                let _ = write!(
                    line,
                    "   {rows}{:>6}",
                    node.actual_loops
                        .map(|l| short(l as f64))
                        .unwrap_or_default()
                );
            }
        } else {
            let est = node.plan_rows.map(short).unwrap_or_else(|| "-".into());
            let _ = write!(line, "   {est:>8}");
        }
        if let Some(b) = m.self_buffers {
            let mut parts = Vec::new();
            if b.shared_hit > 0 {
                parts.push(format!("hit {}", short(b.shared_hit as f64)));
            }
            if b.shared_read > 0 {
                parts.push(format!("read {}", short(b.shared_read as f64)));
            }
            if b.temp() > 0 {
                parts.push(format!("temp {}", short(b.temp() as f64)));
            }
            let _ = write!(line, "  {:<20}", parts.join(" "));
        }
        for f in a.findings.iter().filter(|f| f.node == Some(node.id)) {
            let mark = match f.severity {
                Severity::Critical => "◆",
                Severity::Warning => "▲",
                Severity::Info => "•",
            };
            line.push(' ');
            line.push_str(&st.severity(f.severity, &format!("{mark} {}", f.rule)));
        }
        let line = if m.never_executed {
            st.dim(&line)
        } else {
            line
        };
        let _ = writeln!(out, "{}", line.trim_end());
    }
}

fn findings(out: &mut String, plan: &Plan, a: &Analysis, st: Style) {
    if a.findings.is_empty() {
        let _ = writeln!(out, "\n{}", st.paint("32", "No findings."));
        return;
    }
    let c = &a.summary.findings;
    let _ = writeln!(
        out,
        "\n{} {}",
        st.bold("Findings, ranked by impact:"),
        st.dim(&format!(
            "{} critical, {} warning, {} info",
            c.critical, c.warning, c.info
        ))
    );
    for (i, f) in a.findings.iter().enumerate() {
        let sev = st.severity(f.severity, &format!("{:<8}", f.severity.as_str()));
        let at = match f.node {
            Some(id) => format!(" at #{id} {}", rules::label(&plan.nodes[id])),
            None => String::new(),
        };
        let impact = if f.impact > 0.0 {
            format!(" · could save ~{}", fmt_pct(f.impact))
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "{:>3}. {sev} {}{}{}",
            i + 1,
            st.bold(f.rule),
            at,
            st.dim(&impact)
        );
        let _ = writeln!(out, "     {}", f.message);
        let _ = writeln!(out, "     {} {}", st.paint("32", "fix:"), f.fix.text);
        if let Some(sql) = &f.fix.sql {
            for l in sql.lines() {
                let _ = writeln!(out, "          {}", st.paint("32", l));
            }
        }
    }
}
