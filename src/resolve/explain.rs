//! Explanations: why two records match or not, and how a customer's cluster was built.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{CustomerId, MatchModel};
use crate::cluster::Refusal;
use crate::compare::{Comparison, COMPARISONS};
use crate::model::RecordRef;
use crate::score::probability;

/// One comparison's part in a pair's match weight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparisonStep {
    /// The comparison (`given_name`, `birth_date`...).
    pub comparison: String,
    /// The level the pair fell in, or `None` when either record had no value (neutral).
    pub level: Option<String>,
    /// P(level | match).
    pub m: Option<f64>,
    /// P(level | non-match).
    pub u: Option<f64>,
    /// `log2(m / u)`, or 0 when null.
    pub weight: f64,
    /// The term-frequency adjustment for an exact agreement on a rarer or commoner value.
    pub term_frequency_adjustment: f64,
}

/// Why two records do or do not match: a waterfall of match weights from the prior to the
/// final probability.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairExplanation {
    /// One record.
    pub a: RecordRef,
    /// The other record.
    pub b: RecordRef,
    /// `log2(λ / (1 − λ))` with λ the share of matching pairs among all pairs of the run.
    pub prior_weight: f64,
    /// Each comparison's contribution, in order.
    pub steps: Vec<ComparisonStep>,
    /// The total match weight.
    pub weight: f64,
    /// The match probability.
    pub probability: f64,
    /// Evidence that rules the pair out whatever its weight, if any.
    pub conflict: Option<String>,
}

impl fmt::Display for PairExplanation {
    /// The waterfall as a small table.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} ~ {}", self.a, self.b)?;
        writeln!(
            f,
            "  {:<14} {:<16} {:>9} {:>9} {:>8} {:>8}",
            "comparison", "level", "m", "u", "weight", "tf adj"
        )?;
        writeln!(
            f,
            "  {:<14} {:<16} {:>9} {:>9} {:>8.2} {:>8}",
            "prior", "", "", "", self.prior_weight, ""
        )?;
        for s in &self.steps {
            match (&s.level, s.m, s.u) {
                (Some(level), Some(m), Some(u)) => writeln!(
                    f,
                    "  {:<14} {:<16} {:>9.4} {:>9.6} {:>8.2} {:>8.2}",
                    s.comparison, level, m, u, s.weight, s.term_frequency_adjustment
                )?,
                _ => writeln!(
                    f,
                    "  {:<14} {:<16} {:>9} {:>9} {:>8.2} {:>8}",
                    s.comparison, "(null)", "", "", 0.0, ""
                )?,
            }
        }
        write!(
            f,
            "  total weight {:.2}, match probability {:.6}",
            self.weight, self.probability
        )?;
        if let Some(c) = &self.conflict {
            write!(f, "; conflict: {c}")?;
        }
        Ok(())
    }
}

/// A link considered while building clusters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkExplanation {
    /// One record.
    pub a: RecordRef,
    /// The other record.
    pub b: RecordRef,
    /// The link's match weight.
    pub weight: f64,
    /// The link's match probability.
    pub probability: f64,
    /// Why it was not allowed to join the two clusters, if it was refused.
    pub refusal: Option<Refusal>,
}

/// How one customer's cluster was built.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterExplanation {
    /// The customer.
    pub customer: CustomerId,
    /// Its records.
    pub records: Vec<RecordRef>,
    /// The links that joined its records, strongest first.
    pub links: Vec<LinkExplanation>,
    /// Links from or to its records that were refused, with the reason.
    pub refused: Vec<LinkExplanation>,
}

pub(super) fn pair(
    a: RecordRef,
    b: RecordRef,
    comparison: &Comparison,
    model: &MatchModel,
    prior_weight: f64,
    tf: &[f64],
) -> PairExplanation {
    let params = &model.parameters;
    let mut weight = prior_weight;
    let steps = COMPARISONS
        .iter()
        .enumerate()
        .map(|(i, (name, _))| {
            let level = comparison
                .pattern
                .level(i)
                .and_then(|l| params.comparisons.get(i)?.levels.get(usize::from(l)));
            let adjustment = tf.get(i).copied().unwrap_or(0.0);
            let step_weight = level.map_or(0.0, |l| l.weight());
            weight += step_weight + adjustment;
            ComparisonStep {
                comparison: (*name).to_owned(),
                level: level.map(|l| l.name.clone()),
                m: level.map(|l| l.m),
                u: level.map(|l| l.u),
                weight: step_weight,
                term_frequency_adjustment: adjustment,
            }
        })
        .collect();
    PairExplanation {
        a,
        b,
        prior_weight,
        steps,
        weight,
        probability: probability(weight),
        conflict: comparison.conflict.map(|c| c.describe().to_owned()),
    }
}
