// The planlint API over the raw WebAssembly exports (planlint_wasm.js, made by wasm-bindgen).
// It only translates: JSON text from the core becomes objects (JSON.parse), a failure (JSON text
// thrown by the Rust side) becomes a PlanlintError or a TypeError, a trap becomes a PlanlintError.
// Entry points: node.js (Node: loads the module synchronously) and index.js (browsers, bundlers).

import * as raw from "./planlint_wasm.js";

let loaded = false;

/** Marks the WebAssembly module as instantiated (called by the entry points). */
export function markReady() {
  loaded = true;
}

/** An input planlint cannot read: what went wrong, and where (1-based line and column). */
export class PlanlintError extends Error {
  constructor(message, { kind = "internal", line = 0, column = 0, offset = 0, cause } = {}) {
    super(line ? `line ${line}, column ${column}: ${message}` : message, cause ? { cause } : undefined);
    this.name = "PlanlintError";
    /** What kind of problem: empty, unknown-format, syntax, invalid, too-deep, too-large, unsupported, internal. */
    this.kind = kind;
    /** 1-based line in the input (0 when the problem has no position). */
    this.line = line;
    /** 1-based column, in characters (0 when the problem has no position). */
    this.column = column;
    /** 0-based offset in the input, in UTF-8 bytes. */
    this.offset = offset;
    /** The message without the position. */
    this.reason = message;
  }
}

/** The error to throw for a failure from the Rust side: `{name, kind, message, line, …}` as JSON. */
function failure(json) {
  const e = JSON.parse(json);
  return e.name === "TypeError" ? new TypeError(e.message) : new PlanlintError(e.message, e);
}

/**
 * The error to throw for anything else raised inside a call: a trap (a panic, which would be a
 * planlint bug, or an exhausted stack). The instance is replaced by a fresh one first: a trap
 * leaves its stack and heap as they were when it stopped.
 */
function aborted(e) {
  let panic;
  try {
    panic = raw.takePanic();
  } catch {
    panic = undefined;
  }
  raw.__wbg_reset_state();
  const text = String(e?.message ?? e);
  if (panic === undefined && /call stack|too much recursion/i.test(text)) {
    return new PlanlintError(
      "the plan nests too deeply for this JavaScript engine's stack; lower maxDepth or parse it elsewhere",
      { kind: "too-deep", cause: e },
    );
  }
  if (panic === undefined && /invalid string length/i.test(text)) {
    return new PlanlintError("the JSON is longer than a JavaScript string can be; use a smaller input", { kind: "too-large", cause: e });
  }
  return new PlanlintError(`planlint failed inside WebAssembly (a bug, please report it with the input): ${panic ?? text}`, {
    kind: "internal",
    cause: e,
  });
}

function ensureLoaded() {
  if (!loaded) {
    throw new Error('planlint: the WebAssembly module is not loaded yet: call `await init()` once first (import init from "planlint")');
  }
}

/** Calls a raw export with the source as text or bytes, translating what it throws. */
function call(textFn, bytesFn, source, options) {
  ensureLoaded();
  if (options !== undefined && options !== null && (typeof options !== "object" || Array.isArray(options))) {
    throw new TypeError("planlint options: expected an object");
  }
  let fn;
  let input = source;
  if (typeof source === "string") fn = textFn;
  else if (source instanceof Uint8Array) fn = bytesFn;
  else if (ArrayBuffer.isView(source)) {
    fn = bytesFn;
    input = new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  } else if (source instanceof ArrayBuffer || (typeof SharedArrayBuffer === "function" && source instanceof SharedArrayBuffer)) {
    fn = bytesFn;
    input = new Uint8Array(source);
  } else {
    throw new TypeError("planlint: expected the plan as a string or bytes (Uint8Array, ArrayBuffer, a typed array)");
  }
  const opts = options == null ? undefined : JSON.stringify(options);
  try {
    return fn(input, opts);
  } catch (e) {
    throw typeof e === "string" ? failure(e) : aborted(e);
  }
}

/**
 * Parses EXPLAIN output (TEXT, JSON, YAML or XML, detected) into the canonical JSON as a string:
 * compact like `planlint parse --compact`, or pretty like `planlint parse` with `{pretty: true}`.
 */
export function parseJson(source, options) {
  return call(raw.parseText, raw.parseBytes, source, options);
}

/** Parses EXPLAIN output into plain objects: one per plan, as `planlint parse` prints them. */
export function parse(source, options) {
  return JSON.parse(parseJson(source, options && { ...options, pretty: false }));
}

/**
 * Analyzes EXPLAIN output: `{"plans": [...]}` as JSON text, what `planlint analyze --format json`
 * prints (compact, or pretty with `{pretty: true}`).
 */
export function analyzeJson(source, options) {
  return call(raw.analyzeText, raw.analyzeBytes, source, options);
}

/**
 * Analyzes EXPLAIN output: one analysis per plan (`summary`, `nodes`, `findings`), the elements
 * of `planlint analyze --format json`'s `plans`.
 */
export function analyze(source, options) {
  return JSON.parse(analyzeJson(source, options && { ...options, pretty: false })).plans;
}

/** The version of planlint the package was built from. */
export function version() {
  ensureLoaded();
  return raw.version();
}

/** Panics inside WebAssembly: only for the package's tests of the trap path. @internal */
export function __testPanic() {
  return call(raw.__testPanic, raw.__testPanic, "", undefined);
}
