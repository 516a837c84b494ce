//! The committed JSON Schema of the canonical JSON stays what the model generates.
//! Regenerate with `PLANLINT_BLESS=1 cargo test -p planlint --test schema`.

use std::path::Path;

#[test]
fn committed_plan_schema_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/plan.schema.json");
    let generated = serde_json::to_string_pretty(&planlint::model::plan_schema()).unwrap() + "\n";
    if std::env::var_os("PLANLINT_BLESS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "core/schema/plan.schema.json is out of date: run PLANLINT_BLESS=1 cargo test -p planlint --test schema"
    );
}
