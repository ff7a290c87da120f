//! The outlook section: churn risk, next best actions and offers.

use serde::{Deserialize, Serialize};

use super::{quote, Customer360, Flag, JourneyStage, Trend, ViewInput};
use crate::model::NpsCategory;

/// A coarse churn-risk level.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    /// Score below 0.3.
    #[default]
    Low,
    /// Score from 0.3 to below 0.6.
    Medium,
    /// Score 0.6 or above.
    High,
}

impl RiskLevel {
    /// The level of a score in `[0, 1]`.
    pub fn of(score: f64) -> RiskLevel {
        if score >= 0.6 {
            RiskLevel::High
        } else if score >= 0.3 {
            RiskLevel::Medium
        } else {
            RiskLevel::Low
        }
    }
}

/// How likely the customer is to leave, and why.
///
/// ```
/// use customer360::view::{ChurnAssessment, RiskLevel};
/// let risk = ChurnAssessment::new(0.72, vec!["latest NPS 4".into()]);
/// assert_eq!(risk.level, RiskLevel::High);
/// // Out-of-range and NaN scores are brought into [0, 1].
/// assert_eq!(ChurnAssessment::new(f64::NAN, vec![]).score, 0.0);
/// assert_eq!(ChurnAssessment::new(7.0, vec![]).score, 1.0);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChurnAssessment {
    /// The risk, in `[0, 1]`.
    pub score: f64,
    /// The level of `score`.
    pub level: RiskLevel,
    /// What the score rests on.
    pub reasons: Vec<String>,
}

impl ChurnAssessment {
    /// An assessment with `score` clamped to `[0, 1]` (NaN becomes 0) and its level.
    pub fn new(score: f64, reasons: Vec<String>) -> ChurnAssessment {
        let score = if score.is_nan() {
            0.0
        } else {
            score.clamp(0.0, 1.0)
        };
        ChurnAssessment {
            score,
            level: RiskLevel::of(score),
            reasons,
        }
    }

    /// The same assessment with the score clamped and the level recomputed: the view applies
    /// this to whatever a [`ChurnRisk`] model returns.
    pub(super) fn sanitized(self) -> ChurnAssessment {
        ChurnAssessment::new(self.score, self.reasons)
    }
}

/// Estimates how likely the customer is to leave.
///
/// Runs after the journey; `view.outlook` is still empty then. The view clamps the returned
/// score to `[0, 1]` (NaN becomes 0) and sets the level from it.
///
/// ```
/// use std::collections::BTreeMap;
/// use chrono::{TimeZone, Utc};
/// use customer360::profile::Profile;
/// use customer360::view::{ChurnAssessment, ChurnRisk, Customer360, RiskLevel, ViewContext, ViewInput};
/// use customer360::CustomerId;
///
/// /// Scores from a host model, looked up by customer.
/// struct Scores;
///
/// impl ChurnRisk for Scores {
///     fn assess(&self, _view: &Customer360, _input: &ViewInput<'_>) -> ChurnAssessment {
///         ChurnAssessment::new(0.81, vec!["model v3".into()])
///     }
/// }
///
/// let profile = Profile { id: CustomerId("C1".into()), records: vec![], fields: BTreeMap::new() };
/// let context = ViewContext::new(Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap()).churn_risk(Scores);
/// let view = Customer360::build(&profile, &[], &context);
/// assert_eq!(view.outlook.churn.level, RiskLevel::High);
/// ```
pub trait ChurnRisk: Send + Sync {
    /// The customer's churn risk.
    fn assess(&self, view: &Customer360, input: &ViewInput<'_>) -> ChurnAssessment;
}

/// The built-in churn model: points for each warning sign, summed and capped at 1.
///
/// | sign | points |
/// |---|---|
/// | journey stage churned | 1.00 (and nothing else counts) |
/// | journey stage lapsed | 0.40 |
/// | an `unresolved_error` flag | 0.20 |
/// | latest NPS answer a detractor's | 0.15 |
/// | NPS fell since the previous answer | 0.10 |
/// | sentiment trend declining | 0.10 |
/// | a `negative_sentiment` flag | 0.10 |
/// | a `repeated_contact` flag | 0.10 |
///
/// Each reason says how many points it added.
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultChurnRisk;

impl ChurnRisk for DefaultChurnRisk {
    fn assess(&self, view: &Customer360, _input: &ViewInput<'_>) -> ChurnAssessment {
        if view.journey.stage == JourneyStage::Churned {
            return ChurnAssessment::new(1.0, vec!["+1.00: every holding has ended".to_owned()]);
        }
        // Points in hundredths, so that sums are exact.
        let mut points = 0u32;
        let mut reasons = Vec::new();
        let mut add = |p: u32, why: String| {
            points += p;
            reasons.push(format!("+{}.{:02}: {why}", p / 100, p % 100));
        };
        if view.journey.stage == JourneyStage::Lapsed {
            add(
                40,
                "lapsed: no purchase within the lapsed window".to_owned(),
            );
        }
        let errors = view.flags.with_code(Flag::UNRESOLVED_ERROR).count();
        if errors > 0 {
            add(20, format!("{errors} unresolved error flag(s)"));
        }
        if let Some(nps) = &view.insights.nps {
            if nps.category == NpsCategory::Detractor {
                add(
                    15,
                    format!("latest NPS answer {} is a detractor's", nps.latest),
                );
            }
            if let (Some(Trend::Declining), Some(previous)) = (nps.trend, nps.previous) {
                add(10, format!("NPS fell from {previous} to {}", nps.latest));
            }
        }
        if let Some(s) = &view.insights.sentiment {
            if s.trend == Some(Trend::Declining) {
                add(
                    10,
                    format!(
                        "sentiment declining: recent mean {:.2} against {:.2} before",
                        s.recent_mean.unwrap_or_default(),
                        s.earlier_mean.unwrap_or_default()
                    ),
                );
            }
        }
        if view.flags.has(Flag::NEGATIVE_SENTIMENT) {
            add(10, "negative sentiment or mood recently".to_owned());
        }
        if view.flags.has(Flag::REPEATED_CONTACT) {
            add(10, "repeated contacts about one topic".to_owned());
        }
        ChurnAssessment::new(f64::from(points.min(100)) / 100.0, reasons)
    }
}

/// A recommended action for whoever talks to the customer next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    /// A stable machine-readable code (`resolve_error`, `win_back`).
    pub code: String,
    /// One line for an agent.
    pub title: String,
    /// How urgent, higher first; the built-in actions use 10–100.
    pub priority: u32,
    /// Why.
    pub reasons: Vec<String>,
}

impl Action {
    /// Apologise and resolve an unresolved error.
    pub const RESOLVE_ERROR: &'static str = "resolve_error";
    /// Follow up an open case.
    pub const FOLLOW_UP_CASE: &'static str = "follow_up_case";
    /// Talk to a customer at high churn risk.
    pub const RETENTION: &'static str = "retention";
    /// Check on an overdue order.
    pub const CHECK_ORDER: &'static str = "check_order";
    /// Ask a detractor what went wrong.
    pub const ASK_FEEDBACK: &'static str = "ask_feedback";
    /// Win back a lapsed or churned customer.
    pub const WIN_BACK: &'static str = "win_back";
    /// Ask a happy promoter for a referral.
    pub const ASK_REFERRAL: &'static str = "ask_referral";

    /// An action with no reasons.
    pub fn new(code: impl Into<String>, title: impl Into<String>, priority: u32) -> Action {
        Action {
            code: code.into(),
            title: title.into(),
            priority,
            reasons: Vec::new(),
        }
    }

    /// The same action with one more reason.
    #[must_use]
    pub fn with_reason(mut self, reason: impl Into<String>) -> Action {
        self.reasons.push(reason.into());
        self
    }
}

/// Recommends what to do next with the customer, most important first.
///
/// Runs after the churn model, so `view.outlook.churn` is set; the view keeps the actions in
/// the order returned. A host can wrap [`DefaultNextBestAction`] to add its own:
///
/// ```
/// use std::collections::BTreeMap;
/// use chrono::{TimeZone, Utc};
/// use customer360::profile::Profile;
/// use customer360::view::{
///     Action, Customer360, DefaultNextBestAction, NextBestAction, ViewContext, ViewInput,
/// };
/// use customer360::CustomerId;
///
/// /// Everyone without a loyalty number is invited to join, after the built-in actions.
/// struct InviteToLoyalty;
///
/// impl NextBestAction for InviteToLoyalty {
///     fn actions(&self, view: &Customer360, input: &ViewInput<'_>) -> Vec<Action> {
///         let mut actions = DefaultNextBestAction.actions(view, input);
///         if view.relationships.accounts.is_empty() {
///             actions.push(Action::new("join_loyalty", "Invite to the loyalty programme", 5));
///         }
///         actions
///     }
/// }
///
/// let profile = Profile { id: CustomerId("C1".into()), records: vec![], fields: BTreeMap::new() };
/// let context = ViewContext::new(Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap())
///     .next_best_action(InviteToLoyalty);
/// let view = Customer360::build(&profile, &[], &context);
/// assert_eq!(view.outlook.next_actions.last().unwrap().code, "join_loyalty");
/// ```
pub trait NextBestAction: Send + Sync {
    /// The recommended actions, most important first.
    fn actions(&self, view: &Customer360, input: &ViewInput<'_>) -> Vec<Action>;
}

/// The built-in next-best-action model:
///
/// | action | priority | when |
/// |---|---|---|
/// | `resolve_error` | 100 | per `unresolved_error` flag: apologise and resolve |
/// | `follow_up_case` | 80 | per open case without an unresolved error |
/// | `retention` | 70 | churn risk high (and not churned) |
/// | `check_order` | 60 | per overdue open order |
/// | `ask_feedback` | 50 | the latest NPS answer is a detractor's |
/// | `win_back` | 40 | journey stage lapsed or churned |
/// | `ask_referral` | 10 | the latest NPS answer is a promoter's and nothing is open or unresolved |
///
/// Sorted by priority, then code, then title.
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultNextBestAction;

impl NextBestAction for DefaultNextBestAction {
    fn actions(&self, view: &Customer360, _input: &ViewInput<'_>) -> Vec<Action> {
        let mut actions = Vec::new();
        for flag in view.flags.with_code(Flag::UNRESOLVED_ERROR) {
            let mut action = Action::new(
                Action::RESOLVE_ERROR,
                format!("Apologise and resolve: {}", flag.message),
                100,
            );
            action.reasons = flag.evidence.clone();
            actions.push(action);
        }
        for case in view
            .current
            .open_cases
            .iter()
            .filter(|c| !c.unresolved_error)
        {
            let (topic, status) = (case.about(), case.status_name());
            actions.push(
                Action::new(
                    Action::FOLLOW_UP_CASE,
                    format!("Follow up case {}{topic}", quote(&case.case_id)),
                    80,
                )
                .with_reason(format!(
                    "open ({status}) with {} contact(s), {} inbound recently",
                    case.contacts, case.recent_inbound
                )),
            );
        }
        let churn = &view.outlook.churn;
        if churn.level == RiskLevel::High && view.journey.stage != JourneyStage::Churned {
            let mut action = Action::new(
                Action::RETENTION,
                format!("Retention conversation: churn risk {:.2}", churn.score),
                70,
            );
            action.reasons = churn.reasons.clone();
            actions.push(action);
        }
        for order in view.current.open_orders.iter().filter(|o| o.overdue) {
            actions.push(
                Action::new(
                    Action::CHECK_ORDER,
                    format!("Check on order {}", quote(&order.id)),
                    60,
                )
                .with_reason(format!(
                    "open for {} days",
                    order.age_days.unwrap_or_default()
                )),
            );
        }
        if let Some(nps) = &view.insights.nps {
            if nps.category == NpsCategory::Detractor {
                let change = nps
                    .previous
                    .map(|p| format!(", down from {p}"))
                    .filter(|_| nps.trend == Some(Trend::Declining))
                    .unwrap_or_default();
                actions.push(
                    Action::new(Action::ASK_FEEDBACK, "Ask what went wrong and listen", 50)
                        .with_reason(format!("latest NPS {}{change}", nps.latest)),
                );
            }
        }
        if matches!(
            view.journey.stage,
            JourneyStage::Lapsed | JourneyStage::Churned
        ) {
            let mut action = Action::new(Action::WIN_BACK, "Make a win-back offer", 40);
            action.reasons = view.journey.reasons.clone();
            actions.push(action);
        }
        let promoter = view
            .insights
            .nps
            .as_ref()
            .is_some_and(|n| n.category == NpsCategory::Promoter);
        let calm = view.current.open_cases.is_empty() && !view.flags.has(Flag::UNRESOLVED_ERROR);
        if promoter && calm {
            actions.push(
                Action::new(Action::ASK_REFERRAL, "Ask for a referral or a review", 10)
                    .with_reason("latest NPS answer is a promoter's, nothing open"),
            );
        }
        actions
            .sort_by(|a, b| (b.priority, &a.code, &a.title).cmp(&(a.priority, &b.code, &b.title)));
        actions
    }
}

/// An offer to make to the customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    /// A stable machine-readable code of the offer.
    pub code: String,
    /// One line for an agent.
    pub title: String,
    /// Why it fits.
    pub reasons: Vec<String>,
}

impl Offer {
    /// An offer with no reasons.
    pub fn new(code: impl Into<String>, title: impl Into<String>) -> Offer {
        Offer {
            code: code.into(),
            title: title.into(),
            reasons: Vec::new(),
        }
    }

    /// The same offer with one more reason.
    #[must_use]
    pub fn with_reason(mut self, reason: impl Into<String>) -> Offer {
        self.reasons.push(reason.into());
        self
    }
}

/// Chooses offers for the customer, best first.
///
/// Optional: without one ([`ViewContext::offer_selector`](super::ViewContext::offer_selector))
/// the view has no offers. Runs last, after the next best actions.
///
/// ```
/// use std::collections::BTreeMap;
/// use chrono::{TimeZone, Utc};
/// use customer360::profile::Profile;
/// use customer360::view::{Customer360, Offer, OfferSelector, ViewContext, ViewInput};
/// use customer360::CustomerId;
///
/// struct Welcome;
///
/// impl OfferSelector for Welcome {
///     fn offers(&self, view: &Customer360, _input: &ViewInput<'_>) -> Vec<Offer> {
///         if view.value.purchases == 0 {
///             vec![Offer::new("welcome10", "10% off the first order")]
///         } else {
///             vec![]
///         }
///     }
/// }
///
/// let profile = Profile { id: CustomerId("C1".into()), records: vec![], fields: BTreeMap::new() };
/// let now = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
/// let view = Customer360::build(&profile, &[], &ViewContext::new(now).offer_selector(Welcome));
/// assert_eq!(view.outlook.offers[0].code, "welcome10");
/// let without = Customer360::build(&profile, &[], &ViewContext::new(now));
/// assert!(without.outlook.offers.is_empty());
/// ```
pub trait OfferSelector: Send + Sync {
    /// The offers, best first.
    fn offers(&self, view: &Customer360, input: &ViewInput<'_>) -> Vec<Offer>;
}

/// A simple built-in offer selector (not used unless set):
///
/// | offer | when |
/// |---|---|
/// | `service_recovery` | an `unresolved_error` flag is raised: a goodwill gesture |
/// | `retention_discount` | churn risk high and not churned |
/// | `win_back` | journey stage lapsed or churned |
/// | `loyalty_reward` | journey stage repeat and the latest NPS answer a promoter's |
///
/// In that order.
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultOfferSelector;

impl OfferSelector for DefaultOfferSelector {
    fn offers(&self, view: &Customer360, _input: &ViewInput<'_>) -> Vec<Offer> {
        let mut offers = Vec::new();
        if view.flags.has(Flag::UNRESOLVED_ERROR) {
            offers.push(
                Offer::new("service_recovery", "A goodwill credit for the trouble")
                    .with_reason("an error on our side is not resolved"),
            );
        }
        let churned = view.journey.stage == JourneyStage::Churned;
        if view.outlook.churn.level == RiskLevel::High && !churned {
            offers.push(
                Offer::new("retention_discount", "A loyalty discount on renewal")
                    .with_reason(format!("churn risk {:.2}", view.outlook.churn.score)),
            );
        }
        if churned || view.journey.stage == JourneyStage::Lapsed {
            let mut offer = Offer::new("win_back", "A come-back discount");
            offer.reasons = view.journey.reasons.clone();
            offers.push(offer);
        }
        let promoter = view
            .insights
            .nps
            .as_ref()
            .is_some_and(|n| n.category == NpsCategory::Promoter);
        if view.journey.stage == JourneyStage::Repeat && promoter {
            offers.push(
                Offer::new("loyalty_reward", "A reward for a loyal customer")
                    .with_reason("repeat customer and promoter"),
            );
        }
        offers
    }
}

/// The outlook section: the future.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Outlook {
    /// The churn risk.
    pub churn: ChurnAssessment,
    /// What to do next, most important first.
    pub next_actions: Vec<Action>,
    /// Offers, best first (empty without an offer selector).
    pub offers: Vec<Offer>,
}
