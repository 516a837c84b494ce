// The demo page end to end: served on 127.0.0.1 by serve.mjs, driven in Debian's headless
// Chromium by playwright-core. A corpus plan is opened as a file: the page must show its tree,
// mark the slowest node (the one the analysis gives the most self time), and show the top
// finding both in the ranked list and beside the node it concerns. A broken plan must give a
// positioned error. Screenshots go to artifacts/ (git-ignored), for people to look at.

import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { chromium } from "playwright-core";
import * as planlint from "planlint";
import { corpusDir, readEntry, root, select } from "../tests/support.mjs";
import { serve } from "./serve.mjs";

const artifacts = join(root, "artifacts");
const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

let server;
let browser;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  server = await serve(0);
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** A page on the demo that records errors and every request it makes. */
async function openDemo() {
  const page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
  const problems = [];
  const requests = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
  page.on("request", (r) => requests.push(r.url()));
  await page.goto(`${server.url}example/`);
  await page.waitForSelector("body[data-ready=true]", { timeout: 30_000 });
  return { page, problems, requests };
}

// A join whose estimates are off and whose index is half used (several nodes, several findings),
// captured as TEXT: the page reads any format.
const entry = select(
  (e) => e.query === "correlated_columns_join" && e.variant === "analyze" && e.format === "text" && e.framing === "raw",
).sort((a, b) => b.major - a.major)[0];

test("a corpus plan opened as a file: tree, slowest node, top finding beside its node", async () => {
  const bytes = readEntry(entry);
  const [plan] = planlint.parse(bytes);
  const [analysis] = planlint.analyze(bytes);
  const slowest = analysis.nodes.reduce((a, b) => ((b.self_time_ms ?? -1) > (a.self_time_ms ?? -1) ? b : a));
  const top = analysis.findings[0];
  assert.ok(top, "the plan has findings");

  const { page, problems, requests } = await openDemo();
  await page.setInputFiles("#file", join(corpusDir, entry.path));
  await page.waitForSelector(".plan .tree .node[data-id]");

  const ids = await page.$$eval(".tree .node[data-id]", (rows) => rows.map((r) => Number(r.dataset.id)));
  assert.equal(ids.length, analysis.summary.node_count);

  const marked = await page.$eval(".node[data-slowest=true]", (r) => ({
    id: Number(r.dataset.id),
    name: r.querySelector(".name").textContent,
    tag: r.querySelector(".slowest-tag")?.textContent,
  }));
  assert.equal(marked.id, slowest.id);
  assert.equal(marked.tag, "slowest");
  if (plan.plan.relation_name && slowest.id === 0) assert.match(marked.name, new RegExp(plan.plan.relation_name));

  const first = await page.$eval(".findings .ranked li:first-child .finding", (f) => ({
    rule: f.dataset.rule,
    message: f.querySelector(".message").textContent,
  }));
  assert.deepEqual(first, { rule: top.rule, message: top.message });
  if (top.node !== null) {
    const beside = await page.$eval(`.node-group[data-id="${top.node}"] .notes .finding[data-rule="${top.rule}"]`, (f) => ({
      visible: f.offsetParent !== null,
      message: f.querySelector(".message").textContent,
      fix: f.querySelector(".fix")?.textContent ?? "",
    }));
    assert.ok(beside.visible);
    assert.equal(beside.message, top.message);
    assert.equal(beside.fix, top.fix.text);
  }

  await page.screenshot({ path: join(artifacts, "wasm-demo.png"), fullPage: true });
  assert.deepEqual(problems, []);
  assert.ok(requests.every((u) => u.startsWith(server.url)), `requests left the page's server: ${requests.join(", ")}`);
  await page.close();
});

test("a pasted plan cut short: the page shows where it breaks", async () => {
  const json = select((e) => e.query === entry.query && e.major === entry.major && e.variant === entry.variant && e.format === "json" && e.framing === "raw")[0];
  const text = readEntry(json).toString("utf8");
  const cut = text.slice(0, Math.floor(text.length / 2));
  let expected;
  try {
    planlint.parse(cut);
  } catch (e) {
    expected = e;
  }
  assert.ok(expected instanceof planlint.PlanlintError);

  const { page, problems } = await openDemo();
  await page.fill("#source", cut);
  await page.click("#read");
  await page.waitForSelector("#error:not([hidden])");
  const head = await page.textContent("#error .error-head");
  assert.equal(head, `Line ${expected.line}, column ${expected.column}: ${expected.reason}`);
  assert.equal(await page.$$eval(".plan", (p) => p.length), 0);
  await page.screenshot({ path: join(artifacts, "wasm-demo-error.png") });
  assert.deepEqual(problems, []);
  await page.close();
});
