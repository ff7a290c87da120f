//! One pass over a customer's records, shared by the sections: interactions in canonical
//! order, cases, and errors not resolved later.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};

use super::{channel_name, days_before, quote, when, ViewInput};
use crate::model::{Direction, Interaction, Outcome, RecordRef, SourceRecord};
use crate::normalize::fold;

/// The canonical order of records: by source, then key; records with the same reference by
/// their JSON form, so that even duplicates come out in one order.
pub(super) fn canonical_record_order(a: &SourceRecord, b: &SourceRecord) -> Ordering {
    (&a.source, &a.key).cmp(&(&b.source, &b.key)).then_with(|| {
        let json = |r: &SourceRecord| serde_json::to_string(r).unwrap_or_default();
        json(a).cmp(&json(b))
    })
}

/// A topic's comparison key: folded (case, punctuation, script variants); `None` when blank.
pub(super) fn topic_key(topic: Option<&str>) -> Option<String> {
    let key = fold(topic?);
    (!key.is_empty()).then_some(key)
}

/// One interaction with the record it came from.
#[derive(Debug)]
pub(super) struct Touch<'a> {
    pub(super) record: &'a SourceRecord,
    pub(super) interaction: &'a Interaction,
    /// The folded topic.
    pub(super) topic_key: Option<String>,
}

impl Touch<'_> {
    pub(super) fn at(&self) -> DateTime<Utc> {
        self.interaction.at
    }

    pub(super) fn inbound(&self) -> bool {
        self.interaction.direction == Direction::Inbound
    }

    /// The case ID, trimmed; `None` when blank.
    pub(super) fn case_id(&self) -> Option<&str> {
        let id = self.interaction.case_id.as_deref()?.trim();
        (!id.is_empty()).then_some(id)
    }

    /// The topic as written, trimmed; `None` when blank.
    pub(super) fn topic(&self) -> Option<&str> {
        let topic = self.interaction.topic.as_deref()?.trim();
        (!topic.is_empty()).then_some(topic)
    }

    pub(super) fn reference(&self) -> RecordRef {
        self.record.reference()
    }

    /// Whether the soft data is negative: a negative sentiment label or a score below −0.25,
    /// or a negative mood.
    pub(super) fn is_negative(&self) -> bool {
        let soft = &self.interaction.soft;
        let sentiment = soft.sentiment.is_some_and(|s| {
            s.label() == crate::model::SentimentLabel::Negative || s.score() < -0.25
        });
        sentiment || soft.mood.as_ref().is_some_and(|m| m.is_negative())
    }

    /// `call on 2026-03-01 09:30 UTC about "billing" (call_centre/C-1, i-7)`.
    pub(super) fn describe(&self) -> String {
        let channel = channel_name(self.interaction.channel);
        let direction = if self.inbound() { "" } else { "outbound " };
        let topic = self
            .topic()
            .map(|t| format!(" about {}", quote(t)))
            .unwrap_or_default();
        format!(
            "{direction}{channel} on {}{topic} ({}, {})",
            when(self.at()),
            self.reference(),
            quote(&self.interaction.id)
        )
    }
}

/// What an unresolved error belongs to, which decides what counts as its resolution.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum ErrorScope {
    /// A case: resolved by a later `Resolved` interaction on the case.
    Case(String),
    /// No case but a topic: resolved by a later `Resolved` interaction on the topic.
    Topic(String),
    /// Neither: resolved by any later `Resolved` interaction.
    Unscoped,
}

/// Errors of one scope with no later resolution, as indices into [`Scan::touches`].
#[derive(Debug)]
pub(super) struct ErrorGroup {
    pub(super) scope: ErrorScope,
    pub(super) touches: Vec<usize>,
}

/// The shared pass over a customer's records.
#[derive(Debug)]
pub(super) struct Scan<'a> {
    pub(super) input: ViewInput<'a>,
    /// Every interaction, by time, then record (canonical order), then ID, then position.
    pub(super) touches: Vec<Touch<'a>>,
    /// Interactions by case ID, each list in time order.
    pub(super) cases: BTreeMap<String, Vec<usize>>,
    /// Errors not resolved later, by scope.
    pub(super) unresolved_errors: Vec<ErrorGroup>,
    /// The start of the "recent" window.
    pub(super) recent_start: DateTime<Utc>,
    /// The start of the repeat-contact window.
    pub(super) repeat_start: DateTime<Utc>,
}

impl<'a> Scan<'a> {
    pub(super) fn new(input: ViewInput<'a>) -> Scan<'a> {
        let mut keyed: Vec<(usize, usize, Touch<'a>)> = Vec::new();
        for (r, record) in input.records.iter().enumerate() {
            for (p, interaction) in record.interactions.iter().enumerate() {
                keyed.push((
                    r,
                    p,
                    Touch {
                        record,
                        interaction,
                        topic_key: topic_key(interaction.topic.as_deref()),
                    },
                ));
            }
        }
        keyed.sort_by(|(ra, pa, a), (rb, pb, b)| {
            (a.at(), ra, &a.interaction.id, pa).cmp(&(b.at(), rb, &b.interaction.id, pb))
        });
        let touches: Vec<Touch<'a>> = keyed.into_iter().map(|(_, _, t)| t).collect();

        let mut cases: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, t) in touches.iter().enumerate() {
            if let Some(case) = t.case_id() {
                cases.entry(case.to_owned()).or_default().push(i);
            }
        }

        let unresolved_errors = unresolved_errors(&touches);
        Scan {
            recent_start: days_before(input.now, input.settings.recent_days),
            repeat_start: days_before(input.now, input.settings.repeat_contact_window_days),
            input,
            touches,
            cases,
            unresolved_errors,
        }
    }

    pub(super) fn now(&self) -> DateTime<Utc> {
        self.input.now
    }

    pub(super) fn is_recent(&self, at: DateTime<Utc>) -> bool {
        at >= self.recent_start
    }

    /// The unresolved-error group of a case, if any.
    pub(super) fn case_error(&self, case: &str) -> Option<&ErrorGroup> {
        self.unresolved_errors
            .iter()
            .find(|g| matches!(&g.scope, ErrorScope::Case(c) if c == case))
    }
}

/// Errors with no later `Resolved` interaction in their scope, grouped by scope (in scope
/// order), each group's touches in time order.
fn unresolved_errors(touches: &[Touch<'_>]) -> Vec<ErrorGroup> {
    let mut last_by_case: HashMap<&str, usize> = HashMap::new();
    let mut last_by_topic: HashMap<&str, usize> = HashMap::new();
    let mut last_any: Option<usize> = None;
    for (i, t) in touches.iter().enumerate() {
        if t.interaction.outcome == Some(Outcome::Resolved) {
            if let Some(case) = t.case_id() {
                last_by_case.insert(case, i);
            }
            if let Some(topic) = &t.topic_key {
                last_by_topic.insert(topic, i);
            }
            last_any = Some(i);
        }
    }
    let mut groups: BTreeMap<ErrorScope, Vec<usize>> = BTreeMap::new();
    for (i, t) in touches.iter().enumerate() {
        if t.interaction.outcome != Some(Outcome::Error) {
            continue;
        }
        let (scope, resolved_at) = match (t.case_id(), &t.topic_key) {
            (Some(case), _) => (
                ErrorScope::Case(case.to_owned()),
                last_by_case.get(case).copied(),
            ),
            (None, Some(topic)) => (
                ErrorScope::Topic(topic.clone()),
                last_by_topic.get(topic.as_str()).copied(),
            ),
            (None, None) => (ErrorScope::Unscoped, last_any),
        };
        if resolved_at.is_none_or(|r| r < i) {
            groups.entry(scope).or_default().push(i);
        }
    }
    groups
        .into_iter()
        .map(|(scope, touches)| ErrorGroup { scope, touches })
        .collect()
}
