//! Builds [`Plan`]s from a structured document (JSON, YAML or XML, through [`Source`]).
//!
//! The node tree is read with an explicit stack, so plan nesting costs heap, not call stack;
//! everything else nests a bounded number of levels.

use crate::error::{Error, ErrorKind};
use crate::model::source::{Item, Peek, Source};
use crate::model::value::FieldValue;
use crate::model::{Node, NodeId, Plan, read_property, stray_key_error};

use super::ParseOptions;

/// Reads every plan of one document: the server's array of query objects, or auto_explain's
/// single object.
#[allow(dead_code)] // the YAML and XML parsers call it
pub(crate) fn read_document<'a, S: Source<'a>>(
    src: &mut S,
    options: &ParseOptions,
    plans: &mut Vec<Plan>,
) -> Result<(), Error> {
    read_document_sized(src, options, plans, &mut 0)
}

/// [`read_document`] with an estimate of the nodes still to come in the input (e.g. the number
/// of `"Node Type"` keys), so that each plan's arena is allocated once at its final size
/// (no reallocation copying the nodes, no spare capacity: peak memory stays near the plan's
/// size). The estimate is decreased by the nodes read.
pub(crate) fn read_document_sized<'a, S: Source<'a>>(
    src: &mut S,
    options: &ParseOptions,
    plans: &mut Vec<Plan>,
    nodes_left: &mut usize,
) -> Result<(), Error> {
    let mut query = |src: &mut S| read_query(src, options, nodes_left);
    match src.peek()? {
        Peek::Object => plans.push(query(src)?),
        Peek::Array | Peek::Container => {
            src.begin_array()?;
            loop {
                match src.next_item()? {
                    Item::Value => plans.push(query(src)?),
                    Item::End => break,
                    item @ Item::StrayKey(_) => return Err(stray_key_error(src, &item)),
                }
            }
        }
        Peek::Scalar => {
            src.scalar()?;
            return Err(src.error(
                ErrorKind::Invalid,
                "expected a list of plans or a plan object, found a single value".into(),
            ));
        }
    }
    Ok(())
}

/// Reads one query object (`{"Plan": …, "Planning Time": …}`), or a utility placeholder string.
fn read_query<'a, S: Source<'a>>(
    src: &mut S,
    options: &ParseOptions,
    nodes_left: &mut usize,
) -> Result<Plan, Error> {
    let mut plan = Plan::default();
    if src.peek()? == Peek::Scalar {
        // `"Notify"`, `"Utility Statement"`, `"CREATE TABLE AS"`…
        plan.utility = Some(String::read(src)?);
        return Ok(plan);
    }
    src.begin_object()?;
    while let Some(key) = src.next_key()? {
        match &*key {
            "Plan" => {
                plan.nodes.reserve_exact((*nodes_left).max(1));
                let read = read_tree(src, &mut plan, options);
                *nodes_left = nodes_left.saturating_sub(plan.nodes.len());
                fit(&mut plan.nodes);
                read?
            }
            // ≤ 9.3 spelling of the execution time.
            "Total Runtime" | "Total-Runtime" => plan.execution_time = Some(f64::read(src)?),
            // XML auto_explain / placeholders: an empty element named after the statement.
            _ => read_property(&mut plan, &key, src)?,
        }
    }
    if plan.nodes.is_empty() && plan.utility.is_none() {
        return Err(src.error(
            ErrorKind::Invalid,
            "a query object without \"Plan\": expected the plan tree under the key \"Plan\"".into(),
        ));
    }
    super::infer_options(&mut plan, true);
    Ok(plan)
}

/// Gives back a node arena's spare capacity when the estimate was well above the count (a
/// document with several plans reserves for all of them at its first).
pub(crate) fn fit<T>(nodes: &mut Vec<T>) {
    if nodes.capacity() > nodes.len() + nodes.len() / 8 + 8 {
        nodes.shrink_to_fit();
    }
}

/// Reads the node tree under `"Plan"` into `plan.nodes`.
fn read_tree<'a, S: Source<'a>>(
    src: &mut S,
    plan: &mut Plan,
    options: &ParseOptions,
) -> Result<(), Error> {
    enum Frame {
        /// Reading the keys of a node.
        Node(NodeId),
        /// Reading the `Plans` array of a node.
        Plans(NodeId),
    }
    if !plan.nodes.is_empty() {
        return Err(src.error(
            ErrorKind::Invalid,
            "a second \"Plan\" key in one query object".into(),
        ));
    }
    src.begin_object()?;
    let root = plan.push_node(None, Node::default());
    let mut stack = vec![Frame::Node(root)];
    let mut depth = 1;
    while let Some(top) = stack.last() {
        match *top {
            Frame::Node(id) => match src.next_key()? {
                None => {
                    if plan.nodes[id].node_type.is_none() {
                        return Err(src.error(
                            ErrorKind::Invalid,
                            "a plan node without \"Node Type\"".into(),
                        ));
                    }
                    stack.pop();
                    depth -= 1;
                }
                Some(key) if key == "Plans" => {
                    if src.peek()? == Peek::Scalar {
                        // An empty group (YAML `Plans: ` with nothing under it).
                        src.scalar()?;
                        continue;
                    }
                    src.begin_array()?;
                    stack.push(Frame::Plans(id));
                }
                Some(key) => read_property(&mut plan.nodes[id], &key, src)?,
            },
            Frame::Plans(parent) => match src.next_item()? {
                Item::End => {
                    stack.pop();
                }
                Item::Value => {
                    if depth >= options.max_depth {
                        return Err(src.error(
                            ErrorKind::TooDeep,
                            format!(
                                "the plan nests deeper than {} levels (ParseOptions::max_depth)",
                                options.max_depth
                            ),
                        ));
                    }
                    src.begin_object()?;
                    let id = plan.push_node(Some(parent), Node::default());
                    stack.push(Frame::Node(id));
                    depth += 1;
                }
                // 11.0–11.6 printed `"Subplans Removed": N` inside `Plans`: it belongs to the parent.
                Item::StrayKey(key) => read_property(&mut plan.nodes[parent], &key, src)?,
            },
        }
    }
    Ok(())
}
