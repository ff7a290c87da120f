//! Small internal tools shared by the pipeline stages.

pub(crate) mod fasthash;
pub(crate) mod interner;
pub(crate) mod memo;
pub(crate) mod permute;
pub(crate) mod prefetch;
pub(crate) mod rng;
