// planlint plan viewer: paste or drop EXPLAIN output, see the tree with where the time goes and
// what is wrong. Everything runs in this page: parse and analyze come from the planlint package
// (WebAssembly); this file only lays their answers out. No network, no storage, no permalink.

import init, { analyze, parse, PlanlintError, version } from "planlint";

await init();

const $ = (id) => document.getElementById(id);
const source = $("source");
const format = $("format");
const status = $("status");
const errorBox = $("error");
const plansBox = $("plans");
$("version").textContent = `planlint ${version()}`;

// ---------------------------------------------------------------------------------------------
// Formatting

const nf = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

function fmtMs(ms) {
  if (ms === undefined || ms === null) return "";
  if (ms >= 1000) return `${(ms / 1000).toFixed(ms >= 10000 ? 1 : 2)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 1) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(3)} ms`;
}

function fmtCount(n) {
  if (n === undefined || n === null) return "";
  const a = Math.abs(n);
  if (a >= 1e9) return `${(n / 1e9).toFixed(1)}G`;
  if (a >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${(n / 1e3).toFixed(0)}k`;
  return nf.format(n);
}

function fmtPct(share) {
  if (share === undefined || share === null) return "";
  const p = share * 100;
  return p >= 10 || p === 0 ? `${p.toFixed(0)}%` : `${p.toFixed(1)}%`;
}

/** Blocks of 8 kB as a size. */
function fmtBlocks(blocks) {
  const bytes = blocks * 8192;
  if (bytes >= 1 << 30) return `${(bytes / (1 << 30)).toFixed(1)} GB`;
  if (bytes >= 1 << 20) return `${(bytes / (1 << 20)).toFixed(1)} MB`;
  return `${(bytes / 1024).toFixed(0)} kB`;
}

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c !== undefined && c !== null && c !== false) e.append(c);
  }
  return e;
}

// ---------------------------------------------------------------------------------------------
// Nodes: a short label (as PostgreSQL's TEXT format names nodes) and the condition worth showing.

function label(n) {
  let s = n.parallel_aware ? "Parallel " : "";
  let type = n.node_type ?? "?";
  if (type === "Aggregate" && n.strategy) {
    const partial = n.partial_mode && n.partial_mode !== "Simple" ? `${n.partial_mode} ` : "";
    type = partial + ({ Hashed: "HashAggregate", Sorted: "GroupAggregate", Mixed: "MixedAggregate" }[n.strategy] ?? "Aggregate");
  } else if (type === "ModifyTable" && n.operation) {
    type = n.operation;
  } else if (["Hash Join", "Merge Join", "Nested Loop"].includes(type)) {
    const base = type === "Nested Loop" ? "Nested Loop" : type.replace(" Join", "");
    const jt = n.join_type && n.join_type !== "Inner" ? ` ${n.join_type} Join` : base === "Nested Loop" ? "" : " Join";
    type = base + jt;
  }
  s += type;
  if (n.index_name) s += ` using ${n.index_name}`;
  const target = n.relation_name ?? n.cte_name ?? n.function_name ?? n.table_function_name ?? n.tuplestore_name;
  if (target) {
    s += ` on ${n.schema ? `${n.schema}.` : ""}${target}`;
    if (n.alias && n.alias !== target) s += ` ${n.alias}`;
  }
  return s;
}

const CONDITIONS = [
  ["index_cond", "Index Cond"], ["hash_cond", "Hash Cond"], ["merge_cond", "Merge Cond"],
  ["recheck_cond", "Recheck Cond"], ["join_filter", "Join Filter"], ["filter", "Filter"],
  ["one_time_filter", "One-Time Filter"], ["sort_key", "Sort Key"], ["group_key", "Group Key"],
  ["subplan_name", ""], ["cte_name", "CTE"],
];

function details(n) {
  const out = [];
  for (const [key, name] of CONDITIONS) {
    const v = n[key];
    if (v === undefined || (key === "cte_name" && n.node_type === "CTE Scan")) continue;
    const text = Array.isArray(v) ? v.join(", ") : String(v);
    out.push(name ? `${name}: ${text}` : text);
  }
  if (n.rows_removed_by_filter) out.push(`Rows Removed by Filter: ${fmtCount(n.rows_removed_by_filter)}`);
  if (n.rows_removed_by_join_filter) out.push(`Rows Removed by Join Filter: ${fmtCount(n.rows_removed_by_join_filter)}`);
  if (n.sort_method) out.push(`Sort Method: ${n.sort_method}${n.sort_space_type ? ` (${n.sort_space_type})` : ""}`);
  return out;
}

/** The plan's nodes in pre-order (ids = indexes, as in the analysis), with depth and parent. */
function flatten(root) {
  const nodes = [];
  const stack = root ? [{ node: root, depth: 0, parent: null }] : [];
  while (stack.length) {
    const item = stack.pop();
    item.id = nodes.length;
    nodes.push(item);
    const kids = item.node.children ?? [];
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ node: kids[i], depth: item.depth + 1, parent: item.id });
  }
  // Subtree ends (exclusive), for collapsing: bottom-up over the pre-order.
  for (const item of nodes) item.end = item.id + 1;
  for (let i = nodes.length - 1; i > 0; i--) {
    const p = nodes[nodes[i].parent];
    p.end = Math.max(p.end, nodes[i].end);
  }
  return nodes;
}

// ---------------------------------------------------------------------------------------------
// Rendering

const SEVERITY_ORDER = { critical: 0, warning: 1, info: 2 };

function findingBox(f, { withNode, nodes } = {}) {
  const box = el("div", { class: `finding sev-${f.severity}`, "data-rule": f.rule, "data-node": f.node ?? "" },
    el("div", { class: "finding-head" },
      el("span", { class: "severity", text: f.severity }),
      el("code", { class: "rule", text: f.rule }),
      f.impact > 0 ? el("span", { class: "impact", title: "share of execution time the fix could save", text: `impact ${fmtPct(f.impact)}` }) : null,
      withNode && f.node !== null && f.node !== undefined ? el("span", { class: "where", text: `#${f.node} ${label(nodes[f.node].node)}` }) : null,
    ),
    el("div", { class: "message", text: f.message }),
  );
  if (f.fix?.text) box.append(el("div", { class: "fix", text: f.fix.text }));
  if (f.fix?.sql) {
    const pre = el("pre", { class: "sql" }, el("code", { text: f.fix.sql }));
    const copy = el("button", { type: "button", class: "copy", text: "copy SQL", onclick: () => navigator.clipboard?.writeText(f.fix.sql) });
    box.append(el("div", { class: "sql-box" }, pre, copy));
  }
  return box;
}

function rowsCell(n, m) {
  const actual = m?.actual_rows_total ?? (n.actual_rows !== undefined ? n.actual_rows * (n.actual_loops ?? 1) : undefined);
  const planned = m?.plan_rows_total ?? n.plan_rows;
  const cell = el("div", { class: "rows" });
  if (actual !== undefined) {
    cell.append(el("span", { class: "actual", title: "actual rows (all loops)", text: fmtCount(actual) }));
    if (planned !== undefined) cell.append(el("span", { class: "planned", title: "estimated rows", text: ` / est ${fmtCount(planned)}` }));
  } else if (planned !== undefined) {
    cell.append(el("span", { class: "planned", title: "estimated rows per loop", text: `est ${fmtCount(planned)}` }));
  }
  const factor = m?.estimate_factor;
  if (factor !== undefined && factor >= 2) {
    const under = m.estimate_direction === "under";
    cell.append(el("span", {
      class: `misestimate ${factor >= 100 ? "bad" : factor >= 10 ? "warn" : ""}`,
      title: under ? "more rows than estimated" : "fewer rows than estimated",
      text: `${under ? "▲" : "▼"} ×${fmtCount(Math.round(factor))}`,
    }));
  }
  if ((n.actual_loops ?? 1) > 1) cell.append(el("span", { class: "loops", title: "loops", text: ` ${fmtCount(n.actual_loops)} loops` }));
  return cell;
}

function buffersCell(m, n) {
  const b = m?.self_buffers;
  const cell = el("div", { class: "buffers" });
  if (!b) {
    if (n.shared_hit_blocks !== undefined) cell.title = "buffers (with children)";
    return cell;
  }
  const parts = [];
  if (b.shared_hit) parts.push(["hit", b.shared_hit, "shared buffers hit"]);
  if (b.shared_read) parts.push(["read", b.shared_read, "shared blocks read from disk or OS cache"]);
  if (b.shared_dirtied) parts.push(["dirtied", b.shared_dirtied, "shared blocks dirtied"]);
  if (b.shared_written) parts.push(["written", b.shared_written, "shared blocks written"]);
  const temp = b.temp_read + b.temp_written;
  if (temp) parts.push(["temp", temp, "temporary file blocks read and written"]);
  const local = b.local_hit + b.local_read;
  if (local) parts.push(["local", local, "local (temporary table) blocks"]);
  for (const [name, blocks, title] of parts) {
    cell.append(el("span", { class: `buf buf-${name}`, title: `${title}: ${nf.format(blocks)} blocks (${fmtBlocks(blocks)})`, text: `${name} ${fmtCount(blocks)}` }));
  }
  return cell;
}

function timeCell(m, n, slowest) {
  const self = m?.self_time_ms;
  const share = m?.self_time_share;
  const cell = el("div", { class: "time" });
  const bar = el("div", { class: "bar" });
  if (share !== undefined) {
    const fill = el("div", { class: `fill ${share >= 0.5 ? "hot" : share >= 0.2 ? "warm" : ""}` });
    fill.style.width = `${Math.max(0.5, Math.min(100, share * 100))}%`;
    bar.append(fill);
  }
  cell.append(bar);
  if (self !== undefined) {
    cell.append(el("span", { class: "ms", title: "self time: this node alone, all loops", text: fmtMs(self) }));
    if (share !== undefined) cell.append(el("span", { class: "pct", text: fmtPct(share) }));
  } else if (m?.never_executed || n.actual_loops === 0) {
    cell.append(el("span", { class: "never", text: "never executed" }));
  } else if (n.total_cost !== undefined) {
    cell.append(el("span", { class: "cost", title: "estimated total cost (no timing in this plan)", text: `cost ${fmtCount(n.total_cost)}` }));
  }
  if (slowest) cell.append(el("span", { class: "tag slowest-tag", text: "slowest" }));
  return cell;
}

function renderPlan(plan, analysis, index, count) {
  const nodes = flatten(plan.plan);
  const metrics = analysis?.nodes ?? [];
  const findings = analysis?.findings ?? [];
  const byNode = new Map();
  for (const f of findings) {
    if (f.node === null || f.node === undefined) continue;
    if (!byNode.has(f.node)) byNode.set(f.node, []);
    byNode.get(f.node).push(f);
  }
  let slowest = -1;
  for (const m of metrics) {
    if (m.self_time_ms !== undefined && (slowest < 0 || m.self_time_ms > metrics[slowest].self_time_ms)) slowest = m.id;
  }

  const section = el("section", { class: "plan", "data-plan": index });
  section.append(el("h2", { text: count > 1 ? `Plan ${index + 1} of ${count}` : "Plan" }), summary(plan, analysis));

  const tree = el("div", { class: "tree", role: "tree" });
  tree.append(el("div", { class: "node head" },
    el("div", { class: "time", text: "self time" }),
    el("div", { class: "label", text: "node" }),
    el("div", { class: "rows", text: "rows: actual / estimated" }),
    el("div", { class: "buffers", text: "buffers (self)" }),
  ));
  const rows = [];
  for (const item of nodes) {
    const n = item.node;
    const m = metrics[item.id];
    const hasKids = item.end > item.id + 1;
    const caret = el("button", { type: "button", class: "caret", "aria-label": "collapse", text: hasKids ? "▾" : "", disabled: !hasKids });
    const labelCell = el("div", { class: "label" },
      caret,
      n.parent_relationship && n.parent_relationship !== "Outer" && n.parent_relationship !== "Inner" && n.parent_relationship !== "Member"
        ? el("span", { class: "relationship", text: n.parent_relationship })
        : null,
      el("span", { class: "name", text: label(n) }),
      el("span", { class: "id", text: `#${item.id}` }),
      ...details(n).map((d) => el("div", { class: "detail", title: d, text: d })),
    );
    labelCell.style.paddingLeft = `${item.depth * 1.1 + 0.2}em`;
    const row = el("div", {
      class: `node${item.id === slowest ? " slowest" : ""}${byNode.has(item.id) ? " flagged" : ""}${m?.never_executed ? " never" : ""}`,
      role: "treeitem",
      "data-id": item.id,
      "data-slowest": item.id === slowest ? "true" : null,
    }, timeCell(m, n, item.id === slowest), labelCell, rowsCell(n, m), buffersCell(m, n));
    const notes = (byNode.get(item.id) ?? []).map((f) => findingBox(f));
    const group = el("div", { class: "node-group", "data-id": item.id }, row, notes.length ? el("div", { class: "notes" }, notes) : null);
    group.querySelector(".notes")?.style.setProperty("margin-left", `${item.depth * 1.1 + 10.5}em`);
    rows.push(group);
    caret.addEventListener("click", () => {
      const collapse = caret.textContent === "▾";
      caret.textContent = collapse ? "▸" : "▾";
      for (let i = item.id + 1; i < item.end; i++) {
        rows[i].hidden = collapse;
        if (!collapse) rows[i].querySelector(".caret").textContent = rows[i].querySelector(".caret").disabled ? "" : "▾";
      }
    });
  }
  tree.append(...rows);

  const aside = el("aside", { class: "findings" }, el("h3", { text: `Findings (${findings.length})` }));
  if (findings.length === 0) {
    aside.append(el("p", { class: "muted", text: "Nothing to report: the plan looks healthy." }));
  } else {
    const list = el("ol", { class: "ranked" });
    for (const f of findings) {
      const item = el("li", {}, findingBox(f, { withNode: true, nodes }));
      if (f.node !== null && f.node !== undefined) {
        item.classList.add("jump");
        item.addEventListener("click", () => {
          const target = rows[f.node];
          for (let p = nodes[f.node].parent; p !== null; p = nodes[p].parent) rows[p].hidden = false;
          target.hidden = false;
          target.scrollIntoView({ block: "center", behavior: "smooth" });
          target.classList.remove("flash");
          void target.offsetWidth;
          target.classList.add("flash");
        });
      }
      list.append(item);
    }
    aside.append(list);
  }
  const planWide = findings.filter((f) => f.node === null || f.node === undefined);
  if (planWide.length) section.append(el("div", { class: "plan-findings" }, planWide.map((f) => findingBox(f))));
  section.append(el("div", { class: "layout" }, tree, aside));
  return section;
}

function summary(plan, analysis) {
  const s = analysis?.summary;
  const chips = [];
  const chip = (name, value, title) => value !== undefined && value !== "" && chips.push(el("span", { class: "chip", title }, el("b", { text: name }), ` ${value}`));
  chip("execution", fmtMs(s?.execution_time_ms ?? plan.execution_time), "Execution Time");
  chip("planning", fmtMs(s?.planning_time_ms ?? plan.planning_time), "Planning Time");
  chip("nodes", s?.node_count ?? undefined, "nodes in the plan");
  if (s?.never_executed_count) chip("never executed", s.never_executed_count, "nodes that never ran");
  if (s?.max_estimate_factor >= 10) chip("worst estimate", `×${fmtCount(Math.round(s.max_estimate_factor))}`, "largest row misestimate");
  if (s?.buffers_total) chip("buffers", `hit ${fmtCount(s.buffers_total.shared_hit)} · read ${fmtCount(s.buffers_total.shared_read)}`, "shared buffers, all nodes");
  if (s?.jit_time_ms) chip("JIT", fmtMs(s.jit_time_ms), "JIT compilation");
  if (s?.trigger_time_ms) chip("triggers", fmtMs(s.trigger_time_ms), "time in triggers");
  if (s) {
    const f = s.findings;
    chip("findings", `${f.critical} critical · ${f.warning} warning · ${f.info} info`, "findings by severity");
  }
  const opts = Object.entries(plan.options ?? {}).filter(([, v]) => v === true).map(([k]) => k.toUpperCase());
  if (opts.length) chip("options", opts.join(" "), "EXPLAIN options the plan shows");
  return el("div", { class: "summary" }, chips);
}

// ---------------------------------------------------------------------------------------------
// Input

function showError(e, text) {
  plansBox.replaceChildren();
  errorBox.hidden = false;
  errorBox.replaceChildren();
  if (e instanceof PlanlintError) {
    errorBox.append(el("div", { class: "error-head", text: e.line ? `Line ${e.line}, column ${e.column}: ${e.reason}` : e.reason }));
    if (e.line && typeof text === "string") {
      const line = text.split("\n")[e.line - 1] ?? "";
      const start = Math.max(0, e.column - 60);
      errorBox.append(el("pre", { class: "excerpt", text: `${line.slice(start, start + 120)}\n${" ".repeat(e.column - 1 - start)}^` }));
    }
  } else {
    errorBox.append(el("div", { class: "error-head", text: String(e?.message ?? e) }));
  }
  status.textContent = "";
}

function read(input) {
  const options = { format: format.value };
  const started = performance.now();
  let plans;
  let analyses;
  try {
    plans = parse(input, options);
    analyses = analyze(input, options);
  } catch (e) {
    showError(e, typeof input === "string" ? input : new TextDecoder().decode(input));
    return;
  }
  const ms = performance.now() - started;
  errorBox.hidden = true;
  plansBox.replaceChildren(...plans.map((p, i) => renderPlan(p, analyses?.[i], i, plans.length)));
  status.textContent = `${plans.length} plan${plans.length === 1 ? "" : "s"} read in ${fmtMs(ms)}`;
}

$("read").addEventListener("click", () => read(source.value));
source.addEventListener("keydown", (e) => {
  if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) read(source.value);
});
source.addEventListener("paste", () => setTimeout(() => read(source.value), 0));
format.addEventListener("change", () => source.value.trim() && read(source.value));

async function readFile(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  source.value = bytes.length <= 2 << 20 ? new TextDecoder().decode(bytes) : `(${file.name}: ${fmtCount(bytes.length)} bytes, not shown)`;
  read(bytes);
}

$("file").addEventListener("change", (e) => e.target.files[0] && readFile(e.target.files[0]));
const drop = $("drop");
let dragDepth = 0;
window.addEventListener("dragenter", (e) => {
  e.preventDefault();
  dragDepth++;
  drop.hidden = false;
});
window.addEventListener("dragleave", () => {
  if (--dragDepth <= 0) drop.hidden = true;
});
window.addEventListener("dragover", (e) => e.preventDefault());
window.addEventListener("drop", (e) => {
  e.preventDefault();
  dragDepth = 0;
  drop.hidden = true;
  const file = e.dataTransfer?.files?.[0];
  if (file) readFile(file);
  else if (e.dataTransfer?.getData("text")) {
    source.value = e.dataTransfer.getData("text");
    read(source.value);
  }
});

document.body.dataset.ready = "true";
