// The package gives what the CLI gives, on every plan of the corpus and of the peers' suites:
// the same JSON byte for byte (`parseJson` = `planlint parse --compact`, `{pretty: true}` =
// `planlint parse`; `analyzeJson` = `planlint analyze --format json --compact`), the same
// objects (`parse`, `analyze`), and the same errors at the same line and column.

import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

import { analyze, analyzeJson, parse, parseJson, PlanlintError } from "planlint";
import { cliError, corpusDir, manifest, pool, runCli, sharedDir } from "./support.mjs";

/** What the package does with the bytes of a file: `{json}` or `{error}`. */
function viaPackage(fn, bytes, options) {
  try {
    return { json: fn(bytes, options) };
  } catch (e) {
    assert.ok(e instanceof PlanlintError, `not a PlanlintError: ${e?.stack ?? e}`);
    return { error: e };
  }
}

/** Compares the package with the CLI on one file; returns "ok" or "error" (both failed alike). */
async function compare(file, { pretty }) {
  const bytes = readFileSync(file);
  const outcome = await compareParse(file, bytes, { pretty });
  const analysis = await compareAnalyze(file, bytes, { pretty });
  assert.equal(analysis, outcome, `${file}: parse ${outcome}, analyze ${analysis}`);
  return outcome;
}

async function compareParse(file, bytes, { pretty }) {
  const mine = viaPackage(parseJson, bytes);
  const cli = await runCli(["parse", "--compact", file]);
  if (cli.code === 0) {
    assert.ok(mine.json !== undefined, `${file}: the CLI parses it, the package says ${mine.error?.message}`);
    assert.equal(mine.json + "\n", cli.stdout, `${file}: JSON differs from planlint parse --compact`);
    // The text path (a JS string) gives what the bytes path gives.
    assert.equal(parseJson(bytes.toString("utf8")), mine.json, `${file}: string and bytes differ`);
    assert.deepEqual(parse(bytes), JSON.parse(cli.stdout), `${file}: objects differ`);
    if (pretty) {
      const prettyCli = await runCli(["parse", file]);
      assert.equal(parseJson(bytes, { pretty: true }) + "\n", prettyCli.stdout, `${file}: pretty JSON differs`);
    }
    return "ok";
  }
  return sameError(file, mine, cli);
}

async function compareAnalyze(file, bytes, { pretty }) {
  const mine = viaPackage(analyzeJson, bytes);
  const cli = await runCli(["analyze", "--format", "json", "--compact", file]);
  if (cli.code === 0) {
    assert.ok(mine.json !== undefined, `${file}: the CLI analyzes it, the package says ${mine.error?.message}`);
    assert.equal(mine.json + "\n", cli.stdout, `${file}: analysis JSON differs from planlint analyze`);
    assert.deepEqual(analyze(bytes), JSON.parse(cli.stdout).plans, `${file}: analysis objects differ`);
    if (pretty) {
      const prettyCli = await runCli(["analyze", "--format", "json", file]);
      assert.equal(analyzeJson(bytes, { pretty: true }) + "\n", prettyCli.stdout, `${file}: pretty analysis differs`);
    }
    return "ok";
  }
  return sameError(file, mine, cli);
}

/** Both failed: the same message at the same line and column. */
function sameError(file, mine, cli) {
  assert.equal(cli.code, 2, `${file}: CLI exit ${cli.code}: ${cli.stderr}`);
  assert.ok(mine.error, `${file}: the CLI fails (${cli.stderr.trim()}), the package parses it`);
  const expected = cliError(cli.stderr);
  assert.deepEqual(
    { line: mine.error.line, column: mine.error.column, message: mine.error.reason },
    expected,
    `${file}: error differs from the CLI's`,
  );
  return "error";
}

function tally(results) {
  return results.reduce((t, r) => ({ ...t, [r]: (t[r] ?? 0) + 1 }), {});
}

test("every corpus file: same plans and analyses, or the same error, as the CLI", async (t) => {
  const entries = manifest();
  const results = await pool(entries, 4, (e, i) => compare(join(corpusDir, e.path), { pretty: i % 10 === 0 }));
  const counts = tally(results);
  t.diagnostic(`corpus: ${entries.length} files, ${counts.ok ?? 0} parsed alike, ${counts.error ?? 0} failed alike`);
  // Every plain JSON capture parses (more as the core learns formats): parity over errors alone
  // would prove little.
  const rawJson = entries.filter((e) => e.format === "json" && e.framing === "raw").length;
  assert.ok((counts.ok ?? 0) >= rawJson, `${JSON.stringify(counts)}, ${rawJson} raw JSON files`);
});

test("the peers' test plans (pev2, Pg::Explain): same plans and analyses, or the same error", async (t) => {
  const peers = join(sharedDir, "peer-plans");
  // pev2's plans are its *.txt files; Pg::Explain's input plans are those it has an oracle for.
  const pev2 = walk(join(peers, "pev2")).filter((f) => f.endsWith(".txt"));
  const oracle = join(peers, "pg-explain/oracle");
  const pgExplain = walk(oracle).map((f) => join(peers, "pg-explain", f.slice(oracle.length + 1, -".json".length)));
  const files = [...pev2, ...pgExplain];
  assert.ok(pev2.length >= 182 && pgExplain.length >= 300, `${pev2.length} + ${pgExplain.length} peer plans`);
  const results = await pool(files, 4, (f) => compare(f, { pretty: false }));
  const counts = tally(results);
  t.diagnostic(`peers: ${files.length} files, ${counts.ok ?? 0} parsed alike, ${counts.error ?? 0} failed alike`);
  assert.ok((counts.ok ?? 0) > 0);
});

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}
