//! Just enough reading of the conditions PostgreSQL prints (`Filter`, `Index Cond`, …) for the
//! rules: top-level `AND` parts, `lhs OP rhs` comparisons, and the columns an expression uses.
//! The server prints deparsed, fully parenthesized expressions, so a small scanner suffices;
//! anything it does not understand yields `None` (a rule then gives its advice without SQL).

/// Removes parentheses that enclose the whole text.
pub fn strip_parens(s: &str) -> &str {
    let mut s = s.trim();
    while s.starts_with('(') && s.ends_with(')') && closing(s, 0) == Some(s.len() - 1) {
        s = s[1..s.len() - 1].trim();
    }
    s
}

/// The offset of the parenthesis closing the one at `open`.
fn closing(s: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut it = Scanner::new(s);
    while let Some((i, c)) = it.next_code() {
        if i < open {
            continue;
        }
        match c {
            b'(' => depth += 1,
            b')' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Walks a condition byte by byte, skipping string literals and quoted identifiers' insides.
struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Scanner<'a> {
    fn new(s: &'a str) -> Self {
        Scanner {
            b: s.as_bytes(),
            i: 0,
        }
    }

    /// The next byte outside a string literal (a quoted identifier counts as one `"`).
    fn next_code(&mut self) -> Option<(usize, u8)> {
        loop {
            let i = self.i;
            let c = *self.b.get(i)?;
            self.i += 1;
            if c == b'\'' || c == b'"' {
                // Skip to the closing quote (a doubled quote is an escaped one).
                while let Some(&d) = self.b.get(self.i) {
                    self.i += 1;
                    if d == c {
                        if self.b.get(self.i) == Some(&c) {
                            self.i += 1;
                        } else {
                            break;
                        }
                    }
                }
                if c == b'"' {
                    return Some((i, b'"'));
                }
                continue;
            }
            return Some((i, c));
        }
    }
}

/// Splits a condition at its top-level `AND`s: `((a = 1) AND (b > 2))` → `a = 1`, `b > 2`.
/// A top-level `OR` keeps the condition whole.
pub fn conjuncts(cond: &str) -> Vec<&str> {
    let s = strip_parens(cond);
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    let mut it = Scanner::new(s);
    let b = s.as_bytes();
    while let Some((i, c)) = it.next_code() {
        match c {
            b'(' => depth += 1,
            b')' => depth -= 1,
            b' ' if depth == 0 => {
                if b[i..].starts_with(b" AND ") {
                    parts.push(strip_parens(&s[start..i]));
                    start = i + 5;
                } else if b[i..].starts_with(b" OR ") {
                    return vec![s];
                }
            }
            _ => {}
        }
    }
    parts.push(strip_parens(&s[start..]));
    parts
}

/// A comparison `lhs OP rhs` (`IS [NOT] NULL` has an empty `rhs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Comparison<'a> {
    /// Left-hand side.
    pub lhs: &'a str,
    /// Operator (`=`, `<=`, `~~`, `@>`, `IS`, …).
    pub op: &'a str,
    /// Right-hand side.
    pub rhs: &'a str,
}

impl Comparison<'_> {
    /// Whether a btree index can serve the operator.
    pub fn btree(&self) -> bool {
        matches!(self.op, "=" | "<" | "<=" | ">" | ">=" | "IS")
    }

    /// Whether the operator is an equality (`=`, `= ANY`, `IS NULL`).
    pub fn equality(&self) -> bool {
        self.op == "=" || self.op == "IS"
    }
}

const OP_CHARS: &[u8] = b"=<>!~@&|#%^*+-/?";

/// Reads a condition part as a comparison.
pub fn comparison(part: &str) -> Option<Comparison<'_>> {
    let s = strip_parens(part);
    let b = s.as_bytes();
    let mut depth = 0i32;
    let mut it = Scanner::new(s);
    while let Some((i, c)) = it.next_code() {
        match c {
            b'(' => depth += 1,
            b')' => depth -= 1,
            b' ' if depth == 0 => {
                let rest = &b[i + 1..];
                let n = rest.iter().take_while(|c| OP_CHARS.contains(c)).count();
                if n > 0 && rest.get(n) == Some(&b' ') {
                    return Some(Comparison {
                        lhs: s[..i].trim(),
                        op: &s[i + 1..i + 1 + n],
                        rhs: s[i + 2 + n..].trim(),
                    });
                }
                if rest.starts_with(b"IS ") {
                    return Some(Comparison {
                        lhs: s[..i].trim(),
                        op: "IS",
                        rhs: s[i + 4..].trim(),
                    });
                }
            }
            _ => {}
        }
    }
    None
}

/// A column reference: `name` or `qualifier.name`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column<'a> {
    /// Table alias or name, when qualified.
    pub qualifier: Option<&'a str>,
    /// Column name.
    pub name: &'a str,
}

const KEYWORDS: &[&str] = &[
    "AND", "OR", "NOT", "NULL", "IS", "TRUE", "FALSE", "true", "false", "ANY", "ALL", "ARRAY",
    "CASE", "WHEN", "THEN", "ELSE", "END", "IN", "LIKE", "ILIKE", "DISTINCT", "FROM", "BETWEEN",
    "SubPlan", "InitPlan", "hashed", "ROW", "COLLATE", "DEFAULT", "EXISTS", "AT", "TIME", "ZONE",
];

/// Words that continue a type name after `::` (`timestamp without time zone`).
const TYPE_WORDS: &[&str] = &["without", "with", "time", "zone", "varying", "precision"];

fn ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn ident_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'$'
}

/// The column references of an expression (function names, type names after `::`, keywords,
/// literals and parameters left out).
pub fn columns(expr: &str) -> Vec<Column<'_>> {
    let b = expr.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut after_cast = false;
    while i < b.len() {
        let c = b[i];
        if c == b'\'' {
            // String literal.
            i += 1;
            while i < b.len() {
                if b[i] == b'\'' {
                    if b.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    break;
                }
                i += 1;
            }
            i += 1;
            continue;
        }
        if c == b':' && b.get(i + 1) == Some(&b':') {
            after_cast = true;
            i += 2;
            continue;
        }
        if c == b'$' || c.is_ascii_digit() {
            while i < b.len() && (ident_char(b[i]) || b[i] == b'.') {
                i += 1;
            }
            continue;
        }
        if ident_start(c) || c == b'"' {
            let start = i;
            let mut last_start = i;
            // identifier ( . identifier )*
            loop {
                if b.get(i) == Some(&b'"') {
                    i += 1;
                    while i < b.len() && b[i] != b'"' {
                        i += 1;
                    }
                    i += 1;
                } else {
                    while i < b.len() && ident_char(b[i]) {
                        i += 1;
                    }
                }
                if b.get(i) == Some(&b'.')
                    && b.get(i + 1).is_some_and(|&d| ident_start(d) || d == b'"')
                {
                    i += 1;
                    last_start = i;
                } else {
                    break;
                }
            }
            let word = &expr[start..i.min(b.len())];
            let mut j = i;
            while j < b.len() && b[j] == b' ' {
                j += 1;
            }
            let is_call = b.get(j) == Some(&b'(');
            if after_cast {
                // A type name, possibly of several words; a `(n)` modifier is skipped later.
                if !TYPE_WORDS.contains(&word) {
                    after_cast = TYPE_WORDS.contains(&&expr[j..next_word_end(b, j)]);
                }
                continue;
            }
            if is_call || KEYWORDS.contains(&word) {
                continue;
            }
            let name = &expr[last_start..i.min(b.len())];
            let qualifier = (last_start > start).then(|| &expr[start..last_start - 1]);
            out.push(Column {
                qualifier,
                name: name.trim_matches('"'),
            });
            continue;
        }
        after_cast = after_cast && c == b' ';
        i += 1;
    }
    out
}

fn next_word_end(b: &[u8], mut j: usize) -> usize {
    while j < b.len() && ident_char(b[j]) {
        j += 1;
    }
    j
}

/// The column an expression is, when it is a bare (possibly qualified) column.
pub fn plain_column(expr: &str) -> Option<Column<'_>> {
    let e = strip_parens(expr);
    let simple = !e.is_empty() && e.bytes().all(|c| ident_char(c) || c == b'.' || c == b'"');
    if !simple {
        return None;
    }
    match columns(e).as_slice() {
        [c] => Some(*c),
        _ => None,
    }
}

/// When an expression wraps exactly one column in a function call or a cast
/// (`lower(email)`, `(customer_id)::text`, `date_trunc('day'::text, order_date)`), the column.
pub fn wrapped_column(expr: &str) -> Option<Column<'_>> {
    if plain_column(expr).is_some() {
        return None;
    }
    match columns(expr).as_slice() {
        [c] => Some(*c),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    //! Hand-written conditions in the server's deparsed spelling (unit tests of the scanner).
    use super::*;

    #[test]
    fn splits_and_compares() {
        let c = conjuncts("((value > '190'::numeric) AND (kind = 'signup'::text))");
        assert_eq!(c, vec!["value > '190'::numeric", "kind = 'signup'::text"]);
        assert_eq!(conjuncts("((a = 1) OR (b = 2))").len(), 1);
        let cmp = comparison("(promo_code = 'P0042'::text)").unwrap();
        assert_eq!(
            (cmp.lhs, cmp.op, cmp.rhs),
            ("promo_code", "=", "'P0042'::text")
        );
        let cmp = comparison("(name ~~* '%steel%'::text)").unwrap();
        assert_eq!(cmp.op, "~~*");
        let cmp = comparison("(notes IS NULL)").unwrap();
        assert_eq!((cmp.lhs, cmp.op, cmp.rhs), ("notes", "IS", "NULL"));
    }

    #[test]
    fn finds_columns() {
        let e = "date_trunc('day'::text, order_date)";
        assert_eq!(wrapped_column(e).unwrap().name, "order_date");
        assert_eq!(wrapped_column("lower(email)").unwrap().name, "email");
        assert_eq!(
            wrapped_column("(customer_id)::text").unwrap().name,
            "customer_id"
        );
        assert_eq!(
            plain_column("orders.promo_code").unwrap().name,
            "promo_code"
        );
        assert_eq!(
            plain_column("orders.promo_code").unwrap().qualifier,
            Some("orders")
        );
        assert!(wrapped_column("promo_code").is_none());
        let cols = columns("(o.order_date)::timestamp without time zone = c.signup_date");
        assert_eq!(cols.len(), 2);
        assert_eq!(cols[1].qualifier, Some("c"));
    }
}
