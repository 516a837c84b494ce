// The TypeScript declarations describe what the package really returns: model.d.ts is generated
// from the core's JSON Schemas, and every object `parse` and `analyze` return on the corpus fits
// them (every key declared, every required key present, every value of its declared type). And
// the shipped declarations are current: generating them again from the schemas gives the same.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

import { analyzeJson, parse } from "planlint";
import { here, manifest, pkgDir, readEntry, root } from "./support.mjs";

const planSchema = JSON.parse(readFileSync(join(pkgDir, "plan.schema.json"), "utf8"));
const analysisSchema = JSON.parse(readFileSync(join(pkgDir, "analysis.schema.json"), "utf8"));

/** Whether a value is of a JSON Schema type. */
function isType(value, type) {
  switch (type) {
    case "object":
      return value !== null && typeof value === "object" && !Array.isArray(value);
    case "array":
      return Array.isArray(value);
    case "integer":
      return Number.isInteger(value);
    case "null":
      return value === null;
    default:
      return typeof value === type;
  }
}

/** Checks `value` against the subset of JSON Schema the core emits; collects the problems. */
function validate(root, value, s, path, problems) {
  if (s.$ref) s = root.$defs[s.$ref.slice("#/$defs/".length)];
  if (s.type !== undefined && ![s.type].flat().some((t) => isType(value, t))) {
    problems.push(`${path}: ${JSON.stringify(value)?.slice(0, 60)} is not ${s.type}`);
    return;
  }
  if (s.enum && !s.enum.includes(value)) problems.push(`${path}: ${value} is not one of the enum`);
  if (s.pattern && !new RegExp(s.pattern, "u").test(value)) problems.push(`${path}: ${value} does not match ${s.pattern}`);
  if (typeof value === "number" && s.minimum !== undefined && value < s.minimum) problems.push(`${path}: ${value} < ${s.minimum}`);
  if (typeof value === "number" && s.maximum !== undefined && value > s.maximum) problems.push(`${path}: ${value} > ${s.maximum}`);
  if (Array.isArray(value) && s.items) value.forEach((v, i) => validate(root, v, s.items, `${path}[${i}]`, problems));
  if (isType(value, "object")) {
    for (const k of s.required ?? []) if (!(k in value)) problems.push(`${path}.${k}: required, missing`);
    for (const [k, v] of Object.entries(value)) {
      if (s.properties?.[k]) validate(root, v, s.properties[k], `${path}.${k}`, problems);
      else if (s.additionalProperties === false) problems.push(`${path}.${k}: not declared`);
      else if (typeof s.additionalProperties === "object") validate(root, v, s.additionalProperties, `${path}.${k}`, problems);
    }
  }
}

test("every plan and analysis of the corpus fits the schemas the types are generated from", (t) => {
  let plans = 0;
  let findings = 0;
  const problems = [];
  for (const e of manifest()) {
    const bytes = readEntry(e);
    let parsed;
    try {
      parsed = parse(bytes);
    } catch {
      continue; // a format the core does not read yet (parity.test.mjs checks the CLI agrees)
    }
    validate(planSchema, parsed, planSchema, e.path, problems);
    const report = JSON.parse(analyzeJson(bytes));
    validate(analysisSchema, report, analysisSchema, `${e.path} (analysis)`, problems);
    plans += parsed.length;
    findings += report.plans.reduce((n, a) => n + a.findings.length, 0);
  }
  t.diagnostic(`${plans} plans and their analyses (${findings} findings) checked`);
  assert.ok(plans > 1000 && findings > 100);
  assert.deepEqual(problems.slice(0, 20), []);
});

test("model.d.ts is current: generated again from core/schema, it is the same", () => {
  const dir = mkdtempSync(join(tmpdir(), "planlint-dts-"));
  try {
    const out = join(dir, "model.d.ts");
    const schemas = [
      ["Plans", "plan.schema.json"],
      ["AnalysisReport", "analysis.schema.json"],
    ].filter(([, f]) => {
      try {
        readFileSync(join(root, "core/schema", f));
        return true;
      } catch {
        return false;
      }
    });
    execFileSync(process.execPath, [
      join(here, "scripts/gen-dts.mjs"),
      out,
      ...schemas.map(([n, f]) => `${n}=${join(root, "core/schema", f)}`),
    ]);
    assert.equal(readFileSync(join(pkgDir, "model.d.ts"), "utf8"), readFileSync(out, "utf8"));
    const dts = readFileSync(out, "utf8");
    // Spot checks of the translation: an open string set, an exact identifier, nested children.
    assert.match(dts, /node_type\?: "Result" \| .*"Seq Scan".* \| \(string & \{\}\);/);
    assert.match(dts, /query_identifier\?: string;/);
    assert.match(dts, /children\?: Node\[\];/);
    assert.match(dts, /node: number \| null;/); // a finding about the whole plan has no node
    assert.match(dts, /rule: "[a-z-]+"( \| "[a-z-]+")+;/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
