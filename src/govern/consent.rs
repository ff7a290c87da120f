//! Consent: what the customer agreed to, per purpose and channel, and whether we may contact
//! them now.

use std::collections::BTreeSet;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::audit::{AuditEvent, AuditKind, AuditSink};
use super::GovernError;
use crate::resolve::CustomerId;

/// What a consent is for.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
#[non_exhaustive]
pub enum ConsentPurpose {
    /// Marketing by e-mail (`marketing_email`).
    MarketingEmail,
    /// Marketing by SMS (`marketing_sms`).
    MarketingSms,
    /// Marketing by phone calls (`marketing_calls`).
    MarketingCalls,
    /// Profiling and analytics (`profiling`).
    Profiling,
    /// Sharing with third parties (`third_party_sharing`).
    ThirdPartySharing,
    /// A host-defined purpose.
    Custom(String),
}

impl ConsentPurpose {
    /// The purpose's name (`marketing_email`).
    pub fn as_str(&self) -> &str {
        match self {
            ConsentPurpose::MarketingEmail => "marketing_email",
            ConsentPurpose::MarketingSms => "marketing_sms",
            ConsentPurpose::MarketingCalls => "marketing_calls",
            ConsentPurpose::Profiling => "profiling",
            ConsentPurpose::ThirdPartySharing => "third_party_sharing",
            ConsentPurpose::Custom(name) => name,
        }
    }
}

impl From<String> for ConsentPurpose {
    fn from(s: String) -> Self {
        match s.as_str() {
            "marketing_email" => ConsentPurpose::MarketingEmail,
            "marketing_sms" => ConsentPurpose::MarketingSms,
            "marketing_calls" => ConsentPurpose::MarketingCalls,
            "profiling" | "analytics" => ConsentPurpose::Profiling,
            "third_party_sharing" => ConsentPurpose::ThirdPartySharing,
            _ => ConsentPurpose::Custom(s),
        }
    }
}

impl From<ConsentPurpose> for String {
    fn from(p: ConsentPurpose) -> String {
        p.as_str().to_owned()
    }
}

impl fmt::Display for ConsentPurpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A consent decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentState {
    /// The customer agreed.
    Granted,
    /// The customer refused.
    Denied,
    /// The customer took back an earlier agreement.
    Withdrawn,
}

impl ConsentState {
    fn as_str(self) -> &'static str {
        match self {
            ConsentState::Granted => "granted",
            ConsentState::Denied => "denied",
            ConsentState::Withdrawn => "withdrawn",
        }
    }
}

/// One consent decision: for what, which, when, where it was given, and until when.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ConsentRecord {
    /// What it is for.
    pub purpose: ConsentPurpose,
    /// The decision.
    pub state: ConsentState,
    /// When the customer decided.
    pub at: DateTime<Utc>,
    /// Where it was captured (`webshop_signup`, `call_centre`).
    pub source: String,
    /// When a grant lapses, if it does.
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
}

impl ConsentRecord {
    /// A decision with no expiry.
    pub fn new(
        purpose: ConsentPurpose,
        state: ConsentState,
        at: DateTime<Utc>,
        source: impl Into<String>,
    ) -> ConsentRecord {
        ConsentRecord {
            purpose,
            state,
            at,
            source: source.into(),
            expires_at: None,
        }
    }

    /// Set the expiry.
    #[must_use]
    pub fn expires_at(mut self, at: DateTime<Utc>) -> Self {
        self.expires_at = Some(at);
        self
    }
}

/// Decisions for one purpose at one moment that disagree: a true conflict, kept visible and
/// read as "not allowed" until a later decision settles it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentConflict {
    /// The purpose.
    pub purpose: ConsentPurpose,
    /// The moment.
    pub at: DateTime<Utc>,
    /// The disagreeing decisions.
    pub records: Vec<ConsentRecord>,
}

/// Why [`ConsentLedger::may_contact`] answered as it did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ConsentReason {
    /// The latest decision is a grant in force.
    Granted {
        /// The decision.
        record: ConsentRecord,
    },
    /// The latest decision is a grant that has expired.
    Expired {
        /// The decision.
        record: ConsentRecord,
    },
    /// The latest decision is a refusal.
    Denied {
        /// The decision.
        record: ConsentRecord,
    },
    /// The latest decision is a withdrawal.
    Withdrawn {
        /// The decision.
        record: ConsentRecord,
    },
    /// The latest decisions disagree.
    Conflict {
        /// The conflict.
        conflict: ConsentConflict,
    },
    /// The customer never decided (consent is never assumed).
    NoDecision,
}

/// The answer to "may we do this now?", with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentAnswer {
    /// Whether it is allowed.
    pub allowed: bool,
    /// Why.
    pub reason: ConsentReason,
}

/// A customer's consent decisions, every one kept, and the rule that reads them.
///
/// The rule: for each purpose the latest decision (by the time the customer made it) wins,
/// so an older grant never overrides a later denial or withdrawal; decisions made at the
/// same moment that disagree are a [`ConsentConflict`], kept visible and read as not
/// allowed; a grant past its expiry is not allowed; no decision is not allowed. Decisions
/// dated after "now" are not yet in force. Merging two ledgers (two profiles that turned
/// out to be one customer) keeps every decision of both, so the same rule decides.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use customer360::govern::{ConsentLedger, ConsentPurpose, ConsentReason, ConsentRecord, ConsentState};
/// use customer360::CustomerId;
///
/// let t = |d: u32| Utc.with_ymd_and_hms(2026, 1, d, 12, 0, 0).unwrap();
/// let email = ConsentPurpose::MarketingEmail;
///
/// let mut shop = ConsentLedger::new(CustomerId("C1".into()));
/// shop.push(ConsentRecord::new(email.clone(), ConsentState::Granted, t(1), "webshop"));
/// let mut crm = ConsentLedger::new(CustomerId("C2".into()));
/// crm.push(ConsentRecord::new(email.clone(), ConsentState::Withdrawn, t(5), "crm"));
///
/// // Before the withdrawal the grant stands; after it, the older grant does not come back.
/// let merged = shop.merged(&crm);
/// assert!(merged.may_contact(&email, t(3)).allowed);
/// let answer = merged.may_contact(&email, t(9));
/// assert!(!answer.allowed);
/// assert!(matches!(answer.reason, ConsentReason::Withdrawn { .. }));
/// // Nobody asked about SMS: not allowed.
/// assert!(!merged.may_contact(&ConsentPurpose::MarketingSms, t(9)).allowed);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentLedger {
    /// The customer.
    pub customer: CustomerId,
    records: Vec<ConsentRecord>,
}

impl ConsentLedger {
    /// An empty ledger for `customer`.
    pub fn new(customer: CustomerId) -> ConsentLedger {
        ConsentLedger {
            customer,
            records: Vec::new(),
        }
    }

    /// Every decision, sorted by purpose, time, state and source.
    pub fn records(&self) -> &[ConsentRecord] {
        &self.records
    }

    /// Add a decision (loading history; use [`ConsentLedger::change`] for a new decision
    /// that must be audited). An identical decision is kept once.
    pub fn push(&mut self, record: ConsentRecord) {
        if let Err(at) = self.records.binary_search(&record) {
            self.records.insert(at, record);
        }
    }

    /// Record a new decision and append a consent-change event to `sink` (which names the
    /// purpose and state, nothing else about the customer).
    pub fn change(
        &mut self,
        record: ConsentRecord,
        actor: &str,
        sink: &mut dyn AuditSink,
    ) -> Result<(), GovernError> {
        sink.append(
            AuditEvent::new(
                record.at,
                actor,
                AuditKind::ConsentChange {
                    consent: record.purpose.to_string(),
                    state: record.state.as_str().to_owned(),
                },
            )
            .reason(format!("captured by {}", record.source))
            .customer(self.customer.clone()),
        )?;
        self.push(record);
        Ok(())
    }

    /// The ledger of the customer formed by merging this one with `other`: every decision
    /// of both, under this ledger's customer ID.
    pub fn merged(&self, other: &ConsentLedger) -> ConsentLedger {
        let mut out = self.clone();
        for r in &other.records {
            out.push(r.clone());
        }
        out
    }

    /// May we act for `purpose` at `now`? One call, with the reason.
    pub fn may_contact(&self, purpose: &ConsentPurpose, now: DateTime<Utc>) -> ConsentAnswer {
        let in_force: Vec<&ConsentRecord> = self
            .records
            .iter()
            .filter(|r| &r.purpose == purpose && r.at <= now)
            .collect();
        let Some(latest) = in_force.iter().map(|r| r.at).max() else {
            return ConsentAnswer {
                allowed: false,
                reason: ConsentReason::NoDecision,
            };
        };
        let at_latest: Vec<&ConsentRecord> =
            in_force.into_iter().filter(|r| r.at == latest).collect();
        let states: BTreeSet<ConsentState> = at_latest.iter().map(|r| r.state).collect();
        if states.len() > 1 {
            return ConsentAnswer {
                allowed: false,
                reason: ConsentReason::Conflict {
                    conflict: ConsentConflict {
                        purpose: purpose.clone(),
                        at: latest,
                        records: at_latest.into_iter().cloned().collect(),
                    },
                },
            };
        }
        // Several identical decisions at one moment: the one with the latest expiry (none
        // is latest) stands.
        let record = at_latest
            .iter()
            .max_by_key(|r| (r.expires_at.is_none(), r.expires_at))
            .map(|r| (*r).clone())
            .unwrap_or_else(|| at_latest[0].clone());
        match record.state {
            ConsentState::Granted if record.expires_at.is_some_and(|e| e <= now) => ConsentAnswer {
                allowed: false,
                reason: ConsentReason::Expired { record },
            },
            ConsentState::Granted => ConsentAnswer {
                allowed: true,
                reason: ConsentReason::Granted { record },
            },
            ConsentState::Denied => ConsentAnswer {
                allowed: false,
                reason: ConsentReason::Denied { record },
            },
            ConsentState::Withdrawn => ConsentAnswer {
                allowed: false,
                reason: ConsentReason::Withdrawn { record },
            },
        }
    }

    /// Every purpose whose latest decisions (up to `now`) conflict.
    pub fn conflicts(&self, now: DateTime<Utc>) -> Vec<ConsentConflict> {
        let purposes: BTreeSet<&ConsentPurpose> = self.records.iter().map(|r| &r.purpose).collect();
        purposes
            .into_iter()
            .filter_map(|p| match self.may_contact(p, now).reason {
                ConsentReason::Conflict { conflict } => Some(conflict),
                _ => None,
            })
            .collect()
    }
}
