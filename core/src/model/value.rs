//! How each field type of the model is read (from a structured [`Source`] or from TEXT), merged
//! when a key repeats, and described in the JSON Schema.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Value, json};

use super::source::{ConvError, Item, Peek, Scalar, Source};
use crate::error::{Error, ErrorKind};

/// Properties the model does not know (extensions, future versions), by the server's own key,
/// with their raw values.
pub type Extra = BTreeMap<String, Value>;

/// Named JSON Schema definitions collected while describing the model.
pub type Defs = BTreeMap<String, Value>;

/// A type that can sit in a field of the model.
pub trait FieldValue: Sized + Serialize {
    /// JSON Schema of the value's canonical JSON form; named types register themselves in `defs`.
    fn schema(defs: &mut Defs) -> Value;
    /// Reads the value that comes next in a structured document.
    fn read<'a, S: Source<'a>>(src: &mut S) -> Result<Self, Error>;
    /// Reads the value; a value this version does not know (of a closed set of strings) comes
    /// back as `Err(raw)`, to be kept in the owner's `extra`.
    fn read_known<'a, S: Source<'a>>(src: &mut S) -> Result<Result<Self, Value>, Error> {
        Self::read(src).map(Ok)
    }
    /// Converts the value from its TEXT-format spelling.
    fn from_text(text: &str) -> Result<Self, ConvError>;
    /// Folds a second occurrence of the same key into this value (the server repeats some keys,
    /// e.g. `Workers` in 9.6–12). The default keeps the later value.
    fn merge(&mut self, later: Self) {
        *self = later;
    }
}

/// Reads a scalar and converts it, positioning conversion errors at the value.
pub(crate) fn read_scalar_with<'a, S: Source<'a>, T>(
    src: &mut S,
    convert: impl FnOnce(&Scalar<'a>) -> Result<T, ConvError>,
) -> Result<T, Error> {
    let scalar = src.scalar()?;
    convert(&scalar).map_err(|e| src.error(ErrorKind::Invalid, e.message))
}

/// Reads a scalar as the text a string field keeps (a number or a boolean as printed) and
/// hands it to `f` without copying it; `null` is an error.
pub(crate) fn read_str_with<'a, S: Source<'a>, T>(
    src: &mut S,
    f: impl FnOnce(&str) -> T,
) -> Result<T, Error> {
    if let Some(text) = src.plain_text() {
        return Ok(f(text));
    }
    read_scalar_with(src, |s| match s {
        Scalar::Null => Err(ConvError::new("expected a string, found null")),
        other => Ok(f(&other.as_text())),
    })
}

/// Powers of ten a double holds exactly.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// A plain decimal (`-`? digits [`.` digits], what PostgreSQL prints for costs, times, rows
/// and counters) converted without the general float parser; `None` for anything else (an
/// exponent, more than 19 digits, a mantissa above 2^53), which the caller parses the usual
/// way. The result is bit-identical to `str::parse::<f64>`: with an exact mantissa (< 2^53)
/// and an exact power of ten (≤ 10^22), one IEEE division rounds the exact quotient correctly
/// (Clinger's fast path, which the standard library's own parser takes too).
pub(crate) fn fast_decimal(text: &str) -> Option<f64> {
    decimal_prefix(text.as_bytes()).and_then(|(v, n)| (n == text.len()).then_some(v))
}

/// The plain decimal at the start of `b` (see [`fast_decimal`]) and how many bytes it takes,
/// in one pass; `None` when there is none or when it needs the general float parser. A `.`
/// belongs to the number only when a digit follows it.
pub(crate) fn decimal_prefix(b: &[u8]) -> Option<(f64, usize)> {
    let neg = b.first() == Some(&b'-');
    let mut i = usize::from(neg);
    let int_start = i;
    let mut mantissa: u64 = 0;
    while let Some(&c) = b.get(i).filter(|c| c.is_ascii_digit()) {
        mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(c - b'0'));
        i += 1;
    }
    let int_digits = i - int_start;
    if int_digits == 0 {
        return None;
    }
    let mut scale = 0;
    if b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i += 1;
        let frac_start = i;
        while let Some(&c) = b.get(i).filter(|c| c.is_ascii_digit()) {
            mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(c - b'0'));
            i += 1;
        }
        scale = i - frac_start;
    }
    if int_digits + scale > 19 || mantissa > 1 << 53 || scale > 22 {
        return None;
    }
    let v = mantissa as f64 / POW10[scale];
    Some((if neg { -v } else { v }, i))
}

/// `str::trim` with an early exit when there is nothing to trim (the usual case).
fn trim_fast(text: &str) -> &str {
    match (text.as_bytes().first(), text.as_bytes().last()) {
        (Some(f), Some(l)) if f.is_ascii_alphanumeric() && l.is_ascii_alphanumeric() => text,
        _ => text.trim(),
    }
}

fn parse_f64(text: &str) -> Result<f64, ConvError> {
    if let Some(v) = fast_decimal(text) {
        return Ok(v);
    }
    let t = text.trim();
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() && !t.is_empty() && !t.starts_with(['i', 'I', 'n', 'N', '+']) => {
            Ok(v)
        }
        _ => Err(ConvError::new(format!(
            "expected a number, found {:?}",
            clip(text)
        ))),
    }
}

fn parse_u64(text: &str) -> Result<u64, ConvError> {
    let t = trim_fast(text);
    if let Ok(v) = t.parse::<u64>() {
        return Ok(v);
    }
    // Tolerate an integral value printed with decimals ("3.00").
    match parse_f64(t) {
        Ok(v) if v >= 0.0 && v.fract() == 0.0 && v < 1.8e19 => Ok(v as u64),
        _ => Err(ConvError::new(format!(
            "expected a non-negative whole number, found {:?}",
            clip(text)
        ))),
    }
}

fn parse_i64(text: &str) -> Result<i64, ConvError> {
    trim_fast(text)
        .parse::<i64>()
        .map_err(|_| ConvError::new(format!("expected a whole number, found {:?}", clip(text))))
}

fn parse_bool(text: &str) -> Result<bool, ConvError> {
    match text.trim() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(ConvError::new(format!(
            "expected true or false, found {:?}",
            clip(text)
        ))),
    }
}

/// At most 40 characters of a value, for messages.
pub(crate) fn clip(text: &str) -> String {
    if text.chars().count() <= 40 {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(40).collect();
        s.push('…');
        s
    }
}

/// A value stored boxed in its owner: a large struct that few owners have (a plan's JIT block,
/// an Incremental Sort's group statistics) costs its owner a pointer, not its size. Read,
/// converted, merged and described exactly as the value itself (same keys, schema, JSON).
impl<T: FieldValue> FieldValue for Box<T> {
    fn schema(defs: &mut Defs) -> Value {
        T::schema(defs)
    }
    fn read<'a, S: Source<'a>>(src: &mut S) -> Result<Self, Error> {
        T::read(src).map(Box::new)
    }
    fn read_known<'a, S: Source<'a>>(src: &mut S) -> Result<Result<Self, Value>, Error> {
        Ok(T::read_known(src)?.map(Box::new))
    }
    fn from_text(text: &str) -> Result<Self, ConvError> {
        T::from_text(text).map(Box::new)
    }
    fn merge(&mut self, later: Self) {
        (**self).merge(*later);
    }
}

/// The error of a number field given something else (`null`, `a boolean`).
fn not_a_number(found: &str) -> ConvError {
    ConvError::new(format!("expected a number, found {found}"))
}

macro_rules! scalar_field {
    ($ty:ty, $parse:ident, $schema:expr) => {
        impl FieldValue for $ty {
            fn schema(_: &mut Defs) -> Value {
                $schema
            }
            fn read<'a, S: Source<'a>>(src: &mut S) -> Result<Self, Error> {
                if let Some(text) = src.plain_text() {
                    let value = match text {
                        "true" | "false" => Err(not_a_number("a boolean")),
                        number => $parse(number),
                    };
                    return value.map_err(|e| src.error(ErrorKind::Invalid, e.message));
                }
                read_scalar_with(src, |s| match s {
                    Scalar::Bool(_) => Err(not_a_number("a boolean")),
                    Scalar::Null => Err(not_a_number("null")),
                    other => $parse(&other.as_text()),
                })
            }
            fn from_text(text: &str) -> Result<Self, ConvError> {
                $parse(text)
            }
        }
    };
}

scalar_field!(f64, parse_f64, json!({"type": "number"}));
scalar_field!(u64, parse_u64, json!({"type": "integer", "minimum": 0}));
scalar_field!(i64, parse_i64, json!({"type": "integer"}));

impl FieldValue for bool {
    fn schema(_: &mut Defs) -> Value {
        json!({"type": "boolean"})
    }
    fn read<'a, S: Source<'a>>(src: &mut S) -> Result<Self, Error> {
        if let Some(text) = src.plain_text() {
            return parse_bool(text).map_err(|e| src.error(ErrorKind::Invalid, e.message));
        }
        read_scalar_with(src, |s| match s {
            Scalar::Bool(b) => Ok(*b),
            Scalar::Str(t) => parse_bool(t),
            other => Err(ConvError::new(format!(
                "expected true or false, found {:?}",
                clip(&other.as_text())
            ))),
        })
    }
    fn from_text(text: &str) -> Result<Self, ConvError> {
        parse_bool(text)
    }
}

impl FieldValue for String {
    fn schema(_: &mut Defs) -> Value {
        json!({"type": "string"})
    }
    fn read<'a, S: Source<'a>>(src: &mut S) -> Result<Self, Error> {
        read_str_with(src, str::to_string)
    }
    fn from_text(text: &str) -> Result<Self, ConvError> {
        Ok(text.to_string())
    }
}

/// A list of strings (`Output`, `Sort Key`, `Group Key`…): a JSON array, a YAML sequence,
/// XML `<Item>`s, or in TEXT one comma-separated line.
impl FieldValue for Vec<String> {
    fn schema(_: &mut Defs) -> Value {
        json!({"type": "array", "items": {"type": "string"}})
    }
    fn read<'a, S: Source<'a>>(src: &mut S) -> Result<Self, Error> {
        if src.peek()? == Peek::Scalar {
            // An empty XML element (`<Output></Output>`) or a lone string.
            let s = String::read(src)?;
            return Ok(if s.is_empty() { Vec::new() } else { vec![s] });
        }
        src.begin_array()?;
        let mut out = Vec::new();
        loop {
            match src.next_item()? {
                Item::Value => out.push(String::read(src)?),
                Item::End => return Ok(out),
                Item::StrayKey(k) => {
                    return Err(src.error(
                        ErrorKind::Syntax,
                        format!("unexpected key {:?} inside a list", clip(&k)),
                    ));
                }
            }
        }
    }
    fn from_text(text: &str) -> Result<Self, ConvError> {
        Ok(split_text_list(text))
    }
}

/// A list of lists of strings (grouping-set `Group Keys`).
impl FieldValue for Vec<Vec<String>> {
    fn schema(_: &mut Defs) -> Value {
        json!({"type": "array", "items": {"type": "array", "items": {"type": "string"}}})
    }
    fn read<'a, S: Source<'a>>(src: &mut S) -> Result<Self, Error> {
        read_list(src, Vec::<String>::read)
    }
    fn from_text(_: &str) -> Result<Self, ConvError> {
        Err(ConvError::new("a nested list has no TEXT spelling"))
    }
}

/// Reads an array whose elements are read by `item`.
pub(crate) fn read_list<'a, S: Source<'a>, T>(
    src: &mut S,
    mut item: impl FnMut(&mut S) -> Result<T, Error>,
) -> Result<Vec<T>, Error> {
    if src.peek()? == Peek::Scalar {
        // An empty group prints only its key (YAML `Triggers: `, XML `<Triggers></Triggers>`).
        let s = src.scalar()?;
        if s.as_text().trim().is_empty() {
            return Ok(Vec::new());
        }
        return Err(src.error(
            ErrorKind::Invalid,
            format!("expected a list, found {:?}", clip(&s.as_text())),
        ));
    }
    src.begin_array()?;
    let mut out = Vec::new();
    loop {
        match src.next_item()? {
            Item::Value => out.push(item(src)?),
            Item::End => return Ok(out),
            Item::StrayKey(k) => {
                return Err(src.error(
                    ErrorKind::Syntax,
                    format!("unexpected key {:?} inside a list", clip(&k)),
                ));
            }
        }
    }
}

/// Splits a TEXT list (`a, (b, c), 'x, y'::text`) at top-level commas.
///
/// Commas inside parentheses, brackets, single-quoted literals and double-quoted identifiers
/// do not split.
pub fn split_text_list(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut quote: Option<u8> = None;
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                }
            }
            None => match c {
                b'\'' | b'"' => quote = Some(c),
                b'(' | b'[' => depth += 1,
                b')' | b']' => depth -= 1,
                b',' if depth <= 0 && bytes.get(i + 1) == Some(&b' ') => {
                    out.push(text[start..i].to_string());
                    start = i + 2;
                    i += 1;
                }
                _ => {}
            },
        }
        i += 1;
    }
    let last = &text[start..];
    if !last.is_empty() || !out.is_empty() {
        out.push(last.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_lists_split_at_top_level_commas_only() {
        // Hand-made inputs for one rule (TEXT list splitting), not plans.
        assert_eq!(
            split_text_list("t1.grp, (count(*)), (sum(t2.amount))"),
            ["t1.grp", "(count(*))", "(sum(t2.amount))"]
        );
        assert_eq!(
            split_text_list("'a, b'::text, \"x, y\", f(1, 2)"),
            ["'a, b'::text", "\"x, y\"", "f(1, 2)"]
        );
        assert_eq!(split_text_list("id"), ["id"]);
        assert!(split_text_list("").is_empty());
    }

    #[test]
    fn fast_decimals_equal_the_float_parser() {
        // Numbers, not plans: the fast path must give exactly what `parse::<f64>` gives.
        let mut cases: Vec<String> = [
            "0",
            "-0",
            "0.000",
            "1",
            "12.5",
            "-3.25",
            "9007199254740992",
            "9007199254740993",
            "0.1",
            "0.3",
            "123456.789",
            "1.7976931348623157",
            "99999999999999999999",
            "0.0000000000000000000001",
            "4503599627370495.5",
            "1.",
            ".5",
            "-",
            "1..2",
            "1e5",
            "+1",
            " 1",
            "1 ",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..100_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let int = state % 10_000_000_000;
            let frac = (state >> 40) % 1000;
            cases.push(format!("{int}.{frac:03}"));
            cases.push(format!("-{}.{}", state >> 20, frac));
            cases.push(format!("{}", state >> 11));
        }
        for c in cases {
            match (fast_decimal(&c), c.parse::<f64>()) {
                (Some(a), Ok(b)) => assert_eq!(a.to_bits(), b.to_bits(), "{c}"),
                (Some(a), Err(_)) => panic!("{c}: fast path gave {a}, the parser an error"),
                (None, _) => {}
            }
        }
        assert_eq!(fast_decimal("12.5"), Some(12.5));
        assert_eq!(fast_decimal("1e5"), None);
        // The prefix form (TEXT node lines): the number, then where it stops.
        assert_eq!(decimal_prefix(b"12.5 rows=3"), Some((12.5, 4)));
        assert_eq!(decimal_prefix(b"1..2"), Some((1.0, 1)));
        assert_eq!(decimal_prefix(b"-3.25)"), Some((-3.25, 5)));
        assert_eq!(decimal_prefix(b"x1"), None);
    }

    #[test]
    fn numbers_reject_non_finite_and_words() {
        assert!(f64::from_text("NaN").is_err());
        assert!(f64::from_text("inf").is_err());
        assert_eq!(f64::from_text("0.737").unwrap(), 0.737);
        assert_eq!(u64::from_text("3.00").unwrap(), 3);
        assert!(u64::from_text("-1").is_err());
        assert_eq!(
            i64::from_text("-7412339036808797720").unwrap(),
            -7412339036808797720
        );
    }
}
