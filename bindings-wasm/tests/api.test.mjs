// The package as users get it: `import { parse } from "planlint"` in Node with no init step,
// `require("planlint")`, the browser entry with its one-line init, the TypeScript declarations.

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";

import init, { analyze, parse, parseJson, PlanlintError, version } from "planlint";
import { corpusDir, here, pkgDir, readEntry, select } from "./support.mjs";

const run = promisify(execFile);
const entries = select((e) => e.format === "json" && e.framing === "raw" && e.variant === "analyze");
const sample = entries.find((e) => e.query === "hash_join") ?? entries[0];
const manifest = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));

test("Node: import from the package name works with no init step", async () => {
  const plans = parse(readEntry(sample));
  assert.equal(plans.length, sample.plans);
  assert.equal(typeof plans[0].plan.node_type, "string");
  const analyses = analyze(readEntry(sample));
  assert.equal(analyses.length, plans.length);
  assert.deepEqual(Object.keys(analyses[0]), ["summary", "nodes", "findings", "index_suggestions"]);
  await init(); // a no-op in Node, so that browser code runs unchanged
  assert.equal(version(), manifest.version);
});

test("Node: require() of the package gives the same functions", () => {
  const require = createRequire(import.meta.url);
  const cjs = require("planlint");
  assert.equal(cjs.parseJson(readEntry(sample)), parseJson(readEntry(sample)));
  assert.equal(cjs.PlanlintError, PlanlintError);
});

test("package.json: name, exports map, files present", () => {
  assert.equal(manifest.name, "planlint");
  assert.deepEqual(Object.keys(manifest.exports["."]), ["types", "node", "default"]);
  for (const f of manifest.files) readFileSync(join(pkgDir, f)); // throws if missing
  for (const target of Object.values(manifest.exports).flatMap((v) => (typeof v === "string" ? [v] : Object.values(v)))) {
    readFileSync(join(pkgDir, target));
  }
});

test("the browser entry: parse before init says what to do; after init it matches Node", async () => {
  const script = `
    import { readFileSync } from "node:fs";
    const m = await import(${JSON.stringify(join(pkgDir, "index.js"))});
    const file = ${JSON.stringify(join(pkgDir, "planlint_wasm_bg.wasm"))};
    const out = {};
    try { m.parse("[]"); } catch (e) { out.before = e.message; }
    await m.default(readFileSync(file));
    await m.init(); // a second call is harmless
    out.json = m.parseJson(readFileSync(process.argv[2]));
    out.analysis = m.analyzeJson(readFileSync(process.argv[2]));
    process.stdout.write(JSON.stringify(out));
  `;
  const file = join(here, "node_modules/.browser-entry-test.mjs");
  writeFileSync(file, script);
  const sampleFile = join(corpusDir, sample.path);
  const { stdout } = await run(process.execPath, [file, sampleFile]);
  const out = JSON.parse(stdout);
  assert.match(out.before, /call `await init\(\)` once first/);
  assert.equal(out.json, parseJson(readEntry(sample)));
  assert.equal(JSON.parse(out.analysis).plans.length, sample.plans);
});

test("TypeScript: the declarations compile under --strict and type real use", async () => {
  const tsc = join(here, "node_modules/typescript/bin/tsc");
  const result = await run(process.execPath, [tsc, "-p", join(here, "tests/types")]).catch((e) => e);
  assert.equal(result.code ?? 0, 0, `${result.stdout}${result.stderr}`);
});
