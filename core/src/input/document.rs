//! A structured document (YAML, XML) that psql printed as one multi-line value: the
//! `QUERY PLAN` header, the rule, borders, `+`/`↵` continuation marks, `(1 row)`, or expanded
//! (`\x`) records. The frame is removed line by line, recording where, so that positions still
//! point into the caller's text.
//!
//! (A TEXT plan is many rows, not one value; its frames are read by the TEXT input.)

use super::{CleanBuilder, Cleaned, is_psql_decoration};

/// How many lines are looked at to tell whether there is a frame.
const FRAME_LOOKAHEAD: usize = 64;

/// Border characters psql draws at the left or right of a row.
fn is_border(c: char) -> bool {
    matches!(c, '|' | '│' | '║')
}

/// Whether a line is part of the frame rather than of the value.
fn is_frame_line(t: &str) -> bool {
    t.is_empty() || is_psql_decoration(t) || is_record_header(t)
}

/// The header of an expanded (`\x`) record: `-[ RECORD 1 ]---`, `┌─[ RECORD 1 ]──┐`.
fn is_record_header(t: &str) -> bool {
    t.trim_start_matches(|c: char| c.is_whitespace() || "+-─═┌├╔╠╟|│║".contains(c))
        .starts_with("[ RECORD ")
}

/// Removes psql's frame from a document printed as one value; `None` when there is none.
pub(crate) fn unframe(text: &str) -> Option<Cleaned<'static>> {
    let mut framed = false;
    let mut expanded = false;
    let mut left_border = None;
    let mut all_indented = true;
    let mut content_lines = 0;
    // The frame shows before or on the first lines of the value: look no further than that.
    for line in text.split('\n').take(FRAME_LOOKAHEAD) {
        let t = line.trim_end();
        if t.is_empty() {
            continue;
        }
        if is_frame_line(t.trim_start()) {
            framed = true;
            expanded |= is_record_header(t);
            continue;
        }
        content_lines += 1;
        framed |= t.ends_with(['+', '↵']) || t.starts_with(is_border);
        if left_border.is_none() {
            left_border = Some(t.starts_with(is_border));
        }
        all_indented &= line.starts_with(' ');
    }
    if content_lines == 0 {
        return None;
    }
    if !framed {
        return log_indented(text);
    }
    let left_border = left_border.unwrap_or(false);
    let mut out = CleanBuilder::with_capacity(text.len());
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let t = body.trim_end();
        if t.is_empty() || is_frame_line(t.trim_start()) {
            continue;
        }
        let mut from = 0;
        if left_border {
            let b = t.trim_start();
            if let Some(c) = b.chars().next().filter(|&c| is_border(c)) {
                from = t.len() - b.len() + c.len_utf8();
                if t[from..].starts_with(' ') {
                    from += 1;
                }
            }
        } else if all_indented && !expanded && t.starts_with(' ') {
            from = 1;
        }
        if expanded {
            // `QUERY PLAN | value`: the value column starts after the first border.
            if let Some(i) = t[from..].find(is_border) {
                from += i + t[from + i..].chars().next().map_or(1, char::len_utf8);
                if t[from..].starts_with(' ') {
                    from += 1;
                }
            }
        }
        let mut end = t.len();
        let mut rest = &t[from.min(end)..end];
        if left_border || expanded {
            if let Some(r) = rest.strip_suffix(is_border) {
                rest = r;
            }
        }
        if let Some(r) = rest.strip_suffix(['+', '↵']) {
            rest = r;
        }
        rest = rest.trim_end();
        end = from.min(t.len()) + rest.len();
        out.push(&t[from.min(end)..end], start + from.min(end));
        out.push("\n", start + body.len());
    }
    Some(out.finish())
}

/// A document copied out of a stderr log: every line starts with the TAB the logger adds to
/// continuation lines. The TABs are removed.
fn log_indented(text: &str) -> Option<Cleaned<'static>> {
    let mut lines = text.split('\n').filter(|l| !l.trim().is_empty()).peekable();
    lines.peek()?;
    if !lines.all(|l| l.starts_with('\t')) {
        return None;
    }
    let mut out = CleanBuilder::with_capacity(text.len());
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let body = line.strip_prefix('\t').unwrap_or(line);
        out.push(body, offset + line.len() - body.len());
        offset += line.len();
    }
    Some(out.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn border_two_frame_is_removed_with_positions() {
        // Hand-made frame for one rule (border removal), not a plan.
        let framed = "+------+\n| QUERY PLAN |\n+------+\n| - a: 1  +|\n|   b: \"x\"  |\n+------+\n(1 row)\n";
        let c = unframe(framed).unwrap();
        assert_eq!(c.text, "- a: 1\n  b: \"x\"\n");
        let b = c.text.find('b').unwrap();
        assert_eq!(&framed[c.original_offset(b)..c.original_offset(b) + 1], "b");
    }

    #[test]
    fn unframed_text_is_left_alone() {
        assert!(unframe("- Plan: \n    Node Type: \"Result\"\n").is_none());
    }
}
