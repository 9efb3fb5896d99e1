//! Reading the times a target writes in its answers: seconds since the
//! epoch as a number, or a date-time string. A string with an offset
//! (`Z`, `+08:00`) is an instant; one without (`2026-11-11 00:00:05`, as
//! Django writes with `USE_TZ = False`) is a wall-clock time in the
//! target file's `time_zone`. Parsed with `jiff`, never by hand.

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;

/// How a target's times are read: the zone of times written without an
/// offset.
#[derive(Debug, Clone)]
pub struct ServerTimes {
    zone: TimeZone,
}

impl Default for ServerTimes {
    fn default() -> Self {
        ServerTimes {
            zone: TimeZone::UTC,
        }
    }
}

/// A `time_zone` the zone database does not know.
#[derive(Debug, thiserror::Error)]
#[error(
    "{name:?}: not a time zone this machine knows ({why}); expected an IANA name such as \"Asia/Shanghai\" or \"UTC\""
)]
pub struct ZoneError {
    name: String,
    why: String,
}

impl ServerTimes {
    /// Times without an offset read in the zone named `name` (IANA).
    pub fn in_zone(name: &str) -> Result<ServerTimes, ZoneError> {
        let zone = TimeZone::get(name).map_err(|e| ZoneError {
            name: name.to_string(),
            why: e.to_string(),
        })?;
        Ok(ServerTimes { zone })
    }

    /// A time found by a pointer, in seconds since the epoch (`None`: not
    /// a number or a date-time).
    pub fn seconds(&self, v: &serde_json::Value) -> Option<f64> {
        match v {
            serde_json::Value::Number(n) => n.as_f64(),
            serde_json::Value::String(s) => self.parse(s.trim()),
            _ => None,
        }
    }

    fn parse(&self, s: &str) -> Option<f64> {
        let ts = match s.parse::<Timestamp>() {
            Ok(ts) => ts,
            Err(_) => self.zone.to_timestamp(s.parse::<DateTime>().ok()?).ok()?,
        };
        Some(ts.as_microsecond() as f64 / 1e6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOON_UTC: f64 = 1_795_376_400.25; // 2026-11-22T19:40:00.25Z

    #[test]
    fn reads_instants_with_any_offset() {
        let t = ServerTimes::default();
        for s in [
            "2026-11-22T19:40:00.250000Z",
            "2026-11-23T03:40:00.250000+08:00",
            "2026-11-22T14:40:00.25-05:00",
            "2026-11-22 19:40:00.25Z",
        ] {
            let got = t.seconds(&json!(s)).unwrap_or_else(|| panic!("{s}"));
            assert!((got - NOON_UTC).abs() < 1e-6, "{s}: {got}");
        }
        assert_eq!(t.seconds(&json!(12.5)), Some(12.5));
        assert_eq!(t.seconds(&json!("yesterday")), None);
        assert_eq!(t.seconds(&json!(null)), None);
    }

    #[test]
    fn reads_times_without_offset_in_the_target_zone() {
        let shanghai = ServerTimes::in_zone("Asia/Shanghai").unwrap();
        for s in ["2026-11-23T03:40:00.250000", "2026-11-23 03:40:00.25"] {
            let got = shanghai.seconds(&json!(s)).unwrap();
            assert!((got - NOON_UTC).abs() < 1e-6, "{s}: {got}");
        }
        let utc = ServerTimes::default();
        let got = utc.seconds(&json!("2026-11-22T19:40:00.25")).unwrap();
        assert!((got - NOON_UTC).abs() < 1e-6);
    }

    #[test]
    fn refuses_unknown_zones() {
        let e = ServerTimes::in_zone("Mars/Olympus")
            .unwrap_err()
            .to_string();
        assert!(e.contains("Mars/Olympus") && e.contains("IANA"), "{e}");
    }
}
