//! Properties of text folding and junk detection, on arbitrary Unicode.

use customer360::normalize::{
    ascii_key, fold, fold_arabic_script, is_placeholder_digits, is_placeholder_text,
    to_ascii_digits, TextPipeline,
};
use proptest::prelude::*;

/// Strings mixing Latin, accents, Persian/Arabic letters and marks, digits of three scripts,
/// invisible characters and punctuation: the inputs where folding is most likely to go wrong.
fn tricky_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "a", "Z", "ß", "ẞ", "é", "e\u{301}", "Ł", "ﬁ", "Σ", "ς", "İ", "ı", "ي", "ی", "ك", "ک",
        "\u{64E}", "\u{640}", "\u{200C}", "\u{200B}", "\u{202E}", "\u{FEFF}", "۱", "٣", "7", "'",
        "-", " ", "\t", ".", "ｊ", "😀", "\u{0}", "ة", "آ", "\u{301}", "\u{FFA0}", "\u{3164}",
        "\u{308}", "\u{323}", "’",
    ]);
    prop::collection::vec(pieces, 0..24).prop_map(|v| v.concat())
}

#[test]
fn fold_is_idempotent_on_known_hard_cases() {
    // Found by the names property tests: NFKC turns U+FFA0 into an invisible filler, and a
    // removed apostrophe leaves combining marks out of order.
    for s in [
        "a\u{FFA0}b",
        "\u{3164}x",
        "e'\u{323}\u{301}",
        "o\u{301}'\u{323}",
        "ا'\u{650}\u{301}",
    ] {
        let once = fold(s);
        assert_eq!(fold(&once), once, "{s:?}");
    }
}

#[test]
fn ascii_controls_fold_as_they_do_beside_other_scripts() {
    // Found by a deep property run: the ASCII fast path read a NUL as a word break, the
    // general path (any non-ASCII character in the text) dropped it as invisible.
    assert_eq!(fold("7\0a"), "7a");
    assert_eq!(fold("Jo\u{0}hn\u{1b}ny\u{7f}"), "johnny");
    assert_eq!(fold("Jo\u{0}hn é"), "john é");
    assert_eq!(fold("a\tb\u{b}c\r\nd"), "a b c d");
    for s in ["7\0a", "x\u{1}y\tz", "\u{1f}ab\u{85}c"] {
        assert_eq!(TextPipeline::folding().apply(s), fold(s), "{s:?}");
        let beside = format!("{s} é");
        assert_eq!(fold(&beside), format!("{} é", fold(s)), "{s:?}");
    }
}

proptest! {
    #[test]
    fn fold_is_idempotent_on_arbitrary_unicode(s in any::<String>()) {
        let once = fold(&s);
        prop_assert_eq!(fold(&once), once);
    }

    #[test]
    fn fold_is_idempotent_on_tricky_text(s in tricky_text()) {
        let once = fold(&s);
        prop_assert_eq!(fold(&once), once);
    }

    #[test]
    fn fold_output_is_trimmed_and_single_spaced(s in tricky_text()) {
        let f = fold(&s);
        prop_assert!(!f.starts_with(' ') && !f.ends_with(' '));
        prop_assert!(!f.contains("  "));
    }

    #[test]
    fn ascii_key_is_idempotent_and_ascii(s in any::<String>()) {
        let k = ascii_key(&s);
        prop_assert!(k.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b' '));
        prop_assert_eq!(ascii_key(&k), k);
    }

    #[test]
    fn pipeline_agrees_with_fold(s in tricky_text()) {
        prop_assert_eq!(TextPipeline::folding().apply(&s), fold(&s));
    }

    #[test]
    fn arabic_folding_and_digits_are_idempotent(s in tricky_text()) {
        let a = fold_arabic_script(&s);
        prop_assert_eq!(fold_arabic_script(&a), a.clone());
        let d = to_ascii_digits(&s);
        prop_assert_eq!(to_ascii_digits(&d), d);
    }

    #[test]
    fn junk_detection_never_panics(s in any::<String>(), digits in "[0-9]{0,20}") {
        let _ = is_placeholder_text(&fold(&s));
        let _ = is_placeholder_digits(&digits);
        let _ = is_placeholder_digits(&s);
    }
}
