//! `serve` takes a conversation's later messages from its caller: opened
//! with `turns: "caller"`, each answer is shown and the desk waits for the
//! next message; the desk closes the conversation once the question's
//! turns are answered, and a caller who leaves mid-conversation frees the
//! agent. Opened without it, the model plays the later turns.

use crate::common::{Served, http_json};
use std::time::{Duration, Instant};

/// One agent, three-message questions: replies take 2 s, shoppers think 1 s.
const THREE_TURNS: &str = "tests/integration/serve-turns.toml";

/// Polls conversation `id` until `done` holds of it (at most 5 s of wall).
fn until(url: &str, id: &str, done: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
    let start = Instant::now();
    loop {
        let (status, c) = http_json(url, "GET", &format!("/conversations/{id}"), "");
        assert_eq!(status, 200, "{c}");
        if done(&c) {
            return c;
        }
        assert!(start.elapsed() < Duration::from_secs(5), "gave up on {c}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Answers shown so far (notices have no text).
fn replies(c: &serde_json::Value) -> usize {
    c["messages"]
        .as_array()
        .map_or(0, |m| m.iter().filter(|m| !m["text"].is_null()).count())
}

fn open(url: &str, turns: &str) -> String {
    let body = format!(r#"{{"turns": "{turns}"}}"#);
    let (status, c) = http_json(url, "POST", "/conversations", &body);
    assert_eq!(status, 201, "{c}");
    c["id"].as_str().unwrap().to_string()
}

#[test]
fn a_caller_plays_every_turn_and_sees_every_answer() {
    let served = Served::start(THREE_TURNS, "20");
    let url = &served.url;
    let id = open(url, "caller");
    let path = format!("/conversations/{id}/messages");
    for turn in 1..=3 {
        let c = until(url, &id, |c| replies(c) == turn);
        assert_eq!(c["messages"][turn - 1]["by"], "agent", "{c}");
        if turn < 3 {
            // No message, no answer: the desk waits for the caller.
            std::thread::sleep(Duration::from_millis(300));
            let c = until(url, &id, |_| true);
            assert_eq!((replies(&c), c["closed"].as_bool()), (turn, Some(false)));
            let (status, _) = http_json(url, "POST", &path, r#"{"text": "and?"}"#);
            assert_eq!(status, 202);
        }
    }
    until(url, &id, |c| c["closed"] == true);
}

#[test]
fn the_model_plays_the_later_turns_when_the_caller_does_not() {
    let served = Served::start(THREE_TURNS, "20");
    let id = open(&served.url, "model");
    // 2 + 1 + 2 + 1 + 2 s of scenario time: 0.4 s of wall at 20x.
    let c = until(&served.url, &id, |c| c["closed"] == true);
    assert_eq!(replies(&c), 1, "the first response only: {c}");
}

#[test]
fn a_caller_who_leaves_mid_conversation_frees_the_agent() {
    let served = Served::start(THREE_TURNS, "20");
    let url = &served.url;
    let first = open(url, "caller");
    until(url, &first, |c| replies(c) == 1);
    let (status, _) = http_json(url, "DELETE", &format!("/conversations/{first}"), "");
    assert_eq!(status, 204);
    until(url, &first, |c| c["closed"] == true);
    // The only agent is free again: the next conversation is answered.
    let second = open(url, "caller");
    until(url, &second, |c| replies(c) == 1);
    let (status, e) = http_json(url, "POST", "/conversations", r#"{"turns": "all"}"#);
    assert_eq!(status, 422, "{e}");
    assert!(e["error"].as_str().unwrap().contains("caller"), "{e}");
}
