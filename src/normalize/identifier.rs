//! Typed identifiers: national ID, tax, passport, customer and loyalty numbers.
//!
//! [`IdentifierNormalizer`] documents the cleaning, the schemes and the flags.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::address::country_code;
use super::script::ascii_digit;
use super::text::is_invisible;
use super::{bounded, fold, is_placeholder_digits, is_placeholder_text};
use super::{Normalized, Normalizer, ValueFlags};
use crate::model::{Identifier, IdentifierKind};

/// A normalised identifier: separators stripped, letters upper-case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct NormalizedIdentifier {
    /// Kind.
    pub kind: IdentifierKind,
    /// Issuer, upper-case.
    pub issuer: Option<String>,
    /// The value.
    pub value: String,
}

impl fmt::Display for NormalizedIdentifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}

/// Normalises identifiers and validates checksums where a scheme has one.
///
/// Every identifier is cleaned the same way: separators and punctuation (spaces, `-`, `.`, `/`,
/// `_`, ...) are dropped, Persian, Arabic-Indic and full-width digits become ASCII, letters are
/// upper-cased (other scripts' letters are transliterated to ASCII), so the value is made of
/// `A-Z` and `0-9` only. The issuer is trimmed and upper-cased; for national kinds
/// ([`NationalId`](IdentifierKind::NationalId), [`Passport`](IdentifierKind::Passport),
/// [`TaxId`](IdentifierKind::TaxId), [`DriverLicence`](IdentifierKind::DriverLicence)) a country
/// name or code becomes its ISO alpha-2 code (`Iran`, `ایران` → `IR`; `UK` → `GB`).
///
/// Then, by kind and issuer, a scheme is checked:
///
/// | Kind                        | Issuer | Scheme                                                |
/// |-----------------------------|--------|-------------------------------------------------------|
/// | `national_id`, `tax_id`     | `IR`   | Iranian national code (کد ملی): 10 digits, 8–9 digit values left-padded with zeros, mod-11 check digit; all-same-digit codes invalid |
/// | `national_id`               | `US`   | Social Security number: 9 digits; area not 000, 666 or 9xx, group not 00, serial not 0000 |
/// | `tax_id`                    | `US`   | SSN, or ITIN (area 9xx with group 50–65, 70–88, 90–92, 94–99) |
/// | `national_id`, `tax_id`     | `NL`   | BSN: 9 digits (8 left-padded), 11-proof               |
/// | `national_id`, `tax_id`     | `SE`   | personnummer: `YYMMDDNNNC` or `YYYYMMDDNNNC`, Luhn; stored as the 10-digit form |
/// | `national_id`, `tax_id`     | `CA`   | Social Insurance Number: 9 digits, Luhn               |
/// | `national_id`               | `GB`   | National Insurance number: two prefix letters (allocation rules), six digits, optional suffix A–D |
///
/// **Flags.**
/// - [`EMPTY`](ValueFlags::EMPTY), no value: blank. Punctuation only (`---`) is `EMPTY` and
///   [`INVALID`](ValueFlags::INVALID), no value.
/// - [`INVALID`](ValueFlags::INVALID), no value: longer than the maximum length (64 characters
///   after cleaning by default: longer values are pasted text, not identifiers).
/// - [`INVALID`](ValueFlags::INVALID), value kept: the value breaks its scheme's structure (wrong
///   length, letters in a numeric scheme, an SSN area of 000). The cleaned value stays visible
///   for review; `INVALID` keeps it out of matching.
/// - [`VERIFIED`](ValueFlags::VERIFIED): the value passed its scheme's check.
/// - [`CHECKSUM_FAILED`](ValueFlags::CHECKSUM_FAILED), value kept: well-formed but the check
///   digit does not verify. This is **not** in [`ValueFlags::UNMATCHABLE`]: a mistyped digit is
///   the commonest failure, and two records agreeing on the same mistyped number are still
///   evidence. The matcher decides how much weight it gets.
/// - [`PLACEHOLDER`](ValueFlags::PLACEHOLDER), value kept: placeholder digits (`000000000`,
///   `123456789`, `999999999`, also behind a letter prefix: `AB000000`), junk words (`N/A`,
///   `unknown`, `test`, `XXXX`) and well-known specimen numbers (the Woolworth SSN 078-05-1120,
///   NINO prefix `QQ`).
/// - [`TRUNCATED`](ValueFlags::TRUNCATED): the raw value was over-long.
///
/// Unknown kinds and issuers are cleaned only.
///
/// ```
/// use customer360::normalize::{IdentifierNormalizer, ValueFlags};
/// use customer360::{Identifier, IdentifierKind};
///
/// let ids = IdentifierNormalizer::default();
///
/// // An Iranian national code, written with Persian digits and dashes.
/// let code = Identifier::new(IdentifierKind::NationalId, "۰۴۹-۹۳۷۰۸۹-۹").with_issuer("ir");
/// let n = ids.normalize_identifier(&code);
/// assert_eq!(n.value.as_ref().unwrap().value, "0499370899");
/// assert_eq!(n.value.as_ref().unwrap().issuer.as_deref(), Some("IR"));
/// assert!(n.is_matchable());
///
/// // One digit off: kept, but the check digit fails.
/// let typo = Identifier::new(IdentifierKind::NationalId, "0499370898").with_issuer("IR");
/// let n = ids.normalize_identifier(&typo);
/// assert!(n.flags.contains(ValueFlags::CHECKSUM_FAILED));
/// assert!(n.value.is_some());
///
/// // A placeholder.
/// let junk = Identifier::new(IdentifierKind::Customer, "000-000-000");
/// assert!(ids.normalize_identifier(&junk).flags.contains(ValueFlags::PLACEHOLDER));
///
/// // Anything else is cleaned: separators out, letters upper-case.
/// let passport = Identifier::new(IdentifierKind::Passport, " x93 841-27 ");
/// assert_eq!(ids.normalize_identifier(&passport).value.unwrap().value, "X9384127");
/// ```
#[derive(Debug, Clone)]
pub struct IdentifierNormalizer {
    max_len: usize,
}

impl Default for IdentifierNormalizer {
    fn default() -> Self {
        IdentifierNormalizer {
            max_len: Self::DEFAULT_MAX_LEN,
        }
    }
}

/// A checksum or structure scheme, chosen by kind and issuer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scheme {
    IranNationalCode,
    UsSsn,
    UsSsnOrItin,
    NlBsn,
    SePersonnummer,
    CaSin,
    GbNino,
}

/// Identifiers used as specimens in documentation and advertising.
const SPECIMEN_SSNS: &[&str] = &["078051120", "219099999", "457555462"];

/// Cleaned (upper-case, separator-free) words that stand for "no value" beyond those
/// [`is_placeholder_text`] knows.
const PLACEHOLDER_IDS: &[&str] = &[
    "NOTKNOWN",
    "NOTAVAILABLE",
    "NOTAPPLICABLE",
    "NOTPROVIDED",
    "NOTGIVEN",
    "NONUMBER",
    "NOID",
    "TESTTEST",
    "TESTUSER",
    "JOHNDOE",
    "JANEDOE",
    "TOBECONFIRMED",
];

impl IdentifierNormalizer {
    /// The default longest value, in characters after cleaning.
    pub const DEFAULT_MAX_LEN: usize = 64;

    /// A normaliser that accepts cleaned values of up to `max_len` characters (device and
    /// cookie identifiers can be longer than the default). Raw values are read up to
    /// [`MAX_VALUE_BYTES`](super::MAX_VALUE_BYTES) whatever the limit.
    #[must_use]
    pub fn with_max_len(mut self, max_len: usize) -> Self {
        self.max_len = max_len;
        self
    }

    /// Normalise a typed identifier.
    pub fn normalize_identifier(&self, id: &Identifier) -> Normalized<NormalizedIdentifier> {
        let (text, truncated) = bounded(&id.value);
        let mut flags = if truncated {
            ValueFlags::TRUNCATED
        } else {
            ValueFlags::empty()
        };
        if text.chars().all(|c| c.is_whitespace() || is_invisible(c)) {
            return Normalized::unusable(id.value.as_str(), flags | ValueFlags::EMPTY);
        }
        let mut value = clean(text);
        if value.is_empty() {
            flags |= ValueFlags::EMPTY | ValueFlags::INVALID;
            return Normalized::unusable(id.value.as_str(), flags);
        }
        if value.len() > self.max_len {
            return Normalized::unusable(id.value.as_str(), flags | ValueFlags::INVALID);
        }
        let issuer = normalize_issuer(&id.kind, id.issuer.as_deref());
        let mut verified = false;
        if let Some(scheme) = scheme(&id.kind, issuer.as_deref()) {
            let found = check(scheme, &mut value);
            verified = found.is_empty();
            flags |= found;
        }
        if is_placeholder_value(&value) {
            flags |= ValueFlags::PLACEHOLDER;
        } else if verified {
            flags |= ValueFlags::VERIFIED;
        }
        let normalized = NormalizedIdentifier {
            kind: id.kind.clone(),
            issuer,
            value,
        };
        Normalized::new(id.value.as_str(), normalized, flags)
    }

    /// Whether `digits` (ASCII digits only, at least two) passes the Luhn (mod 10) check used
    /// by payment cards, the Swedish personnummer and the Canadian SIN.
    ///
    /// ```
    /// use customer360::normalize::IdentifierNormalizer;
    /// assert!(IdentifierNormalizer::is_luhn_valid("79927398713"));
    /// assert!(!IdentifierNormalizer::is_luhn_valid("79927398710"));
    /// assert!(!IdentifierNormalizer::is_luhn_valid("7992-7398-713"));
    /// ```
    pub fn is_luhn_valid(digits: &str) -> bool {
        let bytes = digits.as_bytes();
        if bytes.len() < 2 || !bytes.iter().all(u8::is_ascii_digit) {
            return false;
        }
        // Doubling a digit d gives 2d, or 2d − 9 when that is over 9.
        const DOUBLED: [u32; 10] = [0, 2, 4, 6, 8, 1, 3, 5, 7, 9];
        let sum = bytes.iter().rev().enumerate().fold(0, |sum, (i, &b)| {
            let d = u32::from(b - b'0');
            let d = if i % 2 == 1 { DOUBLED[d as usize] } else { d };
            (sum + d) % 10
        });
        sum == 0
    }
}

impl Normalizer for IdentifierNormalizer {
    type Output = NormalizedIdentifier;

    /// Normalise a value of unknown kind (`IdentifierKind::Other("unknown")`).
    fn normalize(&self, raw: &str) -> Normalized<NormalizedIdentifier> {
        self.normalize_identifier(&Identifier::new(
            IdentifierKind::Other("unknown".into()),
            raw,
        ))
    }
}

/// Keep letters and digits: ASCII upper-case, other digits as ASCII, other letters
/// transliterated.
fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let d = ascii_digit(c);
        if d.is_ascii_alphanumeric() {
            out.push(d.to_ascii_uppercase());
        } else if !c.is_ascii() && c.is_alphanumeric() {
            let ascii = deunicode::deunicode_char(c).unwrap_or("");
            out.extend(
                ascii
                    .chars()
                    .filter(char::is_ascii_alphanumeric)
                    .map(|c| c.to_ascii_uppercase()),
            );
        }
    }
    out
}

/// Trim and upper-case the issuer; a country name or code becomes ISO alpha-2 for national
/// kinds.
fn normalize_issuer(kind: &IdentifierKind, issuer: Option<&str>) -> Option<String> {
    let issuer = issuer?.trim();
    if issuer.is_empty() {
        return None;
    }
    let national = matches!(
        kind,
        IdentifierKind::NationalId
            | IdentifierKind::Passport
            | IdentifierKind::TaxId
            | IdentifierKind::DriverLicence
    );
    if national {
        if let Some(code) = country_code(&fold(issuer)) {
            return Some(code.to_owned());
        }
    }
    Some(issuer.to_uppercase())
}

fn scheme(kind: &IdentifierKind, issuer: Option<&str>) -> Option<Scheme> {
    use IdentifierKind::{NationalId, TaxId};
    Some(match (kind, issuer?) {
        (NationalId | TaxId, "IR") => Scheme::IranNationalCode,
        (NationalId, "US") => Scheme::UsSsn,
        (TaxId, "US") => Scheme::UsSsnOrItin,
        (NationalId | TaxId, "NL") => Scheme::NlBsn,
        (NationalId | TaxId, "SE") => Scheme::SePersonnummer,
        (NationalId | TaxId, "CA") => Scheme::CaSin,
        (NationalId, "GB") => Scheme::GbNino,
        _ => return None,
    })
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn digit(s: &str, i: usize) -> u32 {
    s.as_bytes()
        .get(i)
        .map_or(0, |&b| u32::from(b.wrapping_sub(b'0')))
}

/// Left-pad a digit string with zeros to `len`.
fn pad_zeros(value: &mut String, len: usize) {
    if value.len() < len {
        value.insert_str(0, &"0".repeat(len - value.len()));
    }
}

/// Check `value` against `scheme`, canonicalising it (padding, century) in place.
fn check(scheme: Scheme, value: &mut String) -> ValueFlags {
    let invalid = ValueFlags::INVALID;
    match scheme {
        Scheme::IranNationalCode => {
            if !all_digits(value) || !(8..=10).contains(&value.len()) {
                return invalid;
            }
            pad_zeros(value, 10);
            if is_iran_national_code_valid(value) {
                ValueFlags::empty()
            } else if value.bytes().all(|b| b == value.as_bytes()[0]) {
                invalid
            } else {
                ValueFlags::CHECKSUM_FAILED
            }
        }
        Scheme::UsSsn | Scheme::UsSsnOrItin => {
            if !all_digits(value) || value.len() != 9 {
                return invalid;
            }
            let ok = is_ssn_structure_valid(value)
                || (scheme == Scheme::UsSsnOrItin && is_itin_structure_valid(value));
            let mut flags = if ok { ValueFlags::empty() } else { invalid };
            if SPECIMEN_SSNS.contains(&value.as_str()) {
                flags |= ValueFlags::PLACEHOLDER;
            }
            flags
        }
        Scheme::NlBsn => {
            if !all_digits(value) || !(8..=9).contains(&value.len()) {
                return invalid;
            }
            pad_zeros(value, 9);
            if value.bytes().all(|b| b == b'0') {
                invalid
            } else if is_bsn_valid(value) {
                ValueFlags::empty()
            } else {
                ValueFlags::CHECKSUM_FAILED
            }
        }
        Scheme::SePersonnummer => {
            if !all_digits(value) || !(value.len() == 10 || value.len() == 12) {
                return invalid;
            }
            if value.len() == 12 {
                value.drain(..2);
            }
            let month = digit(value, 2) * 10 + digit(value, 3);
            let day = digit(value, 4) * 10 + digit(value, 5);
            // Coordination numbers (samordningsnummer) add 60 to the day.
            if !(1..=12).contains(&month) || !((1..=31).contains(&day) || (61..=91).contains(&day))
            {
                invalid
            } else if IdentifierNormalizer::is_luhn_valid(value) {
                ValueFlags::empty()
            } else {
                ValueFlags::CHECKSUM_FAILED
            }
        }
        Scheme::CaSin => {
            if !all_digits(value) || value.len() != 9 {
                invalid
            } else if IdentifierNormalizer::is_luhn_valid(value) {
                ValueFlags::empty()
            } else {
                ValueFlags::CHECKSUM_FAILED
            }
        }
        Scheme::GbNino => {
            let b = value.as_bytes();
            let shape = (b.len() == 8 || b.len() == 9)
                && b[..2].iter().all(u8::is_ascii_uppercase)
                && b[2..8].iter().all(u8::is_ascii_digit)
                && matches!(b.get(8), None | Some(b'A'..=b'D'));
            if !shape {
                return invalid;
            }
            let mut flags = ValueFlags::empty();
            if &b[..2] == b"QQ" {
                flags |= ValueFlags::PLACEHOLDER;
            }
            let first_ok = !b"DFIQUV".contains(&b[0]);
            let second_ok = !b"DFIOQUV".contains(&b[1]);
            let prefix_ok = !["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"]
                .iter()
                .any(|p| p.as_bytes() == &b[..2]);
            if !(first_ok && second_ok && prefix_ok) {
                flags |= invalid;
            }
            flags
        }
    }
}

/// The Iranian national code check: ten digits, not all the same;
/// s = Σ d[i]·(10 − i) over the first nine, r = s mod 11, check digit = r if r < 2 else 11 − r.
fn is_iran_national_code_valid(code: &str) -> bool {
    let b = code.as_bytes();
    if b.len() != 10 || !all_digits(code) || b.iter().all(|&x| x == b[0]) {
        return false;
    }
    let s: u32 = (0..9).map(|i| digit(code, i) * (10 - i as u32)).sum();
    let r = s % 11;
    let check = if r < 2 { r } else { 11 - r };
    digit(code, 9) == check
}

/// SSN structure: area not 000, 666 or 900–999; group not 00; serial not 0000.
fn is_ssn_structure_valid(ssn: &str) -> bool {
    let area = &ssn[..3];
    area != "000"
        && area != "666"
        && !area.starts_with('9')
        && &ssn[3..5] != "00"
        && &ssn[5..] != "0000"
}

/// ITIN structure: area 900–999 and group 50–65, 70–88, 90–92 or 94–99.
fn is_itin_structure_valid(itin: &str) -> bool {
    let group = digit(itin, 3) * 10 + digit(itin, 4);
    itin.starts_with('9') && matches!(group, 50..=65 | 70..=88 | 90..=92 | 94..=99)
}

/// The Dutch BSN "11-proof": Σ d[i]·(9 − i) over the first eight digits, minus the ninth, is a
/// multiple of 11.
fn is_bsn_valid(bsn: &str) -> bool {
    if bsn.len() != 9 || !all_digits(bsn) {
        return false;
    }
    let s: i32 = (0..8)
        .map(|i| digit(bsn, i) as i32 * (9 - i as i32))
        .sum::<i32>()
        - digit(bsn, 8) as i32;
    s % 11 == 0
}

/// Placeholder digits (also behind letter prefixes or suffixes) and junk words.
fn is_placeholder_value(value: &str) -> bool {
    let core = value.trim_matches(|c: char| c.is_ascii_alphabetic());
    if core.len() >= 6 && all_digits(core) && is_placeholder_digits(core) {
        return true;
    }
    if !value.bytes().any(|b| b.is_ascii_alphabetic()) || value.len() > 32 {
        return false;
    }
    PLACEHOLDER_IDS.contains(&value) || is_placeholder_text(&value.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(
        kind: IdentifierKind,
        issuer: Option<&str>,
        raw: &str,
    ) -> Normalized<NormalizedIdentifier> {
        let mut id = Identifier::new(kind, raw);
        if let Some(i) = issuer {
            id = id.with_issuer(i);
        }
        IdentifierNormalizer::default().normalize_identifier(&id)
    }

    fn value(n: &Normalized<NormalizedIdentifier>) -> &str {
        n.value.as_ref().map_or("-", |v| v.value.as_str())
    }

    #[test]
    fn iran_national_code_checksum() {
        for code in ["0499370899", "0084575948", "0013542419", "1111111111"] {
            let expect = code != "1111111111";
            assert_eq!(is_iran_national_code_valid(code), expect, "{code}");
        }
        assert!(!is_iran_national_code_valid("0499370898"));
        let n = norm(IdentifierKind::NationalId, Some("IR"), "84575948");
        assert_eq!(value(&n), "0084575948");
        assert_eq!(n.flags, ValueFlags::VERIFIED);
        let same = norm(IdentifierKind::NationalId, Some("IR"), "2222222222");
        assert!(same
            .flags
            .contains(ValueFlags::INVALID | ValueFlags::PLACEHOLDER));
        let short = norm(IdentifierKind::NationalId, Some("IR"), "5837261");
        assert_eq!(short.flags, ValueFlags::INVALID);
        assert_eq!(value(&short), "5837261");
        let persian = norm(IdentifierKind::NationalId, Some("ایران"), "۰۴۹۹۳۷۰۸۹۹");
        assert_eq!(value(&persian), "0499370899");
        assert_eq!(
            persian.value.as_ref().and_then(|v| v.issuer.as_deref()),
            Some("IR")
        );
    }

    #[test]
    fn ssn_rules() {
        let ok = norm(IdentifierKind::NationalId, Some("us"), "536-22-1234");
        assert_eq!(value(&ok), "536221234");
        assert_eq!(ok.flags, ValueFlags::VERIFIED);
        for bad in [
            "000-12-3456",
            "666-12-3456",
            "912-12-3456",
            "536-00-1234",
            "536-22-0000",
            "53622123",
        ] {
            let n = norm(IdentifierKind::NationalId, Some("US"), bad);
            assert!(n.flags.contains(ValueFlags::INVALID), "{bad}");
        }
        let woolworth = norm(IdentifierKind::NationalId, Some("US"), "078-05-1120");
        assert_eq!(woolworth.flags, ValueFlags::PLACEHOLDER);
        let itin = norm(IdentifierKind::TaxId, Some("US"), "912-70-1234");
        assert_eq!(itin.flags, ValueFlags::VERIFIED);
        let not_itin = norm(IdentifierKind::TaxId, Some("US"), "912-12-1234");
        assert_eq!(not_itin.flags, ValueFlags::INVALID);
    }

    #[test]
    fn bsn_eleven_proof() {
        assert!(is_bsn_valid("111222333"));
        assert!(is_bsn_valid("123456782"));
        assert!(!is_bsn_valid("123456789"));
        let padded = norm(IdentifierKind::NationalId, Some("NL"), "1112.22.333");
        assert_eq!(value(&padded), "111222333");
        let n = norm(IdentifierKind::NationalId, Some("NL"), "111222334");
        assert_eq!(n.flags, ValueFlags::CHECKSUM_FAILED);
    }

    #[test]
    fn personnummer_luhn() {
        let n = norm(IdentifierKind::NationalId, Some("SE"), "811228-9874");
        assert_eq!(value(&n), "8112289874");
        assert_eq!(n.flags, ValueFlags::VERIFIED);
        let long = norm(IdentifierKind::NationalId, Some("SE"), "19811228-9874");
        assert_eq!(value(&long), "8112289874");
        let bad = norm(IdentifierKind::NationalId, Some("SE"), "811228-9875");
        assert_eq!(bad.flags, ValueFlags::CHECKSUM_FAILED);
        let bad_date = norm(IdentifierKind::NationalId, Some("SE"), "811328-9874");
        assert_eq!(bad_date.flags, ValueFlags::INVALID);
    }

    #[test]
    fn sin_and_nino() {
        assert_eq!(
            norm(IdentifierKind::NationalId, Some("CA"), "046 454 286").flags,
            ValueFlags::VERIFIED
        );
        assert_eq!(
            norm(IdentifierKind::NationalId, Some("CA"), "046 454 287").flags,
            ValueFlags::CHECKSUM_FAILED
        );
        let nino = norm(IdentifierKind::NationalId, Some("UK"), "jg 10 37 29 b");
        assert_eq!(value(&nino), "JG103729B");
        assert_eq!(nino.flags, ValueFlags::VERIFIED);
        assert_eq!(
            nino.value.as_ref().and_then(|v| v.issuer.as_deref()),
            Some("GB")
        );
        assert!(norm(IdentifierKind::NationalId, Some("GB"), "QQ123456C")
            .flags
            .contains(ValueFlags::PLACEHOLDER));
        assert!(norm(IdentifierKind::NationalId, Some("GB"), "DA103729B")
            .flags
            .contains(ValueFlags::INVALID));
        assert!(norm(IdentifierKind::NationalId, Some("GB"), "JG103729E")
            .flags
            .contains(ValueFlags::INVALID));
        assert!(norm(IdentifierKind::NationalId, Some("GB"), "TN103729")
            .flags
            .contains(ValueFlags::INVALID));
    }

    #[test]
    fn luhn() {
        assert!(IdentifierNormalizer::is_luhn_valid("4539578763621486"));
        assert!(!IdentifierNormalizer::is_luhn_valid("4539578763621487"));
        assert!(!IdentifierNormalizer::is_luhn_valid(""));
        assert!(!IdentifierNormalizer::is_luhn_valid("0"));
    }

    #[test]
    fn cleaning_and_junk() {
        let n = norm(IdentifierKind::Customer, Some(" shop "), "ab-19_34/5.6 7");
        assert_eq!(value(&n), "AB1934567");
        assert_eq!(
            n.value.as_ref().and_then(|v| v.issuer.as_deref()),
            Some("SHOP")
        );
        assert_eq!(
            norm(IdentifierKind::Customer, None, " \u{200B} ").flags,
            ValueFlags::EMPTY
        );
        assert!(norm(IdentifierKind::Customer, None, "---")
            .flags
            .contains(ValueFlags::EMPTY | ValueFlags::INVALID));
        assert!(norm(IdentifierKind::Customer, None, &"A".repeat(65))
            .value
            .is_none());
        for junk in [
            "N/A",
            "unknown",
            "XXXX",
            "123456789",
            "999999999",
            "AB000000",
            "Not Known",
        ] {
            assert!(
                norm(IdentifierKind::Customer, None, junk)
                    .flags
                    .contains(ValueFlags::PLACEHOLDER),
                "{junk}"
            );
        }
        assert_eq!(
            norm(IdentifierKind::Customer, None, "C-1048576").flags,
            ValueFlags::empty()
        );
        assert_eq!(
            value(&norm(IdentifierKind::Passport, None, "Ｘ９３８")),
            "X938"
        );
    }
}
