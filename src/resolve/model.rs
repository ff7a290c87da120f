//! The saved form of a trained matching model, and the crate's default parameters.

use serde::{Deserialize, Serialize};

use crate::compare::COMPARISONS;
use crate::error::ModelFileError;
use crate::score::{ComparisonParams, FsModel, LevelParams};

/// The version of the model file format this crate writes and reads.
pub const MODEL_FORMAT: u32 = 1;

/// A trained matching model: the Fellegi–Sunter parameters of every comparison level and the
/// prior, with the match threshold it was used with. Saved and loaded as JSON, so a model
/// trained in batch can be inspected, versioned and reused (by a later batch run or a
/// real-time resolver) without training again.
///
/// ```
/// use customer360::MatchModel;
/// let defaults = MatchModel::default();
/// let json = defaults.to_json();
/// let back = MatchModel::from_json(&json).unwrap();
/// assert_eq!(back, defaults);
/// assert!(MatchModel::from_json("{}").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchModel {
    /// File format version ([`MODEL_FORMAT`]).
    pub format: u32,
    /// The parameters. Their `prior` is the share of matches among the *candidate* pairs of
    /// the training data, which EM works with; scoring uses a population prior instead (see
    /// [`matches_per_record`](Self::matches_per_record)).
    pub parameters: FsModel,
    /// How many other records match a record, on average: the scale-free form of the prior.
    /// For `n` records, a random pair matches with probability about
    /// `matches_per_record · n / 2` divided by the number of pairs, and that is the prior a
    /// pair is scored with: being a candidate already means agreeing on a blocking key, which
    /// the comparisons count, so a candidate-level prior would count it twice.
    #[serde(default = "default_matches_per_record")]
    pub matches_per_record: f64,
}

fn default_matches_per_record() -> f64 {
    DEFAULT_MATCHES_PER_RECORD
}

/// The default expected number of other records matching a record.
const DEFAULT_MATCHES_PER_RECORD: f64 = 0.5;

impl Default for MatchModel {
    /// The crate's default parameters: sensible `m` and `u` for every level, used as they are
    /// when there is too little data to train on, and as the prior that training on small
    /// data is shrunk toward.
    fn default() -> Self {
        MatchModel {
            format: MODEL_FORMAT,
            parameters: default_parameters(),
            matches_per_record: DEFAULT_MATCHES_PER_RECORD,
        }
    }
}

impl MatchModel {
    /// The model as pretty-printed JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }

    /// Load a model from JSON, checking that it fits this crate's comparisons and that every
    /// parameter is a probability.
    pub fn from_json(json: &str) -> Result<MatchModel, ModelFileError> {
        let model: MatchModel =
            serde_json::from_str(json).map_err(|e| ModelFileError::Json(e.to_string()))?;
        model.check()?;
        Ok(model)
    }

    /// Check that the model fits this crate's comparisons.
    pub fn check(&self) -> Result<(), ModelFileError> {
        if self.format != MODEL_FORMAT {
            return Err(ModelFileError::Format {
                found: self.format,
                expected: MODEL_FORMAT,
            });
        }
        let p = &self.parameters;
        if p.comparisons.len() != COMPARISONS.len() {
            return Err(ModelFileError::Shape(format!(
                "{} comparisons, expected {}",
                p.comparisons.len(),
                COMPARISONS.len()
            )));
        }
        for (c, (name, levels)) in p.comparisons.iter().zip(COMPARISONS.iter()) {
            let names: Vec<&str> = c.levels.iter().map(|l| l.name.as_str()).collect();
            let expected: Vec<&str> = levels.iter().map(|(l, _)| *l).collect();
            if c.name != *name || names != expected {
                return Err(ModelFileError::Shape(format!(
                    "comparison {:?} with levels {names:?}, expected {name:?} with {expected:?}",
                    c.name
                )));
            }
        }
        if !(self.matches_per_record.is_finite() && self.matches_per_record > 0.0) {
            return Err(ModelFileError::Parameters(format!(
                "matches_per_record is {}, it must be a positive number",
                self.matches_per_record
            )));
        }
        p.validate()
            .map_err(|e| ModelFileError::Parameters(e.to_string()))
    }

    /// The prior weight for scoring pairs among `records` records that can form `pairs`
    /// comparable pairs: `log2(λ / (1 − λ))` with λ the expected share of matching pairs.
    pub fn scoring_prior_weight(&self, records: usize, pairs: f64) -> f64 {
        let expected_matches = self.matches_per_record * records as f64 / 2.0;
        let lambda = if pairs > 0.0 {
            (expected_matches / pairs).clamp(1e-12, 0.5)
        } else {
            0.5
        };
        (lambda / (1.0 - lambda)).log2()
    }
}

/// `(m, u)` per level, in the order of [`COMPARISONS`]; normalised to sum to one.
const DEFAULTS: [&[(f64, f64)]; 11] = [
    // given_name: exact, equivalent, one_edit, similar, initial, swapped, different
    &[
        (0.82, 0.005),
        (0.04, 0.002),
        (0.06, 0.004),
        (0.03, 0.01),
        (0.02, 0.02),
        (0.01, 0.0005),
        (0.02, 0.9585),
    ],
    // family_name: exact, one_edit, equivalent, similar, different
    &[
        (0.84, 0.002),
        (0.07, 0.003),
        (0.03, 0.005),
        (0.02, 0.01),
        (0.04, 0.98),
    ],
    // birth_date: exact, transposed, one_off, partial, different
    &[
        (0.86, 0.00005),
        (0.02, 0.00003),
        (0.07, 0.002),
        (0.02, 0.01),
        (0.03, 0.98792),
    ],
    // email: exact, shared, same_local, near_local, different
    &[
        (0.78, 0.00001),
        (0.02, 0.00002),
        (0.04, 0.0002),
        (0.04, 0.0005),
        (0.12, 0.99927),
    ],
    // phone: exact, shared, same_subscriber, one_digit, different
    &[
        (0.78, 0.00001),
        (0.03, 0.00002),
        (0.04, 0.0001),
        (0.03, 0.0003),
        (0.12, 0.99957),
    ],
    // address: exact, similar_street, house_or_street, different
    &[(0.72, 0.0005), (0.10, 0.001), (0.08, 0.02), (0.10, 0.9785)],
    // postcode: exact, one_edit, different
    &[(0.86, 0.01), (0.05, 0.03), (0.09, 0.96)],
    // locality: exact, similar, different
    &[(0.86, 0.02), (0.04, 0.02), (0.10, 0.96)],
    // national_id: exact, one_edit, different
    &[(0.90, 0.000001), (0.06, 0.00005), (0.04, 0.999949)],
    // other_id: exact, different
    &[(0.90, 0.00001), (0.10, 0.99999)],
    // gender: same, different
    &[(0.97, 0.5), (0.03, 0.5)],
];

fn default_parameters() -> FsModel {
    let comparisons = COMPARISONS
        .iter()
        .zip(DEFAULTS.iter())
        .map(|((name, levels), params)| {
            let (m_sum, u_sum) = params
                .iter()
                .fold((0.0, 0.0), |(m, u), (pm, pu)| (m + pm, u + pu));
            ComparisonParams {
                name: (*name).to_owned(),
                levels: levels
                    .iter()
                    .zip(params.iter())
                    .map(|((level, tf), (m, u))| LevelParams {
                        name: (*level).to_owned(),
                        m: m / m_sum,
                        u: u / u_sum,
                        term_frequency: *tf,
                    })
                    .collect(),
            }
        })
        .collect();
    FsModel {
        prior: 0.3,
        comparisons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_fit_the_comparisons() {
        MatchModel::default().check().unwrap();
        for (params, (_, levels)) in DEFAULTS.iter().zip(COMPARISONS.iter()) {
            assert_eq!(params.len(), levels.len());
        }
    }

    #[test]
    fn a_model_for_other_comparisons_is_refused() {
        let mut model = MatchModel::default();
        model.parameters.comparisons[0].levels.pop();
        let err = model.check().unwrap_err().to_string();
        assert!(err.contains("given_name"), "{err}");
        let model = MatchModel {
            format: 99,
            ..MatchModel::default()
        };
        assert!(model.check().is_err());
    }
}
