//! Property tests for birth dates, postal addresses and identifiers: no input panics, and
//! normalised values are fixed points (normalising the output again gives the output).

mod support;

use chrono::{Datelike, NaiveDate};
use customer360::normalize::{
    AddressNormalizer, BirthDateNormalizer, DateOrder, IdentifierNormalizer, Normalizer,
    PartialDate, ValueFlags,
};
use customer360::{Identifier, IdentifierKind, PostalAddress};
use proptest::prelude::*;
use proptest::sample::select;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).expect("valid date")
}

fn date_normalizers() -> impl Strategy<Value = BirthDateNormalizer> {
    (
        select(vec![
            DateOrder::Unknown,
            DateOrder::DayFirst,
            DateOrder::MonthFirst,
        ]),
        any::<bool>(),
    )
        .prop_map(|(order, with_today)| {
            let n = BirthDateNormalizer::with_order(order);
            if with_today {
                n.with_today(today())
            } else {
                n
            }
        })
}

/// Digit and separator soups, with the odd month name, Persian digit and time.
fn date_soup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[0-9]{1,8}",
        "[۰-۹]{1,4}",
        "[٠-٩]{1,4}",
        select(vec![
            "/",
            "-",
            ".",
            " ",
            ",",
            "--",
            "T",
            ":",
            "Z",
            "+",
            "April",
            "apr",
            "Sept",
            "12th",
            "of",
            "Tue",
            "تیر",
            "اسفند",
            "\u{200F}",
            "00",
            "1365",
            "1985",
            "13",
        ])
        .prop_map(str::to_owned),
    ];
    prop::collection::vec(piece, 0..8).prop_map(|v| v.concat())
}

/// Vocabulary of address pieces, Latin and Persian, assembled at random.
fn address_soup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[0-9]{1,6}[a-c]?",
        "[۰-۹]{1,5}",
        "[A-Z]{1,2}[0-9]{1,2} [0-9][A-Z]{2}",
        "[a-zA-Z]{1,9}",
        select(vec![
            "Unit",
            "unit",
            "Apt",
            "#",
            "# ",
            "/",
            "5/12",
            "12-14",
            "Flat",
            "Suite",
            "Level",
            "fl",
            "No",
            "no",
            "St",
            "St.",
            "Street",
            "Rd",
            "Avenue",
            "Hwy",
            "Route",
            "Box",
            "PO",
            "P.O.",
            "p o box",
            "cul de sac",
            "Hauptstraße",
            "strstr",
            "North",
            "N",
            "Saint",
            ", ",
            ",",
            "،",
            " ",
            "  ",
            "-",
            "IL",
            "NSW",
            "CA",
            "USA",
            "UK",
            "Australia",
            "ایران",
            "تهران",
            "خیابان",
            "کوچه",
            "پلاک",
            "واحد",
            "طبقه",
            "بن‌بست",
            "بن بست",
            "کد پستی",
            "شهر",
            "استان",
            "N/A",
            "unknown",
            "Fake",
            "62704-1234",
            "SW1A 1AA",
            "1012 PH",
            "\u{301}",
            "x\u{301}y",
            "Ｕｎｉｔ",
            "ſt",
            "\u{200C}",
            "Straße",
        ])
        .prop_map(str::to_owned),
    ];
    prop::collection::vec(piece, 0..12).prop_map(|v| v.join(" "))
}

fn kinds() -> impl Strategy<Value = (IdentifierKind, Option<String>)> {
    let kind = select(vec![
        IdentifierKind::NationalId,
        IdentifierKind::TaxId,
        IdentifierKind::Passport,
        IdentifierKind::Customer,
        IdentifierKind::Other("x".into()),
    ]);
    let issuer = select(vec![
        None,
        Some("IR"),
        Some("ir "),
        Some("US"),
        Some("NL"),
        Some("SE"),
        Some("CA"),
        Some("GB"),
        Some("UK"),
        Some("ایران"),
        Some("shop"),
        Some(" "),
    ])
    .prop_map(|i| i.map(str::to_owned));
    (kind, issuer)
}

fn id_soup() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9 ./_-]{0,16}",
        "[۰-۹٠-٩0-9-]{0,12}",
        "[A-Za-z0-9 -]{0,14}",
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(support::cases(512)))]

    #[test]
    fn dates_never_panic(n in date_normalizers(), raw in any::<String>()) {
        let _ = n.normalize(&raw);
    }

    #[test]
    fn date_soups_are_fixed_points(n in date_normalizers(), raw in date_soup()) {
        let first = n.normalize(&raw);
        if let Some(v) = first.value {
            for reading in v.readings() {
                let again = n.normalize(&reading.to_string());
                prop_assert_eq!(again.value.map(|a| a.date), Some(reading), "{:?} -> {}", raw, reading);
                prop_assert!(!again.flags.intersects(ValueFlags::AMBIGUOUS | ValueFlags::INVALID));
            }
            prop_assert!(!first.flags.intersects(ValueFlags::INVALID | ValueFlags::EMPTY));
        } else {
            prop_assert!(first.flags.intersects(ValueFlags::UNMATCHABLE));
        }
    }

    #[test]
    fn gregorian_iso_dates_read_back(days in 0i64..3_652_000) {
        let date = NaiveDate::from_ymd_opt(1, 1, 1).expect("valid") + chrono::Days::new(days as u64);
        prop_assume!(date.year() <= 9999 && !(1200..=1500).contains(&date.year()));
        let iso = date.format("%Y-%m-%d").to_string();
        let n = BirthDateNormalizer::default().normalize(&iso);
        prop_assert_eq!(n.value.and_then(|v| v.date.to_naive_date()), Some(date), "{}", iso);
    }

    #[test]
    fn jalali_round_trips(days in 0i64..1_150_000) {
        // Gregorian 622-03-22 (1 Farvardin 1) onwards, through Jalali 3177.
        let date = NaiveDate::from_ymd_opt(622, 3, 22).expect("valid") + chrono::Days::new(days as u64);
        let greg = PartialDate::from(date);
        let (jy, jm, jd) = greg.to_jalali().expect("in range");
        prop_assert!((1..=12).contains(&jm) && (1..=31).contains(&jd));
        prop_assert_eq!(PartialDate::from_jalali(jy, jm, jd), Some(greg));
    }

    #[test]
    fn jalali_dates_convert_and_back(jy in 1200i32..=1500, jm in 1u8..=12, jd in 1u8..=31) {
        match PartialDate::from_jalali(jy, jm, jd) {
            Some(g) => prop_assert_eq!(g.to_jalali(), Some((jy, jm, jd))),
            None => prop_assert!(jd > 29 && jm > 6),
        }
    }

    #[test]
    fn addresses_never_panic(raw in any::<String>(), locality in proptest::option::of(any::<String>())) {
        let a = AddressNormalizer::default();
        let _ = a.normalize(&raw);
        let structured = PostalAddress {
            lines: vec![raw.clone(), raw],
            locality,
            ..PostalAddress::default()
        };
        let _ = a.normalize_address(&structured);
    }

    #[test]
    fn address_soups_are_fixed_points(raw in address_soup()) {
        let a = AddressNormalizer::default();
        let first = a.normalize(&raw);
        if let Some(v) = &first.value {
            let rebuilt = v.to_postal_address();
            let again = a.normalize_address(&rebuilt);
            prop_assert_eq!(again.value.as_ref(), Some(v), "{:?} rebuilt as {:?}", raw, rebuilt);
            prop_assert_eq!(again.flags - ValueFlags::TRUNCATED, first.flags - ValueFlags::TRUNCATED);
        } else {
            prop_assert!(first.flags.contains(ValueFlags::EMPTY));
        }
    }

    #[test]
    fn structured_address_soups_are_fixed_points(
        lines in prop::collection::vec(address_soup(), 0..3),
        locality in proptest::option::of(address_soup()),
        region in proptest::option::of(select(vec!["NSW", "Victoria", "illinois", "استان تهران", "n/a"])),
        postcode in proptest::option::of(select(vec!["62704-1234", "sw1a 1aa", "۱۳۱۸۷-۱۴۳۱۱", "000", "N/A"])),
        country in proptest::option::of(select(vec!["USA", "uk", "ایران", "Atlantis", "zz", "-"])),
    ) {
        let a = AddressNormalizer::default();
        let address = PostalAddress {
            lines,
            locality,
            region: region.map(str::to_owned),
            postcode: postcode.map(str::to_owned),
            country: country.map(str::to_owned),
            ..PostalAddress::default()
        };
        let first = a.normalize_address(&address);
        if let Some(v) = &first.value {
            let again = a.normalize_address(&v.to_postal_address());
            prop_assert_eq!(again.value.as_ref(), Some(v), "{:?}", address);
            // Tokens are words (no spaces, none empty), sorted and deduplicated, and the
            // same for the rebuilt address.
            let tokens = v.tokens();
            prop_assert!(tokens.windows(2).all(|w| w[0] < w[1]), "{:?}", tokens);
            prop_assert!(tokens.iter().all(|t| !t.is_empty() && !t.contains(' ')));
            prop_assert_eq!(again.value.as_ref().map(|a| a.tokens()), Some(tokens));
        }
    }

    #[test]
    fn identifiers_never_panic((kind, issuer) in kinds(), raw in any::<String>()) {
        let mut id = Identifier::new(kind, raw);
        id.issuer = issuer;
        let _ = IdentifierNormalizer::default().normalize_identifier(&id);
    }

    #[test]
    fn identifiers_are_fixed_points((kind, issuer) in kinds(), raw in id_soup()) {
        let ids = IdentifierNormalizer::default();
        let mut id = Identifier::new(kind, raw);
        id.issuer = issuer;
        let first = ids.normalize_identifier(&id);
        if let Some(v) = &first.value {
            prop_assert!(v.value.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()));
            let again_id = Identifier { value: v.value.clone(), ..id.clone() };
            let again = ids.normalize_identifier(&again_id);
            prop_assert_eq!(again.value.as_ref(), Some(v));
            prop_assert_eq!(again.flags - ValueFlags::TRUNCATED, first.flags - ValueFlags::TRUNCATED);
        } else {
            prop_assert!(first.flags.intersects(ValueFlags::EMPTY | ValueFlags::INVALID));
        }
    }
}

#[test]
fn over_long_input_is_truncated_not_panicking() {
    let long = "12 Main St, ".repeat(500);
    let a = AddressNormalizer::default().normalize(&long);
    assert!(a.flags.contains(ValueFlags::TRUNCATED));
    let d = BirthDateNormalizer::default().normalize(&"1985-04-12".repeat(200));
    assert!(d.flags.contains(ValueFlags::TRUNCATED));
    let id = Identifier::new(IdentifierKind::Customer, "9".repeat(5000));
    let n = IdentifierNormalizer::default().normalize_identifier(&id);
    assert!(n
        .flags
        .contains(ValueFlags::TRUNCATED | ValueFlags::INVALID));
}
