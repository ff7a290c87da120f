//! The journey section: where the customer stands in the purchase journey.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{days_after, days_before, days_between, days_phrase, when, Customer360, ViewInput};
use crate::model::{Holding, HoldingStatus};

/// A stage of the purchase journey.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum JourneyStage {
    /// No purchase and no holding yet.
    #[default]
    Prospect,
    /// One purchase.
    FirstPurchase,
    /// Two or more purchases.
    Repeat,
    /// The last purchase is older than the lapsed window.
    Lapsed,
    /// Every holding has ended.
    Churned,
    /// A host-defined stage.
    Other(String),
}

/// Where the customer stands in the journey, since when and why.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JourneyPosition {
    /// The stage.
    pub stage: JourneyStage,
    /// When the customer entered it, when known.
    pub since: Option<DateTime<Utc>>,
    /// Why: the facts the stage rests on.
    pub reasons: Vec<String>,
}

/// Places a customer in the purchase journey.
///
/// Runs after every descriptive section and the flags; `view.journey` is still the default
/// then. Hosts with their own funnel (trial, onboarding, active, at risk) implement this and
/// return [`JourneyStage::Other`] stages.
///
/// ```
/// use std::collections::BTreeMap;
/// use chrono::{TimeZone, Utc};
/// use customer360::profile::Profile;
/// use customer360::view::{
///     Customer360, JourneyModel, JourneyPosition, JourneyStage, ViewContext, ViewInput,
/// };
/// use customer360::CustomerId;
///
/// /// Anyone with a web session is "browsing" in our funnel.
/// struct Funnel;
///
/// impl JourneyModel for Funnel {
///     fn position(&self, view: &Customer360, _input: &ViewInput<'_>) -> JourneyPosition {
///         let stage = if view.value.purchases == 0 {
///             JourneyStage::Other("browsing".into())
///         } else {
///             JourneyStage::Repeat
///         };
///         JourneyPosition { stage, since: None, reasons: vec![] }
///     }
/// }
///
/// let profile = Profile { id: CustomerId("C1".into()), records: vec![], fields: BTreeMap::new() };
/// let context = ViewContext::new(Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap())
///     .journey_model(Funnel);
/// let view = Customer360::build(&profile, &[], &context);
/// assert_eq!(view.journey.stage, JourneyStage::Other("browsing".into()));
/// ```
pub trait JourneyModel: Send + Sync {
    /// The customer's position in the journey.
    fn position(&self, view: &Customer360, input: &ViewInput<'_>) -> JourneyPosition;
}

/// The built-in journey model. The first rule that applies decides:
///
/// 1. **churned**: the customer has had holdings and every one has ended (status ended, or
///    an end date at or before "now"); since the latest end date.
/// 2. **prospect**: no purchase ([`ValueSummary::purchases`](super::ValueSummary::purchases)
///    is 0) and no holding ever.
/// 3. **lapsed**: the last purchase is dated and older than the lapsed window; since the
///    day the window ran out.
/// 4. **first purchase**: one purchase, or none but holdings (each taken up once counts as
///    a purchase: one holding); since the purchase.
/// 5. **repeat**: two or more purchases (or holdings); since the second purchase.
///
/// Undated purchases count but cannot make a customer lapsed.
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultJourneyModel;

impl JourneyModel for DefaultJourneyModel {
    fn position(&self, view: &Customer360, input: &ViewInput<'_>) -> JourneyPosition {
        let value = &view.value;
        let holdings = value.active_holdings.len() + value.inactive_holdings.len();
        let ended = |h: &Holding| {
            h.status == HoldingStatus::Ended || h.until.is_some_and(|u| u <= input.now)
        };
        if holdings > 0
            && value.active_holdings.is_empty()
            && value.inactive_holdings.iter().all(|h| ended(&h.holding))
        {
            let since = value
                .inactive_holdings
                .iter()
                .filter_map(|h| h.holding.until)
                .max();
            return JourneyPosition {
                stage: JourneyStage::Churned,
                since,
                reasons: vec![format!(
                    "all {holdings} holding{} ended",
                    if holdings == 1 { "" } else { "s" }
                )],
            };
        }
        let purchases = if value.purchases > 0 {
            value.purchases
        } else {
            holdings
        };
        if purchases == 0 {
            return JourneyPosition {
                stage: JourneyStage::Prospect,
                since: value.first_seen,
                reasons: vec!["no purchase and no holding".to_owned()],
            };
        }
        let lapsed_after = input.settings.lapsed_after_days;
        if let Some(last) = value.last_purchase_at {
            if last < days_before(input.now, lapsed_after) {
                return JourneyPosition {
                    stage: JourneyStage::Lapsed,
                    since: Some(days_after(last, lapsed_after)),
                    reasons: vec![format!(
                        "last purchase {} ago, on {} (lapsed after {lapsed_after} days)",
                        days_phrase(days_between(last, input.now)),
                        when(last)
                    )],
                };
            }
        }
        let dates = purchase_dates(input);
        let (stage, since, reason) = if purchases == 1 {
            (
                JourneyStage::FirstPurchase,
                dates.first().copied(),
                "1 purchase".to_owned(),
            )
        } else {
            (
                JourneyStage::Repeat,
                dates.get(1).copied(),
                format!("{purchases} purchases"),
            )
        };
        let mut reasons = vec![reason];
        if value.purchases == 0 {
            reasons.push(format!("counted from {holdings} holdings"));
        }
        if let Some(last) = value.last_purchase_at {
            reasons.push(format!("last purchase on {}", when(last)));
        }
        JourneyPosition {
            stage,
            since,
            reasons,
        }
    }
}

/// The dates of purchases (orders not cancelled, else purchase transactions, else holding
/// starts), sorted.
fn purchase_dates(input: &ViewInput<'_>) -> Vec<DateTime<Utc>> {
    use crate::model::{OrderStatus, TransactionKind};
    let records = input.records;
    let has_orders = records.iter().any(|r| !r.facts.orders.is_empty());
    let mut dates: Vec<DateTime<Utc>> = if has_orders {
        records
            .iter()
            .flat_map(|r| &r.facts.orders)
            .filter(|o| o.status != OrderStatus::Cancelled)
            .filter_map(|o| o.placed_at)
            .collect()
    } else {
        records
            .iter()
            .flat_map(|r| &r.facts.transactions)
            .filter(|t| t.kind == TransactionKind::Purchase)
            .map(|t| t.at)
            .collect()
    };
    if dates.is_empty() && !has_orders {
        dates = records
            .iter()
            .flat_map(|r| &r.facts.holdings)
            .filter_map(|h| h.since)
            .collect();
    }
    dates.sort();
    dates
}
