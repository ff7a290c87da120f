//! Small internal tools shared by the pipeline stages.

pub(crate) mod fasthash;
pub(crate) mod interner;
pub(crate) mod memo;
pub(crate) mod permute;
pub(crate) mod prefetch;
pub(crate) mod rng;

/// `text` without leading and trailing white space, exactly as [`str::trim`], answering at
/// once for the usual value that starts and ends with a visible ASCII character (the CSV
/// adapter trims every field of every row).
pub(crate) fn trim(text: &str) -> &str {
    match text.as_bytes() {
        [] => text,
        [first, .., last] | [first @ last]
            if first.is_ascii_graphic() && last.is_ascii_graphic() =>
        {
            text
        }
        _ => text.trim(),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    #[test]
    fn trim_answers_like_str_trim() {
        for text in [
            "",
            " ",
            "a",
            " a",
            "a ",
            "\u{a0}a",
            "a\u{3000}",
            "\u{200b}a",
            "é",
            "a b",
        ] {
            assert_eq!(super::trim(text), text.trim(), "{text:?}");
        }
    }

    proptest! {
        #[test]
        fn trim_is_str_trim(text in "[ \t\u{a0}\u{85}\u{3000}\u{200b}a-z~!é]{0,6}") {
            prop_assert_eq!(super::trim(&text), text.trim());
        }
    }
}
