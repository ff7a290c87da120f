//! Facts: what the customer bought, paid and holds.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// An amount of money in minor units (cents, pence, rials) of a currency.
///
/// Minor units keep amounts exact: no floating-point drift when lifetime spend is summed over
/// thousands of transactions.
///
/// ```
/// use customer360::Money;
/// let price = Money::new(1999, "EUR");
/// assert_eq!(price.minor_units, 1999);
/// assert_eq!(price.currency, "EUR");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    /// The amount in the currency's minor unit; negative for refunds and credits.
    pub minor_units: i64,
    /// ISO 4217 currency code (`EUR`, `USD`, `IRR`).
    pub currency: String,
}

impl Money {
    /// An amount in minor units of `currency`.
    pub fn new(minor_units: i64, currency: impl Into<String>) -> Self {
        Money {
            minor_units,
            currency: currency.into(),
        }
    }
}

/// Where an order stands.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum OrderStatus {
    /// Placed, not yet fulfilled.
    #[default]
    Open,
    /// Delivered or completed.
    Fulfilled,
    /// Cancelled before fulfilment.
    Cancelled,
    /// Returned after fulfilment.
    Returned,
    /// A host-defined status.
    Other(String),
}

/// One line of an order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OrderLine {
    /// Product or SKU identifier.
    pub product_id: String,
    /// Product name as shown to the customer.
    pub description: Option<String>,
    /// Quantity ordered.
    pub quantity: u32,
    /// Price of the line.
    pub amount: Option<Money>,
}

/// An order the customer placed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Order {
    /// The order's ID in its source system.
    pub id: String,
    /// When it was placed.
    pub placed_at: Option<DateTime<Utc>>,
    /// Where it stands.
    pub status: OrderStatus,
    /// Order total.
    pub total: Option<Money>,
    /// Lines of the order.
    pub lines: Vec<OrderLine>,
}

/// The kind of a money movement.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TransactionKind {
    /// A purchase.
    #[default]
    Purchase,
    /// Money returned to the customer.
    Refund,
    /// A payment towards an account or invoice.
    Payment,
    /// A fee or charge.
    Fee,
    /// A host-defined kind.
    Other(String),
}

/// A money movement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transaction {
    /// The transaction's ID in its source system.
    pub id: String,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// What kind of movement it was.
    #[serde(default)]
    pub kind: TransactionKind,
    /// The amount.
    pub amount: Money,
    /// Free-text description.
    #[serde(default)]
    pub description: Option<String>,
}

/// Whether a holding is still active.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum HoldingStatus {
    /// In force.
    #[default]
    Active,
    /// Suspended or paused.
    Suspended,
    /// Ended, cancelled or closed.
    Ended,
    /// A host-defined status.
    Other(String),
}

/// A product or service the customer holds: a subscription, a contract, an account, a policy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Holding {
    /// Product identifier.
    pub product_id: String,
    /// Product name.
    pub name: Option<String>,
    /// Product category (`broadband`, `savings`, `insurance`).
    pub category: Option<String>,
    /// Whether it is still held.
    pub status: HoldingStatus,
    /// When it started.
    pub since: Option<DateTime<Utc>>,
    /// When it ended or will end.
    pub until: Option<DateTime<Utc>>,
}

/// Everything a record says the customer bought, paid or holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Facts {
    /// Orders.
    pub orders: Vec<Order>,
    /// Money movements.
    pub transactions: Vec<Transaction>,
    /// Products and services held.
    pub holdings: Vec<Holding>,
}

impl Facts {
    /// Whether there are no facts.
    pub fn is_empty(&self) -> bool {
        self.orders.is_empty() && self.transactions.is_empty() && self.holdings.is_empty()
    }
}
