//! The catalogue of metrics: for every figure the summary reports, its
//! name, unit, what it means (with its denominator), which way is better,
//! which scopes an SLA rule can give it, and where it sits in the summary
//! JSON. The terminal, `compare`, the sweep, SLA rules and `peakdesk
//! metrics` read names, units, formatting and direction from here; a test
//! checks that the summary carries no metric this list lacks.

use serde::Serialize;

/// What a metric counts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A share, 0 to 1 (shown as a percentage).
    Share,
    /// Seconds.
    Seconds,
    /// A number of shoppers (a time average).
    Shoppers,
    /// Money per day, in the profile's currency.
    MoneyPerDay,
    /// A score out of 100.
    Score,
}

impl Unit {
    /// A value as the terminal and the reports show it: `12.34%`, `2.14 s`,
    /// `3.2 min`, `3,374,601`, `94.6/100`; `-` when there is none.
    pub fn show(self, x: Option<f64>) -> String {
        let Some(v) = x else { return "-".into() };
        match self {
            Unit::Share => format!("{:.2}%", v * 100.0),
            Unit::Seconds if v < 10.0 => format!("{v:.2} s"),
            Unit::Seconds if v < 600.0 => format!("{v:.1} s"),
            Unit::Seconds => format!("{:.1} min", v / 60.0),
            Unit::Shoppers => format!("{v:.2}"),
            Unit::MoneyPerDay => grouped(v.round()),
            Unit::Score => format!("{v:.1}/100"),
        }
    }
}

/// A whole number with thousands separators (`-1234567` as `-1,234,567`).
pub fn grouped(v: f64) -> String {
    let digits = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    if v < 0.0 && digits != "0" {
        out.insert(0, '-');
    }
    out
}

/// Which way is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    /// Lower is better.
    Lower,
    /// Higher is better.
    Higher,
    /// Neither: a description of the desk, not a goal.
    Neither,
}

/// How the summary holds the metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Form {
    /// An estimate: `{ value, ci95 }`.
    Estimate,
    /// One estimate per answered-within threshold, by label.
    PerThreshold,
    /// Order statistics: `{ count, min, mean, p50, p90, p95, p99, max }`.
    Percentiles,
    /// A plain number.
    Number,
}

/// Who an SLA rule on the metric can be about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScopeKind {
    /// Every shopper.
    All,
    /// One segment.
    Segment,
    /// One question.
    Question,
    /// One channel.
    Channel,
    /// One priority tier.
    Tier,
    /// One agent group.
    Group,
}

/// One metric.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Def {
    /// The name: in SLA rules, `compare` and `peakdesk metrics`.
    pub name: &'static str,
    /// Where the summary JSON holds it (a JSON pointer).
    pub path: &'static str,
    /// Its label on the terminal.
    pub label: &'static str,
    /// Its unit.
    pub unit: Unit,
    /// How the summary holds it.
    pub form: Form,
    /// Which way is better.
    pub better: Better,
    /// What it means, in one sentence with its denominator.
    pub definition: &'static str,
    /// How it is computed from the tallies.
    pub computed: &'static str,
    /// The scopes an SLA rule on it can take (empty: not a rule metric).
    pub scopes: &'static [ScopeKind],
}

use ScopeKind::{All, Channel, Group, Question, Segment, Tier};
const PARTS: &[ScopeKind] = &[All, Segment, Question, Channel, Tier];

/// Shoppers who left before any response.
pub const LEFT_BEFORE_ANSWER: Def = Def {
    name: "left_before_answer",
    path: "/metrics/left_before_answer",
    label: "left before any answer",
    unit: Unit::Share,
    form: Form::Estimate,
    better: Better::Lower,
    definition: "Shoppers who left before any response, from the bot or an agent, over arrivals.",
    computed: "abandoned / arrived",
    scopes: PARTS,
};

/// Shoppers who gave up in a human queue after a response.
pub const LEFT_WAITING_FOR_HUMAN: Def = Def {
    name: "left_waiting_for_human",
    path: "/metrics/left_waiting_for_human",
    label: "gave up waiting for a human",
    unit: Unit::Share,
    form: Form::Estimate,
    better: Better::Lower,
    definition: "Shoppers who gave up in a human queue after a response (the bot's, or an agent's before a transfer), over arrivals.",
    computed: "abandoned_after_response / arrived",
    scopes: PARTS,
};

/// Shoppers who left while a later reply was due.
pub const LEFT_MID_CONVERSATION: Def = Def {
    name: "left_mid_conversation",
    path: "/metrics/left_mid_conversation",
    label: "left mid-conversation",
    unit: Unit::Share,
    form: Form::Estimate,
    better: Better::Lower,
    definition: "Shoppers who left with the bot or an agent while a later reply was due, over arrivals.",
    computed: "left_mid_conversation / arrived",
    scopes: PARTS,
};

/// The three ways of leaving together.
pub const SHOPPERS_LOST: Def = Def {
    name: "shoppers_lost",
    path: "/metrics/shoppers_lost",
    label: "shoppers lost (all three)",
    unit: Unit::Share,
    form: Form::Estimate,
    better: Better::Lower,
    definition: "Shoppers who left unserved (before any answer, waiting for a human, or mid-conversation), over arrivals.",
    computed: "(abandoned + abandoned_after_response + left_mid_conversation) / arrived",
    scopes: PARTS,
};

/// Mean wait (the ASA of Erlang calculators, over every shopper answered or gone).
pub const WAIT_MEAN: Def = Def {
    name: "wait_mean",
    path: "/metrics/wait_mean_s",
    label: "mean wait",
    unit: Unit::Seconds,
    form: Form::Estimate,
    better: Better::Lower,
    definition: "Mean time from arrival to the first response or to leaving, over shoppers answered or gone.",
    computed: "wait_sum_us / (answered + abandoned)",
    scopes: &[],
};

/// Agent occupancy.
pub const OCCUPANCY: Def = Def {
    name: "occupancy",
    path: "/metrics/occupancy",
    label: "agent occupancy",
    unit: Unit::Share,
    form: Form::Estimate,
    better: Better::Neither,
    definition: "Agent time with at least one conversation over agent time on shift; an agent who stays past the shift's end to finish a chat adds busy time without shift time, so a group whose shifts end in a peak can pass 100%.",
    computed: "busy_area / staffed_area",
    scopes: &[All, Group],
};

/// Chat-slot use.
pub const CHAT_SLOT_USE: Def = Def {
    name: "chat_slot_use",
    path: "/metrics/chat_slot_use",
    label: "chat slots in use",
    unit: Unit::Share,
    form: Form::Estimate,
    better: Better::Neither,
    definition: "Conversations with agents over the chat slots on shift (agents on shift times their concurrency), time-averaged; past 100% only while agents finish chats after their shift.",
    computed: "sum over groups of chats_area / sum of staffed_area x concurrency",
    scopes: &[],
};

/// A capacity-limited bot's metrics: in the summary only when the profile
/// gives `[bot]` a concurrency or a rate limit (utilisation only with a
/// concurrency).
pub const BOT_CAPACITY: &[Def] = &[
    Def {
        name: "bot_utilisation",
        path: "/metrics/bot_utilisation",
        label: "bot slots in use",
        unit: Unit::Share,
        form: Form::Estimate,
        better: Better::Neither,
        definition: "The bot's service time (reply latency under load) of the requests it started for shoppers arriving after the warm-up, over its slots (bot.concurrency) times the measured time: the time-average share of its slots in use.",
        computed: "bot_service_sum_us / (concurrency x span)",
        scopes: &[],
    },
    Def {
        name: "bot_wait_prob",
        path: "/metrics/bot_wait_prob",
        label: "bot requests that waited",
        unit: Unit::Share,
        form: Form::Estimate,
        better: Better::Lower,
        definition: "Reply requests that waited for a bot slot or the rate limit before the bot started on them, over the requests it started.",
        computed: "bot_waited / bot_requests",
        scopes: &[],
    },
    Def {
        name: "bot_wait_mean",
        path: "/metrics/bot_wait_mean_s",
        label: "mean wait for the bot",
        unit: Unit::Seconds,
        form: Form::Estimate,
        better: Better::Lower,
        definition: "Mean time from a message to the bot starting on it (waiting for a slot or the rate limit), over the requests it started.",
        computed: "bot_wait_sum_us / bot_requests",
        scopes: &[],
    },
    Def {
        name: "bot_fallback",
        path: "/metrics/bot_fallback",
        label: "sent to a human: bot full",
        unit: Unit::Share,
        form: Form::Estimate,
        better: Better::Lower,
        definition: "Conversations sent to a human queue because the bot was full (when_full = \"human\"), over arrivals.",
        computed: "bot_fallbacks / arrived",
        scopes: &[],
    },
    Def {
        name: "bot_failed",
        path: "/metrics/bot_failed",
        label: "failed by the bot: full",
        unit: Unit::Share,
        form: Form::Estimate,
        better: Better::Lower,
        definition: "Shoppers failed because the bot was full (when_full = \"fail\"; they count among shoppers lost too), over arrivals.",
        computed: "bot_failed / arrived",
        scopes: &[],
    },
];

/// Whether `d` is one of [`BOT_CAPACITY`], absent from summaries of an
/// unlimited bot.
pub fn needs_bot_capacity(d: &Def) -> bool {
    BOT_CAPACITY.iter().any(|b| b.name == d.name)
}

/// The catalogue, in the order the terminal and `peakdesk metrics` show it.
pub const ALL: &[Def] = &[
    LEFT_BEFORE_ANSWER,
    LEFT_WAITING_FOR_HUMAN,
    LEFT_MID_CONVERSATION,
    SHOPPERS_LOST,
    Def {
        name: "wait_prob",
        path: "/metrics/wait_prob",
        label: "waited (not answered at once)",
        unit: Unit::Share,
        form: Form::Estimate,
        better: Better::Lower,
        definition: "Shoppers not answered at once (bot or agent), over arrivals.",
        computed: "(arrived - immediate) / arrived",
        scopes: &[],
    },
    WAIT_MEAN,
    OCCUPANCY,
    CHAT_SLOT_USE,
    Def {
        name: "mean_queue",
        path: "/metrics/mean_queue",
        label: "mean queue",
        unit: Unit::Shoppers,
        form: Form::Estimate,
        better: Better::Lower,
        definition: "Time-average number of shoppers waiting for a human, over the measured time.",
        computed: "queue_area / span",
        scopes: &[],
    },
    ANSWERED_WITHIN,
    Def {
        name: "bot_containment",
        path: "/metrics/bot_containment",
        label: "bot containment",
        unit: Unit::Share,
        form: Form::Estimate,
        better: Better::Higher,
        definition: "Conversations the bot finished alone, over conversations finished.",
        computed: "bot_resolved / resolved",
        scopes: PARTS,
    },
    Def {
        name: "message_mean",
        path: "/metrics/message_mean_s",
        label: "mean message response",
        unit: Unit::Seconds,
        form: Form::Estimate,
        better: Better::Lower,
        definition: "Mean response time over every message answered, by the bot or agents.",
        computed: "message_response_sum_us / messages",
        scopes: &[],
    },
    BOT_CAPACITY[0],
    BOT_CAPACITY[1],
    BOT_CAPACITY[2],
    BOT_CAPACITY[3],
    BOT_CAPACITY[4],
    FIRST_RESPONSE,
    HUMAN_RESPONSE,
    Def {
        name: "message_response",
        path: "/metrics/message_response_s",
        label: "message response",
        unit: Unit::Seconds,
        form: Form::Percentiles,
        better: Better::Lower,
        definition: "Each message's response time, over every message answered.",
        computed: "histogram message_response",
        scopes: &[All],
    },
    Def {
        name: "conversation_response",
        path: "/metrics/conversation_response_s",
        label: "conversation mean",
        unit: Unit::Seconds,
        form: Form::Percentiles,
        better: Better::Lower,
        definition: "Each finished conversation's mean response time (Douyin's measure), over finished conversations.",
        computed: "histogram conversation_response",
        scopes: &[All],
    },
    Def {
        name: "resolution",
        path: "/metrics/resolution_s",
        label: "time to resolve",
        unit: Unit::Seconds,
        form: Form::Percentiles,
        better: Better::Lower,
        definition: "Arrival to the last reply, over finished conversations.",
        computed: "histogram resolution",
        scopes: &[],
    },
    Def {
        name: "abandon_time",
        path: "/metrics/abandon_time_s",
        label: "time to abandon",
        unit: Unit::Seconds,
        form: Form::Percentiles,
        better: Better::Neither,
        definition: "Arrival to leaving, over shoppers who left before any answer.",
        computed: "histogram abandon_time",
        scopes: &[],
    },
    Def {
        name: "handle",
        path: "/metrics/handle_s",
        label: "handle time",
        unit: Unit::Seconds,
        form: Form::Percentiles,
        better: Better::Neither,
        definition: "Agent time from taking a conversation to its last reply, over conversations agents finished.",
        computed: "histogram handle",
        scopes: &[],
    },
    SATISFACTION,
    CONVERSION_LOSS,
    REVENUE_LOST_PER_DAY,
    COST_PER_DAY,
    Def {
        name: "kpi_score",
        path: "/scorecard/score",
        label: "KPI scorecard",
        unit: Unit::Score,
        form: Form::Number,
        better: Better::Higher,
        definition: "The seeds' weighted KPI scorecard (30/20/20/15/15), out of 100.",
        computed: "weighted scores of the scorecard's KPIs",
        scopes: &[],
    },
];

/// Shoppers answered within a threshold.
pub const ANSWERED_WITHIN: Def = Def {
    name: "answered_within",
    path: "/metrics/answered_within",
    label: "answered within",
    unit: Unit::Share,
    form: Form::PerThreshold,
    better: Better::Higher,
    definition: "Shoppers whose first response came within the threshold, over arrivals (less those the horizon cut off before the threshold).",
    computed: "within[k] / (arrived - undecided[k])",
    scopes: PARTS,
};

/// Time to the first response.
pub const FIRST_RESPONSE: Def = Def {
    name: "first_response",
    path: "/metrics/first_response_s",
    label: "first response",
    unit: Unit::Seconds,
    form: Form::Percentiles,
    better: Better::Lower,
    definition: "Arrival to the first response, by the bot or an agent, over answered shoppers.",
    computed: "histogram first_response",
    scopes: PARTS,
};

/// Time to the first human response.
pub const HUMAN_RESPONSE: Def = Def {
    name: "human_response",
    path: "/metrics/human_response_s",
    label: "human response",
    unit: Unit::Seconds,
    form: Form::Percentiles,
    better: Better::Lower,
    definition: "Joining the human queue to the first human response, over shoppers an agent answered.",
    computed: "histogram human_response",
    scopes: &[All, Group],
};

/// Predicted satisfaction.
pub const SATISFACTION: Def = Def {
    name: "satisfaction",
    path: "/bands/satisfaction",
    label: "predicted satisfaction",
    unit: Unit::Share,
    form: Form::Number,
    better: Better::Higher,
    definition: "Arrivals whose response time falls in a satisfied band, over arrivals.",
    computed: "band shares of the first-response (or mean-response) histogram",
    scopes: &[All, Segment],
};

/// Orders lost.
pub const CONVERSION_LOSS: Def = Def {
    name: "conversion_loss",
    path: "/bands/loss_share",
    label: "orders lost",
    unit: Unit::Share,
    form: Form::Number,
    better: Better::Lower,
    definition: "Orders lost to slow answers and leaving, over the orders an instant-answer desk would get.",
    computed: "1 - orders / instant_orders, from the bands and each segment's conversion",
    scopes: &[All, Segment],
};

/// Revenue lost per day.
pub const REVENUE_LOST_PER_DAY: Def = Def {
    name: "revenue_lost_per_day",
    path: "/metrics/revenue_lost_per_day",
    label: "revenue lost per day",
    unit: Unit::MoneyPerDay,
    form: Form::Estimate,
    better: Better::Lower,
    definition: "Revenue an instant-answer desk would get and this desk does not, per day of measured time.",
    computed: "bands' revenue_lost per run x 86400 / (horizon - warm-up)",
    scopes: &[],
};

/// Cost per day.
pub const COST_PER_DAY: Def = Def {
    name: "cost_per_day",
    path: "/metrics/cost_per_day",
    label: "cost per day",
    unit: Unit::MoneyPerDay,
    form: Form::Estimate,
    better: Better::Lower,
    definition: "Agents on shift and the bot, per day of measured time (needs [costs]).",
    computed: "staffed_area x agent_hour by group, plus the bot's fees",
    scopes: &[],
};

/// The metric called `name`.
pub fn get(name: &str) -> Option<&'static Def> {
    ALL.iter().find(|d| d.name == name)
}

/// The metric the summary holds at `/metrics/{key}`.
pub fn by_summary_key(key: &str) -> Option<&'static Def> {
    let path = format!("/metrics/{key}");
    ALL.iter().find(|d| d.path == path)
}

impl Def {
    /// Its key in the summary's `metrics` (the last part of its path),
    /// which other results reuse for the same figure.
    pub fn key(&self) -> &'static str {
        self.path.rsplit('/').next().unwrap_or(self.path)
    }

    /// Whether an SLA rule can name it.
    pub fn is_rule_metric(&self) -> bool {
        !self.scopes.is_empty()
    }

    /// Its value formatted in its unit.
    pub fn show(&self, x: Option<f64>) -> String {
        self.unit.show(x)
    }
}

/// The catalogue as text, for `peakdesk metrics`.
pub fn table() -> String {
    use std::fmt::Write as _;
    let mut out = String::from("peakdesk metrics: every figure of the summary\n");
    for d in ALL {
        let scopes: Vec<String> = d
            .scopes
            .iter()
            .map(|s| format!("{s:?}").to_lowercase())
            .collect();
        let rule = if scopes.is_empty() {
            "not an SLA metric".to_string()
        } else {
            format!("SLA scopes: {}", scopes.join(", "))
        };
        let better = match d.better {
            Better::Lower => "lower is better",
            Better::Higher => "higher is better",
            Better::Neither => "neither way is better",
        };
        let unit = format!("{:?}", d.unit).to_lowercase();
        let _ = writeln!(
            out,
            "\n{}  ({unit}, {better}; summary {})\n  {}\n  computed: {}\n  {rule}",
            d.name, d.path, d.definition, d.computed
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_paths_are_unique() {
        for (i, a) in ALL.iter().enumerate() {
            for b in &ALL[i + 1..] {
                assert_ne!(a.name, b.name);
                assert_ne!(a.path, b.path);
            }
        }
    }

    #[test]
    fn grouped_separates_thousands() {
        assert_eq!(grouped(3374601.4), "3,374,601");
        assert_eq!(grouped(-1234.0), "-1,234");
        assert_eq!(grouped(0.0), "0");
        assert_eq!(Unit::Seconds.show(Some(1320.0)), "22.0 min");
    }
}
