//! JSON Schema of the profile language (`peakdesk schema profile`), for
//! editors that validate and complete TOML and JSON files (Taplo, Even
//! Better TOML, VS Code's JSON support). The raw serde types derive their
//! schema; the values with a grammar of their own (durations, rates, times
//! of day, thresholds, headcounts, bot hours) describe it here, with the
//! forms the parser accepts and examples.

use super::raw::{RawHours, RawProfile, RawStaff, RawStep, RawThreshold, RawWindow, SurgeStart};
use super::units::{Duration, Rate, TimeOfDay};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use std::borrow::Cow;

/// `"90s"`, `"1h30m"` (humantime's units), or a number of seconds as text.
const DURATION_PATTERN: &str = r"^\s*(([0-9]+(\.[0-9]+)?\s*(nsec|ns|usec|us|msec|ms|seconds|second|sec|s|minutes|minute|min|m|hours|hour|hr|h|days|day|d|weeks|week|w|months|month|M|years|year|y)\s*)+|[0-9]+(\.[0-9]*)?)$";

impl JsonSchema for Duration {
    fn schema_name() -> Cow<'static, str> {
        "Duration".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A duration: \"90s\", \"5m\", \"1h30m\", \"2d\", or a number of seconds.",
            "anyOf": [
                { "type": "string", "pattern": DURATION_PATTERN },
                { "type": "number", "minimum": 0 }
            ],
            "examples": ["30s", "5m", "1h30m"]
        })
    }
}

impl JsonSchema for Rate {
    fn schema_name() -> Cow<'static, str> {
        "Rate".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A rate with its unit: \"2/s\", \"120/min\", \"7200/h\", \"150000/day\".",
            "type": "string",
            "pattern": r"^\s*[0-9]+(\.[0-9]*)?([eE][+-]?[0-9]+)?\s*/\s*(s|sec|second|m|min|minute|h|hour|d|day)\s*$",
            "examples": ["2/s", "7200/h"]
        })
    }
}

impl JsonSchema for TimeOfDay {
    fn schema_name() -> Cow<'static, str> {
        "TimeOfDay".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A time of day, \"HH:MM\" or \"HH:MM:SS\", 00:00 to 24:00.",
            "type": "string",
            "pattern": r"^([01][0-9]|2[0-4]):[0-5][0-9](:[0-5][0-9])?$",
            "examples": ["08:00", "20:30"]
        })
    }
}

impl JsonSchema for RawThreshold {
    fn schema_name() -> Cow<'static, str> {
        "Threshold".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A rule's bound: a duration for a time metric (\"30s\"), a number for a share (0.9) or a count.",
            "anyOf": [ { "type": "number" }, g.subschema_for::<Duration>() ]
        })
    }
}

impl JsonSchema for SurgeStart {
    fn schema_name() -> Cow<'static, str> {
        "SurgeStart".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "When a surge starts: a time of day on the first day (\"20:00\"), or an offset from the start (\"1d20h\").",
            "anyOf": [ g.subschema_for::<TimeOfDay>(), { "type": "string", "pattern": DURATION_PATTERN } ]
        })
    }
}

impl JsonSchema for RawStaff {
    fn schema_name() -> Cow<'static, str> {
        "Staff".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A headcount: a whole number, or steps [{ at = \"HH:MM\", agents = N }, ...].",
            "anyOf": [
                { "type": "integer", "minimum": 0 },
                { "type": "array", "items": g.subschema_for::<RawStep>() }
            ]
        })
    }
}

impl JsonSchema for RawHours {
    fn schema_name() -> Cow<'static, str> {
        "BotHours".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "When the bot answers: \"24h\", or windows of the day [{ from = \"HH:MM\", to = \"HH:MM\" }].",
            "anyOf": [
                { "enum": ["24h", "always"] },
                { "type": "array", "items": g.subschema_for::<RawWindow>() }
            ]
        })
    }
}

/// The JSON Schema of a profile file, with the calibration forms that
/// `calibrate` rewrites before the file is read: `arrivals.curve_csv`
/// (which makes `rate` optional), `{ csv = { file, column, fit } }` and
/// `{ csv = { file, wait, outcome, fit } }` in place of any distribution,
/// and `{ csv = { file, date, count, weekdays } }` for `arrivals.busyness`.
pub fn profile_schema() -> Schema {
    let mut s = schemars::schema_for!(RawProfile);
    if let Some(defs) = s.get_mut("$defs").and_then(|d| d.as_object_mut()) {
        if let Some(arrivals) = defs.get_mut("RawArrivals") {
            arrivals["properties"]["curve_csv"] = serde_json::json!({
                "description": "A CSV of counts per interval (columns start, count), relative to the profile; becomes `curve` and, unless given, `rate`.",
                "type": "string"
            });
            if let Some(req) = arrivals["required"].as_array_mut() {
                req.retain(|k| k != "rate");
            }
        }
        if let Some(busy) = defs.remove("RawBusyness") {
            defs.insert("RawBusyness".into(), calibrated_busyness(busy));
        }
        if let Some(dist) = defs.remove("DistSpec") {
            defs.insert(
                "DistSpec".into(),
                serde_json::json!({
                    "anyOf": [
                        dist,
                        {
                            "description": "Calibrated from a CSV of durations: an empirical table, or a fitted lognormal or Weibull.",
                            "type": "object",
                            "properties": { "csv": {
                                "type": "object",
                                "properties": {
                                    "file": { "type": "string" },
                                    "column": { "type": "string", "default": "seconds" },
                                    "fit": { "enum": ["empirical", "lognormal", "weibull"], "default": "empirical" },
                                    "where": where_schema()
                                },
                                "required": ["file"],
                                "additionalProperties": false
                            } },
                            "required": ["csv"],
                            "additionalProperties": false
                        },
                        {
                            "description": "Patience from a CSV of conversations (wait, outcome answered or left), answered shoppers right-censored: Kaplan-Meier (empirical) or censored maximum likelihood.",
                            "type": "object",
                            "properties": { "csv": {
                                "type": "object",
                                "properties": {
                                    "file": { "type": "string" },
                                    "wait": { "type": "string", "default": "wait_s" },
                                    "outcome": { "type": "string" },
                                    "fit": { "enum": ["empirical", "exponential", "weibull"], "default": "empirical" },
                                    "where": where_schema()
                                },
                                "required": ["file", "outcome"],
                                "additionalProperties": false
                            } },
                            "required": ["csv"],
                            "additionalProperties": false
                        }
                    ]
                }),
            );
        }
    }
    s.insert("title".into(), "peakdesk profile".into());
    s.insert(
        "description".into(),
        "A peakdesk scenario: arrivals, shoppers, questions, the bot, agents, bands, SLA rules and costs. See the README's profile reference.".into(),
    );
    s
}

/// A `where = { column = "value" }` filter on a CSV's rows.
fn where_schema() -> serde_json::Value {
    serde_json::json!({
        "description": "Keep only the rows whose columns have these values.",
        "type": "object",
        "additionalProperties": { "type": "string" }
    })
}

/// `arrivals.busyness` as written, or estimated from a CSV of counts with
/// their date.
fn calibrated_busyness(written: serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "anyOf": [
            written,
            {
                "description": "The busyness cv estimated from several weeks of counts (rows of one date added up) by the method of moments.",
                "type": "object",
                "properties": { "csv": {
                    "type": "object",
                    "properties": {
                        "file": { "type": "string" },
                        "date": { "type": "string", "default": "date" },
                        "count": { "type": "string", "default": "count" },
                        "weekdays": { "type": "boolean", "default": true }
                    },
                    "required": ["file"],
                    "additionalProperties": false
                } },
                "required": ["csv"],
                "additionalProperties": false
            }
        ]
    })
}
