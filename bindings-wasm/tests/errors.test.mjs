// Bad input and bad calls: a PlanlintError with a position (or a TypeError for a wrong call),
// never a crash, a hang or an opaque WebAssembly trap.

import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";

import { __testPanic } from "../pkg/core.js";
import { analyze, analyzeJson, parse, parseJson, PlanlintError } from "planlint";
import { corpusDir, readEntry, runCli, select } from "./support.mjs";

const json = select((e) => e.format === "json" && e.framing === "raw" && e.variant === "analyze");
const sample = json.find((e) => e.query === "seq_scan_filter") ?? json[0];

function throwsPlanlint(fn, check) {
  let caught;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof PlanlintError, `expected a PlanlintError, got ${caught?.stack ?? caught}`);
  assert.ok(caught instanceof Error);
  assert.equal(caught.name, "PlanlintError");
  check?.(caught);
  return caught;
}

test("a truncated corpus plan: PlanlintError at the CLI's line and column", async () => {
  const text = readEntry(sample).toString("utf8");
  const cut = text.slice(0, Math.floor(text.length * 0.6));
  const e = throwsPlanlint(() => parse(cut), (e) => assert.equal(e.kind, "syntax"));
  const cli = await runCli(["parse", "-"], { input: cut });
  assert.equal(cli.code, 2);
  assert.match(cli.stderr, new RegExp(`^planlint: <stdin>:${e.line}:${e.column}: `));
  assert.ok(cli.stderr.includes(e.reason), `${cli.stderr} vs ${e.reason}`);
  assert.equal(e.message, `line ${e.line}, column ${e.column}: ${e.reason}`);
  assert.ok(e.line > 1 && e.column >= 1 && e.offset > 0 && e.offset <= cut.length);
});

test("a wrong value type names the key, at its position (a corpus plan with one value changed)", () => {
  const text = readEntry(sample).toString("utf8");
  const at = text.indexOf('"Plan Rows": ') + '"Plan Rows": '.length;
  assert.ok(at > 20);
  const broken = `${text.slice(0, at)}"many"${text.slice(text.indexOf(",", at))}`;
  const e = throwsPlanlint(() => parse(broken), (e) => assert.equal(e.kind, "invalid"));
  assert.match(e.reason, /"Plan Rows": expected a number/);
  const before = broken.slice(0, at);
  assert.equal(e.line, before.split("\n").length);
  assert.equal(e.column, at - before.lastIndexOf("\n"));
});

test("empty and unreadable input", () => {
  throwsPlanlint(() => parse(""), (e) => assert.equal(e.kind, "empty"));
  throwsPlanlint(() => parse(" \n\t\n"), (e) => assert.equal(e.kind, "empty"));
  throwsPlanlint(() => parse(new Uint8Array([0, 159, 146, 150, 0, 1, 2])));
  throwsPlanlint(() => parse("this is not a plan"));
});

// The inputs below are hand-made: each tests one limit, not a plan.

test("200,000 nested brackets: a too-deep PlanlintError, not a crash", () => {
  const depth = 200_000;
  const brackets = `[{"Plan": {"Node Type": "Result", "Custom": ${"[".repeat(depth)}${"]".repeat(depth)}}}]`;
  throwsPlanlint(() => parse(brackets), (e) => assert.equal(e.kind, "too-deep"));
  throwsPlanlint(() => analyze(brackets), (e) => assert.equal(e.kind, "too-deep"));
  let nodes = '[{"Plan": ';
  for (let i = 0; i < depth; i++) nodes += '{"Node Type": "Limit", "Plans": [';
  nodes += '{"Node Type": "Result"}' + "]}".repeat(depth) + "}]";
  throwsPlanlint(() => parse(nodes), (e) => {
    assert.equal(e.kind, "too-deep");
    assert.match(e.reason, /1000 levels/);
  });
  throwsPlanlint(() => parse("[".repeat(depth)));
  throwsPlanlint(() => parse("{".repeat(depth)));
});

/** A chain of `levels` plan nodes: levels - 1 Limits over a Result (hand-made: a limit test). */
function chain(levels) {
  let s = '[{"Plan": ';
  for (let i = 1; i < levels; i++) s += '{"Node Type": "Limit", "Plans": [';
  return s + '{"Node Type": "Result"}' + "]}".repeat(levels - 1) + "}]";
}

test("the deepest plan the package accepts (maxDepth 3,000) parses and serializes, also pretty", () => {
  const depth = 3_000;
  const s = chain(depth);
  const out = parseJson(s, { maxDepth: depth });
  assert.equal(out.split('"children"').length - 1, depth - 1);
  assert.equal(parseJson(s, { maxDepth: depth, pretty: true }).split('"children"').length - 1, depth - 1);
  assert.equal(parse(s, { maxDepth: depth }).length, 1);
  const [analysis] = analyze(s, { maxDepth: depth });
  assert.equal(analysis.nodes.length, depth);
  assert.ok(analyzeJson(s, { maxDepth: depth, pretty: true }).length > 0);
  throwsPlanlint(() => parseJson(s, { maxDepth: depth - 1 }), (e) => assert.equal(e.kind, "too-deep"));
  assert.throws(() => parseJson(s, { maxDepth: depth + 1 }), TypeError);
});

test("input larger than maxInputBytes: a too-large PlanlintError", () => {
  const text = readEntry(sample).toString("utf8");
  throwsPlanlint(() => parse(text, { maxInputBytes: 100 }), (e) => assert.equal(e.kind, "too-large"));
});

test("wrong calls throw TypeError", () => {
  const text = readEntry(sample);
  assert.throws(() => parse(text, { format: "csv" }), { name: "TypeError", message: /unknown format "csv"/ });
  assert.throws(() => parse(text, { fromat: "json" }), { name: "TypeError", message: /unknown field `fromat`/ });
  assert.throws(() => parse(text, { maxDepth: -1 }), TypeError);
  assert.throws(() => parse(text, "json"), TypeError);
  assert.throws(() => parse(42), TypeError);
  assert.throws(() => parse(undefined), TypeError);
  assert.throws(() => parse({ plan: 1 }), TypeError);
  assert.throws(() => analyze(text, { select: ["no-such-rule"] }), { name: "TypeError", message: /unknown rule "no-such-rule"/ });
  assert.throws(() => analyze(text, { ignore: ["seq_scan_filter"] }), TypeError);
  assert.throws(() => analyze(text, { config: "selct = []" }), { name: "TypeError", message: /config: line 1, column 1/ });
  // Option errors come before input errors, as in the CLI.
  assert.throws(() => analyze("", { select: ["nope"] }), TypeError);
});

test("analysis options change what runs, as the CLI's do", async () => {
  const text = readEntry(sample);
  const all = analyze(text)[0].findings.map((f) => f.rule);
  assert.ok(all.length > 0, "the sample has findings");
  const first = all[0];
  assert.deepEqual(new Set(analyze(text, { select: [first] })[0].findings.map((f) => f.rule)), new Set([first]));
  assert.ok(!analyze(text, { ignore: [first] })[0].findings.some((f) => f.rule === first));
  assert.ok(!analyze(text, { config: `ignore = ["${first}"]` })[0].findings.some((f) => f.rule === first));
  const file = join(corpusDir, sample.path);
  const cli = await runCli(["analyze", "--format", "json", "--compact", "--ignore", first, file]);
  assert.equal(analyzeJson(text, { ignore: [first] }) + "\n", cli.stdout);
});

test("an engine stack that runs out is a too-deep PlanlintError, and the module stays usable", () => {
  // Half of V8's default stack already used by the caller (nested JS frames), then the deepest
  // plan allowed: whether or not it fits, the answer is JSON or a PlanlintError.
  const s = chain(3_000);
  const expected = parseJson(chain(50));
  const outcomes = new Set();
  const recurse = (n) => {
    if (n > 0) return recurse(n - 1) + 0;
    try {
      parseJson(s, { maxDepth: 3_000, pretty: true });
      outcomes.add("ok");
    } catch (e) {
      assert.ok(e instanceof PlanlintError, String(e));
      assert.equal(e.kind, "too-deep");
      outcomes.add("too-deep");
    }
    return 0;
  };
  for (const frames of [1_000, 3_000, 5_000, 7_000]) recurse(frames);
  assert.ok(outcomes.has("too-deep"), [...outcomes].join());
  assert.equal(parseJson(chain(50)), expected);
});

test("a panic inside WebAssembly becomes a PlanlintError and leaves the module usable", () => {
  const text = readEntry(sample);
  const expected = parseJson(text);
  // Many in a row: each trap replaces the instance, so none leaks what the last one held.
  for (let i = 0; i < 200; i++) {
    throwsPlanlint(() => __testPanic(), (e) => {
      assert.equal(e.kind, "internal");
      assert.match(e.message, /a deliberate panic, for the tests of the trap path/);
      assert.ok(e.cause instanceof WebAssembly.RuntimeError);
    });
  }
  assert.equal(parseJson(text), expected);
});
