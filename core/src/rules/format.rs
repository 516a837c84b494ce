//! Numbers as people read them in messages: `500,000`, `41 ms`, `1.2 s`, `99.9%`.

/// A count with thousands separators (`1,234,567`); fractions keep one decimal below 10.
pub fn fmt_count(v: f64) -> String {
    if v.fract() != 0.0 && v.abs() < 10.0 {
        return format!("{v:.1}");
    }
    let n = v.round() as i64;
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A duration: `0.042 ms`, `3.5 ms`, `41 ms`, `1.25 s`, `2 min 5 s`.
pub fn fmt_ms(ms: f64) -> String {
    let mut out = String::new();
    write_ms(&mut out, ms);
    out
}

/// Appends a duration as [`fmt_ms`] spells it (no allocation in the usual cases: the CLI
/// report prints one per node).
pub fn write_ms(out: &mut String, ms: f64) {
    use std::fmt::Write;
    if ms < 1.0 {
        push_rounded(out, ms, 3, " ms");
    } else if ms < 10.0 {
        push_rounded(out, ms, 1, " ms");
    } else if ms < 1000.0 {
        push_rounded(out, ms, 0, " ms");
    } else if ms < 60_000.0 {
        let _ = write!(out, "{:.2} s", ms / 1000.0);
    } else {
        let s = (ms / 1000.0).round() as u64;
        let _ = write!(out, "{} min {} s", s / 60, s % 60);
    }
}

/// Appends `x` with `decimals` (0–3) decimals, then `unit`: what `{x:.decimals$}` prints, in
/// integer arithmetic unless `x` is too close to a tie to tell (then through the formatter).
fn push_rounded(out: &mut String, x: f64, decimals: usize, unit: &str) {
    use std::fmt::Write;
    const SCALE: [f64; 4] = [1.0, 10.0, 100.0, 1000.0];
    match round_scaled(x, SCALE[decimals]) {
        Some(n) => push_fixed(out, n, decimals, unit),
        None => {
            let _ = write!(out, "{x:.decimals$}{unit}");
        }
    }
}

/// A share as a percentage: `96%`, `99.9%`, `0.4%`, `<0.1%`.
pub fn fmt_pct(share: f64) -> String {
    let mut out = String::new();
    write_pct(&mut out, share);
    out
}

/// Appends a share as [`fmt_pct`] spells it (no allocation in the usual cases).
pub fn write_pct(out: &mut String, share: f64) {
    let p = share * 100.0;
    if p > 0.0 && p < 0.1 {
        out.push_str("<0.1%");
    } else if p < 10.0 || (p > 99.0 && p < 99.95) {
        match round_scaled(p, 10.0) {
            Some(n) if n % 10 == 0 => push_fixed(out, n / 10, 0, "%"),
            Some(n) => push_fixed(out, n, 1, "%"),
            None => {
                let t = format!("{p:.1}");
                out.push_str(t.strip_suffix(".0").unwrap_or(&t));
                out.push('%');
            }
        }
    } else {
        push_rounded(out, p, 0, "%");
    }
}

/// Appends `n` / 10^`decimals` with exactly `decimals` decimals, then `unit` (`1234`, 3 →
/// `1.234`): what `format!("{}.{:0decimals$}", n / 10^d, n % 10^d)` prints, without it.
fn push_fixed(out: &mut String, n: u64, decimals: usize, unit: &str) {
    let mut buf = [0u8; 24];
    let mut i = buf.len();
    let mut rest = n;
    let mut written = 0;
    while written <= decimals || rest > 0 {
        if written == decimals && decimals > 0 {
            i -= 1;
            buf[i] = b'.';
        }
        i -= 1;
        buf[i] = b'0' + (rest % 10) as u8;
        rest /= 10;
        written += 1;
    }
    out.push_str(std::str::from_utf8(&buf[i..]).unwrap_or_default());
    out.push_str(unit);
}

/// `x` rounded to `1/scale` (a power of ten up to 1000), as a whole number of those units,
/// exactly as the float formatter rounds `x` to that many decimals — or `None` when `x` is
/// negative, not finite, large, or so close to a tie that the product's rounding error could
/// decide it (then the caller formats the float itself). The formatter rounds the exact binary
/// value; `x * scale` is within 1e-8 of the exact product below 1e8, so away from a tie both
/// round the same way. Avoids the formatter's exact (Dragon) path, which costs ~2,000
/// instructions a number: the CLI report formats several per node.
fn round_scaled(x: f64, scale: f64) -> Option<u64> {
    if !x.is_sign_positive() {
        return None;
    }
    let s = x * scale;
    // Large or not a number (NaN fails every comparison).
    if s.partial_cmp(&1e8) != Some(std::cmp::Ordering::Less) {
        return None;
    }
    let f = s - s.floor();
    ((f - 0.5).abs() > 1e-6).then(|| s.round() as u64)
}

/// A threshold's default as written in docs (`1000`, `0.9`).
pub(crate) fn fmt_param(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_rounding_is_the_formatter_s() {
        // Numbers, not plans: the integer path must print exactly what `format!` prints.
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut cases = vec![
            0.0, -0.0, 0.0005, 0.0015, 0.9995, 9.95, 99.5, 0.125, 2.5, 1e-9,
        ];
        for _ in 0..200_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let unit = (state >> 11) as f64 / (1u64 << 53) as f64;
            cases.push(unit);
            cases.push(unit * 10.0);
            cases.push(unit * 1000.0);
            cases.push((unit * 100_000.0).round() / 1000.0);
            cases.push((unit * 10_000.0).round() / 10.0);
        }
        for x in cases {
            let ms = if x < 1.0 {
                format!("{x:.3} ms")
            } else if x < 10.0 {
                format!("{x:.1} ms")
            } else if x < 1000.0 {
                format!("{x:.0} ms")
            } else {
                fmt_ms(x)
            };
            assert_eq!(fmt_ms(x), ms, "{x:?}");
            let share = x / 100.0;
            let p = share * 100.0;
            let pct = if p > 0.0 && p < 0.1 {
                "<0.1%".to_string()
            } else if p < 10.0 || (p > 99.0 && p < 99.95) {
                let t = format!("{p:.1}");
                format!("{}%", t.strip_suffix(".0").unwrap_or(&t))
            } else {
                format!("{p:.0}%")
            };
            assert_eq!(fmt_pct(share), pct, "{share:?}");
        }
    }

    #[test]
    fn counts_ms_and_shares() {
        assert_eq!(fmt_count(500000.0), "500,000");
        assert_eq!(fmt_count(999.0), "999");
        assert_eq!(fmt_count(0.5), "0.5");
        assert_eq!(fmt_ms(41.2), "41 ms");
        assert_eq!(fmt_ms(0.0421), "0.042 ms");
        assert_eq!(fmt_ms(1250.0), "1.25 s");
        assert_eq!(fmt_pct(0.96), "96%");
        assert_eq!(fmt_pct(0.999), "99.9%");
        assert_eq!(fmt_pct(1.0), "100%");
        assert_eq!(fmt_pct(0.004), "0.4%");
        assert_eq!(fmt_pct(0.0), "0%");
    }
}
