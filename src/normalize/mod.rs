//! Normalisation: the same fact, written many ways, turned into one comparable form.
//!
//! Every normaliser takes the raw text a source system gave and returns a [`Normalized`] value:
//! the original text, the normalised value (or `None` when nothing usable is left) and
//! [`ValueFlags`] that say what was noticed on the way (a placeholder, an invalid checksum, an
//! ambiguous date). Nothing is thrown away: a value that cannot be normalised keeps its original
//! and carries a flag, so bad input is visible downstream instead of being silently dropped.
//!
//! The normalisers are small types behind one trait, [`Normalizer`], so a host can swap or wrap
//! any of them. Text folding composes from [`TextFilter`]s in a [`TextPipeline`], in the way
//! tokenizer filters compose in a search engine.

mod address;
mod date;
mod email;
mod gender;
mod identifier;
mod junk;
mod name;
mod nicknames;
mod phone;
mod record;
mod script;
mod text;

pub use address::{AddressNormalizer, AddressParser, NormalizedAddress, SimpleAddressParser};
pub use date::{BirthDateNormalizer, DateOrder, NormalizedDate, PartialDate};
pub use email::{EmailAddress, EmailError, EmailNormalizer};
pub use gender::{Gender, GenderNormalizer};
pub use identifier::{IdentifierNormalizer, NormalizedIdentifier};
pub use junk::{is_placeholder_digits, is_placeholder_text};
pub use name::{cross_script_key, NameKeys, NameNormalizer, NormalizedName};
pub use nicknames::NicknameTable;
pub use phone::{PhoneError, PhoneNormalizer, PhoneNumber, Region};
pub(crate) use record::NormalizeMemo;
pub use record::{
    FlaggedValue, NormalizedEmail, NormalizedPhone, NormalizedRecord, RecordNormalizer,
    RecordNormalizerBuilder,
};
pub use script::{fold_arabic_script, to_ascii_digits};
pub(crate) use text::without_spaces;
pub use text::{
    ascii_key, fold, AsciiKey, CaseFold, CollapseWhitespace, Nfkc, StripInvisible, TextFilter,
    TextPipeline, TextPipelineBuilder, UnifyArabicScript,
};

use serde::{Deserialize, Serialize};

bitflags::bitflags! {
    /// What a normaliser noticed about a value.
    ///
    /// Flags never replace the value: the original is always kept in [`Normalized::original`].
    /// [`ValueFlags::UNMATCHABLE`] is the set that keeps a value out of matching keys.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
    pub struct ValueFlags: u32 {
        /// Nothing usable was left after normalisation (blank, only punctuation).
        const EMPTY = 1 << 0;
        /// The value is not well-formed for its kind (a malformed e-mail, a phone of impossible
        /// length, a date that does not exist).
        const INVALID = 1 << 1;
        /// A placeholder or junk value (`test@test.com`, `0000000000`, `N/A`, `unknown`).
        const PLACEHOLDER = 1 << 2;
        /// A role or shared mailbox (`info@`, `sales@`): weak evidence of a person.
        const ROLE_ACCOUNT = 1 << 3;
        /// More than one reading is possible (`03/04/1985`); the value holds one reading and
        /// the alternative is kept beside it.
        const AMBIGUOUS = 1 << 4;
        /// A check digit or checksum did not verify.
        const CHECKSUM_FAILED = 1 << 5;
        /// Only part of the value is known (a birth date with no day).
        const PARTIAL = 1 << 6;
        /// Well-formed but implausible (a birth date in the future or before 1880).
        const IMPLAUSIBLE = 1 << 7;
        /// The value was longer than the normaliser accepts and was cut for matching keys.
        const TRUNCATED = 1 << 8;
        /// Letters from more than one script (for example Latin and Arabic) in one value.
        const MIXED_SCRIPT = 1 << 9;
        /// Converted from another calendar (a Persian/Jalali date).
        const CONVERTED_CALENDAR = 1 << 10;
        /// The phone number had no country code and the default region was assumed.
        const REGION_ASSUMED = 1 << 11;
        /// Invisible or control characters (bidi marks, NUL) were removed.
        const CONTROL_REMOVED = 1 << 12;
        /// The value passed its scheme's check digit or structure rules (an identifier whose
        /// issuer has a known scheme). Two different verified values of an identifier a person
        /// holds only one of are two people, not a typo.
        const VERIFIED = 1 << 13;

        /// Flags that keep a value out of matching keys.
        const UNMATCHABLE = Self::EMPTY.bits() | Self::INVALID.bits() | Self::PLACEHOLDER.bits();
    }
}

/// A value after normalisation, kept beside the original text it came from.
///
/// `value` is `None` when nothing usable was left; `flags` then says why
/// ([`ValueFlags::EMPTY`], [`ValueFlags::INVALID`], ...).
///
/// ```
/// use customer360::normalize::{EmailNormalizer, Normalizer, ValueFlags};
///
/// let email = EmailNormalizer::default().normalize(" John.Smith+news@GMail.com ");
/// assert_eq!(email.original, " John.Smith+news@GMail.com ");
/// assert_eq!(email.value.as_ref().unwrap().canonical(), "johnsmith@gmail.com");
/// assert!(email.is_matchable());
///
/// let junk = EmailNormalizer::default().normalize("test@test.com");
/// assert!(junk.flags.contains(ValueFlags::PLACEHOLDER));
/// assert!(!junk.is_matchable());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Normalized<T> {
    /// The text exactly as the source gave it.
    pub original: String,
    /// The normalised value, or `None` when nothing usable was left.
    pub value: Option<T>,
    /// What the normaliser noticed.
    pub flags: ValueFlags,
}

impl<T> Normalized<T> {
    /// A successfully normalised value with the given flags.
    pub fn new(original: impl Into<String>, value: T, flags: ValueFlags) -> Self {
        Normalized {
            original: original.into(),
            value: Some(value),
            flags,
        }
    }

    /// A value that could not be normalised; `flags` says why.
    pub fn unusable(original: impl Into<String>, flags: ValueFlags) -> Self {
        Normalized {
            original: original.into(),
            value: None,
            flags,
        }
    }

    /// Whether the value may be used as matching evidence: it has a value and carries none of
    /// the [`ValueFlags::UNMATCHABLE`] flags.
    pub fn is_matchable(&self) -> bool {
        self.value.is_some() && !self.flags.intersects(ValueFlags::UNMATCHABLE)
    }

    /// The value when it [`is_matchable`](Self::is_matchable).
    pub fn matchable(&self) -> Option<&T> {
        if self.is_matchable() {
            self.value.as_ref()
        } else {
            None
        }
    }
}

/// A raw value given to a normaliser: borrowed, and copied into [`Normalized::original`], or
/// owned, and moved there (batch resolution owns records it will not need again, and a copy
/// of each of their values was an allocation and a free a value).
pub(crate) trait RawText: AsRef<str> + Into<String> {}

impl<T: AsRef<str> + Into<String>> RawText for T {}

/// Turns one raw text value into its normalised form.
///
/// Implementations must never panic, on any input, and must be idempotent: normalising the
/// display form of a normalised value gives the same value back. Hosts implement this trait to
/// bring their own rules (a national address parser, an in-house identifier scheme).
///
/// ```
/// use customer360::normalize::{Normalized, Normalizer, ValueFlags};
///
/// /// Loyalty numbers in our shop are 8 digits, written with or without a `LY-` prefix.
/// struct LoyaltyNumber;
///
/// impl Normalizer for LoyaltyNumber {
///     type Output = String;
///     fn normalize(&self, raw: &str) -> Normalized<String> {
///         let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
///         if digits.len() == 8 {
///             Normalized::new(raw, digits, ValueFlags::empty())
///         } else {
///             Normalized::unusable(raw, ValueFlags::INVALID)
///         }
///     }
/// }
///
/// assert_eq!(LoyaltyNumber.normalize("LY-1234 5678").value.as_deref(), Some("12345678"));
/// assert!(LoyaltyNumber.normalize("LY-12").flags.contains(ValueFlags::INVALID));
/// ```
pub trait Normalizer {
    /// The normalised form.
    type Output;

    /// Normalise one raw value. Never panics.
    fn normalize(&self, raw: &str) -> Normalized<Self::Output>;
}

/// The longest input, in bytes, that normalisers read in full. Longer values are cut (on a
/// character boundary) for normalisation and flagged [`ValueFlags::TRUNCATED`]; the original is
/// kept whole in [`Normalized::original`].
pub const MAX_VALUE_BYTES: usize = 1024;

/// Cut `raw` to at most [`MAX_VALUE_BYTES`] on a character boundary, saying whether it was cut.
pub(crate) fn bounded(raw: &str) -> (&str, bool) {
    if raw.len() <= MAX_VALUE_BYTES {
        return (raw, false);
    }
    let mut end = MAX_VALUE_BYTES;
    while !raw.is_char_boundary(end) {
        end -= 1;
    }
    (&raw[..end], true)
}
