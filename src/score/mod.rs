//! Fellegi–Sunter scoring: match weights per comparison level, trained without labels.
//!
//! Each comparison (given name, birth date, e-mail...) sorts a pair into one of its ordered
//! levels, or into none when either side has no value (null is neutral). A level has an `m`
//! probability (how often true matches land there) and a `u` probability (how often
//! non-matches do); its match weight is `log2(m / u)`. A pair's weight is the prior weight
//! plus the weights of its levels, and its match probability follows from that.
//!
//! Training follows the usual unsupervised recipe:
//! - `u` from random record pairs, nearly all of which are non-matches;
//! - `m` and the prior by expectation maximisation over the blocked candidate pairs, with `u`
//!   held fixed.
//!
//! Both work on [`Pattern`] counts: millions of pairs collapse into a few thousand distinct
//! comparison patterns, so an EM iteration costs microseconds, not seconds.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::error::ScoreError;

/// The most comparisons one model can hold.
pub const MAX_COMPARISONS: usize = 16;

/// The level of each comparison for one pair, best level `0`; [`Pattern::NULL`] where either
/// side had no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Pattern(pub [u8; MAX_COMPARISONS]);

impl Pattern {
    /// The marker of a comparison that had no value on one side.
    pub const NULL: u8 = u8::MAX;

    /// A pattern with every comparison null.
    pub fn all_null() -> Self {
        Pattern([Self::NULL; MAX_COMPARISONS])
    }

    /// The level of comparison `i`, or `None` when null.
    pub fn level(&self, i: usize) -> Option<u8> {
        let level = self.0[i];
        (level != Self::NULL).then_some(level)
    }
}

/// Trained parameters of one comparison level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelParams {
    /// The level's name (`exact`, `nickname`, `one_edit`, ...).
    pub name: String,
    /// P(level | match).
    pub m: f64,
    /// P(level | non-match).
    pub u: f64,
    /// Whether term-frequency adjustment applies at this level (exact agreement on a value).
    #[serde(default)]
    pub term_frequency: bool,
}

impl LevelParams {
    /// The level's match weight, `log2(m / u)`.
    pub fn weight(&self) -> f64 {
        (self.m / self.u).log2()
    }
}

/// Trained parameters of one comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparisonParams {
    /// The comparison's name (`given_name`, `birth_date`...).
    pub name: String,
    /// Its levels, best first.
    pub levels: Vec<LevelParams>,
}

/// A Fellegi–Sunter model: the prior and every comparison's level parameters.
///
/// Serialises to JSON with serde, so a model trained in batch can be saved, inspected, versioned
/// and loaded by a real-time resolver.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FsModel {
    /// Probability that a candidate pair is a match, before looking at it.
    pub prior: f64,
    /// Comparisons, in pattern order.
    pub comparisons: Vec<ComparisonParams>,
}

/// Smallest probability a parameter may take, so that no weight is infinite.
const FLOOR: f64 = 1e-9;

/// How a training run went.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TrainingReport {
    /// EM iterations run.
    pub iterations: usize,
    /// Largest parameter change in the last iteration.
    pub last_change: f64,
    /// Whether the change fell below the tolerance.
    pub converged: bool,
}

impl FsModel {
    /// A model with the given level names per comparison and neutral starting parameters:
    /// `m` falling and `u` rising from the best level to the worst.
    pub fn untrained(comparisons: &[(&str, &[(&str, bool)])]) -> Result<Self, ScoreError> {
        if comparisons.len() > MAX_COMPARISONS {
            return Err(ScoreError::TooManyComparisons(comparisons.len()));
        }
        let comparisons = comparisons
            .iter()
            .map(|(name, levels)| {
                if levels.len() < 2 || levels.len() >= usize::from(Pattern::NULL) {
                    return Err(ScoreError::BadLevelCount {
                        comparison: (*name).to_owned(),
                        levels: levels.len(),
                    });
                }
                let n = levels.len();
                // m: most mass on the best level; u: most mass on the worst level.
                let m_raw: Vec<f64> = (0..n).map(|i| 0.5f64.powi(i as i32 + 1)).collect();
                let u_raw: Vec<f64> = (0..n).map(|i| 0.5f64.powi((n - i) as i32)).collect();
                let (m_sum, u_sum): (f64, f64) = (m_raw.iter().sum(), u_raw.iter().sum());
                Ok(ComparisonParams {
                    name: (*name).to_owned(),
                    levels: levels
                        .iter()
                        .enumerate()
                        .map(|(i, (level, tf))| LevelParams {
                            name: (*level).to_owned(),
                            m: m_raw[i] / m_sum,
                            u: u_raw[i] / u_sum,
                            term_frequency: *tf,
                        })
                        .collect(),
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(FsModel {
            prior: 0.1,
            comparisons,
        })
    }

    /// `log2(prior / (1 - prior))`, the weight of a pair before any comparison.
    pub fn prior_weight(&self) -> f64 {
        (self.prior / (1.0 - self.prior)).log2()
    }

    /// The match weight of a pattern, without term-frequency adjustments.
    pub fn weight(&self, pattern: &Pattern) -> f64 {
        self.prior_weight() + self.evidence_weight(pattern)
    }

    /// The sum of a pattern's level weights: the weight of the evidence, without the prior.
    pub fn evidence_weight(&self, pattern: &Pattern) -> f64 {
        self.comparisons
            .iter()
            .enumerate()
            .filter_map(|(i, c)| pattern.level(i).and_then(|l| c.levels.get(usize::from(l))))
            .map(LevelParams::weight)
            .sum::<f64>()
    }

    /// Set every level's `u` from the patterns of random pairs (assumed non-matches).
    ///
    /// With `prior = Some((defaults, strength))`, the estimate is shrunk toward the defaults'
    /// `u` as if `strength` extra pairs had been seen (a maximum a posteriori estimate): on
    /// small data the defaults dominate, on large data the data does. Without a prior, add-half
    /// smoothing keeps a level never seen among random pairs at a small, finite `u`.
    pub fn estimate_u(
        &mut self,
        random_patterns: &HashMap<Pattern, u64>,
        prior: Option<(&FsModel, f64)>,
    ) {
        for (i, comparison) in self.comparisons.iter_mut().enumerate() {
            let counts = level_counts(random_patterns, i, comparison.levels.len());
            let total: u64 = counts.iter().sum();
            let defaults = prior.and_then(|(model, strength)| {
                let c = model.comparisons.get(i)?;
                (c.levels.len() == counts.len()).then_some((c, strength))
            });
            if let Some((defaults, strength)) = defaults {
                let denominator = total as f64 + strength;
                for (j, (level, &c)) in comparison.levels.iter_mut().zip(&counts).enumerate() {
                    level.u =
                        ((c as f64 + strength * defaults.levels[j].u) / denominator).max(FLOOR);
                }
            } else if let Some(shares) = add_half(&counts) {
                for (level, share) in comparison.levels.iter_mut().zip(shares) {
                    level.u = share;
                }
            }
        }
    }

    /// Estimate `m` and the prior by expectation maximisation over the patterns of candidate
    /// pairs, holding `u` fixed.
    ///
    /// With `prior = Some((defaults, strength))`, each comparison's `m` is shrunk toward the
    /// defaults' `m` as if `strength` extra matching pairs had been seen.
    ///
    /// With `population = Some(pairs)`, the model's prior is the share of matches among
    /// `pairs` pairs of which the candidates are a subset holding (nearly) all matches: the
    /// E-step uses it as it is, and the M-step sets it to the expected matches over `pairs`.
    /// Without it, the prior is the share of matches among the candidates themselves.
    pub fn train_m(
        &mut self,
        candidate_patterns: &HashMap<Pattern, u64>,
        max_iterations: usize,
        tolerance: f64,
        prior: Option<(&FsModel, f64)>,
        population: Option<f64>,
    ) -> TrainingReport {
        let patterns = sorted(candidate_patterns);
        let mut report = TrainingReport::default();
        if patterns.is_empty() {
            return report;
        }
        for _ in 0..max_iterations {
            let mut m_sums: Vec<Vec<f64>> = self
                .comparisons
                .iter()
                .map(|c| vec![0.0; c.levels.len()])
                .collect();
            let (mut match_mass, mut total) = (0.0f64, 0.0f64);
            for (pattern, count) in &patterns {
                let p = self.match_probability(pattern);
                let mass = p * *count as f64;
                match_mass += mass;
                total += *count as f64;
                for (i, sums) in m_sums.iter_mut().enumerate() {
                    if let Some(l) = pattern.level(i) {
                        if let Some(s) = sums.get_mut(usize::from(l)) {
                            *s += mass;
                        }
                    }
                }
            }
            let mut change: f64 = 0.0;
            let shrink = prior.map(|(model, strength)| (model.prior, strength));
            let new_prior = next_prior(match_mass, total, population, shrink);
            change = change.max((new_prior - self.prior).abs());
            self.prior = new_prior;
            for (i, (comparison, sums)) in self.comparisons.iter_mut().zip(&m_sums).enumerate() {
                let defaults = prior.and_then(|(model, strength)| {
                    let c = model.comparisons.get(i)?;
                    (c.levels.len() == sums.len()).then_some((c, strength))
                });
                let (pseudo, strength) = match defaults {
                    Some((c, strength)) => (Some(c), strength),
                    None => (None, 0.0),
                };
                let seen: f64 = sums.iter().sum::<f64>() + strength;
                if seen <= 0.0 {
                    continue;
                }
                for (j, (level, s)) in comparison.levels.iter_mut().zip(sums).enumerate() {
                    let extra = pseudo.map_or(0.0, |c| strength * c.levels[j].m);
                    let m = ((s + extra) / seen).max(FLOOR);
                    change = change.max((m - level.m).abs());
                    level.m = m;
                }
            }
            report.iterations += 1;
            report.last_change = change;
            if change < tolerance {
                report.converged = true;
                break;
            }
        }
        report
    }

    /// Set every level's `m` from the patterns of pairs known to be matches (labelled by a
    /// host), with add-half smoothing so that a level no labelled pair fell in keeps a small,
    /// finite `m`. Comparisons no labelled pair had a value for keep their `m`.
    pub fn estimate_m_from_labels(&mut self, match_patterns: &HashMap<Pattern, u64>) {
        for (i, comparison) in self.comparisons.iter_mut().enumerate() {
            let counts = level_counts(match_patterns, i, comparison.levels.len());
            if let Some(shares) = add_half(&counts) {
                for (level, share) in comparison.levels.iter_mut().zip(shares) {
                    level.m = share;
                }
            }
        }
    }

    /// Estimate only the prior by EM over candidate patterns, holding `m` and `u` fixed (for
    /// models whose `m` came from labels). `population` as in [`train_m`](Self::train_m).
    pub fn train_prior(
        &mut self,
        candidate_patterns: &HashMap<Pattern, u64>,
        max_iterations: usize,
        tolerance: f64,
        population: Option<f64>,
    ) -> TrainingReport {
        let patterns = sorted(candidate_patterns);
        let mut report = TrainingReport::default();
        let total: f64 = patterns.iter().map(|(_, n)| *n as f64).sum();
        if total == 0.0 {
            return report;
        }
        for _ in 0..max_iterations {
            let mass: f64 = patterns
                .iter()
                .map(|(p, n)| self.match_probability(p) * *n as f64)
                .sum();
            let prior = next_prior(mass, total, population, None);
            report.last_change = (prior - self.prior).abs();
            report.iterations += 1;
            self.prior = prior;
            if report.last_change < tolerance {
                report.converged = true;
                break;
            }
        }
        report
    }

    /// Make each comparison's levels respect their order of meaning: no level may weigh more
    /// than the comparison's first (exact) level. Training can break this when a level is rare
    /// among random pairs (a swapped name: `u` near zero), which would make a crossed name
    /// stronger evidence than the same name; such a level's `m` is lowered to the exact
    /// level's `m/u` ratio.
    pub fn cap_at_exact(&mut self) {
        for comparison in &mut self.comparisons {
            let Some(first) = comparison.levels.first() else {
                continue;
            };
            let ratio = first.m / first.u;
            for level in comparison.levels.iter_mut().skip(1) {
                if level.m / level.u > ratio {
                    level.m = (level.u * ratio).clamp(FLOOR, 1.0);
                }
            }
        }
    }

    /// The match probability of a pattern, without term-frequency adjustments.
    pub fn match_probability(&self, pattern: &Pattern) -> f64 {
        probability(self.weight(pattern))
    }

    /// Check that the model is usable: probabilities in `(0, 1]`, as many comparisons as the
    /// resolver that loads it compares.
    pub fn validate(&self) -> Result<(), ScoreError> {
        if !(self.prior > 0.0 && self.prior < 1.0) {
            return Err(ScoreError::BadProbability {
                what: "prior".to_owned(),
                value: self.prior,
            });
        }
        for c in &self.comparisons {
            for l in &c.levels {
                for (what, value) in [("m", l.m), ("u", l.u)] {
                    if !(value > 0.0 && value <= 1.0) {
                        return Err(ScoreError::BadProbability {
                            what: format!("{what} of {}.{}", c.name, l.name),
                            value,
                        });
                    }
                }
            }
        }
        Ok(())
    }
}

impl Default for TrainingReport {
    /// No iteration run yet.
    fn default() -> Self {
        TrainingReport {
            iterations: 0,
            last_change: f64::INFINITY,
            converged: false,
        }
    }
}

/// Pattern counts in a fixed order, so that sums never depend on hash order.
fn sorted(patterns: &HashMap<Pattern, u64>) -> Vec<(&Pattern, u64)> {
    let mut sorted: Vec<(&Pattern, u64)> = patterns.iter().map(|(p, &n)| (p, n)).collect();
    sorted.sort_unstable();
    sorted
}

/// How many pairs fell in each of the `levels` levels of comparison `i`.
fn level_counts(patterns: &HashMap<Pattern, u64>, i: usize, levels: usize) -> Vec<u64> {
    let mut counts = vec![0u64; levels];
    for (pattern, &n) in patterns {
        if let Some(c) = pattern
            .level(i)
            .and_then(|l| counts.get_mut(usize::from(l)))
        {
            *c += n;
        }
    }
    counts
}

/// Each level's share of `counts` with add-half smoothing, so that a level no pair fell in
/// keeps a small, finite probability; `None` when no pair had a value.
fn add_half(counts: &[u64]) -> Option<Vec<f64>> {
    let total: u64 = counts.iter().sum();
    if total == 0 {
        return None;
    }
    let denominator = total as f64 + 0.5 * counts.len() as f64;
    Some(
        counts
            .iter()
            .map(|&c| ((c as f64 + 0.5) / denominator).max(FLOOR))
            .collect(),
    )
}

/// The prior after an E-step that found `match_mass` expected matches among `total` candidate
/// pairs. With `population`, it is the share of matches among all those pairs; otherwise the
/// share among the candidates, shrunk toward `shrink = (prior, strength)` as if `strength`
/// extra pairs had been seen: on a few dozen pairs, EM alone would drive it to 0 or 1.
fn next_prior(
    match_mass: f64,
    total: f64,
    population: Option<f64>,
    shrink: Option<(f64, f64)>,
) -> f64 {
    match population {
        Some(pairs) => (match_mass / pairs.max(1.0)).clamp(FLOOR * FLOOR, 0.5),
        None => {
            let (prior_mass, strength) = shrink.map_or((0.0, 0.0), |(p, s)| (s * p, s));
            ((match_mass + prior_mass) / (total + strength)).clamp(FLOOR, 1.0 - FLOOR)
        }
    }
}

/// The probability that corresponds to a match weight: `2^w / (1 + 2^w)`.
pub fn probability(weight: f64) -> f64 {
    let odds = weight.exp2();
    if odds.is_infinite() {
        1.0
    } else {
        odds / (1.0 + odds)
    }
}

/// The match weight that corresponds to a probability: `log2(p / (1 - p))`.
pub fn weight_of(probability: f64) -> f64 {
    let p = probability.clamp(FLOOR, 1.0 - FLOOR);
    (p / (1.0 - p)).log2()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::rng::SplitMix64;

    fn pattern(levels: &[u8]) -> Pattern {
        let mut p = Pattern::all_null();
        p.0[..levels.len()].copy_from_slice(levels);
        p
    }

    /// Simulated pairs from known parameters: EM must recover them.
    #[test]
    fn em_recovers_known_parameters() {
        let levels: &[(&str, bool)] = &[("exact", true), ("close", false), ("else", false)];
        let mut model = FsModel::untrained(&[("a", levels), ("b", levels), ("c", levels)]).unwrap();
        let true_m = [0.85, 0.1, 0.05];
        let true_u = [0.01, 0.09, 0.9];
        let true_prior = 0.2;
        let mut rng = SplitMix64::new(42);
        let mut draw = |dist: &[f64; 3]| {
            let x = rng.below(1_000_000) as f64 / 1e6;
            if x < dist[0] {
                0
            } else if x < dist[0] + dist[1] {
                1
            } else {
                2
            }
        };
        let (mut candidates, mut random) = (HashMap::new(), HashMap::new());
        for i in 0..200_000 {
            let is_match = (i % 10) < 2;
            let dist = if is_match { &true_m } else { &true_u };
            let p = pattern(&[draw(dist), draw(dist), draw(dist)]);
            *candidates.entry(p).or_insert(0u64) += 1;
            let r = pattern(&[draw(&true_u), draw(&true_u), draw(&true_u)]);
            *random.entry(r).or_insert(0u64) += 1;
        }
        model.estimate_u(&random, None);
        let report = model.train_m(&candidates, 200, 1e-7, None, None);
        assert!(report.converged, "{report:?}");
        assert!(
            (model.prior - true_prior).abs() < 0.01,
            "prior {}",
            model.prior
        );
        for c in &model.comparisons {
            for (level, (m, u)) in c.levels.iter().zip(true_m.iter().zip(&true_u)) {
                assert!(
                    (level.m - m).abs() < 0.02,
                    "{} m {} vs {m}",
                    c.name,
                    level.m
                );
                assert!(
                    (level.u - u).abs() < 0.01,
                    "{} u {} vs {u}",
                    c.name,
                    level.u
                );
            }
        }
    }

    #[test]
    fn m_from_labels_counts_levels() {
        let levels: &[(&str, bool)] = &[("exact", false), ("close", false), ("else", false)];
        let mut model = FsModel::untrained(&[("a", levels)]).unwrap();
        let labelled = HashMap::from([(pattern(&[0]), 8u64), (pattern(&[1]), 2)]);
        model.estimate_m_from_labels(&labelled);
        let m: Vec<f64> = model.comparisons[0].levels.iter().map(|l| l.m).collect();
        assert!(m[0] > 0.7 && m[1] > 0.15 && m[2] < 0.06, "{m:?}");
        assert!((m.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn null_levels_are_neutral() {
        let levels: &[(&str, bool)] = &[("exact", false), ("else", false)];
        let model = FsModel::untrained(&[("a", levels), ("b", levels)]).unwrap();
        let only_a = pattern(&[0, Pattern::NULL]);
        let expected = model.prior_weight() + model.comparisons[0].levels[0].weight();
        assert!((model.weight(&only_a) - expected).abs() < 1e-12);
    }

    #[test]
    fn probability_and_weight_are_inverse() {
        for p in [0.001, 0.1, 0.5, 0.9, 0.999] {
            assert!((probability(weight_of(p)) - p).abs() < 1e-9);
        }
        assert_eq!(probability(5000.0), 1.0);
        assert_eq!(probability(-5000.0), 0.0);
    }

    #[test]
    fn model_round_trips_through_json_and_validates() {
        let levels: &[(&str, bool)] = &[("exact", true), ("else", false)];
        let model = FsModel::untrained(&[("a", levels)]).unwrap();
        let json = serde_json::to_string(&model).unwrap();
        let back: FsModel = serde_json::from_str(&json).unwrap();
        assert_eq!(back, model);
        back.validate().unwrap();
        let mut bad = back;
        bad.comparisons[0].levels[0].m = 0.0;
        assert!(bad.validate().is_err());
    }

    #[test]
    fn bad_shapes_are_errors() {
        let one: &[(&str, bool)] = &[("only", false)];
        assert!(FsModel::untrained(&[("a", one)]).is_err());
        let levels: &[(&str, bool)] = &[("exact", false), ("else", false)];
        let many: Vec<(&str, &[(&str, bool)])> = (0..17).map(|_| ("x", levels)).collect();
        assert!(FsModel::untrained(&many).is_err());
    }
}
