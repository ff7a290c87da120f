//! Comparing two records, attribute by attribute, into ordered comparison levels.

pub mod similarity;
