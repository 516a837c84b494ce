//! The expressions plans carry (`Filter`, `Index Cond`, `Recheck Cond`, `Join Filter`,
//! `Hash Cond`, `Merge Cond`, `Sort Key`, `Group Key`, `Output`…), parsed with nom into a small
//! tree that renders back to the same text.
//!
//! PostgreSQL prints these with `deparse_expression` (ruleutils.c): every operator expression,
//! boolean combination, cast of a non-constant and NULL test is parenthesized, constants carry
//! their type (`'2024-01-01'::date`), columns are qualified by their alias when the plan has
//! several relations (or with VERBOSE) and quoted only when needed. The grammar below accepts
//! that output — and unparenthesized SQL too, with PostgreSQL's operator precedence — including
//! function calls (aggregates with `DISTINCT`/`ORDER BY`/`FILTER`, window calls with `OVER`),
//! `CASE`, `ARRAY[…]`, `ROW(…)`, `= ANY (…)`, `IN (…)`, `BETWEEN`, `IS [NOT] NULL`,
//! `IS [NOT] DISTINCT FROM`, `LIKE`/`ILIKE`, `COLLATE`, subscripts, field selection, `$n`
//! parameters and the plan references `(InitPlan 1).col1`, `(SubPlan 2)`,
//! `(hashed SubPlan 2).col1`, `EXISTS(SubPlan 1)`, `ARRAY(SubPlan 1)`, `ANY (x = (SubPlan 1).col1)`
//! (17+) and `(alternatives: SubPlan 1 or hashed SubPlan 2)`.
//!
//! SQL-syntax functions whose arguments are not a plain list (`EXTRACT(day FROM x)`,
//! `XMLTABLE(…)`) keep their argument text verbatim ([`FuncArgs::Raw`]): they round-trip, but
//! the advisor sees no columns in them, so they never lead to advice.
//!
//! Depth is limited ([`MAX_DEPTH`]): deeper input is a [`ExprErrorKind::TooDeep`] error, never
//! a stack overflow. The tree's depth is bounded by the same limit, so walking and dropping it
//! recursively is safe.

use std::fmt::{self, Display, Write as _};

use nom::IResult;
use nom::Parser;
use nom::bytes::complete::{tag, tag_no_case, take_while, take_while1};
use nom::character::complete::{char, digit1, multispace0};
use nom::combinator::{opt, recognize};

/// Deepest nesting accepted (parentheses, operators, casts, subscripts, calls). Plans nest ten
/// levels or so; at 64 the parser stays well inside a 2 MiB thread stack even in a debug
/// build (measured: about 16 KiB per level unoptimized).
pub const MAX_DEPTH: usize = 64;

/// An identifier as printed: quoted (`"*VALUES*"`) or not (`orders`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Ident {
    /// The name (without quotes; doubled quotes undone).
    pub name: String,
    /// Whether it was written in double quotes.
    pub quoted: bool,
}

impl Ident {
    /// An identifier, quoted when PostgreSQL would quote it (see [`needs_quotes`]).
    pub fn new(name: &str) -> Self {
        Ident {
            name: name.to_string(),
            quoted: needs_quotes(name),
        }
    }
}

impl Display for Ident {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.quoted {
            f.write_char('"')?;
            for c in self.name.chars() {
                if c == '"' {
                    f.write_char('"')?;
                }
                f.write_char(c)?;
            }
            f.write_char('"')
        } else {
            f.write_str(&self.name)
        }
    }
}

/// Whether an identifier needs double quotes: anything but lower-case letters, digits and `_`
/// (not first), or a keyword that is not unreserved (PostgreSQL's `quote_identifier`).
pub fn needs_quotes(name: &str) -> bool {
    let mut bytes = name.bytes();
    let plain = match bytes.next() {
        Some(c) if c.is_ascii_lowercase() || c == b'_' => {
            bytes.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_')
        }
        _ => false,
    };
    !plain || RESERVED.binary_search(&name).is_ok()
}

/// Keywords PostgreSQL quotes as identifiers (not `UNRESERVED_KEYWORD` in PostgreSQL 18's
/// kwlist.h: reserved, column-name and type/function-name keywords), sorted for binary search.
/// Shared with the renderer's `quote_identifier`.
const RESERVED: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "between",
    "bigint",
    "binary",
    "bit",
    "boolean",
    "both",
    "case",
    "cast",
    "char",
    "character",
    "check",
    "coalesce",
    "collate",
    "collation",
    "column",
    "concurrently",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "dec",
    "decimal",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "exists",
    "extract",
    "false",
    "fetch",
    "float",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "greatest",
    "group",
    "grouping",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "inout",
    "int",
    "integer",
    "intersect",
    "interval",
    "into",
    "is",
    "isnull",
    "join",
    "json",
    "json_array",
    "json_arrayagg",
    "json_exists",
    "json_object",
    "json_objectagg",
    "json_query",
    "json_scalar",
    "json_serialize",
    "json_table",
    "json_value",
    "lateral",
    "leading",
    "least",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "merge_action",
    "national",
    "natural",
    "nchar",
    "none",
    "normalize",
    "not",
    "notnull",
    "null",
    "nullif",
    "numeric",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "out",
    "outer",
    "overlaps",
    "overlay",
    "placing",
    "position",
    "precision",
    "primary",
    "real",
    "references",
    "returning",
    "right",
    "row",
    "select",
    "session_user",
    "setof",
    "similar",
    "smallint",
    "some",
    "substring",
    "symmetric",
    "system_user",
    "table",
    "tablesample",
    "then",
    "time",
    "timestamp",
    "to",
    "trailing",
    "treat",
    "trim",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "values",
    "varchar",
    "variadic",
    "verbose",
    "when",
    "where",
    "window",
    "with",
    "xmlattributes",
    "xmlconcat",
    "xmlelement",
    "xmlexists",
    "xmlforest",
    "xmlnamespaces",
    "xmlparse",
    "xmlpi",
    "xmlroot",
    "xmlserialize",
    "xmltable",
];

/// `AND` or `OR`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoolOp {
    /// `AND`.
    And,
    /// `OR`.
    Or,
}

impl BoolOp {
    fn as_str(self) -> &'static str {
        match self {
            BoolOp::And => "AND",
            BoolOp::Or => "OR",
        }
    }
}

/// A reference to another part of the plan: `SubPlan 2`, `hashed SubPlan 2`, `InitPlan 1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanRef {
    /// `SubPlan` or `InitPlan`.
    pub kind: String,
    /// Its number.
    pub number: u32,
    /// Whether the subplan is hashed (`hashed SubPlan 2`).
    pub hashed: bool,
}

impl Display for PlanRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.hashed {
            f.write_str("hashed ")?;
        }
        write!(f, "{} {}", self.kind, self.number)
    }
}

/// A function's arguments.
#[derive(Debug, Clone, PartialEq)]
pub enum FuncArgs {
    /// `count(*)`.
    Star,
    /// A plain list, with the aggregate decorations.
    List {
        /// `DISTINCT` (aggregates).
        distinct: bool,
        /// The arguments (`VARIADIC` and `name => value` kept on each).
        args: Vec<FuncArg>,
        /// `ORDER BY` inside the call (aggregates).
        order_by: Vec<SortItem>,
    },
    /// SQL-syntax arguments kept verbatim (`day FROM x`), without the parentheses.
    Raw(String),
}

/// One argument of a call.
#[derive(Debug, Clone, PartialEq)]
pub struct FuncArg {
    /// `VARIADIC` before it.
    pub variadic: bool,
    /// `name =>` before it.
    pub name: Option<Ident>,
    /// The value.
    pub value: Expr,
}

/// A window: `OVER w` or `OVER (…)` (kept verbatim, parentheses included; `(?)` in plans).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Over {
    /// `OVER name`.
    Name(Ident),
    /// `OVER (…)`, verbatim.
    Spec(String),
}

/// A function call.
#[derive(Debug, Clone, PartialEq)]
pub struct Func {
    /// The (possibly schema-qualified) name.
    pub name: Vec<Ident>,
    /// The arguments.
    pub args: FuncArgs,
    /// `WITHIN GROUP (…)`, verbatim, parentheses included.
    pub within_group: Option<String>,
    /// `FILTER (WHERE …)`.
    pub filter: Option<Box<Expr>>,
    /// `OVER …`.
    pub over: Option<Over>,
}

impl Func {
    /// The function's own name (last part), lower-cased unless quoted.
    pub fn base_name(&self) -> String {
        match self.name.last() {
            Some(i) if i.quoted => i.name.clone(),
            Some(i) => i.name.to_ascii_lowercase(),
            None => String::new(),
        }
    }

    /// The plain argument values (none for `*` or raw arguments).
    pub fn arg_values(&self) -> impl Iterator<Item = &Expr> {
        let args: &[FuncArg] = match &self.args {
            FuncArgs::List { args, .. } => args,
            _ => &[],
        };
        args.iter().map(|a| &a.value)
    }
}

/// `ASC` or `DESC` of a sort item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// `ASC`.
    Asc,
    /// `DESC`.
    Desc,
}

/// An item of a `Sort Key` (or an aggregate's `ORDER BY`): `expr [ASC|DESC] [USING op]
/// [NULLS FIRST|LAST]`.
#[derive(Debug, Clone, PartialEq)]
pub struct SortItem {
    /// What is sorted.
    pub expr: Expr,
    /// Direction, when printed.
    pub direction: Option<Direction>,
    /// `USING op`, when printed.
    pub using: Option<String>,
    /// `Some(true)` for `NULLS FIRST`, `Some(false)` for `NULLS LAST`.
    pub nulls_first: Option<bool>,
}

impl Display for SortItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.expr)?;
        match self.direction {
            Some(Direction::Asc) => f.write_str(" ASC")?,
            Some(Direction::Desc) => f.write_str(" DESC")?,
            None => {}
        }
        if let Some(op) = &self.using {
            write!(f, " USING {op}")?;
        }
        match self.nulls_first {
            Some(true) => f.write_str(" NULLS FIRST"),
            Some(false) => f.write_str(" NULLS LAST"),
            None => Ok(()),
        }
    }
}

/// A `WHEN … THEN …` arm of a `CASE`.
#[derive(Debug, Clone, PartialEq)]
pub struct When {
    /// The condition (or value, with a `CASE x` argument).
    pub when: Expr,
    /// The result.
    pub then: Expr,
}

/// An expression as a plan prints it.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A column: `col`, `alias.col`, `"Alias"."Col"`.
    Column(Vec<Ident>),
    /// A whole row: `alias.*` (or `*`).
    Star(Vec<Ident>),
    /// A constant as written: `'x'`, `E'x'`, `42`, `1.5`, `TRUE`, `FALSE`, `NULL`.
    Literal(String),
    /// A parameter: `$1`.
    Param(u32),
    /// A plan reference: `SubPlan 2`, `hashed SubPlan 2`, `InitPlan 1` (inside parentheses).
    PlanRef(PlanRef),
    /// `(alternatives: SubPlan 1 or hashed SubPlan 2)`.
    Alternatives(Vec<PlanRef>),
    /// A SQL keyword value: `CURRENT_DATE`, `CURRENT_USER`, `DEFAULT`…
    Keyword(String),
    /// `(expr)`.
    Paren(Box<Expr>),
    /// `expr::type` (the type as written, e.g. `timestamp without time zone`, `text[]`).
    Cast(Box<Expr>, String),
    /// A binary operator (`lhs op rhs`) or a prefix one (`op rhs`); `op` is the operator as
    /// written, keyword operators included (`~~`, `LIKE`, `NOT ILIKE`, `IS DISTINCT FROM`,
    /// `AT TIME ZONE`, `OPERATOR(pg_catalog.=)`).
    Op {
        /// The operator.
        op: String,
        /// The left operand (`None` for a prefix operator).
        lhs: Option<Box<Expr>>,
        /// The right operand.
        rhs: Box<Expr>,
    },
    /// `a AND b AND c`, `a OR b`.
    Bool(BoolOp, Vec<Expr>),
    /// `NOT expr`.
    Not(Box<Expr>),
    /// A keyword applied to a parenthesized argument: `ANY (…)`, `ALL (…)`, `EXISTS(…)`,
    /// `ARRAY(…)`, and `PARTIAL count(*)`. `space` tells whether a space separates them.
    Prefix {
        /// `ANY`, `ALL`, `SOME`, `EXISTS`, `ARRAY`, `PARTIAL`.
        keyword: String,
        /// Whether a space follows the keyword.
        space: bool,
        /// The argument.
        arg: Box<Expr>,
    },
    /// `expr IS [NOT] NULL|TRUE|FALSE|UNKNOWN|DOCUMENT…` (`test` is the text after `expr `).
    Is(Box<Expr>, String),
    /// `expr [NOT] IN (a, b)`.
    In {
        /// The tested value.
        expr: Box<Expr>,
        /// `NOT IN`.
        negated: bool,
        /// The list.
        list: Vec<Expr>,
    },
    /// `expr [NOT] BETWEEN [SYMMETRIC] low AND high`.
    Between {
        /// The tested value.
        expr: Box<Expr>,
        /// `NOT BETWEEN`.
        negated: bool,
        /// `BETWEEN SYMMETRIC`.
        symmetric: bool,
        /// Lower bound.
        low: Box<Expr>,
        /// Upper bound.
        high: Box<Expr>,
    },
    /// A function call.
    Func(Box<Func>),
    /// `ARRAY[…]` (`keyword` false for the inner `[…]` of a multi-dimensional one).
    Array {
        /// Whether `ARRAY` is written.
        keyword: bool,
        /// The elements.
        items: Vec<Expr>,
    },
    /// `ROW(a, b)` (explicit) or `(a, b)`.
    Row {
        /// Whether `ROW` is written.
        explicit: bool,
        /// The fields.
        items: Vec<Expr>,
    },
    /// `CASE [arg] WHEN … THEN … [ELSE …] END`.
    Case {
        /// The tested value of `CASE x WHEN …`.
        arg: Option<Box<Expr>>,
        /// The arms.
        whens: Vec<When>,
        /// `ELSE`.
        otherwise: Option<Box<Expr>>,
    },
    /// `expr[i]` or `expr[lo:hi]`.
    Subscript {
        /// The array.
        expr: Box<Expr>,
        /// The index, or the slice's lower bound.
        lower: Option<Box<Expr>>,
        /// The slice's upper bound (`Some` for a slice).
        upper: Option<Option<Box<Expr>>>,
    },
    /// `(expr).field` or `(expr).*`.
    Field(Box<Expr>, Option<Ident>),
    /// `expr COLLATE name`.
    Collate(Box<Expr>, Vec<Ident>),
}

impl Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Column(path) => write_path(f, path),
            Expr::Star(path) => {
                write_path(f, path)?;
                f.write_str(if path.is_empty() { "*" } else { ".*" })
            }
            Expr::Literal(s) | Expr::Keyword(s) => f.write_str(s),
            Expr::Param(n) => write!(f, "${n}"),
            Expr::PlanRef(r) => write!(f, "{r}"),
            Expr::Alternatives(refs) => {
                f.write_str("(alternatives: ")?;
                for (i, r) in refs.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" or ")?;
                    }
                    write!(f, "{r}")?;
                }
                f.write_char(')')
            }
            Expr::Paren(e) => write!(f, "({e})"),
            Expr::Cast(e, ty) => write!(f, "{e}::{ty}"),
            Expr::Op { op, lhs, rhs } => match lhs {
                Some(l) => write!(f, "{l} {op} {rhs}"),
                None => write!(f, "{op} {rhs}"),
            },
            Expr::Bool(op, args) => write_list(f, args, &format!(" {} ", op.as_str())),
            Expr::Not(e) => write!(f, "NOT {e}"),
            Expr::Prefix {
                keyword,
                space,
                arg,
            } => write!(f, "{keyword}{}{arg}", if *space { " " } else { "" }),
            Expr::Is(e, test) => write!(f, "{e} {test}"),
            Expr::In {
                expr,
                negated,
                list,
            } => {
                write!(f, "{expr} {}IN (", if *negated { "NOT " } else { "" })?;
                write_list(f, list, ", ")?;
                f.write_char(')')
            }
            Expr::Between {
                expr,
                negated,
                symmetric,
                low,
                high,
            } => write!(
                f,
                "{expr} {}BETWEEN {}{low} AND {high}",
                if *negated { "NOT " } else { "" },
                if *symmetric { "SYMMETRIC " } else { "" }
            ),
            Expr::Func(func) => write_func(f, func),
            Expr::Array { keyword, items } => {
                f.write_str(if *keyword { "ARRAY[" } else { "[" })?;
                write_list(f, items, ", ")?;
                f.write_char(']')
            }
            Expr::Row { explicit, items } => {
                f.write_str(if *explicit { "ROW(" } else { "(" })?;
                write_list(f, items, ", ")?;
                f.write_char(')')
            }
            Expr::Case {
                arg,
                whens,
                otherwise,
            } => {
                f.write_str("CASE")?;
                if let Some(a) = arg {
                    write!(f, " {a}")?;
                }
                for w in whens {
                    write!(f, " WHEN {} THEN {}", w.when, w.then)?;
                }
                if let Some(e) = otherwise {
                    write!(f, " ELSE {e}")?;
                }
                f.write_str(" END")
            }
            Expr::Subscript { expr, lower, upper } => {
                write!(f, "{expr}[")?;
                if let Some(l) = lower {
                    write!(f, "{l}")?;
                }
                if let Some(u) = upper {
                    f.write_char(':')?;
                    if let Some(u) = u {
                        write!(f, "{u}")?;
                    }
                }
                f.write_char(']')
            }
            Expr::Field(e, field) => match field {
                Some(i) => write!(f, "{e}.{i}"),
                None => write!(f, "{e}.*"),
            },
            Expr::Collate(e, name) => {
                write!(f, "{e} COLLATE ")?;
                write_path(f, name)
            }
        }
    }
}

fn write_path(f: &mut fmt::Formatter<'_>, path: &[Ident]) -> fmt::Result {
    for (i, p) in path.iter().enumerate() {
        if i > 0 {
            f.write_char('.')?;
        }
        write!(f, "{p}")?;
    }
    Ok(())
}

fn write_list<T: Display>(f: &mut fmt::Formatter<'_>, items: &[T], sep: &str) -> fmt::Result {
    for (i, e) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        write!(f, "{e}")?;
    }
    Ok(())
}

fn write_func(f: &mut fmt::Formatter<'_>, func: &Func) -> fmt::Result {
    write_path(f, &func.name)?;
    f.write_char('(')?;
    match &func.args {
        FuncArgs::Star => f.write_char('*')?,
        FuncArgs::Raw(s) => f.write_str(s)?,
        FuncArgs::List {
            distinct,
            args,
            order_by,
        } => {
            if *distinct {
                f.write_str("DISTINCT ")?;
            }
            for (i, a) in args.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                if a.variadic {
                    f.write_str("VARIADIC ")?;
                }
                if let Some(n) = &a.name {
                    write!(f, "{n} => ")?;
                }
                write!(f, "{}", a.value)?;
            }
            if !order_by.is_empty() {
                f.write_str(" ORDER BY ")?;
                write_list(f, order_by, ", ")?;
            }
        }
    }
    f.write_char(')')?;
    if let Some(w) = &func.within_group {
        write!(f, " WITHIN GROUP {w}")?;
    }
    if let Some(e) = &func.filter {
        write!(f, " FILTER (WHERE {e})")?;
    }
    match &func.over {
        Some(Over::Name(n)) => write!(f, " OVER {n}"),
        Some(Over::Spec(s)) => write!(f, " OVER {s}"),
        None => Ok(()),
    }
}

// ------------------------------------------------------------------------------------------
// Errors

/// What went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExprErrorKind {
    /// The text is not an expression this grammar knows.
    Syntax,
    /// The expression nests deeper than [`MAX_DEPTH`].
    TooDeep,
}

/// A positioned error: byte offset and column (1-based, in characters) in the expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExprError {
    /// Syntax or depth.
    pub kind: ExprErrorKind,
    /// Byte offset of the problem.
    pub offset: usize,
    /// Column of the problem (1-based, in characters).
    pub column: usize,
    /// What was expected and what was found.
    pub message: String,
}

impl Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "column {}: {}", self.column, self.message)
    }
}

impl std::error::Error for ExprError {}

/// The parser's error: where, what was expected, and whether the depth limit was hit.
#[derive(Debug)]
struct PErr<'a> {
    input: &'a str,
    expected: &'static str,
    too_deep: bool,
}

impl<'a> nom::error::ParseError<&'a str> for PErr<'a> {
    fn from_error_kind(input: &'a str, _: nom::error::ErrorKind) -> Self {
        PErr {
            input,
            expected: "",
            too_deep: false,
        }
    }
    fn append(_: &'a str, _: nom::error::ErrorKind, other: Self) -> Self {
        other
    }
    fn or(self, other: Self) -> Self {
        // Keep the error that got furthest (the most informative one).
        if other.input.len() < self.input.len() || self.expected.is_empty() {
            other
        } else {
            self
        }
    }
}

type Res<'a, T> = IResult<&'a str, T, PErr<'a>>;

fn fail<'a, T>(input: &'a str, expected: &'static str) -> Res<'a, T> {
    Err(nom::Err::Error(PErr {
        input,
        expected,
        too_deep: false,
    }))
}

fn too_deep<T>(input: &str) -> Res<'_, T> {
    Err(nom::Err::Failure(PErr {
        input,
        expected: "less nesting",
        too_deep: true,
    }))
}

fn to_error(full: &str, e: PErr<'_>) -> ExprError {
    let offset = full.len() - e.input.len();
    let column = full[..offset].chars().count() + 1;
    let found: String = e.input.chars().take(12).collect();
    let found = if found.is_empty() {
        "the end".to_string()
    } else {
        format!("{found:?}")
    };
    if e.too_deep {
        ExprError {
            kind: ExprErrorKind::TooDeep,
            offset,
            column,
            message: format!("expression nests deeper than {MAX_DEPTH} levels"),
        }
    } else {
        let expected = if e.expected.is_empty() {
            "an expression"
        } else {
            e.expected
        };
        ExprError {
            kind: ExprErrorKind::Syntax,
            offset,
            column,
            message: format!("expected {expected}, found {found}"),
        }
    }
}

// ------------------------------------------------------------------------------------------
// Entry points

/// Parses one expression (a `Filter`, an `Index Cond`, an `Output` item…).
pub fn parse(text: &str) -> Result<Expr, ExprError> {
    whole(text, |i| expr(i, 0, 0))
}

/// Parses one `Sort Key` item: `expr [ASC|DESC] [USING op] [NULLS FIRST|LAST]`.
pub fn parse_sort_item(text: &str) -> Result<SortItem, ExprError> {
    whole(text, |i| sort_item(i, 0))
}

fn whole<'a, T>(text: &'a str, p: impl Fn(&'a str) -> Res<'a, T>) -> Result<T, ExprError> {
    if let Some(offset) = too_deep_at(text) {
        return Err(to_error(
            text,
            PErr {
                input: &text[offset..],
                expected: "",
                too_deep: true,
            },
        ));
    }
    match p(text) {
        Ok((rest, v)) => {
            let (rest, _) = ws(rest).unwrap_or((rest, ""));
            if rest.is_empty() {
                Ok(v)
            } else {
                Err(to_error(
                    text,
                    PErr {
                        input: rest,
                        expected: "an operator or the end",
                        too_deep: false,
                    },
                ))
            }
        }
        Err(nom::Err::Error(e) | nom::Err::Failure(e)) => Err(to_error(text, e)),
        Err(nom::Err::Incomplete(_)) => Err(ExprError {
            kind: ExprErrorKind::Syntax,
            offset: text.len(),
            column: text.chars().count() + 1,
            message: "unexpected end".into(),
        }),
    }
}

/// A cheap first pass: the offset where brackets nest deeper than the limit (quotes skipped).
fn too_deep_at(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let (mut depth, mut i) = (0usize, 0usize);
    while i < b.len() {
        match b[i] {
            q @ (b'\'' | b'"') => {
                i += 1;
                while i < b.len() {
                    if b[i] == q {
                        if b.get(i + 1) == Some(&q) {
                            i += 1;
                        } else {
                            break;
                        }
                    } else if q == b'\'' && b[i] == b'\\' {
                        i += 1; // E'…' escapes (harmless for standard strings)
                    }
                    i += 1;
                }
            }
            b'(' | b'[' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(i);
                }
            }
            b')' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

// ------------------------------------------------------------------------------------------
// Lexical pieces

fn ws(i: &str) -> Res<'_, &str> {
    multispace0(i)
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || !c.is_ascii()
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$' || !c.is_ascii()
}

fn plain_ident(i: &str) -> Res<'_, &str> {
    match i.chars().next() {
        Some(c) if is_ident_start(c) => take_while(is_ident_char)(i),
        _ => fail(i, "an identifier"),
    }
}

fn quoted_ident(i: &str) -> Res<'_, String> {
    let (mut rest, _) = char('"')(i)?;
    let mut name = String::new();
    loop {
        match rest.find('"') {
            None => return fail(rest, "a closing double quote"),
            Some(p) => {
                name.push_str(&rest[..p]);
                rest = &rest[p + 1..];
                if let Some(r) = rest.strip_prefix('"') {
                    name.push('"');
                    rest = r;
                } else {
                    return Ok((rest, name));
                }
            }
        }
    }
}

fn ident(i: &str) -> Res<'_, Ident> {
    if i.starts_with('"') {
        let (r, name) = quoted_ident(i)?;
        Ok((r, Ident { name, quoted: true }))
    } else {
        let (r, name) = plain_ident(i)?;
        Ok((
            r,
            Ident {
                name: name.to_string(),
                quoted: false,
            },
        ))
    }
}

/// A keyword (case-insensitive) not followed by an identifier character.
fn kw<'a>(word: &'static str) -> impl Fn(&'a str) -> Res<'a, &'a str> {
    move |i: &'a str| {
        let (r, k) = tag_no_case(word)(i)?;
        match r.chars().next() {
            Some(c) if is_ident_char(c) => fail(i, word),
            _ => Ok((r, k)),
        }
    }
}

/// Whether `i` starts with the keyword.
fn at_kw(i: &str, word: &'static str) -> bool {
    kw(word)(i).is_ok()
}

/// A string constant with its optional prefix (`E'…'`, `B'…'`, `X'…'`, `N'…'`), verbatim.
fn string_lit(i: &str) -> Res<'_, &str> {
    recognize(string_body).parse(i)
}

fn string_body(i: &str) -> Res<'_, ()> {
    let escapes = i.starts_with(['E', 'e']);
    {
        let (i, _) = opt(nom::character::complete::one_of("EeBbXxNn")).parse(i)?;
        let (mut rest, _) = char('\'')(i)?;
        loop {
            let Some(p) = rest.find(|c| c == '\'' || (escapes && c == '\\')) else {
                return fail(rest, "a closing quote");
            };
            let c = rest.as_bytes()[p];
            rest = &rest[p + 1..];
            if c == b'\\' {
                // skip the escaped character
                let mut it = rest.chars();
                if it.next().is_none() {
                    return fail(rest, "a closing quote");
                }
                rest = it.as_str();
            } else if let Some(r) = rest.strip_prefix('\'') {
                rest = r;
            } else {
                return Ok((rest, ()));
            }
        }
    }
}

fn number(i: &str) -> Res<'_, &str> {
    recognize((
        take_while1(|c: char| c.is_ascii_digit() || c == '.'),
        opt((
            nom::character::complete::one_of("eE"),
            opt(nom::character::complete::one_of("+-")),
            digit1,
        )),
    ))
    .parse(i)
}

const OP_CHARS: &str = "+-*/<>=~!@#%^&|`?";

/// An operator symbol (PostgreSQL's lexer rules: longest run of operator characters, a
/// trailing `+`/`-` dropped unless the operator has one of `~!@#%^&|`?`), or
/// `OPERATOR(schema.op)`.
fn op_symbol(i: &str) -> Res<'_, &str> {
    if i.starts_with("OPERATOR(") {
        return recognize((
            tag("OPERATOR("),
            take_while1(|c: char| c != ')' && c != '(' && c != '\''),
            char(')'),
        ))
        .parse(i);
    }
    let len = i
        .char_indices()
        .find(|&(_, c)| !OP_CHARS.contains(c))
        .map_or(i.len(), |(p, _)| p);
    if len == 0 {
        return fail(i, "an operator");
    }
    let mut op = &i[..len];
    // comments cannot start inside an operator
    if let Some(p) = op.find("--").or_else(|| op.find("/*")) {
        op = &op[..p];
    }
    if op.len() > 1 && !op.contains(['~', '!', '@', '#', '%', '^', '&', '|', '`', '?']) {
        while op.len() > 1 && op.ends_with(['+', '-']) {
            op = &op[..op.len() - 1];
        }
    }
    if op.is_empty() {
        return fail(i, "an operator");
    }
    Ok((&i[op.len()..], op))
}

/// Text up to the parenthesis matching the one at the start (quotes respected), verbatim,
/// parentheses included. Iterative: no recursion on the input's nesting.
fn balanced(i: &str) -> Res<'_, &str> {
    let b = i.as_bytes();
    if b.first() != Some(&b'(') {
        return fail(i, "(");
    }
    let (mut depth, mut p) = (0usize, 0usize);
    while p < b.len() {
        match b[p] {
            q @ (b'\'' | b'"') => {
                p += 1;
                while p < b.len() && b[p] != q {
                    p += 1;
                }
            }
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Ok((&i[p + 1..], &i[..p + 1]));
                }
            }
            _ => {}
        }
        p += 1;
    }
    fail(&i[b.len()..], "a closing parenthesis")
}

fn typmod(i: &str) -> Res<'_, &str> {
    recognize((char('('), take_while(|c| c != ')' && c != '('), char(')'))).parse(i)
}

fn array_dim(i: &str) -> Res<'_, &str> {
    recognize((
        char('['),
        take_while(|c: char| c.is_ascii_digit()),
        char(']'),
    ))
    .parse(i)
}

/// A type name after `::`: `text`, `"char"`, `public.mood`, `character varying(10)`,
/// `timestamp(3) without time zone`, `double precision`, `interval day to second`,
/// `numeric(10,2)[]`.
fn type_name(i: &str) -> Res<'_, &str> {
    recognize(|i| {
        let (mut i, first) = ident(i)?;
        while let Ok((r, _)) = (char('.'), ident).parse(i) {
            i = r;
        }
        let base = if first.quoted {
            String::new()
        } else {
            first.name.to_ascii_lowercase()
        };
        match base.as_str() {
            "double" => {
                i = (tag(" "), kw("precision")).parse(i)?.0;
            }
            "character" | "char" | "bit" | "national" => {
                if let Ok((r, _)) = (tag(" "), kw("character")).parse(i) {
                    i = r;
                }
                if let Ok((r, _)) = (tag(" "), kw("varying")).parse(i) {
                    i = r;
                }
            }
            "timestamp" | "time" => {
                if let Ok((r, _)) = typmod(i) {
                    i = r;
                }
                if let Ok((r, _)) = (
                    tag(" "),
                    nom::branch::alt((kw("with"), kw("without"))),
                    tag(" "),
                    kw("time"),
                    tag(" "),
                    kw("zone"),
                )
                    .parse(i)
                {
                    i = r;
                }
            }
            "interval" => {
                const FIELDS: [&str; 6] = ["year", "month", "day", "hour", "minute", "second"];
                loop {
                    let mut hit = false;
                    for w in FIELDS.iter().chain(&["to"]) {
                        if let Ok((r, _)) = (tag(" "), kw(w)).parse(i) {
                            i = r;
                            hit = true;
                            break;
                        }
                    }
                    if !hit {
                        break;
                    }
                }
            }
            _ => {}
        }
        if let Ok((r, _)) = typmod(i) {
            i = r;
        }
        while let Ok((r, _)) = array_dim(i) {
            i = r;
        }
        Ok((i, ()))
    })
    .parse(i)
}

// ------------------------------------------------------------------------------------------
// Expressions (precedence climbing)

/// Binding powers, lowest first (PostgreSQL's operator precedence).
mod bp {
    pub const OR: u8 = 1;
    pub const AND: u8 = 3;
    pub const NOT: u8 = 5;
    pub const IS: u8 = 7;
    pub const CMP: u8 = 9;
    pub const LIKE: u8 = 11;
    pub const OP: u8 = 13;
    pub const ADD: u8 = 15;
    pub const MUL: u8 = 17;
    pub const POW: u8 = 19;
    pub const AT: u8 = 21;
    pub const UNARY: u8 = 25;
}

/// What follows an operand.
enum Infix {
    Bool(BoolOp),
    Binary(String, u8),
    Is,
    In(bool),
    Between(bool),
}

fn infix(i: &str) -> Option<(Infix, u8, &str)> {
    let try_kw = |w: &'static str| kw(w)(i).ok().map(|(r, _)| r);
    if let Some(r) = try_kw("OR") {
        return Some((Infix::Bool(BoolOp::Or), bp::OR, r));
    }
    if let Some(r) = try_kw("AND") {
        return Some((Infix::Bool(BoolOp::And), bp::AND, r));
    }
    if at_kw(i, "IS") {
        return Some((Infix::Is, bp::IS, i));
    }
    // [NOT] LIKE / ILIKE / SIMILAR TO / IN / BETWEEN
    let (neg, j) = match (kw("NOT"), ws).parse(i) {
        Ok((r, _)) => (true, r),
        Err(_) => (false, i),
    };
    for (word, op) in [("LIKE", "LIKE"), ("ILIKE", "ILIKE")] {
        if let Ok((r, _)) = kw(word)(j) {
            let op = if neg {
                format!("NOT {op}")
            } else {
                op.to_string()
            };
            return Some((Infix::Binary(op, bp::LIKE), bp::LIKE, r));
        }
    }
    if let Ok((r, _)) = (kw("SIMILAR"), ws, kw("TO")).parse(j) {
        let op = if neg { "NOT SIMILAR TO" } else { "SIMILAR TO" };
        return Some((Infix::Binary(op.to_string(), bp::LIKE), bp::LIKE, r));
    }
    if let Ok((r, _)) = kw("IN")(j) {
        return Some((Infix::In(neg), bp::LIKE, r));
    }
    if let Ok((r, _)) = kw("BETWEEN")(j) {
        return Some((Infix::Between(neg), bp::LIKE, r));
    }
    if neg {
        return None;
    }
    if let Ok((r, _)) = (kw("AT"), tag(" "), kw("TIME"), tag(" "), kw("ZONE")).parse(i) {
        return Some((Infix::Binary("AT TIME ZONE".into(), bp::AT), bp::AT, r));
    }
    let (r, op) = op_symbol(i).ok()?;
    let power = match op {
        "=" | "<" | ">" | "<=" | ">=" | "<>" | "!=" => bp::CMP,
        "+" | "-" => bp::ADD,
        "*" | "/" | "%" => bp::MUL,
        "^" => bp::POW,
        _ => bp::OP,
    };
    Some((Infix::Binary(op.to_string(), power), power, r))
}

/// An expression whose operators bind at least as tightly as `min`.
fn expr(i: &str, min: u8, depth: usize) -> Res<'_, Expr> {
    if depth > MAX_DEPTH {
        return too_deep(i);
    }
    let (mut i, mut lhs) = prefix(i, depth)?;
    // Each fold makes the tree one level deeper: count them against the limit too (extending
    // an n-ary AND/OR does not).
    let mut level = depth;
    loop {
        let (j, _) = ws(i)?;
        let Some((op, power, after)) = infix(j) else {
            break;
        };
        if power < min {
            break;
        }
        if !matches!((&op, &lhs), (Infix::Bool(b), Expr::Bool(o, _)) if b == o) {
            level += 1;
            if level > MAX_DEPTH {
                return too_deep(j);
            }
        }
        let (after, _) = ws(after)?;
        match op {
            Infix::Bool(b) => {
                let (r, rhs) = expr(after, power + 1, level)?;
                i = r;
                lhs = match lhs {
                    Expr::Bool(op, mut args) if op == b => {
                        args.push(rhs);
                        Expr::Bool(op, args)
                    }
                    other => Expr::Bool(b, vec![other, rhs]),
                };
            }
            Infix::Binary(op, power) => {
                let (r, rhs) = expr(after, power + 1, level)?;
                i = r;
                lhs = Expr::Op {
                    op,
                    lhs: Some(Box::new(lhs)),
                    rhs: Box::new(rhs),
                };
            }
            Infix::Is => {
                let (r, test) = is_test(j)?;
                if let Some(rest) = test.strip_suffix(" FROM") {
                    // IS [NOT] DISTINCT FROM: a binary operator
                    let (r, _) = ws(r)?;
                    let (r, rhs) = expr(r, bp::IS + 1, level)?;
                    i = r;
                    lhs = Expr::Op {
                        op: format!("{rest} FROM"),
                        lhs: Some(Box::new(lhs)),
                        rhs: Box::new(rhs),
                    };
                } else {
                    i = r;
                    lhs = Expr::Is(Box::new(lhs), test);
                }
            }
            Infix::In(negated) => {
                let (r, _) = char('(')(after)?;
                let (r, list) = expr_list(r, level)?;
                let (r, _) = (ws, char(')')).parse(r)?;
                i = r;
                lhs = Expr::In {
                    expr: Box::new(lhs),
                    negated,
                    list,
                };
            }
            Infix::Between(negated) => {
                let (r, symmetric) = match (kw("SYMMETRIC"), ws).parse(after) {
                    Ok((r, _)) => (r, true),
                    Err(_) => (after, false),
                };
                let (r, low) = expr(r, bp::LIKE + 1, level)?;
                let (r, _) = (ws, kw("AND"), ws).parse(r)?;
                let (r, high) = expr(r, bp::LIKE + 1, level)?;
                i = r;
                lhs = Expr::Between {
                    expr: Box::new(lhs),
                    negated,
                    symmetric,
                    low: Box::new(low),
                    high: Box::new(high),
                };
            }
        }
    }
    Ok((i, lhs))
}

/// `IS [NOT] NULL|TRUE|FALSE|UNKNOWN|DOCUMENT|JSON…` or `IS [NOT] DISTINCT FROM` (returned
/// ending in ` FROM`), normalized to upper case.
fn is_test(i: &str) -> Res<'_, String> {
    let (r, _) = kw("IS")(i)?;
    let (r, _) = ws(r)?;
    let (r, not) = match (kw("NOT"), ws).parse(r) {
        Ok((r, _)) => (r, true),
        Err(_) => (r, false),
    };
    let mut out = String::from(if not { "IS NOT " } else { "IS " });
    if let Ok((r, _)) = (kw("DISTINCT"), ws, kw("FROM")).parse(r) {
        out.push_str("DISTINCT FROM");
        return Ok((r, out));
    }
    for w in ["NULL", "TRUE", "FALSE", "UNKNOWN", "DOCUMENT"] {
        if let Ok((r, _)) = kw(w)(r) {
            out.push_str(w);
            return Ok((r, out));
        }
    }
    // IS [NOT] JSON [VALUE|ARRAY|OBJECT|SCALAR] [WITH|WITHOUT UNIQUE [KEYS]] (16+): verbatim
    if let Ok((mut r, _)) = kw("JSON")(r) {
        out.push_str("JSON");
        for w in [
            "VALUE", "ARRAY", "OBJECT", "SCALAR", "WITH", "WITHOUT", "UNIQUE", "KEYS",
        ] {
            if let Ok((rr, _)) = (tag(" "), kw(w)).parse(r) {
                out.push(' ');
                out.push_str(w);
                r = rr;
            }
        }
        return Ok((r, out));
    }
    fail(r, "NULL, TRUE, FALSE, UNKNOWN or DISTINCT FROM after IS")
}

fn expr_list(i: &str, depth: usize) -> Res<'_, Vec<Expr>> {
    let mut items = Vec::new();
    let (mut i, _) = ws(i)?;
    loop {
        let (r, e) = expr(i, 0, depth)?;
        items.push(e);
        let (r, _) = ws(r)?;
        match char::<_, PErr>(',')(r) {
            Ok((r, _)) => i = ws(r)?.0,
            Err(_) => return Ok((r, items)),
        }
    }
}

/// A prefix operator or `NOT` applied to an operand, or an operand with its postfixes.
fn prefix(i: &str, depth: usize) -> Res<'_, Expr> {
    if depth > MAX_DEPTH {
        return too_deep(i);
    }
    let (i, _) = ws(i)?;
    if let Ok((r, _)) = kw("NOT")(i) {
        let (r, _) = ws(r)?;
        let (r, e) = expr(r, bp::NOT, depth + 1)?;
        return Ok((r, Expr::Not(Box::new(e))));
    }
    if i.starts_with(|c: char| OP_CHARS.contains(c)) && !i.starts_with("*") {
        let (r, op) = op_symbol(i)?;
        let (r, _) = ws(r)?;
        let (r, e) = expr(r, bp::UNARY, depth + 1)?;
        return Ok((
            r,
            Expr::Op {
                op: op.to_string(),
                lhs: None,
                rhs: Box::new(e),
            },
        ));
    }
    let (mut i, mut e) = primary(i, depth)?;
    let mut level = depth;
    // postfixes: ::type, [subscript], .field, COLLATE
    loop {
        level += 1;
        if let Ok((r, _)) = tag::<_, _, PErr>("::")(i) {
            let (r, ty) = type_name(r)?;
            if level > MAX_DEPTH {
                return too_deep(i);
            }
            e = Expr::Cast(Box::new(e), ty.to_string());
            i = r;
        } else if i.starts_with('[') {
            if level > MAX_DEPTH {
                return too_deep(i);
            }
            let (r, sub) = subscript(i, e, level)?;
            e = sub;
            i = r;
        } else if i.starts_with('.') && matches!(e, Expr::Paren(_)) {
            if level > MAX_DEPTH {
                return too_deep(i);
            }
            let r = &i[1..];
            if let Some(r) = r.strip_prefix('*') {
                e = Expr::Field(Box::new(e), None);
                i = r;
            } else {
                let (r, id) = ident(r)?;
                e = Expr::Field(Box::new(e), Some(id));
                i = r;
            }
        } else if let Ok((r, _)) = (ws, kw("COLLATE"), ws).parse(i) {
            if level > MAX_DEPTH {
                return too_deep(i);
            }
            let (r, name) = path(r)?;
            e = Expr::Collate(Box::new(e), name);
            i = r;
        } else {
            break;
        }
    }
    Ok((i, e))
}

fn subscript(i: &str, base: Expr, depth: usize) -> Res<'_, Expr> {
    let (r, _) = char('[')(i)?;
    let (r, _) = ws(r)?;
    let (r, lower) = if r.starts_with(':') {
        (r, None)
    } else {
        let (r, e) = expr(r, 0, depth + 1)?;
        (r, Some(Box::new(e)))
    };
    let (r, _) = ws(r)?;
    let (r, upper) = if let Some(r) = r.strip_prefix(':') {
        let (r, _) = ws(r)?;
        if r.starts_with(']') {
            (r, Some(None))
        } else {
            let (r, e) = expr(r, 0, depth + 1)?;
            (r, Some(Some(Box::new(e))))
        }
    } else {
        (r, None)
    };
    let (r, _) = (ws, char(']')).parse(r)?;
    Ok((
        r,
        Expr::Subscript {
            expr: Box::new(base),
            lower,
            upper,
        },
    ))
}

/// `a.b.c` (identifiers separated by dots).
fn path(i: &str) -> Res<'_, Vec<Ident>> {
    let (mut i, first) = ident(i)?;
    let mut out = vec![first];
    while let Ok((r, (_, id))) = (char('.'), ident).parse(i) {
        out.push(id);
        i = r;
    }
    Ok((i, out))
}

/// `SubPlan 2`, `hashed SubPlan 2`, `InitPlan 1`, `CTE name` is not an operand.
fn plan_ref(i: &str) -> Res<'_, PlanRef> {
    let (i, hashed) = match tag::<_, _, PErr>("hashed ")(i) {
        Ok((r, _)) => (r, true),
        Err(_) => (i, false),
    };
    let (i, kind) = nom::branch::alt((tag("SubPlan"), tag("InitPlan"))).parse(i)?;
    let (i, _) = char(' ')(i)?;
    let (i, n) = digit1(i)?;
    let Ok(number) = n.parse() else {
        return fail(n, "a plan number");
    };
    Ok((
        i,
        PlanRef {
            kind: kind.to_string(),
            number,
            hashed,
        },
    ))
}

/// Keywords that stand alone as values.
const VALUE_KEYWORDS: &[&str] = &[
    "CURRENT_DATE",
    "CURRENT_TIMESTAMP",
    "CURRENT_TIME",
    "LOCALTIMESTAMP",
    "LOCALTIME",
    "CURRENT_USER",
    "CURRENT_ROLE",
    "SESSION_USER",
    "SYSTEM_USER",
    "CURRENT_CATALOG",
    "CURRENT_SCHEMA",
    "USER",
    "DEFAULT",
];

fn primary(i: &str, depth: usize) -> Res<'_, Expr> {
    if depth > MAX_DEPTH {
        return too_deep(i);
    }
    let Some(c) = i.chars().next() else {
        return fail(i, "an expression");
    };
    match c {
        '(' => paren(i, depth),
        '\'' => string_lit(i).map(|(r, s)| (r, Expr::Literal(s.to_string()))),
        'E' | 'e' | 'B' | 'b' | 'X' | 'x' | 'N' | 'n' if i[1..].starts_with('\'') => {
            string_lit(i).map(|(r, s)| (r, Expr::Literal(s.to_string())))
        }
        '0'..='9' => number(i).map(|(r, s)| (r, Expr::Literal(s.to_string()))),
        '.' if i[1..].starts_with(|c: char| c.is_ascii_digit()) => {
            number(i).map(|(r, s)| (r, Expr::Literal(s.to_string())))
        }
        '$' => {
            let (r, n) = (char('$'), digit1).parse(i).map(|(r, (_, n))| (r, n))?;
            match n.parse() {
                Ok(n) => Ok((r, Expr::Param(n))),
                Err(_) => fail(i, "a parameter number"),
            }
        }
        '*' => Ok((&i[1..], Expr::Star(Vec::new()))),
        '[' => {
            // inner dimension of ARRAY[[…], […]]
            let (r, items) = bracket_items(i, depth)?;
            Ok((
                r,
                Expr::Array {
                    keyword: false,
                    items,
                },
            ))
        }
        '"' => name_or_call(i, depth),
        c if is_ident_start(c) => word(i, depth),
        _ => fail(i, "an expression"),
    }
}

fn bracket_items(i: &str, depth: usize) -> Res<'_, Vec<Expr>> {
    let (r, _) = char('[')(i)?;
    let (r, _) = ws(r)?;
    if let Some(r) = r.strip_prefix(']') {
        return Ok((r, Vec::new()));
    }
    let (r, items) = expr_list(r, depth + 1)?;
    let (r, _) = (ws, char(']')).parse(r)?;
    Ok((r, items))
}

/// An operand starting with a word: a keyword construct, a column or a call.
fn word(i: &str, depth: usize) -> Res<'_, Expr> {
    for w in ["TRUE", "FALSE", "NULL"] {
        if let Ok((r, k)) = kw(w)(i) {
            return Ok((r, Expr::Literal(k.to_string())));
        }
    }
    if at_kw(i, "CASE") {
        return case(i, depth);
    }
    if let Ok((r, _)) = kw("ARRAY")(i) {
        if r.starts_with('[') {
            let (r, items) = bracket_items(r, depth)?;
            return Ok((
                r,
                Expr::Array {
                    keyword: true,
                    items,
                },
            ));
        }
        return keyword_prefix(i, "ARRAY", depth);
    }
    if let Ok((r, _)) = kw("ROW")(i)
        && r.starts_with('(')
    {
        let (r, _) = char('(')(r)?;
        let (r, _) = ws(r)?;
        let (r, items) = if r.starts_with(')') {
            (r, Vec::new())
        } else {
            expr_list(r, depth + 1)?
        };
        let (r, _) = (ws, char(')')).parse(r)?;
        return Ok((
            r,
            Expr::Row {
                explicit: true,
                items,
            },
        ));
    }
    for k in ["EXISTS", "ANY", "ALL", "SOME"] {
        if at_kw(i, k) {
            let r = &i[k.len()..];
            if r.trim_start().starts_with('(') {
                return keyword_prefix(i, k, depth);
            }
        }
    }
    // PARTIAL agg(…) in the Output of a partial aggregate
    if let Ok((r, _)) = (kw("PARTIAL"), char(' ')).parse(i)
        && name_or_call(r, depth).is_ok_and(|(_, e)| matches!(e, Expr::Func(_)))
    {
        let (r, arg) = name_or_call(r, depth)?;
        return Ok((
            r,
            Expr::Prefix {
                keyword: "PARTIAL".into(),
                space: true,
                arg: Box::new(arg),
            },
        ));
    }
    if let Ok((r, p)) = plan_ref(i) {
        return Ok((r, Expr::PlanRef(p)));
    }
    for k in VALUE_KEYWORDS {
        if let Ok((r, w)) = kw(k)(i) {
            return Ok((r, Expr::Keyword(w.to_string())));
        }
    }
    name_or_call(i, depth)
}

/// `EXISTS(…)`, `ARRAY(…)`, `ANY (…)`, `ALL (…)`: the keyword and a parenthesized operand.
fn keyword_prefix<'a>(i: &'a str, k: &'static str, depth: usize) -> Res<'a, Expr> {
    let (r, word) = kw(k)(i)?;
    let (r, sp) = ws(r)?;
    if !r.starts_with('(') {
        return fail(r, "(");
    }
    let (r, arg) = paren(r, depth)?;
    Ok((
        r,
        Expr::Prefix {
            keyword: word.to_string(),
            space: !sp.is_empty(),
            arg: Box::new(arg),
        },
    ))
}

/// `(…)`: a parenthesized expression, a row `(a, b)`, or `(alternatives: …)`.
fn paren(i: &str, depth: usize) -> Res<'_, Expr> {
    let (r, _) = char('(')(i)?;
    if let Ok((mut r, _)) = tag::<_, _, PErr>("alternatives: ")(r) {
        let mut refs = Vec::new();
        loop {
            let (rr, p) = plan_ref(r)?;
            refs.push(p);
            if let Ok((rr, _)) = tag::<_, _, PErr>(" or ")(rr) {
                r = rr;
            } else {
                let (rr, _) = char(')')(rr)?;
                return Ok((rr, Expr::Alternatives(refs)));
            }
        }
    }
    let (r, items) = expr_list(r, depth + 1)?;
    let (r, _) = (ws, char(')')).parse(r)?;
    Ok((
        r,
        if items.len() == 1 {
            Expr::Paren(Box::new(items.into_iter().next().expect("one item")))
        } else {
            Expr::Row {
                explicit: false,
                items,
            }
        },
    ))
}

fn case(i: &str, depth: usize) -> Res<'_, Expr> {
    let (mut r, _) = (kw("CASE"), ws).parse(i)?;
    let mut arg = None;
    if !at_kw(r, "WHEN") {
        let (rr, a) = expr(r, 0, depth + 1)?;
        arg = Some(Box::new(a));
        r = ws(rr)?.0;
    }
    let mut whens = Vec::new();
    while let Ok((rr, _)) = (kw("WHEN"), ws).parse(r) {
        let (rr, when) = expr(rr, 0, depth + 1)?;
        let (rr, _) = (ws, kw("THEN"), ws).parse(rr)?;
        let (rr, then) = expr(rr, 0, depth + 1)?;
        whens.push(When { when, then });
        r = ws(rr)?.0;
    }
    if whens.is_empty() {
        return fail(r, "WHEN");
    }
    let mut otherwise = None;
    if let Ok((rr, _)) = (kw("ELSE"), ws).parse(r) {
        let (rr, e) = expr(rr, 0, depth + 1)?;
        otherwise = Some(Box::new(e));
        r = ws(rr)?.0;
    }
    let (r, _) = kw("END")(r)?;
    Ok((
        r,
        Expr::Case {
            arg,
            whens,
            otherwise,
        },
    ))
}

/// A column (`a.b`), a whole row (`a.*`) or a call (`schema.f(…)`).
fn name_or_call(i: &str, depth: usize) -> Res<'_, Expr> {
    let (mut r, first) = ident(i)?;
    let mut name = vec![first];
    loop {
        if let Some(rr) = r.strip_prefix(".*") {
            return Ok((rr, Expr::Star(name)));
        }
        match (char('.'), ident).parse(r) {
            Ok((rr, (_, id))) => {
                name.push(id);
                r = rr;
            }
            Err(_) => break,
        }
    }
    if r.starts_with('(') {
        return call(r, name, depth);
    }
    Ok((r, Expr::Column(name)))
}

fn call(i: &str, name: Vec<Ident>, depth: usize) -> Res<'_, Expr> {
    let (args_rest, args) = match call_args(i, depth) {
        Ok(v) => v,
        Err(nom::Err::Failure(e)) => return Err(nom::Err::Failure(e)),
        Err(_) => {
            // SQL-syntax arguments (EXTRACT(day FROM x), XMLTABLE(…)): keep them verbatim
            let (r, raw) = balanced(i)?;
            (r, FuncArgs::Raw(raw[1..raw.len() - 1].to_string()))
        }
    };
    let mut func = Func {
        name,
        args,
        within_group: None,
        filter: None,
        over: None,
    };
    let mut r = args_rest;
    if let Ok((rr, _)) = (ws, kw("WITHIN"), ws, kw("GROUP"), ws).parse(r) {
        let (rr, raw) = balanced(rr)?;
        func.within_group = Some(raw.to_string());
        r = rr;
    }
    if let Ok((rr, _)) = (ws, kw("FILTER"), ws, char('('), ws, kw("WHERE"), ws).parse(r) {
        let (rr, e) = expr(rr, 0, depth + 1)?;
        let (rr, _) = (ws, char(')')).parse(rr)?;
        func.filter = Some(Box::new(e));
        r = rr;
    }
    if let Ok((rr, _)) = (ws, kw("OVER"), char(' ')).parse(r) {
        if rr.starts_with('(') {
            let (rr, raw) = balanced(rr)?;
            func.over = Some(Over::Spec(raw.to_string()));
            r = rr;
        } else {
            let (rr, id) = ident(rr)?;
            func.over = Some(Over::Name(id));
            r = rr;
        }
    }
    Ok((r, Expr::Func(Box::new(func))))
}

fn call_args(i: &str, depth: usize) -> Res<'_, FuncArgs> {
    let (r, _) = (char('('), ws).parse(i)?;
    if let Some(r) = r.strip_prefix(')') {
        return Ok((
            r,
            FuncArgs::List {
                distinct: false,
                args: Vec::new(),
                order_by: Vec::new(),
            },
        ));
    }
    if let Ok((r, _)) = (char('*'), ws, char(')')).parse(r) {
        return Ok((r, FuncArgs::Star));
    }
    let (mut r, distinct) = match (kw("DISTINCT"), ws).parse(r) {
        Ok((r, _)) => (r, true),
        Err(_) => (r, false),
    };
    let mut args = Vec::new();
    loop {
        let (rr, variadic) = match (kw("VARIADIC"), ws).parse(r) {
            Ok((rr, _)) => (rr, true),
            Err(_) => (r, false),
        };
        let (rr, name) = match (ident, ws, tag("=>"), ws).parse(rr) {
            Ok((rr, (id, _, _, _))) => (rr, Some(id)),
            Err(_) => (rr, None),
        };
        let (rr, value) = expr(rr, 0, depth + 1)?;
        args.push(FuncArg {
            variadic,
            name,
            value,
        });
        let (rr, _) = ws(rr)?;
        match char::<_, PErr>(',')(rr) {
            Ok((rr, _)) => r = ws(rr)?.0,
            Err(_) => {
                r = rr;
                break;
            }
        }
    }
    let mut order_by = Vec::new();
    if let Ok((mut rr, _)) = (kw("ORDER"), ws, kw("BY"), ws).parse(r) {
        loop {
            let (x, item) = sort_item(rr, depth + 1)?;
            order_by.push(item);
            let (x, _) = ws(x)?;
            match char::<_, PErr>(',')(x) {
                Ok((x, _)) => rr = ws(x)?.0,
                Err(_) => {
                    rr = x;
                    break;
                }
            }
        }
        r = rr;
    }
    let (r, _) = char(')')(r)?;
    Ok((
        r,
        FuncArgs::List {
            distinct,
            args,
            order_by,
        },
    ))
}

fn sort_item(i: &str, depth: usize) -> Res<'_, SortItem> {
    let (mut r, e) = expr(i, 0, depth)?;
    let mut item = SortItem {
        expr: e,
        direction: None,
        using: None,
        nulls_first: None,
    };
    if let Ok((rr, _)) = (ws, kw("ASC")).parse(r) {
        item.direction = Some(Direction::Asc);
        r = rr;
    } else if let Ok((rr, _)) = (ws, kw("DESC")).parse(r) {
        item.direction = Some(Direction::Desc);
        r = rr;
    }
    if let Ok((rr, _)) = (ws, kw("USING"), ws).parse(r) {
        let (rr, op) = op_symbol(rr)?;
        item.using = Some(op.to_string());
        r = rr;
    }
    if let Ok((rr, _)) = (ws, kw("NULLS"), ws, kw("FIRST")).parse(r) {
        item.nulls_first = Some(true);
        r = rr;
    } else if let Ok((rr, _)) = (ws, kw("NULLS"), ws, kw("LAST")).parse(r) {
        item.nulls_first = Some(false);
        r = rr;
    }
    Ok((r, item))
}

// ------------------------------------------------------------------------------------------
// Reading the tree

/// Runs `$body` with `$c` bound to each direct child of an expression, in order (`mut` for
/// mutable access): the one list of children that `walk` and `walk_mut` share.
macro_rules! each_child {
    ($node:expr, |$c:ident| $body:expr, $($m:tt)?) => {
        match $node {
            Expr::Column(_)
            | Expr::Star(_)
            | Expr::Literal(_)
            | Expr::Param(_)
            | Expr::PlanRef(_)
            | Expr::Alternatives(_)
            | Expr::Keyword(_) => {}
            Expr::Paren($c)
            | Expr::Cast($c, _)
            | Expr::Not($c)
            | Expr::Is($c, _)
            | Expr::Field($c, _)
            | Expr::Collate($c, _)
            | Expr::Prefix { arg: $c, .. } => $body,
            Expr::Op { lhs, rhs, .. } => {
                if let Some($c) = lhs {
                    $body;
                }
                let $c = rhs;
                $body;
            }
            Expr::Bool(_, items) | Expr::Array { items, .. } | Expr::Row { items, .. } => {
                for $c in items {
                    $body;
                }
            }
            Expr::In { expr, list, .. } => {
                let $c = expr;
                $body;
                for $c in list {
                    $body;
                }
            }
            Expr::Between { expr, low, high, .. } => {
                for $c in [expr, low, high] {
                    $body;
                }
            }
            Expr::Func(func) => {
                if let FuncArgs::List { args, order_by, .. } = & $($m)? func.args {
                    for a in args {
                        let $c = & $($m)? a.value;
                        $body;
                    }
                    for item in order_by {
                        let $c = & $($m)? item.expr;
                        $body;
                    }
                }
                if let Some($c) = & $($m)? func.filter {
                    $body;
                }
            }
            Expr::Case { arg, whens, otherwise } => {
                if let Some($c) = arg {
                    $body;
                }
                for w in whens {
                    let $c = & $($m)? w.when;
                    $body;
                    let $c = & $($m)? w.then;
                    $body;
                }
                if let Some($c) = otherwise {
                    $body;
                }
            }
            Expr::Subscript { expr, lower, upper } => {
                let $c = expr;
                $body;
                if let Some($c) = lower {
                    $body;
                }
                if let Some(Some($c)) = upper {
                    $body;
                }
            }
        }
    };
}

impl Expr {
    /// The expression without the parentheses around it.
    pub fn unparen(&self) -> &Expr {
        let mut e = self;
        while let Expr::Paren(inner) = e {
            e = inner;
        }
        e
    }

    /// The parts of a top-level `AND` (the expression itself if it is not one).
    pub fn conjuncts(&self) -> Vec<&Expr> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(e) = stack.pop() {
            match e.unparen() {
                Expr::Bool(BoolOp::And, args) => stack.extend(args.iter().rev()),
                other => out.push(other),
            }
        }
        out
    }

    /// The column this expression is, through parentheses: `(alias.col)` → `[alias, col]`.
    pub fn column(&self) -> Option<&[Ident]> {
        match self.unparen() {
            Expr::Column(path) => Some(path),
            _ => None,
        }
    }

    /// Calls `f` on this expression and every sub-expression (pre-order).
    pub fn walk<'a>(&'a self, f: &mut dyn FnMut(&'a Expr)) {
        f(self);
        each_child!(self, |c| c.walk(f),);
    }

    /// Calls `f` on every sub-expression (post-order), mutably: for rewriting a tree.
    pub fn walk_mut(&mut self, f: &mut dyn FnMut(&mut Expr)) {
        each_child!(self, |c| c.walk_mut(f), mut);
        f(self);
    }

    /// Every column the expression reads.
    pub fn columns(&self) -> Vec<&[Ident]> {
        let mut out = Vec::new();
        self.walk(&mut |e| {
            if let Expr::Column(p) = e {
                out.push(p.as_slice());
            }
        });
        out
    }

    /// Whether the expression contains something the advisor cannot see through: a whole
    /// row, a subplan, raw SQL-syntax arguments, a window call.
    pub fn is_opaque(&self) -> bool {
        let mut opaque = false;
        self.walk(&mut |e| match e {
            Expr::Star(_) | Expr::Alternatives(_) => opaque = true,
            Expr::PlanRef(p) if p.kind == "SubPlan" => opaque = true,
            Expr::Prefix { keyword, .. } if keyword != "PARTIAL" => opaque = true,
            Expr::Func(f) if matches!(f.args, FuncArgs::Raw(_)) || f.over.is_some() => {
                opaque = true
            }
            _ => {}
        });
        opaque
    }
}

#[cfg(test)]
mod tests {
    //! Hand-written expressions in the server's spelling: unit tests of single grammar rules.
    //! The corpus-wide round trip is core/tests/advice_expr.rs.
    use super::*;

    #[test]
    fn reserved_keywords_are_sorted() {
        // `needs_quotes` (also the renderer's identifier quoting) binary-searches the list.
        assert!(RESERVED.windows(2).all(|w| w[0] < w[1]));
    }

    fn rt(s: &str) {
        let e = parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        assert_eq!(e.to_string(), s);
    }

    #[test]
    fn round_trips() {
        for s in [
            "(orders.promo_code = 'P0042'::text)",
            "((a.x >= 1) AND (a.x <= 5) AND (b IS NOT NULL))",
            "(NOT (ANY (c.id = (hashed SubPlan 1).col1)))",
            "((c.tier = 'platinum'::text) OR (alternatives: SubPlan 1 or hashed SubPlan 2))",
            "(signup_date = (InitPlan 2).col1)",
            "EXISTS(SubPlan 1)",
            "ARRAY(SubPlan 1)",
            "(id = ANY ('{1,2,3}'::integer[]))",
            "(x <> ALL ($1))",
            "sum(((oi.qty)::numeric * oi.unit_price))",
            "(row_number() OVER (?) <= 5)",
            "PARTIAL avg((total * 1.19))",
            "count(DISTINCT a.b ORDER BY a.b DESC)",
            "(lower((email)::text) ~~ 'a%'::text)",
            "CASE WHEN (x > 1) THEN 'a'::text ELSE NULL::text END",
            "(tags[1] = 'vip'::text)",
            "((c.addr).city = 'x'::text)",
            "(ts > '2024-01-01 00:00:00'::timestamp(3) with time zone)",
            "(n = '1.5'::double precision)",
            "(v = ANY (ARRAY[(a)::character varying(10), 'b'::character varying]))",
            "(\"*VALUES*\".column1 = \"Weird\"\"Name\".x)",
            "(x IS DISTINCT FROM y)",
            "(x COLLATE \"C\" < 'b'::text)",
            "(- x)",
            "EXTRACT(day FROM o.order_date)",
            "(a IN (1, 2, 3))",
            "(a NOT BETWEEN 1 AND 2)",
            "(s.name LIKE '%x%')",
            "(s.name NOT ILIKE '%x%')",
            "(profile @> '{\"a\": 1}'::jsonb)",
            "(profile ? 'lang'::text)",
            "(x OPERATOR(pg_catalog.=) 1)",
            "ROW(a, b)",
            "(a, b)",
            "g.*",
            "nextval('customer_audit_id_seq'::regclass)",
            "sum(x) FILTER (WHERE (x > 0))",
            "E'a\\'b'",
        ] {
            rt(s);
        }
    }

    #[test]
    fn sort_items() {
        for s in [
            "o.total DESC",
            "x NULLS FIRST",
            "(a + 1) DESC NULLS LAST",
            "x USING <",
        ] {
            assert_eq!(parse_sort_item(s).unwrap().to_string(), s);
        }
    }

    #[test]
    fn errors_are_positioned() {
        let e = parse("(a = )").unwrap_err();
        assert_eq!(e.kind, ExprErrorKind::Syntax);
        assert_eq!(e.column, 6, "{e}");
        let e = parse("(a = 1) junk").unwrap_err();
        assert_eq!(e.column, 9, "{e}");
        assert!(parse("'unterminated").is_err());
        assert!(parse("").is_err());
    }

    #[test]
    fn depth_is_limited() {
        // 100,000 nested parentheses: a clean "too deep", no stack overflow
        let deep = format!("{}x{}", "(".repeat(100_000), ")".repeat(100_000));
        assert_eq!(parse(&deep).unwrap_err().kind, ExprErrorKind::TooDeep);
        // without brackets: NOT chains, casts, operator chains
        let nots = format!("{}x", "NOT ".repeat(100_000));
        assert_eq!(parse(&nots).unwrap_err().kind, ExprErrorKind::TooDeep);
        let casts = format!("x{}", "::text".repeat(100_000));
        assert_eq!(parse(&casts).unwrap_err().kind, ExprErrorKind::TooDeep);
        let sums = format!("x{}", " + 1".repeat(100_000));
        assert_eq!(parse(&sums).unwrap_err().kind, ExprErrorKind::TooDeep);
        let negs = format!("{}x", "- ".repeat(100_000));
        assert_eq!(parse(&negs).unwrap_err().kind, ExprErrorKind::TooDeep);
        // but the depth plans use is fine
        let ok = format!(
            "{}x{}",
            "(".repeat(MAX_DEPTH - 2),
            ")".repeat(MAX_DEPTH - 2)
        );
        rt(&ok);
    }
}
