// Entry point for browsers and bundlers: call `await init()` once before parse/analyze.
// `init()` fetches planlint_wasm_bg.wasm next to this file (bundlers see the
// `new URL(…, import.meta.url)` inside and ship the file); pass a URL, a Response, bytes or a
// WebAssembly.Module to load it from elsewhere. `initSync(bytesOrModule)` does it synchronously.

import wasmInit, { initSync as wasmInitSync } from "./planlint_wasm.js";
import { markReady } from "./core.js";

let loading;

/** Loads the WebAssembly module (once; later calls return the same promise). */
export default function init(source) {
  loading ??= (source === undefined ? wasmInit() : wasmInit({ module_or_path: source })).then(markReady, (e) => {
    loading = undefined; // let a later call try again
    throw e;
  });
  return loading;
}

/** Loads the WebAssembly module synchronously from its bytes or a compiled WebAssembly.Module. */
export function initSync(module) {
  wasmInitSync({ module });
  markReady();
}

export { init };
export { analyze, analyzeJson, parse, parseJson, PlanlintError, version } from "./core.js";
