use super::*;
use crate::model::ParentRelationship;

rule! {
    /// A Memoize cache that misses most lookups (PostgreSQL 14+).
    ///
    /// ## What it finds
    /// A `Memoize` node with at least `min_lookups` lookups whose hit ratio is below
    /// `min_hit_ratio` and that evicted or could not store entries (`Cache Evictions`,
    /// `Cache Overflows`) — the cache was too small — or whose hit ratio is below a tenth of
    /// that (nearly every key distinct: the cache is pure overhead).
    ///
    /// ## Why it matters
    /// Memoize pays off when the inner side of a nested loop is looked up with the same keys
    /// again; the planner chose it expecting hits. Misses run the inner side anyway, plus the
    /// cache bookkeeping; evictions throw away entries that would have been hits.
    ///
    /// ## How to fix it
    /// Give the cache more memory (`work_mem` × `hash_mem_multiplier`) when it evicts; when
    /// the keys are simply distinct, check the estimate of distinct keys (`row-misestimate`)
    /// and compare with `SET enable_memoize = off`.
    ///
    /// ## Thresholds
    /// 1,000 lookups and a 50% hit ratio (below that the planner's expectation failed).
    ///
    /// ## Impact
    /// The Memoize's own time plus, when it evicted, its inner side's time times the share of
    /// misses that followed evictions.
    ///
    /// ## Example
    /// `corpus/pg15/memoize_evictions/analyze.json`: with `work_mem = 128kB` the cache evicts
    /// continuously.
    id: "memoize-ineffective",
    params: {
        /// Lookups (hits + misses) from which the cache is judged.
        min_lookups: 1000.0,
        /// Hit ratio below which the cache is ineffective.
        min_hit_ratio: 0.5,
        /// Share of the execution time from which the finding is a warning (below: info).
        warning_share: 0.1,
    }
}

fn check(ctx: &Context, p: &Params, out: &mut Vec<Finding>) {
    if !ctx.analyzed() {
        return;
    }
    for n in ctx.nodes() {
        if *n.node_type() != NodeType::Memoize {
            continue;
        }
        let Some(c) = n.memoize.as_deref() else {
            continue;
        };
        let hits = c.cache_hits.unwrap_or(0) as f64;
        let misses = c.cache_misses.unwrap_or(0) as f64;
        let evictions = c.cache_evictions.unwrap_or(0) as f64;
        let overflows = c.cache_overflows.unwrap_or(0) as f64;
        let lookups = hits + misses;
        if lookups < p.min_lookups {
            continue;
        }
        let ratio = hits / lookups;
        let too_small = evictions > 0.0 || overflows > 0.0;
        if !(ratio < p.min_hit_ratio && too_small || ratio < p.min_hit_ratio / 10.0) {
            continue;
        }
        let child = ctx
            .child(n.id, ParentRelationship::Outer)
            .or_else(|| ctx.children(n.id).next());
        let evicted_share = if misses > 0.0 {
            (evictions / misses).min(1.0)
        } else {
            0.0
        };
        let share = match (
            ctx.self_share(n.id),
            child.and_then(|c| ctx.total_share(c.id)),
        ) {
            (Some(a), Some(b)) => Some(a + b * evicted_share),
            (a, _) => a,
        };
        let severity = match ctx.total_share(n.id) {
            Some(s) if s >= p.warning_share && ctx.significant(Some(s)) => Severity::Warning,
            _ => Severity::Info,
        };
        let message = format!(
            "{} hit its cache on {} of {} lookups{}",
            ctx.label(n.id),
            fmt_pct(ratio),
            fmt_count(lookups),
            if too_small {
                format!(
                    " and evicted {} entries (the cache is too small)",
                    fmt_count(evictions + overflows)
                )
            } else {
                " (nearly every key is distinct)".to_string()
            }
        );
        let (text, sql) = if too_small {
            let kb = n.peak_memory_usage().copied().unwrap_or(0) as f64;
            let wm = suggest_work_mem(kb * (1.0 + evicted_share * 4.0));
            (
                format!(
                    "Give the cache more memory (about {wm}) with SET LOCAL work_mem (or hash_mem_multiplier) for this query; compare with enable_memoize = off."
                ),
                Some(format!("SET LOCAL work_mem = '{wm}';")),
            )
        } else {
            (
                "The lookup keys hardly repeat, so caching only adds overhead: check the estimate of distinct keys and compare with SET enable_memoize = off.".to_string(),
                Some("SET enable_memoize = off;  -- to compare".to_string()),
            )
        };
        out.push(
            Finding::new(ID, severity, Some(n.id), message)
                .impact(share)
                .with("cache_hits", hits)
                .with("cache_misses", misses)
                .with("cache_evictions", evictions)
                .with("cache_overflows", overflows)
                .with("hit_ratio", crate::metrics::round4(ratio))
                .with_opt("peak_memory_kb", n.peak_memory_usage().copied())
                .fix(text, sql),
        );
    }
}
