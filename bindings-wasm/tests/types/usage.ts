// Compiled (not run) by tests/api.test.mjs with tsc --strict: the declarations type real use,
// and reject what is wrong (each @ts-expect-error must meet an error, or tsc fails).

import init, { analyze, analyzeJson, parse, parseJson, PlanlintError, version } from "planlint";
import type { Analysis, Finding, Node, NodeMetrics, Plan, Plans, PlanlintErrorKind } from "planlint";

export async function use(text: string, bytes: Uint8Array): Promise<number> {
  await init();
  const plans: Plans = parse(text, { format: "auto", maxDepth: 100 });
  const first: Plan | undefined = plans[0];
  const root: Node | undefined = first?.plan;
  const type: string | undefined = root?.node_type;
  const rows: number | undefined = root?.actual_rows;
  const identifier: string | undefined = first?.query_identifier;
  const analyzed: boolean | undefined = first?.options?.analyze;
  const extra: Record<string, unknown> | undefined = root?.extra;
  let count = 0;
  const stack: Node[] = root ? [root] : [];
  for (let node = stack.pop(); node; node = stack.pop()) {
    count++;
    stack.push(...(node.children ?? []));
  }
  const json: string = parseJson(bytes, { pretty: true });
  const analyses: Analysis[] = analyze(text, { select: ["seq-scan-filter"], config: "min_time_ms = 5" });
  const top: Finding | undefined = analyses[0]?.findings[0];
  const rule: string | undefined = top?.rule;
  const where: number | null | undefined = top?.node;
  const sql: string | undefined = top?.fix.sql;
  const metrics: NodeMetrics | undefined = where == null ? undefined : analyses[0]?.nodes[where];
  const self: number | undefined = metrics?.self_time_ms;
  const direction: "under" | "over" | "exact" | undefined = metrics?.estimate_direction;
  const executed: number = analyses[0]?.summary.node_count ?? 0;
  console.log(rule, sql, self, direction, executed, analyzeJson(bytes));
  try {
    parse(bytes.buffer);
  } catch (e) {
    if (e instanceof PlanlintError) {
      const where: [number, number, number] = [e.line, e.column, e.offset];
      const kind: PlanlintErrorKind = e.kind;
      const reason: string = e.reason;
      console.log(where, kind, reason);
    }
  }
  console.log(type, rows, identifier, analyzed, extra, json, version());
  return count;
}

export function mistakes(text: string) {
  const plans = parse(text);
  // @ts-expect-error: query_identifier is a string (exact beyond 2^53), not a number
  const id: number | undefined = plans[0]?.query_identifier;
  // @ts-expect-error: no such option
  parse(text, { fromat: "json" });
  // @ts-expect-error: not a format
  parse(text, { format: "csv" });
  // @ts-expect-error: not a rule severity
  const severity: "fatal" = analyze(text)[0]!.findings[0]!.severity;
  // @ts-expect-error: select is a list of rule ids
  analyze(text, { select: "seq-scan-filter" });
  console.log(severity);
  // @ts-expect-error: no such property in the model
  console.log(plans[0]?.plan?.actual_rowz, id);
}
