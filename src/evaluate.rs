//! Measuring a resolution against the truth: pairwise and B-cubed precision, recall and F1.
//!
//! Pairwise scores count pairs of records put together; B-cubed scores average, over records,
//! how much of each record's predicted cluster is right and how much of its true cluster was
//! found, so one giant wrong cluster cannot hide behind many small right ones.

use std::collections::HashMap;
use std::hash::Hash;

use serde::{Deserialize, Serialize};

/// Precision, recall and F1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    /// Share of predicted links (or cluster mass) that is right.
    pub precision: f64,
    /// Share of true links (or cluster mass) that was found.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
}

impl Scores {
    fn new(precision: f64, recall: f64) -> Self {
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        Scores {
            precision,
            recall,
            f1,
        }
    }
}

/// How a predicted clustering compares with the truth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// Records evaluated (those present in both the prediction and the truth).
    pub records: usize,
    /// Pairs predicted to be the same entity.
    pub predicted_pairs: u64,
    /// Pairs that truly are.
    pub true_pairs: u64,
    /// Pairs both predicted and true.
    pub correct_pairs: u64,
    /// Pairwise scores.
    pub pairwise: Scores,
    /// B-cubed scores.
    pub b_cubed: Scores,
    /// Sizes of the largest predicted clusters, largest first (at most ten).
    pub largest_clusters: Vec<usize>,
}

/// Evaluate `predicted` cluster labels against `truth` labels, record by record. Records
/// missing from either side are left out.
///
/// ```
/// use customer360::evaluate::evaluate;
/// let predicted = [("a", 1), ("b", 1), ("c", 2), ("d", 3)];
/// let truth = [("a", "x"), ("b", "x"), ("c", "x"), ("d", "y")];
/// let e = evaluate(predicted, truth);
/// assert_eq!(e.correct_pairs, 1);
/// assert_eq!(e.true_pairs, 3);
/// assert_eq!(e.pairwise.precision, 1.0);
/// assert!((e.pairwise.recall - 1.0 / 3.0).abs() < 1e-12);
/// ```
pub fn evaluate<R, P, T>(
    predicted: impl IntoIterator<Item = (R, P)>,
    truth: impl IntoIterator<Item = (R, T)>,
) -> Evaluation
where
    R: Eq + Hash,
    P: Eq + Hash,
    T: Eq + Hash,
{
    let truth: HashMap<R, T> = truth.into_iter().collect();
    let mut rows: Vec<(P, &T)> = Vec::new();
    for (record, label) in predicted {
        if let Some(t) = truth.get(&record) {
            rows.push((label, t));
        }
    }
    let mut predicted_sizes: HashMap<&P, u64> = HashMap::new();
    let mut true_sizes: HashMap<&T, u64> = HashMap::new();
    let mut both: HashMap<(&P, &T), u64> = HashMap::new();
    for (p, t) in &rows {
        *predicted_sizes.entry(p).or_insert(0) += 1;
        *true_sizes.entry(*t).or_insert(0) += 1;
        *both.entry((p, *t)).or_insert(0) += 1;
    }
    let pairs = |n: u64| n * n.saturating_sub(1) / 2;
    let predicted_pairs: u64 = predicted_sizes.values().map(|&n| pairs(n)).sum();
    let true_pairs: u64 = true_sizes.values().map(|&n| pairs(n)).sum();
    let correct_pairs: u64 = both.values().map(|&n| pairs(n)).sum();
    let ratio = |a: u64, b: u64| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    let pairwise = Scores::new(
        ratio(correct_pairs, predicted_pairs),
        ratio(correct_pairs, true_pairs),
    );
    // B-cubed: for each record, |pred ∩ true| / |pred| and / |true|; summed per (pred, true)
    // cell, each of whose n records has the same ratios.
    let n = rows.len() as f64;
    let (mut bp, mut br) = (0.0, 0.0);
    for (&(p, t), &count) in &both {
        let c = count as f64;
        bp += c * c / predicted_sizes[p] as f64;
        br += c * c / true_sizes[t] as f64;
    }
    let b_cubed = if rows.is_empty() {
        Scores::new(1.0, 1.0)
    } else {
        Scores::new(bp / n, br / n)
    };
    let mut largest: Vec<usize> = predicted_sizes.values().map(|&n| n as usize).collect();
    largest.sort_unstable_by(|a, b| b.cmp(a));
    largest.truncate(10);
    Evaluation {
        records: rows.len(),
        predicted_pairs,
        true_pairs,
        correct_pairs,
        pairwise,
        b_cubed,
        largest_clusters: largest,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_prediction_scores_one() {
        let p = [(1, 'a'), (2, 'a'), (3, 'b')];
        let t = [(1, 9), (2, 9), (3, 8)];
        let e = evaluate(p, t);
        assert_eq!(e.pairwise.f1, 1.0);
        assert_eq!(e.b_cubed.f1, 1.0);
        assert_eq!(e.largest_clusters, [2, 1]);
    }

    /// The scores by their definitions, pair by pair and record by record.
    fn naive(labels: &[(u8, u8)]) -> (Scores, Scores) {
        let n = labels.len();
        let (mut predicted, mut truly, mut correct) = (0u64, 0u64, 0u64);
        for i in 0..n {
            for j in i + 1..n {
                let p = labels[i].0 == labels[j].0;
                let t = labels[i].1 == labels[j].1;
                predicted += u64::from(p);
                truly += u64::from(t);
                correct += u64::from(p && t);
            }
        }
        let ratio = |a: u64, b: u64| if b == 0 { 1.0 } else { a as f64 / b as f64 };
        let pairwise = Scores::new(ratio(correct, predicted), ratio(correct, truly));
        let (mut bp, mut br) = (0.0, 0.0);
        for &(p, t) in labels {
            let same_p = labels.iter().filter(|l| l.0 == p).count() as f64;
            let same_t = labels.iter().filter(|l| l.1 == t).count() as f64;
            let same_both = labels.iter().filter(|l| l.0 == p && l.1 == t).count() as f64;
            bp += same_both / same_p;
            br += same_both / same_t;
        }
        let b_cubed = if n == 0 {
            Scores::new(1.0, 1.0)
        } else {
            Scores::new(bp / n as f64, br / n as f64)
        };
        (pairwise, b_cubed)
    }

    fn close(a: Scores, b: Scores) -> bool {
        (a.precision - b.precision).abs() < 1e-9
            && (a.recall - b.recall).abs() < 1e-9
            && (a.f1 - b.f1).abs() < 1e-9
    }

    proptest::proptest! {
        /// Both scores agree with their definitions; swapping prediction and truth swaps
        /// precision and recall; records missing from the truth are left out.
        #[test]
        fn scores_follow_their_definitions(
            labels in proptest::collection::vec((0u8..6, 0u8..6), 0..40),
            unknown in proptest::collection::vec(0u8..6, 0..5),
        ) {
            let predicted = labels
                .iter()
                .enumerate()
                .map(|(i, l)| (i, l.0))
                .chain(unknown.iter().enumerate().map(|(i, &l)| (1000 + i, l)));
            let truth = labels.iter().enumerate().map(|(i, l)| (i, l.1));
            let e = evaluate(predicted, truth);
            let (pairwise, b_cubed) = naive(&labels);
            proptest::prop_assert_eq!(e.records, labels.len());
            proptest::prop_assert!(close(e.pairwise, pairwise), "{:?} {:?}", e.pairwise, pairwise);
            proptest::prop_assert!(close(e.b_cubed, b_cubed), "{:?} {:?}", e.b_cubed, b_cubed);
            let sizes: u64 = e.largest_clusters.iter().map(|&s| s as u64).sum();
            proptest::prop_assert!(sizes <= labels.len() as u64);

            let swapped = evaluate(
                labels.iter().enumerate().map(|(i, l)| (i, l.1)),
                labels.iter().enumerate().map(|(i, l)| (i, l.0)),
            );
            proptest::prop_assert!((swapped.pairwise.precision - e.pairwise.recall).abs() < 1e-9);
            proptest::prop_assert!((swapped.b_cubed.recall - e.b_cubed.precision).abs() < 1e-9);
        }
    }

    #[test]
    fn one_giant_cluster_is_punished_by_b_cubed() {
        let p: Vec<(u32, u8)> = (0..10).map(|i| (i, 0)).collect();
        let t: Vec<(u32, u32)> = (0..10).map(|i| (i, i / 2)).collect();
        let e = evaluate(p, t);
        assert_eq!(e.pairwise.recall, 1.0);
        assert!(e.pairwise.precision < 0.15);
        assert!((e.b_cubed.precision - 0.2).abs() < 1e-12);
    }
}
