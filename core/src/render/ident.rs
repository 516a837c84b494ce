//! SQL identifier quoting as the server prints names in TEXT (`quote_identifier` in ruleutils.c).

use crate::advice::expr::needs_quotes;

/// An identifier as the server prints it: bare when it is a lower-case simple name that is not
/// a keyword, else in double quotes with embedded quotes doubled (`"Mixed Case"`, `"*VALUES*"`,
/// `"xmltable"`).
pub fn quote_identifier(ident: &str) -> String {
    if !needs_quotes(ident) {
        return ident.to_string();
    }
    let mut s = String::with_capacity(ident.len() + 2);
    s.push('"');
    for c in ident.chars() {
        if c == '"' {
            s.push('"');
        }
        s.push(c);
    }
    s.push('"');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_follows_quote_identifier() {
        // Hand-made names: one rule (identifier quoting), not plans.
        assert_eq!(quote_identifier("orders"), "orders");
        assert_eq!(quote_identifier("t_1"), "t_1");
        assert_eq!(quote_identifier("t$1"), "\"t$1\"");
        assert_eq!(quote_identifier("*VALUES*"), "\"*VALUES*\"");
        assert_eq!(quote_identifier("xmltable"), "\"xmltable\"");
        assert_eq!(quote_identifier("Mixed \"Q\""), "\"Mixed \"\"Q\"\"\"");
        assert_eq!(quote_identifier("1abc"), "\"1abc\"");
        assert_eq!(quote_identifier(""), "\"\"");
    }
}
