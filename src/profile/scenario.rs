//! The scenario as run: everything the engine, the reports and the
//! planners read, validated and in microseconds (built by `validate` from
//! the profile as written).

use super::calibrate::Calibration;
use super::desk::*;
use super::overrides::Override;
use crate::time::{DAY, SimTime};

/// The KPIs of the seeds' scorecard, in `kpi.weights` order.
pub const KPIS: [&str; 5] = [
    "mean_response",
    "first_response",
    "within_3m",
    "conversion",
    "satisfaction",
];

/// A validated scenario: everything the engine needs, nothing it must check.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The profile file it came from.
    pub source: String,
    /// The profile's name (the file stem when not given).
    pub name: String,
    /// A one-line description.
    pub description: String,
    /// The base seed.
    pub seed: u64,
    /// Length of the simulated run.
    pub horizon: SimTime,
    /// Shoppers arriving before this are simulated but not counted.
    pub warmup: SimTime,
    /// When the desk opens (0 unless a cold window says otherwise):
    /// shoppers due before it are drawn, so later ones are the same
    /// shoppers, but never sent.
    pub start: SimTime,
    /// Width of the per-interval series.
    pub interval: SimTime,
    /// Thresholds for `answered_within`, ascending.
    pub answered_within: Vec<SimTime>,
    /// The arrival process.
    pub arrivals: ArrivalPlan,
    /// `agents.staffing_multiplier`, already applied to the headcounts.
    pub staffing_multiplier: f64,
    /// The dates of the run's days, when the profile gives `start`.
    pub calendar: Option<super::calendar::Calendar>,
    /// Skill names (indices are used everywhere else).
    pub skills: Vec<String>,
    /// Shopper segments (one, "shopper", when the profile has none).
    pub segments: Vec<Segment>,
    /// Questions (one per group, named after it, without `[questions]`).
    pub questions: Vec<Question>,
    /// Question shares by time of day, overriding `questions.*.share`.
    pub question_mix: Vec<MixWindow>,
    /// First-response targets of the urgent, important and normal tiers.
    pub tier_targets: [SimTime; 3],
    /// Channels (one, "chat", when the profile has none).
    pub channels: Vec<Channel>,
    /// The bot tier, if any.
    pub bot: Option<Bot>,
    /// Proactive invitations, if any.
    pub proactive: Option<Proactive>,
    /// Retrials, if any.
    pub retrials: Option<Retrials>,
    /// The agent groups.
    pub groups: Vec<GroupPlan>,
    /// Share of rostered time lost (`agents.shrinkage`), already applied
    /// to the headcounts; planning turns agents on shift back into rostered.
    pub shrinkage: f64,
    /// When an agent's first response reaches the shopper.
    pub first_response: FirstResponse,
    /// Which group and which agent take a waiting shopper.
    pub routing: Routing,
    /// Wait after which other skilled groups may take a shopper.
    pub overflow_after: SimTime,
    /// Each extra concurrent chat stretches a reply by this factor.
    pub concurrency_slowdown: f64,
    /// The `--set` overrides applied, in order.
    pub overrides: Vec<Override>,
    /// What was calibrated from CSV files.
    pub calibration: Vec<Calibration>,
    /// Satisfaction bands (the seeds' unless `[bands]`).
    pub bands: crate::sla::bands::Bands,
    /// The profile's `[sla]` section, as written (rules are built from it,
    /// presets and `--sla` files by `sla::rules::rules`).
    pub sla: Option<super::raw::RawSla>,
    /// The profile's SLA rules, validated.
    pub rules: Vec<crate::sla::rule::Rule>,
    /// Scorecard weights of [`KPIS`], adding up to 1.
    pub kpi_weights: [f64; 5],
    /// What the desk costs, if the profile says.
    pub costs: Option<Costs>,
}

/// How conversations arrive.
#[derive(Debug, Clone)]
pub struct ArrivalPlan {
    /// Mean rate over a day, per second (the curve averages to 1).
    pub rate_per_s: f64,
    /// Relative intensity by time of day: points `(time of day, level)`,
    /// covering 0 to 24:00 inclusive, normalised to a daily mean of 1.
    pub curve: Vec<(SimTime, f64)>,
    /// Surges, multiplying the rate while active.
    pub surges: Vec<Surge>,
    /// The gamma busyness factor, if any.
    pub busyness: Option<Busyness>,
    /// Each day of the run, when `[days]` makes some differ (empty: every
    /// day is the curve above at the mean rate).
    pub days: Vec<DayArrivals>,
}

/// One day's traffic.
#[derive(Debug, Clone)]
pub struct DayArrivals {
    /// The day's rate over `rate_per_s`.
    pub factor: f64,
    /// The day's curve, as [`ArrivalPlan::curve`].
    pub curve: Vec<(SimTime, f64)>,
    /// The day's busyness factor.
    pub busyness: DayBusyness,
}

/// Where a day's busyness factor comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DayBusyness {
    /// The plan's own (`arrivals.busyness`).
    Base,
    /// A gamma factor with this coefficient of variation (0: none).
    Cv(f64),
}

/// A temporary multiplier on the arrival rate.
#[derive(Debug, Clone, Copy)]
pub struct Surge {
    /// When it starts (from the run's start, or time of day when daily).
    pub start: SimTime,
    /// How long it lasts.
    pub length: SimTime,
    /// The factor.
    pub multiplier: f64,
    /// Whether it repeats every day.
    pub daily: bool,
}

/// A gamma-distributed factor with mean 1, drawn once per period.
#[derive(Debug, Clone, Copy)]
pub struct Busyness {
    /// Coefficient of variation of the factor.
    pub cv: f64,
    /// How long one factor lasts.
    pub period: SimTime,
}

/// One group of agents.
#[derive(Debug, Clone)]
pub struct GroupPlan {
    /// The group's name.
    pub name: String,
    /// Headcount steps `(time since the start of the period, agents)`,
    /// ascending, repeating every `period`, after the staffing multiplier
    /// and shrinkage.
    pub staff: Vec<(SimTime, u32)>,
    /// How long before the steps repeat: a day, or the run's days when
    /// `[days]` gives some day a roster of its own.
    pub period: SimTime,
    /// Skills it serves first-hand (indices into `Scenario::skills`).
    pub skills: Vec<usize>,
    /// Skills it serves only after `overflow_after`.
    pub overflow_skills: Vec<usize>,
    /// An overflow group takes even its own skills only after the delay.
    pub overflow_role: bool,
    /// Chats one agent serves at once.
    pub concurrency: u32,
    /// Standby agents, if any.
    pub standby: Option<Standby>,
}

impl Scenario {
    /// One group, no bot, one message per conversation answered when an
    /// agent takes it: the desk of queueing theory, where every response
    /// metric is the first response.
    pub fn one_message_desk(&self) -> bool {
        self.groups.len() == 1
            && self.bot.is_none()
            && self.first_response == FirstResponse::OnTake
            && self.questions.iter().all(|q| q.turns == 1)
    }

    /// The tiers shoppers can have (a question's, or a segment's override).
    pub fn tiers_in_use(&self) -> Vec<Tier> {
        let mut t: Vec<Tier> = self
            .segments
            .iter()
            .flat_map(|s| self.questions.iter().map(move |q| s.tier.unwrap_or(q.tier)))
            .collect();
        t.sort_unstable();
        t.dedup();
        t
    }

    /// The group a skill's queue and abandonment are reported under: the
    /// first group serving it first-hand, else the first serving it at all.
    pub fn skill_owner(&self, skill: usize) -> usize {
        let first = |overflow: bool| {
            self.groups.iter().position(|g| {
                (g.skills.contains(&skill) && g.overflow_role == overflow)
                    || (overflow && g.overflow_skills.contains(&skill))
            })
        };
        first(false).or_else(|| first(true)).unwrap_or(0)
    }
}

impl Scenario {
    /// A time since the start as a reader says it: `Wed 2026-11-11 08:30`
    /// with a calendar, else `08:30` on the first day and `d2 08:30` after.
    pub fn time_label(&self, t: SimTime) -> String {
        match &self.calendar {
            Some(c) => c.time_label(t),
            None => crate::time::clock_label(t),
        }
    }

    /// How long before every group's roster repeats (see [`GroupPlan::period`]).
    pub fn roster_period(&self) -> SimTime {
        self.groups.iter().map(|g| g.period).max().unwrap_or(DAY)
    }

    /// How many (segment, question, channel) cells the shoppers fall in.
    pub fn cells(&self) -> usize {
        self.segments.len() * self.questions.len() * self.channels.len()
    }

    /// The index of a shopper's (segment, question, channel) cell, below
    /// [`Scenario::cells`].
    pub fn cell_of(&self, segment: usize, question: usize, channel: usize) -> u32 {
        ((segment * self.questions.len() + question) * self.channels.len() + channel) as u32
    }

    /// The (segment, question, channel) of cell `i`: the inverse of
    /// [`Scenario::cell_of`].
    pub fn cell_parts(&self, i: usize) -> (usize, usize, usize) {
        let (q_n, c_n) = (self.questions.len(), self.channels.len());
        (i / (q_n * c_n), (i / c_n) % q_n, i % c_n)
    }
}

impl GroupPlan {
    /// Headcount at a time since the start.
    pub fn staff_at(&self, t: SimTime) -> u32 {
        let tod = t % self.period;
        match self.staff.iter().rposition(|(at, _)| *at <= tod) {
            Some(i) => self.staff[i].1,
            None => self.staff.last().map_or(0, |s| s.1),
        }
    }

    /// The next time after `t` at which the headcount may change.
    pub fn next_change(&self, t: SimTime) -> Option<SimTime> {
        if self.staff.len() < 2 {
            return None;
        }
        let (day, tod) = (t / self.period, t % self.period);
        let next = self.staff.iter().map(|(at, _)| *at).find(|at| *at > tod);
        Some(match next {
            Some(at) => day * self.period + at,
            None => (day + 1) * self.period + self.staff[0].0,
        })
    }
}

/// What running the desk costs.
#[derive(Debug, Clone, PartialEq)]
pub struct Costs {
    /// Currency label.
    pub currency: String,
    /// Cost of one agent-hour on shift, by group.
    pub agent_hour: Vec<f64>,
    /// Bot cost per conversation it takes.
    pub bot_per_conversation: f64,
    /// Bot cost per month (30 days), spread over the horizon.
    pub bot_per_month: f64,
}
