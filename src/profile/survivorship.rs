//! Survivorship: which of a customer's values for a field survive into the profile.
//!
//! A [`Survivorship`] rule narrows a field's observations (one per record that has a value) to
//! the ones it prefers. Rules chain with [`FirstThatDecides`]: each narrows what the previous
//! left, until one value remains; a final deterministic tie-break (smallest value, then
//! source, then record) makes the outcome independent of record order. A [`MergePolicy`] maps
//! field paths to rules, with a default.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::Arc;

use super::Provenance;
use crate::model::{FieldPath, SourceSystem};

/// One record's value for a field, as survivorship rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observation {
    /// The value as it will appear in the profile.
    pub value: String,
    /// The comparison key: observations with the same key are the same value written
    /// differently (`John.Smith@GMail.com` and `johnsmith@gmail.com`).
    pub key: String,
    /// A qualifier (phone kind, identifier issuer), kept with the value.
    pub qualifier: Option<String>,
    /// Where the value came from.
    pub provenance: Provenance,
    /// How complete the value is (number of parts or characters): larger is more complete.
    pub completeness: u32,
}

/// A survivorship rule: narrows a field's observations to the ones it prefers.
///
/// Hosts implement it for their own rules (see `examples/custom_survivorship.rs`).
///
/// ```
/// use customer360::profile::{Observation, Survivorship};
///
/// /// Prefer values confirmed by a human: records whose key starts with "verified-".
/// #[derive(Debug)]
/// struct PreferVerified;
///
/// impl Survivorship for PreferVerified {
///     fn name(&self) -> String {
///         "prefer_verified".into()
///     }
///     fn narrow(&self, observations: &[Observation], candidates: &[usize]) -> Vec<usize> {
///         let verified: Vec<usize> = candidates
///             .iter()
///             .copied()
///             .filter(|&i| observations[i].provenance.record.as_str().starts_with("verified-"))
///             .collect();
///         if verified.is_empty() { candidates.to_vec() } else { verified }
///     }
/// }
/// ```
pub trait Survivorship: Send + Sync + fmt::Debug {
    /// The rule's name, recorded on the merged field.
    fn name(&self) -> String;

    /// The candidates (indices into `observations`) this rule prefers. Return all of them
    /// when the rule cannot tell them apart; never return an empty set for a non-empty input.
    fn narrow(&self, observations: &[Observation], candidates: &[usize]) -> Vec<usize>;

    /// Whether the field keeps every distinct value (e-mails, phones) instead of one.
    fn collects(&self) -> bool {
        false
    }
}

/// Keep the candidates whose `score` is highest.
fn best_by<K: Ord>(candidates: &[usize], score: impl Fn(usize) -> K) -> Vec<usize> {
    let Some(best) = candidates.iter().map(|&i| score(i)).max() else {
        return Vec::new();
    };
    candidates
        .iter()
        .copied()
        .filter(|&i| score(i) == best)
        .collect()
}

/// The value observed most recently. Observations without a time lose to those with one.
#[derive(Debug, Clone, Copy, Default)]
pub struct MostRecent;

impl Survivorship for MostRecent {
    fn name(&self) -> String {
        "most_recent".into()
    }
    fn narrow(&self, observations: &[Observation], candidates: &[usize]) -> Vec<usize> {
        best_by(candidates, |i| observations[i].provenance.observed_at)
    }
}

/// The value observed first. Observations without a time lose to those with one.
#[derive(Debug, Clone, Copy, Default)]
pub struct Oldest;

impl Survivorship for Oldest {
    fn name(&self) -> String {
        "oldest".into()
    }
    fn narrow(&self, observations: &[Observation], candidates: &[usize]) -> Vec<usize> {
        // `Reverse` of a time puts the earliest first; a missing time ranks last.
        best_by(candidates, |i| {
            observations[i]
                .provenance
                .observed_at
                .map(std::cmp::Reverse)
        })
    }
}

/// The value most records agree on (by key). A record that holds a value twice (two
/// spellings of one e-mail address) counts once for it.
#[derive(Debug, Clone, Copy, Default)]
pub struct MostFrequent;

impl Survivorship for MostFrequent {
    fn name(&self) -> String {
        "most_frequent".into()
    }
    fn narrow(&self, observations: &[Observation], candidates: &[usize]) -> Vec<usize> {
        // Each record once per key: a record holding a value twice counts once for it.
        let mut held: Vec<_> = candidates
            .iter()
            .map(|&i| {
                (
                    observations[i].key.as_str(),
                    observations[i].provenance.ref_key(),
                )
            })
            .collect();
        held.sort_unstable();
        held.dedup();
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for (key, _) in held {
            *counts.entry(key).or_insert(0) += 1;
        }
        best_by(candidates, |i| counts[observations[i].key.as_str()])
    }
}

/// The value from the most trusted source: an ordered list of systems, most trusted first.
/// Sources not in the list rank below every listed one.
#[derive(Debug, Clone, Default)]
pub struct SourcePriority(pub Vec<SourceSystem>);

impl SourcePriority {
    /// A priority list, most trusted first.
    pub fn new<S: Into<SourceSystem>>(sources: impl IntoIterator<Item = S>) -> Self {
        SourcePriority(sources.into_iter().map(Into::into).collect())
    }
}

impl Survivorship for SourcePriority {
    fn name(&self) -> String {
        let names: Vec<&str> = self.0.iter().map(SourceSystem::as_str).collect();
        format!("source_priority({})", names.join(">"))
    }
    fn narrow(&self, observations: &[Observation], candidates: &[usize]) -> Vec<usize> {
        best_by(candidates, |i| {
            let rank = self
                .0
                .iter()
                .position(|s| *s == observations[i].provenance.source)
                .unwrap_or(self.0.len());
            std::cmp::Reverse(rank)
        })
    }
}

/// The most complete value (most parts, then most characters).
#[derive(Debug, Clone, Copy, Default)]
pub struct MostComplete;

impl Survivorship for MostComplete {
    fn name(&self) -> String {
        "most_complete".into()
    }
    fn narrow(&self, observations: &[Observation], candidates: &[usize]) -> Vec<usize> {
        best_by(candidates, |i| observations[i].completeness)
    }
}

/// Keep every distinct value (for multi-valued fields such as e-mails and phones), most
/// frequent first, then most recent.
#[derive(Debug, Clone, Copy, Default)]
pub struct CollectAll;

impl Survivorship for CollectAll {
    fn name(&self) -> String {
        "collect_all".into()
    }
    fn narrow(&self, _observations: &[Observation], candidates: &[usize]) -> Vec<usize> {
        candidates.to_vec()
    }
    fn collects(&self) -> bool {
        true
    }
}

/// Apply rules in order, each narrowing what the previous left, until one value remains.
///
/// ```
/// use customer360::profile::{FirstThatDecides, MostFrequent, MostRecent, SourcePriority, Survivorship};
/// let rule = FirstThatDecides::new()
///     .then(SourcePriority::new(["crm", "billing"]))
///     .then(MostFrequent)
///     .then(MostRecent);
/// assert_eq!(rule.name(), "source_priority(crm>billing), most_frequent, most_recent");
/// ```
#[derive(Debug, Clone, Default)]
pub struct FirstThatDecides {
    rules: Vec<Arc<dyn Survivorship>>,
}

impl FirstThatDecides {
    /// An empty chain.
    pub fn new() -> Self {
        FirstThatDecides::default()
    }

    /// Add a rule at the end of the chain.
    #[must_use]
    pub fn then(mut self, rule: impl Survivorship + 'static) -> Self {
        self.rules.push(Arc::new(rule));
        self
    }
}

impl Survivorship for FirstThatDecides {
    fn name(&self) -> String {
        let names: Vec<String> = self.rules.iter().map(|r| r.name()).collect();
        names.join(", ")
    }
    fn narrow(&self, observations: &[Observation], candidates: &[usize]) -> Vec<usize> {
        let mut left = candidates.to_vec();
        for rule in &self.rules {
            if distinct_keys(observations, &left) <= 1 {
                break;
            }
            let narrowed = rule.narrow(observations, &left);
            if !narrowed.is_empty() {
                left = narrowed;
            }
        }
        left
    }
    fn collects(&self) -> bool {
        self.rules.iter().any(|r| r.collects())
    }
}

fn distinct_keys(observations: &[Observation], candidates: &[usize]) -> usize {
    let mut keys: Vec<&str> = candidates
        .iter()
        .map(|&i| observations[i].key.as_str())
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys.len()
}

/// Which survivorship rule decides each field.
///
/// The rule for a path is the one set for the path itself, else for its nearest parent
/// (`identity.name.given` falls back to `identity.name`, then `identity`), else the default.
///
/// Built-in policy ([`MergePolicy::default`]): e-mails, phones, addresses, identifiers and
/// custom attributes collect every distinct value; names, birth date and gender take the most
/// frequent value, then the most complete, then the most recent; everything else the most
/// recent.
///
/// ```
/// use customer360::profile::{MergePolicy, MostRecent, SourcePriority};
/// use customer360::FieldPath;
/// let policy = MergePolicy::new(MostRecent)
///     .rule(FieldPath::BIRTH_DATE, SourcePriority::new(["crm"]));
/// assert_eq!(policy.rule_for(&FieldPath::BIRTH_DATE).name(), "source_priority(crm)");
/// assert_eq!(policy.rule_for(&FieldPath::NAME_GIVEN).name(), "most_recent");
/// ```
#[derive(Debug, Clone)]
pub struct MergePolicy {
    rules: BTreeMap<FieldPath, Arc<dyn Survivorship>>,
    default: Arc<dyn Survivorship>,
}

impl MergePolicy {
    /// A policy with `default` for every field.
    pub fn new(default: impl Survivorship + 'static) -> Self {
        MergePolicy {
            rules: BTreeMap::new(),
            default: Arc::new(default),
        }
    }

    /// Use `rule` for `path` and the paths below it.
    #[must_use]
    pub fn rule(mut self, path: FieldPath, rule: impl Survivorship + 'static) -> Self {
        self.rules.insert(path, Arc::new(rule));
        self
    }

    /// The rule that decides `path`.
    pub fn rule_for(&self, path: &FieldPath) -> &dyn Survivorship {
        let mut current = Some(path.clone());
        while let Some(p) = current {
            if let Some(rule) = self.rules.get(&p) {
                return rule.as_ref();
            }
            current = p.parent();
        }
        self.default.as_ref()
    }
}

impl Default for MergePolicy {
    fn default() -> Self {
        let single = || {
            FirstThatDecides::new()
                .then(MostFrequent)
                .then(MostComplete)
                .then(MostRecent)
        };
        MergePolicy::new(MostRecent)
            .rule(FieldPath::EMAIL, CollectAll)
            .rule(FieldPath::PHONE, CollectAll)
            .rule(FieldPath::ADDRESS, CollectAll)
            .rule(FieldPath::IDENTIFIER, CollectAll)
            .rule(FieldPath::CUSTOM, CollectAll)
            .rule(FieldPath::NAME, single())
            .rule(FieldPath::BIRTH_DATE, single())
            .rule(FieldPath::GENDER, single())
    }
}

/// The deterministic final tie-break among observations: smallest key, then source, then
/// record key.
pub(crate) fn tie_break(observations: &[Observation], candidates: &[usize]) -> Option<usize> {
    candidates.iter().copied().min_by(|&a, &b| {
        let (x, y) = (&observations[a], &observations[b]);
        (&x.key, &x.provenance.source, &x.provenance.record).cmp(&(
            &y.key,
            &y.provenance.source,
            &y.provenance.record,
        ))
    })
}
