use super::*;

rule! {
    /// A node that read many blocks from outside shared buffers (disk or OS cache).
    ///
    /// ## What it finds
    /// A node whose own `Shared Read Blocks` reach `min_read_blocks` and make up at least
    /// `min_read_share` of the shared blocks it accessed. With `track_io_timing` the time spent
    /// reading is given, and the finding is a warning when that time is at least
    /// `warning_share` of the execution time; otherwise it is info.
    ///
    /// ## Why it matters
    /// A block not found in shared buffers is requested from the OS, possibly from disk: a
    /// cold cache, a working set larger than memory, or a scan that reads far more than it
    /// needs.
    ///
    /// ## How to fix it
    /// Re-run the query to see whether it was a cold cache; read less (a more selective or
    /// covering index); size `shared_buffers` and RAM for the working set; `pg_prewarm` after
    /// restarts.
    ///
    /// ## Thresholds
    /// 1,000 blocks read (8 MB) and half of the accesses (pgplan); I/O time at half of the
    /// execution time for a warning (the query is I/O-bound there; a cold cache alone is
    /// common and usually one-off, so less is info).
    ///
    /// ## Impact
    /// The node's own read time (track_io_timing, per process for parallel nodes) as a share
    /// of the execution time; 0 without
    /// I/O timing.
    ///
    /// ## Example
    /// `corpus/pg15/subplan_correlated/analyze.json`: the orders read for each customer come
    /// mostly from disk (62,178 blocks read).
    id: "cache-misses",
    params: {
        /// Own shared blocks read from which the rule reports.
        min_read_blocks: 1000.0,
        /// Share of the accessed blocks that must have been read.
        min_read_share: 0.5,
        /// I/O read time share of the execution time from which it is a warning.
        warning_share: 0.5,
    }
}

fn check(ctx: &Context, p: &Params, out: &mut Vec<Finding>) {
    if !ctx.analyzed() {
        return;
    }
    for n in ctx.nodes() {
        let m = ctx.m(n.id);
        let Some(b) = m.self_buffers else { continue };
        let read = b.shared_read as f64;
        let accessed = b.shared_accessed() as f64;
        if read < p.min_read_blocks || read / accessed < p.min_read_share {
            continue;
        }
        // I/O time is summed over parallel processes; shares are of wall-clock time.
        let io_ms = m
            .self_io_read_ms
            .map(|t| t / m.processes.unwrap_or(1) as f64);
        let io_share = io_ms.and_then(|t| ctx.share_of(t));
        let severity = match io_share {
            Some(s) if s >= p.warning_share && ctx.significant(io_share) => Severity::Warning,
            _ => Severity::Info,
        };
        let io = match (io_ms, io_share) {
            (Some(t), Some(s)) if t > 0.0 => {
                format!(", {} reading ({} of execution time)", fmt_ms(t), fmt_pct(s))
            }
            _ => String::new(),
        };
        let message = format!(
            "{} read {} of its {} shared blocks from outside shared buffers ({} MB){io}",
            ctx.label(n.id),
            fmt_count(read),
            fmt_count(accessed),
            fmt_count((read * 8.0 / 1024.0).round()),
        );
        out.push(
            Finding::new(ID, severity, Some(n.id), message)
                .impact(io_share)
                .with("shared_read_blocks", b.shared_read)
                .with("shared_hit_blocks", b.shared_hit)
                .with_opt("io_read_time_ms", m.self_io_read_ms)
                .fix(
                    "Run the query again to tell a cold cache from a working set larger than memory; read fewer blocks (a more selective or covering index); size shared_buffers for the working set, or warm it with pg_prewarm.",
                    None,
                ),
        );
    }
}
