//! Parsing: from the text a user pasted to [`Plan`]s.

mod build;
mod json;
pub mod text;

use crate::error::{Error, ErrorKind};
use crate::input::{self, Cleaned, Format};
use crate::model::Plan;

/// How to parse.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ParseOptions {
    /// The input's format; `None` detects it.
    pub format: Option<Format>,
    /// How many levels of plan nodes may nest (default 1,000; real plans rarely pass 100).
    /// Deeper input is answered with an [`ErrorKind::TooDeep`] error, never a stack overflow.
    pub max_depth: usize,
    /// The largest input accepted, in bytes (default 256 MiB).
    pub max_input_bytes: usize,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            format: None,
            max_depth: 1_000,
            max_input_bytes: 256 << 20,
        }
    }
}

impl ParseOptions {
    /// Options that parse `format` (instead of detecting it).
    pub fn with_format(format: Format) -> Self {
        ParseOptions {
            format: Some(format),
            ..ParseOptions::default()
        }
    }
}

/// Parses EXPLAIN output in any format (detected), returning every plan it holds.
///
/// ```
/// let plans = planlint::parse(r#"[{"Plan": {"Node Type": "Result", "Total Cost": 0.01}}]"#).unwrap();
/// assert_eq!(plans[0].root().unwrap().total_cost, Some(0.01));
/// ```
pub fn parse(input: &str) -> Result<Vec<Plan>, Error> {
    parse_with(input, &ParseOptions::default())
}

/// Parses EXPLAIN output with options.
pub fn parse_with(input: &str, options: &ParseOptions) -> Result<Vec<Plan>, Error> {
    if input.len() > options.max_input_bytes {
        return Err(Error::at(
            ErrorKind::TooLarge,
            format!(
                "the input is {} bytes, more than the limit of {} bytes (ParseOptions::max_input_bytes)",
                input.len(),
                options.max_input_bytes
            ),
            input,
            options.max_input_bytes,
        ));
    }
    let cleaned = input::strip_bom(input);
    let format = match options.format {
        Some(f) => f,
        None => match input::sniff(&cleaned.text) {
            Some(f) => f,
            None => return Err(input::empty_error(input)),
        },
    };
    let result = match format {
        Format::Json => parse_json(&cleaned.text, options),
        Format::Text => text::parse_text(&cleaned.text, options),
        other => Err(Error::raw(
            ErrorKind::Unsupported,
            format!("{other} input is not supported yet; use FORMAT JSON"),
            0,
        )),
    };
    result.map_err(|e| cleaned.locate(input, e))
}

/// Parses bytes: invalid UTF-8 sequences become U+FFFD (a plan with one odd byte in a string
/// constant still parses).
pub fn parse_bytes(input: &[u8], options: &ParseOptions) -> Result<Vec<Plan>, Error> {
    let text = String::from_utf8_lossy(input);
    parse_with(&text, options)
}

/// Parses JSON: psql frames, pgAdmin quoting and junk around the document are tolerated;
/// several documents in a row are read one after the other.
fn parse_json(text: &str, options: &ParseOptions) -> Result<Vec<Plan>, Error> {
    let unquoted = input::unquote_doubled_json(text);
    let (body, map): (&str, Option<&Cleaned>) = match &unquoted {
        Some(c) => (&c.text, Some(c)),
        None => (text, None),
    };
    let relocate = |mut e: Error| {
        if let Some(c) = map {
            e.offset = c.original_offset(e.offset);
        }
        e
    };
    let Some(start) = input::find_json_start(body) else {
        return Err(Error::raw(
            ErrorKind::Syntax,
            "no JSON plan found: expected '[' or '{' starting the EXPLAIN (FORMAT JSON) output",
            0,
        ));
    };
    let mut src = json::JsonSource::new(body);
    src.seek(start);
    let mut plans = Vec::new();
    loop {
        build::read_document(&mut src, options, &mut plans).map_err(relocate)?;
        if !src.another_document() {
            break;
        }
    }
    Ok(plans)
}

/// Fills [`Plan::options`] from what the plan shows. `structured`: the plan came from JSON,
/// YAML or XML, whose key sets do not depend on values (so absence tells more than in TEXT).
pub(crate) fn infer_options(plan: &mut Plan, structured: bool) {
    let Some(root) = plan.nodes.first() else {
        return;
    };
    let mut analyze = false;
    let mut timing = false;
    let mut buffers = plan.planning.as_ref().is_some_and(|p| p.buffers.is_some());
    let mut verbose = false;
    let mut wal = false;
    for n in &plan.nodes {
        analyze |= n.actual_loops.is_some();
        timing |= n.actual_total_time.is_some() && n.actual_loops != Some(0);
        buffers |= n.buffers.is_some();
        verbose |= n.output.is_some() || n.schema.is_some();
        wal |= n.wal.is_some();
    }
    let o = &mut plan.options;
    o.analyze = Some(analyze);
    o.costs = Some(root.total_cost.is_some());
    if analyze {
        o.timing = Some(timing);
    }
    o.buffers = if buffers {
        Some(true)
    } else if structured && analyze {
        Some(false)
    } else {
        None
    };
    o.verbose = if verbose || structured {
        Some(verbose)
    } else {
        None
    };
    o.settings = plan.settings.is_some().then_some(true);
    o.wal = if wal {
        Some(true)
    } else if structured && analyze && root.async_capable.is_some() {
        // 14+ (which prints `Async Capable`) prints the WAL keys whenever WAL is on.
        Some(false)
    } else {
        None
    };
    o.summary = (plan.planning_time.is_some() || plan.execution_time.is_some()).then_some(true);
    o.serialize = plan.serialization.is_some().then_some(true);
    o.memory = plan
        .planning
        .as_ref()
        .is_some_and(|p| p.memory_used.is_some())
        .then_some(true);
}
