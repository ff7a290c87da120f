//! Masking: what a masked field shows instead of its value.

use std::fmt;

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::GovernError;
use crate::model::FieldPath;
use crate::normalize::{fold, EmailNormalizer};

/// A secret key held by the host, used for keyed pseudonyms and suppression hashes
/// (HMAC-SHA256).
///
/// The same key gives the same pseudonym for the same value, so pseudonymised data from
/// several runs still joins; another key gives unrelated tokens. Keep it out of logs: its
/// `Debug` form never shows the bytes, and it is not serialisable.
///
/// ```
/// use customer360::govern::HostKey;
/// let key = HostKey::new(b"a host secret of at least 16 bytes".to_vec())?;
/// assert_eq!(format!("{key:?}"), "HostKey(<redacted>)");
/// assert!(HostKey::new(b"short".to_vec()).is_err());
/// # Ok::<(), customer360::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct HostKey(Vec<u8>);

impl HostKey {
    /// The shortest key accepted, in bytes.
    pub const MIN_LEN: usize = 16;

    /// A key from its bytes; at least [`HostKey::MIN_LEN`] bytes.
    pub fn new(bytes: Vec<u8>) -> Result<HostKey, GovernError> {
        if bytes.len() < Self::MIN_LEN {
            return Err(GovernError::KeyTooShort(bytes.len()));
        }
        Ok(HostKey(bytes))
    }

    /// HMAC-SHA256 of `parts` (each length-prefixed, so part boundaries cannot be shifted),
    /// as lower-case hex of the first `bytes` bytes (at most 32).
    pub(crate) fn token(&self, parts: &[&str], bytes: usize) -> String {
        // `new_from_slice` accepts keys of any length for HMAC.
        let mut mac = match <Hmac<Sha256> as Mac>::new_from_slice(&self.0) {
            Ok(mac) => mac,
            Err(_) => unreachable_hmac(),
        };
        for part in parts {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part.as_bytes());
        }
        let digest = mac.finalize().into_bytes();
        digest
            .iter()
            .take(bytes.min(32))
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The keyed pseudonym of `value` in the field `path`: `ps_` and 32 hex digits. The value
    /// is normalised first ([`pseudonym_basis`]) so that formatting variants of one value get
    /// one token.
    pub fn pseudonym(&self, path: &FieldPath, value: &str) -> String {
        format!(
            "ps_{}",
            self.token(
                &[
                    "pseudonym",
                    pseudonym_family(path),
                    &pseudonym_basis(path, value)
                ],
                16
            )
        )
    }
}

#[cold]
fn unreachable_hmac() -> ! {
    // HMAC takes keys of every length; this cannot happen.
    panic!("HMAC rejected a key")
}

impl fmt::Debug for HostKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HostKey(<redacted>)")
    }
}

/// The path family a pseudonym is scoped to: the same e-mail under `identity.email` and in a
/// custom attribute get different tokens, but all identifier kinds keep their own path.
fn pseudonym_family(path: &FieldPath) -> &str {
    path.as_str()
}

/// The form of a value that is hashed into a pseudonym: e-mails by their canonical address,
/// phones by their digits (with a leading `+`), everything else case- and
/// whitespace-folded.
pub fn pseudonym_basis(path: &FieldPath, value: &str) -> String {
    if path.is_within(&FieldPath::EMAIL) {
        if let Ok(e) = EmailNormalizer::new().parse(value) {
            return e.canonical().to_owned();
        }
    }
    if path.is_within(&FieldPath::PHONE) {
        let digits: String = crate::normalize::to_ascii_digits(value)
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        if !digits.is_empty() {
            return digits;
        }
    }
    fold(value).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// How a masked field is shown.
///
/// ```
/// use customer360::govern::{HostKey, MaskStyle};
/// use customer360::FieldPath;
///
/// let key = HostKey::new(vec![7; 32])?;
/// let phone = FieldPath::PHONE;
/// assert_eq!(MaskStyle::Partial { keep_last: 4 }.apply(&phone, "+15551234567", &key), "••••••••4567");
/// assert_eq!(MaskStyle::Generalise.apply(&phone, "+15551234567", &key), "+1");
/// assert_eq!(MaskStyle::Generalise.apply(&FieldPath::BIRTH_DATE, "1985-04-12", &key), "1985");
/// assert_eq!(MaskStyle::Redact.apply(&phone, "+15551234567", &key), "[redacted]");
/// // Pseudonyms are stable across formatting variants, so masked data still joins.
/// let a = MaskStyle::Pseudonym.apply(&FieldPath::EMAIL, "John.Smith@Mail-Example.com", &key);
/// let b = MaskStyle::Pseudonym.apply(&FieldPath::EMAIL, "john.smith@mail-example.com", &key);
/// assert_eq!(a, b);
/// # Ok::<(), customer360::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "style", rename_all = "snake_case")]
#[non_exhaustive]
pub enum MaskStyle {
    /// Replace the value with `[redacted]`.
    Redact,
    /// Show only the last characters: `keep_last` of them, but never more than a third of
    /// the value, so a short value is never shown whole.
    Partial {
        /// How many trailing characters to keep (4 shows the last four digits of a phone).
        keep_last: usize,
    },
    /// A keyed pseudonym (HMAC-SHA256 with the [`HostKey`]): the same value always gets the
    /// same token, so pseudonymised data can still be joined.
    Pseudonym,
    /// A coarser value: a birth date to its year, an address to its postcode area (the
    /// outward code or the first two digits) or else its locality, an e-mail to its domain,
    /// a phone to its country calling code, a name to its initial. Fields with no coarser
    /// form are redacted.
    Generalise,
}

/// What [`MaskStyle::Redact`] shows.
pub const REDACTED: &str = "[redacted]";

impl MaskStyle {
    /// How strict the style is, for choosing the stricter of two masks: redact, pseudonym,
    /// generalise, partial.
    pub(crate) fn strictness(&self) -> u8 {
        match self {
            MaskStyle::Redact => 4,
            MaskStyle::Pseudonym => 3,
            MaskStyle::Generalise => 2,
            MaskStyle::Partial { .. } => 1,
        }
    }

    /// The masked form of `value`, a value of the field `path`.
    pub fn apply(&self, path: &FieldPath, value: &str, key: &HostKey) -> String {
        match self {
            MaskStyle::Redact => REDACTED.to_owned(),
            MaskStyle::Partial { keep_last } => partial(value, *keep_last),
            MaskStyle::Pseudonym => key.pseudonym(path, value),
            MaskStyle::Generalise => generalise(path, value),
        }
    }
}

fn partial(value: &str, keep_last: usize) -> String {
    let chars: Vec<char> = value.trim().chars().collect();
    let keep = keep_last.min(chars.len() / 3);
    let hidden = chars.len() - keep;
    let mut out: String = "•".repeat(hidden.max(1));
    out.extend(&chars[hidden..]);
    out
}

fn generalise(path: &FieldPath, value: &str) -> String {
    let value = value.trim();
    let generalised = if path.is_within(&FieldPath::BIRTH_DATE) {
        let year: String = value.chars().take_while(char::is_ascii_digit).collect();
        (year.len() == 4).then_some(year)
    } else if path.is_within(&FieldPath::EMAIL) {
        value
            .rsplit_once('@')
            .map(|(_, domain)| domain.to_lowercase())
            .filter(|d| !d.is_empty())
    } else if path.is_within(&FieldPath::PHONE) {
        phone_country_code(value)
    } else if path.is_within(&FieldPath::ADDRESS) {
        address_area(value)
    } else if path.is_within(&FieldPath::NAME) {
        value
            .chars()
            .find(|c| c.is_alphabetic())
            .map(|c| format!("{}.", c.to_uppercase()))
    } else {
        None
    };
    generalised.unwrap_or_else(|| REDACTED.to_owned())
}

/// The calling code of a number in E.164 form (`+15551234567` → `+1`). Codes are 1–3 digits;
/// the code table is the normaliser's.
fn phone_country_code(value: &str) -> Option<String> {
    let digits = value.strip_prefix('+')?;
    let n = crate::normalize::PhoneNormalizer::default()
        .parse(&format!("+{digits}"), None)
        .ok()?;
    Some(format!("+{}", n.country_code()))
}

/// The postcode area of an address written as `line, locality, ..., postcode, country`:
/// a UK-style outward code (`SW1A 1AA` → `SW1A`), else the first two digits of a numeric
/// postcode (`62701` → `62…`), else the locality (the second piece).
fn address_area(value: &str) -> Option<String> {
    let pieces: Vec<&str> = value.split(',').map(str::trim).collect();
    for piece in pieces.iter().rev() {
        let words: Vec<&str> = piece.split_whitespace().collect();
        let is_uk = words.len() == 2
            && words
                .iter()
                .all(|w| w.chars().all(|c| c.is_ascii_alphanumeric()))
            && words[0]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
            && words[0].chars().any(|c| c.is_ascii_digit())
            && (2..=4).contains(&words[0].len())
            && words[1].len() == 3;
        if is_uk {
            return Some(words[0].to_uppercase());
        }
        let digits: String = piece.chars().filter(char::is_ascii_digit).collect();
        if (4..=10).contains(&digits.len())
            && piece
                .chars()
                .all(|c| c.is_ascii_digit() || c == '-' || c == ' ')
        {
            return Some(format!("{}…", &digits[..2]));
        }
    }
    // Without a postcode: the locality, taken as the second piece of `line, locality, ...`.
    pieces
        .get(1)
        .filter(|p| !p.is_empty() && !p.chars().any(|c| c.is_ascii_digit()))
        .map(|p| (*p).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> HostKey {
        HostKey::new(vec![1; 32]).unwrap()
    }

    #[test]
    fn partial_never_shows_a_short_value_whole() {
        for v in ["a", "ab", "Ann", "Anna", "123456"] {
            let m = partial(v, 4);
            assert!(!m.contains(v), "{v} -> {m}");
        }
        assert_eq!(partial("+15551234567", 4), "••••••••4567");
    }

    #[test]
    fn generalise_addresses() {
        assert_eq!(
            address_area("10 Downing Street, London, SW1A 2AA, UK").as_deref(),
            Some("SW1A")
        );
        assert_eq!(
            address_area("12 Main Street, Springfield, IL, 62701").as_deref(),
            Some("62…")
        );
        assert_eq!(
            address_area("12 Main Street, Springfield").as_deref(),
            Some("Springfield")
        );
        assert_eq!(generalise(&FieldPath::ADDRESS, "somewhere"), REDACTED);
    }

    #[test]
    fn pseudonyms_are_keyed_and_join_formatting_variants() {
        let k = key();
        let other = HostKey::new(vec![2; 32]).unwrap();
        let p = FieldPath::PHONE;
        assert_eq!(
            k.pseudonym(&p, "+1 555 123 4567"),
            k.pseudonym(&p, "+15551234567")
        );
        assert_ne!(
            k.pseudonym(&p, "+15551234567"),
            other.pseudonym(&p, "+15551234567")
        );
        assert_ne!(
            k.pseudonym(&FieldPath::NAME_GIVEN, "Ann"),
            k.pseudonym(&FieldPath::NAME_FAMILY, "Ann")
        );
        assert_eq!(
            k.pseudonym(&FieldPath::NAME_GIVEN, " ANN "),
            k.pseudonym(&FieldPath::NAME_GIVEN, "ann")
        );
    }
}
