//! Arabic-script folding for Persian and Arabic text, and digits of every script to ASCII.
//!
//! Persian text typed on an Arabic keyboard uses Arabic `ي` (yeh) and `ك` (kaf) where Persian
//! uses `ی` and `ک`; the two look alike and must compare equal. Short vowels (harakat) and the
//! tatweel stretch are optional in writing, and digits come in ASCII, Persian (`۰–۹`) and
//! Arabic-Indic (`٠–٩`) forms.

/// Map one Arabic-script character to its folded form, or `None` to drop it.
///
/// Folding: Arabic yeh / alef maksura / yeh with hamza → Persian yeh `ی`; Arabic kaf → Persian
/// kaf `ک`; teh marbuta → heh; alef variants (with hamza, madda, wasla) → bare alef; waw with
/// hamza → waw; harakat, superscript alef and tatweel dropped.
#[inline]
fn fold_arabic_char(c: char) -> Option<char> {
    Some(match c {
        '\u{064A}' | '\u{0649}' | '\u{0626}' | '\u{06D0}' => '\u{06CC}',
        '\u{0643}' => '\u{06A9}',
        '\u{0629}' | '\u{06C0}' | '\u{06C1}' | '\u{06D5}' => '\u{0647}',
        '\u{0622}' | '\u{0623}' | '\u{0625}' | '\u{0671}' => '\u{0627}',
        '\u{0624}' => '\u{0648}',
        // Harakat (fathatan .. sukun and the extended marks), superscript alef, tatweel.
        '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' => return None,
        other => other,
    })
}

/// The ASCII digit for a Persian (`۰–۹`) or Arabic-Indic (`٠–٩`) digit, or the character unchanged.
#[inline]
pub(crate) fn ascii_digit(c: char) -> char {
    match c {
        '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
        '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
        // Full-width digits, for sources that skip NFKC.
        '\u{FF10}'..='\u{FF19}' => char::from(b'0' + (c as u32 - 0xFF10) as u8),
        _ => c,
    }
}

/// Replace Persian, Arabic-Indic and full-width digits with ASCII digits; everything else is
/// kept as it is.
///
/// ```
/// use customer360::normalize::to_ascii_digits;
/// assert_eq!(to_ascii_digits("۰۹۱۲ ۳۴۵ ۶۷۸۹"), "0912 345 6789");
/// assert_eq!(to_ascii_digits("٠١٢٣"), "0123");
/// ```
pub fn to_ascii_digits(text: &str) -> String {
    text.chars().map(ascii_digit).collect()
}

/// Fold Arabic-script variants so that Persian typed with Arabic letters, with or without
/// short vowels and tatweel, compares equal; digits become ASCII.
///
/// ```
/// use customer360::normalize::fold_arabic_script;
/// // Arabic yeh and kaf become Persian yeh and kaf.
/// assert_eq!(fold_arabic_script("علي"), "علی");
/// assert_eq!(fold_arabic_script("كريم"), "کریم");
/// // Harakat and tatweel disappear.
/// assert_eq!(fold_arabic_script("مُحَمَّد"), "محمد");
/// assert_eq!(fold_arabic_script("محـــمد"), "محمد");
/// ```
pub fn fold_arabic_script(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_folded_arabic(text, &mut out);
    out
}

pub(crate) fn push_folded_arabic(text: &str, out: &mut String) {
    for c in text.chars() {
        if let Some(f) = fold_arabic_char(c) {
            out.push(ascii_digit(f));
        }
    }
}

/// The broad script of a letter, for mixed-script detection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Script {
    Latin,
    Arabic,
    Cyrillic,
    Greek,
    Other,
}

pub(crate) fn script_of(c: char) -> Option<Script> {
    if c.is_ascii() {
        return c.is_ascii_alphabetic().then_some(Script::Latin);
    }
    if !c.is_alphabetic() {
        return None;
    }
    Some(match c as u32 {
        0x0041..=0x024F | 0x1E00..=0x1EFF => Script::Latin,
        0x0600..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => {
            Script::Arabic
        }
        0x0400..=0x052F => Script::Cyrillic,
        0x0370..=0x03FF => Script::Greek,
        _ => Script::Other,
    })
}

/// Whether `text` mixes letters of more than one script.
pub(crate) fn is_mixed_script(text: &str) -> bool {
    if text.is_ascii() {
        return false;
    }
    let mut seen: Option<Script> = None;
    for s in text.chars().filter_map(script_of) {
        match seen {
            None => seen = Some(s),
            Some(prev) if prev != s => return true,
            _ => {}
        }
    }
    false
}

/// Whether `text` contains any Arabic-script letter.
pub(crate) fn has_arabic_script(text: &str) -> bool {
    text.chars().any(|c| script_of(c) == Some(Script::Arabic))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn persian_and_arabic_yeh_kaf_unify() {
        assert_eq!(fold_arabic_script("يك"), fold_arabic_script("یک"));
    }

    #[test]
    fn digits_of_all_scripts_become_ascii() {
        assert_eq!(to_ascii_digits("۱۳۶۵/۰۴/۱۲"), "1365/04/12");
        assert_eq!(to_ascii_digits("١٩٨٥"), "1985");
        assert_eq!(to_ascii_digits("１２３"), "123");
    }

    #[test]
    fn mixed_script_is_detected() {
        assert!(is_mixed_script("Ali علی"));
        assert!(!is_mixed_script("علی رضا"));
        assert!(!is_mixed_script("José 12"));
    }
}
