//! WebAssembly bindings of planlint, wrapped by the npm package `planlint` (see `js/`).
//!
//! This crate only translates. Text (or bytes) and the caller's options (as JSON) go in; the
//! canonical JSON goes out — the very bytes `planlint parse --compact` prints, or the pretty form
//! `planlint parse` prints — or a failure `{name, kind, message, line, column, offset}` as JSON.
//! The JavaScript wrapper turns the JSON into objects (`JSON.parse`, faster than building objects
//! across the boundary) and a failure into a `PlanlintError` (or a `TypeError` for bad options).
//! Everything with behaviour lives in the core crate `planlint`.

use serde::Deserialize;
use wasm_bindgen::prelude::*;

/// What the caller can set, as JavaScript spells it (`{format, maxDepth, maxInputBytes, pretty,
/// select, ignore, config}`).
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct Options {
    /// The input's format: `auto` (default), `json`, `text`, `yaml` or `xml`.
    pub format: Option<String>,
    /// How many levels of plan nodes may nest (core default: 1,000).
    pub max_depth: Option<usize>,
    /// The largest input accepted, in bytes (core default: 256 MiB).
    pub max_input_bytes: Option<usize>,
    /// Pretty-print the JSON (two-space indent, as `planlint parse` prints it) instead of compact.
    pub pretty: bool,
    /// Analysis: run only these rules (as `planlint analyze --select`; replaces `config`'s).
    pub select: Option<Vec<String>>,
    /// Analysis: never run these rules (as `--ignore`; added to `config`'s).
    pub ignore: Vec<String>,
    /// Analysis: the text of a `planlint.toml` (rule selection and thresholds).
    pub config: Option<String>,
}

/// The deepest plan the WebAssembly build accepts (`maxDepth` above it is refused): writing the
/// canonical JSON nests calls per plan level, on the wasm stack and on the JavaScript engine's
/// native stack, which the page does not control; see build.rs for the measurements.
pub const MAX_DEPTH_LIMIT: usize = 3_000;

/// Why a call failed.
#[derive(Debug)]
pub enum Failure {
    /// The input could not be parsed (thrown as `PlanlintError`).
    Input(planlint::Error),
    /// The options are wrong (thrown as `TypeError`).
    Options(String),
}

impl Options {
    /// Reads the options object the wrapper serialized (`None` or `""`: all defaults).
    pub fn from_json(json: Option<&str>) -> Result<Options, Failure> {
        match json {
            None | Some("") => Ok(Options::default()),
            Some(text) => serde_json::from_str(text)
                .map_err(|e| Failure::Options(format!("planlint options: {e}"))),
        }
    }

    /// The core's parse options these stand for.
    pub fn parse_options(&self) -> Result<planlint::ParseOptions, Failure> {
        let mut o = planlint::ParseOptions::default();
        o.format = match self.format.as_deref() {
            None | Some("auto") => None,
            Some(name) => Some(planlint::Format::from_name(name).ok_or_else(|| {
                Failure::Options(format!(
                    "planlint options: unknown format {name:?}, expected \"auto\", \"json\", \"text\", \"yaml\" or \"xml\""
                ))
            })?),
        };
        if let Some(d) = self.max_depth {
            if d > MAX_DEPTH_LIMIT {
                return Err(Failure::Options(format!(
                    "planlint options: maxDepth {d} is above {MAX_DEPTH_LIMIT}, the most the WebAssembly build allows (see the README, Limits)"
                )));
            }
            o.max_depth = d;
        }
        if let Some(b) = self.max_input_bytes {
            o.max_input_bytes = b;
        }
        Ok(o)
    }
}

impl Options {
    /// The analysis configuration these stand for, checked as the CLI checks its own.
    pub fn analysis_config(&self) -> Result<planlint::Config, Failure> {
        let mut config = match &self.config {
            Some(text) => planlint::Config::from_toml(text).map_err(|e| {
                Failure::Options(format!(
                    "planlint options: config: line {}, column {}: {}",
                    e.line, e.column, e.message
                ))
            })?,
            None => planlint::Config::default(),
        };
        let select = self.select.iter().flatten();
        if let Some(id) = select
            .chain(&self.ignore)
            .find(|id| planlint::rules::rule(id).is_none())
        {
            return Err(Failure::Options(format!(
                "planlint options: unknown rule {id:?} in select/ignore; `planlint rules` lists the ids"
            )));
        }
        if let Some(select) = &self.select {
            config.select = Some(select.clone());
        }
        config.ignore.extend(self.ignore.iter().cloned());
        Ok(config)
    }
}

/// Serializes `value` as the CLI does (compact, or pretty when asked).
fn to_json<T: serde::Serialize>(value: &T, pretty: bool) -> String {
    let out = if pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    };
    // The canonical forms hold only strings, finite numbers, booleans, maps and sequences.
    out.unwrap_or_else(|e| format!("\"planlint: serializing failed: {e}\""))
}

/// Parses text: the canonical JSON of every plan in it (an array), as `planlint parse` prints it.
pub fn parse_text(source: &str, options: Option<&str>) -> Result<String, Failure> {
    let options = Options::from_json(options)?;
    let plans = planlint::parse_with(source, &options.parse_options()?).map_err(Failure::Input)?;
    Ok(to_json(&plans, options.pretty))
}

/// Parses bytes (invalid UTF-8 becomes U+FFFD, as the CLI reads files).
pub fn parse_bytes(source: &[u8], options: Option<&str>) -> Result<String, Failure> {
    let options = Options::from_json(options)?;
    let plans = planlint::parse_bytes(source, &options.parse_options()?).map_err(Failure::Input)?;
    Ok(to_json(&plans, options.pretty))
}

/// Analyzes plans already parsed: `{"plans": [...]}`, as `planlint analyze --format json`.
fn analysis_json(plans: &[planlint::Plan], options: &Options) -> Result<String, Failure> {
    let config = options.analysis_config()?;
    let report = planlint::Report {
        plans: plans
            .iter()
            .map(|p| planlint::analyze(p, &config))
            .collect(),
    };
    Ok(to_json(&report, options.pretty))
}

/// Analyzes text: one analysis per plan in it, as `planlint analyze --format json` prints them.
pub fn analyze_text(source: &str, options: Option<&str>) -> Result<String, Failure> {
    let options = Options::from_json(options)?;
    let parse_options = options.parse_options()?;
    options.analysis_config()?; // option errors before input errors, as the CLI
    let plans = planlint::parse_with(source, &parse_options).map_err(Failure::Input)?;
    analysis_json(&plans, &options)
}

/// Analyzes bytes (invalid UTF-8 becomes U+FFFD, as the CLI reads files).
pub fn analyze_bytes(source: &[u8], options: Option<&str>) -> Result<String, Failure> {
    let options = Options::from_json(options)?;
    let parse_options = options.parse_options()?;
    options.analysis_config()?;
    let plans = planlint::parse_bytes(source, &parse_options).map_err(Failure::Input)?;
    analysis_json(&plans, &options)
}

impl Failure {
    /// The failure as JSON (`{name, kind, message, line, column, offset}`), which the wrapper
    /// turns into the error it throws. A string, so that no JavaScript object has to be built
    /// from Rust (and a string is never what a trap throws).
    pub fn to_json(&self) -> String {
        let value = match self {
            Failure::Input(e) => serde_json::json!({
                "name": "PlanlintError",
                "kind": e.kind.as_str(),
                "message": e.message,
                "line": e.line,
                "column": e.column,
                "offset": e.offset,
            }),
            Failure::Options(message) => serde_json::json!({
                "name": "TypeError",
                "message": message,
            }),
        };
        value.to_string()
    }
}

impl From<Failure> for JsValue {
    /// The failure as a JavaScript string holding its JSON.
    fn from(f: Failure) -> JsValue {
        JsValue::from_str(&f.to_json())
    }
}

/// `parse` on a string: the canonical JSON, or a failure object.
#[wasm_bindgen(js_name = parseText)]
pub fn wasm_parse_text(source: &str, options: Option<String>) -> Result<String, JsValue> {
    parse_text(source, options.as_deref()).map_err(JsValue::from)
}

/// `parse` on bytes (a `Uint8Array`): the canonical JSON, or a failure object.
#[wasm_bindgen(js_name = parseBytes)]
pub fn wasm_parse_bytes(source: &[u8], options: Option<String>) -> Result<String, JsValue> {
    parse_bytes(source, options.as_deref()).map_err(JsValue::from)
}

/// `analyze` on a string: `{"plans": [...]}` as JSON, or a failure.
#[wasm_bindgen(js_name = analyzeText)]
pub fn wasm_analyze_text(source: &str, options: Option<String>) -> Result<String, JsValue> {
    analyze_text(source, options.as_deref()).map_err(JsValue::from)
}

/// `analyze` on bytes (a `Uint8Array`): `{"plans": [...]}` as JSON, or a failure.
#[wasm_bindgen(js_name = analyzeBytes)]
pub fn wasm_analyze_bytes(source: &[u8], options: Option<String>) -> Result<String, JsValue> {
    analyze_bytes(source, options.as_deref()).map_err(JsValue::from)
}

/// The version of the core the package was built from.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

thread_local! {
    /// The message of the last panic (a planlint bug), kept for the wrapper's error.
    static PANIC: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Installs the panic hook. A panic aborts (a WebAssembly trap); the hook keeps its message so
/// the wrapper can throw a `PlanlintError` of kind `internal` that says what happened.
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        let message = info.to_string();
        PANIC.with(|p| *p.borrow_mut() = Some(message));
    }));
}

/// The message of the panic that ended the last call, if one did (taken: asked once).
#[wasm_bindgen(js_name = takePanic)]
pub fn take_panic() -> Option<String> {
    PANIC.with(|p| p.borrow_mut().take())
}

/// Panics on purpose, so that the package's tests can check that a panic (which would be a
/// planlint bug) reaches JavaScript as a `PlanlintError` and that the module is usable after.
#[doc(hidden)]
#[wasm_bindgen(js_name = __testPanic)]
pub fn test_panic(_source: &str, _options: Option<String>) -> Result<String, JsValue> {
    panic!("a deliberate panic, for the tests of the trap path")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_read_with_javascript_names_and_checked() {
        let o = Options::from_json(Some(r#"{"format":"yaml","maxDepth":50,"pretty":true}"#))
            .unwrap_or_else(|_| panic!("valid options"));
        let p = o.parse_options().unwrap_or_else(|_| panic!("valid"));
        assert_eq!(p.format, Some(planlint::Format::Yaml));
        assert_eq!(p.max_depth, 50);
        assert!(o.pretty);
        for bad in [
            r#"{"fromat":"json"}"#,
            r#"{"format":"csv"}"#,
            r#"{"maxDepth":-1}"#,
        ] {
            let r = Options::from_json(Some(bad)).and_then(|o| o.parse_options());
            assert!(matches!(r, Err(Failure::Options(_))), "{bad}");
        }
        let too_deep =
            Options::from_json(Some(r#"{"maxDepth":3001}"#)).unwrap_or_else(|_| panic!());
        assert!(matches!(too_deep.parse_options(), Err(Failure::Options(_))));
    }

    #[test]
    fn analysis_options_are_checked_like_the_cli_checks_its_own() {
        let o = Options::from_json(Some(
            r#"{"select":["seq-scan-filter"],"ignore":["planning-time"],"config":"min_time_ms = 5"}"#,
        ))
        .unwrap_or_else(|_| panic!("valid options"));
        let c = o
            .analysis_config()
            .unwrap_or_else(|_| panic!("valid config"));
        assert_eq!(c.select, Some(vec!["seq-scan-filter".to_string()]));
        assert_eq!(c.ignore, vec!["planning-time".to_string()]);
        assert_eq!(c.min_time_ms, Some(5.0));
        for bad in [
            r#"{"select":["no-such-rule"]}"#,
            r#"{"ignore":["seq_scan_filter"]}"#,
            r#"{"config":"selct = []"}"#,
        ] {
            let r = Options::from_json(Some(bad)).and_then(|o| o.analysis_config());
            assert!(matches!(r, Err(Failure::Options(_))), "{bad}");
        }
    }

    #[test]
    fn a_parse_failure_carries_kind_position_and_message() {
        // Hand-made input: one rule (the failure's JSON), not a plan.
        let Err(f) = parse_text(
            "[{\"Plan\": {\"Node Type\": \"Seq Scan\",\n \"Plan Rows\": \"x\"}}]",
            None,
        ) else {
            panic!("expected a failure")
        };
        let v: serde_json::Value = serde_json::from_str(&f.to_json()).unwrap();
        assert_eq!(v["name"], "PlanlintError");
        assert_eq!(v["kind"], "invalid");
        assert_eq!(
            (v["line"].as_u64(), v["column"].as_u64()),
            (Some(2), Some(15))
        );
        assert!(v["message"].as_str().unwrap().contains("Plan Rows"));
        let Err(f) = parse_text("[]", Some("{\"format\": 1}")) else {
            panic!("expected a failure")
        };
        assert!(f.to_json().starts_with("{\"message\":\"planlint options: "));
    }
}
