#!/usr/bin/env node
// Completes the npm package in pkg/ around wasm-bindgen's output (planlint_wasm.js and
// planlint_wasm_bg.wasm): the API (js/), the TypeScript declarations of the model (generated
// from the core's JSON Schemas), the schemas, the README and package.json.
// Usage: node scripts/assemble.mjs  (run by build.sh, from anywhere)

import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(dirname(fileURLToPath(import.meta.url))); // bindings-wasm/
const root = dirname(here);
const pkg = join(here, "pkg");

for (const f of ["planlint_wasm.js", "planlint_wasm_bg.wasm"]) {
  if (!existsSync(join(pkg, f))) throw new Error(`pkg/${f} is missing: run wasm-bindgen first (build.sh)`);
}
for (const f of ["core.js", "node.js", "index.js", "index.d.ts"]) {
  copyFileSync(join(here, "js", f), join(pkg, f));
}
copyFileSync(join(here, "README.md"), join(pkg, "README.md"));

// The schemas the core commits (checked against the Rust tables by core/tests) and the types
// generated from them. Each schema found is shipped; its root type gets the name below.
const schemas = [
  ["Plans", "plan.schema.json"],
  ["AnalysisReport", "analysis.schema.json"],
].filter(([, file]) => existsSync(join(root, "core/schema", file)));
for (const [, file] of schemas) copyFileSync(join(root, "core/schema", file), join(pkg, file));
execFileSync(process.execPath, [
  join(here, "scripts/gen-dts.mjs"),
  join(pkg, "model.d.ts"),
  ...schemas.map(([name, file]) => `${name}=${join(root, "core/schema", file)}`),
]);

const cargo = readFileSync(join(root, "Cargo.toml"), "utf8");
const workspace = /\[workspace\.package\]([^[]*)/.exec(cargo)?.[1] ?? "";
const field = (name) => new RegExp(`^${name}\\s*=\\s*"([^"]*)"`, "m").exec(workspace)?.[1];

const manifest = {
  name: "planlint",
  version: field("version"),
  description:
    "Parse and analyze PostgreSQL EXPLAIN plans (TEXT, JSON, YAML, XML; PostgreSQL 9.6 to 18) in the browser and in Node, with WebAssembly",
  keywords: ["postgresql", "postgres", "explain", "query-plan", "analyze", "wasm"],
  license: field("license"),
  repository: { type: "git", url: `git+${field("repository")}.git`, directory: "bindings-wasm" },
  type: "module",
  main: "./node.js",
  module: "./index.js",
  types: "./index.d.ts",
  exports: {
    ".": {
      types: "./index.d.ts",
      node: "./node.js",
      default: "./index.js",
    },
    "./planlint_wasm_bg.wasm": "./planlint_wasm_bg.wasm",
    ...Object.fromEntries(schemas.map(([, f]) => [`./${f}`, `./${f}`])),
    "./package.json": "./package.json",
  },
  files: [
    "index.js", "index.d.ts", "node.js", "core.js", "model.d.ts",
    "planlint_wasm.js", "planlint_wasm_bg.wasm", "README.md",
    ...schemas.map(([, f]) => f),
  ],
  engines: { node: ">=20" },
};
writeFileSync(join(pkg, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
