//! Access decisions: who may see which field, for what purpose.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::catalogue::{Purpose, Sensitivity};
use super::mask::MaskStyle;
use crate::model::FieldPath;
use crate::resolve::CustomerId;

/// What is asked for.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AccessTarget {
    /// One field of a profile.
    Field(FieldPath),
    /// A section of the 360 view, derived from several fields (`history`).
    Section(String),
    /// A whole profile (for example an export).
    Profile,
}

impl fmt::Display for AccessTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AccessTarget::Field(p) => write!(f, "{p}"),
            AccessTarget::Section(s) => write!(f, "section {s}"),
            AccessTarget::Profile => f.write_str("profile"),
        }
    }
}

/// One access request: who asks, in what role, for what purpose, for what, and how
/// sensitive the catalogue says it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessRequest {
    /// The person or service asking.
    pub actor: String,
    /// Their role (`agent`, `analyst`, `marketing`).
    pub role: String,
    /// Why they ask.
    pub purpose: Purpose,
    /// What they ask for.
    pub target: AccessTarget,
    /// The target's sensitivity, from the catalogue.
    pub sensitivity: Sensitivity,
    /// The customer the data is about, when there is one.
    pub subject: Option<CustomerId>,
}

/// The answer to an [`AccessRequest`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Show the value.
    Allow,
    /// Show only a masked form.
    Mask(MaskStyle),
    /// Withhold it, with the reason.
    Deny(String),
}

impl Decision {
    /// How strict the decision is: deny above every mask above allow.
    fn strictness(&self) -> u8 {
        match self {
            Decision::Allow => 0,
            Decision::Mask(style) => 1 + style.strictness(),
            Decision::Deny(_) => u8::MAX,
        }
    }

    /// The stricter of two decisions (the first on a tie).
    pub fn stricter(self, other: Decision) -> Decision {
        if other.strictness() > self.strictness() {
            other
        } else {
            self
        }
    }

    /// `allow`, `mask` or `deny`, for logs.
    pub fn kind(&self) -> &'static str {
        match self {
            Decision::Allow => "allow",
            Decision::Mask(_) => "mask",
            Decision::Deny(_) => "deny",
        }
    }
}

/// Decides access requests. Implementations must deny what they do not know about.
///
/// The crate calls a policy once per field (and once per view section) of every governed
/// view, and logs each decision to the audit sink. A host writes its own policy for rules
/// the table cannot express (see `examples/custom_policy.rs`), usually wrapping a
/// [`TablePolicy`].
pub trait AccessPolicy {
    /// The decision for one request.
    fn decide(&self, request: &AccessRequest) -> Decision;
}

impl<P: AccessPolicy + ?Sized> AccessPolicy for &P {
    fn decide(&self, request: &AccessRequest) -> Decision {
        (**self).decide(request)
    }
}

impl<P: AccessPolicy + ?Sized> AccessPolicy for Box<P> {
    fn decide(&self, request: &AccessRequest) -> Decision {
        (**self).decide(request)
    }
}

/// The policy that denies everything: the default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DenyAll;

impl AccessPolicy for DenyAll {
    fn decide(&self, _: &AccessRequest) -> Decision {
        Decision::Deny("no access policy is configured".to_owned())
    }
}

/// One row of a [`TablePolicy`]: for a role and purpose (`*` for any) and a set of
/// sensitivities, a decision; optionally only for one field and the fields below it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyRule {
    /// The role, or `*`.
    pub role: String,
    /// The purpose, or `*`.
    pub purpose: String,
    /// The sensitivities the row covers; empty covers all (used with `field`).
    #[serde(default)]
    pub sensitivity: Vec<Sensitivity>,
    /// Only this field and the fields below it (a per-field override).
    #[serde(default)]
    pub field: Option<FieldPath>,
    /// The decision.
    pub decision: Decision,
}

/// Rules in a policy file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    #[serde(default, alias = "rules")]
    rule: Vec<PolicyRule>,
}

/// A policy could not be loaded.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// The text is not a policy.
    #[error("the access policy is not valid {format}: {message}")]
    Parse {
        /// `TOML` or `JSON`.
        format: &'static str,
        /// What the parser said.
        message: String,
    },
    /// A rule with no sensitivities and no field would match everything by accident.
    #[error(
        "rule {index} (role {role:?}, purpose {purpose:?}) names neither a sensitivity nor a \
         field: give `sensitivity = [...]` or `field = \"...\"`"
    )]
    Unbounded {
        /// The rule's position, from 0.
        index: usize,
        /// Its role.
        role: String,
        /// Its purpose.
        purpose: String,
    },
}

/// The built-in policy: a table of role × purpose × sensitivity → decision, with per-field
/// overrides. Deny by default.
///
/// A request is decided by the most specific matching row: field rows before table rows,
/// a deeper field before its ancestor, an exact role before `*`, an exact purpose before
/// `*`. A request no row matches is denied with a reason that names the role, purpose and
/// sensitivity.
///
/// ```
/// use customer360::govern::{
///     AccessPolicy, AccessRequest, AccessTarget, Decision, MaskStyle, Sensitivity, TablePolicy,
/// };
/// use customer360::FieldPath;
///
/// let policy = TablePolicy::new()
///     .rule("agent", "service", [Sensitivity::Public, Sensitivity::Internal, Sensitivity::Personal], Decision::Allow)
///     .field_rule(FieldPath::PHONE, "agent", "service", Decision::Mask(MaskStyle::Partial { keep_last: 4 }))
///     .rule("analyst", "*", [Sensitivity::Personal], Decision::Mask(MaskStyle::Pseudonym));
///
/// let ask = |role: &str, path: FieldPath, s: Sensitivity| AccessRequest {
///     actor: "u1".into(),
///     role: role.into(),
///     purpose: "service".into(),
///     target: AccessTarget::Field(path),
///     sensitivity: s,
///     subject: None,
/// };
/// assert_eq!(policy.decide(&ask("agent", FieldPath::EMAIL, Sensitivity::Personal)), Decision::Allow);
/// assert_eq!(
///     policy.decide(&ask("agent", FieldPath::PHONE, Sensitivity::Personal)),
///     Decision::Mask(MaskStyle::Partial { keep_last: 4 })
/// );
/// assert!(matches!(policy.decide(&ask("agent", FieldPath::GENDER, Sensitivity::Sensitive)), Decision::Deny(_)));
/// assert!(matches!(policy.decide(&ask("intern", FieldPath::EMAIL, Sensitivity::Personal)), Decision::Deny(_)));
///
/// // The same policy from TOML.
/// let from_file = TablePolicy::from_toml_str(r#"
///     [[rule]]
///     role = "agent"
///     purpose = "service"
///     sensitivity = ["public", "internal", "personal"]
///     decision = "allow"
///     [[rule]]
///     role = "agent"
///     purpose = "service"
///     field = "identity.phone"
///     decision = { mask = { style = "partial", keep_last = 4 } }
///     [[rule]]
///     role = "analyst"
///     purpose = "*"
///     sensitivity = ["personal"]
///     decision = { mask = { style = "pseudonym" } }
/// "#)?;
/// assert_eq!(from_file, policy);
/// # Ok::<(), customer360::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TablePolicy {
    rules: Vec<PolicyRule>,
}

impl TablePolicy {
    /// A policy with no rules: it denies everything.
    pub fn new() -> TablePolicy {
        TablePolicy::default()
    }

    /// Add a table row: `role` (or `*`) asking for `purpose` (or `*`) gets `decision` on
    /// fields of the given sensitivities.
    #[must_use]
    pub fn rule(
        mut self,
        role: &str,
        purpose: &str,
        sensitivities: impl IntoIterator<Item = Sensitivity>,
        decision: Decision,
    ) -> Self {
        self.rules.push(PolicyRule {
            role: role.to_owned(),
            purpose: purpose.to_owned(),
            sensitivity: sensitivities.into_iter().collect(),
            field: None,
            decision,
        });
        self
    }

    /// Add a per-field override: `role` (or `*`) asking for `purpose` (or `*`) gets
    /// `decision` on `field` and every field below it, whatever their sensitivity.
    #[must_use]
    pub fn field_rule(
        mut self,
        field: FieldPath,
        role: &str,
        purpose: &str,
        decision: Decision,
    ) -> Self {
        self.rules.push(PolicyRule {
            role: role.to_owned(),
            purpose: purpose.to_owned(),
            sensitivity: Vec::new(),
            field: Some(field),
            decision,
        });
        self
    }

    /// The rules, in the order given.
    pub fn rules(&self) -> &[PolicyRule] {
        &self.rules
    }

    /// Load a policy from TOML: `[[rule]]` tables with `role`, `purpose`, `sensitivity` (a
    /// list) or `field`, and `decision` (`"allow"`, `{ deny = "reason" }` or
    /// `{ mask = { style = "partial", keep_last = 4 } }`).
    #[cfg(feature = "toml")]
    pub fn from_toml_str(text: &str) -> Result<TablePolicy, PolicyError> {
        let file: PolicyFile = toml::from_str(text).map_err(|e| PolicyError::Parse {
            format: "TOML",
            message: e.to_string(),
        })?;
        TablePolicy::from_rules(file.rule)
    }

    /// Load a policy from JSON: `{"rule": [...]}` with the fields of [`PolicyRule`].
    pub fn from_json_str(text: &str) -> Result<TablePolicy, PolicyError> {
        let file: PolicyFile = serde_json::from_str(text).map_err(|e| PolicyError::Parse {
            format: "JSON",
            message: e.to_string(),
        })?;
        TablePolicy::from_rules(file.rule)
    }

    fn from_rules(rules: Vec<PolicyRule>) -> Result<TablePolicy, PolicyError> {
        for (index, r) in rules.iter().enumerate() {
            if r.sensitivity.is_empty() && r.field.is_none() {
                return Err(PolicyError::Unbounded {
                    index,
                    role: r.role.clone(),
                    purpose: r.purpose.clone(),
                });
            }
        }
        Ok(TablePolicy { rules })
    }

    fn specificity(&self, rule: &PolicyRule, request: &AccessRequest) -> Option<(usize, u8, u8)> {
        let role = if rule.role == request.role {
            2
        } else if rule.role == "*" {
            1
        } else {
            return None;
        };
        let purpose = if rule.purpose == request.purpose.as_str() {
            2
        } else if rule.purpose == "*" {
            1
        } else {
            return None;
        };
        let depth = match (&rule.field, &request.target) {
            (Some(field), AccessTarget::Field(path)) if path.is_within(field) => {
                1 + field.as_str().split('.').count()
            }
            (Some(_), _) => return None,
            (None, _) if rule.sensitivity.contains(&request.sensitivity) => 0,
            (None, _) => return None,
        };
        Some((depth, role, purpose))
    }
}

impl AccessPolicy for TablePolicy {
    fn decide(&self, request: &AccessRequest) -> Decision {
        let mut best: BTreeMap<(usize, u8, u8), &Decision> = BTreeMap::new();
        for rule in &self.rules {
            if let Some(score) = self.specificity(rule, request) {
                // The first rule of equal specificity wins.
                best.entry(score).or_insert(&rule.decision);
            }
        }
        match best.into_iter().next_back() {
            Some((_, decision)) => decision.clone(),
            None => Decision::Deny(format!(
                "no rule lets role {:?} see {} data for purpose {:?}",
                request.role,
                request.sensitivity,
                request.purpose.as_str()
            )),
        }
    }
}
