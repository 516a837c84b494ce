//! Errors: what went wrong and where (line and column in the caller's input).

/// What kind of problem stopped parsing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input is empty or holds only whitespace and framing.
    Empty,
    /// The format could not be told apart, or no plan was found in it.
    UnknownFormat,
    /// The input is not well-formed for its format (JSON, XML, YAML, TEXT).
    Syntax,
    /// The input is well-formed but a value has the wrong type or shape.
    Invalid,
    /// The input nests deeper than the configured limit.
    TooDeep,
    /// The input is larger than the configured limit.
    TooLarge,
    /// The format is recognised but not supported yet.
    Unsupported,
}

impl ErrorKind {
    /// A stable lower-case name for the kind (`syntax`, `too-deep`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Empty => "empty",
            ErrorKind::UnknownFormat => "unknown-format",
            ErrorKind::Syntax => "syntax",
            ErrorKind::Invalid => "invalid",
            ErrorKind::TooDeep => "too-deep",
            ErrorKind::TooLarge => "too-large",
            ErrorKind::Unsupported => "unsupported",
        }
    }
}

/// A parse error with its position in the original input.
///
/// `line` and `column` are 1-based; the column counts characters (not bytes).
/// `offset` is the 0-based byte offset in the original input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct Error {
    /// What kind of problem it is.
    pub kind: ErrorKind,
    /// What went wrong (and, when known, what was expected), without the position.
    pub message: String,
    /// 1-based line of the problem in the original input.
    pub line: usize,
    /// 1-based column (in characters) of the problem in the original input.
    pub column: usize,
    /// 0-based byte offset of the problem in the original input.
    pub offset: usize,
}

impl Error {
    /// An error at a byte offset of `input`; line and column are computed from it.
    pub fn at(kind: ErrorKind, message: impl Into<String>, input: &str, offset: usize) -> Self {
        let (line, column) = line_column(input, offset);
        Error {
            kind,
            message: message.into(),
            line,
            column,
            offset: offset.min(input.len()),
        }
    }
}

impl Error {
    /// An error at a byte offset whose line and column are filled in later
    /// (by [`Cleaned::locate`](crate::input::Cleaned::locate)).
    pub(crate) fn raw(kind: ErrorKind, message: impl Into<String>, offset: usize) -> Self {
        Error {
            kind,
            message: message.into(),
            line: 0,
            column: 0,
            offset,
        }
    }
}

/// 1-based (line, column) of a byte offset; the column counts characters.
pub fn line_column(input: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(input.len());
    while !input.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &input.as_bytes()[..offset];
    let line = memchr::memchr_iter(b'\n', before).count() + 1;
    let line_start = memchr::memrchr(b'\n', before).map_or(0, |p| p + 1);
    let column = input[line_start..offset].chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_characters() {
        // Hand-made input: one rule (line/column arithmetic), not a plan.
        let s = "ab\nçd\ne";
        assert_eq!(line_column(s, 0), (1, 1));
        assert_eq!(line_column(s, 3), (2, 1));
        assert_eq!(line_column(s, 5), (2, 2)); // after the two-byte ç
        assert_eq!(line_column(s, 7), (3, 1));
        assert_eq!(line_column(s, 100), (3, 2));
        assert_eq!(line_column(s, 4), (2, 1)); // inside ç: snapped back
    }
}
