// Shared by the package's tests: where things are, the corpus manifest, the native CLI.
// The tests run on the built package (bindings-wasm/pkg, made by build.sh) and compare it with
// the CLI built natively from the same sources (scripts/test-wasm.sh passes PLANLINT_CLI).

import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const here = dirname(dirname(fileURLToPath(import.meta.url))); // bindings-wasm/
export const root = dirname(here);
export const pkgDir = join(here, "pkg");

/** The corpus directory (PLANLINT_CORPUS overrides, for a corpus that is not merged yet). */
export const corpusDir = process.env.PLANLINT_CORPUS ?? join(root, "corpus");

/** The team's shared/ folder, beside the project (PLANLINT_SHARED overrides). */
/** ../shared beside the project (or beside any folder above it, as for a git worktree). */
export const sharedDir = process.env.PLANLINT_SHARED ?? findShared(root);

function findShared(from) {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, "..", "shared");
    if (existsSync(join(candidate, "peer-plans"))) return candidate;
    if (dirname(dir) === dir) return join(from, "../shared");
  }
}

/** Every entry of corpus/manifest.json; throws if the corpus is missing (it is the ground truth). */
export function manifest() {
  const file = join(corpusDir, "manifest.json");
  if (!existsSync(file)) throw new Error(`${file} is missing: the corpus is required`);
  return JSON.parse(readFileSync(file, "utf8"));
}

/** Entries matching a predicate; throws if none match (a test over nothing proves nothing). */
export function select(pred) {
  const entries = manifest().filter(pred);
  if (entries.length === 0) throw new Error("no corpus entry matches");
  return entries;
}

/** The bytes of a corpus file. */
export function readEntry(entry) {
  return readFileSync(join(corpusDir, entry.path));
}

/** The native CLI (PLANLINT_CLI, else the debug build in target/). */
export const cli = process.env.PLANLINT_CLI ?? join(root, "target/debug/planlint");

/** An empty directory to run the CLI in (so that no ./planlint.toml is picked up). */
const cliCwd = mkdtempSync(join(tmpdir(), "planlint-cli-"));

/** Runs the CLI: `{code, stdout, stderr}` (stdout as a string). */
export function runCli(args, { input } = {}) {
  return new Promise((resolve, reject) => {
    const options = { maxBuffer: 1 << 30, encoding: "utf8", cwd: cliCwd };
    const child = execFile(cli, args, options, (err, stdout, stderr) => {
      if (err && typeof err.code !== "number") reject(err);
      else resolve({ code: err ? err.code : 0, stdout, stderr });
    });
    if (input !== undefined) child.stdin.end(input);
  });
}

/** Maps `fn` over `items`, at most `limit` at a time. */
export async function pool(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** The CLI's error line `planlint: NAME:LINE:COLUMN: MESSAGE` split up. */
export function cliError(stderr) {
  const m = /^planlint: .*?:(\d+):(\d+): (.*)$/m.exec(stderr);
  if (!m) throw new Error(`not a positioned CLI error: ${stderr}`);
  return { line: Number(m[1]), column: Number(m[2]), message: m[3] };
}
