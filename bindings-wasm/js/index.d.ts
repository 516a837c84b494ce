// The API of the npm package planlint. The model and analysis types (model.d.ts) are generated
// from the core's JSON Schemas, which the core generates from its Rust types.

import type { Analysis, Plan, Plans } from "./model.js";

export * from "./model.js";

/** The input's format; `auto` (the default) detects it. */
export type InputFormat = "auto" | "json" | "text" | "yaml" | "xml";

/** Options of `parse` and `parseJson`. */
export interface ParseOptions {
  /** The input's format; detected when absent or `"auto"`. */
  format?: InputFormat;
  /** How many levels of plan nodes may nest (default 1,000; at most 3,000 in WebAssembly). */
  maxDepth?: number;
  /** The largest input accepted, in bytes (default 256 MiB). */
  maxInputBytes?: number;
  /** `parseJson` only: pretty-print (as `planlint parse`) instead of compact (`--compact`). */
  pretty?: boolean;
}

/** Options of `analyze` and `analyzeJson`: those of `parse`, and which rules run how. */
export interface AnalyzeOptions extends ParseOptions {
  /** Run only these rules (ids as `planlint rules` lists them; replaces `config`'s `select`). */
  select?: string[];
  /** Never run these rules (added to `config`'s `ignore`). */
  ignore?: string[];
  /** The text of a `planlint.toml`: rule selection, `min_time_ms`, thresholds per rule. */
  config?: string;
}

/** What kind of problem stopped planlint. */
export type PlanlintErrorKind =
  | "empty"
  | "unknown-format"
  | "syntax"
  | "invalid"
  | "too-deep"
  | "too-large"
  | "unsupported"
  | "internal";

/** An input planlint cannot read: what went wrong, and where. */
export class PlanlintError extends Error {
  readonly name: "PlanlintError";
  /** What kind of problem it is (`internal`: a planlint bug). */
  readonly kind: PlanlintErrorKind;
  /** 1-based line of the problem in the input (0 when it has no position). */
  readonly line: number;
  /** 1-based column of the problem, in characters (0 when it has no position). */
  readonly column: number;
  /** 0-based offset of the problem in the input, in UTF-8 bytes. */
  readonly offset: number;
  /** The message without the position. */
  readonly reason: string;
}

/** A plan as text or as the bytes of a file (invalid UTF-8 becomes U+FFFD). */
export type Source = string | ArrayBufferView | ArrayBufferLike;

/**
 * Parses EXPLAIN output — TEXT, JSON, YAML or XML, from any server 9.6 on, pasted from psql,
 * pgAdmin or a log — into one object per plan: the canonical JSON of `planlint parse`.
 * @throws {PlanlintError} when the input cannot be read (with its line and column).
 * @throws {TypeError} when the options are wrong.
 */
export function parse(source: Source, options?: ParseOptions): Plans;

/**
 * Like `parse`, but returns the JSON text (compact like `planlint parse --compact`, or pretty
 * with `{pretty: true}`): the fast path for callers that store or send the JSON on.
 */
export function parseJson(source: Source, options?: ParseOptions): string;

/**
 * Analyzes EXPLAIN output: per plan, a summary, the metrics of every node (`nodes[id]`, ids in
 * pre-order as in the plan) and the findings ranked by impact — the elements of
 * `planlint analyze --format json`'s `plans`.
 * @throws {PlanlintError} when the input cannot be read (with its line and column).
 * @throws {TypeError} when the options are wrong (an unknown rule id, a bad `config`…).
 */
export function analyze(source: Source, options?: AnalyzeOptions): Analysis[];

/**
 * Like `analyze`, but returns `{"plans": [...]}` as JSON text (compact like
 * `planlint analyze --format json --compact`, or pretty with `{pretty: true}`).
 */
export function analyzeJson(source: Source, options?: AnalyzeOptions): string;

/** The version of planlint the package was built from. */
export function version(): string;

/**
 * Loads the WebAssembly module: needed once in a browser before the first call (a no-op in
 * Node). Without an argument it fetches planlint_wasm_bg.wasm next to the package's JS; pass a
 * URL, a Response, the bytes or a compiled WebAssembly.Module to load it from elsewhere.
 */
export default function init(
  source?: string | URL | Request | Response | BufferSource | WebAssembly.Module,
): Promise<void>;
export { init };

/** Loads the WebAssembly module synchronously from its bytes or a compiled module (browsers). */
export function initSync(module: BufferSource | WebAssembly.Module): void;

export type { Analysis, Plan };
