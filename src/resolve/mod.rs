//! Batch resolution: many source records in, one customer per person out, with the reasons.

mod explain;
mod model;
mod order;

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

pub use explain::{ClusterExplanation, ComparisonStep, LinkExplanation, PairExplanation};
pub use model::{MatchModel, MODEL_FORMAT};

use crate::block::{candidate_pairs, BlockingReport, BlockingRule, LinkMode};
use crate::cluster::{cluster_in_parallel, Decision, KnownLinks, Link, MergeGuard, Refusal};
use crate::compare::features::{FeatureBuilder, KeySpace, PendingFeatures, RecordFeatures};
use crate::compare::similarity::{jaro_winkler_from, within_one_edit};
use crate::compare::{by_text, index, Comparator, Comparison, Conflict, SharedValues};
use crate::error::{ConfigError, ResolveError};
use crate::model::{RecordKey, RecordRef, SourceRecord, SourceSystem};
use crate::normalize::{NormalizeMemo, NormalizedRecord, RecordNormalizer};
use crate::score::{probability, weight_of, LevelParams, Pattern, TrainingReport};
use crate::util::fasthash::FastMap;
use crate::util::interner::{Interner, Sym};
use crate::util::memo::MemoPool;
use crate::util::permute::{gather, permute};
use crate::util::prefetch::prefetch;
use crate::util::rng::SplitMix64;
use order::RecordOrder;

/// A stage of batch resolution, in the order they run, as reported to a [`StageObserver`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Stage {
    /// Normalising records and building their comparison features (with reading the input,
    /// for [`Resolver::resolve_iter_observed`]).
    Normalise,
    /// Putting records in reference order and their features in working order (grouped by
    /// family name, so that blocking's pairs sit near one another), and checking for
    /// duplicate references.
    Order,
    /// Counting shared values and term frequencies, and finding candidate pairs.
    Block,
    /// Comparing random pairs for the `u` probabilities (only when training).
    SampleRandomPairs,
    /// Comparing every candidate pair.
    Compare,
    /// Estimating `m` and the prior by expectation maximisation (only when training).
    Train,
    /// Scoring candidate pairs and clustering the links.
    Cluster,
    /// Assigning customer IDs.
    AssignIds,
    /// Resolution is complete.
    Done,
}

impl Stage {
    /// The stage's name, in lower case (`"normalise"`, `"sample_random_pairs"`...).
    pub fn name(self) -> &'static str {
        match self {
            Stage::Normalise => "normalise",
            Stage::Order => "order",
            Stage::Block => "block",
            Stage::SampleRandomPairs => "sample_random_pairs",
            Stage::Compare => "compare",
            Stage::Train => "train",
            Stage::Cluster => "cluster",
            Stage::AssignIds => "assign_ids",
            Stage::Done => "done",
        }
    }
}

/// Told as each [`Stage`] of a batch resolution starts, for progress reports or timings.
/// `()` observes nothing.
pub trait StageObserver {
    /// `stage` is starting; the previous one has finished.
    fn stage_started(&mut self, stage: Stage);
}

impl StageObserver for () {
    fn stage_started(&mut self, _stage: Stage) {}
}

/// Pseudo-pairs of the default parameters mixed into training (see
/// [`FsModel::train_m`](crate::score::FsModel::train_m)).
const PRIOR_STRENGTH_M: f64 = 50.0;
const PRIOR_STRENGTH_U: f64 = 200.0;

/// Configures a [`Resolver`]. Configuration is checked once, at [`build`](Self::build).
#[derive(Debug, Clone)]
pub struct ResolverBuilder {
    mode: LinkMode,
    threshold: f64,
    rules: Vec<BlockingRule>,
    max_block_size: Option<usize>,
    normalizer: Option<RecordNormalizer>,
    model: Option<MatchModel>,
    train: Option<bool>,
    em_iterations: usize,
    random_pairs: Option<usize>,
    seed: u64,
    labelled_matches: Vec<(RecordRef, RecordRef)>,
    cannot_link: Vec<(RecordRef, RecordRef)>,
    population: Option<Population>,
}

/// Scoring quantities fixed by configuration instead of measured on the records being
/// resolved, so that a pair's weight depends only on the pair: the prior (from `records`
/// instead of the input size), the block-size limit, and term frequencies counted against
/// `records` in power-of-two buckets. Batch resolution with a population and
/// [`IncrementalResolver`](crate::realtime::IncrementalResolver) with the same one give the
/// same customers, whatever order the records arrive in.
///
/// ```
/// use customer360::{Population, Resolver};
/// let resolver = Resolver::builder().population(Population::new(1_000_000)).build()?;
/// # let _ = resolver;
/// # Ok::<(), customer360::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Population {
    /// How many records the population is taken to hold.
    pub records: u64,
    /// The largest block kept; a key shared by more records gives no candidates.
    pub max_block_size: usize,
}

impl Population {
    /// A population of `records` records with the default block-size limit (64).
    pub fn new(records: u64) -> Self {
        Population {
            records,
            max_block_size: 64,
        }
    }

    /// The prior weight of a pair in this population (every pair comparable).
    pub(crate) fn prior_weight(&self, model: &MatchModel) -> f64 {
        let n = self.records as f64;
        model.scoring_prior_weight(self.records as usize, n * (n - 1.0) / 2.0)
    }
}

impl Default for ResolverBuilder {
    fn default() -> Self {
        ResolverBuilder {
            mode: LinkMode::default(),
            threshold: 0.95,
            rules: BlockingRule::ALL.to_vec(),
            max_block_size: None,
            normalizer: None,
            model: None,
            train: None,
            em_iterations: 40,
            random_pairs: None,
            seed: 0x00C0_FFEE,
            labelled_matches: Vec::new(),
            cannot_link: Vec::new(),
            population: None,
        }
    }
}

impl ResolverBuilder {
    /// Which pairs may be compared (default: within and across sources).
    #[must_use]
    pub fn mode(mut self, mode: LinkMode) -> Self {
        self.mode = mode;
        self
    }

    /// The match probability at or above which two records are linked (default 0.95).
    #[must_use]
    pub fn threshold(mut self, probability: f64) -> Self {
        self.threshold = probability;
        self
    }

    /// The blocking rules (default: [`BlockingRule::ALL`]).
    #[must_use]
    pub fn blocking_rules(mut self, rules: impl IntoIterator<Item = BlockingRule>) -> Self {
        self.rules = rules.into_iter().collect();
        self
    }

    /// The largest block kept; larger blocks are dropped and reported. By default it is
    /// chosen from the data.
    #[must_use]
    pub fn max_block_size(mut self, size: usize) -> Self {
        self.max_block_size = Some(size);
        self
    }

    /// The record normaliser (default: [`RecordNormalizer::default`]).
    #[must_use]
    pub fn normalizer(mut self, normalizer: RecordNormalizer) -> Self {
        self.normalizer = Some(normalizer);
        self
    }

    /// A trained model to score with. With a model, the resolver does not train unless
    /// [`train(true)`](Self::train) is also set.
    #[must_use]
    pub fn model(mut self, model: MatchModel) -> Self {
        self.model = Some(model);
        self
    }

    /// Whether to train the model on the data being resolved (default: yes, unless a model
    /// was given).
    #[must_use]
    pub fn train(mut self, train: bool) -> Self {
        self.train = Some(train);
        self
    }

    /// The most EM iterations (default 40).
    #[must_use]
    pub fn em_iterations(mut self, iterations: usize) -> Self {
        self.em_iterations = iterations;
        self
    }

    /// How many random pairs to sample for the `u` probabilities (default: 5 per record,
    /// between 10 000 and 1 000 000).
    #[must_use]
    pub fn random_pairs(mut self, pairs: usize) -> Self {
        self.random_pairs = Some(pairs);
        self
    }

    /// The seed of the random-pair sample (the result is the same for the same seed).
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Pairs of records the host knows to be the same person. When training, `m` is taken
    /// from these pairs instead of EM (the prior is still estimated by EM). Pairs naming a
    /// record that is not in the input are ignored.
    #[must_use]
    pub fn labelled_matches(
        mut self,
        pairs: impl IntoIterator<Item = (RecordRef, RecordRef)>,
    ) -> Self {
        self.labelled_matches = pairs.into_iter().collect();
        self
    }

    /// Pairs of records a host knows to be different people, for example after a data
    /// steward split a wrong merge: no customer will ever hold both records of a pair, so the
    /// split survives later runs. Pairs naming a record not in the input are ignored.
    #[must_use]
    pub fn cannot_link(mut self, pairs: impl IntoIterator<Item = (RecordRef, RecordRef)>) -> Self {
        self.cannot_link = pairs.into_iter().collect();
        self
    }

    /// Score against a fixed [`Population`] instead of the input's own size and counts, as
    /// real-time resolution does, so that batch and real-time results agree.
    #[must_use]
    pub fn population(mut self, population: Population) -> Self {
        self.population = Some(population);
        self
    }

    /// Check the configuration and build the resolver.
    pub fn build(self) -> Result<Resolver, ConfigError> {
        if !(self.threshold > 0.0 && self.threshold < 1.0) {
            return Err(ConfigError::Threshold(self.threshold));
        }
        if self.rules.is_empty() {
            return Err(ConfigError::NoBlockingRules);
        }
        if let Some(model) = &self.model {
            model.check()?;
        }
        let train = self.train.unwrap_or(self.model.is_none());
        Ok(Resolver {
            mode: self.mode,
            threshold: self.threshold,
            rules: self.rules,
            max_block_size: self.max_block_size,
            normalizer: self.normalizer.unwrap_or_default(),
            model: self.model.unwrap_or_default(),
            train,
            em_iterations: self.em_iterations,
            random_pairs: self.random_pairs,
            seed: self.seed,
            labelled_matches: self.labelled_matches,
            cannot_link: self.cannot_link,
            population: self.population,
        })
    }
}

/// Resolves customer identities in a batch of source records.
///
/// Records are normalised, blocked into candidate pairs, compared attribute by attribute,
/// scored with a Fellegi–Sunter model (trained on the data by default: `u` from random pairs,
/// `m` and the prior by EM, no labels needed), and clustered strongest link first, with every
/// merge of two clusters checked as a whole so that one false link cannot chain strangers
/// together.
///
/// ```
/// use customer360::{PersonName, Resolver, SourceRecord};
///
/// let records = vec![
///     SourceRecord::new("crm", "1")
///         .name(PersonName::from_parts("John", "Smith"))
///         .email("john.smith@example.org")
///         .birth_date("1985-04-12"),
///     SourceRecord::new("shop", "77")
///         .name(PersonName::from_parts("Jonh", "Smith"))
///         .email("John.Smith@Example.org")
///         .birth_date("1985-04-12"),
///     SourceRecord::new("crm", "2")
///         .name(PersonName::from_parts("Emma", "Brown"))
///         .birth_date("2012-03-14"),
/// ];
/// let resolution = Resolver::builder().build()?.resolve(&records)?;
/// let john = records[0].reference();
/// let jonh = records[1].reference();
/// assert!(resolution.same_customer(&john, &jonh));
/// assert!(!resolution.same_customer(&john, &records[2].reference()));
/// assert_eq!(resolution.customer_count(), 2);
///
/// // Why they matched: the waterfall of match weights.
/// let why = resolution.explain_pair(&john, &jonh).unwrap();
/// assert!(why.probability > 0.95);
/// # Ok::<(), customer360::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Resolver {
    mode: LinkMode,
    threshold: f64,
    rules: Vec<BlockingRule>,
    max_block_size: Option<usize>,
    normalizer: RecordNormalizer,
    model: MatchModel,
    train: bool,
    em_iterations: usize,
    random_pairs: Option<usize>,
    seed: u64,
    labelled_matches: Vec<(RecordRef, RecordRef)>,
    cannot_link: Vec<(RecordRef, RecordRef)>,
    population: Option<Population>,
}

impl Resolver {
    /// Start configuring a resolver.
    pub fn builder() -> ResolverBuilder {
        ResolverBuilder::default()
    }

    /// The match threshold, as a probability.
    pub fn threshold(&self) -> f64 {
        self.threshold
    }

    /// Normalise and resolve `records`.
    pub fn resolve(&self, records: &[SourceRecord]) -> Result<Resolution, ResolveError> {
        if u32::try_from(records.len()).is_err() {
            return Err(ResolveError::TooManyRecords(records.len()));
        }
        // Normalise a chunk at a time in parallel and keep only each record's features: the
        // normalised records, with all their strings, never exist all at once.
        let mut chunks = records.chunks(NORMALISE_CHUNK);
        let fill = |chunk: &mut Vec<_>| chunk.extend(chunks.next().into_iter().flatten());
        let built = self.normalise_pipelined(
            fill,
            (records.len(), Some(records.len())),
            |record, memo| self.normalizer.normalize_with(record, Some(memo)),
        );
        self.resolve_features(arrange(built)?, &mut ())
    }

    /// Normalise and resolve records as they arrive, for inputs too large to hold at once:
    /// records are normalised a batch at a time, in parallel, and only each record's
    /// comparison features, reference and observation time are kept, never the source record.
    /// The result is the same as [`resolve`](Self::resolve) on the same records, in any order.
    ///
    /// ```
    /// use customer360::{PersonName, Resolver, SourceRecord};
    ///
    /// // Any iterator of records: rows parsed from a file, a database cursor...
    /// let rows = (0..3).map(|i| {
    ///     SourceRecord::new(if i == 1 { "shop" } else { "crm" }, i.to_string())
    ///         .name(PersonName::from_parts(if i == 2 { "Emma" } else { "John" }, "Smith"))
    ///         .email(if i == 2 { "emma@example.org" } else { "john.smith@example.org" })
    /// });
    /// let resolution = Resolver::builder().build()?.resolve_iter(rows)?;
    /// assert_eq!(resolution.records().len(), 3);
    /// assert_eq!(resolution.customer_count(), 2);
    /// # Ok::<(), customer360::Error>(())
    /// ```
    pub fn resolve_iter<I>(&self, records: I) -> Result<Resolution, ResolveError>
    where
        I: IntoIterator<Item = SourceRecord>,
    {
        self.resolve_iter_observed(records, &mut ())
    }

    /// [`resolve_iter`](Self::resolve_iter), telling `observer` as each [`Stage`] starts: for
    /// progress reports and for measuring where the time goes. The core never reads a clock;
    /// an observer that wants durations reads its own.
    ///
    /// ```
    /// use customer360::{PersonName, Resolver, SourceRecord, Stage, StageObserver};
    ///
    /// struct Stages(Vec<Stage>);
    /// impl StageObserver for Stages {
    ///     fn stage_started(&mut self, stage: Stage) {
    ///         self.0.push(stage);
    ///     }
    /// }
    /// let rows = (0..2).map(|i| {
    ///     SourceRecord::new("crm", i.to_string()).name(PersonName::from_parts("Ann", "Lee"))
    /// });
    /// let mut stages = Stages(Vec::new());
    /// Resolver::builder().build()?.resolve_iter_observed(rows, &mut stages)?;
    /// assert_eq!(stages.0.first(), Some(&Stage::Normalise));
    /// assert_eq!(stages.0.last(), Some(&Stage::Done));
    /// # Ok::<(), customer360::Error>(())
    /// ```
    pub fn resolve_iter_observed<I>(
        &self,
        records: I,
        observer: &mut dyn StageObserver,
    ) -> Result<Resolution, ResolveError>
    where
        I: IntoIterator<Item = SourceRecord>,
    {
        self.resolve_rows(records, |record| record, observer)
    }

    /// [`resolve_iter_observed`](Self::resolve_iter_observed) for inputs that become records
    /// on the resolver's worker threads: `to_record` turns each row into its
    /// [`SourceRecord`] on the thread that normalises it.
    ///
    /// A record is a dozen or more strings. Built where a file is read, they are allocated
    /// on that thread and read and freed on the workers, cold, one by one; built here, they
    /// live and die in one core's cache. The rows can be anything a reader checks cheaply
    /// and in order (the CSV adapter's `CsvRow`, with the `csv` feature, is one buffer a
    /// row), with the work of taking them apart left to `to_record`.
    ///
    /// ```
    /// use customer360::{PersonName, Resolver, SourceRecord};
    ///
    /// // Rows as a reader left them: source, key, given name, family name.
    /// let rows = vec!["crm,1,John,Smith", "shop,7,Jonh,Smith", "crm,2,Emma,Jones"];
    /// let to_record = |row: &str| {
    ///     let f: Vec<&str> = row.split(',').collect();
    ///     SourceRecord::new(f[0], f[1]).name(PersonName::from_parts(f[2], f[3]))
    /// };
    /// let resolution = Resolver::builder().build()?.resolve_rows(rows, to_record, &mut ())?;
    /// assert_eq!(resolution.records().len(), 3);
    /// # Ok::<(), customer360::Error>(())
    /// ```
    pub fn resolve_rows<I, F>(
        &self,
        rows: I,
        to_record: F,
        observer: &mut dyn StageObserver,
    ) -> Result<Resolution, ResolveError>
    where
        I: IntoIterator,
        I::Item: Send,
        F: Fn(I::Item) -> SourceRecord + Sync,
    {
        observer.stage_started(Stage::Normalise);
        let mut records = rows.into_iter();
        let expected = records.size_hint();
        let mut total = 0usize;
        let mut too_many = false;
        let fill = |chunk: &mut Vec<I::Item>| {
            chunk.extend(records.by_ref().take(NORMALISE_CHUNK));
            total += chunk.len();
            too_many |= u32::try_from(total).is_err();
            if too_many {
                chunk.clear();
            }
        };
        let built = self.normalise_pipelined(fill, expected, |row, memo| {
            self.normalizer
                .normalize_owned_with(to_record(row), Some(memo))
        });
        if too_many {
            return Err(ResolveError::TooManyRecords(total));
        }
        observer.stage_started(Stage::Order);
        let arranged = arrange(built)?;
        self.resolve_features(arranged, observer)
    }

    /// Normalise chunks in parallel, one at a time, taking each record's features with its
    /// keys still texts ([`PendingFeatures`]), while the previous chunk's keys are interned
    /// (in arrival order, and so on one thread): the sequential part overlaps the parallel
    /// one instead of waiting for it. `fill` appends the next chunk to the empty vector it is
    /// given, and appends nothing at the end.
    ///
    /// The chunk vectors are reused from one chunk to the next: a chunk is megabytes, which
    /// the allocator would otherwise hand back to the system and take again, zeroed, a
    /// hundred times over in a million records.
    ///
    /// `expected` is the records' size hint. The vectors kept for every record are reserved
    /// for its upper bound when there is one and the memory can be had (a reservation is only
    /// address space until it is written), else for its lower bound: growing them by doubling
    /// copies a million records' features about once more and writes to twice the memory.
    fn normalise_pipelined<T: Send>(
        &self,
        mut fill: impl FnMut(&mut Vec<T>),
        expected: (usize, Option<usize>),
        normalise: impl Fn(T, &mut NormalizeMemo) -> NormalizedRecord + Sync,
    ) -> Built {
        // A memo for each worker (the one interning keys steals normalising tasks when it is
        // done) and a spare: values repeat across chunks, so the memos live as long as the
        // run, and no longer (they hold names).
        let memos = MemoPool::new(
            rayon::current_num_threads() + 1,
            NormalizeMemo::with_capacity,
        );
        let mut built = Built {
            keys: KeySpace::default(),
            features: reserved(expected),
            references: reserved(expected),
            observed: reserved(expected),
            locality: reserved(expected),
        };
        let mut builder = FeatureBuilder::default();
        // Keys are hashed where their features are taken, for the interners they go to.
        let hashers = built.keys.hashers();
        let mut chunk: Vec<T> = Vec::new();
        // The chunk whose keys are being interned, and the one being normalised.
        let mut pending: Vec<Normalised> = Vec::new();
        let mut normalized: Vec<Normalised> = Vec::new();
        loop {
            fill(&mut chunk);
            let last = chunk.is_empty();
            rayon::join(
                || {
                    let mut records = pending.drain(..);
                    while let Some(n) = records.next() {
                        if let Some(ahead) = records.as_slice().get(INTERN_PREFETCH_DISTANCE) {
                            FeatureBuilder::prefetch(&ahead.features, &built.keys);
                        }
                        built
                            .features
                            .push(builder.finish(n.features, &mut built.keys));
                        built.observed.push(n.observed_at);
                        built.references.push(n.reference);
                        built.locality.push(n.locality);
                    }
                },
                // Each input is consumed where it is normalised, and the normalised record
                // where its features are taken: both are freed while their memory is still
                // in that core's cache, by the thread that allocated the normalised record.
                || {
                    chunk
                        .par_drain(..)
                        .map_init(
                            || memos.lend(),
                            |memo, t| {
                                let n = normalise(t, memo.memo());
                                Normalised {
                                    features: PendingFeatures::of(&n, &hashers),
                                    locality: order::locality(&n),
                                    reference: n.reference,
                                    observed_at: n.observed_at,
                                }
                            },
                        )
                        .collect_into_vec(&mut normalized);
                },
            );
            if last {
                return built;
            }
            std::mem::swap(&mut pending, &mut normalized);
        }
    }

    /// Resolve records that are already normalised.
    pub fn resolve_normalized(
        &self,
        records: Vec<NormalizedRecord>,
    ) -> Result<Resolution, ResolveError> {
        if u32::try_from(records.len()).is_err() {
            return Err(ResolveError::TooManyRecords(records.len()));
        }
        let mut keys = KeySpace::default();
        let mut builder = FeatureBuilder::default();
        let features = records
            .iter()
            .map(|r| builder.build(r, &mut keys))
            .collect();
        let locality = records.iter().map(order::locality).collect();
        let observed = records.iter().map(|r| r.observed_at).collect();
        let references = records.into_iter().map(|r| r.reference).collect();
        let built = Built {
            keys,
            features,
            references,
            observed,
            locality,
        };
        self.resolve_features(arrange(built)?, &mut ())
    }

    /// Resolve records [`arrange`]d in working order.
    fn resolve_features(
        &self,
        arranged: Arranged,
        observer: &mut dyn StageObserver,
    ) -> Result<Resolution, ResolveError> {
        let Arranged {
            mut keys,
            features,
            references,
            order,
            sources,
            observed,
        } = arranged;
        // Every key is interned: from here on keys are only resolved, and the lookup tables
        // would sit through the stages that need the most memory (a no-op when the caller
        // has released them already).
        keys.release_tables();
        observer.stage_started(Stage::Block);
        // Shared values and term frequencies are single passes over the records; they run
        // beside blocking, whose serial steps would otherwise leave a core idle.
        let ((shared, mut tf), (candidates, blocking)) = rayon::join(
            || {
                (
                    shared_values(&features, &order, &keys),
                    TermFrequencies::count(&features, &keys),
                )
            },
            || {
                candidate_pairs(
                    &features,
                    &sources,
                    &self.rules,
                    self.mode,
                    self.max_block_size
                        .or(self.population.map(|p| p.max_block_size)),
                    &keys,
                )
            },
        );
        if let Some(p) = &self.population {
            tf.frozen_total = Some(p.records);
        }
        let pairs = candidates;
        let comparable_pairs = comparable_pairs(&sources, self.mode);

        let comparator = Comparator {
            keys: &keys,
            shared: &shared,
        };
        let mut model = self.model.clone();
        let mut training = None;
        let defaults = MatchModel::default();
        if self.train {
            observer.stage_started(Stage::SampleRandomPairs);
            let random = self.random_patterns(&features, &order, &sources, &pairs, &comparator);
            model
                .parameters
                .estimate_u(&random, Some((&defaults.parameters, PRIOR_STRENGTH_U)));
        }

        // One pass over the candidates: each pair's pattern and term-frequency adjustment.
        // Both depend only on `u`, which training no longer changes from here, so EM and
        // scoring share the pass.
        observer.stage_started(Stage::Compare);
        let compared = compare_candidates(&pairs, &features, &order, &comparator, &model, &tf);
        if self.train {
            observer.stage_started(Stage::Train);
            // Ten million pairs at a million records: counted in chunks on every core.
            let patterns = compared.patterns.len();
            let per_pattern = compared
                .pairs
                .par_chunks(1 << 16)
                .fold(
                    || vec![0u64; patterns],
                    |mut counts, chunk| {
                        for &(id, _) in chunk {
                            counts[id as usize] += 1;
                        }
                        counts
                    },
                )
                .reduce(
                    || vec![0u64; patterns],
                    |mut total, counts| {
                        total.iter_mut().zip(counts).for_each(|(t, c)| *t += c);
                        total
                    },
                );
            let counts: HashMap<Pattern, u64> =
                compared.patterns.iter().copied().zip(per_pattern).collect();
            // EM works with the population prior: the share of matching pairs among all the
            // pairs the mode allows, not among candidates. A pair's posterior given its whole
            // comparison vector does not depend on how blocking found it, so the E-step is
            // right for candidates, and almost every match is a candidate, so the M-step's
            // `m` is unbiased. A candidate-level prior would count the blocking agreement twice.
            model.parameters.prior = (model.matches_per_record * features.len() as f64
                / 2.0
                / comparable_pairs.max(1.0))
            .clamp(1e-12, 0.5);
            let labelled = self.labelled_patterns(&references, &order, &features, &comparator);
            training = Some(if labelled.is_empty() {
                model.parameters.train_m(
                    &counts,
                    self.em_iterations,
                    1e-6,
                    Some((&defaults.parameters, PRIOR_STRENGTH_M)),
                    Some(comparable_pairs),
                )
            } else {
                model.parameters.estimate_m_from_labels(&labelled);
                model.parameters.train_prior(
                    &counts,
                    self.em_iterations,
                    1e-6,
                    Some(comparable_pairs),
                )
            });
            model.parameters.cap_at_exact();
            // Keep the prior in scale-free form, matches per record, from which each run
            // derives its own.
            if !features.is_empty() {
                let matching_pairs = model.parameters.prior * comparable_pairs;
                model.matches_per_record = (2.0 * matching_pairs / features.len() as f64).max(1e-6);
            }
        }

        observer.stage_started(Stage::Cluster);
        let prior_weight = match &self.population {
            Some(p) => p.prior_weight(&model),
            None => model.scoring_prior_weight(features.len(), comparable_pairs),
        };
        let levels = LevelWeights::new(&model);
        // Worked out again: training may have moved `u` since the compare stage.
        let tf_cache = TfAdjustments::new(&tf, &model);
        let scorer = Scorer {
            model: &model,
            levels: &levels,
            tf: &tf,
            tf_cache: Some(&tf_cache),
            prior_weight,
        };
        let min_weight = weight_of(self.threshold);
        let pattern_weights: Vec<f64> = compared
            .patterns
            .iter()
            .map(|pattern| prior_weight + model.parameters.evidence_weight(pattern))
            .collect();
        // Links join records by their reference rank, not their position: clustering breaks
        // ties by record number, and the roots it picks name the customers, which must not
        // depend on how features are laid out (real-time resolution numbers records by
        // reference too).
        let ranks = order.ranks();
        let links: Vec<Link> = pairs
            .par_iter()
            .zip(&compared.pairs)
            .zip(&compared.conflicts)
            .filter_map(|((&pair, &(id, tf_adjustment)), &conflict)| {
                let weight = pattern_weights[id as usize] + f64::from(tf_adjustment);
                (weight >= min_weight).then(|| {
                    let (a, b) = unpack(pair);
                    Link {
                        a: ranks[a],
                        b: ranks[b],
                        weight,
                        conflict: Some(conflict),
                    }
                })
            })
            .collect();
        // Clustering needs only the links: the pairs and their comparisons make room for it.
        drop(compared);
        drop(pairs);
        let position = |r: &RecordRef| references.binary_search(r).ok().map(|i| i as u32);
        let cannot_link: Vec<(u32, u32)> = self
            .cannot_link
            .iter()
            .filter_map(|(a, b)| Some((position(a)?, position(b)?)))
            .collect();
        let guard = || Guard {
            features: &features,
            positions: Some(order.positions()),
            comparator: &comparator,
            scorer: &scorer,
            cannot_link: &cannot_link,
            min_weight,
        };
        let clustering = cluster_in_parallel(features.len(), links, min_weight, guard);
        observer.stage_started(Stage::AssignIds);
        let customer_ids = customer_ids(&references, &observed, &clustering.cluster_of);
        observer.stage_started(Stage::Done);
        Ok(Resolution {
            references,
            order,
            cluster_of: clustering.cluster_of,
            customer_ids,
            decisions: clustering.decisions,
            features,
            keys,
            shared,
            tf,
            model,
            prior_weight,
            threshold: self.threshold,
            blocking,
            training,
        })
    }

    /// Patterns of the host's labelled matching pairs that are in the input.
    fn labelled_patterns(
        &self,
        references: &[RecordRef],
        order: &RecordOrder,
        features: &[RecordFeatures],
        comparator: &Comparator<'_>,
    ) -> HashMap<Pattern, u64> {
        let position = |r: &RecordRef| Some(order.position(references.binary_search(r).ok()?));
        let mut counts = HashMap::new();
        for (a, b) in &self.labelled_matches {
            if let (Some(x), Some(y)) = (position(a), position(b)) {
                let c = comparator.compare(&features[x], &features[y]);
                *counts.entry(c.pattern).or_insert(0u64) += 1;
            }
        }
        counts
    }

    /// Patterns of random pairs, for the `u` probabilities: every pair when there are few
    /// records, a seeded sample otherwise.
    ///
    /// Candidate pairs are left out: nearly every true match is a candidate, so what remains
    /// is non-matches, even on small data where a random pair is often a match. On large data
    /// the non-matches left out are a negligible share of all non-matches.
    fn random_patterns(
        &self,
        features: &[RecordFeatures],
        order: &RecordOrder,
        sources: &[u32],
        candidates: &[u64],
        comparator: &Comparator<'_>,
    ) -> HashMap<Pattern, u64> {
        let n = features.len() as u64;
        let mut counts = HashMap::new();
        if n < 2 {
            return counts;
        }
        let target = self
            .random_pairs
            .unwrap_or_else(|| (RANDOM_PAIRS_PER_RECORD * n as usize).clamp(10_000, 1_000_000))
            as u64;
        let all = n * (n - 1) / 2;
        // The sample is drawn sequentially (one seeded stream), then compared in parallel.
        // Records are drawn by their reference rank, so that the sample does not depend on
        // how features are laid out, and found by their position on all cores.
        let mut drawn: Vec<(u32, u32)> = Vec::new();
        if all <= target {
            for a in 0..n as u32 {
                drawn.extend((a + 1..n as u32).map(|b| (a, b)));
            }
        } else {
            let mut rng = SplitMix64::new(self.seed);
            drawn.extend((0..target).map(|_| {
                let a = rng.below(n);
                let b = rng.below(n - 1);
                let b = if b >= a { b + 1 } else { b };
                (a as u32, b as u32)
            }));
        }
        let positions = order.positions();
        let mut sample: Vec<u64> = drawn
            .into_par_iter()
            .filter_map(|(a, b)| {
                let (a, b) = (positions[a as usize], positions[b as usize]);
                self.mode
                    .allows(sources[a as usize], sources[b as usize])
                    .then(|| u64::from(a.min(b)) << 32 | u64::from(a.max(b)))
            })
            .collect();
        // Sorted, the sample leaves out candidates in a merge walk (each chunk's from the
        // first candidate at or after its first pair, so that no core waits for a walk over
        // every candidate), and comparing it walks the first record of each pair in memory
        // order. Counts do not depend on the order. Radix-sorted, as blocking's pairs are:
        // 10.6 -> 6.5 ms for a million.
        rdst::RadixSort::radix_sort_unstable(sample.as_mut_slice());
        let partial: Vec<FastMap<Pattern, u64>> = sample
            .par_chunks(CHUNK)
            .map(|chunk| {
                let mut counts = FastMap::default();
                let first = candidates.partition_point(|&c| c < chunk[0]);
                let mut next_candidate = candidates[first..].iter().peekable();
                for (k, &pair) in chunk.iter().enumerate() {
                    while next_candidate.next_if(|&&c| c < pair).is_some() {}
                    if next_candidate.peek() == Some(&&pair) {
                        continue;
                    }
                    // Random pairs: both records are scattered.
                    if let Some(&ahead) = chunk.get(k + PREFETCH_DISTANCE) {
                        let (a, b) = unpack(ahead);
                        prefetch(&features[a]);
                        prefetch(&features[b]);
                    }
                    let (a, b) = order.by_rank(unpack(pair));
                    let c = comparator.compare(&features[a], &features[b]);
                    *counts.entry(c.pattern).or_insert(0u64) += 1;
                }
                counts
            })
            .collect();
        for part in partial {
            for (pattern, n) in part {
                *counts.entry(pattern).or_insert(0) += n;
            }
        }
        counts
    }
}

/// An empty vector with room for `(lower, upper)` items (a size hint): for the upper bound
/// when there is one and the allocator grants it, else for the lower bound if it grants that,
/// else none (the vector grows as it must). No bound above [`MAX_RECORDS`] is asked for.
fn reserved<T>((lower, upper): (usize, Option<usize>)) -> Vec<T> {
    let mut v = Vec::new();
    let granted = |v: &mut Vec<T>, n: usize| n <= MAX_RECORDS && v.try_reserve_exact(n).is_ok();
    if !upper.is_some_and(|upper| granted(&mut v, upper)) {
        granted(&mut v, lower);
    }
    v
}

/// The most records one resolution takes: record positions are `u32`s.
const MAX_RECORDS: usize = u32::MAX as usize;

/// What batch resolution keeps of a normalised record: its features, keys not yet interned,
/// its reference and its observation time.
struct Normalised {
    features: PendingFeatures,
    /// See [`order::locality`].
    locality: u64,
    reference: RecordRef,
    observed_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Records' comparison features, in arrival order, with the keys they were interned into.
struct Built {
    keys: KeySpace,
    features: Vec<RecordFeatures>,
    references: Vec<RecordRef>,
    observed: Vec<Option<chrono::DateTime<chrono::Utc>>>,
    /// Each record's [`order::locality`].
    locality: Vec<u64>,
}

/// Records arranged for resolution (see [`order`]): what blocking and comparing read, in
/// working order; what decides the outcome, in reference order.
struct Arranged {
    keys: KeySpace,
    /// In working order, as are `sources`.
    features: Vec<RecordFeatures>,
    /// Each record's source, numbered by [`source_numbers`].
    sources: Vec<u32>,
    /// In reference order, as is `observed`.
    references: Vec<RecordRef>,
    observed: Vec<Option<chrono::DateTime<chrono::Utc>>>,
    order: RecordOrder,
}

/// Put built records in working order, or name a reference that is there twice.
///
/// The features are permuted in place, so that they never exist twice; beside them, on the
/// other thread, the (much smaller) references and times are gathered into new vectors. The
/// permutation takes the longer, so the other thread also does what the next stages would
/// otherwise do alone: it numbers the sources and frees the interners' tables.
fn arrange(built: Built) -> Result<Arranged, ResolveError> {
    let Built {
        keys,
        mut features,
        mut references,
        observed,
        locality,
    } = built;
    let by_reference = match order::reference_order(&references) {
        Ok(by_reference) => by_reference,
        Err(duplicate) => return Err(ResolveError::DuplicateRecord(references[duplicate].clone())),
    };
    let (arrival, order) = order::working_order(&by_reference, &locality);
    drop(locality);
    let for_features = arrival.clone();
    let ranks = order.ranks();
    let ((), (references, sources, observed, keys)) = rayon::join(
        || permute(&mut features, for_features),
        // Moved in, so that the vectors gathered from are freed here.
        move || {
            let vacated = || RecordRef {
                source: SourceSystem(String::new()),
                key: RecordKey(String::new()),
            };
            let references = gather(&mut references, &by_reference, vacated);
            let observed: Vec<_> = by_reference.iter().map(|&i| observed[i as usize]).collect();
            let by_rank = source_numbers(&references);
            let sources = ranks.iter().map(|&rank| by_rank[rank as usize]).collect();
            let mut keys = keys;
            keys.release_tables();
            (references, sources, observed, keys)
        },
    );
    Ok(Arranged {
        keys,
        features,
        references,
        order,
        sources,
        observed,
    })
}

/// Random pairs sampled per record for `u` by default. Measured on 100 000 generated records,
/// 2 000 000 random pairs (20 per record) and 500 000 give the same accuracy to the third
/// decimal, and the sample cost as much time as comparing every candidate pair.
const RANDOM_PAIRS_PER_RECORD: usize = 5;

/// How many records ahead feature building asks for the interner slots of a record's keys
/// (see [`FeatureBuilder::prefetch`]).
const INTERN_PREFETCH_DISTANCE: usize = 2;

/// Records normalised per parallel batch in [`Resolver::resolve`].
const NORMALISE_CHUNK: usize = 1 << 13;

/// Candidate pairs compared per parallel task: large enough to amortise scheduling, small
/// enough to balance two cores.
const CHUNK: usize = 1 << 14;

/// Every candidate pair's comparison, compactly: each distinct pattern once, and per pair (in
/// pair order) the index of its pattern and its summed term-frequency adjustment. Millions of
/// pairs share a few thousand patterns, so a pair costs 8 bytes instead of a whole pattern.
struct Compared {
    patterns: Vec<Pattern>,
    pairs: Vec<(u32, f32)>,
    /// Each pair's conflict, in pair order, so that clustering need not compare the pair
    /// again to merge two single records.
    conflicts: Vec<Option<Conflict>>,
}

/// How many pairs ahead the pair loops ask for records' features (see [`prefetch`]): far
/// enough for a load from main memory to finish during the comparisons in between.
const PREFETCH_DISTANCE: usize = 6;

/// Compare every candidate pair, in parallel. Pattern indices are numbered in pair order, so
/// the result does not depend on the number of threads.
fn compare_candidates(
    pairs: &[u64],
    features: &[RecordFeatures],
    order: &RecordOrder,
    comparator: &Comparator<'_>,
    model: &MatchModel,
    tf: &TermFrequencies,
) -> Compared {
    let adjustments = TfAdjustments::new(tf, model);
    let mut out = vec![(0u32, 0f32); pairs.len()];
    let mut conflicts = vec![None; pairs.len()];
    // Each chunk numbers its own patterns; the local numbers are mapped to global ones below.
    let local_tables: Vec<Vec<Pattern>> = pairs
        .par_chunks(CHUNK)
        .zip(out.par_chunks_mut(CHUNK))
        .zip(conflicts.par_chunks_mut(CHUNK))
        .map(|((chunk, slots), conflict_slots)| {
            let mut index: FastMap<Pattern, u32> = FastMap::default();
            let mut table = Vec::new();
            for (k, ((&pair, slot), conflict)) in
                chunk.iter().zip(slots).zip(conflict_slots).enumerate()
            {
                // Pairs are sorted, so the first records come in memory order; the second
                // ones are scattered: ask for one a few pairs ahead.
                if let Some(&ahead) = chunk.get(k + PREFETCH_DISTANCE) {
                    prefetch(&features[unpack(ahead).1]);
                }
                let (a, b) = order.by_rank(unpack(pair));
                let c = comparator.compare(&features[a], &features[b]);
                *conflict = c.conflict;
                let adjustment: f64 = adjustments.adjustments(&c).iter().sum();
                let id = *index.entry(c.pattern).or_insert_with(|| {
                    table.push(c.pattern);
                    (table.len() - 1) as u32
                });
                *slot = (id, adjustment as f32);
            }
            table
        })
        .collect();
    let mut index: FastMap<Pattern, u32> = FastMap::default();
    let mut patterns = Vec::new();
    let remaps: Vec<Vec<u32>> = local_tables
        .iter()
        .map(|table| {
            table
                .iter()
                .map(|p| {
                    *index.entry(*p).or_insert_with(|| {
                        patterns.push(*p);
                        (patterns.len() - 1) as u32
                    })
                })
                .collect()
        })
        .collect();
    out.par_chunks_mut(CHUNK)
        .zip(&remaps)
        .for_each(|(slots, remap)| {
            for slot in slots {
                slot.0 = remap[slot.0 as usize];
            }
        });
    Compared {
        patterns,
        pairs: out,
        conflicts,
    }
}

/// How many pairs of records the mode allows comparing.
fn comparable_pairs(sources: &[u32], mode: LinkMode) -> f64 {
    let n = sources.len() as f64;
    // Sources are numbered densely from 0 (see `source_numbers`). Counts and sums are of
    // whole numbers far below 2^53, so they are exact in any order.
    let mut per_source: Vec<f64> = Vec::new();
    for &s in sources {
        let s = s as usize;
        if s >= per_source.len() {
            per_source.resize(s + 1, 0.0);
        }
        per_source[s] += 1.0;
    }
    let within: f64 = per_source.iter().map(|k| k * (k - 1.0) / 2.0).sum();
    match mode {
        LinkMode::DeduplicateAndLink => n * (n - 1.0) / 2.0,
        LinkMode::Deduplicate => within,
        LinkMode::Link => n * (n - 1.0) / 2.0 - within,
    }
}

/// Each record's source as a number, numbered in order of first appearance (records of one
/// source are mostly adjacent, so most records compare their source with the previous one
/// only).
fn source_numbers(references: &[RecordRef]) -> Vec<u32> {
    let mut source_ids: BTreeMap<&str, u32> = BTreeMap::new();
    let mut last: Option<(&str, u32)> = None;
    references
        .iter()
        .map(|r| {
            let source = r.source.as_str();
            match last {
                Some((name, id)) if name == source => id,
                _ => {
                    let next = source_ids.len() as u32;
                    let id = *source_ids.entry(source).or_insert(next);
                    last = Some((source, id));
                    id
                }
            }
        })
        .collect()
}

fn unpack(pair: u64) -> (usize, usize) {
    ((pair >> 32) as usize, (pair & 0xFFFF_FFFF) as usize)
}

/// Fewer values than this and term frequencies are noise (two records of two share "smith").
const MIN_TF_VALUES: u64 = 200;

/// The largest term-frequency adjustment, in bits, either way: one value's frequency should
/// nudge a comparison's weight, not overturn the others.
const MAX_TF_ADJUSTMENT: f64 = 5.0;

/// The values of a record whose frequencies adjust weights, as `(comparison, value)`, each
/// once.
pub(crate) fn tf_values(f: &RecordFeatures, seen: &mut Vec<(usize, Sym)>) {
    seen.clear();
    for n in &f.names {
        if let Some(g) = n.given.get() {
            seen.push((index::GIVEN, g));
        }
        if let Some(x) = n.family.get() {
            seen.push((index::FAMILY, x));
        }
    }
    seen.extend(f.emails.iter().map(|e| (index::EMAIL, e.canonical)));
    seen.extend(f.phones.iter().map(|p| (index::PHONE, p.e164)));
    for a in &f.addresses {
        seen.extend(a.street.get().map(|s| (index::ADDRESS, s)));
        seen.extend(a.postcode.get().map(|s| (index::POSTCODE, s)));
        seen.extend(a.locality.get().map(|s| (index::LOCALITY, s)));
    }
    seen.sort_unstable();
    seen.dedup();
}

/// How often each value occurs, for term-frequency adjustments.
#[derive(Debug, Clone, Default)]
pub(crate) struct TermFrequencies {
    /// Per comparison: counts indexed by symbol, and the total.
    counts: Vec<(Vec<u32>, u64)>,
    /// With a [`Population`]: its size is the total, and counts are rounded down to a power
    /// of two, so a value's weight changes only when its count crosses a power of two.
    pub(crate) frozen_total: Option<u64>,
}

/// A count rounded down to a power of two (0 stays 0).
pub(crate) fn tf_bucket(count: u32) -> u32 {
    if count == 0 {
        0
    } else {
        1 << (31 - count.leading_zeros())
    }
}

impl TermFrequencies {
    /// Add `delta` (+1 or -1) to the count of `sym` in comparison `c`.
    pub(crate) fn add(&mut self, c: usize, sym: Sym, delta: i32) {
        if self.counts.len() < index::COUNT {
            self.counts.resize(index::COUNT, (Vec::new(), 0));
        }
        let (v, total) = &mut self.counts[c];
        if v.len() <= sym as usize {
            v.resize(sym as usize + 1, 0);
        }
        v[sym as usize] = v[sym as usize].saturating_add_signed(delta);
        *total = total.saturating_add_signed(i64::from(delta));
    }

    /// How many records hold `sym` in comparison `c`.
    pub(crate) fn count_of(&self, c: usize, sym: Sym) -> u32 {
        self.counts
            .get(c)
            .and_then(|(v, _)| v.get(sym as usize).copied())
            .unwrap_or(0)
    }

    fn count(features: &[RecordFeatures], keys: &KeySpace) -> Self {
        let mut counts: Vec<(Vec<u32>, u64)> = vec![(Vec::new(), 0); index::COUNT];
        let mut bump = |c: usize, sym: Sym, size: usize| {
            let (v, total) = &mut counts[c];
            if v.len() < size {
                v.resize(size, 0);
            }
            v[sym as usize] += 1;
            *total += 1;
        };
        let mut seen: Vec<(usize, Sym)> = Vec::new();
        for f in features {
            tf_values(f, &mut seen);
            for &(c, sym) in &seen {
                let size = match c {
                    index::GIVEN | index::FAMILY => keys.names.len(),
                    index::EMAIL => keys.emails.len(),
                    index::PHONE => keys.phones.len(),
                    _ => keys.addresses.len(),
                };
                bump(c, sym, size);
            }
        }
        TermFrequencies {
            counts,
            frozen_total: None,
        }
    }

    /// Per comparison, `log2(u_exact / frequency(value))` for exact agreements on values whose
    /// frequency counts: a rare surname weighs more than "smith".
    pub(crate) fn adjustments(&self, model: &MatchModel, c: &Comparison) -> [f64; index::COUNT] {
        self.adjustments_by(c, |i, count| self.adjustment(model, i, count))
    }

    /// Per comparison, `adjustment(comparison, count)` of each agreement's value count.
    fn adjustments_by(
        &self,
        c: &Comparison,
        adjustment: impl Fn(usize, u32) -> Option<f64>,
    ) -> [f64; index::COUNT] {
        let mut out = [0.0; index::COUNT];
        for hit in c.tf.iter().flatten() {
            let i = usize::from(hit.comparison);
            if let Some(a) = adjustment(i, self.count_of(i, hit.value)) {
                out[i] = a;
            }
        }
        out
    }

    /// The adjustment of an exact agreement in comparison `c` on a value seen `count` times;
    /// `None` when the comparison is not adjusted or too few values were seen.
    fn adjustment(&self, model: &MatchModel, c: usize, count: u32) -> Option<f64> {
        let level = model
            .parameters
            .comparisons
            .get(c)
            .and_then(|p| p.levels.first())
            .filter(|level| level.term_frequency)?;
        let freq = self.frequency(c, count)?;
        Some(
            (level.u / freq)
                .log2()
                .clamp(-MAX_TF_ADJUSTMENT, MAX_TF_ADJUSTMENT),
        )
    }

    /// The share of values of comparison `c` that a value seen `count` times is, at least one
    /// in the total; `None` when too few values were seen for frequencies to mean anything.
    fn frequency(&self, c: usize, count: u32) -> Option<f64> {
        let (_, total) = self.counts.get(c)?;
        let (n, total) = match self.frozen_total {
            Some(frozen) => (tf_bucket(count), frozen),
            None => (count, *total),
        };
        if total < MIN_TF_VALUES {
            return None;
        }
        Some(f64::from(n.max(1)) / total as f64)
    }
}

/// Counts below this get their adjustment worked out once per model in [`TfAdjustments`].
const TF_SMALL_COUNTS: u32 = 4096;

/// [`TermFrequencies::adjustments`] for one model, with the adjustment of every small count
/// worked out once: most values are seen a few times, and the pair loop would otherwise take
/// a logarithm for each agreement. Gives exactly the same numbers.
pub(crate) struct TfAdjustments<'a> {
    tf: &'a TermFrequencies,
    model: &'a MatchModel,
    /// Per comparison, the adjustment by count below [`TF_SMALL_COUNTS`].
    small: Vec<Vec<Option<f64>>>,
}

impl<'a> TfAdjustments<'a> {
    pub(crate) fn new(tf: &'a TermFrequencies, model: &'a MatchModel) -> Self {
        let small = (0..index::COUNT)
            .map(|c| {
                (0..TF_SMALL_COUNTS)
                    .map(|n| tf.adjustment(model, c, n))
                    .collect()
            })
            .collect();
        TfAdjustments { tf, model, small }
    }

    /// The same as [`TermFrequencies::adjustments`].
    pub(crate) fn adjustments(&self, c: &Comparison) -> [f64; index::COUNT] {
        self.tf.adjustments_by(c, |i, count| {
            match self.small.get(i).and_then(|s| s.get(count as usize)) {
                Some(&cached) => cached,
                None => self.tf.adjustment(self.model, i, count),
            }
        })
    }
}

/// Values used by records whose given names clearly differ: household e-mails and landlines.
fn shared_values(
    features: &[RecordFeatures],
    order: &RecordOrder,
    keys: &KeySpace,
) -> SharedValues {
    let mut email_holders = Vec::new();
    let mut phone_holders = Vec::new();
    for (position, f) in features.iter().enumerate() {
        if let Some(name) = sharing_name(f, &keys.names) {
            let rank = order.rank(position) as u32;
            email_holders.extend(f.emails.iter().map(|e| holder(e.canonical, rank, name)));
            phone_holders.extend(f.phones.iter().map(|p| holder(p.e164, rank, name)));
        }
    }
    let shared = |holders: Vec<u128>, values: usize| {
        let mut shared = vec![false; values];
        for (value, names) in first_names(holders) {
            shared[value as usize] = names_differ(&names, keys);
        }
        shared
    };
    SharedValues {
        emails: shared(email_holders, keys.emails.len()),
        phones: shared(phone_holders, keys.phones.len()),
    }
}

/// The most different given names kept for one shared value.
const SHARING_NAMES: usize = 8;

/// A record holding a value, for [`first_names`]: the value, the record's reference rank and
/// its [`sharing_name`], packed so that integer order is value, then rank.
fn holder(value: Sym, rank: u32, name: Sym) -> u128 {
    u128::from(value) << 64 | u128::from(rank) << 32 | u128::from(name)
}

/// Each value whose holders have two different given names or more, with the names that
/// [`note_sharing_name`] keeps taking its holders in reference order (as real-time resolution
/// meets them). `holders` ([`holder`]s) may come in any order: sorted, each value's holders
/// are a run in reference order. A value whose holders share one name is left out: one name
/// cannot differ from itself.
fn first_names(mut holders: Vec<u128>) -> Vec<(Sym, Vec<Sym>)> {
    let value = |h: u128| (h >> 64) as Sym;
    let name = |h: u128| h as Sym;
    holders.par_sort_unstable();
    holders
        .par_chunk_by(|&x, &y| value(x) == value(y))
        .filter(|run| run.iter().any(|&h| name(h) != name(run[0])))
        .map(|run| {
            let mut names = Vec::with_capacity(SHARING_NAMES);
            for &h in run {
                note_sharing_name(&mut names, name(h));
            }
            (value(run[0]), names)
        })
        .collect()
}

/// The given name a record brings to shared-value detection: of its names' given names
/// (canonical where the nickname table knows them; initials left out), the least by text,
/// so that the order in which a record lists its names changes nothing, and neither does the
/// order in which keys were interned. One name, the usual case, is taken without reading it.
pub(crate) fn sharing_name(f: &RecordFeatures, names: &Interner) -> Option<Sym> {
    f.names
        .iter()
        .filter(|n| !n.given_is_initial)
        .filter_map(|n| n.given_canonical.get().or(n.given.get()))
        .min_by(|&a, &b| by_text(names, Some(a), Some(b)))
}

/// Add a holder's given name to a value's list (holders in reference order): the first
/// [`SHARING_NAMES`] different names are kept.
pub(crate) fn note_sharing_name(names: &mut Vec<Sym>, given: Sym) {
    if names.len() < SHARING_NAMES && !names.contains(&given) {
        names.push(given);
    }
}

/// Whether two of the names clearly differ: the value is shared by different people.
pub(crate) fn names_differ(names: &[Sym], keys: &KeySpace) -> bool {
    let differ = |a: Sym, b: Sym| {
        let (p, q) = (
            keys.names.resolve(a).as_bytes(),
            keys.names.resolve(b).as_bytes(),
        );
        !(within_one_edit(p, q) || jaro_winkler_from(p, q, 0.85) >= 0.85)
    };
    names
        .iter()
        .enumerate()
        .any(|(i, &a)| names[i + 1..].iter().any(|&b| differ(a, b)))
}

/// Each comparison's level weights, `log2(m / u)`, worked out once for a model rather than
/// for every pair a guard weighs.
#[derive(Debug, Clone)]
pub(crate) struct LevelWeights(Vec<Vec<f64>>);

impl LevelWeights {
    pub(crate) fn new(model: &MatchModel) -> Self {
        LevelWeights(
            model
                .parameters
                .comparisons
                .iter()
                .map(|c| c.levels.iter().map(LevelParams::weight).collect())
                .collect(),
        )
    }

    /// [`FsModel::evidence_weight`](crate::score::FsModel::evidence_weight): the same sum of
    /// the same numbers.
    fn evidence(&self, pattern: &Pattern) -> f64 {
        self.0
            .iter()
            .enumerate()
            .filter_map(|(i, weights)| pattern.level(i).and_then(|l| weights.get(usize::from(l))))
            .copied()
            .sum::<f64>()
    }
}

/// Weights of compared pairs: the pattern's weight plus term-frequency adjustments.
pub(crate) struct Scorer<'a> {
    pub(crate) model: &'a MatchModel,
    pub(crate) levels: &'a LevelWeights,
    pub(crate) tf: &'a TermFrequencies,
    /// The adjustments of `tf` for `model` worked out once, where the counts no longer change
    /// (batch clustering); real time, whose counts change with every record, has none.
    pub(crate) tf_cache: Option<&'a TfAdjustments<'a>>,
    /// The population prior of this run (see [`MatchModel::matches_per_record`]).
    pub(crate) prior_weight: f64,
}

impl Scorer<'_> {
    /// A candidate link's weight exactly as batch resolution computes it (the adjustment
    /// summed in `f32`), so links tie and sort the same in batch and real time.
    pub(crate) fn link_weight(&self, c: &Comparison) -> f64 {
        let adjustments = match self.tf_cache {
            Some(cache) => cache.adjustments(c),
            None => self.tf.adjustments(self.model, c),
        };
        let adjustment: f64 = adjustments.iter().sum();
        self.prior_weight + self.levels.evidence(&c.pattern) + f64::from(adjustment as f32)
    }
}

/// Checks merges of whole clusters: no hard conflict across them, fewer soft conflicts than
/// supporting pairs, and a mean match weight of the pairs across them of at least zero.
pub(crate) struct Guard<'a> {
    pub(crate) features: &'a [RecordFeatures],
    /// Where each record's features are in `features`, when records are numbered in
    /// another order (batch numbers them in reference order, keeps features in working
    /// order); `None` when a record's number is its index there.
    pub(crate) positions: Option<&'a [u32]>,
    pub(crate) comparator: &'a Comparator<'a>,
    pub(crate) scorer: &'a Scorer<'a>,
    /// Pairs of record indices that must never share a customer.
    pub(crate) cannot_link: &'a [(u32, u32)],
    /// The link threshold, as a weight.
    pub(crate) min_weight: f64,
}

/// The most cross pairs weighed for one merge; larger merges weigh an even sample.
const MAX_CROSS_PAIRS: usize = 400;

impl Guard<'_> {
    /// The features of record `i`.
    fn record(&self, i: usize) -> &RecordFeatures {
        match self.positions {
            Some(positions) => &self.features[positions[i] as usize],
            None => &self.features[i],
        }
    }
}

impl MergeGuard for Guard<'_> {
    fn check(
        &mut self,
        link: &Link,
        a: &[u32],
        b: &[u32],
        known: &KnownLinks,
    ) -> Result<(), Refusal> {
        if !self.cannot_link.is_empty() {
            let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
            let crosses = |x: u32, y: u32| {
                (small.contains(&x) && large.contains(&y))
                    || (small.contains(&y) && large.contains(&x))
            };
            if self.cannot_link.iter().any(|&(x, y)| crosses(x, y)) {
                return Err(Refusal::CannotLink);
            }
        }
        let mut tally = CrossPairs::default();
        let total = a.len() * b.len();
        let step = total.div_ceil(MAX_CROSS_PAIRS).max(1);
        for k in (0..total).step_by(step) {
            let (x, y) = (a[k / b.len()] as usize, b[k % b.len()] as usize);
            // The link's own pair (the only one across two single records), and any other
            // pair that is a link, was compared and weighed when the link was scored: take
            // its numbers from the link.
            let own = (x, y) == (link.a as usize, link.b as usize);
            let scored = if own {
                Some(link)
            } else {
                known.between(x as u32, y as u32)
            };
            if let Some((conflict, weight)) = scored.and_then(|l| Some((l.conflict?, l.weight))) {
                tally.add(conflict, weight, self.min_weight)?;
                continue;
            }
            let c = self.comparator.compare(self.record(x), self.record(y));
            tally.add(c.conflict, self.scorer.link_weight(&c), self.min_weight)?;
        }
        tally.verdict()
    }
}

/// What the pairs across two clusters say about merging them.
#[derive(Default)]
struct CrossPairs {
    sum: f64,
    weighed: usize,
    supporting: usize,
    soft: usize,
    first_soft: Option<Conflict>,
}

impl CrossPairs {
    /// Count one cross pair; a hard conflict refuses the merge at once.
    fn add(
        &mut self,
        conflict: Option<Conflict>,
        weight: f64,
        min_weight: f64,
    ) -> Result<(), Refusal> {
        match conflict {
            // Hard conflicts: no data-entry error makes a father his son or gives one
            // person two verified national IDs.
            Some(Conflict::ExclusiveIdentifier) => {
                return Err(Refusal::ExclusiveIdentifierConflict {
                    kind: "national_id".to_owned(),
                })
            }
            Some(Conflict::Generation) => {
                return Err(Refusal::Conflict {
                    detail: Conflict::Generation.describe().to_owned(),
                })
            }
            // Soft conflicts: a replaced given name or a garbled birth date happens in
            // real data, so one record that disagrees with one member of a cluster that
            // otherwise agrees does not veto the merge; a majority does.
            Some(other) => {
                self.soft += 1;
                self.first_soft.get_or_insert(other);
            }
            None => {}
        }
        if conflict.is_none() && weight >= min_weight {
            self.supporting += 1;
        }
        self.sum += weight;
        self.weighed += 1;
        Ok(())
    }

    fn verdict(self) -> Result<(), Refusal> {
        // Soft conflicts veto unless more pairs across the clusters support the merge on their
        // own than conflict: one replaced given name among agreeing records does not split a
        // person, but twins bridged by a record without a given name stay apart.
        if let Some(conflict) = self.first_soft.filter(|_| self.soft >= self.supporting) {
            return Err(Refusal::Conflict {
                detail: conflict.describe().to_owned(),
            });
        }
        let mean = self.sum / self.weighed.max(1) as f64;
        if mean < 0.0 {
            return Err(Refusal::WeakSupport {
                mean_weight: mean,
                pairs: self.weighed,
            });
        }
        Ok(())
    }
}

/// A customer's ID: derived from the customer's anchor (its oldest record), so the same data
/// gives the same IDs in any input order; kept stable across runs by
/// [`IdRegistry`](crate::profile::IdRegistry).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CustomerId(pub String);

impl fmt::Display for CustomerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Each record's customer ID: derived from its cluster's anchor, the oldest record (by
/// observation time, then reference), as [`IdRegistry`](crate::profile::IdRegistry) does for a
/// first run.
pub(crate) fn customer_ids(
    references: &[RecordRef],
    observed: &[Option<chrono::DateTime<chrono::Utc>>],
    cluster_of: &[u32],
) -> Vec<CustomerId> {
    // Records are in reference order, so the index breaks ties between equal times as the
    // registry's anchor rule does.
    let age = |i: usize| (observed[i].is_none(), observed[i], i);
    let mut anchor_of: Vec<u32> = vec![u32::MAX; cluster_of.len()];
    for (i, &root) in cluster_of.iter().enumerate() {
        let anchor = &mut anchor_of[root as usize];
        if *anchor == u32::MAX || age(i) < age(*anchor as usize) {
            *anchor = i as u32;
        }
    }
    // Indexed by root; other records' entries stay empty strings, which do not allocate.
    anchor_of
        .par_iter()
        .map(|&anchor| match anchor {
            u32::MAX => CustomerId(String::new()),
            i => crate::profile::derive_id(&references[i as usize], 0),
        })
        .collect()
}

/// The outcome of a batch resolution: which records are one customer, and why.
#[derive(Debug, Clone)]
pub struct Resolution {
    /// Every record, sorted: a record's index here is its index in `cluster_of`,
    /// `customer_ids` and decisions' links.
    references: Vec<RecordRef>,
    /// Where each record's features are in `features`, which is in working order.
    order: RecordOrder,
    /// For each record, the smallest record index in its customer (the customer's root).
    cluster_of: Vec<u32>,
    /// Customer IDs indexed by root (empty for records that are not a root).
    customer_ids: Vec<CustomerId>,
    decisions: Vec<Decision>,
    features: Vec<RecordFeatures>,
    keys: KeySpace,
    shared: SharedValues,
    tf: TermFrequencies,
    model: MatchModel,
    prior_weight: f64,
    threshold: f64,
    blocking: BlockingReport,
    training: Option<TrainingReport>,
}

impl Resolution {
    fn position(&self, record: &RecordRef) -> Option<usize> {
        self.references.binary_search(record).ok()
    }

    /// Every record, in canonical order (by source, then key).
    pub fn records(&self) -> &[RecordRef] {
        &self.references
    }

    /// Every record with its customer ID, in canonical order.
    pub fn assignments(&self) -> impl Iterator<Item = (&RecordRef, &CustomerId)> {
        self.references
            .iter()
            .zip(&self.cluster_of)
            .map(|(record, &root)| (record, &self.customer_ids[root as usize]))
    }

    /// The customer a record belongs to.
    pub fn customer_id(&self, record: &RecordRef) -> Option<&CustomerId> {
        self.position(record)
            .map(|i| &self.customer_ids[self.cluster_of[i] as usize])
    }

    /// Whether two records were resolved to one customer.
    pub fn same_customer(&self, a: &RecordRef, b: &RecordRef) -> bool {
        match (self.position(a), self.position(b)) {
            (Some(x), Some(y)) => self.cluster_of[x] == self.cluster_of[y],
            _ => false,
        }
    }

    /// How many customers were found.
    pub fn customer_count(&self) -> usize {
        self.cluster_of
            .iter()
            .enumerate()
            .filter(|&(i, &root)| i == root as usize)
            .count()
    }

    /// The customers with their records, in order of their first record.
    pub fn customers(&self) -> Vec<(CustomerId, Vec<RecordRef>)> {
        let mut groups: BTreeMap<u32, Vec<RecordRef>> = BTreeMap::new();
        for (i, &root) in self.cluster_of.iter().enumerate() {
            groups
                .entry(root)
                .or_default()
                .push(self.references[i].clone());
        }
        groups
            .into_iter()
            .map(|(root, records)| (self.customer_ids[root as usize].clone(), records))
            .collect()
    }

    /// The model the records were scored with (trained on them unless one was given).
    pub fn model(&self) -> &MatchModel {
        &self.model
    }

    /// What blocking did: the block-size limit, pairs per rule, dropped keys.
    pub fn blocking(&self) -> &BlockingReport {
        &self.blocking
    }

    /// How training went, when the model was trained on these records.
    pub fn training(&self) -> Option<&TrainingReport> {
        self.training.as_ref()
    }

    /// The match threshold, as a probability.
    pub fn threshold(&self) -> f64 {
        self.threshold
    }

    fn comparator(&self) -> Comparator<'_> {
        Comparator {
            keys: &self.keys,
            shared: &self.shared,
        }
    }

    /// Why two records do or do not match: the prior, each comparison's level with its `m`,
    /// `u` and match weight, term-frequency adjustments, the final weight and probability, and
    /// any conflict that rules the pair out. `None` when either record is unknown.
    pub fn explain_pair(&self, a: &RecordRef, b: &RecordRef) -> Option<PairExplanation> {
        let (x, y) = (self.position(a)?, self.position(b)?);
        let features = |i: usize| &self.features[self.order.position(i)];
        let comparison = self.comparator().compare(features(x), features(y));
        Some(explain::pair(
            a.clone(),
            b.clone(),
            &comparison,
            &self.model,
            self.prior_weight,
            &self.tf.adjustments(&self.model, &comparison),
        ))
    }

    /// How a customer's cluster was built: its records, the links that joined it, and the
    /// links that were refused and why (refused links touching the cluster).
    pub fn explain_customer(&self, id: &CustomerId) -> Option<ClusterExplanation> {
        // Only roots hold an ID; everyone else's entry is empty.
        let root = self
            .customer_ids
            .iter()
            .position(|c| !c.0.is_empty() && c == id)
            .map(|i| self.cluster_of[i])?;
        let records: Vec<RecordRef> = self
            .cluster_of
            .iter()
            .enumerate()
            .filter(|(_, &r)| r == root)
            .map(|(i, _)| self.references[i].clone())
            .collect();
        let in_cluster = |i: u32| self.cluster_of[i as usize] == root;
        let mut explanation = ClusterExplanation {
            customer: id.clone(),
            records,
            links: Vec::new(),
            refused: Vec::new(),
        };
        for d in &self.decisions {
            let (a, b) = (d.link.a, d.link.b);
            match &d.refusal {
                None if in_cluster(a) => explanation.links.push(self.link_explanation(d)),
                Some(_) if in_cluster(a) || in_cluster(b) => {
                    explanation.refused.push(self.link_explanation(d));
                }
                _ => {}
            }
        }
        Some(explanation)
    }

    /// Every refused link, with its reason.
    pub fn refused_links(&self) -> Vec<LinkExplanation> {
        self.decisions
            .iter()
            .filter(|d| d.refusal.is_some())
            .map(|d| self.link_explanation(d))
            .collect()
    }

    fn link_explanation(&self, d: &Decision) -> LinkExplanation {
        LinkExplanation {
            a: self.references[d.link.a as usize].clone(),
            b: self.references[d.link.b as usize].clone(),
            weight: d.link.weight,
            probability: probability(d.link.weight),
            refusal: d.refusal.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{
        comparable_pairs, first_names, holder, index, note_sharing_name, reserved, source_numbers,
        Guard, LevelWeights, LinkMode, MatchModel, ResolveError, Resolver, Scorer, TermFrequencies,
        TfAdjustments, CHUNK, NORMALISE_CHUNK,
    };
    use crate::cluster::{KnownLinks, Link, MergeGuard, Refusal};
    use crate::compare::{Comparison, TfHit};
    use crate::model::{PersonName, RecordRef, SourceRecord};
    use crate::score::Pattern;
    use crate::util::rng::SplitMix64;
    use std::collections::HashMap;

    #[test]
    fn reserved_takes_the_upper_bound_when_it_can_and_the_lower_when_it_cannot() {
        assert!(reserved::<u64>((2, Some(1000))).capacity() >= 1000);
        let too_big = reserved::<[u64; 4]>((7, Some(usize::MAX / 8)));
        assert!(too_big.capacity() >= 7 && too_big.capacity() < 1 << 20);
        assert_eq!(reserved::<u64>((0, None)).capacity(), 0);
        // A lower bound no allocator grants is not reserved, and not a panic.
        assert_eq!(reserved::<[u64; 4]>((usize::MAX / 8, None)).capacity(), 0);
    }

    /// An iterator whose size hint is wrong both ways.
    struct Lying<I>(I);

    impl<I: Iterator> Iterator for Lying<I> {
        type Item = I::Item;
        fn next(&mut self) -> Option<I::Item> {
            self.0.next()
        }
        fn size_hint(&self) -> (usize, Option<usize>) {
            (1_000, Some(1))
        }
    }

    #[test]
    fn size_hints_are_only_hints_and_chunks_are_reused_cleanly() {
        // More records than one normalising chunk, so that chunk vectors are reused; every
        // third record repeats the person of the one before.
        let records: Vec<SourceRecord> = (0..NORMALISE_CHUNK + 500)
            .map(|i| {
                let person = i - usize::from(i % 3 == 2);
                // A family name of letters for each person: `bac`, `cac`...
                let family: String = [person % 26, person / 26 % 26, person / 676]
                    .iter()
                    .map(|&d| char::from(b'a' + d as u8))
                    .collect();
                SourceRecord::new(if i % 2 == 0 { "crm" } else { "shop" }, i.to_string())
                    .name(PersonName::from_parts("Ann", format!("Mac{family}")))
                    .email(format!("ann.{family}@gmail.com"))
            })
            .collect();
        let resolver = Resolver::builder().build().unwrap();
        let expected = resolver.resolve(&records).unwrap();
        let streamed = resolver
            .resolve_iter(Lying(records.iter().rev().cloned()))
            .unwrap();
        assert_eq!(streamed.records(), expected.records());
        assert_eq!(
            streamed.assignments().collect::<Vec<_>>(),
            expected.assignments().collect::<Vec<_>>()
        );
        assert_eq!(expected.records().len(), records.len());
        // Every third record joined the one before it, and nothing else joined.
        let repeats = (0..records.len()).filter(|i| i % 3 == 2).count();
        assert_eq!(expected.customer_count(), records.len() - repeats);
    }

    #[test]
    fn a_repeated_record_is_an_error_naming_it() {
        let record = |source: &str, key: &str| {
            SourceRecord::new(source, key).name(PersonName::from_parts("Ann", "Lee"))
        };
        let records = vec![
            record("crm", "7"),
            record("shop", "7"),
            record("crm", "8"),
            record("crm", "7"),
        ];
        let resolver = Resolver::builder().build().unwrap();
        let repeated = records[0].reference();
        for result in [
            resolver.resolve(&records),
            resolver.resolve_iter(records.clone()),
        ] {
            match result {
                Err(ResolveError::DuplicateRecord(r)) => assert_eq!(r, repeated),
                other => panic!("expected a duplicate record error: {other:?}"),
            }
        }
        assert!(resolver.resolve_iter(records[..3].to_vec()).is_ok());
    }

    #[test]
    fn random_patterns_count_every_pair_but_the_candidates_when_the_sample_is_all_pairs() {
        // Enough records for more pairs than one compare chunk holds, so that chunks start
        // their walk over the candidates part-way through them.
        let (given, family) = (
            ["Ann", "Bob", "Cy", "Dee"],
            ["Lee", "Ng", "Ito", "Roe", "Poe"],
        );
        let records: Vec<SourceRecord> = (0..300)
            .map(|i| {
                SourceRecord::new("crm", i.to_string())
                    .name(PersonName::from_parts(given[i % 4], family[i % 5]))
                    .birth_date(format!("19{:02}-01-0{}", 40 + i % 50, 1 + i % 9))
            })
            .collect();
        let resolver = Resolver::builder().random_pairs(1 << 20).build().unwrap();
        let resolution = resolver.resolve(&records).unwrap();
        let n = records.len();
        assert!(n * (n - 1) / 2 > 2 * CHUNK);
        let pack = |a: usize, b: usize| (a as u64) << 32 | b as u64;
        let all: Vec<u64> = (0..n)
            .flat_map(|a| (a + 1..n).map(move |b| pack(a, b)))
            .collect();
        // Every seventh pair a candidate, runs of them at chunk boundaries too.
        let candidates: Vec<u64> = all
            .iter()
            .enumerate()
            .filter(|&(k, _)| k % 7 == 0 || (CHUNK - 3..CHUNK + 3).contains(&k))
            .map(|(_, &pair)| pair)
            .collect();
        let comparator = resolution.comparator();
        let counts = resolver.random_patterns(
            &resolution.features,
            &resolution.order,
            &vec![0; n],
            &candidates,
            &comparator,
        );
        let mut expected: HashMap<Pattern, u64> = HashMap::new();
        for &pair in all.iter().filter(|p| candidates.binary_search(p).is_err()) {
            let (a, b) = resolution.order.by_rank(super::unpack(pair));
            let c = comparator.compare(&resolution.features[a], &resolution.features[b]);
            *expected.entry(c.pattern).or_insert(0) += 1;
        }
        assert_eq!(
            counts.values().sum::<u64>(),
            (all.len() - candidates.len()) as u64
        );
        assert_eq!(counts, expected);
    }

    #[test]
    fn a_guard_takes_linked_pairs_from_their_links_and_compares_the_others() {
        let john = |source: &str, key: &str| {
            SourceRecord::new(source, key)
                .name(PersonName::from_parts("John", "Smith"))
                .email("john.smith@example.org")
                .birth_date("1985-04-12")
        };
        let records = [john("crm", "1"), john("crm", "2"), john("shop", "3")];
        let resolution = Resolver::builder()
            .build()
            .unwrap()
            .resolve(&records)
            .unwrap();
        assert_eq!(resolution.customer_count(), 1);
        let levels = LevelWeights::new(&resolution.model);
        let cache = TfAdjustments::new(&resolution.tf, &resolution.model);
        let scorer = Scorer {
            model: &resolution.model,
            levels: &levels,
            tf: &resolution.tf,
            tf_cache: Some(&cache),
            prior_weight: resolution.prior_weight,
        };
        let comparator = resolution.comparator();
        let mut guard = Guard {
            features: &resolution.features,
            positions: Some(resolution.order.positions()),
            comparator: &comparator,
            scorer: &scorer,
            cannot_link: &[],
            min_weight: 0.0,
        };
        // Records 0 and 1 are one cluster, 2 another; the link is 0-2. A weight no comparison
        // gives marks whether the guard used the link's numbers for that pair.
        let link = |conflict| Link {
            a: 0,
            b: 2,
            weight: -1e6,
            conflict,
        };
        let none = KnownLinks::default();
        match guard.check(&link(Some(None)), &[0, 1], &[2], &none) {
            Err(Refusal::WeakSupport { mean_weight, pairs }) => {
                assert_eq!(pairs, 2);
                assert!(mean_weight < -1e5, "{mean_weight}");
            }
            other => panic!("expected the link's own weight to sink the mean: {other:?}"),
        }
        // Not known when the link was scored: the guard compares the pair itself.
        assert_eq!(guard.check(&link(None), &[0, 1], &[2], &none), Ok(()));
        // Another pair across the clusters that is a known link (its ends either way round):
        // its numbers are taken from that link, and only the unknown pair is compared.
        let known = KnownLinks::of([Link {
            a: 2,
            b: 1,
            weight: -1e6,
            conflict: Some(None),
        }]);
        match guard.check(&link(None), &[0, 1], &[2], &known) {
            Err(Refusal::WeakSupport { mean_weight, pairs }) => {
                assert_eq!(pairs, 2);
                assert!(mean_weight < -1e5, "{mean_weight}");
            }
            other => panic!("expected the known link's weight to sink the mean: {other:?}"),
        }
        // A known link without its comparison (scored elsewhere) is compared again.
        let unscored = KnownLinks::of([Link {
            a: 1,
            b: 2,
            weight: -1e6,
            conflict: None,
        }]);
        assert_eq!(guard.check(&link(None), &[0, 1], &[2], &unscored), Ok(()));
    }

    #[test]
    fn cached_term_frequency_adjustments_are_the_same_numbers() {
        let model = MatchModel::default();
        let mut tf = TermFrequencies::default();
        // Family names: one value seen 9 000 times (beyond the cache), others a few times.
        for (sym, count) in [(0u32, 9_000), (1, 1), (2, 3), (3, 4_095), (4, 4_096)] {
            for _ in 0..count {
                tf.add(index::FAMILY, sym, 1);
            }
        }
        // E-mails: too few values for frequencies to count.
        tf.add(index::EMAIL, 0, 1);
        let hit = |comparison: usize, value: u32| {
            Some(TfHit {
                comparison: comparison as u8,
                value,
            })
        };
        for frozen in [None, Some(50_000)] {
            tf.frozen_total = frozen;
            let cached = TfAdjustments::new(&tf, &model);
            for value in 0..6 {
                let mut comparison = Comparison {
                    pattern: Pattern::all_null(),
                    tf: [None; 7],
                    conflict: None,
                };
                comparison.tf[0] = hit(index::FAMILY, value);
                comparison.tf[1] = hit(index::EMAIL, 0);
                let direct = tf.adjustments(&model, &comparison);
                assert!(direct[index::FAMILY] != 0.0, "{value}");
                if frozen.is_none() {
                    assert_eq!(direct[index::EMAIL], 0.0);
                }
                let bits = |a: [f64; index::COUNT]| a.map(f64::to_bits);
                assert_eq!(
                    bits(cached.adjustments(&comparison)),
                    bits(direct),
                    "{value}"
                );
            }
        }
    }

    #[test]
    fn sources_are_numbered_in_order_of_first_appearance_and_pairs_counted_per_mode() {
        let references: Vec<RecordRef> = ["crm", "crm", "web", "crm", "pos", "web"]
            .iter()
            .enumerate()
            .map(|(i, source)| RecordRef {
                source: (*source).into(),
                key: i.to_string().into(),
            })
            .collect();
        let sources = source_numbers(&references);
        assert_eq!(sources, [0, 0, 1, 0, 2, 1]);
        // Six records, 15 pairs: within sources 3 (crm) + 1 (web) + 0 (pos).
        assert_eq!(comparable_pairs(&sources, LinkMode::Deduplicate), 4.0);
        assert_eq!(comparable_pairs(&sources, LinkMode::Link), 11.0);
        assert_eq!(
            comparable_pairs(&sources, LinkMode::DeduplicateAndLink),
            15.0
        );
        assert_eq!(comparable_pairs(&[], LinkMode::Deduplicate), 0.0);
    }

    #[test]
    fn first_names_met_in_any_order_are_the_first_names_in_reference_order() {
        let mut rng = SplitMix64::new(11);
        for round in 0..200 {
            // Holders of a few values: a rank each, given names from a small pool so that
            // they repeat, met in a shuffled order.
            let values = 1 + rng.below(6) as u32;
            let pool = 1 + rng.below(14) as u32;
            let holders: Vec<(u32, u32)> = (0..1 + rng.below(80))
                .map(|_| {
                    (
                        rng.below(u64::from(values)) as u32,
                        rng.below(u64::from(pool)) as u32,
                    )
                })
                .collect();
            let mut expected = Vec::new();
            for value in 0..values {
                let mut names = Vec::new();
                for &(_, name) in holders.iter().filter(|(v, _)| *v == value) {
                    note_sharing_name(&mut names, name);
                }
                if names.len() > 1 {
                    expected.push((value, names));
                }
            }
            let mut met: Vec<u128> = holders
                .iter()
                .enumerate()
                .map(|(rank, &(value, name))| holder(value, rank as u32, name))
                .collect();
            for i in (1..met.len()).rev() {
                met.swap(i, rng.below(i as u64 + 1) as usize);
            }
            let found = first_names(met);
            assert_eq!(found, expected, "round {round}: holders {holders:?}");
        }
    }
}
