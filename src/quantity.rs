//! Kubernetes resource quantities (`100m`, `128Mi`, `0.5`, `1e3`), read exactly as
//! apimachinery's `resource.Quantity` reads them and written in its canonical form.
//!
//! The dashboard reads requests, limits, allocatable and metrics with it; the embedded
//! cluster writes its metrics with it. A quantity is held as an exact count of
//! billionths (nano units): the finest unit a `Quantity` keeps (finer digits round up,
//! as apimachinery rounds them), and wide enough for exabytes.

/// An exact quantity, in billionths of its unit (nanocores for CPU, nanobytes for memory).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Quantity {
    nanos: i128,
}

const NANOS_PER_UNIT: i128 = 1_000_000_000;

impl Quantity {
    /// A quantity of `nanos` billionths.
    pub const fn from_nanos(nanos: i128) -> Self {
        Self { nanos }
    }

    /// Reads a quantity as the API writes it; `None` when it is not one.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let (negative, text) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        let number_end = text
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(text.len());
        let (number, suffix) = text.split_at(number_end);
        let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
        if whole.is_empty() && fraction.is_empty() || fraction.contains('.') {
            return None;
        }
        let digits = format!("{whole}{fraction}");
        // Digits beyond what i128 holds are not quantities anyone writes.
        let mantissa: i128 = digits.parse().ok()?;
        let fraction_digits = i32::try_from(fraction.len()).ok()?;
        let (exp10, binary) = suffix_scale(suffix)?;
        let exp10 = exp10.checked_add(9)?.checked_sub(fraction_digits)?;
        let scaled = mantissa.checked_mul(binary)?;
        let nanos = if exp10 >= 0 {
            scaled.checked_mul(10_i128.checked_pow(u32::try_from(exp10).ok()?)?)?
        } else {
            let divisor = 10_i128.checked_pow(u32::try_from(-exp10).ok()?)?;
            // Finer than a billionth rounds up, as apimachinery rounds it.
            (scaled + divisor - 1) / divisor
        };
        Some(Self {
            nanos: if negative { -nanos } else { nanos },
        })
    }

    /// The billionths.
    pub const fn nanos(self) -> i128 {
        self.nanos
    }

    /// In thousandths, rounded up (`MilliValue`: 102816n is 1m).
    pub fn milli_ceil(self) -> i64 {
        ceil_div(self.nanos, 1_000_000)
    }

    /// In units, rounded up (`Value`: bytes of a memory quantity).
    pub fn value_ceil(self) -> i64 {
        ceil_div(self.nanos, NANOS_PER_UNIT)
    }
}

fn ceil_div(n: i128, d: i128) -> i64 {
    let q = n.div_euclid(d) + i128::from(n.rem_euclid(d) != 0);
    i64::try_from(q).unwrap_or(if q < 0 { i64::MIN } else { i64::MAX })
}

/// The power of ten and the binary factor of a suffix (`Mi` is 2^20, `m` is 10^-3).
fn suffix_scale(suffix: &str) -> Option<(i32, i128)> {
    let binary = |power: u32| Some((0, 1_i128 << (10 * power)));
    match suffix {
        "" => Some((0, 1)),
        "n" => Some((-9, 1)),
        "u" => Some((-6, 1)),
        "m" => Some((-3, 1)),
        "k" => Some((3, 1)),
        "M" => Some((6, 1)),
        "G" => Some((9, 1)),
        "T" => Some((12, 1)),
        "P" => Some((15, 1)),
        "E" => Some((18, 1)),
        "Ki" => binary(1),
        "Mi" => binary(2),
        "Gi" => binary(3),
        "Ti" => binary(4),
        "Pi" => binary(5),
        "Ei" => binary(6),
        exponent => {
            let power = exponent
                .strip_prefix('e')
                .or_else(|| exponent.strip_prefix('E'))?;
            Some((power.parse().ok()?, 1))
        }
    }
}

/// `nanocores` in the canonical decimal form (`Quantity.String()` of a CPU amount):
/// the largest of `n`, `u`, `m`, none, `k`, `M`, `G` that keeps the number whole.
pub fn format_decimal_nanos(nanos: u64) -> String {
    if nanos == 0 {
        return "0".to_owned();
    }
    let mut mantissa = nanos;
    let mut step = 0;
    while step < 6 && mantissa.is_multiple_of(1000) {
        mantissa /= 1000;
        step += 1;
    }
    let suffix = ["n", "u", "m", "", "k", "M", "G"][step];
    format!("{mantissa}{suffix}")
}

/// `bytes` in the canonical binary form (`Quantity.String()` of a memory amount):
/// `Ki`, `Mi`, `Gi`... when a multiple of 1024, else the decimal form (1000 is `1k`).
pub fn format_binary(bytes: u64) -> String {
    if bytes == 0 {
        return "0".to_owned();
    }
    if !bytes.is_multiple_of(1024) {
        return format_decimal_nanos(bytes.saturating_mul(1_000_000_000));
    }
    let mut mantissa = bytes;
    let mut step = 0;
    while step < 6 && mantissa.is_multiple_of(1024) {
        mantissa /= 1024;
        step += 1;
    }
    let suffix = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][step];
    format!("{mantissa}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(text: &str) -> Quantity {
        Quantity::parse(text).unwrap_or_else(|| panic!("{text} is a quantity"))
    }

    #[test]
    fn quantities_read_exactly() {
        assert_eq!(q("100m").milli_ceil(), 100);
        assert_eq!(q("0.1").milli_ceil(), 100, "no float rounding");
        assert_eq!(q("1").milli_ceil(), 1000);
        assert_eq!(q("1.5").milli_ceil(), 1500);
        assert_eq!(q("102816n").milli_ceil(), 1, "MilliValue rounds up");
        assert_eq!(q("0").milli_ceil(), 0);
        assert_eq!(q("128Mi").value_ceil(), 128 * 1024 * 1024);
        assert_eq!(q("16336412Ki").value_ceil(), 16_336_412 * 1024);
        assert_eq!(q("1G").value_ceil(), 1_000_000_000);
        assert_eq!(q("1e3").value_ceil(), 1000);
        assert_eq!(q("1.5Gi").value_ceil(), 3 * 512 * 1024 * 1024);
        assert_eq!(q("0.0000000001").nanos(), 1, "finer than nano rounds up");
        assert_eq!(q("-5m").milli_ceil(), -5);
        assert_eq!(q("110").value_ceil(), 110);
        for bad in ["", "m", "1.2.3", "12x", "Mi", "1 Mi"] {
            assert_eq!(Quantity::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn quantities_print_canonically() {
        assert_eq!(format_decimal_nanos(0), "0");
        assert_eq!(format_decimal_nanos(102_816), "102816n");
        assert_eq!(format_decimal_nanos(5_000_000), "5m");
        assert_eq!(format_decimal_nanos(1_500_000_000), "1500m");
        assert_eq!(format_decimal_nanos(2_000_000_000), "2");
        assert_eq!(format_decimal_nanos(123_000), "123u");
        assert_eq!(format_binary(3_112_960), "3040Ki");
        assert_eq!(format_binary(64 * 1024 * 1024), "64Mi");
        assert_eq!(format_binary(1000), "1k");
        assert_eq!(format_binary(1500), "1500");
        for text in ["3040Ki", "64Mi", "5m", "102816n"] {
            let v = q(text);
            let again = if text.ends_with('i') {
                format_binary(u64::try_from(v.value_ceil()).unwrap())
            } else {
                format_decimal_nanos(u64::try_from(v.nanos()).unwrap())
            };
            assert_eq!(again, text);
        }
    }
}
