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
    if ms < 1.0 {
        format!("{ms:.3} ms")
    } else if ms < 10.0 {
        format!("{ms:.1} ms")
    } else if ms < 1000.0 {
        format!("{ms:.0} ms")
    } else if ms < 60_000.0 {
        format!("{:.2} s", ms / 1000.0)
    } else {
        let s = (ms / 1000.0).round() as u64;
        format!("{} min {} s", s / 60, s % 60)
    }
}

/// A share as a percentage: `96%`, `99.9%`, `0.4%`, `<0.1%`.
pub fn fmt_pct(share: f64) -> String {
    let p = share * 100.0;
    if p > 0.0 && p < 0.1 {
        "<0.1%".to_string()
    } else if p < 10.0 || (p > 99.0 && p < 99.95) {
        let t = format!("{p:.1}");
        format!("{}%", t.strip_suffix(".0").unwrap_or(&t))
    } else {
        format!("{p:.0}%")
    }
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
