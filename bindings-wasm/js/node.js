// Entry point for Node (the "node" condition of package.json's exports): the WebAssembly module
// is read and instantiated synchronously on import, so `parse` works with no init step.

import { readFileSync } from "node:fs";
import { initSync as wasmInitSync } from "./planlint_wasm.js";
import { markReady } from "./core.js";

wasmInitSync({ module: readFileSync(new URL("./planlint_wasm_bg.wasm", import.meta.url)) });
markReady();

export { analyze, analyzeJson, parse, parseJson, PlanlintError, version } from "./core.js";

/** Does nothing in Node (the module is loaded on import); kept so browser code runs unchanged. */
export default async function init() {}
export { init };

/** Does nothing in Node (the module is loaded on import); kept so browser code runs unchanged. */
export function initSync() {}
