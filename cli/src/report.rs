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

/// A short count: `950`, `12k`, `3.4M` (what [`push_short`] appends).
#[cfg(test)]
fn short(v: f64) -> String {
    let mut s = String::new();
    push_short(&mut s, v);
    s
}

/// Appends the decimal digits of `n` (what `{n}` prints, without the formatter).
fn push_u64(out: &mut String, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend(buf[i..].iter().map(|&d| d as char));
}

/// Appends a short count: `950`, `12k`, `3.4M`.
fn push_short(out: &mut String, v: f64) {
    // Whole counts below a million (rows, loops, blocks: nearly every call) in integer
    // arithmetic, which gives what the float formatter gives except on a tie (…50 hundreds,
    // …500 thousands: there the formatter rounds the binary quotient, so it decides). The
    // formatter's exact path costs ~2,000 instructions a number; the report prints three per node.
    if v.fract() == 0.0 && v.is_sign_positive() && v < 1e6 {
        let n = v as u64;
        if n < 1_000 {
            push_u64(out, n);
            return;
        }
        if n < 10_000 {
            let (tenths, rest) = (n / 100, n % 100);
            if rest != 50 {
                let t = tenths + u64::from(rest > 50);
                push_u64(out, t / 10);
                out.push('.');
                push_u64(out, t % 10);
                out.push('k');
                return;
            }
        } else {
            let (k, rest) = (n / 1000, n % 1000);
            if rest != 500 {
                push_u64(out, k + u64::from(rest > 500));
                out.push('k');
                return;
            }
        }
    }
    let a = v.abs();
    let _ = if a >= 1e9 {
        write!(out, "{:.1}G", v / 1e9)
    } else if a >= 1e6 {
        write!(out, "{:.1}M", v / 1e6)
    } else if a >= 1e4 {
        write!(out, "{:.0}k", v / 1e3)
    } else if a >= 1e3 {
        write!(out, "{:.1}k", v / 1e3)
    } else if v.fract() != 0.0 {
        write!(out, "{v:.1}")
    } else {
        write!(out, "{v:.0}")
    };
}

/// Appends a short count right-aligned in `width` characters (`scratch`: a reused buffer).
fn pad_short(out: &mut String, scratch: &mut String, v: Option<f64>, width: usize, left: bool) {
    scratch.clear();
    match v {
        Some(v) => push_short(scratch, v),
        None => scratch.push('-'),
    }
    if left {
        pad_right(out, scratch, width);
    } else {
        pad_left(out, scratch, width);
    }
}

/// Appends `n` spaces (from a constant: no per-character encoding).
fn push_spaces(out: &mut String, mut n: usize) {
    const SPACES: &str = "                                                                ";
    while n > 0 {
        let k = n.min(SPACES.len());
        out.push_str(&SPACES[..k]);
        n -= k;
    }
}

/// How many characters `s` has (what the formatter pads by); ASCII counted by length.
fn char_count(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

/// `str::trim_end` for a report line: ASCII whitespace cut by bytes; Unicode `trim_end` only
/// when what is left ends in a non-ASCII character (same result).
fn trim_line_end(s: &str) -> &str {
    let t = s.trim_end_matches(|c: char| c.is_ascii_whitespace());
    match t.as_bytes().last() {
        Some(&c) if !c.is_ascii() || c == 0x0b => t.trim_end(),
        _ => t,
    }
}

/// Appends `s` right-aligned in `width` characters (what `{:>width$}` prints).
fn pad_left(out: &mut String, s: &str, width: usize) {
    push_spaces(out, width.saturating_sub(char_count(s)));
    out.push_str(s);
}

/// Appends `s` left-aligned in `width` characters (what `{:<width$}` prints).
fn pad_right(out: &mut String, s: &str, width: usize) {
    out.push_str(s);
    push_spaces(out, width.saturating_sub(char_count(s)));
}

/// Appends a 10-cell bar for a share (eighths of a cell).
fn push_bar(s: &mut String, share: f64) {
    const PARTS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    let eighths = (share.clamp(0.0, 1.0) * 80.0).round() as usize;
    let cells = eighths / 8 + usize::from(eighths % 8 > 0);
    s.extend(std::iter::repeat_n('█', eighths / 8));
    if eighths % 8 > 0 {
        s.push(PARTS[eighths % 8]);
    }
    // Padded to 10 cells (what `{:<10}` does), without the formatter.
    push_spaces(s, 10usize.saturating_sub(cells));
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
    // continue with, and each node's label with its own connector. Both are kept in one
    // buffer each, by span (no allocation per node).
    let mut cont: Vec<u8> = Vec::new();
    let mut cont_span: Vec<(usize, usize)> = vec![(0, 0); n];
    let mut labels = String::with_capacity(n * 32);
    let mut label_span: Vec<(usize, usize, usize)> = Vec::with_capacity(n);
    for node in &plan.nodes {
        let start = labels.len();
        if let Some(p) = node.parent {
            let last = plan.nodes[p].children.last() == Some(&node.id);
            let (from, to) = cont_span[p];
            labels.push_str(std::str::from_utf8(&cont[from..to]).expect("prefixes are UTF-8"));
            labels.push_str(if last { "└─ " } else { "├─ " });
            let at = cont.len();
            cont.extend_from_within(from..to);
            cont.extend_from_slice(if last { "   " } else { "│  " }.as_bytes());
            cont_span[node.id] = (at, cont.len());
        }
        if let Some(name) = &node.subplan_name {
            labels.push('[');
            labels.push_str(name);
            labels.push_str("] ");
        }
        labels.push_str(&rules::label(node));
        let chars = char_count(&labels[start..]);
        label_span.push((start, labels.len(), chars));
    }
    let width = label_span
        .iter()
        .map(|&(_, _, chars)| chars)
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
    // One line buffer for every node (a 10,000-node plan prints 10,000 lines), and one for
    // the numbers in it.
    let mut line = String::new();
    let mut scratch = String::new();
    let mut bar = String::new();
    for node in &plan.nodes {
        let m = &a.nodes[node.id];
        line.clear();
        scratch.clear();
        push_u64(&mut scratch, node.id as u64);
        pad_left(&mut line, &scratch, 4);
        line.push_str("  ");
        let (from, to, chars) = label_span[node.id];
        let full = &labels[from..to];
        if chars > width {
            line.extend(full.chars().take(width - 1));
            line.push('…');
        } else {
            line.push_str(full);
            push_spaces(&mut line, width - chars);
        }
        if timed {
            match (m.self_time_ms, m.self_time_share) {
                (Some(ms), Some(sh)) if !m.never_executed => {
                    bar.clear();
                    push_bar(&mut bar, sh);
                    let b = if sh >= 0.5 {
                        st.paint("31", &bar)
                    } else if sh >= 0.1 {
                        st.paint("33", &bar)
                    } else {
                        st.dim(&bar)
                    };
                    line.push_str("  ");
                    scratch.clear();
                    rules::write_ms(&mut scratch, ms);
                    pad_left(&mut line, &scratch, 9);
                    line.push(' ');
                    line.push_str(&b);
                    line.push(' ');
                    scratch.clear();
                    rules::write_pct(&mut scratch, sh);
                    pad_left(&mut line, &scratch, 5);
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
                line.push_str("   ");
                match (m.estimate_factor, m.estimate_direction) {
                    (Some(f), Some(d)) if f >= 10.0 => {
                        let arrow = if d == planlint::metrics::EstimateDirection::Under {
                            "↑"
                        } else {
                            "↓"
                        };
                        let mut cell = String::new();
                        pad_short(&mut cell, &mut scratch, node.actual_rows, 8, false);
                        cell.push_str(" / ");
                        pad_short(&mut cell, &mut scratch, node.plan_rows, 8, true);
                        cell.push_str(arrow);
                        line.push_str(&st.paint("35", &cell));
                    }
                    _ => {
                        pad_short(&mut line, &mut scratch, node.actual_rows, 8, false);
                        line.push_str(" / ");
                        pad_short(&mut line, &mut scratch, node.plan_rows, 8, true);
                        line.push(' ');
                    }
                }
                if let Some(l) = node.actual_loops {
                    pad_short(&mut line, &mut scratch, Some(l as f64), 6, false);
                } else {
                    line.push_str("      ");
                }
            }
        } else {
            line.push_str("   ");
            pad_short(&mut line, &mut scratch, node.plan_rows, 8, false);
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
                    push_short(&mut line, v as f64);
                }
            }
            let used = char_count(&line[start..]);
            push_spaces(&mut line, 20usize.saturating_sub(used));
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
            let _ = writeln!(out, "{}", trim_line_end(&st.dim(&line)));
        } else {
            out.push_str(trim_line_end(&line));
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
