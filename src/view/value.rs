//! The value section: what the customer holds and has spent.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::days_between;
use super::scan::Scan;
use crate::model::{Holding, HoldingStatus, OrderStatus, RecordKey, SourceSystem, TransactionKind};

/// A product or service the customer holds or held, with the record it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldProduct {
    /// The source system.
    pub source: SourceSystem,
    /// The record there.
    pub record: RecordKey,
    /// The holding.
    #[serde(flatten)]
    pub holding: Holding,
}

/// Lifetime spend in one currency, in exact minor units.
///
/// `net` = `purchases` + `payments` − `refunds`. Refunds count by magnitude whether the
/// source writes them negative or positive; fees and host-defined kinds are not spend. Sums
/// are taken in 128-bit integers and saturated to the `i64` range, with `saturated` set when
/// that happened.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrencySpend {
    /// The currency code, trimmed and upper-cased (`EUR`); empty when the source gave none.
    pub currency: String,
    /// Sum of purchases.
    pub purchases: i64,
    /// Sum of payments.
    pub payments: i64,
    /// Sum of refunds (a positive number).
    pub refunds: i64,
    /// Lifetime spend: purchases + payments − refunds.
    pub net: i64,
    /// Transactions counted (purchases, payments and refunds).
    pub transactions: usize,
    /// Whether a sum left the `i64` range and was saturated.
    pub saturated: bool,
}

/// Orders by status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderCounts {
    /// Every order.
    pub total: usize,
    /// Open.
    pub open: usize,
    /// Fulfilled.
    pub fulfilled: usize,
    /// Cancelled.
    pub cancelled: usize,
    /// Returned.
    pub returned: usize,
    /// Host-defined statuses.
    pub other: usize,
}

/// The value section.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct ValueSummary {
    /// Products and services held now: status active and no end date at or before "now".
    /// By start date (undated last), then product ID, source and record.
    pub active_holdings: Vec<HeldProduct>,
    /// Every other holding (suspended, ended, past its end date, host-defined), same order.
    pub inactive_holdings: Vec<HeldProduct>,
    /// The earliest date known: of an observation, interaction, order, transaction, holding
    /// start or note.
    pub first_seen: Option<DateTime<Utc>>,
    /// Whole days from `first_seen` to "now" (0 when `first_seen` is later).
    pub tenure_days: Option<i64>,
    /// Lifetime spend per currency, by currency code.
    pub spend: Vec<CurrencySpend>,
    /// Orders by status.
    pub orders: OrderCounts,
    /// Purchases: orders not cancelled, or, for a customer with no orders at all, purchase
    /// transactions (shops without an order system record sales as transactions).
    pub purchases: usize,
    /// The last purchase: the latest dated order not cancelled or purchase transaction.
    pub last_purchase_at: Option<DateTime<Utc>>,
}

impl ValueSummary {
    pub(super) fn build(scan: &Scan<'_>) -> ValueSummary {
        let now = scan.now();
        let mut value = ValueSummary::default();
        let mut first_seen: Option<DateTime<Utc>> = None;
        let mut seen = |at: Option<DateTime<Utc>>| {
            if let Some(at) = at {
                first_seen = Some(first_seen.map_or(at, |f| f.min(at)));
            }
        };
        let mut sums: BTreeMap<String, Sums> = BTreeMap::new();
        let mut purchase_transactions = 0usize;
        let mut last_purchase: Option<DateTime<Utc>> = None;

        for record in scan.input.records {
            seen(record.observed_at);
            for i in &record.interactions {
                seen(Some(i.at));
            }
            for n in &record.notes {
                seen(n.at);
            }
            for o in &record.facts.orders {
                seen(o.placed_at);
                let counts = &mut value.orders;
                counts.total += 1;
                match o.status {
                    OrderStatus::Open => counts.open += 1,
                    OrderStatus::Fulfilled => counts.fulfilled += 1,
                    OrderStatus::Cancelled => counts.cancelled += 1,
                    OrderStatus::Returned => counts.returned += 1,
                    _ => counts.other += 1,
                }
                if o.status != OrderStatus::Cancelled {
                    last_purchase = last_purchase.max(o.placed_at);
                }
            }
            for t in &record.facts.transactions {
                seen(Some(t.at));
                let amount = i128::from(t.amount.minor_units);
                let sums = sums
                    .entry(t.amount.currency.trim().to_ascii_uppercase())
                    .or_default();
                match t.kind {
                    TransactionKind::Purchase => {
                        sums.purchases += amount;
                        purchase_transactions += 1;
                        last_purchase = last_purchase.max(Some(t.at));
                    }
                    TransactionKind::Payment => sums.payments += amount,
                    TransactionKind::Refund => sums.refunds += amount.abs(),
                    _ => continue,
                }
                sums.count += 1;
            }
            for h in &record.facts.holdings {
                seen(h.since);
                let held = HeldProduct {
                    source: record.source.clone(),
                    record: record.key.clone(),
                    holding: h.clone(),
                };
                if is_active(h, now) {
                    value.active_holdings.push(held);
                } else {
                    value.inactive_holdings.push(held);
                }
            }
        }
        for list in [&mut value.active_holdings, &mut value.inactive_holdings] {
            list.sort_by(|a, b| {
                let key = |p: &HeldProduct| {
                    (
                        p.holding.since.is_none(),
                        p.holding.since,
                        p.holding.product_id.clone(),
                        p.source.clone(),
                        p.record.clone(),
                    )
                };
                key(a).cmp(&key(b))
            });
        }
        value.first_seen = first_seen;
        value.tenure_days = first_seen.map(|f| days_between(f, now).max(0));
        value.spend = sums
            .into_iter()
            .map(|(currency, s)| s.finish(currency))
            .collect();
        let orders = value.orders.total;
        value.purchases = if orders > 0 {
            orders - value.orders.cancelled
        } else {
            purchase_transactions
        };
        value.last_purchase_at = last_purchase;
        value
    }
}

/// Whether a holding is held at `now`: status active and no end date at or before `now`.
pub(super) fn is_active(h: &Holding, now: DateTime<Utc>) -> bool {
    h.status == HoldingStatus::Active && h.until.is_none_or(|u| u > now)
}

#[derive(Debug, Default)]
struct Sums {
    purchases: i128,
    payments: i128,
    refunds: i128,
    count: usize,
}

impl Sums {
    fn finish(self, currency: String) -> CurrencySpend {
        let mut saturated = false;
        let mut clamp = |v: i128| {
            i64::try_from(v).unwrap_or_else(|_| {
                saturated = true;
                if v < 0 {
                    i64::MIN
                } else {
                    i64::MAX
                }
            })
        };
        let net = self.purchases + self.payments - self.refunds;
        let spend = CurrencySpend {
            currency,
            purchases: clamp(self.purchases),
            payments: clamp(self.payments),
            refunds: clamp(self.refunds),
            net: clamp(net),
            transactions: self.count,
            saturated: false,
        };
        CurrencySpend { saturated, ..spend }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_saturate_instead_of_overflowing() {
        let s = Sums {
            purchases: i128::from(i64::MAX) * 3,
            payments: 0,
            refunds: i128::from(i64::MIN).abs(),
            count: 4,
        };
        let spend = s.finish("EUR".into());
        assert!(spend.saturated);
        assert_eq!(spend.purchases, i64::MAX);
        assert_eq!(spend.refunds, i64::MAX);
        assert_eq!(spend.net, i64::MAX);
    }
}
