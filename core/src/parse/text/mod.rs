//! TEXT input (`EXPLAIN` without `FORMAT`, what most people paste): read into exactly the tree
//! the JSON parser builds from the same plan in JSON.
//!
//! * `node_line` — node lines (nom): prefixes, name, target, cost/actual blocks;
//! * `names` — the node-type table (TEXT name → JSON `Node Type` + qualifiers);
//! * `properties` — `Label: value` lines and the composite lines (Buffers, Sort Method, …);
//! * `tree` — indentation arithmetic, sub-plan headers, worker blocks, trailer, several plans;
//! * `infer` — what TEXT leaves implicit, and [`NOT_IN_TEXT`]: what it cannot tell.
//!
//! Frames around the text (psql, pgAdmin, DBeaver) are removed first by
//! `input::frames`; error positions point into the caller's input.

mod infer;
mod names;
mod node_line;
mod properties;
mod tree;

pub use infer::{NOT_IN_TEXT, NotInText};
pub use names::text_node_name;

use crate::error::Error;
use crate::input::frames;
use crate::model::Plan;

use super::ParseOptions;

/// Parses TEXT-format EXPLAIN output (framed or not); error offsets are in `text`.
pub(crate) fn parse_text(text: &str, options: &ParseOptions) -> Result<Vec<Plan>, Error> {
    // Most inputs have no frame: read as they are, unless a line may be framed (or the parse
    // fails: then the general path below gives the error, positioned in the caller's input).
    if let Ok(Some(plans)) = tree::parse_if_plain(text, options) {
        return Ok(plans);
    }
    general(text, options)
}

/// [`parse_text`] without the shortcut: frames removed first.
fn general(text: &str, options: &ParseOptions) -> Result<Vec<Plan>, Error> {
    let plain = frames::unframe(text);
    tree::parse(&plain.text, options).map_err(|mut e| {
        e.offset = plain.original_offset(e.offset);
        e
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reading plain inputs as they are gives what unframing them first gives, on every corpus
    /// document (framed ones fall back; plans or errors compared whole).
    #[test]
    fn plain_inputs_parse_as_the_general_path_parses_them() {
        let options = ParseOptions::default();
        let mut shortcut = 0;
        for (path, text) in crate::input::tests::corpus_documents() {
            let general = general(&text, &options);
            match tree::parse_if_plain(&text, &options) {
                Ok(Some(plans)) => {
                    shortcut += 1;
                    let same = general.as_ref().is_ok_and(|g| *g == plans);
                    assert!(same, "{}", path.display());
                }
                Ok(None) => {}
                Err(_) => assert!(general.is_err(), "{}", path.display()),
            }
        }
        assert!(shortcut > 2_000, "{shortcut}");
    }
}
