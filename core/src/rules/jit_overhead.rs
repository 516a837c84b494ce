use super::*;

rule! {
    /// JIT compilation took a large share of the execution time.
    ///
    /// ## What it finds
    /// A plan whose `JIT` total time (plan level, plus the per-worker blocks PostgreSQL 11–12
    /// prints on Gather nodes) is at least `min_share` of the execution time and at least
    /// `min_ms`.
    ///
    /// ## Why it matters
    /// JIT pays off for long-running, CPU-bound queries; the planner decides by cost, and
    /// over-estimated costs make it compile (inline, optimize) code for queries that run in
    /// milliseconds. JIT time is part of the execution time, summed over parallel processes.
    ///
    /// ## How to fix it
    /// Raise `jit_above_cost` (and `jit_inline_above_cost`, `jit_optimize_above_cost`, which
    /// are the expensive steps), or `SET jit = off` for this workload; fix the cost
    /// over-estimate if there is one.
    ///
    /// ## Thresholds
    /// 10% of the execution time and 10 ms: below that JIT is noise. 25% (dataxplan) is a
    /// warning, 50% critical.
    ///
    /// ## Impact
    /// JIT time as a share of the execution time (at most 1).
    ///
    /// ## Example
    /// `corpus/pg15/jit_aggregate/analyze.json`: with the JIT thresholds at 0, 2.8 s of JIT
    /// for a 1.5 s execution.
    id: "jit-overhead",
    params: {
        /// JIT share of the execution time from which it reports (info).
        min_share: 0.1,
        /// JIT time (ms) below which it stays quiet.
        min_ms: 10.0,
        /// Share from which the finding is a warning.
        warning_share: 0.25,
        /// Share from which the finding is critical.
        critical_share: 0.5,
    }
}

fn check(ctx: &Context, p: &Params, out: &mut Vec<Finding>) {
    let plan = ctx.plan;
    let mut total = plan
        .jit
        .as_ref()
        .and_then(|j| j.timing.as_ref())
        .and_then(|t| t.total);
    let functions = plan.jit.as_ref().and_then(|j| j.functions);
    for n in ctx.nodes() {
        for j in n.jit().into_iter().flatten() {
            if let Some(t) = j.timing.as_ref().and_then(|t| t.total) {
                *total.get_or_insert(0.0) += t;
            }
        }
    }
    let Some(total) = total else { return };
    let Some(reference) = ctx.reference_ms() else {
        return;
    };
    let share = total / reference;
    if total < p.min_ms || share < p.min_share {
        return;
    }
    let severity = if share >= p.critical_share {
        Severity::Critical
    } else if share >= p.warning_share {
        Severity::Warning
    } else {
        Severity::Info
    };
    let timing = plan.jit.as_ref().and_then(|j| j.timing.as_ref());
    let message = format!(
        "JIT compilation took {} ({} of execution time){}",
        fmt_ms(total),
        fmt_pct(share),
        functions
            .map(|f| format!(" for {f} functions"))
            .unwrap_or_default()
    );
    out.push(
        Finding::new(ID, severity, None, message)
            .impact(Some(share))
            .with("jit_total_ms", crate::metrics::round3(total))
            .with_opt("jit_functions", functions)
            .with_opt("inlining_ms", timing.and_then(|t| t.inlining))
            .with_opt("optimization_ms", timing.and_then(|t| t.optimization))
            .with_opt("emission_ms", timing.and_then(|t| t.emission))
            .with("execution_time_ms", reference)
            .fix(
                "JIT costs more than it saves here: raise jit_above_cost, jit_inline_above_cost and jit_optimize_above_cost, or turn JIT off for this workload.",
                Some("SET jit = off;".to_string()),
            ),
    );
}
