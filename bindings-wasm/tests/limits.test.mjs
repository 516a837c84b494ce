// Limits in every format (docs/limits.md): deep nesting, huge lines and binary garbage are a
// PlanlintError (or plans), never a crash, a hang or a WebAssembly trap. JSON brackets are in
// errors.test.mjs.
//
// The inputs here are hand-made on purpose: each one tests one limit of the readers, not a plan.

import assert from "node:assert/strict";
import { test } from "node:test";

import { parse, PlanlintError } from "planlint";

const XMLNS = '<explain xmlns="http://www.postgresql.org/2009/explain">';

function xmlChain(depth) {
  return (
    XMLNS +
    "<Query><Plan><Node-Type>Limit</Node-Type>" +
    "<Plans><Plan><Node-Type>Limit</Node-Type>".repeat(depth) +
    "</Plan></Plans>".repeat(depth) +
    "</Plan></Query></explain>"
  );
}

function yamlChain(depth) {
  let s = '- Plan: \n    Node Type: "Limit"\n';
  for (let level = 1; level <= depth; level++) {
    s += " ".repeat(4 * level) + "Plans: \n" + " ".repeat(4 * level + 2) + '- Node Type: "Limit"\n';
  }
  return s;
}

function textChain(depth, step = 6) {
  let s = "Limit  (cost=0.00..1.00 rows=1 width=4)\n";
  for (let i = 0; i < depth; i++) s += " ".repeat(2 + i * step) + "->  Limit  (cost=0.00..1.00 rows=1 width=4)\n";
  return s;
}

function planlintError(fn) {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof PlanlintError, `expected a PlanlintError, got ${e?.stack ?? e}`);
    assert.ok(e.line >= 1 && e.column >= 1);
    return e;
  }
  assert.fail("expected a PlanlintError");
}

test("deep nesting in XML, YAML and TEXT: a too-deep PlanlintError", () => {
  const cases = [
    ["xml", xmlChain(200_000)],
    ["xml", XMLNS + "<Query><Plan><Node-Type>Result</Node-Type><X>" + "<a>".repeat(200_000)],
    ["yaml", yamlChain(2_000)],
    ["text", textChain(5_000)],
  ];
  for (const [format, source] of cases) {
    for (const options of [{ format }, {}]) {
      const e = planlintError(() => parse(source, options));
      assert.equal(e.kind, "too-deep", `${format}: ${e.message}`);
    }
  }
  // One level less than the limit parses.
  assert.equal(parse(xmlChain(998), { format: "xml" }).length, 1);
});

test("binary garbage, NUL bytes and 50 MB lines in every format: a PlanlintError", () => {
  let seed = 0x2545f491;
  const random = new Uint8Array(1 << 20).map(() => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return seed & 0xff;
  });
  const inputs = [random, new Uint8Array(1 << 20), new Uint8Array(1 << 20).fill(0xff), "a".repeat(50 << 20), "(".repeat(50 << 20)];
  for (const source of inputs) {
    for (const format of ["auto", "text", "json", "yaml", "xml"]) {
      let plans;
      try {
        plans = parse(source, { format });
      } catch (e) {
        assert.ok(e instanceof PlanlintError, `expected a PlanlintError, got ${e?.stack ?? e}`);
        assert.ok(e.line >= 1 && e.column >= 1);
        assert.ok(["empty", "unknown-format", "syntax", "invalid"].includes(e.kind), e.message);
        continue;
      }
      // Read as JSON, junk around a document is skipped: a `[]` somewhere in random bytes is
      // the server's empty answer (a statement that rewrites to nothing).
      assert.equal(format, "json");
      assert.equal(plans.length, 0);
    }
  }
});
