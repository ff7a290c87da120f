//! Text folding: Unicode NFKC, full case folding, invisible-character removal, Arabic-script
//! unification, whitespace and punctuation collapse, and a diacritics-free ASCII key.
//!
//! [`fold`] and [`ascii_key`] are the two functions most code needs. Hosts that want a different
//! chain build one from [`TextFilter`]s with [`TextPipeline::builder`].

use std::borrow::Cow;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

use super::script::push_folded_arabic;

/// One step of text folding: reads `input`, appends its result to `output`.
///
/// Filters compose in a [`TextPipeline`]. A filter must be idempotent on its own output.
pub trait TextFilter: Send + Sync {
    /// Append the filtered form of `input` to `output` (which the caller has cleared).
    fn apply(&self, input: &str, output: &mut String);
}

/// Unicode compatibility normalisation (NFKC): full-width letters, ligatures (`ﬁ`), Arabic
/// presentation forms and composed/decomposed accents all take one form.
#[derive(Debug, Clone, Copy, Default)]
pub struct Nfkc;

impl TextFilter for Nfkc {
    fn apply(&self, input: &str, output: &mut String) {
        if is_nfkc_quick(input.chars()) == IsNormalized::Yes {
            output.push_str(input);
        } else {
            output.extend(input.nfkc());
        }
    }
}

/// Removes invisible and control characters: C0/C1 controls (tabs and line breaks become a
/// space), bidi marks and embeddings, zero-width spaces and joiners (including the Persian
/// zero-width non-joiner), the byte-order mark and the soft hyphen.
#[derive(Debug, Clone, Copy, Default)]
pub struct StripInvisible;

/// Whether `c` is invisible formatting that carries no letter.
#[inline]
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}'                  // soft hyphen
        | '\u{034F}'                // combining grapheme joiner
        | '\u{061C}'                // Arabic letter mark
        | '\u{115F}' | '\u{1160}'   // Hangul fillers
        | '\u{3164}' | '\u{FFA0}'   // Hangul fillers (NFKC turns both into U+1160)
        | '\u{180E}'                // Mongolian vowel separator
        | '\u{200B}'..='\u{200F}'   // zero-width space, ZWNJ, ZWJ, LRM, RLM
        | '\u{202A}'..='\u{202E}'   // bidi embeddings and overrides
        | '\u{2060}'..='\u{206F}'   // word joiner, invisible operators, bidi isolates
        | '\u{FE00}'..='\u{FE0F}'   // variation selectors
        | '\u{FEFF}'                // byte-order mark
        | '\u{FFF9}'..='\u{FFFB}'   // interlinear annotation
    ) || (c.is_control() && !c.is_whitespace())
}

/// What [`StripInvisible`] leaves of an ASCII byte, for the ASCII fast paths: a control that
/// is whitespace (tab, line break) becomes a space, any other control (NUL, escape, delete)
/// goes, like every invisible character, so that `jo\0hn` folds to `john` whether or not the
/// rest of the text is ASCII.
#[inline]
fn visible_ascii(b: u8) -> Option<u8> {
    if !b.is_ascii_control() {
        Some(b)
    } else if char::from(b).is_whitespace() {
        Some(b' ')
    } else {
        None
    }
}

impl TextFilter for StripInvisible {
    fn apply(&self, input: &str, output: &mut String) {
        for c in input.chars() {
            if c.is_whitespace() {
                output.push(if c.is_control() { ' ' } else { c });
            } else if !is_invisible(c) {
                output.push(c);
            }
        }
    }
}

/// Full Unicode case folding (`Straße` and `STRASSE` both become `strasse`).
#[derive(Debug, Clone, Copy, Default)]
pub struct CaseFold;

impl TextFilter for CaseFold {
    fn apply(&self, input: &str, output: &mut String) {
        if input.is_ascii() {
            output.extend(input.chars().map(|c| c.to_ascii_lowercase()));
        } else {
            output.extend(caseless::default_case_fold_str(input).nfkc());
        }
    }
}

/// Arabic-script unification (see [`fold_arabic_script`](super::fold_arabic_script)), with
/// digits of every script turned into ASCII.
#[derive(Debug, Clone, Copy, Default)]
pub struct UnifyArabicScript;

impl TextFilter for UnifyArabicScript {
    fn apply(&self, input: &str, output: &mut String) {
        push_folded_arabic(input, output);
    }
}

/// Collapses punctuation and whitespace: apostrophes vanish (`O'Brien` → `OBrien`), every other
/// run of characters that are neither letters, digits nor combining marks becomes one space,
/// and the result is trimmed. A combining mark with no base before it in its word is dropped.
#[derive(Debug, Clone, Copy, Default)]
pub struct CollapseWhitespace;

#[inline]
fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{02BB}' | '`' | '\u{00B4}'
    )
}

impl TextFilter for CollapseWhitespace {
    fn apply(&self, input: &str, output: &mut String) {
        let mut pending_space = false;
        for c in input.chars() {
            // A combining mark needs a base in its own word: one that would start the text or
            // a word (NFKC turns `゜` into a space and a mark) is dropped, so that folding a
            // word on its own gives what it gave inside the text. That holds for the marks
            // Unicode counts as alphabetic too (vowel signs, U+10A0D): one left at the start
            // of a word could be put behind a mark that is not (canonical reordering, once an
            // apostrophe between them is gone), which the next fold would drop.
            let base = !is_combining_mark(c);
            if (base && c.is_alphanumeric()) || (!base && !output.is_empty() && !pending_space) {
                if pending_space && !output.is_empty() {
                    output.push(' ');
                }
                pending_space = false;
                output.push(c);
            } else if !is_apostrophe(c) {
                pending_space = true;
            }
        }
    }
}

/// A diacritics-free ASCII transliteration (`José` → `jose`, `Łódź` → `lodz`), lower-cased,
/// with only `a-z`, `0-9` and single spaces left.
#[derive(Debug, Clone, Copy, Default)]
pub struct AsciiKey;

impl TextFilter for AsciiKey {
    fn apply(&self, input: &str, output: &mut String) {
        let ascii;
        let source = if input.is_ascii() {
            input
        } else {
            ascii = deunicode::deunicode_with_tofu(input, " ");
            &ascii
        };
        let mut pending_space = false;
        for c in source.chars() {
            if c.is_ascii_alphanumeric() {
                if pending_space && !output.is_empty() {
                    output.push(' ');
                }
                pending_space = false;
                output.push(c.to_ascii_lowercase());
            } else if !is_apostrophe(c) {
                pending_space = true;
            }
        }
    }
}

/// A chain of [`TextFilter`]s applied in order.
///
/// ```
/// use customer360::normalize::{CaseFold, CollapseWhitespace, Nfkc, TextPipeline};
///
/// let pipeline = TextPipeline::builder()
///     .filter(Nfkc)
///     .filter(CaseFold)
///     .filter(CollapseWhitespace)
///     .build();
/// assert_eq!(pipeline.apply("  Straße,   Berlin "), "strasse berlin");
/// ```
pub struct TextPipeline {
    filters: Vec<Box<dyn TextFilter>>,
}

impl std::fmt::Debug for TextPipeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TextPipeline")
            .field("filters", &self.filters.len())
            .finish()
    }
}

/// Builds a [`TextPipeline`].
#[derive(Default)]
pub struct TextPipelineBuilder {
    filters: Vec<Box<dyn TextFilter>>,
}

impl std::fmt::Debug for TextPipelineBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TextPipelineBuilder")
            .field("filters", &self.filters.len())
            .finish()
    }
}

impl TextPipelineBuilder {
    /// Append a filter to the chain.
    #[must_use]
    pub fn filter(mut self, filter: impl TextFilter + 'static) -> Self {
        self.filters.push(Box::new(filter));
        self
    }

    /// Finish the chain.
    pub fn build(self) -> TextPipeline {
        TextPipeline {
            filters: self.filters,
        }
    }
}

impl TextPipeline {
    /// Start an empty chain.
    pub fn builder() -> TextPipelineBuilder {
        TextPipelineBuilder::default()
    }

    /// The chain [`fold`] uses: strip invisibles, NFKC, case fold, unify Arabic script,
    /// collapse punctuation and whitespace, and NFKC once more (removing an apostrophe can
    /// leave combining marks out of canonical order).
    pub fn folding() -> TextPipeline {
        TextPipeline::builder()
            .filter(StripInvisible)
            .filter(Nfkc)
            .filter(CaseFold)
            .filter(UnifyArabicScript)
            .filter(CollapseWhitespace)
            .filter(Nfkc)
            .build()
    }

    /// Run every filter over `input`.
    pub fn apply(&self, input: &str) -> String {
        let mut current = input.to_owned();
        let mut next = String::with_capacity(input.len());
        for filter in &self.filters {
            next.clear();
            filter.apply(&current, &mut next);
            std::mem::swap(&mut current, &mut next);
        }
        current
    }
}

/// Fold text for comparison: strip invisible characters, NFKC, full case folding, Arabic-script
/// unification (Persian digits to ASCII), apostrophes removed, other punctuation and whitespace
/// collapsed to single spaces.
///
/// ```
/// use customer360::normalize::fold;
/// assert_eq!(fold("  STRASSE "), fold("Straße"));
/// assert_eq!(fold("O'Brien-Smith"), "obrien smith");
/// // A Persian name typed with Arabic yeh, and with a zero-width non-joiner, folds the same.
/// assert_eq!(fold("نيک\u{200C}پور"), fold("نیکپور"));
/// ```
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_into(text, &mut out);
    out
}

/// [`fold`], appending to a caller-owned buffer.
pub(crate) fn fold_into(text: &str, out: &mut String) {
    if text.is_ascii() {
        // ASCII fast path: only controls, case and punctuation can change, and the result
        // is never longer than the text: one reservation instead of growing byte by byte.
        out.reserve(text.len());
        let mut pending_space = false;
        for b in text.bytes().filter_map(visible_ascii) {
            if b.is_ascii_alphanumeric() {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.push(char::from(b.to_ascii_lowercase()));
            } else if b != b'\'' && b != b'`' {
                pending_space = true;
            }
        }
        return;
    }
    let b = prefold(text);
    let mut a = String::with_capacity(b.len());
    CollapseWhitespace.apply(&b, &mut a);
    // Removing an apostrophe or a harakat mark can leave combining marks next to a new base
    // letter or out of canonical order; one more NFKC pass puts them right, so that folding
    // is idempotent.
    if is_nfkc_quick(a.chars()) == IsNormalized::Yes {
        out.push_str(&a);
    } else {
        out.extend(a.nfkc());
    }
}

/// `text` with its spaces (U+0020) removed: borrowed when it has none, as nearly every
/// name part has (`nik pour` → `nikpour`, `ph d` → `phd`).
pub(crate) fn without_spaces(text: &str) -> Cow<'_, str> {
    if text.contains(' ') {
        Cow::Owned(text.replace(' ', ""))
    } else {
        Cow::Borrowed(text)
    }
}

/// The letter-level steps of [`fold`] without the punctuation collapse: invisible characters
/// removed, NFKC, case folding, Arabic-script unification. Parsers that still need the
/// punctuation (addresses split on commas) run this once and collapse piece by piece.
pub(crate) fn prefold(text: &str) -> String {
    if text.is_ascii() {
        return text
            .bytes()
            .filter_map(visible_ascii)
            .map(|b| char::from(b.to_ascii_lowercase()))
            .collect();
    }
    let mut a = String::with_capacity(text.len());
    StripInvisible.apply(text, &mut a);
    let mut b = String::with_capacity(a.len());
    Nfkc.apply(&a, &mut b);
    a.clear();
    CaseFold.apply(&b, &mut a);
    b.clear();
    UnifyArabicScript.apply(&a, &mut b);
    b
}

/// A diacritics-free ASCII key of `text`: [`fold`], then transliterated to ASCII, keeping only
/// `a-z`, `0-9` and single spaces.
///
/// ```
/// use customer360::normalize::ascii_key;
/// assert_eq!(ascii_key("José"), "jose");
/// assert_eq!(ascii_key("Łódź"), "lodz");
/// assert_eq!(ascii_key("Ñúñez-García"), "nunez garcia");
/// ```
pub fn ascii_key(text: &str) -> String {
    let folded = fold(text);
    if folded.is_ascii() {
        return folded;
    }
    let mut out = String::with_capacity(folded.len());
    AsciiKey.apply(&folded, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_spaces_borrows_unless_there_is_a_space() {
        assert!(matches!(
            without_spaces("nikpour"),
            Cow::Borrowed("nikpour")
        ));
        assert_eq!(without_spaces(" nik  pour "), "nikpour");
        assert_eq!(without_spaces("نیک پور"), "نیکپور");
        // Only U+0020: other white space and the zero-width non-joiner stay.
        assert_eq!(without_spaces("a\tb\u{200C}c d"), "a\tb\u{200C}cd");
    }

    #[test]
    fn case_folding_is_full() {
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("ΣΊΣΥΦΟΣ"), fold("σίσυφος"));
    }

    #[test]
    fn prefold_treats_ascii_controls_as_the_general_path_does() {
        // Tabs and line breaks are spaces, other controls vanish, ASCII or not; commas stay
        // (address parsing splits on them after prefolding).
        assert_eq!(prefold("12 Main\u{0}St,\tLeeds"), "12 mainst, leeds");
        assert_eq!(prefold("12 Main\u{0}St,\tLeedé"), "12 mainst, leedé");
    }

    #[test]
    fn invisible_characters_are_removed() {
        assert_eq!(fold("Jo\u{200B}hn\u{202E}"), "john");
        assert_eq!(fold("\u{FEFF}Anna"), "anna");
        assert_eq!(fold("a\tb\nc"), "a b c");
    }

    #[test]
    fn nfkc_unifies_compatibility_forms() {
        assert_eq!(fold("ｊｏｈｎ"), "john");
        assert_eq!(fold("ﬁnn"), "finn");
        assert_eq!(fold("Jose\u{0301}"), fold("José"));
    }

    #[test]
    fn ascii_key_handles_scripts_without_latin_letters() {
        // Transliteration gives some ASCII; it must not panic or be empty for letters.
        assert!(!ascii_key("Москва").is_empty());
        assert_eq!(ascii_key("!!!"), "");
    }

    #[test]
    fn pipeline_matches_fold() {
        let p = TextPipeline::folding();
        for s in ["Straße", "O'Brien", "نيک‌پور", "  a  b ", "ＡＢＣ"] {
            assert_eq!(p.apply(s), fold(s), "{s}");
        }
    }
}
