//! Whole-record normalisation. (Stub.)
/// A normalised record.
#[derive(Debug, Clone, Default)]
pub struct NormalizedRecord {}
/// Normalises records.
#[derive(Debug, Clone, Default)]
pub struct RecordNormalizer {}
/// Builds a record normaliser.
#[derive(Debug, Clone, Default)]
pub struct RecordNormalizerBuilder {}
