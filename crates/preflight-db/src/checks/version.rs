//! The server's major version against PostgreSQL's published end-of-life dates.
//!
//! Source: the PostgreSQL Global Development Group's versioning policy,
//! <https://www.postgresql.org/support/versioning/>, as published with the release of
//! PostgreSQL 18 (September 2025). Each major version is supported for five years; its final
//! release is on the second Thursday of November of its fifth year (9.5 and older: February).
//! Add a row when a new major version is released.

use time::Date;
use time::macros::date;

use crate::codes::{Annotate, Emitter, VERSION_EOL, VERSION_EOL_SOON, VERSION_UNKNOWN};

/// Major version and the date of its final release.
pub(crate) const END_OF_LIFE: &[(&str, Date)] = &[
    ("18", date!(2030 - 11 - 14)),
    ("17", date!(2029 - 11 - 08)),
    ("16", date!(2028 - 11 - 09)),
    ("15", date!(2027 - 11 - 11)),
    ("14", date!(2026 - 11 - 12)),
    ("13", date!(2025 - 11 - 13)),
    ("12", date!(2024 - 11 - 21)),
    ("11", date!(2023 - 11 - 09)),
    ("10", date!(2022 - 11 - 10)),
    ("9.6", date!(2021 - 11 - 11)),
    ("9.5", date!(2021 - 02 - 11)),
    ("9.4", date!(2020 - 02 - 13)),
    ("9.3", date!(2018 - 11 - 08)),
];

/// How long before its end of life a version is reported.
const WARN_DAYS: i64 = 365;

/// The major version of a `server_version_num`: `15` for 150004, `9.6` for 90624.
pub(crate) fn major(version_num: i32) -> String {
    if version_num >= 100_000 {
        (version_num / 10_000).to_string()
    } else {
        format!("{}.{}", version_num / 10_000, version_num / 100 % 100)
    }
}

/// Checks the version as of `today`.
pub(crate) fn check(out: &mut Emitter, version_num: i32, version: &str, today: Date) {
    let major = major(version_num);
    let Some((_, eol)) = END_OF_LIFE.iter().find(|(m, _)| *m == major) else {
        let newest: i32 = END_OF_LIFE[0]
            .0
            .parse()
            .expect("the newest row is a plain number");
        let message = if major.parse::<i32>().is_ok_and(|m| m > newest) {
            format!("PostgreSQL {major} is newer than preflight's end-of-life table")
        } else {
            format!("PostgreSQL {major} is not in preflight's end-of-life table (long unsupported)")
        };
        out.emit(&VERSION_UNKNOWN, message, "version")
            .detail("server_version", version);
        return;
    };
    let days_left = (*eol - today).whole_days();
    if days_left < 0 {
        out.emit(
            &VERSION_EOL,
            format!(
                "PostgreSQL {major} reached its end of life on {eol}: it gets no security fixes"
            ),
            "version",
        )
        .help("Upgrade to a supported major version.")
        .detail("server_version", version)
        .detail("end_of_life", eol.to_string());
    } else if days_left <= WARN_DAYS {
        out.emit(
            &VERSION_EOL_SOON,
            format!("PostgreSQL {major} reaches its end of life on {eol} ({days_left} days)"),
            "version",
        )
        .help("Plan the upgrade to a newer major version.")
        .detail("server_version", version)
        .detail("end_of_life", eol.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(num: i32, today: Date) -> Vec<String> {
        let mut out = Emitter::new("t".into());
        check(&mut out, num, "x", today);
        out.findings.into_iter().map(|f| f.id).collect()
    }

    #[test]
    fn majors() {
        assert_eq!(major(150_004), "15");
        assert_eq!(major(90_624), "9.6");
        assert_eq!(major(180_000), "18");
    }

    #[test]
    fn end_of_life_is_inclusive_and_warned_a_year_ahead() {
        assert_eq!(ids(140_010, date!(2026 - 11 - 12)), ["db.version-eol-soon"]);
        assert_eq!(ids(140_010, date!(2026 - 11 - 13)), ["db.version-eol"]);
        assert!(ids(170_000, date!(2026 - 11 - 13)).is_empty());
        assert_eq!(ids(190_000, date!(2026 - 11 - 13)), ["db.version-unknown"]);
        assert_eq!(ids(80_400, date!(2026 - 11 - 13)), ["db.version-unknown"]);
    }

    #[test]
    fn table_is_newest_first() {
        assert!(END_OF_LIFE.windows(2).all(|w| w[0].1 > w[1].1));
    }
}
