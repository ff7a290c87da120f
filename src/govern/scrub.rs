//! Free text: finding e-mail addresses, phone numbers and payment numbers written into
//! notes, topics and comments, so a governed view can mask them like the fields they are.

use std::borrow::Cow;
use std::ops::Range;

use crate::model::FieldPath;
use crate::normalize::{PhoneNormalizer, Region};

/// What kind of personal value was found inside free text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum TextFindingKind {
    /// An e-mail address (`local@domain.tld`); governed as [`FieldPath::EMAIL`].
    Email,
    /// A phone-like digit run (7–15 digits, separators allowed); governed as
    /// [`FieldPath::PHONE`].
    Phone,
    /// A payment-card-like digit run (13–19 digits passing the Luhn check, or any run
    /// longer than a phone number). No field of the catalogue holds card numbers, so they
    /// are always redacted.
    Card,
    /// An IBAN (country code, check digits, account; the mod-97 check passes). Always
    /// redacted, like cards.
    Iban,
}

impl TextFindingKind {
    /// The field whose access decision governs this kind inside free text, if any
    /// (`None`: always redacted).
    pub fn governing_field(self) -> Option<FieldPath> {
        match self {
            TextFindingKind::Email => Some(FieldPath::EMAIL),
            TextFindingKind::Phone => Some(FieldPath::PHONE),
            TextFindingKind::Card | TextFindingKind::Iban => None,
        }
    }
}

/// One personal value found inside free text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextFinding {
    /// What it is.
    pub kind: TextFindingKind,
    /// Where it is: a byte range of the scanned text, on character boundaries.
    pub span: Range<usize>,
    /// The value in the form its field is masked from (an e-mail as written, a phone in
    /// E.164 when the normaliser can place it, else as written), so that a pseudonym of a
    /// phone number in a note equals the pseudonym of the same number in `identity.phone`.
    pub value: String,
}

/// Finds personal values inside free text. The built-in is [`FreeTextScrubber`]; a host
/// with other patterns (national ID formats of its market, say) implements this and hands
/// it to [`Governor::scanner`](super::Governor::scanner).
///
/// Findings must lie on character boundaries of `text`, be sorted by start and not overlap.
pub trait TextScanner {
    /// Append every finding in `text` to `out`.
    fn scan(&self, text: &str, out: &mut Vec<TextFinding>);
}

/// The built-in [`TextScanner`]: a hand-written scanner over the bytes of the text (no regex),
/// allocating only for what it finds.
///
/// - **E-mail**: `local@domain` with a dotted domain, the characters RFC 5322 allows in an
///   unquoted local part, on word boundaries.
/// - **IBAN**: two capital letters, two digits and 11–30 letters or digits, optionally in
///   space-separated groups, passing the ISO 13616 mod-97 check.
/// - **Card**: 13–19 digits (spaces or hyphens between groups) passing the Luhn check.
/// - **Phone**: 7–15 digits, optionally after a `+`, with single separators (space, `-`,
///   `.`, `/`, parentheses) between groups, not touching a letter or digit on either side.
///   Dates (`2026-03-01`, `01/03/2026`) and decimal amounts (`1234567.50`) are not phones.
///   A run of more than 15 digits that is no card is reported as [`TextFindingKind::Card`]
///   (redacted) rather than left alone.
///
/// National ID formats differ by market and are not recognised (a 9-digit run such as
/// `123-45-6789` is caught as phone-like). Names inside free text are not recognised.
///
/// ```
/// use customer360::govern::{FreeTextScrubber, TextFindingKind};
///
/// let s = FreeTextScrubber::new();
/// let text = "Wants mail to ann.lee@example.com, or call +44 20 7946 0018 (not 2026-03-01).";
/// let kinds: Vec<_> = s.find(text).into_iter().map(|f| f.kind).collect();
/// assert_eq!(kinds, [TextFindingKind::Email, TextFindingKind::Phone]);
/// let masked = s.replace(text, |f| format!("<{:?}>", f.kind).into());
/// assert_eq!(masked, "Wants mail to <Email>, or call <Phone> (not 2026-03-01).");
/// ```
#[derive(Debug, Clone, Default)]
pub struct FreeTextScrubber {
    phones: PhoneNormalizer,
}

const MIN_PHONE_DIGITS: usize = 7;
const MAX_PHONE_DIGITS: usize = 15;

impl FreeTextScrubber {
    /// A scrubber that reads phone numbers without a country code as international only
    /// (they are still masked, but pseudonymised by their digits as written).
    pub fn new() -> Self {
        FreeTextScrubber::default()
    }

    /// A scrubber that places phone numbers without a country code in `region`, so that
    /// `07700 900123` in a note gets the same pseudonym as `+447700900123` in
    /// `identity.phone`.
    pub fn with_phone_region(region: Region) -> Self {
        FreeTextScrubber {
            phones: PhoneNormalizer::with_default_region(region),
        }
    }

    /// Every finding in `text`, in order.
    pub fn find(&self, text: &str) -> Vec<TextFinding> {
        let mut out = Vec::new();
        self.scan(text, &mut out);
        out
    }

    /// `text` with every finding replaced by `replace(finding)`; borrowed unchanged when
    /// nothing was found.
    pub fn replace<'t>(
        &self,
        text: &'t str,
        replace: impl FnMut(&TextFinding) -> Cow<'t, str>,
    ) -> Cow<'t, str> {
        replace_findings(self, text, replace)
    }

    fn phone_value(&self, raw: &str) -> String {
        match self.phones.normalize_in(raw, None).value {
            Some(p) => p.e164().to_owned(),
            None => raw.to_owned(),
        }
    }
}

/// `text` with every finding of `scanner` replaced; borrowed unchanged when nothing was found.
pub(crate) fn replace_findings<'t>(
    scanner: &(impl TextScanner + ?Sized),
    text: &'t str,
    mut replace: impl FnMut(&TextFinding) -> Cow<'t, str>,
) -> Cow<'t, str> {
    let mut findings = Vec::new();
    scanner.scan(text, &mut findings);
    if findings.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for f in &findings {
        // A host scanner may break the contract; never panic on bad spans, mask generously.
        let start = f.span.start.max(at).min(text.len());
        let end = f.span.end.max(start).min(text.len());
        if !text.is_char_boundary(start) || !text.is_char_boundary(end) {
            continue;
        }
        out.push_str(&text[at..start]);
        out.push_str(&replace(f));
        at = end;
    }
    out.push_str(&text[at..]);
    Cow::Owned(out)
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80
}

fn is_local(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80 || b"!#$%&'*+-/=?^_`{|}~.".contains(&b)
}

fn is_domain(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80 || b == b'-' || b == b'.'
}

/// Move `i` back to a character boundary (never splits a UTF-8 sequence).
fn floor_char(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char(text: &str, mut i: usize) -> usize {
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

impl TextScanner for FreeTextScrubber {
    fn scan(&self, text: &str, out: &mut Vec<TextFinding>) {
        let b = text.as_bytes();
        let mut i = 0;
        // Only bytes before `i` are settled; each branch either reports a finding and skips
        // past it, or moves on by one byte.
        while i < b.len() {
            if let Some(end) = email_at(b, i) {
                let (start, end) = (ceil_char(text, email_start(b, i)), floor_char(text, end));
                push(
                    out,
                    TextFindingKind::Email,
                    start..end,
                    text[start..end].to_owned(),
                );
                i = end;
                continue;
            }
            let boundary = i == 0 || !is_word(b[i - 1]);
            if boundary && b[i].is_ascii_uppercase() {
                if let Some(end) = iban_at(b, i) {
                    push(out, TextFindingKind::Iban, i..end, text[i..end].to_owned());
                    i = end;
                    continue;
                }
            }
            if boundary && (b[i].is_ascii_digit() || b[i] == b'+' || b[i] == b'(') {
                if let Some((end, kind)) = number_at(b, i) {
                    let value = match kind {
                        TextFindingKind::Phone => self.phone_value(&text[i..end]),
                        _ => text[i..end].to_owned(),
                    };
                    push(out, kind, i..end, value);
                    i = end;
                    continue;
                }
            }
            i += 1;
        }
    }
}

fn push(out: &mut Vec<TextFinding>, kind: TextFindingKind, span: Range<usize>, value: String) {
    // An e-mail's local part may start before an earlier finding ended (`12345678@x.io`):
    // merge into one span so nothing is shown twice or left half-masked.
    if let Some(last) = out.last_mut() {
        if span.start < last.span.end {
            last.span = last.span.start..span.end.max(last.span.end);
            last.kind = kind;
            last.value = value;
            return;
        }
    }
    out.push(TextFinding { kind, span, value });
}

/// The end of an e-mail address whose `@` is at `i`.
fn email_at(b: &[u8], i: usize) -> Option<usize> {
    if b[i] != b'@' || email_start(b, i) == i {
        return None;
    }
    let mut end = i + 1;
    while end < b.len() && is_domain(b[end]) {
        end += 1;
    }
    // A sentence may end right after the address.
    while end > i + 1 && (b[end - 1] == b'.' || b[end - 1] == b'-') {
        end -= 1;
    }
    let domain = &b[i + 1..end];
    let dotted = domain
        .iter()
        .position(|&c| c == b'.')
        .is_some_and(|p| p > 0);
    (dotted && !domain.windows(2).any(|w| w == b"..")).then_some(end)
}

/// The start of the local part before the `@` at `i` (`i` if there is none).
fn email_start(b: &[u8], i: usize) -> usize {
    let mut start = i;
    while start > 0 && is_local(b[start - 1]) {
        start -= 1;
    }
    while start < i && b[start] == b'.' {
        start += 1;
    }
    start
}

/// The end of an IBAN starting at `i`: `CCdd` then 11–30 letters or digits, optionally in
/// groups separated by single spaces; the longest prefix (at a group end) passing mod-97.
fn iban_at(b: &[u8], i: usize) -> Option<usize> {
    let head = b.get(i..i + 4)?;
    if !(head[0].is_ascii_uppercase()
        && head[1].is_ascii_uppercase()
        && head[2].is_ascii_digit()
        && head[3].is_ascii_digit())
    {
        return None;
    }
    // Group ends (byte index, characters so far); an IBAN has at most 34 characters, so at
    // most 34 ends.
    let mut ends = [(0usize, 0usize); 35];
    let mut nends = 0;
    let mut chars = 0;
    let mut j = i;
    while j < b.len() && chars < 34 {
        let c = b[j];
        if c.is_ascii_uppercase() || c.is_ascii_digit() {
            chars += 1;
            j += 1;
        } else if c == b' ' && j + 1 < b.len() && b[j + 1].is_ascii_alphanumeric() {
            ends[nends] = (j, chars);
            nends += 1;
            j += 1;
        } else {
            break;
        }
    }
    // Touching a lower-case letter or more characters: only whole groups count.
    if j >= b.len() || !is_word(b[j]) {
        ends[nends] = (j, chars);
        nends += 1;
    }
    ends[..nends]
        .iter()
        .rev()
        .find(|&&(end, n)| (15..=34).contains(&n) && mod97_ok(&b[i..end]))
        .map(|&(end, _)| end)
}

/// The ISO 13616 check: the first four characters moved to the end, letters as 10–35, the
/// number mod 97 is 1. `iban` starts with its four head characters (no spaces among them).
fn mod97_ok(iban: &[u8]) -> bool {
    let (head, rest) = iban.split_at(4);
    let mut r: u32 = 0;
    for &c in rest.iter().filter(|c| **c != b' ').chain(head) {
        let v = if c.is_ascii_digit() {
            u32::from(c - b'0')
        } else {
            u32::from(c - b'A') + 10
        };
        r = if v >= 10 {
            (r * 100 + v) % 97
        } else {
            (r * 10 + v) % 97
        };
    }
    r == 1
}

/// At most this many separators in one number: longer runs are cut (and still reported).
const MAX_SEPS: usize = 12;

/// A phone-, card- or long-number-like run starting at `i`: its end and kind. Allocates
/// nothing.
fn number_at(b: &[u8], i: usize) -> Option<(usize, TextFindingKind)> {
    let mut j = i;
    if b[j] == b'+' {
        j += 1;
    }
    let mut n = 0;
    // (separator, digits in the group before it, where the run ends if cut before it)
    let mut seps = [(0u8, 0usize, 0usize); MAX_SEPS];
    let mut nseps = 0;
    let mut group = 0;
    let mut open_paren = false;
    let mut end = j;
    while j < b.len() {
        let c = b[j];
        if c.is_ascii_digit() {
            n += 1;
            group += 1;
            j += 1;
            end = j;
        } else if c == b'(' && !open_paren && group == 0 {
            open_paren = true;
            j += 1;
        } else if c == b')' && open_paren && group > 0 && nseps < MAX_SEPS {
            open_paren = false;
            j += 1;
            seps[nseps] = (c, group, j);
            nseps += 1;
            group = 0;
            end = j;
            // `(020) 7946`: a space may follow the parenthesis.
            if j + 1 < b.len() && b[j] == b' ' && b[j + 1].is_ascii_digit() {
                j += 1;
            }
        } else if matches!(c, b' ' | b'-' | b'.' | b'/')
            && group > 0
            && nseps < MAX_SEPS
            && j + 1 < b.len()
            && (b[j + 1].is_ascii_digit() || b[j + 1] == b'(')
        {
            seps[nseps] = (c, group, end);
            nseps += 1;
            group = 0;
            j += 1;
        } else {
            break;
        }
    }
    // A run that runs into a word (`call 555 1234 567x`) ends at the last separator before it.
    while end < b.len() && is_word(b[end]) {
        if nseps == 0 {
            return None;
        }
        nseps -= 1;
        let (_, before, cut) = seps[nseps];
        n -= group;
        group = before;
        end = cut;
    }
    if n < MIN_PHONE_DIGITS {
        return None;
    }
    let seps = &seps[..nseps];
    let mut groups = [0usize; MAX_SEPS + 1];
    let mut ngroups = 0;
    for g in seps.iter().map(|s| s.1).chain([group]).filter(|&g| g > 0) {
        groups[ngroups] = g;
        ngroups += 1;
    }
    let groups = &groups[..ngroups];
    // Dates: 4-2-2 or 2-2-4 with one kind of separator.
    let date_like = groups.len() == 3
        && seps.iter().all(|s| s.0 != b' ' && s.0 == seps[0].0)
        && (groups == [4, 2, 2] || groups == [2, 2, 4] || groups == [1, 2, 4]);
    // Amounts: digits, then `.`, then exactly two digits at the end.
    let amount = seps.last().is_some_and(|s| s.0 == b'.') && group == 2 && seps.len() == 1;
    if date_like || amount {
        return None;
    }
    let card_seps = seps.iter().all(|s| s.0 == b' ' || s.0 == b'-');
    if (13..=19).contains(&n) && card_seps && b[i] != b'+' && luhn_ok(&b[i..end]) {
        return Some((end, TextFindingKind::Card));
    }
    if n > MAX_PHONE_DIGITS {
        return Some((end, TextFindingKind::Card));
    }
    Some((end, TextFindingKind::Phone))
}

/// The Luhn check over the digits of `text` (other bytes skipped).
fn luhn_ok(text: &[u8]) -> bool {
    let sum: u32 = text
        .iter()
        .rev()
        .filter(|c| c.is_ascii_digit())
        .enumerate()
        .map(|(k, &d)| {
            let v = u32::from(d - b'0');
            if k % 2 == 1 {
                let w = v * 2;
                if w > 9 {
                    w - 9
                } else {
                    w
                }
            } else {
                v
            }
        })
        .sum();
    sum % 10 == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(TextFindingKind, &str)> {
        FreeTextScrubber::new()
            .find(text)
            .into_iter()
            .map(|f| (f.kind, &text[f.span]))
            .collect()
    }

    #[test]
    fn finds_emails_phones_cards_ibans() {
        use TextFindingKind::*;
        assert_eq!(
            kinds("Mail Ann.Lee+x@Example.co.uk. Call (020) 7946 0018 or 07700-900-123!"),
            [
                (Email, "Ann.Lee+x@Example.co.uk"),
                (Phone, "(020) 7946 0018"),
                (Phone, "07700-900-123")
            ]
        );
        assert_eq!(
            kinds("card 4111 1111 1111 1111, iban GB82 WEST 1234 5698 7654 32 ok"),
            [
                (Card, "4111 1111 1111 1111"),
                (Iban, "GB82 WEST 1234 5698 7654 32")
            ]
        );
        assert_eq!(
            kinds("IBAN:DE89370400440532013000."),
            [(Iban, "DE89370400440532013000")]
        );
        assert_eq!(kinds("+15551234567"), [(Phone, "+15551234567")]);
        // A run that runs into a word ends at the last separator before it.
        assert_eq!(kinds("555 123 4567 8x"), [(Phone, "555 123 4567")]);
        assert_eq!(kinds("(020)7946x"), []);
        assert_eq!(kinds("(0207) 946 0018a"), [(Phone, "(0207) 946")]);
        // A wrong check digit is no IBAN, but its digit run is still masked as phone-like.
        assert_eq!(
            kinds("GB82 WEST 1234 5698 7654 33"),
            [(Phone, "1234 5698 7654 33")]
        );
        assert_eq!(
            kinds("x 12345678901234567890 y"),
            [(Card, "12345678901234567890")]
        );
    }

    #[test]
    fn leaves_dates_amounts_ids_and_short_numbers() {
        for text in [
            "on 2026-03-01 at 09:00",
            "01/03/2026",
            "2026-03-01T09:00:00Z",
            "paid 1234567.50 EUR",
            "order 123456",
            "ps_0123456789abcdef0123456789abcdef",
            "ord1234567",
            "a@b",
            "user@localhost",
            "",
            "@@@...",
        ] {
            assert_eq!(kinds(text), [], "{text}");
        }
    }

    #[test]
    fn replaces_only_when_found_and_never_splits_characters() {
        let s = FreeTextScrubber::new();
        let text = "Zoë — nothing here";
        assert!(matches!(s.replace(text, |_| "X".into()), Cow::Borrowed(_)));
        let text = "é7700900123é ünï@mäil.de é";
        let out = s.replace(text, |f| format!("<{:?}>", f.kind).into());
        assert_eq!(out, "é7700900123é <Email> é");
    }

    #[test]
    fn phones_in_a_region_become_e164() {
        let s = FreeTextScrubber::with_phone_region("GB".parse().unwrap());
        let f = s.find("ring 07700 900123 today");
        assert_eq!(f[0].value, "+447700900123");
        assert_eq!(
            FreeTextScrubber::new().find("ring 07700 900123")[0].value,
            "07700 900123"
        );
    }
}
