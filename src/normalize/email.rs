//! E-mail addresses: unwrapped, validated, lower-cased, and reduced to the mailbox they reach.
//!
//! The rules are documented on [`EmailNormalizer`].

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use serde::{Deserialize, Deserializer, Serialize};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

use super::junk::{is_placeholder_digits, is_placeholder_text};
use super::script::{ascii_digit, is_mixed_script};
use super::text::{fold, is_invisible};
use super::{bounded, Normalized, Normalizer, RawText, ValueFlags, MAX_VALUE_BYTES};

/// The longest local part, in bytes (RFC 5321).
const MAX_LOCAL_BYTES: usize = 64;
/// The longest domain, in bytes (RFC 1035).
const MAX_DOMAIN_BYTES: usize = 253;
/// The longest domain label, in characters.
const MAX_LABEL_CHARS: usize = 63;

/// Why a text is not a usable e-mail address.
///
/// Returned by [`EmailNormalizer::parse`]; the message says what to fix.
///
/// ```
/// use customer360::normalize::EmailNormalizer;
///
/// let err = EmailNormalizer::default().parse("john.smith@").unwrap_err();
/// assert_eq!(err.to_string(), "e-mail address \"john.smith@\" has no domain after '@'");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EmailError {
    /// Nothing but whitespace or punctuation was given.
    #[error("e-mail address is empty")]
    Empty,
    /// The input is longer than any address.
    #[error(
        "e-mail address is {len} bytes long, more than the {max} read: give one address per value"
    )]
    TooLong {
        /// Length of the input, in bytes, after trimming.
        len: usize,
        /// The most that is read ([`MAX_VALUE_BYTES`]).
        max: usize,
    },
    /// There is no `@`.
    #[error(
        "e-mail address {address:?} has no '@': write it as name@domain, such as \"john@example.com\""
    )]
    MissingAt {
        /// The address as read.
        address: String,
    },
    /// There is more than one `@`.
    #[error("e-mail address {address:?} has more than one '@': give one address per value")]
    MultipleAt {
        /// The address as read.
        address: String,
    },
    /// The address contains whitespace.
    #[error(
        "e-mail address {address:?} contains a space: an address has none, so remove it or give one address per value"
    )]
    ContainsSpace {
        /// The address as read.
        address: String,
    },
    /// Nothing before the `@`.
    #[error("e-mail address {address:?} has nothing before '@'")]
    MissingLocal {
        /// The address as read.
        address: String,
    },
    /// Nothing after the `@`.
    #[error("e-mail address {address:?} has no domain after '@'")]
    MissingDomain {
        /// The address as read.
        address: String,
    },
    /// The part before the `@` is longer than 64 bytes.
    #[error("e-mail address {address:?} has more than 64 bytes before '@'")]
    LocalTooLong {
        /// The address as read.
        address: String,
    },
    /// A character that e-mail addresses do not allow before the `@`.
    #[error(
        "e-mail address {address:?} has {ch:?} before '@', which e-mail addresses do not allow"
    )]
    InvalidLocalChar {
        /// The address as read.
        address: String,
        /// The offending character.
        ch: char,
    },
    /// A dot at the start or end of the part before the `@`, or two dots in a row.
    #[error(
        "e-mail address {address:?} has a dot at the start or end of the part before '@', or two dots in a row"
    )]
    MisplacedDot {
        /// The address as read.
        address: String,
    },
    /// The domain is longer than 253 bytes.
    #[error("e-mail address {address:?} has a domain longer than 253 bytes")]
    DomainTooLong {
        /// The address as read.
        address: String,
    },
    /// The domain has no dot, so no top-level domain.
    #[error(
        "e-mail address {address:?} has no top-level domain: the domain {domain:?} needs an ending such as \".com\""
    )]
    MissingTld {
        /// The address as read.
        address: String,
        /// The domain, lower-cased.
        domain: String,
    },
    /// The domain has two dots in a row or starts with a dot.
    #[error(
        "e-mail address {address:?} has an empty part in its domain: two dots in a row, or a dot right after '@'"
    )]
    EmptyDomainLabel {
        /// The address as read.
        address: String,
    },
    /// A part of the domain is not letters, digits and inner hyphens.
    #[error(
        "e-mail address {address:?} has {label:?} in its domain: a domain part is letters, digits and hyphens, not starting or ending with a hyphen, at most 63 long"
    )]
    InvalidDomainLabel {
        /// The address as read.
        address: String,
        /// The offending label, lower-cased.
        label: String,
    },
    /// The last part of the domain is not a top-level domain.
    #[error(
        "e-mail address {address:?} ends in {tld:?}, which is not a top-level domain: it must be at least two letters, such as \"com\""
    )]
    InvalidTld {
        /// The address as read.
        address: String,
        /// The last label, lower-cased.
        tld: String,
    },
}

/// A validated, normalised e-mail address.
///
/// Holds the lower-cased address ([`address`](Self::address)) and the canonical form used for
/// matching ([`canonical`](Self::canonical)), which [`Display`](fmt::Display) prints.
///
/// ```
/// use customer360::normalize::EmailAddress;
///
/// let email: EmailAddress = "John.Smith+News@GoogleMail.com".parse()?;
/// assert_eq!(email.address(), "john.smith+news@googlemail.com");
/// assert_eq!(email.local(), "john.smith+news");
/// assert_eq!(email.domain(), "googlemail.com");
/// assert_eq!(email.canonical(), "johnsmith@gmail.com");
/// assert_eq!(email.to_string(), "johnsmith@gmail.com");
/// assert!(!email.is_role());
///
/// let shared: EmailAddress = "Info@Example-Shop.de".parse()?;
/// assert!(shared.is_role());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct EmailAddress {
    address: String,
    canonical: String,
    /// Byte index of the `@` in `address`.
    #[serde(skip)]
    at: usize,
}

impl EmailAddress {
    /// The whole address, lower-cased, before provider rules (`john.smith+news@googlemail.com`).
    pub fn address(&self) -> &str {
        &self.address
    }

    /// The local part (before the `@`), lower-cased, before provider rules.
    pub fn local(&self) -> &str {
        self.address.get(..self.at).unwrap_or_default()
    }

    /// The domain (after the `@`), lower-cased, before provider rules.
    pub fn domain(&self) -> &str {
        self.address.get(self.at + 1..).unwrap_or_default()
    }

    /// The canonical address used for matching: provider rules and sub-address stripping
    /// applied as the [`EmailNormalizer`] was configured. Always contains exactly one `@`.
    pub fn canonical(&self) -> &str {
        &self.canonical
    }

    /// Whether the address is a role or shared mailbox (`info@`, `sales@`, `support@`,
    /// `postmaster@`, `hr@`, ...): weak evidence of a person.
    ///
    /// The local part before any `+tag` is compared with the built-in list ignoring dots,
    /// hyphens, underscores and slashes, so `customer.service@` and `customer-service@` are
    /// both roles.
    pub fn is_role(&self) -> bool {
        let mut buf = [0u8; KEY_BYTES];
        local_key(self.local(), &mut buf).is_some_and(|key| ROLE_SET.contains(key))
    }

    /// Whether the address is a built-in placeholder: a junk local part at any domain
    /// (`noemail@`, `none@`, `no@`, `na@`, `nomail@`, `noreply@`, `donotreply@`, `dummy@`,
    /// `fake@`, `unknown@`, `test@`, `asdf@`, ...), a local part of one character repeated
    /// (`xxx@`) or of placeholder digits (`1234567@`), a local part equal to the first label of
    /// the domain when that is a junk word (`asdf@asdf.com`, `abc@abc.net`, `email@email.com`),
    /// or a reserved or placeholder domain: `example.com`, `example.net`, `example.org`,
    /// `test.com`, `noemail.com`, `nomail.com`, `none.com` (and their subdomains) and anything
    /// under the reserved top-level domains `.invalid`, `.test`, `.example`, `.localhost` and
    /// `.local`.
    ///
    /// Real providers are never placeholders: `email.com` and `mail.com` are mailbox providers
    /// with real customers, so `john@email.com` is kept (only `email@email.com` is junk).
    pub fn is_placeholder(&self) -> bool {
        is_placeholder_domain(self.domain()) || is_placeholder_local(self.local(), self.domain())
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical)
    }
}

/// Parses with the default [`EmailNormalizer`] (provider rules and `+tag` stripping on).
impl FromStr for EmailAddress {
    type Err = EmailError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EmailNormalizer::default().parse(s)
    }
}

/// Deserialises `{"address": ..., "canonical": ...}`, validating `address` again and requiring
/// `canonical` to hold exactly one `@`.
impl<'de> Deserialize<'de> for EmailAddress {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Repr {
            address: String,
            canonical: String,
        }
        let repr = Repr::deserialize(deserializer)?;
        let parsed = EmailNormalizer::new()
            .provider_rules(false)
            .strip_plus_tags(false)
            .parse(&repr.address)
            .map_err(serde::de::Error::custom)?;
        if repr.canonical.matches('@').count() != 1 {
            return Err(serde::de::Error::custom(
                "canonical e-mail address must contain exactly one '@'",
            ));
        }
        Ok(EmailAddress {
            canonical: repr.canonical,
            ..parsed
        })
    }
}

/// Normalises e-mail addresses.
///
/// # What the normaliser accepts
///
/// Surrounding whitespace, `<...>`, a display name (`John Smith <john@example.com>`), a trailing
/// comment (`john@example.com (work)`), surrounding quotes, a `mailto:` prefix (with any
/// `?subject=...` query) and trailing dots, commas and semicolons are stripped. Invisible and
/// control characters are removed, Persian, Arabic-Indic and full-width digits become ASCII,
/// full-width forms are folded by NFKC and the ideographic full stop `。` becomes `.`. The whole
/// address is then lower-cased: local parts are case-insensitive at every real provider.
///
/// # Validation
///
/// Pragmatic, not RFC 5322: exactly one `@`; a local part of 1–64 bytes made of letters, digits,
/// dots and ``!#$%&'*+-/=?^_`{|}~`` (non-ASCII letters are allowed, for internationalised
/// addresses) with no leading, trailing or doubled dot; a domain of at most 253 bytes with at
/// least two labels, each of letters, digits and hyphens (no leading or trailing hyphen, at most
/// 63 characters; non-ASCII letters are allowed) and a top-level domain of at least two letters
/// (or a punycode `xn--` label). Quoted local parts, comments inside the address and IP-literal
/// domains (`[192.0.2.1]`) are rejected: they do not occur in customer data.
///
/// # The canonical address
///
/// [`EmailAddress::canonical`] is the form used for matching. Two rules are applied:
///
/// - **Provider rules** ([`EmailNormalizer::provider_rules`], on by default): `googlemail.com`
///   becomes `gmail.com`, and for Gmail the dots in the local part are dropped and a `+tag` is
///   removed: Google documents that all of these reach one mailbox. Google Workspace domains do
///   *not* ignore dots, so the rule is for `gmail.com` only. No other provider is given a rule:
///   Yahoo's `-` disposable addresses use a base name different from the account name (stripping
///   at `-` would not give the account), and merging aliases of other providers (`me.com` and
///   `icloud.com`, `pm.me` and `proton.me`) is left out because not every account owns both.
/// - **Sub-address tags** ([`EmailNormalizer::strip_plus_tags`], on by default): a `+tag` is
///   removed at every domain (`john+news@example.com` → `john@example.com`). Outlook, Hotmail,
///   iCloud, Proton, Fastmail, Yahoo and most self-hosted servers deliver `+` sub-addresses to
///   the base mailbox. A local part that starts with `+`, or whose part before the `+` ends in a
///   dot, is left whole.
///
/// # Flags
///
/// - [`ValueFlags::ROLE_ACCOUNT`]: a shared mailbox (`info@`, `sales@`, `support@`,
///   `postmaster@`, ...; see [`EmailAddress::is_role`]). The value stays matchable but is weak
///   evidence of a person.
/// - [`ValueFlags::PLACEHOLDER`]: a junk address (see [`EmailAddress::is_placeholder`]). The value
///   is kept but is not matchable.
/// - [`ValueFlags::INVALID`] or [`ValueFlags::EMPTY`] with no value; a text with no `@` that is
///   itself junk (`N/A`, `none`) is also flagged [`ValueFlags::PLACEHOLDER`].
/// - [`ValueFlags::MIXED_SCRIPT`]: the local part or the domain mixes scripts (`gmаil.com` with a
///   Cyrillic `а`), a sign of a look-alike domain.
/// - [`ValueFlags::CONTROL_REMOVED`]: invisible characters were removed.
/// - [`ValueFlags::TRUNCATED`] (with [`ValueFlags::INVALID`]): the input was longer than
///   [`MAX_VALUE_BYTES`]; no address is that long, so no value is read from it.
///
/// # Example
///
/// ```
/// use customer360::normalize::{EmailNormalizer, Normalizer, ValueFlags};
///
/// let normalizer = EmailNormalizer::default();
///
/// let email = normalizer.normalize("John Smith <John.Smith+shop@gmail.com>");
/// assert_eq!(email.value.as_ref().unwrap().canonical(), "johnsmith@gmail.com");
/// assert!(email.is_matchable());
///
/// let role = normalizer.normalize("SALES@acme.example.co.uk");
/// assert!(role.flags.contains(ValueFlags::ROLE_ACCOUNT));
/// assert!(role.is_matchable());
///
/// let junk = normalizer.normalize("noemail@gmail.com");
/// assert!(junk.flags.contains(ValueFlags::PLACEHOLDER));
/// assert!(!junk.is_matchable());
///
/// let bad = normalizer.normalize("john.smith@gmail");
/// assert!(bad.value.is_none());
/// assert!(bad.flags.contains(ValueFlags::INVALID));
///
/// // Sub-address stripping can be turned off; Gmail's own rules still apply.
/// let keep_tags = EmailNormalizer::new().strip_plus_tags(false);
/// let tagged = keep_tags.parse("anna+crm@example.net")?;
/// assert_eq!(tagged.canonical(), "anna+crm@example.net");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct EmailNormalizer {
    provider_rules: bool,
    strip_plus_tags: bool,
    placeholder_domains: Vec<Box<str>>,
    placeholder_locals: Vec<Box<str>>,
}

impl Default for EmailNormalizer {
    fn default() -> Self {
        EmailNormalizer {
            provider_rules: true,
            strip_plus_tags: true,
            placeholder_domains: Vec::new(),
            placeholder_locals: Vec::new(),
        }
    }
}

impl EmailNormalizer {
    /// The default normaliser: provider rules and `+tag` stripping on, built-in placeholders.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether to apply provider rules to the canonical address (`googlemail.com` →
    /// `gmail.com`, Gmail's dots and `+tag` ignored). On by default.
    #[must_use]
    pub fn provider_rules(mut self, on: bool) -> Self {
        self.provider_rules = on;
        self
    }

    /// Whether to remove a `+tag` from the local part at every domain. On by default.
    #[must_use]
    pub fn strip_plus_tags(mut self, on: bool) -> Self {
        self.strip_plus_tags = on;
        self
    }

    /// Also treat addresses at `domain`, or at any of its subdomains, as placeholders (an
    /// in-house dummy domain such as `no-email.acme.com`). Compared ignoring case.
    #[must_use]
    pub fn placeholder_domain(mut self, domain: &str) -> Self {
        let domain = domain.trim().trim_matches('.').to_lowercase();
        if !domain.is_empty() {
            self.placeholder_domains.push(domain.into_boxed_str());
        }
        self
    }

    /// Also treat `local` at any domain as a placeholder (a value a call centre types when the
    /// customer has no address, such as `keine`). Compared like the built-in list: with the
    /// `+tag` removed and ignoring case, dots, hyphens, underscores and slashes.
    #[must_use]
    pub fn placeholder_local(mut self, local: &str) -> Self {
        let key: String = local
            .trim()
            .to_lowercase()
            .chars()
            .filter(|&c| !is_key_separator(c))
            .collect();
        if !key.is_empty() {
            self.placeholder_locals.push(key.into_boxed_str());
        }
        self
    }

    /// Parse one address strictly, saying what is wrong when it is not usable.
    ///
    /// Accepts the same forms as [`normalize`](Normalizer::normalize). Placeholder and role
    /// addresses are returned like any other; ask [`EmailAddress::is_placeholder`] and
    /// [`EmailAddress::is_role`].
    ///
    /// ```
    /// use customer360::normalize::EmailNormalizer;
    ///
    /// let normalizer = EmailNormalizer::default();
    /// assert_eq!(normalizer.parse("mailto:Anna@Example.NET")?.canonical(), "anna@example.net");
    ///
    /// let err = normalizer.parse("anna@example").unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "e-mail address \"anna@example\" has no top-level domain: \
    ///      the domain \"example\" needs an ending such as \".com\""
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn parse(&self, raw: &str) -> Result<EmailAddress, EmailError> {
        self.analyse(raw).map(|(email, _)| email)
    }

    /// Parse, returning the address with the flags noticed while cleaning it.
    fn analyse(&self, raw: &str) -> Result<(EmailAddress, ValueFlags), EmailError> {
        let trimmed = raw.trim();
        let (text, cut) = bounded(trimmed);
        if cut {
            return Err(EmailError::TooLong {
                len: trimmed.len(),
                max: MAX_VALUE_BYTES,
            });
        }
        let (cleaned, removed) = clean(text);
        let mut flags = ValueFlags::empty();
        if removed {
            flags |= ValueFlags::CONTROL_REMOVED;
        }
        let candidate = unwrap_address(&cleaned);
        let (address, at) = validate(candidate)?;
        if !address.is_ascii() {
            let (local, domain) = split_at_sign(&address, at);
            if is_mixed_script(local) || is_mixed_script(domain) {
                flags |= ValueFlags::MIXED_SCRIPT;
            }
        }
        let canonical = self.canonical(&address, at);
        Ok((
            EmailAddress {
                address,
                canonical,
                at,
            },
            flags,
        ))
    }

    /// The canonical form of a validated, lower-cased address.
    fn canonical(&self, address: &str, at: usize) -> String {
        let (local, domain) = split_at_sign(address, at);
        let domain = if self.provider_rules && domain == "googlemail.com" {
            "gmail.com"
        } else {
            domain
        };
        let mut out = String::with_capacity(address.len());
        if self.provider_rules && domain == "gmail.com" {
            // Gmail ignores dots and everything from the first `+`.
            let base = match local.find('+') {
                Some(plus) if local[..plus].bytes().any(|b| b != b'.') => &local[..plus],
                _ => local,
            };
            out.extend(base.chars().filter(|&c| c != '.'));
        } else {
            let base = match local.find('+') {
                Some(plus) if self.strip_plus_tags && plus > 0 && !local[..plus].ends_with('.') => {
                    &local[..plus]
                }
                _ => local,
            };
            out.push_str(base);
        }
        out.push('@');
        out.push_str(domain);
        out
    }

    /// Whether this normaliser's own placeholder lists match the address.
    fn is_extra_placeholder(&self, email: &EmailAddress) -> bool {
        let domain = email.domain();
        if self
            .placeholder_domains
            .iter()
            .any(|d| is_domain_or_subdomain(domain, d))
        {
            return true;
        }
        if self.placeholder_locals.is_empty() {
            return false;
        }
        let mut buf = [0u8; KEY_BYTES];
        local_key(email.local(), &mut buf)
            .is_some_and(|key| self.placeholder_locals.iter().any(|l| **l == *key))
    }

    /// [`normalize`](Normalizer::normalize) a text that is either borrowed (and copied into
    /// [`Normalized::original`]) or owned (and moved there).
    pub(crate) fn normalize_text(&self, raw: impl RawText) -> Normalized<EmailAddress> {
        match self.analyse(raw.as_ref()) {
            Ok((email, mut flags)) => {
                if email.is_placeholder() || self.is_extra_placeholder(&email) {
                    flags |= ValueFlags::PLACEHOLDER;
                } else if email.is_role() {
                    flags |= ValueFlags::ROLE_ACCOUNT;
                }
                Normalized::new(raw, email, flags)
            }
            Err(EmailError::Empty) => Normalized::unusable(raw, ValueFlags::EMPTY),
            Err(EmailError::TooLong { .. }) => {
                Normalized::unusable(raw, ValueFlags::INVALID | ValueFlags::TRUNCATED)
            }
            Err(EmailError::MissingAt { address }) if is_placeholder_text(&fold(&address)) => {
                Normalized::unusable(raw, ValueFlags::INVALID | ValueFlags::PLACEHOLDER)
            }
            Err(_) => Normalized::unusable(raw, ValueFlags::INVALID),
        }
    }
}

impl Normalizer for EmailNormalizer {
    type Output = EmailAddress;

    fn normalize(&self, raw: &str) -> Normalized<EmailAddress> {
        self.normalize_text(raw)
    }
}

/// Split a validated address at its `@` (never panics: a bad index gives empty parts).
fn split_at_sign(address: &str, at: usize) -> (&str, &str) {
    (
        address.get(..at).unwrap_or_default(),
        address.get(at + 1..).unwrap_or_default(),
    )
}

/// Character-level cleanup for input that is not plain printable ASCII: invisible and control
/// characters removed (whitespace kept, so that it can be reported), digits of every script to
/// ASCII, ideographic full stops to `.`, then NFKC. Returns whether anything was removed.
fn clean(text: &str) -> (Cow<'_, str>, bool) {
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return (Cow::Borrowed(text), false);
    }
    let mut removed = false;
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_invisible(c) {
            removed = true;
            continue;
        }
        out.push(match c {
            '\u{3002}' | '\u{FF61}' => '.',
            other => ascii_digit(other),
        });
    }
    if is_nfkc_quick(out.chars()) != IsNormalized::Yes {
        out = out.nfkc().collect();
    }
    (Cow::Owned(out), removed)
}

/// Strip the wrappers around an address: a trailing `(comment)`, a display name and angle
/// brackets, surrounding quotes, `mailto:` and its query, trailing dots, commas and semicolons.
fn unwrap_address(text: &str) -> &str {
    let mut s = text.trim();
    if s.ends_with(')') {
        if let Some(open) = s.rfind('(') {
            s = s[..open].trim_end();
        }
    }
    if let Some(inner) = s.strip_suffix('>') {
        s = match inner.rfind('<') {
            Some(lt) => &inner[lt + 1..],
            None => inner,
        };
    } else if let Some(rest) = s.strip_prefix('<') {
        s = rest;
    }
    s = s.trim();
    for quote in ['"', '\''] {
        if s.len() >= 2 && s.starts_with(quote) && s.ends_with(quote) {
            s = s[1..s.len() - 1].trim();
        }
    }
    if s.as_bytes()
        .get(..7)
        .is_some_and(|p| p.eq_ignore_ascii_case(b"mailto:"))
    {
        s = &s[7..];
        if let Some(query) = s.find('?') {
            s = &s[..query];
        }
    }
    s.trim().trim_end_matches(['.', ',', ';']).trim_end()
}

/// Lower-case and validate a candidate address, returning it with the index of its `@`.
fn validate(candidate: &str) -> Result<(String, usize), EmailError> {
    match validate_plain(candidate) {
        Some(valid) => Ok(valid),
        None => validate_fully(candidate),
    }
}

/// [`validate`], check by check: the first that fails names the error.
fn validate_fully(candidate: &str) -> Result<(String, usize), EmailError> {
    if !candidate.chars().any(char::is_alphanumeric) {
        return Err(EmailError::Empty);
    }
    let owned = || candidate.to_owned();
    let address = lowercase(candidate);
    let mut ats = address.match_indices('@').map(|(i, _)| i);
    let Some(at) = ats.next() else {
        return Err(EmailError::MissingAt { address: owned() });
    };
    if ats.next().is_some() {
        return Err(EmailError::MultipleAt { address: owned() });
    }
    if address.chars().any(char::is_whitespace) {
        return Err(EmailError::ContainsSpace { address: owned() });
    }
    let (local, domain) = split_at_sign(&address, at);
    if local.is_empty() {
        return Err(EmailError::MissingLocal { address: owned() });
    }
    if domain.is_empty() {
        return Err(EmailError::MissingDomain { address: owned() });
    }

    if local.len() > MAX_LOCAL_BYTES {
        return Err(EmailError::LocalTooLong { address: owned() });
    }
    if let Some(ch) = local.chars().find(|&c| !is_local_char(c)) {
        return Err(EmailError::InvalidLocalChar {
            address: owned(),
            ch,
        });
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err(EmailError::MisplacedDot { address: owned() });
    }

    if domain.len() > MAX_DOMAIN_BYTES {
        return Err(EmailError::DomainTooLong { address: owned() });
    }
    let Some((_, tld)) = domain.rsplit_once('.') else {
        return Err(EmailError::MissingTld {
            address: owned(),
            domain: domain.to_owned(),
        });
    };
    for label in domain.split('.') {
        if label.is_empty() {
            return Err(EmailError::EmptyDomainLabel { address: owned() });
        }
        if !is_valid_label(label) {
            return Err(EmailError::InvalidDomainLabel {
                address: owned(),
                label: label.to_owned(),
            });
        }
    }
    if !is_valid_tld(tld) {
        return Err(EmailError::InvalidTld {
            address: owned(),
            tld: tld.to_owned(),
        });
    }
    Ok((address, at))
}

/// [`validate`] of the usual address in one pass over its bytes: printable ASCII, one `@`, a
/// local part of atext with single inner dots, and a domain of at least two valid labels
/// ending in a top-level domain of letters. `None` when anything else is met, and the full
/// check, [`validate_fully`] (which names what is wrong, and knows non-ASCII text and
/// punycode), has to run; when it gives an address, it is the one the full check would give.
fn validate_plain(candidate: &str) -> Option<(String, usize)> {
    let bytes = candidate.as_bytes();
    let at = bytes.iter().position(|&b| b == b'@')?;
    let (local, domain) = (&bytes[..at], &bytes[at + 1..]);
    if local.is_empty() || local.len() > MAX_LOCAL_BYTES || domain.len() > MAX_DOMAIN_BYTES {
        return None;
    }
    let mut after_dot = true; // No leading dot.
    for &b in local {
        if b == b'.' {
            if after_dot {
                return None;
            }
            after_dot = true;
        } else if b.is_ascii_alphanumeric() || ATEXT_SYMBOLS.contains(&b) {
            after_dot = false;
        } else {
            return None;
        }
    }
    if after_dot {
        return None; // A trailing dot.
    }
    let mut labels = 0;
    let mut last: &[u8] = &[];
    for label in domain.split(|&b| b == b'.') {
        let plain = !label.is_empty()
            && label.len() <= MAX_LABEL_CHARS
            && label[0] != b'-'
            && label[label.len() - 1] != b'-'
            && label
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || b == b'-');
        if !plain {
            return None;
        }
        labels += 1;
        last = label;
    }
    let plain_tld = last.len() >= 2 && last.iter().all(u8::is_ascii_alphabetic);
    (labels >= 2 && plain_tld).then(|| (candidate.to_ascii_lowercase(), at))
}

/// Lower-case an address; non-ASCII text is lower-cased per character and kept in NFKC.
fn lowercase(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    let lower: String = text.chars().flat_map(char::to_lowercase).collect();
    if is_nfkc_quick(lower.chars()) == IsNormalized::Yes {
        lower
    } else {
        lower.nfkc().collect()
    }
}

/// The symbols a local part may hold besides letters, digits and dots (RFC 5322 atext).
const ATEXT_SYMBOLS: &[u8] = b"!#$%&'*+-/=?^_`{|}~";

/// Whether `c` may appear in a local part: atext, a dot, or a non-ASCII letter or digit.
fn is_local_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || c == '.' || ATEXT_SYMBOLS.contains(&(c as u8))
    } else {
        c.is_alphanumeric() || is_combining_mark(c)
    }
}

/// Whether a non-empty domain label is letters, digits and inner hyphens, at most 63 long.
fn is_valid_label(label: &str) -> bool {
    !label.starts_with('-')
        && !label.ends_with('-')
        && label.chars().count() <= MAX_LABEL_CHARS
        && label.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || c == '-'
                || (!c.is_ascii() && (c.is_alphanumeric() || is_combining_mark(c)))
        })
}

/// Whether a label is a plausible top-level domain: two or more letters, or punycode.
fn is_valid_tld(tld: &str) -> bool {
    if let Some(puny) = tld.strip_prefix("xn--") {
        return !puny.is_empty() && puny.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    }
    tld.chars().count() >= 2
        && tld
            .chars()
            .all(|c| c.is_alphabetic() || (!c.is_ascii() && is_combining_mark(c)))
}

/// Room for a comparison key of a local part; longer local parts are never role or junk words.
const KEY_BYTES: usize = 24;

/// Separators ignored when comparing a local part with the role and placeholder lists.
fn is_key_separator(c: char) -> bool {
    matches!(c, '.' | '-' | '_' | '/')
}

/// The comparison key of a local part: the part before any `+tag`, without separators, when it
/// is ASCII and short enough for the lists. Written into `buf`; no allocation.
fn local_key<'b>(local: &str, buf: &'b mut [u8; KEY_BYTES]) -> Option<&'b str> {
    let base = local.split('+').next().unwrap_or_default();
    if !base.is_ascii() {
        return None;
    }
    let mut len = 0;
    for b in base.bytes().filter(|&b| !is_key_separator(char::from(b))) {
        *buf.get_mut(len)? = b.to_ascii_lowercase();
        len += 1;
    }
    std::str::from_utf8(&buf[..len]).ok()
}

/// [`ROLE_LOCALS`] hashed: every address is checked.
static ROLE_SET: LazyLock<hashbrown::HashSet<&'static str>> =
    LazyLock::new(|| ROLE_LOCALS.iter().copied().collect());

/// [`PLACEHOLDER_LOCALS`] hashed: every address is checked.
static PLACEHOLDER_LOCAL_SET: LazyLock<hashbrown::HashSet<&'static str>> =
    LazyLock::new(|| PLACEHOLDER_LOCALS.iter().copied().collect());

/// Role and shared mailboxes, as comparison keys. Sorted (checked by a test).
const ROLE_LOCALS: &[&str] = &[
    "abuse",
    "accounting",
    "accounts",
    "admin",
    "administrator",
    "billing",
    "bookings",
    "careers",
    "compliance",
    "contact",
    "contactus",
    "customercare",
    "customerservice",
    "customersupport",
    "enquiries",
    "enquiry",
    "feedback",
    "finance",
    "frontdesk",
    "hello",
    "help",
    "helpdesk",
    "hostmaster",
    "hr",
    "info",
    "information",
    "inquiries",
    "inquiry",
    "invoices",
    "jobs",
    "legal",
    "mail",
    "marketing",
    "media",
    "news",
    "newsletter",
    "office",
    "orders",
    "payroll",
    "postmaster",
    "press",
    "privacy",
    "reception",
    "recruitment",
    "reservations",
    "root",
    "sales",
    "security",
    "service",
    "support",
    "team",
    "webmaster",
];

/// Local parts that mean "no address", at any domain, as comparison keys. Sorted (checked by a
/// test).
const PLACEHOLDER_LOCALS: &[&str] = &[
    "asdf",
    "asdfasdf",
    "asdfgh",
    "declined",
    "donotemail",
    "donotreply",
    "dummy",
    "fake",
    "fakeemail",
    "invalid",
    "na",
    "nil",
    "no",
    "noaddress",
    "nobody",
    "noemail",
    "noemailaddress",
    "nomail",
    "none",
    "noreply",
    "notapplicable",
    "notavailable",
    "notgiven",
    "notprovided",
    "null",
    "qwerty",
    "refused",
    "test",
    "tester",
    "testing",
    "unknown",
];

/// Domains that are placeholders, with their subdomains. Sorted (checked by a test).
const PLACEHOLDER_DOMAINS: &[&str] = &[
    "example.com",
    "example.net",
    "example.org",
    "noemail.com",
    "nomail.com",
    "none.com",
    "test.com",
];

/// Reserved top-level domains (RFC 2606, RFC 6761, mDNS) that never receive mail.
const RESERVED_TLDS: &[&str] = &["example", "invalid", "local", "localhost", "test"];

/// First domain labels that, when the local part repeats them, make a junk address
/// (`email@email.com`), beyond the general junk words.
const JUNK_LABELS: &[&str] = &["domain", "email", "mail"];

fn is_domain_or_subdomain(domain: &str, parent: &str) -> bool {
    domain
        .strip_suffix(parent)
        .is_some_and(|head| head.is_empty() || head.ends_with('.'))
}

fn is_placeholder_domain(domain: &str) -> bool {
    let tld = domain.rsplit('.').next().unwrap_or_default();
    RESERVED_TLDS.contains(&tld)
        || PLACEHOLDER_DOMAINS
            .iter()
            .any(|d| is_domain_or_subdomain(domain, d))
}

fn is_placeholder_local(local: &str, domain: &str) -> bool {
    let base = local.split('+').next().unwrap_or_default();
    // One character repeated (`xxx`, `000`), or placeholder digits (`1234567`).
    let mut chars = base.chars();
    if let Some(first) = chars.next() {
        if base.chars().count() >= 3 && chars.all(|c| c == first) {
            return true;
        }
    }
    if base.bytes().all(|b| b.is_ascii_digit()) && is_placeholder_digits(base) {
        return true;
    }
    let mut buf = [0u8; KEY_BYTES];
    let Some(key) = local_key(local, &mut buf) else {
        return false;
    };
    if PLACEHOLDER_LOCAL_SET.contains(key) {
        return true;
    }
    // `asdf@asdf.com`, `abc@abc.net`: the local part repeats a junk first label.
    let label = domain.split('.').next().unwrap_or_default();
    base == label
        && label.bytes().all(|b| b.is_ascii_alphanumeric())
        && (is_placeholder_text(label) || JUNK_LABELS.contains(&label))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(raw: &str) -> String {
        EmailNormalizer::default()
            .parse(raw)
            .map(|e| e.canonical().to_owned())
            .unwrap_or_else(|e| panic!("{raw:?}: {e}"))
    }

    fn flags(raw: &str) -> ValueFlags {
        EmailNormalizer::default().normalize(raw).flags
    }

    #[test]
    fn lists_are_sorted_and_keys_fit() {
        for list in [ROLE_LOCALS, PLACEHOLDER_LOCALS, PLACEHOLDER_DOMAINS] {
            assert!(list.windows(2).all(|w| w[0] < w[1]), "{list:?}");
        }
        for key in ROLE_LOCALS.iter().chain(PLACEHOLDER_LOCALS) {
            assert!(key.len() <= KEY_BYTES, "{key}");
        }
    }

    #[test]
    fn wrappers_are_stripped() {
        assert_eq!(canon("  <John@Example.com>  "), "john@example.com");
        assert_eq!(canon("John Smith <john@example.com>"), "john@example.com");
        assert_eq!(
            canon("\"Smith, John\" <john@example.com>"),
            "john@example.com"
        );
        assert_eq!(
            canon("MAILTO:john@example.com?subject=Hi"),
            "john@example.com"
        );
        assert_eq!(canon("<mailto:john@example.com>"), "john@example.com");
        assert_eq!(canon("john@example.com."), "john@example.com");
        assert_eq!(canon("john@example.com;"), "john@example.com");
        assert_eq!(canon("john@example.com (work)"), "john@example.com");
        assert_eq!(canon("'john@example.com'"), "john@example.com");
    }

    #[test]
    fn unicode_forms_are_folded() {
        assert_eq!(
            canon("ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ"),
            "john@example.com"
        );
        assert_eq!(canon("ali۱۳۶۵@example.ir"), "ali1365@example.ir");
        assert_eq!(canon("ali٢٠@example.ir"), "ali20@example.ir");
        assert_eq!(canon("user@例子。广告"), "user@例子.广告");
        assert_eq!(canon("Иван@Пример.РФ"), "иван@пример.рф");
        let n = EmailNormalizer::default().normalize("jo\u{200B}hn@example.com");
        assert_eq!(n.value.unwrap().canonical(), "john@example.com");
        assert!(n.flags.contains(ValueFlags::CONTROL_REMOVED));
    }

    #[test]
    fn gmail_rules() {
        assert_eq!(canon("J.o.h.n+x@gmail.com"), "john@gmail.com");
        assert_eq!(canon("john.smith@googlemail.com"), "johnsmith@gmail.com");
        assert_eq!(canon("a.+tag@gmail.com"), "a@gmail.com");
        assert_eq!(canon("+tag@gmail.com"), "+tag@gmail.com");
        // Workspace domains keep their dots.
        assert_eq!(canon("john.smith@acme.com"), "john.smith@acme.com");
        let off = EmailNormalizer::new().provider_rules(false);
        let e = off.parse("J.Smith+x@GoogleMail.com").unwrap();
        assert_eq!(e.canonical(), "j.smith@googlemail.com");
        // Gmail's rules are the provider's, so they hold without general tag stripping.
        let keep = EmailNormalizer::new().strip_plus_tags(false);
        assert_eq!(
            keep.parse("j.s+x@gmail.com").unwrap().canonical(),
            "js@gmail.com"
        );
        assert_eq!(
            keep.parse("j.s+x@outlook.com").unwrap().canonical(),
            "j.s+x@outlook.com"
        );
    }

    #[test]
    fn plus_tags() {
        assert_eq!(canon("anna+news+x@outlook.com"), "anna@outlook.com");
        assert_eq!(canon("+anna@outlook.com"), "+anna@outlook.com");
        assert_eq!(canon("anna.+x@outlook.com"), "anna.+x@outlook.com");
        // Yahoo's `-` keywords are not stripped.
        assert_eq!(canon("anna-shop@yahoo.com"), "anna-shop@yahoo.com");
    }

    #[test]
    fn accessors() {
        let e = EmailNormalizer::default()
            .parse("J.Smith+X@GoogleMail.COM")
            .unwrap();
        assert_eq!(e.address(), "j.smith+x@googlemail.com");
        assert_eq!(e.local(), "j.smith+x");
        assert_eq!(e.domain(), "googlemail.com");
        assert_eq!(e.canonical(), "jsmith@gmail.com");
    }

    fn err(raw: &str) -> EmailError {
        EmailNormalizer::default().parse(raw).unwrap_err()
    }

    #[test]
    fn every_error_variant() {
        assert_eq!(err("   "), EmailError::Empty);
        assert_eq!(err("<>"), EmailError::Empty);
        assert!(matches!(
            err(&"a".repeat(2000)),
            EmailError::TooLong { len: 2000, .. }
        ));
        assert!(matches!(
            err("john.example.com"),
            EmailError::MissingAt { .. }
        ));
        assert!(matches!(
            err("a@b@example.com"),
            EmailError::MultipleAt { .. }
        ));
        assert!(matches!(
            err("john smith@example.com"),
            EmailError::ContainsSpace { .. }
        ));
        assert!(matches!(
            err("@example.com"),
            EmailError::MissingLocal { .. }
        ));
        assert!(matches!(err("john@"), EmailError::MissingDomain { .. }));
        let long = format!("{}@example.com", "a".repeat(65));
        assert!(matches!(err(&long), EmailError::LocalTooLong { .. }));
        assert_eq!(
            err("jo(hn@example.com"),
            EmailError::InvalidLocalChar {
                address: "jo(hn@example.com".into(),
                ch: '('
            }
        );
        assert!(matches!(
            err(".john@example.com"),
            EmailError::MisplacedDot { .. }
        ));
        assert!(matches!(
            err("john.@example.com"),
            EmailError::MisplacedDot { .. }
        ));
        assert!(matches!(
            err("jo..hn@example.com"),
            EmailError::MisplacedDot { .. }
        ));
        let long_domain = format!("a@{}.com", "b".repeat(250));
        assert!(matches!(
            err(&long_domain),
            EmailError::DomainTooLong { .. }
        ));
        assert!(matches!(
            err("john@localhost"),
            EmailError::MissingTld { .. }
        ));
        assert!(matches!(
            err("john@example..com"),
            EmailError::EmptyDomainLabel { .. }
        ));
        assert!(matches!(
            err("john@.example.com"),
            EmailError::EmptyDomainLabel { .. }
        ));
        assert_eq!(
            err("john@-example.com"),
            EmailError::InvalidDomainLabel {
                address: "john@-example.com".into(),
                label: "-example".into()
            }
        );
        assert!(matches!(
            err("john@ex_ample.com"),
            EmailError::InvalidDomainLabel { .. }
        ));
        let long_label = format!("a@{}.com", "b".repeat(64));
        assert!(matches!(
            err(&long_label),
            EmailError::InvalidDomainLabel { .. }
        ));
        assert!(matches!(
            err("john@example.c"),
            EmailError::InvalidTld { .. }
        ));
        assert!(matches!(
            err("john@192.168.0.1"),
            EmailError::InvalidTld { .. }
        ));
        assert!(matches!(
            err("john@[192.168.0.1]"),
            EmailError::InvalidDomainLabel { .. }
        ));
    }

    #[test]
    fn error_messages_say_what_to_fix() {
        assert_eq!(
            err("john.smith@").to_string(),
            "e-mail address \"john.smith@\" has no domain after '@'"
        );
        assert!(err("John Smith").to_string().contains("has no '@'"));
        assert!(err("a@b.1").to_string().contains("not a top-level domain"));
    }

    #[test]
    fn punycode_and_international_domains_are_valid() {
        assert_eq!(
            canon("a@xn--80ak6aa92e.xn--p1ai"),
            "a@xn--80ak6aa92e.xn--p1ai"
        );
        assert_eq!(canon("ali@دانشگاه.ایران"), "ali@دانشگاه.ایران");
        assert_eq!(canon("o'brien@example.ie"), "o'brien@example.ie");
    }

    #[test]
    fn placeholders() {
        for junk in [
            "test@test.com",
            "noemail@gmail.com",
            "no.email@yahoo.com",
            "none@hotmail.com",
            "no@x.de",
            "NA@company.com",
            "n/a@company.com",
            "nomail@x.com",
            "no-reply@shop.com",
            "donotreply@shop.com",
            "dummy@x.com",
            "fake@x.com",
            "unknown@x.com",
            "asdf@asdf.com",
            "xxx@xxx.com",
            "aaaa@gmail.com",
            "1234567@qq.com",
            "abc@abc.com",
            "email@email.com",
            "john@example.com",
            "john@mail.example.org",
            "john@test.com",
            "john@shop.invalid",
            "john@site.test",
            "john@noemail.com",
        ] {
            assert!(flags(junk).contains(ValueFlags::PLACEHOLDER), "{junk}");
        }
        for real in [
            "john@email.com",
            "anna@mail.com",
            "john@john.com",
            "x@x.com",
            "nate@gmail.com",
            "noemi@gmail.com",
            "testa@libero.it",
            "09123456789@example.ir",
        ] {
            assert!(!flags(real).contains(ValueFlags::PLACEHOLDER), "{real}");
        }
    }

    #[test]
    fn extra_placeholders() {
        let n = EmailNormalizer::new()
            .placeholder_domain("No-Email.Acme.com")
            .placeholder_local("Keine.Email");
        assert!(n
            .normalize("a@no-email.acme.com")
            .flags
            .contains(ValueFlags::PLACEHOLDER));
        assert!(n
            .normalize("keine-email@gmx.de")
            .flags
            .contains(ValueFlags::PLACEHOLDER));
        assert!(n.normalize("anna@acme.com").is_matchable());
    }

    #[test]
    fn role_accounts() {
        for role in [
            "info@acme.com",
            "Sales@acme.com",
            "customer.service@acme.com",
            "customer_service@acme.com",
            "support+ticket@acme.com",
            "postmaster@acme.com",
            "hr@acme.com",
        ] {
            let n = EmailNormalizer::default().normalize(role);
            assert!(n.flags.contains(ValueFlags::ROLE_ACCOUNT), "{role}");
            assert!(n.is_matchable(), "{role}");
        }
        assert!(!flags("information.smith@acme.com").contains(ValueFlags::ROLE_ACCOUNT));
        assert!(!flags("henry@acme.com").contains(ValueFlags::ROLE_ACCOUNT));
    }

    #[test]
    fn flags_for_unusable_input() {
        assert_eq!(flags(""), ValueFlags::EMPTY);
        assert_eq!(flags("  -- "), ValueFlags::EMPTY);
        assert_eq!(flags("N/A"), ValueFlags::INVALID | ValueFlags::PLACEHOLDER);
        assert_eq!(flags("john.smith"), ValueFlags::INVALID);
        let long = format!("{}@example.com", "a".repeat(MAX_VALUE_BYTES));
        assert_eq!(flags(&long), ValueFlags::INVALID | ValueFlags::TRUNCATED);
    }

    #[test]
    fn mixed_script_domain_is_flagged() {
        // Cyrillic `а` in a Latin domain.
        let n = EmailNormalizer::default().normalize("john@gm\u{0430}il.com");
        assert!(n.flags.contains(ValueFlags::MIXED_SCRIPT));
        assert!(!flags("иван@пример.рф").contains(ValueFlags::MIXED_SCRIPT));
    }

    #[test]
    fn serde_round_trip_and_validation() {
        let e = EmailNormalizer::default()
            .parse("J.Smith@GoogleMail.com")
            .unwrap();
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(
            json,
            r#"{"address":"j.smith@googlemail.com","canonical":"jsmith@gmail.com"}"#
        );
        let back: EmailAddress = serde_json::from_str(&json).unwrap();
        assert_eq!(back, e);
        assert_eq!(back.local(), "j.smith");
        assert!(
            serde_json::from_str::<EmailAddress>(r#"{"address":"nope","canonical":"a@b.co"}"#)
                .is_err()
        );
        assert!(
            serde_json::from_str::<EmailAddress>(r#"{"address":"a@b.co","canonical":"ab"}"#)
                .is_err()
        );
    }

    #[test]
    fn the_one_pass_check_takes_the_usual_addresses() {
        for raw in [
            "gary_cook@yahoo.com",
            "Concepcion.Vasquez55@Hotmail.COM",
            "a+b@x-y.co.uk",
        ] {
            let (address, at) = validate_plain(raw).expect(raw);
            assert_eq!(address, raw.to_ascii_lowercase());
            assert_eq!(raw.as_bytes()[at], b'@');
        }
        // Left to the full check, which names the fault or knows the form.
        for raw in [
            "a..b@x.com",
            ".a@x.com",
            "a.@x.com",
            "a@b@x.com",
            "a b@x.com",
            "a@x",
            "a@-x.com",
            "a@x.c",
            "a@x.xn--p1ai",
            "a@x..com",
            "josé@x.com",
        ] {
            assert_eq!(validate_plain(raw), None, "{raw}");
        }
    }

    proptest::proptest! {
        /// Whatever the one-pass check accepts, the full check accepts the same way.
        #[test]
        fn the_one_pass_check_agrees_with_the_full_check(
            raw in "[a-zA-Z0-9._+'~-]{1,10}@[a-zA-Z0-9-]{1,8}(\\.[a-zA-Z0-9-]{1,6}){0,2}\\.[a-zA-Z]{1,4}|\
                    [a-zA-Z0-9._+'~@-]{0,10}@?[a-zA-Z0-9.@é-]{0,12}(\\.[a-zA-Z]{0,3})?"
        ) {
            if let Some(plain) = validate_plain(&raw) {
                proptest::prop_assert_eq!(validate_fully(&raw).ok(), Some(plain));
            }
        }
    }
}
