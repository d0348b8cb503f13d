//! The `YYYY-MM-DDThh:mm:ssZ` UTC timestamps both signatures carry.
//!
//! A date crate would be a heavy dependency for two conversions, so this uses Howard
//! Hinnant's `civil_from_days` / `days_from_civil` (proleptic Gregorian calendar).

use std::time::{SystemTime, UNIX_EPOCH};

const SECONDS_PER_DAY: i64 = 86_400;

/// Formats a time as the SDKs do: UTC, whole seconds (truncated), e.g. `2026-11-24T09:00:00Z`.
pub fn format_timestamp(time: SystemTime) -> String {
    format_unix_seconds(unix_seconds(time))
}

/// Formats seconds since the Unix epoch (negative before it) like [`format_timestamp`].
pub fn format_unix_seconds(seconds: i64) -> String {
    let days = seconds.div_euclid(SECONDS_PER_DAY);
    let in_day = seconds.rem_euclid(SECONDS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        in_day / 3600,
        in_day / 60 % 60,
        in_day % 60
    )
}

/// Parses `YYYY-MM-DDThh:mm:ssZ` back to seconds since the Unix epoch; `None` if the text
/// is not exactly that shape or names an impossible date or time.
///
/// The fake server uses it to check the request's timestamp window.
pub fn parse_timestamp(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    if bytes.len() != 20
        || bytes[4] != b'-'
        || bytes[7] != b'-'
        || bytes[10] != b'T'
        || bytes[13] != b':'
        || bytes[16] != b':'
        || bytes[19] != b'Z'
    {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let digits = text.get(range)?;
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.parse().ok()
    };
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    Some(days_from_civil(year, month, day) * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second)
}

/// Whole seconds since the epoch, rounded towards the past (so pre-epoch times with a
/// fraction land on the earlier second, as `strftime` on a floored time would).
fn unix_seconds(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
        Err(before) => {
            let before = before.duration();
            let whole = i64::try_from(before.as_secs()).unwrap_or(i64::MAX);
            let partial = i64::from(before.subsec_nanos() > 0);
            -(whole.saturating_add(partial))
        }
    }
}

/// (year, month 1..=12, day 1..=31) of the day `days` after 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    // Shift the epoch to 0000-03-01 so leap days fall at the end of each 400-year era.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Days from 1970-01-01 to the given civil date (the inverse of [`civil_from_days`]).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

fn days_in_month(year: i64, month: i64) -> i64 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn system_time_from_unix(seconds: i64) -> SystemTime {
        let magnitude = Duration::from_secs(seconds.unsigned_abs());
        if seconds >= 0 {
            UNIX_EPOCH + magnitude
        } else {
            UNIX_EPOCH - magnitude
        }
    }

    #[test]
    fn known_instants() {
        assert_eq!(format_unix_seconds(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_unix_seconds(1_795_510_800), "2026-11-24T09:00:00Z");
        assert_eq!(format_unix_seconds(1_835_481_599), "2028-02-29T23:59:59Z");
        assert_eq!(format_unix_seconds(946_684_799), "1999-12-31T23:59:59Z");
        assert_eq!(format_unix_seconds(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(format_unix_seconds(4_107_542_400), "2100-03-01T00:00:00Z");
        assert_eq!(format_unix_seconds(-1), "1969-12-31T23:59:59Z");
        assert_eq!(format_unix_seconds(253_402_300_799), "9999-12-31T23:59:59Z");
    }

    #[test]
    fn system_time_truncates_fractions() {
        let time = UNIX_EPOCH + Duration::from_millis(1_795_510_800_999);
        assert_eq!(format_timestamp(time), "2026-11-24T09:00:00Z");
        let before = UNIX_EPOCH - Duration::from_millis(500);
        assert_eq!(format_timestamp(before), "1969-12-31T23:59:59Z");
        assert_eq!(
            format_timestamp(system_time_from_unix(-86_400)),
            "1969-12-31T00:00:00Z"
        );
    }

    #[test]
    fn every_day_for_three_centuries_round_trips() {
        // 1900-01-01 .. 2200-01-01 covers the 100- and 400-year leap rules.
        let mut previous: Option<String> = None;
        for day in -25_567..84_006 {
            let seconds = day * SECONDS_PER_DAY + 45_296;
            let text = format_unix_seconds(seconds);
            assert_eq!(parse_timestamp(&text), Some(seconds), "{text}");
            if let Some(previous) = previous {
                assert!(previous < text, "{previous} then {text}");
            }
            previous = Some(text);
        }
    }

    #[test]
    fn rejects_bad_shapes() {
        for bad in [
            "",
            "2026-11-24 09:00:00Z",
            "2026-11-24T09:00:00",
            "2026-11-24T09:00:00+08:00",
            "2026-13-01T00:00:00Z",
            "2026-02-29T00:00:00Z",
            "2100-02-29T00:00:00Z",
            "2026-11-24T24:00:00Z",
            "2026-11-24T09:60:00Z",
            "2026-11-24T09:00:60Z",
            "2026-1a-24T09:00:00Z",
            "+026-11-24T09:00:00Z",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
        assert!(parse_timestamp("2000-02-29T00:00:00Z").is_some());
    }
}
