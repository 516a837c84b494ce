use super::*;

rule! {
    /// Triggers — often foreign-key checks — took a large share of the execution time.
    ///
    /// ## What it finds
    /// A trigger whose time is at least `min_share` of the execution time. A foreign-key
    /// action trigger (`RI_ConstraintTrigger_a_…`, `Trigger for constraint …` on the
    /// referenced table) that takes at least `min_fk_ms_per_call` per call is reported as a
    /// foreign key whose referencing column is not indexed: each deleted or updated parent
    /// row makes it scan the referencing table.
    ///
    /// ## Why it matters
    /// Trigger time is not shown in any plan node but is part of the execution time. An
    /// unindexed foreign key turns `DELETE FROM parent` into one sequential scan of the child
    /// table per deleted row.
    ///
    /// ## How to fix it
    /// Index the foreign-key column(s) of the referencing table (the SQL given finds the table
    /// and columns from the constraint name and prints the `CREATE INDEX`). For other
    /// triggers: batch the changes, make the trigger cheaper, or disable it where not needed.
    ///
    /// ## Thresholds
    /// 10% of the execution time; 1 ms per call for a foreign-key check (an indexed check is
    /// a single index probe, far below that). Foreign-key findings are warnings (critical at
    /// 50%); other triggers are info (warning at 50%).
    ///
    /// ## Impact
    /// The trigger's share of the execution time.
    ///
    /// ## Example
    /// `corpus/pg15/delete_fk_unindexed/analyze.json`: `Trigger for constraint
    /// order_items_product_id_fkey: time=2035 calls=5` — order_items.product_id has no index.
    id: "trigger-time",
    params: {
        /// Trigger time share of the execution time from which it reports.
        min_share: 0.1,
        /// Milliseconds per call from which a foreign-key action trigger counts as scanning.
        min_fk_ms_per_call: 1.0,
        /// Share from which the finding is critical (foreign keys) or a warning (others).
        high_share: 0.5,
    }
}

fn check(ctx: &Context, p: &Params, out: &mut Vec<Finding>) {
    let Some(reference) = ctx.reference_ms() else {
        return;
    };
    for t in ctx.plan.triggers.iter().flatten() {
        let Some(time) = t.time else { continue };
        let share = time / reference;
        if share < p.min_share {
            continue;
        }
        let calls = t.calls.unwrap_or(0);
        let per_call = time / calls.max(1) as f64;
        let name = t.trigger_name.as_deref();
        let constraint = t.constraint_name.as_deref();
        // Action triggers of a foreign key run on the referenced table; `RI_ConstraintTrigger_c_`
        // (checks on the referencing side) probe the referenced key's unique index.
        let fk_action =
            constraint.is_some() && name.is_none_or(|n| n.starts_with("RI_ConstraintTrigger_a_"));
        let label = match (name, constraint) {
            (_, Some(c)) => format!("Trigger for constraint {c}"),
            (Some(n), None) => format!("Trigger {n}"),
            (None, None) => "A trigger".to_string(),
        };
        let on = t
            .relation
            .as_deref()
            .map(|r| format!(" on {r}"))
            .unwrap_or_default();
        if fk_action && per_call >= p.min_fk_ms_per_call {
            let c = constraint.unwrap_or("");
            let message = format!(
                "{label}{on} took {} over {calls} calls ({} per call, {} of execution time): the referencing table is probably scanned without an index on the foreign-key column",
                fmt_ms(time),
                fmt_ms(per_call),
                fmt_pct(share)
            );
            let sql = format!(
                "-- prints the CREATE INDEX for the referencing columns of {c}\nSELECT format('CREATE INDEX CONCURRENTLY ON %s (%s);', c.conrelid::regclass, string_agg(quote_ident(a.attname), ', ' ORDER BY k.n))\n  FROM pg_constraint c\n  CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, n)\n  JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum\n WHERE c.conname = '{}'\n GROUP BY c.conrelid;",
                c.replace('\'', "''")
            );
            out.push(
                Finding::new(
                    ID,
                    if share >= p.high_share { Severity::Critical } else { Severity::Warning },
                    None,
                    message,
                )
                .impact(Some(share))
                .with("constraint", c)
                .with_opt("trigger", name)
                .with_opt("relation", t.relation.as_deref())
                .with("time_ms", time)
                .with("calls", calls)
                .with("ms_per_call", crate::metrics::round3(per_call))
                .fix(
                    format!("Index the foreign-key column(s) of the table that references{on} through {c}, so that each check is an index probe instead of a scan."),
                    Some(sql),
                ),
            );
        } else {
            let message = format!(
                "{label}{on} took {} over {calls} calls ({} of execution time)",
                fmt_ms(time),
                fmt_pct(share)
            );
            out.push(
                Finding::new(
                    ID,
                    if share >= p.high_share { Severity::Warning } else { Severity::Info },
                    None,
                    message,
                )
                .impact(Some(share))
                .with_opt("trigger", name)
                .with_opt("constraint", constraint)
                .with_opt("relation", t.relation.as_deref())
                .with("time_ms", time)
                .with("calls", calls)
                .fix(
                    "The trigger's work is part of every modified row: make it cheaper, batch the changes, or skip it where it is not needed.",
                    None,
                ),
            );
        }
    }
}
