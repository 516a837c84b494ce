//! Parsing: from the text a user pasted to [`Plan`]s.

mod build;
mod json;
pub mod text;
mod xml;
mod yaml;

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
                "the input is {} bytes, more than the limit of {} bytes; raise the limit if the input is real (ParseOptions::max_input_bytes, planlint --max-input-bytes)",
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
        None => input::sniff(&cleaned.text).map_err(|e| cleaned.locate(input, e))?,
    };
    let mut plans =
        parse_format(&cleaned.text, format, options).map_err(|e| cleaned.locate(input, e))?;
    // Most documents hold one plan, and a `Plan` is ~670 bytes: the vector grown by pushes
    // would keep room for four (2 KB per document, more than a small plan's nodes).
    plans.shrink_to_fit();
    Ok(plans)
}

/// Parses cleaned text in a known format; errors are positioned in `text`.
fn parse_format(text: &str, format: Format, options: &ParseOptions) -> Result<Vec<Plan>, Error> {
    match format {
        Format::Json => parse_json(text, options),
        Format::Yaml => parse_unframed(text, options, parse_yaml),
        Format::Xml => parse_unframed(text, options, parse_xml),
        Format::Text => parse_text(text, options),
        Format::Log => parse_log(text, options),
    }
}

/// Parses TEXT. (The TEXT parser's entry point; auto_explain TEXT log entries come here too,
/// with the plan alone: the `Query Text` is taken off by the log reader.)
fn parse_text(text: &str, options: &ParseOptions) -> Result<Vec<Plan>, Error> {
    text::parse_text(text, options)
}

/// Parses every auto_explain entry of a server log, in log order; each plan gets the entry's
/// `duration` (and, for TEXT entries, its `query_text`).
fn parse_log(text: &str, options: &ParseOptions) -> Result<Vec<Plan>, Error> {
    let entries = input::log::entries(text)?;
    if entries.is_empty() {
        return Err(Error::raw(
            ErrorKind::UnknownFormat,
            "no auto_explain entry found in the log: expected a line ending in `duration: N ms  plan:` followed by the plan",
            0,
        ));
    }
    let mut plans = Vec::new();
    for entry in &entries {
        let doc = entry.document();
        let relocate = |mut e: Error| {
            e.offset = entry.log_offset(e.offset);
            e
        };
        let mut found = match entry.format {
            Format::Text => {
                let Some(parts) = entry.split_text() else {
                    return Err(Error::raw(
                        ErrorKind::Syntax,
                        "an auto_explain TEXT entry without `Query Text:` and a plan line with `(cost=…)`",
                        entry.offset,
                    ));
                };
                let start = parts.plan_offset;
                let mut found = parse_text(parts.plan, options).map_err(|mut e| {
                    e.offset += start;
                    relocate(e)
                })?;
                for p in &mut found {
                    p.query_text
                        .get_or_insert_with(|| parts.query_text.to_string());
                    if let Some(params) = parts.query_parameters {
                        p.query_parameters.get_or_insert_with(|| params.to_string());
                    }
                }
                found
            }
            f => parse_format(doc, f, options).map_err(relocate)?,
        };
        for p in &mut found {
            p.duration = Some(entry.duration);
        }
        plans.append(&mut found);
    }
    Ok(plans)
}

/// Runs `parse` on the document inside psql's frame, if there is one.
fn parse_unframed(
    text: &str,
    options: &ParseOptions,
    parse: fn(&str, &ParseOptions) -> Result<Vec<Plan>, Error>,
) -> Result<Vec<Plan>, Error> {
    match crate::input::document::unframe(text) {
        None => parse(text, options),
        Some(c) => parse(&c.text, options).map_err(|mut e| {
            e.offset = c.original_offset(e.offset);
            e
        }),
    }
}

/// Parses YAML: one or more documents, junk before the first one and after the last skipped.
fn parse_yaml(text: &str, options: &ParseOptions) -> Result<Vec<Plan>, Error> {
    let mut plans = Vec::new();
    let Some((mut line, mut content)) = yaml::find_document(text, 0) else {
        if text.trim().is_empty() {
            // `Query rewrites to nothing` prints an empty YAML document.
            return Ok(plans);
        }
        return Err(Error::raw(
            ErrorKind::Syntax,
            "no YAML plan found: expected a line `- Plan: ` (EXPLAIN) or `Query Text: \"…\"` (auto_explain)",
            text.len() - text.trim_start().len(),
        ));
    };
    loop {
        let mut src = yaml::YamlSource::new(text, line, content);
        build::read_document(&mut src, options, &mut plans)?;
        match yaml::find_document(text, src.position()) {
            Some((l, c)) => (line, content) = (l, c),
            None => return Ok(plans),
        }
    }
}

/// Parses XML: one or more `<explain>` documents, junk around them skipped.
fn parse_xml(text: &str, options: &ParseOptions) -> Result<Vec<Plan>, Error> {
    let mut plans = Vec::new();
    let finder = memchr::memmem::Finder::new(b"<explain");
    let Some(mut start) = finder.find(text.as_bytes()) else {
        return Err(Error::raw(
            ErrorKind::Syntax,
            format!(
                "no XML plan found: expected <explain xmlns=\"{}\">",
                xml::NAMESPACE
            ),
            text.len() - text.trim_start().len(),
        ));
    };
    loop {
        let mut src = xml::XmlSource::new(text, start);
        build::read_document(&mut src, options, &mut plans)?;
        let end = src.position();
        match finder.find(&text.as_bytes()[end..]) {
            Some(i) => start = end + i,
            None => return Ok(plans),
        }
    }
}

/// Parses bytes: invalid UTF-8 sequences become U+FFFD (a plan with one odd byte in a string
/// constant still parses).
pub fn parse_bytes(input: &[u8], options: &ParseOptions) -> Result<Vec<Plan>, Error> {
    // Valid UTF-8 (the usual case) is checked by the standard library's fast validator and
    // borrowed; only invalid input pays for the lossy conversion.
    match std::str::from_utf8(input) {
        Ok(text) => parse_with(text, options),
        Err(_) => parse_with(&String::from_utf8_lossy(input), options),
    }
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
    // Every node has a "Node Type" key: the arenas are allocated once, at their size.
    let mut nodes_left = input::static_finder!(b"\"Node Type\"")
        .find_iter(&body.as_bytes()[start..])
        .count();
    loop {
        build::read_document_sized(&mut src, options, &mut plans, &mut nodes_left)
            .map_err(relocate)?;
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
        verbose |= n.output().is_some() || n.schema().is_some();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utility_placeholders_read_as_json_prints_them() {
        // Hand-made documents for one rule (a rule's NOTIFY action prints a placeholder; seen on
        // PG 15: `- "Notify"` in YAML, `<Notify />` in XML), not plans.
        let yaml = "- Plan: \n    Node Type: \"Result\"\n- \"Notify\"\n";
        let xml = "<explain xmlns=\"http://www.postgresql.org/2009/explain\">\n  <Query>\n    \
                   <Plan>\n      <Node-Type>Result</Node-Type>\n    </Plan>\n  </Query>\n  \
                   <Notify />\n  <Utility-Statement />\n</explain>";
        let y = parse_with(yaml, &ParseOptions::with_format(Format::Yaml)).unwrap();
        let x = parse_with(xml, &ParseOptions::with_format(Format::Xml)).unwrap();
        assert_eq!(y[1].utility.as_deref(), Some("Notify"));
        assert_eq!(x[1].utility.as_deref(), Some("Notify"));
        assert_eq!(x[2].utility.as_deref(), Some("Utility Statement"));
        // A rule that rewrites the statement to nothing: an empty document.
        assert!(
            parse_with("", &ParseOptions::with_format(Format::Yaml))
                .unwrap()
                .is_empty()
        );
        let empty = "<explain xmlns=\"http://www.postgresql.org/2009/explain\">\n</explain>";
        assert!(
            parse_with(empty, &ParseOptions::with_format(Format::Xml))
                .unwrap()
                .is_empty()
        );
    }
}
