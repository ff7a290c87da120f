//! The flags section: computed flags, host flags and contact counts.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::scan::{ErrorScope, Scan};
use super::{quote, Customer360, ViewInput};
use crate::model::{Channel, Direction, NpsCategory};

/// How much a flag matters, least first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Good to know.
    Info,
    /// Worth attention.
    Warning,
    /// Act on it.
    Critical,
}

/// Who raised a flag.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum FlagOrigin {
    /// The view's own heuristics.
    #[default]
    Computed,
    /// A host [`FlagProvider`].
    Host,
}

/// A flag on the customer: a code, how much it matters, a message and its evidence.
///
/// ```
/// use customer360::view::{Flag, Severity};
/// let flag = Flag::new("fraud_risk", Severity::Critical, "Card used in 3 countries today")
///     .with_evidence("risk engine score 0.93");
/// assert_eq!(flag.code, "fraud_risk");
/// assert_eq!(flag.evidence, ["risk engine score 0.93"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flag {
    /// A stable machine-readable code (`repeated_contact`, `fraud_risk`).
    pub code: String,
    /// How much it matters.
    pub severity: Severity,
    /// A one-line human-readable message.
    pub message: String,
    /// What it rests on.
    #[serde(default)]
    pub evidence: Vec<String>,
    /// Who raised it; set by the view (providers' flags are always [`FlagOrigin::Host`]).
    #[serde(default)]
    pub origin: FlagOrigin,
}

impl Flag {
    /// At least [`repeat_contact_threshold`](super::ViewSettings::repeat_contact_threshold)
    /// (3) inbound contacts about one topic (compared folded: case and punctuation ignored)
    /// within the repeat-contact window; one flag per topic.
    pub const REPEATED_CONTACT: &'static str = "repeated_contact";
    /// Negative sentiment or mood in an interaction within the recent window: a sentiment
    /// labelled negative or scored below −0.25, or a confused, frustrated or angry mood.
    pub const NEGATIVE_SENTIMENT: &'static str = "negative_sentiment";
    /// An interaction with outcome error and no later resolution in its case (or topic).
    pub const UNRESOLVED_ERROR: &'static str = "unresolved_error";
    /// The latest NPS answer is a detractor's (0–6).
    pub const DETRACTOR: &'static str = "detractor";

    /// A flag with no evidence.
    pub fn new(code: impl Into<String>, severity: Severity, message: impl Into<String>) -> Flag {
        Flag {
            code: code.into(),
            severity,
            message: message.into(),
            evidence: Vec::new(),
            origin: FlagOrigin::Computed,
        }
    }

    /// The same flag with one more piece of evidence.
    #[must_use]
    pub fn with_evidence(mut self, evidence: impl Into<String>) -> Flag {
        self.evidence.push(evidence.into());
        self
    }
}

/// Contacts on one channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelCount {
    /// The channel.
    pub channel: Channel,
    /// Contacts the customer made.
    pub inbound: usize,
    /// Contacts the business made.
    pub outbound: usize,
    /// Contacts either way within the recent window.
    pub recent: usize,
}

/// The flags section.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Flags {
    /// Every flag: by severity (critical first), then origin (computed first), code, message.
    pub flags: Vec<Flag>,
    /// Contacts per channel, in channel order; channels with no contact are left out.
    pub contacts_by_channel: Vec<ChannelCount>,
}

impl Flags {
    /// Whether a flag with `code` is raised.
    pub fn has(&self, code: &str) -> bool {
        self.flags.iter().any(|f| f.code == code)
    }

    /// The flags with `code`.
    pub fn with_code<'a>(&'a self, code: &'a str) -> impl Iterator<Item = &'a Flag> + 'a {
        self.flags.iter().filter(move |f| f.code == code)
    }

    pub(super) fn sort(&mut self) {
        self.flags.sort_by(|a, b| {
            (b.severity, a.origin, &a.code, &a.message, &a.evidence).cmp(&(
                a.severity,
                b.origin,
                &b.code,
                &b.message,
                &b.evidence,
            ))
        });
    }

    /// The computed flags and contact counts.
    pub(super) fn computed(scan: &Scan<'_>) -> Flags {
        let mut flags = Vec::new();
        repeated_contacts(scan, &mut flags);
        negative_sentiment(scan, &mut flags);
        unresolved_errors(scan, &mut flags);
        detractor(scan, &mut flags);

        let mut by_channel: BTreeMap<Channel, ChannelCount> = BTreeMap::new();
        for t in &scan.touches {
            let count = by_channel
                .entry(t.interaction.channel)
                .or_insert_with(|| ChannelCount {
                    channel: t.interaction.channel,
                    inbound: 0,
                    outbound: 0,
                    recent: 0,
                });
            match t.interaction.direction {
                Direction::Inbound => count.inbound += 1,
                Direction::Outbound => count.outbound += 1,
            }
            if scan.is_recent(t.at()) {
                count.recent += 1;
            }
        }
        let mut section = Flags {
            flags,
            contacts_by_channel: by_channel.into_values().collect(),
        };
        section.sort();
        section
    }
}

/// One `repeated_contact` flag per topic with at least the threshold of inbound contacts in
/// the repeat-contact window.
fn repeated_contacts(scan: &Scan<'_>, flags: &mut Vec<Flag>) {
    let settings = scan.input.settings;
    let mut by_topic: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, t) in scan.touches.iter().enumerate() {
        if let (true, true, Some(key)) = (t.inbound(), t.at() >= scan.repeat_start, &t.topic_key) {
            by_topic.entry(key).or_default().push(i);
        }
    }
    let threshold = usize::try_from(settings.repeat_contact_threshold.max(1)).unwrap_or(1);
    for touches in by_topic.values() {
        if touches.len() < threshold {
            continue;
        }
        let Some(&last) = touches.last() else {
            continue;
        };
        let topic = scan.touches[last].topic().unwrap_or_default();
        let mut flag = Flag::new(
            Flag::REPEATED_CONTACT,
            Severity::Warning,
            format!(
                "{} contacts about {} in the last {} days",
                touches.len(),
                quote(topic),
                settings.repeat_contact_window_days
            ),
        );
        flag.evidence = touches
            .iter()
            .map(|&i| scan.touches[i].describe())
            .collect();
        flags.push(flag);
    }
}

/// One `negative_sentiment` flag when a recent interaction has negative sentiment or mood.
fn negative_sentiment(scan: &Scan<'_>, flags: &mut Vec<Flag>) {
    let negative: Vec<usize> = (0..scan.touches.len())
        .filter(|&i| scan.is_recent(scan.touches[i].at()) && scan.touches[i].is_negative())
        .collect();
    if negative.is_empty() {
        return;
    }
    let mut flag = Flag::new(
        Flag::NEGATIVE_SENTIMENT,
        Severity::Warning,
        format!(
            "{} interaction{} with negative sentiment or mood in the last {} days",
            negative.len(),
            if negative.len() == 1 { "" } else { "s" },
            scan.input.settings.recent_days
        ),
    );
    flag.evidence = negative
        .iter()
        .map(|&i| {
            let t = &scan.touches[i];
            let soft = &t.interaction.soft;
            let mut what = Vec::new();
            if let Some(s) = soft.sentiment {
                what.push(format!("sentiment {:.2}", s.score()));
            }
            if let Some(m) = soft.mood.as_ref().filter(|m| m.is_negative()) {
                what.push(format!("mood {}", mood_name(m)));
            }
            format!("{}: {}", t.describe(), what.join(", "))
        })
        .collect();
    flags.push(flag);
}

pub(super) fn mood_name(mood: &crate::model::Mood) -> String {
    use crate::model::Mood;
    match mood {
        Mood::Happy => "happy".to_owned(),
        Mood::Satisfied => "satisfied".to_owned(),
        Mood::Neutral => "neutral".to_owned(),
        Mood::Confused => "confused".to_owned(),
        Mood::Frustrated => "frustrated".to_owned(),
        Mood::Angry => "angry".to_owned(),
        Mood::Other(s) => quote(s),
    }
}

/// One `unresolved_error` flag per case (or topic) with errors and no later resolution.
fn unresolved_errors(scan: &Scan<'_>, flags: &mut Vec<Flag>) {
    for group in &scan.unresolved_errors {
        let subject = match &group.scope {
            ErrorScope::Case(case) => format!("on case {}", quote(case)),
            ErrorScope::Topic(_) => {
                let topic = group
                    .touches
                    .last()
                    .and_then(|&i| scan.touches[i].topic())
                    .unwrap_or_default();
                format!("about {}", quote(topic))
            }
            ErrorScope::Unscoped => "with no case or topic".to_owned(),
        };
        let count = group.touches.len();
        let mut flag = Flag::new(
            Flag::UNRESOLVED_ERROR,
            Severity::Critical,
            format!(
                "{count} error{} {subject} not yet resolved",
                if count == 1 { "" } else { "s" }
            ),
        );
        flag.evidence = group
            .touches
            .iter()
            .map(|&i| scan.touches[i].describe())
            .collect();
        flags.push(flag);
    }
}

/// A `detractor` flag when the latest NPS answer is 0–6.
fn detractor(scan: &Scan<'_>, flags: &mut Vec<Flag>) {
    let latest = scan.touches.iter().rev().find_map(|t| {
        let nps = t.interaction.soft.feedback.as_ref()?.nps?;
        Some((t, nps))
    });
    if let Some((t, nps)) = latest {
        if nps.category() == NpsCategory::Detractor {
            flags.push(
                Flag::new(
                    Flag::DETRACTOR,
                    Severity::Warning,
                    format!("latest NPS answer is {} (detractor)", nps.get()),
                )
                .with_evidence(t.describe()),
            );
        }
    }
}

/// A source of host flags: fraud risk, vulnerability, VIP status, a legal hold.
///
/// Providers run after the descriptive sections (identity to insights) are built, and see
/// them in `view`; the flags they return are added to [`Flags::flags`] with origin
/// [`FlagOrigin::Host`], then every flag is sorted. There is no default provider.
///
/// ```
/// use std::collections::BTreeMap;
/// use chrono::{TimeZone, Utc};
/// use customer360::profile::Profile;
/// use customer360::view::{Customer360, Flag, FlagOrigin, FlagProvider, Severity, ViewContext, ViewInput};
/// use customer360::CustomerId;
///
/// /// Flags customers on a host-maintained watch list.
/// struct WatchList(Vec<CustomerId>);
///
/// impl FlagProvider for WatchList {
///     fn flags(&self, view: &Customer360, _input: &ViewInput<'_>) -> Vec<Flag> {
///         if self.0.contains(&view.customer_id) {
///             vec![Flag::new("fraud_risk", Severity::Critical, "on the fraud watch list")]
///         } else {
///             vec![]
///         }
///     }
/// }
///
/// let profile = Profile { id: CustomerId("C9".into()), records: vec![], fields: BTreeMap::new() };
/// let context = ViewContext::new(Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap())
///     .flag_provider(WatchList(vec![CustomerId("C9".into())]));
/// let view = Customer360::build(&profile, &[], &context);
/// assert!(view.flags.has("fraud_risk"));
/// assert_eq!(view.flags.flags[0].origin, FlagOrigin::Host);
/// ```
pub trait FlagProvider: Send + Sync {
    /// The flags this provider raises on the customer.
    fn flags(&self, view: &Customer360, input: &ViewInput<'_>) -> Vec<Flag>;
}
