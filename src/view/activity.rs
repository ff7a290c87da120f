//! The current-activity section: open orders, open cases, the last interaction and why the
//! customer is probably contacting us now.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::scan::{ErrorScope, Scan, Touch};
use super::value::is_active;
use super::{days_after, days_between, days_phrase, quote, when};
use crate::model::{
    Channel, Direction, Money, OrderStatus, Outcome, RecordKey, RecordRef, SourceSystem,
};

/// An interaction, summarised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// The source system.
    pub source: SourceSystem,
    /// The record there.
    pub record: RecordKey,
    /// The interaction's ID.
    pub id: String,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// Whole days from it to "now" (negative when it is later than "now").
    pub days_ago: i64,
    /// The channel.
    pub channel: Channel,
    /// Who started it.
    pub direction: Direction,
    /// Its topic, trimmed.
    pub topic: Option<String>,
    /// How it ended.
    pub outcome: Option<Outcome>,
    /// Its case, trimmed.
    pub case_id: Option<String>,
}

impl Contact {
    fn of(t: &Touch<'_>, now: DateTime<Utc>) -> Contact {
        Contact {
            source: t.record.source.clone(),
            record: t.record.key.clone(),
            id: t.interaction.id.clone(),
            at: t.at(),
            days_ago: days_between(t.at(), now),
            channel: t.interaction.channel,
            direction: t.interaction.direction,
            topic: t.topic().map(str::to_owned),
            outcome: t.interaction.outcome.clone(),
            case_id: t.case_id().map(str::to_owned),
        }
    }
}

/// An order not yet fulfilled (status open).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenOrder {
    /// The source system.
    pub source: SourceSystem,
    /// The record there.
    pub record: RecordKey,
    /// The order's ID.
    pub id: String,
    /// When it was placed.
    pub placed_at: Option<DateTime<Utc>>,
    /// Whole days since it was placed.
    pub age_days: Option<i64>,
    /// Whether it is older than the overdue limit.
    pub overdue: bool,
    /// Its total.
    pub total: Option<Money>,
    /// How many lines it has.
    pub lines: usize,
}

/// A case (ticket) that is still open.
///
/// Interactions are grouped into cases by their trimmed `case_id`, across channels and
/// source systems. A case is open when its latest interaction's outcome is unresolved,
/// pending, escalated, error or missing; resolved and host-defined outcomes close it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenCase {
    /// The case ID.
    pub case_id: String,
    /// The latest topic given on the case.
    pub topic: Option<String>,
    /// The latest interaction's outcome.
    pub status: Option<Outcome>,
    /// The first interaction on the case.
    pub opened_at: DateTime<Utc>,
    /// The latest interaction on the case.
    pub last_contact_at: DateTime<Utc>,
    /// Interactions on the case.
    pub contacts: usize,
    /// Inbound interactions on the case within the repeat-contact window.
    pub recent_inbound: usize,
    /// The channels used on the case, sorted.
    pub channels: Vec<Channel>,
    /// Whether the case has an error with no later resolution.
    pub unresolved_error: bool,
    /// The records holding its interactions, sorted.
    pub records: Vec<RecordRef>,
}

impl OpenCase {
    /// ` about "<topic>"`, or nothing when the case has no topic: for evidence sentences.
    pub(super) fn about(&self) -> String {
        self.topic
            .as_deref()
            .map(|t| format!(" about {}", quote(t)))
            .unwrap_or_default()
    }

    /// The status in words: the outcome's name, or `no outcome`.
    pub(super) fn status_name(&self) -> String {
        self.status
            .as_ref()
            .map(outcome_name)
            .unwrap_or_else(|| "no outcome".to_owned())
    }
}

/// The kind of a likely contact reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ReasonKind {
    /// An open case.
    OpenCase,
    /// An error with no later resolution, outside any open case.
    RecentError,
    /// An open order.
    OpenOrder,
    /// A recent interaction with negative sentiment or mood.
    NegativeSentiment,
    /// An active holding about to end.
    HoldingEnding,
}

/// A reason the customer is probably contacting us now, with a score and its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactReason {
    /// What kind of reason.
    pub kind: ReasonKind,
    /// How likely, in points (see [`CurrentActivity::likely_reasons`]).
    pub score: u32,
    /// One line for an agent.
    pub summary: String,
    /// What it rests on.
    pub evidence: Vec<String>,
}

/// The current-activity section.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct CurrentActivity {
    /// Orders with status open, newest first (undated last), then by source, record, ID.
    pub open_orders: Vec<OpenOrder>,
    /// Open cases, most recently contacted first, then by case ID.
    pub open_cases: Vec<OpenCase>,
    /// The latest interaction on any channel.
    pub last_interaction: Option<Contact>,
    /// Why the customer is probably contacting us now, most likely first (ties: by kind,
    /// then summary). Scores are points:
    ///
    /// - **open case**: 40 when its last contact is within the recent window, else 10
    ///   (stale); +10 per inbound contact on it within the repeat-contact window, at most
    ///   +30; +20 when it has an unresolved error or is escalated.
    /// - **recent error**: 35 for errors with no later resolution outside any open case,
    ///   whose latest error is within the recent window (one reason per case or topic).
    /// - **open order**: 25; +15 when older than the overdue limit.
    /// - **negative sentiment**: 20 for the latest recent interaction with negative
    ///   sentiment or mood.
    /// - **holding ending**: 15 per active holding ending within the holding-ending window.
    pub likely_reasons: Vec<ContactReason>,
}

impl CurrentActivity {
    pub(super) fn build(scan: &Scan<'_>) -> CurrentActivity {
        let now = scan.now();
        let open_orders = open_orders(scan);
        let open_cases = open_cases(scan);
        let mut reasons = Vec::new();
        case_reasons(scan, &open_cases, &mut reasons);
        error_reasons(scan, &open_cases, &mut reasons);
        order_reasons(scan, &open_orders, &mut reasons);
        sentiment_reason(scan, &mut reasons);
        holding_reasons(scan, &mut reasons);
        reasons.sort_by(|a, b| {
            (b.score, a.kind, &a.summary, &a.evidence).cmp(&(
                a.score,
                b.kind,
                &b.summary,
                &b.evidence,
            ))
        });
        CurrentActivity {
            open_orders,
            open_cases,
            last_interaction: scan.touches.last().map(|t| Contact::of(t, now)),
            likely_reasons: reasons,
        }
    }
}

fn open_orders(scan: &Scan<'_>) -> Vec<OpenOrder> {
    let now = scan.now();
    let overdue_days = i64::from(scan.input.settings.order_overdue_days);
    let mut orders = Vec::new();
    for record in scan.input.records {
        for o in &record.facts.orders {
            if o.status != OrderStatus::Open {
                continue;
            }
            let age_days = o.placed_at.map(|at| days_between(at, now));
            orders.push(OpenOrder {
                source: record.source.clone(),
                record: record.key.clone(),
                id: o.id.clone(),
                placed_at: o.placed_at,
                age_days,
                overdue: age_days.is_some_and(|d| d > overdue_days),
                total: o.total.clone(),
                lines: o.lines.len(),
            });
        }
    }
    orders.sort_by(|a, b| {
        (
            b.placed_at.is_some(),
            b.placed_at,
            &a.source,
            &a.record,
            &a.id,
        )
            .cmp(&(
                a.placed_at.is_some(),
                a.placed_at,
                &b.source,
                &b.record,
                &b.id,
            ))
    });
    orders
}

fn is_open(outcome: Option<&Outcome>) -> bool {
    matches!(
        outcome,
        None | Some(Outcome::Unresolved | Outcome::Pending | Outcome::Escalated | Outcome::Error)
    )
}

fn open_cases(scan: &Scan<'_>) -> Vec<OpenCase> {
    let mut cases = Vec::new();
    for (case_id, touches) in &scan.cases {
        let (Some(&first), Some(&last)) = (touches.first(), touches.last()) else {
            continue;
        };
        let latest = &scan.touches[last];
        if !is_open(latest.interaction.outcome.as_ref()) {
            continue;
        }
        let mut channels: Vec<Channel> = touches
            .iter()
            .map(|&i| scan.touches[i].interaction.channel)
            .collect();
        channels.sort();
        channels.dedup();
        let mut records: Vec<RecordRef> = touches
            .iter()
            .map(|&i| scan.touches[i].reference())
            .collect();
        records.sort();
        records.dedup();
        cases.push(OpenCase {
            case_id: case_id.clone(),
            topic: touches
                .iter()
                .rev()
                .find_map(|&i| scan.touches[i].topic())
                .map(str::to_owned),
            status: latest.interaction.outcome.clone(),
            opened_at: scan.touches[first].at(),
            last_contact_at: latest.at(),
            contacts: touches.len(),
            recent_inbound: touches
                .iter()
                .filter(|&&i| {
                    scan.touches[i].inbound() && scan.touches[i].at() >= scan.repeat_start
                })
                .count(),
            channels,
            unresolved_error: scan.case_error(case_id).is_some(),
            records,
        });
    }
    cases.sort_by(|a, b| (b.last_contact_at, &a.case_id).cmp(&(a.last_contact_at, &b.case_id)));
    cases
}

fn case_reasons(scan: &Scan<'_>, cases: &[OpenCase], reasons: &mut Vec<ContactReason>) {
    let now = scan.now();
    let window = scan.input.settings.repeat_contact_window_days;
    for case in cases {
        let fresh = scan.is_recent(case.last_contact_at);
        let repeat_points = u32::try_from(case.recent_inbound.min(3)).unwrap_or(3) * 10;
        let escalated = case.status == Some(Outcome::Escalated);
        let score = if fresh { 40 } else { 10 }
            + repeat_points
            + if case.unresolved_error || escalated {
                20
            } else {
                0
            };
        let (topic, status) = (case.about(), case.status_name());
        let mut evidence = vec![format!(
            "case {} is open ({status}), opened {}, {} contact{}",
            quote(&case.case_id),
            when(case.opened_at),
            case.contacts,
            if case.contacts == 1 { "" } else { "s" }
        )];
        if case.recent_inbound > 0 {
            let recent: Vec<DateTime<Utc>> = scan
                .cases
                .get(&case.case_id)
                .into_iter()
                .flatten()
                .map(|&i| &scan.touches[i])
                .filter(|t| t.inbound() && t.at() >= scan.repeat_start)
                .map(Touch::at)
                .collect();
            let span = match (recent.first(), recent.last()) {
                (Some(&a), Some(&b)) => days_between(a, b),
                _ => 0,
            };
            evidence.push(format!(
                "contacted us {} time{} about it within {} (last {window} days)",
                case.recent_inbound,
                if case.recent_inbound == 1 { "" } else { "s" },
                days_phrase(span.max(1)),
            ));
        }
        evidence.push(format!(
            "last contact {} ago, on {}",
            days_phrase(days_between(case.last_contact_at, now).max(0)),
            when(case.last_contact_at)
        ));
        if case.unresolved_error {
            evidence.push("an error on the case is not resolved".to_owned());
        }
        if escalated {
            evidence.push("the case is escalated".to_owned());
        }
        if !fresh {
            evidence.push(format!(
                "no contact in the last {} days: probably stale",
                scan.input.settings.recent_days
            ));
        }
        reasons.push(ContactReason {
            kind: ReasonKind::OpenCase,
            score,
            summary: format!("open case {}{topic}", quote(&case.case_id)),
            evidence,
        });
    }
}

fn error_reasons(scan: &Scan<'_>, cases: &[OpenCase], reasons: &mut Vec<ContactReason>) {
    for group in &scan.unresolved_errors {
        if let ErrorScope::Case(case) = &group.scope {
            if cases.iter().any(|c| &c.case_id == case) {
                continue; // Counted in the open case.
            }
        }
        let Some(&last) = group.touches.last() else {
            continue;
        };
        let latest = &scan.touches[last];
        if !scan.is_recent(latest.at()) {
            continue;
        }
        let subject = match &group.scope {
            ErrorScope::Case(case) => format!(" on case {}", quote(case)),
            ErrorScope::Topic(_) => latest
                .topic()
                .map(|t| format!(" about {}", quote(t)))
                .unwrap_or_default(),
            ErrorScope::Unscoped => String::new(),
        };
        reasons.push(ContactReason {
            kind: ReasonKind::RecentError,
            score: 35,
            summary: format!("unresolved error{subject}"),
            evidence: group
                .touches
                .iter()
                .map(|&i| format!("error: {}", scan.touches[i].describe()))
                .collect(),
        });
    }
}

fn order_reasons(scan: &Scan<'_>, orders: &[OpenOrder], reasons: &mut Vec<ContactReason>) {
    for o in orders {
        let placed = match (o.placed_at, o.age_days) {
            (Some(at), Some(age)) => {
                format!("placed {} ago, on {}", days_phrase(age.max(0)), when(at))
            }
            _ => "placed on an unknown date".to_owned(),
        };
        let mut evidence = vec![format!(
            "order {} ({}/{}) is open, {placed}",
            quote(&o.id),
            o.source,
            o.record
        )];
        if o.overdue {
            evidence.push(format!(
                "older than {} days: probably overdue",
                scan.input.settings.order_overdue_days
            ));
        }
        reasons.push(ContactReason {
            kind: ReasonKind::OpenOrder,
            score: if o.overdue { 40 } else { 25 },
            summary: format!("open order {}", quote(&o.id)),
            evidence,
        });
    }
}

fn sentiment_reason(scan: &Scan<'_>, reasons: &mut Vec<ContactReason>) {
    let latest = scan
        .touches
        .iter()
        .rev()
        .take_while(|t| scan.is_recent(t.at()))
        .find(|t| t.is_negative());
    if let Some(t) = latest {
        let soft = &t.interaction.soft;
        let mut what = Vec::new();
        if let Some(s) = soft.sentiment {
            what.push(format!("sentiment {:.2}", s.score()));
        }
        if let Some(m) = soft.mood.as_ref().filter(|m| m.is_negative()) {
            what.push(format!("mood {}", super::flags::mood_name(m)));
        }
        reasons.push(ContactReason {
            kind: ReasonKind::NegativeSentiment,
            score: 20,
            summary: "unhappy in a recent interaction".to_owned(),
            evidence: vec![format!("{}: {}", t.describe(), what.join(", "))],
        });
    }
}

fn holding_reasons(scan: &Scan<'_>, reasons: &mut Vec<ContactReason>) {
    let now = scan.now();
    let horizon = days_after(now, scan.input.settings.holding_ending_days);
    for record in scan.input.records {
        for h in &record.facts.holdings {
            let Some(until) = h.until.filter(|&u| is_active(h, now) && u <= horizon) else {
                continue;
            };
            let name = h.name.as_deref().unwrap_or(&h.product_id);
            reasons.push(ContactReason {
                kind: ReasonKind::HoldingEnding,
                score: 15,
                summary: format!("{} ends soon", quote(name)),
                evidence: vec![format!(
                    "holding {} ({}/{}) ends in {}, on {}",
                    quote(&h.product_id),
                    record.source,
                    record.key,
                    days_phrase(days_between(now, until).max(0)),
                    when(until)
                )],
            });
        }
    }
}

/// The snake-case name of an outcome.
pub(super) fn outcome_name(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Resolved => "resolved".to_owned(),
        Outcome::Unresolved => "unresolved".to_owned(),
        Outcome::Escalated => "escalated".to_owned(),
        Outcome::Pending => "pending".to_owned(),
        Outcome::Error => "error".to_owned(),
        Outcome::Other(s) => quote(s),
    }
}
