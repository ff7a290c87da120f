//! Placeholder and junk values: what people type when a form insists on a field they do not want
//! to fill. Such values must never become matching evidence: two strangers who both typed
//! `0000000000` are not one person.

use std::sync::LazyLock;

/// Folded texts that stand for "no value". Compared against [`fold`](super::fold)ed input.
const PLACEHOLDER_TEXTS: &[&str] = &[
    "n a",
    "na",
    "n d",
    "nd",
    "none",
    "null",
    "nil",
    "nan",
    "undefined",
    "unknown",
    "unk",
    "not known",
    "not available",
    "not applicable",
    "not provided",
    "not given",
    "no name",
    "noname",
    "no",
    "nobody",
    "nothing",
    "empty",
    "blank",
    "missing",
    "declined",
    "refused",
    "withheld",
    "test",
    "tester",
    "testing",
    "test test",
    "test user",
    "dummy",
    "fake",
    "sample",
    "example",
    "asdf",
    "asdfgh",
    "asdfasdf",
    "qwerty",
    "qwertz",
    "azerty",
    "abc",
    "abcd",
    "abcdef",
    "xyz",
    "foo",
    "bar",
    "foobar",
    "lorem ipsum",
    "anonymous",
    "anon",
    "guest",
    "customer",
    "client",
    "user",
    "john doe",
    "jane doe",
    "mr x",
    "ms x",
    "xx",
    "tbd",
    "tba",
    "to be confirmed",
    // Persian: unknown, has none, test, nothing, no name.
    "نامشخص",
    "ندارد",
    "تست",
    "هیچ",
    "بی نام",
    "نامعلوم",
];

/// [`PLACEHOLDER_TEXTS`] hashed: every name, street and e-mail local part is checked.
static PLACEHOLDER_SET: LazyLock<hashbrown::HashSet<&'static str>> =
    LazyLock::new(|| PLACEHOLDER_TEXTS.iter().copied().collect());

/// Whether already-[`fold`](super::fold)ed text is a placeholder: a known junk word, a single
/// character repeated (`xxx`, `----` folds to empty and is caught as empty elsewhere), or a run
/// of a repeated short pattern.
///
/// ```
/// use customer360::normalize::{fold, is_placeholder_text};
/// assert!(is_placeholder_text(&fold("N/A")));
/// assert!(is_placeholder_text(&fold("Unknown")));
/// assert!(is_placeholder_text(&fold("asdf")));
/// assert!(is_placeholder_text(&fold("XXXX")));
/// assert!(!is_placeholder_text(&fold("Anna")));
/// assert!(!is_placeholder_text(&fold("Li")));
/// ```
pub fn is_placeholder_text(folded: &str) -> bool {
    if folded.is_empty() {
        return false;
    }
    if PLACEHOLDER_SET.contains(folded) {
        return true;
    }
    // One letter repeated three or more times: "xxx", "aaaa", "zzzzz".
    let mut letters = folded.chars().filter(|c| !c.is_whitespace());
    let Some(first) = letters.next().filter(|c| c.is_alphabetic()) else {
        return false;
    };
    let mut count = 1;
    for c in letters {
        if c != first {
            return false;
        }
        count += 1;
    }
    count >= 3
}

/// Whether a string of ASCII digits is a placeholder: empty of information (`0000000000`,
/// `1111111`), an ascending or descending run (`1234567890`, `0123456789`, `987654321`) or a
/// short pattern repeated (`1212121212`, `123123123`).
///
/// Only strings of six or more digits are judged; shorter ones are too short to tell.
///
/// ```
/// use customer360::normalize::is_placeholder_digits;
/// assert!(is_placeholder_digits("0000000000"));
/// assert!(is_placeholder_digits("1234567890"));
/// assert!(is_placeholder_digits("9876543210"));
/// assert!(is_placeholder_digits("1212121212"));
/// assert!(!is_placeholder_digits("5551234567"));
/// assert!(!is_placeholder_digits("0412345678"));
/// ```
pub fn is_placeholder_digits(digits: &str) -> bool {
    let d = digits.as_bytes();
    if d.len() < 6 || !d.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let ascending = d.windows(2).all(|w| (w[0] - b'0' + 1) % 10 == w[1] - b'0');
    let descending = d.windows(2).all(|w| (w[1] - b'0' + 1) % 10 == w[0] - b'0');
    if ascending || descending {
        return true;
    }
    // A pattern of length 1..=3 repeated over the whole string.
    (1..=3).any(|period| {
        d.len() >= period * 3 && d.iter().enumerate().all(|(i, &b)| b == d[i % period])
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::fold;

    #[test]
    fn real_names_are_not_placeholders() {
        for name in [
            "Anna", "Bob", "Ng", "Li", "Xu", "Eve", "Otto", "Aaron", "محمد",
        ] {
            assert!(!is_placeholder_text(&fold(name)), "{name}");
        }
    }

    #[test]
    fn persian_placeholders_are_recognised() {
        assert!(is_placeholder_text(&fold("نامشخص")));
        assert!(is_placeholder_text(&fold("تست")));
    }

    #[test]
    fn digit_patterns() {
        assert!(is_placeholder_digits("999999"));
        assert!(is_placeholder_digits("123123123"));
        assert!(!is_placeholder_digits("12345"));
        assert!(!is_placeholder_digits("02071234567"));
    }
}
