//! Properties of the contact-point normalisers: e-mail addresses and phone numbers never make
//! them panic, and their normal forms are fixed points.

mod support;

use customer360::normalize::{
    EmailNormalizer, Normalized, Normalizer, PhoneNormalizer, Region, ValueFlags,
};
use proptest::prelude::*;

/// Regions to read numbers in: covered ones, the `UK` alias, and ones without data.
const REGIONS: &[&str] = &[
    "US", "CA", "GB", "UK", "IE", "IR", "AU", "NZ", "DE", "FR", "IT", "ES", "RU", "KZ", "MX", "HU",
    "JP", "KR", "IN", "CN", "BR", "AR", "SG", "ID", "PL", "ZZ", "MA",
];

fn region() -> impl Strategy<Value = Option<Region>> {
    proptest::option::of(
        proptest::sample::select(REGIONS).prop_map(|r| r.parse::<Region>().expect("region")),
    )
}

/// Text that looks like an e-mail address, often enough to be one.
fn email_like() -> impl Strategy<Value = String> {
    let local = "[a-zA-Z0-9]{1,4}([._+\\-][a-zA-Z0-9]{1,4}){0,3}[+.]?";
    let domain = prop_oneof![
        Just("gmail.com".to_owned()),
        Just("GoogleMail.com".to_owned()),
        Just("outlook.com".to_owned()),
        Just("example.com".to_owned()),
        "[a-z0-9]{1,6}(-[a-z0-9]{1,4})?\\.[a-z]{2,4}",
        "[a-zа-я0-9]{1,6}\\.(рф|com|ایران)",
    ];
    let wrapper = prop_oneof![
        Just(("", "")),
        Just(("<", ">")),
        Just(("John <", ">")),
        Just(("mailto:", "")),
        Just((" ", ". ")),
    ];
    (local, domain, wrapper).prop_map(|(l, d, (pre, post))| format!("{pre}{l}@{d}{post}"))
}

/// Text that looks like a phone number: digits of several scripts, punctuation, `+`, letters.
fn phone_like() -> impl Strategy<Value = String> {
    "[+]?[0-9()\\-. ]{0,4}[0-9۰-۹٠-٩ ()\\-.]{4,16}( ?(x|ext\\.?|#|;ext=) ?[0-9]{1,4})?[A-Za-z]{0,3}"
}

/// Numbers built from real calling codes and trunk prefixes, in several spellings, so that
/// most of them are valid.
fn plausible_number() -> impl Strategy<Value = (String, Option<Region>)> {
    let international = (
        proptest::sample::select(
            &[
                1u16, 7, 20, 33, 39, 44, 49, 52, 55, 61, 81, 98, 212, 353, 880,
            ][..],
        ),
        "[0(]{0,2}[1-9][0-9]{5,11}",
        proptest::sample::select(&["+", "00", "+00", ""][..]),
        region(),
    )
        .prop_map(|(code, national, prefix, region)| {
            (format!("{prefix}{code} {national}"), region)
        });
    let national = (
        proptest::sample::select(&["0", "1", "8", "06", "044", ""][..]),
        r"[1-9][0-9]{2}[ .\-]?[0-9]{3}[ .\-]?[0-9]{2,5}",
        r"( (x|ext\.|#) ?[0-9]{1,5})?",
        region(),
    )
        .prop_map(|(trunk, number, ext, region)| (format!("{trunk}{number}{ext}"), region));
    prop_oneof![international, national]
}

fn assert_email_fixed_point(normalizer: &EmailNormalizer, raw: &str) -> Result<(), TestCaseError> {
    let first = normalizer.normalize(raw);
    check_email_invariants(&first)?;
    if let Some(email) = &first.value {
        let canonical = email.canonical();
        let again = normalizer.normalize(canonical);
        let again = again.value.as_ref();
        prop_assert_eq!(
            again.map(|e| e.canonical()),
            Some(canonical),
            "from {:?}",
            raw
        );
        let from_address = normalizer.normalize(email.address());
        prop_assert_eq!(
            from_address.value.as_ref().map(|e| e.canonical()),
            Some(canonical),
            "address of {:?}",
            raw
        );
    }
    Ok(())
}

fn check_email_invariants<T>(n: &Normalized<T>) -> Result<(), TestCaseError> {
    if n.value.is_none() {
        prop_assert!(n.flags.intersects(ValueFlags::EMPTY | ValueFlags::INVALID));
    }
    Ok(())
}

fn assert_phone_fixed_point(
    normalizer: &PhoneNormalizer,
    raw: &str,
    region: Option<Region>,
) -> Result<(), TestCaseError> {
    let first = normalizer.normalize_in(raw, region);
    if first.value.is_none() {
        prop_assert!(first
            .flags
            .intersects(ValueFlags::EMPTY | ValueFlags::INVALID));
    }
    let Some(number) = first.value else {
        return Ok(());
    };
    let e164 = number.e164();
    prop_assert!(e164.starts_with('+'), "{e164}");
    prop_assert!((8..=16).contains(&e164.len()), "{e164}");
    prop_assert!(e164[1..].bytes().all(|b| b.is_ascii_digit()), "{e164}");
    prop_assert!(e164[1..].starts_with(&number.country_code().to_string()));
    prop_assert!(e164.ends_with(number.national_number()));

    // The E.164 form, read anywhere, is the same number without its extension.
    for reread_region in [None, region, "JP".parse().ok()] {
        let again = normalizer
            .parse(e164, reread_region)
            .map_err(|e| TestCaseError::fail(format!("{e164:?} from {raw:?}: {e}")))?;
        prop_assert_eq!(again.e164(), e164);
        prop_assert_eq!(again.country_code(), number.country_code());
        prop_assert_eq!(again.extension(), None);
    }
    // The display form, with its extension, is the same number.
    let shown = number.to_string();
    let again = normalizer
        .parse(&shown, None)
        .map_err(|e| TestCaseError::fail(format!("{shown:?} from {raw:?}: {e}")))?;
    prop_assert_eq!(&again, &number);
    let flags = normalizer.normalize(&shown).flags;
    prop_assert!(!flags.contains(ValueFlags::REGION_ASSUMED));
    prop_assert_eq!(
        flags.contains(ValueFlags::PLACEHOLDER),
        first.flags.contains(ValueFlags::PLACEHOLDER)
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(support::cases(512)))]

    #[test]
    fn email_never_panics_on_unicode(raw in any::<String>()) {
        let n = EmailNormalizer::default().normalize(&raw);
        check_email_invariants(&n)?;
        let _ = EmailNormalizer::default().parse(&raw);
    }

    #[test]
    fn email_never_panics_on_address_characters(raw in "[a-zA-Z0-9@.+_<>:\"'()\\- ;,]{0,40}") {
        let _ = EmailNormalizer::default().normalize(&raw);
    }

    #[test]
    fn email_canonical_is_a_fixed_point(raw in email_like()) {
        assert_email_fixed_point(&EmailNormalizer::default(), &raw)?;
        let keep = EmailNormalizer::new().provider_rules(false).strip_plus_tags(false);
        assert_email_fixed_point(&keep, &raw)?;
    }

    #[test]
    fn email_canonical_is_a_fixed_point_on_any_text(raw in any::<String>()) {
        assert_email_fixed_point(&EmailNormalizer::default(), &raw)?;
    }

    #[test]
    fn email_canonical_has_one_at_sign(raw in email_like()) {
        if let Some(email) = EmailNormalizer::default().normalize(&raw).value {
            prop_assert_eq!(email.canonical().matches('@').count(), 1);
            prop_assert_eq!(email.address().matches('@').count(), 1);
            prop_assert_eq!(email.address(), format!("{}@{}", email.local(), email.domain()));
            prop_assert!(!email.local().is_empty() && !email.domain().is_empty());
        }
    }

    #[test]
    fn phone_never_panics_on_unicode(raw in any::<String>(), region in region()) {
        let normalizer = PhoneNormalizer::default();
        let _ = normalizer.normalize_in(&raw, region);
        let _ = normalizer.parse(&raw, region);
    }

    #[test]
    fn phone_never_panics_on_phone_characters(
        raw in "[0-9+()\\-. #;=xXeEtT۰-۹a-zA-Z]{0,40}",
        region in region(),
    ) {
        let _ = PhoneNormalizer::default().normalize_in(&raw, region);
    }

    #[test]
    fn phone_normal_form_is_a_fixed_point(raw in phone_like(), region in region()) {
        assert_phone_fixed_point(&PhoneNormalizer::default(), &raw, region)?;
    }

    #[test]
    fn phone_normal_form_is_a_fixed_point_on_digit_strings(
        digits in "[0-9]{6,18}",
        plus in any::<bool>(),
        region in region(),
    ) {
        let raw = if plus { format!("+{digits}") } else { digits };
        assert_phone_fixed_point(&PhoneNormalizer::default(), &raw, region)?;
    }

    #[test]
    fn phone_normal_form_is_a_fixed_point_on_plausible_numbers(
        (raw, region) in plausible_number(),
    ) {
        assert_phone_fixed_point(&PhoneNormalizer::default(), &raw, region)?;
    }

    #[test]
    fn phone_default_region_equals_per_value_region(raw in phone_like(), region in region()) {
        let with_default = match region {
            Some(r) => PhoneNormalizer::with_default_region(r).normalize(&raw),
            None => PhoneNormalizer::default().normalize(&raw),
        };
        let per_value = PhoneNormalizer::default().normalize_in(&raw, region);
        prop_assert_eq!(with_default, per_value);
    }
}
