//! The mock's answers for Zendesk, Freshdesk and Intercom, in the response
//! shapes their API references document (the fields the target files'
//! pointers read, and the usual ones around them).

use crate::saas_mock::{Api, By, Item, Ticket};
use axum::http::StatusCode;
use serde_json::{Value, json};

fn iso(secs: u64) -> String {
    humantime::format_rfc3339_seconds(std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs))
        .to_string()
}

fn last(t: &Ticket) -> &Item {
    t.items.last().expect("a ticket has its first message")
}

const AGENT: u64 = 501;

/// Zendesk Support API v2.
pub struct Zendesk;

impl Zendesk {
    fn ticket(t: &Ticket) -> Value {
        json!({
            "id": t.id,
            "url": format!("https://example.zendesk.com/api/v2/tickets/{}.json", t.id),
            "subject": "order (chat)",
            "description": t.items[0].text,
            "status": if t.left { "solved" } else { "open" },
            "requester_id": 9000 + t.id,
            "submitter_id": 9000 + t.id,
            "assignee_id": null,
            "tags": ["peakdesk"],
            "via": { "channel": "api", "source": { "from": {}, "to": {}, "rel": null } },
            "created_at": iso(t.created),
            "updated_at": iso(last(t).at),
        })
    }

    fn with_audit(t: &Ticket) -> Value {
        json!({
            "ticket": Zendesk::ticket(t),
            "audit": { "id": last(t).id + 1, "ticket_id": t.id, "created_at": iso(last(t).at), "author_id": AGENT, "events": [] },
        })
    }
}

impl Api for Zendesk {
    fn health(&self) -> Value {
        json!({ "user": { "id": AGENT, "name": "Load Test Agent", "email": "agent@example.com", "role": "agent", "active": true } })
    }

    fn opened(&self, t: &Ticket) -> (StatusCode, Value) {
        (StatusCode::CREATED, Zendesk::with_audit(t))
    }

    fn listing(&self, t: &Ticket) -> Value {
        let comments: Vec<Value> = t
            .items
            .iter()
            .map(|i| {
                json!({
                    "id": i.id,
                    "type": "Comment",
                    "author_id": if i.by == By::Shopper { 9000 + t.id } else { AGENT },
                    "body": i.text,
                    "html_body": format!("<div class=\"zd-comment\"><p>{}</p></div>", i.text),
                    "plain_body": i.text,
                    "public": i.by != By::Note,
                    "attachments": [],
                    "audit_id": i.id + 1,
                    "via": { "channel": if i.by == By::Shopper { "api" } else { "web" }, "source": { "from": {}, "to": {}, "rel": null } },
                    "created_at": iso(i.at),
                    "metadata": { "system": {}, "custom": {} },
                })
            })
            .collect();
        json!({ "comments": comments, "next_page": null, "previous_page": null, "count": t.items.len() })
    }

    fn messaged(&self, t: &Ticket) -> (StatusCode, Value) {
        (StatusCode::OK, Zendesk::with_audit(t))
    }

    fn left(&self, t: &Ticket) -> Value {
        Zendesk::with_audit(t)
    }
}

/// Freshdesk API v2.
pub struct Freshdesk;

impl Freshdesk {
    fn ticket(t: &Ticket) -> Value {
        json!({
            "id": t.id,
            "subject": "order (chat)",
            "description": format!("<div>{}</div>", t.items[0].text),
            "description_text": t.items[0].text,
            "status": if t.left { 4 } else { 2 },
            "priority": 1,
            "source": 7,
            "requester_id": 9000 + t.id,
            "responder_id": null,
            "group_id": null,
            "type": null,
            "tags": ["peakdesk"],
            "cc_emails": [],
            "fwd_emails": [],
            "reply_cc_emails": [],
            "spam": false,
            "is_escalated": false,
            "fr_escalated": false,
            "custom_fields": {},
            "due_by": iso(t.created + 86_400),
            "fr_due_by": iso(t.created + 3_600),
            "created_at": iso(t.created),
            "updated_at": iso(last(t).at),
        })
    }

    fn conversation(t: &Ticket, i: &Item) -> Value {
        json!({
            "id": i.id,
            "body": format!("<div>{}</div>", i.text),
            "body_text": i.text,
            "incoming": i.by == By::Shopper,
            "private": i.by == By::Note,
            "user_id": AGENT,
            "support_email": if i.by == By::Agent { json!("support@example.freshdesk.com") } else { Value::Null },
            "source": if i.by == By::Agent { 0 } else { 2 },
            "ticket_id": t.id,
            "from_email": null,
            "to_emails": [],
            "cc_emails": [],
            "bcc_emails": [],
            "attachments": [],
            "created_at": iso(i.at),
            "updated_at": iso(i.at),
        })
    }
}

impl Api for Freshdesk {
    fn health(&self) -> Value {
        json!({
            "id": AGENT, "available": true, "occasional": false, "signature": null, "ticket_scope": 1,
            "type": "support_agent", "created_at": iso(0), "updated_at": iso(0),
            "contact": { "active": true, "email": "agent@example.com", "name": "Load Test Agent", "job_title": null, "language": "en", "time_zone": "UTC" },
        })
    }

    fn opened(&self, t: &Ticket) -> (StatusCode, Value) {
        (StatusCode::CREATED, Freshdesk::ticket(t))
    }

    /// The description is the ticket's, not a conversation.
    fn listing(&self, t: &Ticket) -> Value {
        t.items[1..]
            .iter()
            .map(|i| Freshdesk::conversation(t, i))
            .collect()
    }

    fn messaged(&self, t: &Ticket) -> (StatusCode, Value) {
        (StatusCode::CREATED, Freshdesk::conversation(t, last(t)))
    }

    fn left(&self, t: &Ticket) -> Value {
        Freshdesk::ticket(t)
    }
}

/// Intercom REST API 2.11.
pub struct Intercom;

impl Intercom {
    fn author(by: By) -> Value {
        match by {
            By::Shopper => {
                json!({ "type": "user", "id": "6650a0c1e3b3f2a1b4c5d6e7", "name": "Shopper", "email": "" })
            }
            _ => {
                json!({ "type": "admin", "id": AGENT.to_string(), "name": "Load Test Agent", "email": "agent@example.com" })
            }
        }
    }

    /// The opening message is the conversation's source, not a part.
    fn conversation(t: &Ticket) -> Value {
        let first = &t.items[0];
        let parts: Vec<Value> = t.items[1..]
            .iter()
            .map(|i| {
                json!({
                    "type": "conversation_part",
                    "id": i.id.to_string(),
                    "part_type": if i.by == By::Note { "note" } else { "comment" },
                    "body": i.text,
                    "created_at": i.at,
                    "updated_at": i.at,
                    "notified_at": i.at,
                    "assigned_to": null,
                    "author": Intercom::author(i.by),
                    "attachments": [],
                    "external_id": null,
                    "redacted": false,
                })
            })
            .collect();
        json!({
            "type": "conversation",
            "id": t.id.to_string(),
            "created_at": t.created,
            "updated_at": last(t).at,
            "waiting_since": null,
            "snoozed_until": null,
            "open": true,
            "state": "open",
            "read": true,
            "priority": "not_priority",
            "admin_assignee_id": null,
            "team_assignee_id": null,
            "tags": { "type": "tag.list", "tags": [] },
            "source": {
                "type": "conversation", "id": first.id.to_string(), "delivered_as": "customer_initiated",
                "subject": "", "body": first.text, "author": Intercom::author(By::Shopper),
                "attachments": [], "url": null, "redacted": false,
            },
            "contacts": { "type": "contact.list", "contacts": [{ "type": "contact", "id": "6650a0c1e3b3f2a1b4c5d6e7" }] },
            "conversation_parts": { "type": "conversation_part.list", "conversation_parts": parts, "total_count": t.items.len() - 1 },
        })
    }
}

impl Api for Intercom {
    fn health(&self) -> Value {
        json!({
            "type": "admin", "id": AGENT.to_string(), "email": "agent@example.com", "name": "Load Test Agent",
            "email_verified": true, "has_inbox_seat": true,
            "app": { "type": "app", "id_code": "abc123de", "name": "Shop", "created_at": 0, "secure": false, "identity_verification": false, "timezone": "UTC", "region": "US" },
            "avatar": { "type": "avatar", "image_url": null },
        })
    }

    fn opened(&self, t: &Ticket) -> (StatusCode, Value) {
        let first = &t.items[0];
        let message = json!({
            "type": "user_message",
            "id": first.id.to_string(),
            "created_at": first.at,
            "body": first.text,
            "message_type": "inapp",
            "conversation_id": t.id.to_string(),
        });
        (StatusCode::OK, message)
    }

    fn listing(&self, t: &Ticket) -> Value {
        Intercom::conversation(t)
    }

    fn messaged(&self, t: &Ticket) -> (StatusCode, Value) {
        (StatusCode::OK, Intercom::conversation(t))
    }

    fn left(&self, t: &Ticket) -> Value {
        Intercom::conversation(t)
    }
}
