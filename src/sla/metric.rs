//! What an SLA rule measures: the catalogue's rule metrics as a closed set,
//! each tied to its catalogue entry for its name, unit and scopes.

use super::rule::Scope;
use crate::metrics::catalogue::{self, Def, ScopeKind, Unit};
use serde::{Deserialize, Serialize};

/// A metric an SLA rule can hold to a line (names as in the catalogue).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Time to the first response (bot or agent).
    FirstResponse,
    /// Time from joining the human queue to the first human response.
    HumanResponse,
    /// Every reply's response time.
    MessageResponse,
    /// Each conversation's mean response time.
    ConversationResponse,
    /// Share of arrivals answered within `within`.
    AnsweredWithin,
    /// Share of arrivals who left before any response.
    LeftBeforeAnswer,
    /// Share of arrivals who gave up waiting for a human after a response.
    LeftWaitingForHuman,
    /// Share of arrivals who left while a later reply was due.
    LeftMidConversation,
    /// The three ways of leaving together.
    ShoppersLost,
    /// Share of finished conversations the bot resolved alone.
    BotContainment,
    /// Busy agent time over staffed agent time.
    Occupancy,
    /// Predicted satisfaction from the bands.
    Satisfaction,
    /// Share of the instant-answer desk's orders lost.
    ConversionLoss,
}

impl Metric {
    /// Every rule metric.
    pub const ALL: [Metric; 13] = [
        Metric::FirstResponse,
        Metric::HumanResponse,
        Metric::MessageResponse,
        Metric::ConversationResponse,
        Metric::AnsweredWithin,
        Metric::LeftBeforeAnswer,
        Metric::LeftWaitingForHuman,
        Metric::LeftMidConversation,
        Metric::ShoppersLost,
        Metric::BotContainment,
        Metric::Occupancy,
        Metric::Satisfaction,
        Metric::ConversionLoss,
    ];

    /// Its catalogue entry.
    pub fn def(self) -> &'static Def {
        use catalogue as c;
        let name = match self {
            Metric::FirstResponse => return &c::FIRST_RESPONSE,
            Metric::HumanResponse => return &c::HUMAN_RESPONSE,
            Metric::AnsweredWithin => return &c::ANSWERED_WITHIN,
            Metric::LeftBeforeAnswer => return &c::LEFT_BEFORE_ANSWER,
            Metric::LeftWaitingForHuman => return &c::LEFT_WAITING_FOR_HUMAN,
            Metric::LeftMidConversation => return &c::LEFT_MID_CONVERSATION,
            Metric::ShoppersLost => return &c::SHOPPERS_LOST,
            Metric::Occupancy => return &c::OCCUPANCY,
            Metric::Satisfaction => return &c::SATISFACTION,
            Metric::ConversionLoss => return &c::CONVERSION_LOSS,
            Metric::MessageResponse => "message_response",
            Metric::ConversationResponse => "conversation_response",
            Metric::BotContainment => "bot_containment",
        };
        c::get(name).expect("every rule metric is in the catalogue")
    }

    /// The metric called `name` in a rule.
    pub fn named(name: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.def().name == name)
    }

    /// Whether the metric is a time (seconds) rather than a share.
    pub fn is_time(self) -> bool {
        self.def().unit == Unit::Seconds
    }

    /// Whether a rule on it can be about `scope`.
    pub fn fits(self, scope: Scope) -> bool {
        let kind = match scope {
            Scope::All => ScopeKind::All,
            Scope::Segment(_) => ScopeKind::Segment,
            Scope::Question(_) => ScopeKind::Question,
            Scope::Channel(_) => ScopeKind::Channel,
            Scope::Tier(_) => ScopeKind::Tier,
            Scope::Group(_) => ScopeKind::Group,
        };
        self.def().scopes.contains(&kind)
    }

    /// Whether the interval series carries it (for `every_interval`).
    pub fn per_interval(self) -> bool {
        matches!(
            self,
            Metric::AnsweredWithin
                | Metric::LeftBeforeAnswer
                | Metric::LeftWaitingForHuman
                | Metric::LeftMidConversation
                | Metric::ShoppersLost
                | Metric::FirstResponse
                | Metric::Occupancy
        )
    }

    /// The share of a tally's arrivals it counts, for the metrics that are
    /// one (`None` for the others).
    pub fn share_of(self, t: &crate::metrics::Tally) -> Option<f64> {
        let part = match self {
            Metric::LeftBeforeAnswer => t.counts.abandoned,
            Metric::LeftWaitingForHuman => t.counts.abandoned_after_response,
            Metric::LeftMidConversation => t.counts.left_mid_conversation,
            Metric::ShoppersLost => t.counts.lost(),
            _ => return None,
        };
        Some(if t.counts.arrived > 0 {
            part as f64 / t.counts.arrived as f64
        } else {
            f64::NAN
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_names_are_the_catalogue_names() {
        for m in Metric::ALL {
            let json = serde_json::to_value(m).unwrap();
            assert_eq!(json, m.def().name, "{m:?}");
            assert!(m.def().is_rule_metric(), "{m:?} has no scopes");
            assert_eq!(Metric::named(m.def().name), Some(m));
        }
        let rule_metrics = catalogue::ALL.iter().filter(|d| d.is_rule_metric()).count();
        assert_eq!(rule_metrics, Metric::ALL.len());
    }
}
