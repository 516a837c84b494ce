//! Python bindings of planlint (module `planlint._planlint`, re-exported by the pure-Python
//! package `planlint`).
//!
//! The bindings only translate: every behaviour lives in the Rust core. This crate converts
//! Python arguments into core calls (with the GIL released while the core works), core values
//! into Python objects (through the canonical serialization, see `topy`), core errors into
//! `planlint.ParseError`, and a panic — which must never happen — into `planlint.InternalError`
//! instead of letting it cross into the interpreter.

mod topy;

use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::OnceLock;

use planlint::model::Properties;
use planlint::{Config, Format, Node, NodeId, ParseOptions, Plan};
use pyo3::exceptions::{PyAttributeError, PyIndexError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::pybacked::{PyBackedBytes, PyBackedStr};
use pyo3::types::{PyBytes, PyList, PyString};

use topy::{Pick, to_py};

pyo3::import_exception!(planlint._errors, ParseError);
pyo3::import_exception!(planlint._errors, InternalError);
pyo3::import_exception!(planlint._errors, ConfigError);

/// Runs `f` and turns a panic into `planlint.InternalError` (a panic is a bug in planlint;
/// it must not abort the interpreter nor surface as a `BaseException`).
fn guarded<T>(what: &str, f: impl FnOnce() -> T) -> PyResult<T> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        let detail = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        InternalError::new_err(format!(
            "planlint failed while {what} (this is a bug in planlint, please report it): {detail}"
        ))
    })
}

/// Plans nested deeper than this are serialized on a thread of their own: serialization nests
/// calls per plan level (about 0.5 KiB of stack each), and the caller's thread may have a small
/// stack (`threading.stack_size`). Parsing and analysis do not nest (docs/limits.md).
const DEEP_LEVELS: usize = 64;

/// The stack of that thread, per plan level (measured: ~0.5 KiB for JSON text, more for
/// Python objects; 4 KiB leaves room), and at least [`DEEP_STACK_MIN_BYTES`].
const DEEP_STACK_BYTES_PER_LEVEL: usize = 4 << 10;

/// The smallest stack of that thread.
const DEEP_STACK_MIN_BYTES: usize = 64 << 20;

/// Runs `f` on this thread when the plans it serializes nest at most [`DEEP_LEVELS`] deep
/// (`depth`), else on a thread with a stack sized for `depth` levels (the caller has released
/// the GIL, or `f` does not need it).
fn on_stack_for<R: Send>(depth: usize, f: impl FnOnce() -> PyResult<R> + Send) -> PyResult<R> {
    if depth <= DEEP_LEVELS {
        return f();
    }
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .name("planlint-deep-plan".into())
            .stack_size(DEEP_STACK_MIN_BYTES.max(depth.saturating_mul(DEEP_STACK_BYTES_PER_LEVEL)))
            .spawn_scoped(s, f)
            .map_err(|e| {
                InternalError::new_err(format!(
                    "planlint could not start a thread to serialize a deep plan: {e}"
                ))
            })?
            .join()
            .unwrap_or_else(|_| {
                Err(InternalError::new_err(
                    "planlint failed while serializing a deep plan (this is a bug in planlint, please report it)",
                ))
            })
    })
}

/// A value of `plan` as Python objects (`to_dict`), on a large stack when the plan is deep.
fn plan_to_py<'py, T: serde::Serialize + Sync + ?Sized>(
    py: Python<'py>,
    plan: &Plan,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    let depth = plan.max_depth();
    if depth <= DEEP_LEVELS {
        return guarded("converting", || to_py(py, value))?;
    }
    py.detach(|| {
        on_stack_for(depth, || {
            Python::attach(|py| guarded("converting", || to_py(py, value).map(Bound::unbind))?)
        })
    })
    .map(|o| o.into_bound(py))
}

/// Plans as JSON text (GIL released), on a large stack when one is deep.
fn plans_json<T: serde::Serialize + Sync + ?Sized>(
    py: Python<'_>,
    plans: &[&Plan],
    value: &T,
    pretty: bool,
) -> PyResult<String> {
    py.detach(|| {
        let depth = plans.iter().map(|p| p.max_depth()).max().unwrap_or(0);
        on_stack_for(depth, || {
            guarded("serializing", || json_text(value, pretty))?
        })
    })
}

/// The Python exception for a core parse error.
fn parse_error(e: planlint::Error) -> PyErr {
    ParseError::new_err((e.message, e.line, e.column, e.kind.as_str(), e.offset))
}

/// The format named by the `format` argument (`None`: detect).
fn format_arg(format: Option<&str>) -> PyResult<Option<Format>> {
    match format {
        None => Ok(None),
        Some(name) if name.eq_ignore_ascii_case("auto") => Ok(None),
        Some(name) => Format::from_name(name).map(Some).ok_or_else(|| {
            PyValueError::new_err(format!(
                "unknown format {name:?}: expected 'json', 'text', 'yaml', 'xml', 'auto' or None"
            ))
        }),
    }
}

/// The deepest plan Python may ask for (`max_depth` above it is a `ValueError`): converting a
/// plan nests calls per level, on a thread whose stack is sized for [`MAX_DEPTH_LIMIT`] levels.
const MAX_DEPTH_LIMIT: usize = 100_000;

/// The parse options from the keyword arguments (`None`: the core's default).
fn parse_options(
    format: Option<&str>,
    max_depth: Option<usize>,
    max_input_bytes: Option<usize>,
) -> PyResult<ParseOptions> {
    let mut options = ParseOptions::default();
    options.format = format_arg(format)?;
    if let Some(depth) = max_depth {
        if depth > MAX_DEPTH_LIMIT {
            return Err(PyValueError::new_err(format!(
                "max_depth {depth} is above {MAX_DEPTH_LIMIT}, the most planlint's Python bindings allow"
            )));
        }
        options.max_depth = depth;
    }
    if let Some(bytes) = max_input_bytes {
        options.max_input_bytes = bytes;
    }
    Ok(options)
}

/// Parses EXPLAIN output (str or bytes) into plans, with the GIL released.
#[pyfunction]
#[pyo3(signature = (source, format = None, *, max_depth = None, max_input_bytes = None))]
fn parse(
    py: Python<'_>,
    source: &Bound<'_, PyAny>,
    format: Option<&str>,
    max_depth: Option<usize>,
    max_input_bytes: Option<usize>,
) -> PyResult<Vec<Py<PyPlan>>> {
    let options = parse_options(format, max_depth, max_input_bytes)?;
    let result = if let Ok(s) = source.cast::<PyString>() {
        let text: PyBackedStr = s.clone().try_into()?;
        let text: &str = &text;
        py.detach(|| guarded("parsing", || planlint::parse_with(text, &options)))?
    } else if let Ok(b) = source.cast::<PyBytes>() {
        let bytes: PyBackedBytes = b.clone().into();
        let bytes: &[u8] = &bytes;
        py.detach(|| guarded("parsing", || planlint::parse_bytes(bytes, &options)))?
    } else {
        return Err(PyTypeError::new_err(format!(
            "parse() expects str or bytes, not {}",
            source.get_type().name()?
        )));
    };
    let plans = result.map_err(parse_error)?;
    plans
        .into_iter()
        .map(|plan| Py::new(py, PyPlan { plan }))
        .collect()
}

/// Serializes plans as the CLI's `planlint parse` prints them (a JSON array).
#[pyfunction]
#[pyo3(signature = (plans, *, pretty = true))]
fn to_json(py: Python<'_>, plans: Vec<Py<PyPlan>>, pretty: bool) -> PyResult<String> {
    let refs: Vec<&Plan> = plans.iter().map(|p| &p.get().plan).collect();
    plans_json(py, &refs, &refs, pretty)
}

/// Canonical JSON text (pretty: two-space indent, like the CLI).
fn json_text<T: serde::Serialize + ?Sized>(value: &T, pretty: bool) -> PyResult<String> {
    let text = if pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    };
    text.map_err(|e| PyValueError::new_err(e.to_string()))
}

/// The JSON Schema of the canonical JSON (what `planlint schema` prints), as a dict.
#[pyfunction]
fn schema(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    let schema = guarded("building the schema", planlint::model::plan_schema)?;
    to_py(py, &schema)
}

/// The canonical names of a properties struct's fields, groups flattened.
fn names<T: Properties>(
    cell: &'static OnceLock<HashSet<&'static str>>,
) -> &'static HashSet<&'static str> {
    cell.get_or_init(|| T::key_names().into_iter().map(|(_, name)| name).collect())
}

fn node_names() -> &'static HashSet<&'static str> {
    static CELL: OnceLock<HashSet<&'static str>> = OnceLock::new();
    names::<Node>(&CELL)
}

fn plan_names() -> &'static HashSet<&'static str> {
    static CELL: OnceLock<HashSet<&'static str>> = OnceLock::new();
    names::<Plan>(&CELL)
}

/// Reads one model field (by canonical name) through the canonical serialization: `None` when
/// the server did not print it.
fn field<'py, T: Properties>(
    py: Python<'py>,
    value: &T,
    name: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let mut pick = Pick::new(py, name);
    guarded("reading a field", || value.serialize_fields(&mut pick))?.map_err(|e| e.0)?;
    Ok(pick.found.unwrap_or_else(|| py.None().into_bound(py)))
}

/// One plan: the node tree and the query-level items around it (planning and execution time,
/// triggers, JIT, settings…). Every field of the model is an attribute, named as in the
/// canonical JSON; a property the server did not print is None.
#[pyclass(name = "Plan", module = "planlint", frozen)]
pub struct PyPlan {
    plan: Plan,
}

impl PyPlan {
    fn node_obj(slf: &Bound<'_, PyPlan>, id: NodeId) -> PyResult<Py<PyNode>> {
        Py::new(
            slf.py(),
            PyNode {
                plan: slf.clone().unbind(),
                id,
            },
        )
    }
}

#[pymethods]
impl PyPlan {
    /// The root node (None for a statement without a plan tree, such as NOTIFY).
    #[getter]
    fn root(slf: &Bound<'_, Self>) -> PyResult<Option<Py<PyNode>>> {
        if slf.get().plan.nodes.is_empty() {
            return Ok(None);
        }
        Self::node_obj(slf, 0).map(Some)
    }

    /// Every node, in the server's depth-first order (parents before children; root first).
    #[getter]
    fn nodes(slf: &Bound<'_, Self>) -> PyResult<Vec<Py<PyNode>>> {
        (0..slf.get().plan.nodes.len())
            .map(|id| Self::node_obj(slf, id))
            .collect()
    }

    /// The node with this id (its position in `nodes`).
    fn node(slf: &Bound<'_, Self>, id: usize) -> PyResult<Py<PyNode>> {
        if id >= slf.get().plan.nodes.len() {
            return Err(PyIndexError::new_err(format!(
                "node id {id} out of range: the plan has {} nodes",
                slf.get().plan.nodes.len()
            )));
        }
        Self::node_obj(slf, id)
    }

    /// Iterates over every node, in the server's depth-first order.
    fn __iter__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let nodes = Self::nodes(slf)?;
        PyList::new(slf.py(), nodes)?
            .try_iter()
            .map(|i| i.into_any())
    }

    /// The number of nodes.
    fn __len__(&self) -> usize {
        self.plan.nodes.len()
    }

    /// For a statement without a plan tree, what the server printed instead (Notify, Utility
    /// Statement, CREATE TABLE AS…); None otherwise.
    #[getter]
    fn utility(&self) -> Option<&str> {
        self.plan.utility.as_deref()
    }

    /// Statement duration in ms, when the plan came from a server log.
    #[getter]
    fn duration(&self) -> Option<f64> {
        self.plan.duration
    }

    /// The EXPLAIN options the plan shows it was produced with (a missing key: the output
    /// does not say).
    #[getter]
    fn options<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.plan.options)
    }

    /// Properties the model does not know, by the server's own key, with their raw values.
    #[getter]
    fn extra<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.plan.extra)
    }

    /// The plan's canonical JSON as Python objects: equal to the element of `planlint parse`
    /// output for this plan.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        plan_to_py(py, &self.plan, &self.plan)
    }

    /// The plan's canonical JSON text (pretty: two-space indent).
    #[pyo3(signature = (*, pretty = true))]
    fn to_json(&self, py: Python<'_>, pretty: bool) -> PyResult<String> {
        let plan = &self.plan;
        plans_json(py, &[plan], plan, pretty)
    }

    /// A plan-level field by its canonical name (`planning_time`, `execution_time`, `jit`…).
    fn __getattr__<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
        if !plan_names().contains(name) {
            return Err(PyAttributeError::new_err(format!(
                "'Plan' object has no attribute {name:?}"
            )));
        }
        field(py, &self.plan, name)
    }

    /// The names of the attributes, model fields included.
    fn __dir__(&self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = plan_names().iter().copied().collect();
        out.extend([
            "root", "nodes", "node", "utility", "duration", "options", "extra", "to_dict",
            "to_json",
        ]);
        out.sort_unstable();
        out
    }

    fn __repr__(&self) -> String {
        match self.plan.root() {
            Some(root) => format!(
                "<Plan {} ({} node{})>",
                root.node_type(),
                self.plan.nodes.len(),
                if self.plan.nodes.len() == 1 { "" } else { "s" }
            ),
            None => format!(
                "<Plan {}>",
                self.plan.utility.as_deref().unwrap_or("without nodes")
            ),
        }
    }
}

/// A plan node: one operation of the executor, with its estimates, its actual run-time
/// statistics and its properties. Every field of the model is an attribute named as in the
/// canonical JSON (`node_type`, `relation_name`, `actual_rows`, `rows_removed_by_filter`,
/// `shared_hit_blocks`…); a property the server did not print is None (absent is not zero).
#[pyclass(name = "Node", module = "planlint", frozen)]
pub struct PyNode {
    plan: Py<PyPlan>,
    id: NodeId,
}

impl PyNode {
    fn node(&self) -> &Node {
        &self.plan.get().plan.nodes[self.id]
    }

    fn sibling(&self, py: Python<'_>, id: NodeId) -> PyResult<Py<PyNode>> {
        Py::new(
            py,
            PyNode {
                plan: self.plan.clone_ref(py),
                id,
            },
        )
    }
}

#[pymethods]
impl PyNode {
    /// The node's id: its position in `plan.nodes` (the root is 0).
    #[getter]
    fn id(&self) -> usize {
        self.id
    }

    /// The plan this node belongs to.
    #[getter]
    fn plan(&self, py: Python<'_>) -> Py<PyPlan> {
        self.plan.clone_ref(py)
    }

    /// The parent node (None for the root).
    #[getter]
    fn parent(&self, py: Python<'_>) -> PyResult<Option<Py<PyNode>>> {
        self.node().parent.map(|p| self.sibling(py, p)).transpose()
    }

    /// The child nodes, in the server's order (InitPlans, outer, inner, members, SubPlans).
    #[getter]
    fn children(&self, py: Python<'_>) -> PyResult<Vec<Py<PyNode>>> {
        self.node()
            .children
            .iter()
            .map(|&c| self.sibling(py, c))
            .collect()
    }

    /// Depth in the tree (the root is 0).
    #[getter]
    fn depth(&self) -> usize {
        self.plan.get().plan.depth(self.id)
    }

    /// This node and every node under it, in the server's depth-first order.
    fn walk(&self, py: Python<'_>) -> PyResult<Vec<Py<PyNode>>> {
        // Ids are pre-order: the subtree is the range from this node to its last descendant.
        let nodes = &self.plan.get().plan.nodes;
        let mut last = self.id;
        while let Some(&c) = nodes[last].children.last() {
            last = c;
        }
        (self.id..=last).map(|id| self.sibling(py, id)).collect()
    }

    /// Properties the model does not know, by the server's own key, with their raw values.
    #[getter]
    fn extra<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.node().extra)
    }

    /// The node's canonical JSON as Python objects, with its subtree nested in `children`
    /// (`children=False`: the node's own properties only).
    #[pyo3(signature = (*, children = true))]
    fn to_dict<'py>(&self, py: Python<'py>, children: bool) -> PyResult<Bound<'py, PyAny>> {
        let plan = &self.plan.get().plan;
        if children {
            plan_to_py(py, plan, &plan.subtree(self.id))
        } else {
            guarded("converting", || to_py(py, &plan.nodes[self.id]))?
        }
    }

    /// A field by its canonical name.
    fn __getattr__<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
        if !node_names().contains(name) {
            return Err(PyAttributeError::new_err(format!(
                "'Node' object has no attribute {name:?}"
            )));
        }
        field(py, self.node(), name)
    }

    /// The names of the attributes, model fields included.
    fn __dir__(&self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = node_names().iter().copied().collect();
        out.extend([
            "id", "plan", "parent", "children", "depth", "walk", "extra", "to_dict",
        ]);
        out.sort_unstable();
        out
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        match other.cast::<PyNode>() {
            Ok(o) => {
                let o = o.get();
                o.id == self.id && o.plan.is(&self.plan)
            }
            Err(_) => false,
        }
    }

    fn __hash__(&self) -> u64 {
        (self.plan.as_ptr() as u64)
            .wrapping_mul(31)
            .wrapping_add(self.id as u64)
    }

    fn __repr__(&self) -> String {
        let n = self.node();
        let mut s = format!("<Node {} {}", self.id, n.node_type());
        if let Some(r) = &n.relation_name {
            s.push_str(" on ");
            s.push_str(r);
        } else if let Some(i) = &n.index_name {
            s.push_str(" using ");
            s.push_str(i);
        }
        s.push('>');
        s
    }
}

/// The Python exception for an invalid configuration.
fn config_error(e: planlint::Error) -> PyErr {
    ConfigError::new_err((e.message, e.line, e.column))
}

/// Analyzes plans (with the GIL released) and returns, per plan, the data `planlint analyze
/// --format json` prints for it. `config`: `planlint.toml` text (None: the defaults).
#[pyfunction]
#[pyo3(name = "_analyze_plans", signature = (plans, config = None))]
fn analyze_plans<'py>(
    py: Python<'py>,
    plans: Vec<Py<PyPlan>>,
    config: Option<&str>,
) -> PyResult<Vec<Bound<'py, PyAny>>> {
    let config = match config {
        None => Config::default(),
        Some(text) => py
            .detach(|| guarded("reading the configuration", || Config::from_toml(text)))?
            .map_err(config_error)?,
    };
    let refs: Vec<&Plan> = plans.iter().map(|p| &p.get().plan).collect();
    let analyses = py.detach(|| {
        guarded("analyzing", || {
            refs.iter()
                .map(|p| planlint::analyze(p, &config))
                .collect::<Vec<_>>()
        })
    })?;
    analyses.iter().map(|a| to_py(py, a)).collect()
}

/// One rule, as `planlint.rules()` describes it.
#[derive(serde::Serialize)]
struct RuleInfo {
    id: &'static str,
    summary: &'static str,
    doc: String,
    thresholds: Vec<ThresholdInfo>,
}

/// One threshold of a rule.
#[derive(serde::Serialize)]
struct ThresholdInfo {
    name: &'static str,
    default: f64,
    doc: String,
}

/// Every rule the core runs, in order: id, summary, documentation, thresholds.
#[pyfunction]
#[pyo3(name = "_rules")]
fn rules(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    let list: Vec<RuleInfo> = planlint::rules::RULES
        .iter()
        .map(|r| RuleInfo {
            id: r.id,
            summary: r.summary(),
            doc: r.doc_text(),
            thresholds: r
                .params
                .iter()
                .map(|p| ThresholdInfo {
                    name: p.name,
                    default: p.default,
                    doc: p.doc.split_whitespace().collect::<Vec<_>>().join(" "),
                })
                .collect(),
        })
        .collect();
    to_py(py, &list)
}

/// Panics inside the boundary's panic guard: lets the tests check that a panic surfaces as
/// `planlint.InternalError` (never useful otherwise).
#[pyfunction]
fn _panic_for_tests() -> PyResult<()> {
    guarded("running the panic test hook", || {
        std::panic::panic_any("a panic raised on purpose by _panic_for_tests")
    })
}

/// The native part of planlint (the public API is the `planlint` package).
#[pymodule]
fn _planlint(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<PyPlan>()?;
    m.add_class::<PyNode>()?;
    m.add_function(wrap_pyfunction!(parse, m)?)?;
    m.add_function(wrap_pyfunction!(to_json, m)?)?;
    m.add_function(wrap_pyfunction!(schema, m)?)?;
    m.add_function(wrap_pyfunction!(analyze_plans, m)?)?;
    m.add_function(wrap_pyfunction!(rules, m)?)?;
    m.add_function(wrap_pyfunction!(_panic_for_tests, m)?)?;
    Ok(())
}
