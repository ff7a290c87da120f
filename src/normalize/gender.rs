//! Gender, from the many ways systems write it.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{ascii_key, bounded, fold, Normalized, Normalizer, RawText, ValueFlags};

/// Gender as recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Gender {
    /// Female.
    Female,
    /// Male.
    Male,
    /// Another gender (non-binary, diverse, X).
    Other,
}

impl fmt::Display for Gender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Gender::Female => "female",
            Gender::Male => "male",
            Gender::Other => "other",
        })
    }
}

/// Normalises gender values: English, German, French, Spanish, Italian and Persian words and
/// letters, and the ISO/IEC 5218 codes (`1` male, `2` female, `0`/`9` not known).
///
/// "Not known" answers (`U`, `unknown`, `prefer not to say`, `0`) leave no value and are
/// flagged [`ValueFlags::EMPTY`]; anything unrecognised is flagged [`ValueFlags::INVALID`].
///
/// ```
/// use customer360::normalize::{Gender, GenderNormalizer, Normalizer};
/// assert_eq!(GenderNormalizer.normalize("F").value, Some(Gender::Female));
/// assert_eq!(GenderNormalizer.normalize("Männlich").value, Some(Gender::Male));
/// assert_eq!(GenderNormalizer.normalize("زن").value, Some(Gender::Female));
/// assert_eq!(GenderNormalizer.normalize("X").value, Some(Gender::Other));
/// assert_eq!(GenderNormalizer.normalize("unknown").value, None);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct GenderNormalizer;

const FEMALE: &[&str] = &[
    "f", "female", "fem", "w", "woman", "women", "girl", "feminine", "frau", "weiblich", "femme",
    "feminin", "mujer", "femenino", "donna", "femmina", "2", "زن", "مونث", "خانم", "دختر",
];
const MALE: &[&str] = &[
    "m",
    "male",
    "man",
    "men",
    "boy",
    "masculine",
    "herr",
    "mannlich",
    "maennlich",
    "homme",
    "masculin",
    "hombre",
    "masculino",
    "uomo",
    "maschio",
    "1",
    "مرد",
    "مذکر",
    "آقا",
    "پسر",
];
const OTHER: &[&str] = &[
    "x",
    "o",
    "other",
    "non binary",
    "nonbinary",
    "nb",
    "enby",
    "diverse",
    "divers",
    "d",
    "genderqueer",
    "intersex",
    "third gender",
    "autre",
    "otro",
    "altro",
    "سایر",
    "دیگر",
];
const NOT_KNOWN: &[&str] = &[
    "u",
    "unknown",
    "unspecified",
    "not specified",
    "not known",
    "prefer not to say",
    "not stated",
    "undisclosed",
    "declined",
    "n a",
    "na",
    "none",
    "0",
    "9",
    "unk",
    "?",
    "نامشخص",
];

impl Normalizer for GenderNormalizer {
    type Output = Gender;

    fn normalize(&self, raw: &str) -> Normalized<Gender> {
        self.normalize_text(raw)
    }
}

impl GenderNormalizer {
    /// [`normalize`](Normalizer::normalize) a text that is either borrowed (and copied into
    /// [`Normalized::original`]) or owned (and moved there).
    pub(crate) fn normalize_text(&self, raw: impl RawText) -> Normalized<Gender> {
        let (text, truncated) = bounded(raw.as_ref());
        let mut flags = if truncated {
            ValueFlags::TRUNCATED
        } else {
            ValueFlags::empty()
        };
        let folded = fold(text);
        if folded.is_empty() {
            return Normalized::unusable(raw, flags | ValueFlags::EMPTY);
        }
        let ascii = ascii_key(&folded);
        let is =
            |table: &[&str]| table.contains(&folded.as_str()) || table.contains(&ascii.as_str());
        if is(NOT_KNOWN) {
            return Normalized::unusable(raw, flags | ValueFlags::EMPTY);
        }
        let gender = if is(FEMALE) {
            Gender::Female
        } else if is(MALE) {
            Gender::Male
        } else if is(OTHER) {
            Gender::Other
        } else {
            flags |= ValueFlags::INVALID;
            return Normalized::unusable(raw, flags);
        };
        Normalized::new(raw, gender, flags)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_form_normalises_to_itself() {
        for g in [Gender::Female, Gender::Male, Gender::Other] {
            assert_eq!(GenderNormalizer.normalize(&g.to_string()).value, Some(g));
        }
    }

    #[test]
    fn unrecognised_is_invalid_not_guessed() {
        let n = GenderNormalizer.normalize("banana");
        assert_eq!(n.value, None);
        assert!(n.flags.contains(ValueFlags::INVALID));
    }
}
