//! TEXT plans as users paste them, made plain: psql's aligned output (header, rule, `(N rows)`,
//! borders 0–2 in the ascii, old-ascii and unicode line styles, ` +` / `↵` newline marks, the
//! `wrapped` format's `.` / `…` wrap marks), psql's expanded `\x` output, pgAdmin/DBeaver quoting
//! (`"…"` lines with doubled quotes, trailing `|` columns), carriage returns.
//!
//! Each output line is a slice of an input line, so offsets map back through [`Cleaned`].
//! Indentation is left as it is: the TEXT parser measures it relative to the root node line,
//! which absorbs psql's one-space margin and any indentation of the whole paste.

use super::{CleanBuilder, Cleaned, is_psql_decoration};

/// Border characters psql draws at the left and right of a row.
fn is_border(c: char) -> bool {
    matches!(c, '|' | '│' | '║')
}

/// A record header of psql's expanded output: `-[ RECORD 3 ]----`, `+-[ RECORD 1 ]--+`,
/// `┌─[ RECORD 1 ]──┐`, `├─[ RECORD 2 ]──┤`.
fn is_record_header(t: &str) -> bool {
    // Fast answer for most lines: an ASCII first character that starts no record header.
    if let Some(&c) = t.as_bytes().first() {
        if c.is_ascii() && !b"*+-[".contains(&c) {
            return false;
        }
    }
    // Border 0 spells it `* Record 1`.
    if let Some(n) = t.strip_prefix("* Record ") {
        return n.bytes().all(|b| b.is_ascii_digit()) && !n.is_empty();
    }
    let t = t.trim_start_matches(['+', '┌', '├', '╔', '╠', '-', '─', '═']);
    t.starts_with("[ RECORD ")
}

/// The offset of the first byte at or after `from` that is not a space: eight bytes at a time,
/// the last word's spaces counted at once (indentation is most of a deep plan's bytes).
#[inline(always)]
pub(crate) fn skip_spaces(b: &[u8], from: usize) -> usize {
    let mut i = from;
    while let Some(chunk) = b.get(i..i + 8) {
        let word = u64::from_le_bytes(chunk.try_into().expect("8 bytes")) ^ 0x2020_2020_2020_2020;
        if word != 0 {
            return i + (word.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while b.get(i) == Some(&b' ') {
        i += 1;
    }
    i
}

/// `str::trim`, with a fast path for the ASCII whitespace that indents plan lines (deep plans
/// indent by dozens of spaces; `trim` decodes every one as a `char`). Identical results: where
/// the ASCII scan stops at a non-ASCII byte, `trim` takes over.
pub(crate) fn trim(s: &str) -> &str {
    let ws = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r');
    let b = s.as_bytes();
    let mut start = skip_spaces(b, 0);
    while start < b.len() && ws(b[start]) {
        start += 1;
    }
    let mut end = b.len();
    while end > start && ws(b[end - 1]) {
        end -= 1;
    }
    let t = &s[start..end];
    match (t.as_bytes().first(), t.as_bytes().last()) {
        (Some(&f), Some(&l)) if f.is_ascii() && l.is_ascii() => t,
        (None, _) => t,
        _ => t.trim(),
    }
}

/// How the input is framed.
#[derive(Debug, Default, Clone, Copy)]
struct Style {
    /// Every line in `"…"` (doubled inner quotes) or `'…'`.
    quoted: Option<char>,
    /// Every line ends with a stray `"` (the end of a pasted CSV cell).
    trailing_quote: bool,
    /// psql's `wrapped` format: one rule line, as wide as the lines that carry wrap marks.
    wrap_width: Option<usize>,
    expanded: bool,
    left_border: bool,
    right_border: bool,
    framed: bool,
    carriage_returns: bool,
}

fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos >= text.len() {
            return None;
        }
        let start = pos;
        let end = memchr::memchr(b'\n', &text.as_bytes()[pos..]).map_or(text.len(), |i| pos + i);
        pos = end + 1;
        Some((start, &text[start..end]))
    })
}

fn detect(text: &str) -> Style {
    let mut s = Style::default();
    let (mut content, mut quoted, mut squoted, mut left, mut right, mut tq) =
        (0usize, 0usize, 0usize, 0usize, 0usize, 0usize);
    let mut rules = 0usize;
    let mut rule_width = 0usize;
    let mut prev_rule = false;
    let mut consecutive_rules = false;
    let mut mixed_widths = false;
    for (_, line) in lines(text) {
        let line = match line.strip_suffix('\r') {
            Some(l) => {
                s.carriage_returns = true;
                l
            }
            None => line,
        };
        let t = trim(line);
        if t.is_empty() {
            continue;
        }
        if is_record_header(t) {
            s.expanded = true;
            s.framed = true;
            // In the `wrapped` format the record headers are as wide as the table.
            rule_width = line.chars().count();
            rules = 1;
            continue;
        }
        if t.starts_with("QUERY PLAN|") {
            // psql's unaligned expanded output: `QUERY PLAN|value`, records between blank lines.
            s.expanded = true;
            s.framed = true;
        }
        if is_psql_decoration(t) {
            s.framed = true;
            let rule = t.contains(['-', '─', '═']) && !t.contains("QUERY PLAN");
            if rule {
                let w = line.chars().count();
                if rules > 0 && w != rule_width {
                    mixed_widths = true;
                }
                rules += 1;
                rule_width = w;
                consecutive_rules |= prev_rule;
            }
            prev_rule = rule;
            continue;
        }
        prev_rule = false;
        content += 1;
        if t.len() >= 2 && t.starts_with('"') && t.ends_with('"') {
            quoted += 1;
        }
        if t.len() >= 2 && t.starts_with('\'') && t.ends_with('\'') {
            squoted += 1;
        }
        if t.ends_with('"') {
            tq += 1;
        }
        if line.starts_with(is_border) {
            left += 1;
        }
        if t.ends_with(is_border) {
            right += 1;
        }
    }
    if content > 0 {
        s.quoted = if quoted * 10 >= content * 9 {
            Some('"')
        } else if squoted * 10 >= content * 9 {
            Some('\'')
        } else {
            None
        };
        s.trailing_quote = s.quoted.is_none() && tq * 10 >= content * 9;
        // psql's own messages (`Border style is 2.`) may sit among the rows.
        s.left_border = left * 2 >= content;
        s.right_border = right * 2 >= content;
    }
    s.framed |= s.left_border || s.right_border;
    if rules > 0 && !consecutive_rules && !mixed_widths {
        s.wrap_width = Some(rule_width);
    }
    s
}

impl Style {
    /// Whether there is anything to remove.
    fn any(&self) -> bool {
        self.quoted.is_some() || self.trailing_quote || self.framed || self.carriage_returns
    }
}

/// Whether a line is one [`detect`] finds no frame in: its `content` (indentation and trailing
/// whitespace removed; the line must not end in a carriage return) is empty, or starts with an
/// ASCII letter or digit (not the `QUERY PLAN` header) or with `->`, and ends with an ASCII
/// character other than `"` and `|`. Then the line is no record header, decoration, quoted
/// line, and has no border or stray quote; when every line is such, [`unframe`] removes
/// nothing and the TEXT parser reads the input as it is (without the `detect` pass, which looks
/// at every line through `trim` and the decoration tests).
#[inline]
pub(crate) fn plain_line(content: &[u8]) -> bool {
    let (Some(&first), Some(&last)) = (content.first(), content.last()) else {
        return true;
    };
    let starts_plain = if first == b'-' {
        content.get(1) == Some(&b'>')
    } else {
        first.is_ascii_alphanumeric() && !(first == b'Q' && content.starts_with(b"QUERY PLAN"))
    };
    starts_plain && last.is_ascii() && last != b'"' && last != b'|'
}

/// Removes what psql, pgAdmin and DBeaver put around a TEXT plan.
pub(crate) fn unframe(text: &str) -> Cleaned<'_> {
    let style = detect(text);
    if !style.any() {
        return Cleaned::identity(text);
    }
    let mut out = CleanBuilder::with_capacity(text.len());
    // The separator column of expanded output (`QUERY PLAN | value`).
    let mut prev_wrapped = false;
    for (start, line) in lines(text) {
        let mut a = start;
        let mut l = line.strip_suffix('\r').unwrap_or(line);
        let t = l.trim();
        if t.is_empty() {
            // Expanded output separates records by blank lines; an empty row is an empty value.
            if !prev_wrapped && !style.expanded {
                out.push("\n", a + l.len());
            }
            continue;
        }
        if is_record_header(t) || is_psql_decoration(t) {
            continue;
        }
        if let Some(q) = style.quoted {
            let lead = l.len() - l.trim_start().len();
            let inner = l.trim();
            if inner.len() >= 2 && inner.starts_with(q) && inner.ends_with(q) {
                let body_at = a + lead + 1;
                let body = &inner[1..inner.len() - 1];
                // Undo the doubled quotes (CSV quoting; single-quoted lines are not escaped).
                let mut pos = 0;
                while let Some(i) = body[pos..].find("\"\"").filter(|_| q == '"') {
                    out.push(&body[pos..pos + i + 1], body_at + pos);
                    pos += i + 2;
                }
                out.push(&body[pos..], body_at + pos);
                out.push("\n", a + l.len());
                continue;
            }
        }
        if style.trailing_quote {
            if let Some(x) = l.trim_end().strip_suffix('"') {
                l = x;
            }
        }
        if style.left_border {
            if let Some(c) = l.chars().next().filter(|&c| is_border(c)) {
                let skip = c.len_utf8() + usize::from(l[c.len_utf8()..].starts_with(' '));
                a += skip;
                l = &l[skip..];
            }
        }
        if style.right_border {
            let trimmed = l.trim_end();
            if let Some(c) = trimmed.chars().next_back().filter(|&c| is_border(c)) {
                l = trimmed[..trimmed.len() - c.len_utf8()].trim_end();
            }
        }
        if style.expanded {
            // `QUERY PLAN | value` or a continuation `           | value`.
            // (border 0: `QUERY PLAN value`, the separator is one space).
            let body = l.trim_start();
            let (named, body) = match body.strip_prefix("QUERY PLAN") {
                Some(b) => (true, b),
                None => (false, body),
            };
            let sep = body.trim_start();
            // Unaligned output has no space around the separator.
            let spaced = !named || body.starts_with(' ');
            // old-ascii marks continued values in the separator column: `:` (newline), `;` (wrap).
            let separator = |c: char| is_border(c) || (!named && matches!(c, ':' | ';'));
            if let Some(c) = sep.chars().next().filter(|&c| separator(c)) {
                let mut v = &sep[c.len_utf8()..];
                if let Some(x) = v.strip_prefix(' ').filter(|_| spaced) {
                    v = x;
                }
                a += l.len() - v.len();
                l = v;
            } else if named {
                let v = body.strip_prefix(' ').unwrap_or(body);
                a += l.len() - v.len();
                l = v;
            } else if let Some(v) = l.strip_prefix("          ") {
                // Border 0: a continuation indented by the width of `QUERY PLAN`, then the
                // separator column (a space, or the wrap mark).
                let v = v.strip_prefix(' ').unwrap_or(v);
                a += l.len() - v.len();
                l = v;
            }
        }
        if style.framed {
            // psql marks a value that continues on the next line (` +`, `↵`) or is wrapped
            // (`.`, `…` in the `wrapped` format: also at the start of the continuation).
            let trimmed = l.trim_end();
            let mut wrapped = false;
            if let Some(x) = trimmed.strip_suffix('↵') {
                l = x.trim_end();
            } else if let Some(x) = trimmed.strip_suffix(" +") {
                l = x.trim_end();
            } else if trimmed.len() < l.len() || style.right_border {
                l = trimmed;
            }
            if prev_wrapped {
                if let Some(x) = l.strip_prefix('.').or_else(|| l.strip_prefix('…')) {
                    a += l.len() - x.len();
                    l = x;
                }
            }
            // Wrap marks exist only in the `wrapped` format, where a marked line is exactly as
            // wide as the rule (a terminal that cut lines leaves no marks).
            let full_width = style
                .wrap_width
                .is_some_and(|w| line.trim_end_matches('\r').chars().count() >= w);
            if full_width {
                if let Some(x) = l.strip_suffix('…') {
                    l = x;
                    wrapped = true;
                } else if l.ends_with('.') {
                    l = &l[..l.len() - 1];
                    wrapped = true;
                }
            }
            out.push(l, a);
            if !wrapped {
                out.push("\n", a + l.len());
            }
            prev_wrapped = wrapped;
            continue;
        }
        out.push(l, a);
        out.push("\n", a + l.len());
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligned_border_one() {
        // Hand-made frame (one rule: psql's aligned output), not a plan from a server.
        let s = "     QUERY PLAN\n------------------\n Result  (cost=0.00..0.01 rows=1 width=4)\n(1 row)\n";
        let c = unframe(s);
        assert_eq!(c.text, " Result  (cost=0.00..0.01 rows=1 width=4)\n");
        assert_eq!(c.original_offset(1), s.find("Result").unwrap());
    }

    /// The shortcut never skips a frame `detect` would find, on any corpus document.
    #[test]
    fn plain_inputs_are_those_detect_finds_unframed() {
        let docs = crate::input::tests::corpus_documents();
        let mut plain = 0;
        for (path, text) in &docs {
            // The lines as the TEXT parser cuts them: `content` without indentation and
            // trailing whitespace, a carriage return before the line feed noticed.
            let every_line_plain = text.split('\n').all(|line| {
                !line.ends_with('\r')
                    && plain_line(line.trim_start_matches([' ', '\t']).trim_end().as_bytes())
            });
            if every_line_plain {
                assert!(!detect(text).any(), "{}", path.display());
                plain += 1;
            }
        }
        // Every unframed TEXT capture (analyze, verbose, … variants) takes the shortcut.
        assert!(plain > 2_000, "{plain} of {}", docs.len());
    }

    #[test]
    fn quoted_lines() {
        let s = "\"Seq Scan on t\"\n\"  Filter: (a = \"\"x\"\")\"\n";
        let c = unframe(s);
        assert_eq!(c.text, "Seq Scan on t\n  Filter: (a = \"x\")\n");
    }
}
