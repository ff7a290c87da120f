//! The customer 360 view: everything known about one customer, in one serialisable value.
//!
//! [`Customer360::build`] takes a [`Profile`] (the customer's surviving identity values), the
//! customer's [`SourceRecord`]s (their facts and interactions) and a [`ViewContext`] (the
//! injected clock, settings and the host's extension points), and returns a [`Customer360`]
//! with nine sections:
//!
//! | section | type | what it holds |
//! |---|---|---|
//! | `identity` | [`IdentityView`] | surviving names, e-mails, phones, addresses, birth date, gender, identifiers, with provenance |
//! | `relationships` | [`Relationships`] | household members and related profiles ([`RelationshipIndex`]), linked accounts |
//! | `current` | [`CurrentActivity`] | open orders, open cases, the last interaction, ranked [`ContactReason`]s |
//! | `history` | [`History`] | one timeline over every channel and fact, campaigns |
//! | `value` | [`ValueSummary`] | active holdings, tenure, lifetime spend per currency, order counts |
//! | `flags` | [`Flags`] | computed flags, host flags ([`FlagProvider`]), contacts per channel |
//! | `insights` | [`Insights`] | NPS and its trend, CSAT, sentiment trend, preferred channel, usual hours and weekdays |
//! | `journey` | [`JourneyPosition`] | the purchase-journey stage ([`JourneyModel`]) |
//! | `outlook` | [`Outlook`] | churn risk ([`ChurnRisk`]), next best actions ([`NextBestAction`]), offers ([`OfferSelector`]) |
//!
//! `history` is the past, `current` the present and `outlook` the future.
//!
//! # Extension points
//!
//! Hosts plug in through five small traits, each with a built-in default:
//!
//! | trait | default | called |
//! |---|---|---|
//! | [`FlagProvider`] | none | after the descriptive sections; any number of providers |
//! | [`JourneyModel`] | [`DefaultJourneyModel`] | after flags and insights |
//! | [`ChurnRisk`] | [`DefaultChurnRisk`] | after the journey |
//! | [`NextBestAction`] | [`DefaultNextBestAction`] | after churn risk |
//! | [`OfferSelector`] | none ([`DefaultOfferSelector`] on request) | last |
//!
//! Every extension point receives the view built so far (`&Customer360`, with every section
//! computed before it filled in) and the raw [`ViewInput`] (profile, records in canonical
//! order, the clock and the settings). A host implementation can wrap the default one and add
//! to or re-rank its answer.
//!
//! # Time, determinism, untrusted input
//!
//! The view never reads the wall clock: "now" is [`ViewContext::new`]'s argument, and every
//! window ([`ViewSettings`]) is measured back from it. The same profile, records (in any
//! order) and context give the same view: records are put in canonical order (by source,
//! then key) first and every list is sorted with a documented tie-break. Building never
//! panics: empty or missing values are skipped, money is summed in 128-bit integers and
//! saturated to `i64` with a flag, free text in summaries is cut to a bounded length.
//!
//! # Example
//!
//! ```
//! use std::collections::BTreeMap;
//! use chrono::{TimeZone, Utc};
//! use customer360::profile::Profile;
//! use customer360::view::{Customer360, JourneyStage, ViewContext};
//! use customer360::{Channel, CustomerId, Interaction, Money, Order, SourceRecord};
//!
//! let now = Utc.with_ymd_and_hms(2026, 3, 10, 12, 0, 0).unwrap();
//! let mut call = Interaction::new("i-1", Utc.with_ymd_and_hms(2026, 3, 9, 9, 0, 0).unwrap(), Channel::Call);
//! call.topic = Some("delivery".into());
//! call.case_id = Some("K-1".into());
//! let mut shop = SourceRecord::new("webshop", "77").interaction(call);
//! shop.facts.orders.push(Order {
//!     id: "o-1".into(),
//!     placed_at: Some(Utc.with_ymd_and_hms(2026, 2, 20, 10, 0, 0).unwrap()),
//!     total: Some(Money::new(4999, "EUR")),
//!     ..Order::default()
//! });
//! let profile = Profile {
//!     id: CustomerId("C1".into()),
//!     records: vec![shop.reference()],
//!     fields: BTreeMap::new(),
//! };
//!
//! let view = Customer360::build(&profile, &[&shop], &ViewContext::new(now));
//! assert_eq!(view.current.open_orders.len(), 1);
//! assert_eq!(view.current.open_cases[0].case_id, "K-1");
//! assert_eq!(view.journey.stage, JourneyStage::FirstPurchase);
//! // The most likely reason for a contact now is the open case.
//! assert!(view.current.likely_reasons[0].summary.contains("K-1"));
//! let json = serde_json::to_string_pretty(&view).unwrap();
//! assert!(json.contains("\"customer_id\": \"C1\""));
//! ```

mod activity;
mod flags;
mod history;
mod identity;
mod insights;
mod journey;
mod outlook;
mod relationships;
mod scan;
mod value;

use std::fmt;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::model::{RecordRef, SourceRecord};
use crate::profile::Profile;
use crate::resolve::CustomerId;

pub use activity::{Contact, ContactReason, CurrentActivity, OpenCase, OpenOrder, ReasonKind};
pub use flags::{ChannelCount, Flag, FlagOrigin, FlagProvider, Flags, Severity};
pub use history::{CampaignSummary, Event, History, TimelineEntry};
pub use identity::{IdentifierValue, IdentityView};
pub use insights::{
    CsatInsight, HourCount, Insights, NpsInsight, SentimentInsight, Trend, WeekdayCount,
};
pub use journey::{DefaultJourneyModel, JourneyModel, JourneyPosition, JourneyStage};
pub use outlook::{
    Action, ChurnAssessment, ChurnRisk, DefaultChurnRisk, DefaultNextBestAction,
    DefaultOfferSelector, NextBestAction, Offer, OfferSelector, Outlook, RiskLevel,
};
pub use relationships::{
    LinkedAccount, Relationship, RelationshipIndex, RelationshipKind, Relationships,
};
pub use value::{CurrencySpend, HeldProduct, OrderCounts, ValueSummary};

use scan::Scan;

/// The customer 360 view of one customer at one moment.
///
/// Built by [`Customer360::build`]; see the [module documentation](self) for the sections and
/// an example. Every part serialises with serde (and deserialises back), so a view can be
/// cached, sent to a front end or compared between runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Customer360 {
    /// The customer's ID (the profile's).
    pub customer_id: CustomerId,
    /// The moment the view describes: the context's injected "now".
    pub as_of: DateTime<Utc>,
    /// The source records the view was built from, sorted, without repeats.
    pub records: Vec<RecordRef>,
    /// Who the customer is.
    pub identity: IdentityView,
    /// Household members, related profiles and linked accounts.
    pub relationships: Relationships,
    /// What is going on now (the present).
    pub current: CurrentActivity,
    /// Everything that happened, on every channel (the past).
    pub history: History,
    /// What the customer holds and has spent.
    pub value: ValueSummary,
    /// Computed and host-supplied flags.
    pub flags: Flags,
    /// What the soft data says.
    pub insights: Insights,
    /// Where the customer stands in the purchase journey.
    pub journey: JourneyPosition,
    /// Predictions and recommendations (the future).
    pub outlook: Outlook,
}

impl Customer360 {
    /// Build the view of `profile` from its source `records` (in any order) as of
    /// `context`'s "now".
    ///
    /// The descriptive sections (identity, relationships, current activity, history, value,
    /// computed flags, insights) are computed first; then the extension points run in this
    /// order, each seeing the view so far: every [`FlagProvider`], the [`JourneyModel`], the
    /// [`ChurnRisk`] model, the [`NextBestAction`] model and, if one is set, the
    /// [`OfferSelector`].
    ///
    /// Never panics on any data: records with no facts, no interactions, no dates or odd
    /// strings give a sparse view, not an error.
    pub fn build(
        profile: &Profile,
        records: &[&SourceRecord],
        context: &ViewContext<'_>,
    ) -> Customer360 {
        let mut sorted: Vec<&SourceRecord> = records.to_vec();
        sorted.sort_by(|a, b| scan::canonical_record_order(a, b));
        let input = ViewInput {
            profile,
            records: &sorted,
            now: context.now,
            settings: &context.settings,
        };
        let scan = Scan::new(input);
        let mut references: Vec<RecordRef> = sorted.iter().map(|r| r.reference()).collect();
        references.dedup();

        let mut view = Customer360 {
            customer_id: profile.id.clone(),
            as_of: context.now,
            records: references,
            identity: IdentityView::from_profile(profile),
            relationships: Relationships::build(profile, context.relationships),
            current: CurrentActivity::build(&scan),
            history: History::build(&scan),
            value: ValueSummary::build(&scan),
            flags: Flags::computed(&scan),
            insights: Insights::build(&scan),
            journey: JourneyPosition::default(),
            outlook: Outlook::default(),
        };

        let mut host_flags = Vec::new();
        for provider in &context.flag_providers {
            host_flags.extend(provider.flags(&view, &input).into_iter().map(|mut flag| {
                flag.origin = FlagOrigin::Host;
                flag
            }));
        }
        view.flags.flags.extend(host_flags);
        view.flags.sort();

        view.journey = context.journey.position(&view, &input);
        view.outlook.churn = context.churn.assess(&view, &input).sanitized();
        view.outlook.next_actions = context.next_best_action.actions(&view, &input);
        if let Some(selector) = &context.offers {
            view.outlook.offers = selector.offers(&view, &input);
        }
        view
    }
}

/// Windows and limits of the view's heuristics. Every window is in whole days, measured back
/// from the context's "now".
///
/// ```
/// use customer360::view::ViewSettings;
/// let settings = ViewSettings { recent_days: 30, ..ViewSettings::default() };
/// assert_eq!(settings.repeat_contact_window_days, 30);
/// assert_eq!(settings.lapsed_after_days, 365);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ViewSettings {
    /// The window in which inbound contacts about one topic (or on one case) are counted as
    /// repeated contacts. Default 30 days.
    pub repeat_contact_window_days: u32,
    /// How many inbound contacts about one topic within the repeat window raise the
    /// `repeated_contact` flag. Default 3.
    pub repeat_contact_threshold: u32,
    /// What counts as recent: for sentiment, mood, errors and the stale-case test. Default 90
    /// days.
    pub recent_days: u32,
    /// A customer whose last purchase is older than this has lapsed. Default 365 days.
    pub lapsed_after_days: u32,
    /// An open order older than this is overdue. Default 7 days.
    pub order_overdue_days: u32,
    /// A holding ending within this many days ahead is a likely contact reason. Default 30
    /// days.
    pub holding_ending_days: u32,
    /// How many hours of the day and weekdays [`Insights`] reports. Default 3.
    pub engagement_top: u32,
}

impl ViewSettings {
    /// The defaults, as a constant.
    pub const DEFAULT: ViewSettings = ViewSettings {
        repeat_contact_window_days: 30,
        repeat_contact_threshold: 3,
        recent_days: 90,
        lapsed_after_days: 365,
        order_overdue_days: 7,
        holding_ending_days: 30,
        engagement_top: 3,
    };
}

impl Default for ViewSettings {
    fn default() -> Self {
        ViewSettings::DEFAULT
    }
}

/// What the extension points see besides the view so far: the profile, its records in
/// canonical order (by source, then key), the injected clock and the settings.
#[derive(Debug, Clone, Copy)]
pub struct ViewInput<'a> {
    /// The profile the view is built from.
    pub profile: &'a Profile,
    /// The profile's source records, in canonical order.
    pub records: &'a [&'a SourceRecord],
    /// The injected "now".
    pub now: DateTime<Utc>,
    /// The settings.
    pub settings: &'a ViewSettings,
}

/// The context a view is built in: the injected clock, settings, an optional
/// [`RelationshipIndex`] and the host's extension points.
///
/// Built with [`ViewContext::new`] and chained setters; one context can build the views of
/// many customers.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use customer360::view::{DefaultOfferSelector, RelationshipIndex, ViewContext, ViewSettings};
///
/// let index = RelationshipIndex::build(&[]);
/// let context = ViewContext::new(Utc.with_ymd_and_hms(2026, 3, 10, 12, 0, 0).unwrap())
///     .settings(ViewSettings { lapsed_after_days: 180, ..ViewSettings::default() })
///     .relationships(&index)
///     .offer_selector(DefaultOfferSelector);
/// assert_eq!(context.view_settings().lapsed_after_days, 180);
/// ```
pub struct ViewContext<'a> {
    now: DateTime<Utc>,
    settings: ViewSettings,
    relationships: Option<&'a RelationshipIndex>,
    flag_providers: Vec<Box<dyn FlagProvider + 'a>>,
    journey: Box<dyn JourneyModel + 'a>,
    churn: Box<dyn ChurnRisk + 'a>,
    next_best_action: Box<dyn NextBestAction + 'a>,
    offers: Option<Box<dyn OfferSelector + 'a>>,
}

impl<'a> ViewContext<'a> {
    /// A context at `now` with default settings, no relationship index, no flag providers, the
    /// default journey, churn and next-best-action models and no offer selector.
    pub fn new(now: DateTime<Utc>) -> Self {
        ViewContext {
            now,
            settings: ViewSettings::default(),
            relationships: None,
            flag_providers: Vec::new(),
            journey: Box::new(DefaultJourneyModel),
            churn: Box::new(DefaultChurnRisk),
            next_best_action: Box::new(DefaultNextBestAction),
            offers: None,
        }
    }

    /// Use these settings.
    #[must_use]
    pub fn settings(mut self, settings: ViewSettings) -> Self {
        self.settings = settings;
        self
    }

    /// Find related profiles in `index`.
    #[must_use]
    pub fn relationships(mut self, index: &'a RelationshipIndex) -> Self {
        self.relationships = Some(index);
        self
    }

    /// Add a flag provider; providers run in the order added.
    #[must_use]
    pub fn flag_provider(mut self, provider: impl FlagProvider + 'a) -> Self {
        self.flag_providers.push(Box::new(provider));
        self
    }

    /// Replace the journey model.
    #[must_use]
    pub fn journey_model(mut self, model: impl JourneyModel + 'a) -> Self {
        self.journey = Box::new(model);
        self
    }

    /// Replace the churn-risk model.
    #[must_use]
    pub fn churn_risk(mut self, model: impl ChurnRisk + 'a) -> Self {
        self.churn = Box::new(model);
        self
    }

    /// Replace the next-best-action model.
    #[must_use]
    pub fn next_best_action(mut self, model: impl NextBestAction + 'a) -> Self {
        self.next_best_action = Box::new(model);
        self
    }

    /// Select offers with `selector` (none are selected without one).
    #[must_use]
    pub fn offer_selector(mut self, selector: impl OfferSelector + 'a) -> Self {
        self.offers = Some(Box::new(selector));
        self
    }

    /// The injected "now".
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// The settings.
    pub fn view_settings(&self) -> &ViewSettings {
        &self.settings
    }
}

impl fmt::Debug for ViewContext<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ViewContext")
            .field("now", &self.now)
            .field("settings", &self.settings)
            .field("relationships", &self.relationships.is_some())
            .field("flag_providers", &self.flag_providers.len())
            .field("offers", &self.offers.is_some())
            .finish_non_exhaustive()
    }
}

/// `now` minus `days`, or the earliest representable time when that underflows.
pub(crate) fn days_before(now: DateTime<Utc>, days: u32) -> DateTime<Utc> {
    TimeDelta::try_days(i64::from(days))
        .and_then(|d| now.checked_sub_signed(d))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// `now` plus `days`, or the latest representable time when that overflows.
pub(crate) fn days_after(now: DateTime<Utc>, days: u32) -> DateTime<Utc> {
    TimeDelta::try_days(i64::from(days))
        .and_then(|d| now.checked_add_signed(d))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// Whole days from `from` to `to` (negative when `to` is earlier).
pub(crate) fn days_between(from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    to.signed_duration_since(from).num_days()
}

/// A time for evidence texts: `2026-03-01 09:30 UTC`.
pub(crate) fn when(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// The longest free text (in characters) quoted in summaries and evidence.
const QUOTE_CHARS: usize = 80;

/// Free text for summaries and evidence: quoted, control characters escaped, cut to
/// [`QUOTE_CHARS`] characters.
pub(crate) fn quote(text: &str) -> String {
    let trimmed = text.trim();
    let mut cut: String = trimmed.chars().take(QUOTE_CHARS).collect();
    if cut.len() < trimmed.len() {
        cut.push('…');
    }
    format!("{cut:?}")
}

/// The snake-case name of a channel, as serialised.
pub(crate) fn channel_name(channel: crate::model::Channel) -> &'static str {
    use crate::model::Channel;
    match channel {
        Channel::Call => "call",
        Channel::Chat => "chat",
        Channel::Email => "email",
        Channel::Sms => "sms",
        Channel::Social => "social",
        Channel::Survey => "survey",
        Channel::Web => "web",
        Channel::Store => "store",
        Channel::Other => "other",
    }
}

/// Days as a phrase: `1 day`, `3 days`.
pub(crate) fn days_phrase(days: i64) -> String {
    if days == 1 {
        "1 day".to_owned()
    } else {
        format!("{days} days")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn contexts_can_be_shared_across_threads() {
        fn shareable<T: Send + Sync>() {}
        shareable::<ViewContext<'_>>();
        shareable::<RelationshipIndex>();
        shareable::<Customer360>();
    }

    #[test]
    fn windows_saturate() {
        let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(days_before(now, u32::MAX), DateTime::<Utc>::MIN_UTC);
        assert_eq!(days_after(now, u32::MAX), DateTime::<Utc>::MAX_UTC);
        assert_eq!(days_before(now, 1), now - TimeDelta::days(1));
        assert_eq!(
            days_between(DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC),
            days_between(DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC)
        );
    }

    #[test]
    fn quotes_are_bounded_and_escaped() {
        assert_eq!(quote(" billing "), "\"billing\"");
        assert_eq!(quote("a\nb"), "\"a\\nb\"");
        let long = quote(&"é".repeat(500));
        assert_eq!(long.chars().count(), QUOTE_CHARS + 3);
    }
}
