//! The JSON Schema of the canonical JSON, generated from the model's property tables.

use serde_json::{Value, json};

use super::value::Defs;

/// The JSON Schema (draft 2020-12) of `planlint parse`'s output: an array of plans.
pub fn plan_schema() -> Value {
    let mut defs = Defs::new();
    let plan = super::plan::plan_object_schema(&mut defs);
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://planlint.dev/schema/plan.schema.json",
        "title": "planlint plans",
        "description": "The canonical JSON form of PostgreSQL EXPLAIN plans, as printed by `planlint parse`: one element per plan found in the input. Keys are the server's keys in snake case; absent means the server did not print the property.",
        "type": "array",
        "items": plan,
        "$defs": defs,
    })
}
