//! Birth dates. (Stub: being implemented.)
use super::{Normalized, Normalizer, ValueFlags};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A date of which year, month and day may each be unknown.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub struct PartialDate {
    /// Year (Gregorian).
    pub year: Option<i32>,
    /// Month, 1–12.
    pub month: Option<u8>,
    /// Day of month, 1–31.
    pub day: Option<u8>,
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.year, self.month, self.day) {
            (Some(y), Some(m), Some(d)) => write!(f, "{y:04}-{m:02}-{d:02}"),
            (Some(y), Some(m), None) => write!(f, "{y:04}-{m:02}"),
            (Some(y), None, _) => write!(f, "{y:04}"),
            (None, Some(m), Some(d)) => write!(f, "--{m:02}-{d:02}"),
            _ => f.write_str("-"),
        }
    }
}

/// Which order day and month come in, for a source whose dates are written `NN/NN/YYYY`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateOrder {
    /// Not known: a date that reads both ways is flagged ambiguous.
    #[default]
    Unknown,
    /// `DD/MM/YYYY`.
    DayFirst,
    /// `MM/DD/YYYY`.
    MonthFirst,
}

/// A normalised birth date, with the other reading when the written form was ambiguous.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct NormalizedDate {
    /// The date (day-first reading when ambiguous and the order is unknown).
    pub date: PartialDate,
    /// The other reading of an ambiguous date.
    pub alternative: Option<PartialDate>,
}

impl fmt::Display for NormalizedDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.date)?;
        if let Some(alt) = &self.alternative {
            write!(f, "|{alt}")?;
        }
        Ok(())
    }
}

/// Parses birth dates in many written forms.
#[derive(Debug, Clone, Default)]
pub struct BirthDateNormalizer {
    order: DateOrder,
    today: Option<NaiveDate>,
}

impl BirthDateNormalizer {
    /// A normaliser for sources that write day and month in `order`.
    pub fn with_order(order: DateOrder) -> Self {
        BirthDateNormalizer { order, today: None }
    }
    /// Dates after `today` are flagged implausible. No clock is read: the host injects it.
    #[must_use]
    pub fn with_today(mut self, today: NaiveDate) -> Self {
        self.today = Some(today);
        self
    }
}

impl Normalizer for BirthDateNormalizer {
    type Output = NormalizedDate;
    fn normalize(&self, raw: &str) -> Normalized<NormalizedDate> {
        let _ = (self.order, self.today);
        Normalized::unusable(raw, ValueFlags::INVALID)
    }
}
