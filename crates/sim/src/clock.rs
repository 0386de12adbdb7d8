//! The one virtual clock every component reads: time moves only through `advance`.
//!
//! Time is kept as milliseconds since the cluster's epoch, 2026-01-01T00:00:00Z, and formatted the
//! way apimachinery's `metav1.Time` (RFC 3339, seconds) and `metav1.MicroTime` (microseconds) do.

use std::fmt;

/// A span of virtual time in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration(pub u64);

impl Duration {
    pub const ZERO: Duration = Duration(0);
    pub const fn millis(ms: u64) -> Self {
        Duration(ms)
    }
    pub const fn seconds(s: u64) -> Self {
        Duration(s.saturating_mul(1000))
    }
    pub const fn minutes(m: u64) -> Self {
        Duration(m.saturating_mul(60_000))
    }
    pub const fn as_millis(self) -> u64 {
        self.0
    }
}

/// An instant of virtual time: milliseconds since [`EPOCH_RFC3339`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time(pub u64);

/// The instant t=0 of every cluster.
pub const EPOCH_RFC3339: &str = "2026-01-01T00:00:00Z";
/// Days from 1970-01-01 to 2026-01-01.
const EPOCH_DAYS: i64 = 20454;

impl Time {
    pub const ZERO: Time = Time(0);

    pub fn plus(self, d: Duration) -> Time {
        Time(self.0.saturating_add(d.0))
    }

    /// Time elapsed since `earlier` (zero if `earlier` is later).
    pub fn since(self, earlier: Time) -> Duration {
        Duration(self.0.saturating_sub(earlier.0))
    }

    /// `metav1.Time` as JSON shows it: `2026-01-01T00:00:05Z`.
    pub fn rfc3339(self) -> String {
        let secs = self.0 / 1000;
        let (y, mo, d) = civil_from_days(EPOCH_DAYS + (secs / 86400) as i64);
        let secs_of_day = secs % 86400;
        let (h, m, s) = (secs_of_day / 3600, secs_of_day / 60 % 60, secs_of_day % 60);
        if !(0..=9999).contains(&y) {
            return format!("{y:04}-{mo:02}-{d:02}T{h:02}:{m:02}:{s:02}Z");
        }
        // Written digit by digit: timestamps are formatted on every write, and `format!` is
        // several times slower. The same text as the `format!` above.
        let y = y as u64;
        let digits = [
            y / 1000,
            y / 100 % 10,
            y / 10 % 10,
            y % 10,
            u64::from(mo) / 10,
            u64::from(mo) % 10,
            u64::from(d) / 10,
            u64::from(d) % 10,
            h / 10,
            h % 10,
            m / 10,
            m % 10,
            s / 10,
            s % 10,
        ];
        let mut out = String::with_capacity(20);
        for (i, digit) in digits.iter().enumerate() {
            match i {
                4 | 6 => out.push('-'),
                8 => out.push('T'),
                10 | 12 => out.push(':'),
                _ => {}
            }
            out.push(char::from(b'0' + *digit as u8));
        }
        out.push('Z');
        out
    }

    /// `metav1.MicroTime` as JSON shows it: `2026-01-01T00:00:05.250000Z`.
    pub fn rfc3339_micro(self) -> String {
        let (date, secs_of_day) = self.civil();
        let (h, m, s) = (secs_of_day / 3600, secs_of_day / 60 % 60, secs_of_day % 60);
        let micros = (self.0 % 1000) * 1000;
        format!("{date}T{h:02}:{m:02}:{s:02}.{micros:06}Z")
    }

    /// Parses what [`Time::rfc3339`] and [`Time::rfc3339_micro`] print (UTC only).
    pub fn parse_rfc3339(s: &str) -> Option<Time> {
        let b = s.as_bytes();
        if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || !s.ends_with('Z') {
            return None;
        }
        let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
        let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
        let frac = s.get(19..s.len() - 1)?;
        let millis = if frac.is_empty() {
            0
        } else {
            let digits = frac.strip_prefix('.')?;
            let mut ms = 0i64;
            for (i, c) in digits.chars().take(3).enumerate() {
                ms += i64::from(c.to_digit(10)?) * [100, 10, 1][i];
            }
            ms
        };
        let days = days_from_civil(y, mo, d) - EPOCH_DAYS;
        let total = ((days * 86400 + h * 3600 + mi * 60 + se) * 1000) + millis;
        u64::try_from(total).ok().map(Time)
    }

    fn civil(self) -> (String, u64) {
        let secs = self.0 / 1000;
        let days = EPOCH_DAYS + (secs / 86400) as i64;
        let (y, m, d) = civil_from_days(days);
        (format!("{y:04}-{m:02}-{d:02}"), secs % 86400)
    }
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rfc3339())
    }
}

/// Howard Hinnant's `civil_from_days`.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Howard Hinnant's `days_from_civil`.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The virtual clock.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Clock {
    now: Time,
}

impl Clock {
    pub fn now(&self) -> Time {
        self.now
    }

    /// Moves time forward; never backwards.
    pub fn advance(&mut self, d: Duration) {
        self.now = self.now.plus(d);
    }

    /// Jumps to `t` if it is in the future.
    pub fn advance_to(&mut self, t: Time) {
        if t > self.now {
            self.now = t;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_zero_is_new_year_2026() {
        assert_eq!(Time::ZERO.rfc3339(), EPOCH_RFC3339);
        assert_eq!(Time::ZERO.rfc3339_micro(), "2026-01-01T00:00:00.000000Z");
    }

    #[test]
    fn time_formats_across_months_and_leap_years() {
        let t = Time(((31 + 28) * 86400 + 3661) * 1000 + 250);
        assert_eq!(t.rfc3339(), "2026-03-01T01:01:01Z");
        assert_eq!(t.rfc3339_micro(), "2026-03-01T01:01:01.250000Z");
        let leap = Time((2 * 365 + 31 + 28) * 86400 * 1000);
        assert_eq!(leap.rfc3339(), "2028-02-29T00:00:00Z");
    }

    #[test]
    fn formatted_times_parse_back() {
        for t in [Time(0), Time(1_234_567_000), Time(99_999_999_123)] {
            assert_eq!(Time::parse_rfc3339(&t.rfc3339_micro()), Some(t));
            assert_eq!(
                Time::parse_rfc3339(&t.rfc3339()),
                Some(Time(t.0 / 1000 * 1000))
            );
        }
        assert_eq!(Time::parse_rfc3339("yesterday"), None);
    }
}

#[cfg(test)]
mod fast_format_tests {
    use super::*;

    #[test]
    fn rfc3339_is_written_as_format_would_write_it() {
        for t in [
            0u64,
            999,
            1000,
            59_999,
            3_600_000,
            86_399_999,
            86_400_000,
            5_000_000_000,
            400_000_000_000,
        ] {
            let time = Time(t);
            let (date, secs_of_day) = time.civil();
            let (h, m, s) = (secs_of_day / 3600, secs_of_day / 60 % 60, secs_of_day % 60);
            assert_eq!(time.rfc3339(), format!("{date}T{h:02}:{m:02}:{s:02}Z"));
        }
    }
}
