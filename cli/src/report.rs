//! The terminal report of `planlint analyze`: per plan, a tree with one line per node, then
//! the findings ranked by impact with their fixes. Colors only when asked (the caller decides
//! from the terminal, `--color` and `NO_COLOR`).

use std::borrow::Cow;
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
    /// The text in an ANSI style; without color, the text itself (borrowed: no copy).
    fn paint<'t>(&self, code: &str, text: &'t str) -> Cow<'t, str> {
        if self.color && !text.is_empty() {
            Cow::Owned(format!("\x1b[{code}m{text}\x1b[0m"))
        } else {
            Cow::Borrowed(text)
        }
    }

    fn severity<'t>(&self, s: Severity, text: &'t str) -> Cow<'t, str> {
        let code = match s {
            Severity::Critical => "1;31",
            Severity::Warning => "1;33",
            Severity::Info => "36",
        };
        self.paint(code, text)
    }

    fn dim<'t>(&self, text: &'t str) -> Cow<'t, str> {
        self.paint("2", text)
    }

    fn bold<'t>(&self, text: &'t str) -> Cow<'t, str> {
        self.paint("1", text)
    }
}

/// A short count: `950`, `12k`, `3.4M`.
fn short(v: f64) -> String {
    // Whole counts below a million (rows, loops, blocks: nearly every call) in integer
    // arithmetic, which gives what the float formatter gives except on a tie (…50 hundreds,
    // …500 thousands: there the formatter rounds the binary quotient, so it decides). The
    // formatter's exact path costs ~2,000 instructions a number; the report prints three per node.
    if v.fract() == 0.0 && v.is_sign_positive() && v < 1e6 {
        let n = v as u64;
        if n < 1_000 {
            return n.to_string();
        }
        if n < 10_000 {
            let (tenths, rest) = (n / 100, n % 100);
            if rest != 50 {
                let t = tenths + u64::from(rest > 50);
                return format!("{}.{}k", t / 10, t % 10);
            }
        } else {
            let (k, rest) = (n / 1000, n % 1000);
            if rest != 500 {
                return format!("{}k", k + u64::from(rest > 500));
            }
        }
    }
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

/// Appends `s` right-aligned in `width` characters (what `{:>width$}` prints).
fn pad_left(out: &mut String, s: &str, width: usize) {
    out.extend(std::iter::repeat_n(
        ' ',
        width.saturating_sub(s.chars().count()),
    ));
    out.push_str(s);
}

/// Appends `s` left-aligned in `width` characters (what `{:<width$}` prints).
fn pad_right(out: &mut String, s: &str, width: usize) {
    out.push_str(s);
    out.extend(std::iter::repeat_n(
        ' ',
        width.saturating_sub(s.chars().count()),
    ));
}

/// A 10-cell bar for a share (eighths of a cell).
fn bar(share: f64) -> String {
    const PARTS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    let eighths = (share.clamp(0.0, 1.0) * 80.0).round() as usize;
    let mut s = String::with_capacity(32);
    let cells = eighths / 8 + usize::from(eighths % 8 > 0);
    s.extend(std::iter::repeat_n('█', eighths / 8));
    if eighths % 8 > 0 {
        s.push(PARTS[eighths % 8]);
    }
    // Padded to 10 cells (what `{:<10}` does), without the formatter.
    s.extend(std::iter::repeat_n(' ', 10usize.saturating_sub(cells)));
    s
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
                let joined = |tail: &str| {
                    let mut s = String::with_capacity(base.len() + tail.len());
                    s.push_str(base);
                    s.push_str(tail);
                    s
                };
                (
                    joined(if last { "└─ " } else { "├─ " }),
                    joined(if last { "   " } else { "│  " }),
                )
            }
        };
        cont[node.id] = next;
        let label = rules::label(node);
        let mut full = own;
        if let Some(name) = &node.subplan_name {
            full.push('[');
            full.push_str(name);
            full.push_str("] ");
        }
        full.push_str(&label);
        labels.push(full);
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
    // The findings of each node, in rank order (one pass: a plan with thousands of findings
    // stays linear).
    let mut findings_at: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, f) in a.findings.iter().enumerate() {
        if let Some(id) = f.node.filter(|&id| id < n) {
            findings_at[id].push(i);
        }
    }
    // One line buffer for every node (a 10,000-node plan prints 10,000 lines).
    let mut line = String::new();
    for node in &plan.nodes {
        let m = &a.nodes[node.id];
        line.clear();
        let _ = write!(line, "{:>4}  ", node.id);
        let full = &labels[node.id];
        let chars = full.chars().count();
        if chars > width {
            line.extend(full.chars().take(width - 1));
            line.push('…');
        } else {
            line.push_str(full);
            line.extend(std::iter::repeat_n(' ', width - chars));
        }
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
                    line.push_str("  ");
                    pad_left(&mut line, &fmt_ms(ms), 9);
                    line.push(' ');
                    line.push_str(&b);
                    line.push(' ');
                    pad_left(&mut line, &fmt_pct(sh), 5);
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
                line.push_str("   ");
                match (m.estimate_factor, m.estimate_direction) {
                    (Some(f), Some(d)) if f >= 10.0 => {
                        let arrow = if d == planlint::metrics::EstimateDirection::Under {
                            "↑"
                        } else {
                            "↓"
                        };
                        line.push_str(&st.paint("35", &format!("{act:>8} / {est:<8}{arrow}")));
                    }
                    _ => {
                        pad_left(&mut line, &act, 8);
                        line.push_str(" / ");
                        pad_right(&mut line, &est, 8);
                        line.push(' ');
                    }
                }
                if let Some(l) = node.actual_loops {
                    pad_left(&mut line, &short(l as f64), 6);
                } else {
                    line.push_str("      ");
                }
            }
        } else {
            let est = node.plan_rows.map(short).unwrap_or_else(|| "-".into());
            let _ = write!(line, "   {est:>8}");
        }
        if let Some(b) = m.self_buffers {
            line.push_str("  ");
            let start = line.len();
            for (word, v) in [
                ("hit", b.shared_hit),
                ("read", b.shared_read),
                ("temp", b.temp()),
            ] {
                if v > 0 {
                    if line.len() > start {
                        line.push(' ');
                    }
                    line.push_str(word);
                    line.push(' ');
                    line.push_str(&short(v as f64));
                }
            }
            let used = line[start..].chars().count();
            line.extend(std::iter::repeat_n(' ', 20usize.saturating_sub(used)));
        }
        for f in findings_at[node.id].iter().map(|&i| &a.findings[i]) {
            let mark = match f.severity {
                Severity::Critical => "◆",
                Severity::Warning => "▲",
                Severity::Info => "•",
            };
            line.push(' ');
            line.push_str(&st.severity(f.severity, &format!("{mark} {}", f.rule)));
        }
        if m.never_executed {
            let _ = writeln!(out, "{}", st.dim(&line).trim_end());
        } else {
            out.push_str(line.trim_end());
            out.push('\n');
        }
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
        let sev_text = format!("{:<8}", f.severity.as_str());
        let sev = st.severity(f.severity, &sev_text);
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

#[cfg(test)]
mod tests {
    use super::short;

    /// What `short` printed before its integer path: the float formatter alone.
    fn by_formatter(v: f64) -> String {
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

    #[test]
    fn short_counts_are_the_formatter_s() {
        // Numbers, not plans: every whole count below 2 million, and some others.
        for n in 0..2_000_000u64 {
            let v = n as f64;
            assert_eq!(short(v), by_formatter(v), "{v}");
        }
        for v in [-0.0, -5.0, 0.5, 12.25, 1050.0, 2.5e9, f64::NAN] {
            assert_eq!(short(v), by_formatter(v), "{v}");
        }
    }
}
