//! Calendar arithmetic for the browsing window: proleptic Gregorian day
//! numbers and RFC 3339 UTC timestamps, integer-only so that every platform
//! writes the same text.

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub(super) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number from [`days_from_civil`].
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

pub(super) fn rfc3339(base_day: i64, secs: u64) -> String {
    let (y, mo, d) = civil_from_days(base_day + (secs / 86_400) as i64);
    let s = secs % 86_400;
    format!(
        "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}Z",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        let base = days_from_civil(2026, 10, 1);
        assert_eq!(base, 20_727);
        assert_eq!(rfc3339(base, 0), "2026-10-01T00:00:00Z");
        assert_eq!(rfc3339(base, 9 * 3600 + 15 * 60), "2026-10-01T09:15:00Z");
        assert_eq!(rfc3339(base, 31 * 86_400 - 1), "2026-10-31T23:59:59Z");
        assert_eq!(rfc3339(base, 92 * 86_400), "2027-01-01T00:00:00Z");
        assert_eq!(civil_from_days(days_from_civil(2028, 2, 29)), (2028, 2, 29));
        assert_eq!(
            civil_from_days(days_from_civil(2028, 2, 29) + 1),
            (2028, 3, 1)
        );
    }
}
