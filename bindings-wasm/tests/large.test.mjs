// Large input: every raw JSON plan of the corpus in one input (EXPLAIN output concatenated, as a
// log or a script's output holds them; the core reads documents one after the other), and the
// corpus's largest single plan. Same JSON as the CLI, plan counts from the manifest, timings.

import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

import { analyzeJson, parse, parseJson } from "planlint";
import { corpusDir, readEntry, runCli, select } from "./support.mjs";

const json = select((e) => e.format === "json" && e.framing === "raw");

function timed(fn) {
  const start = process.hrtime.bigint();
  const value = fn();
  return { value, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

test("every raw JSON corpus plan in one input: same as the CLI", async (t) => {
  const input = Buffer.concat(json.flatMap((e) => [readEntry(e), Buffer.from("\n")]));
  const dir = mkdtempSync(join(tmpdir(), "planlint-large-"));
  try {
    const file = join(dir, "all.json");
    writeFileSync(file, input);
    const { value: out, ms } = timed(() => parseJson(input));
    const objects = timed(() => parse(input));
    const expectedPlans = json.reduce((n, e) => n + e.plans, 0);
    assert.equal(objects.value.length, expectedPlans);
    const cli = await runCli(["parse", "--compact", file]);
    assert.equal(cli.code, 0, cli.stderr);
    assert.equal(out + "\n", cli.stdout);
    const analysis = timed(() => analyzeJson(input));
    const cliAnalysis = await runCli(["analyze", "--format", "json", "--compact", file]);
    assert.equal(cliAnalysis.code, 0, cliAnalysis.stderr);
    assert.equal(analysis.value + "\n", cliAnalysis.stdout);
    const mb = input.length / 1e6;
    t.diagnostic(
      `${json.length} files, ${mb.toFixed(1)} MB, ${expectedPlans} plans: parseJson ${ms.toFixed(0)} ms ` +
        `(${(mb / (ms / 1000)).toFixed(0)} MB/s), parse ${objects.ms.toFixed(0)} ms, analyzeJson ${analysis.ms.toFixed(0)} ms`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the largest corpus plan: same as the CLI, many times in a row", async (t) => {
  const largest = json.reduce((a, b) => (readEntry(a).length >= readEntry(b).length ? a : b));
  const bytes = readEntry(largest);
  const first = parseJson(bytes);
  const cli = await runCli(["parse", "--compact", join(corpusDir, largest.path)]);
  assert.equal(cli.code, 0, cli.stderr);
  assert.equal(first + "\n", cli.stdout);
  const runs = 50;
  const { ms } = timed(() => {
    for (let i = 0; i < runs; i++) assert.equal(parseJson(bytes).length, first.length);
  });
  t.diagnostic(`${largest.path}: ${bytes.length} bytes, ${(ms / runs).toFixed(2)} ms per parse`);
});
