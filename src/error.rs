//! Errors: one enum per area, all converting into the umbrella [`Error`].

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in customer360.
///
/// Each area has its own error type ([`ModelError`], ...) so that a call shows only what it can
/// fail with; all convert into this one with `?`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A value broke a rule of the data model.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// An e-mail address was rejected by a strict parse.
    #[error(transparent)]
    Email(#[from] crate::normalize::EmailError),
    /// A phone number was rejected by a strict parse.
    #[error(transparent)]
    Phone(#[from] crate::normalize::PhoneError),
    /// A scoring model is malformed.
    #[error(transparent)]
    Score(#[from] ScoreError),
    /// A saved model could not be used.
    #[error(transparent)]
    ModelFile(#[from] ModelFileError),
    /// A resolver was configured wrongly.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Resolution could not run.
    #[error(transparent)]
    Resolve(#[from] ResolveError),
    /// Governance (catalogue, policy, audit, erasure) failed.
    #[error(transparent)]
    Govern(#[from] crate::govern::GovernError),
    /// A catalogue could not be loaded, or a record broke it.
    #[error(transparent)]
    Catalogue(#[from] crate::govern::CatalogueError),
    /// An access policy could not be loaded.
    #[error(transparent)]
    Policy(#[from] crate::govern::PolicyError),
    /// An audit sink failed.
    #[error(transparent)]
    Audit(#[from] crate::govern::AuditError),
    /// A real-time store could not be read or written.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// A region code was not two ASCII letters.
    #[error("invalid region code {0:?}: use an ISO 3166-1 alpha-2 code such as \"US\" or \"IR\"")]
    InvalidRegion(String),
}

/// A value broke a rule of the data model.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// A sentiment score outside `[-1, 1]` or not a number.
    #[error("sentiment score {0} is out of range: scores must be finite numbers from -1 to 1")]
    SentimentOutOfRange(f32),
    /// An NPS answer above 10.
    #[error("NPS answer {0} is out of range: NPS answers are whole numbers from 0 to 10")]
    NpsOutOfRange(u8),
    /// A CSAT answer outside 1–5.
    #[error("CSAT answer {0} is out of range: CSAT answers are whole numbers from 1 to 5")]
    CsatOutOfRange(u8),
    /// A field path that is not built in and not `identity.identifier.<kind>` or
    /// `custom.<name>`.
    #[error(
        "unknown field path {0:?}: use a built-in path such as \"identity.email\", \
         \"identity.identifier.<kind>\" or \"custom.<name>\" (names: 1-64 of A-Z a-z 0-9 _ -)"
    )]
    InvalidFieldPath(String),
}

/// A scoring model is malformed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ScoreError {
    /// More comparisons than a pattern holds.
    #[error("a model holds at most 16 comparisons, this one has {0}: drop or combine some")]
    TooManyComparisons(usize),
    /// A comparison with fewer than two levels, or too many.
    #[error("comparison {comparison:?} has {levels} levels: a comparison needs 2 to 254 levels")]
    BadLevelCount {
        /// The comparison.
        comparison: String,
        /// How many levels it has.
        levels: usize,
    },
    /// A probability outside its range.
    #[error(
        "{what} is {value}, which is not a probability in (0, 1]: retrain or fix the model file"
    )]
    BadProbability {
        /// Which parameter.
        what: String,
        /// Its value.
        value: f64,
    },
}

/// A saved model could not be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ModelFileError {
    /// The text is not a model in JSON.
    #[error("the model file is not valid model JSON: {0}")]
    Json(String),
    /// Another format version.
    #[error("the model file has format {found}, this version of customer360 reads format {expected}: retrain with --save-model")]
    Format {
        /// The version found.
        found: u32,
        /// The version this crate reads.
        expected: u32,
    },
    /// The model's comparisons are not this crate's.
    #[error("the model does not fit this version's comparisons ({0}): retrain with --save-model")]
    Shape(String),
    /// A parameter is out of range.
    #[error("the model has a bad parameter: {0}")]
    Parameters(String),
}

/// A resolver was configured wrongly.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The match threshold is not a probability strictly between 0 and 1.
    #[error("the match threshold {0} is not a probability strictly between 0 and 1 (try 0.95)")]
    Threshold(f64),
    /// No blocking rules.
    #[error("no blocking rules: give at least one, or leave the default set")]
    NoBlockingRules,
    /// The supplied model does not fit.
    #[error(transparent)]
    Model(#[from] ModelFileError),
}

/// Resolution could not run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ResolveError {
    /// Two records share a source and key.
    #[error("record {0} appears twice: keys must be unique within a source")]
    DuplicateRecord(crate::model::RecordRef),
    /// More records than one run can index.
    #[error("{0} records is more than one run can hold (at most 4 294 967 295)")]
    TooManyRecords(usize),
}
