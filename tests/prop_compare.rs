//! Comparisons are symmetric and bounded: comparing a with b gives what comparing b with a
//! gives, and every match probability is a probability.

mod support;

use customer360::{Identifier, IdentifierKind, PersonName, PostalAddress, Resolver, SourceRecord};
use proptest::prelude::*;

// Either part may be missing, and a family name may be someone's given name: a record with
// only a family name meets one whose given name it is (names entered crossed).
const GIVEN: [&str; 9] = [
    "John", "Jonh", "Bob", "Robert", "Emma", "J.", "علی", "Ali", "",
];
const FAMILY: [&str; 7] = ["Smith", "Smyth", "Brown", "رضایی", "Rezaei", "John", ""];
const EMAIL: [&str; 4] = [
    "",
    "john.smith@mail-example.com",
    "JOHN.SMITH+x@mail-example.com",
    "brown@mail-example.com",
];
const PHONE: [&str; 4] = ["", "+1 555 123 4567", "(555) 123-4567", "555 987 6543"];
const DOB: [&str; 5] = ["", "1985-04-12", "12/04/1985", "04/12/1985", "1958"];
const ID: [&str; 3] = ["", "0499370899", "0084575948"];

fn record() -> impl Strategy<Value = SourceRecord> {
    (
        0..9usize,
        0..7usize,
        0..4usize,
        0..4usize,
        0..5usize,
        0..3usize,
        any::<u32>(),
    )
        .prop_map(|(g, f, e, p, d, i, key)| {
            let mut r = SourceRecord::new("s", key.to_string())
                .name(PersonName::from_parts(GIVEN[g], FAMILY[f]));
            for (value, add) in [(EMAIL[e], 0), (PHONE[p], 1), (DOB[d], 2), (ID[i], 3)] {
                if value.is_empty() {
                    continue;
                }
                r = match add {
                    0 => r.email(value),
                    1 => r.phone(value),
                    2 => r.birth_date(value),
                    _ => r.identifier(
                        Identifier::new(IdentifierKind::NationalId, value).with_issuer("IR"),
                    ),
                };
            }
            r
        })
}

// Records with more of everything, in any order: several names (parts, a middle name or one
// full-name text), addresses that differ by a house number, a unit, a spelling or a missing
// part, several e-mails, phones and identifiers, and a gender. Which of a record's values
// meets which of the other's must not depend on which record is compared first.
const FULL: [&str; 5] = [
    "John Smith",
    "Smith, John",
    "Dr John A. Smith Jr",
    "Bob Smyth",
    "علی رضایی",
];
const MIDDLE: [&str; 3] = ["", "A.", "Alan"];
const STREET: [&str; 6] = [
    "12 Main Street",
    "12 Main St",
    "21 Main Street",
    "Flat 3, 12 Main Street",
    "12 Mian Street",
    "",
];
const POSTCODE: [&str; 4] = ["SW1A 1AA", "SW1A1AA", "SW1A 2AA", ""];
const LOCALITY: [&str; 3] = ["London", "Londn", ""];
const GENDER: [&str; 4] = ["", "M", "F", "male"];

fn name() -> impl Strategy<Value = PersonName> {
    prop_oneof![
        (0..GIVEN.len(), 0..MIDDLE.len(), 0..FAMILY.len()).prop_map(|(g, m, f)| {
            let mut name = PersonName::from_parts(GIVEN[g], FAMILY[f]);
            if !MIDDLE[m].is_empty() {
                name.middle = Some(MIDDLE[m].to_owned());
            }
            name
        }),
        (0..FULL.len()).prop_map(|i| PersonName::full(FULL[i])),
    ]
}

fn address() -> impl Strategy<Value = PostalAddress> {
    (0..STREET.len(), 0..POSTCODE.len(), 0..LOCALITY.len()).prop_map(|(s, p, l)| {
        let part = |text: &str| (!text.is_empty()).then(|| text.to_owned());
        PostalAddress {
            lines: part(STREET[s]).into_iter().collect(),
            postcode: part(POSTCODE[p]),
            locality: part(LOCALITY[l]),
            country: Some("GB".to_owned()),
            ..PostalAddress::default()
        }
    })
}

/// Identifiers a record may hold several of: national IDs (one a typo of the other), a
/// passport and loyalty numbers.
fn identifier(i: usize) -> Identifier {
    match i {
        0 | 1 => Identifier::new(IdentifierKind::NationalId, ID[i + 1]).with_issuer("IR"),
        2 => Identifier::new(IdentifierKind::NationalId, "0499370898").with_issuer("IR"),
        3 => Identifier::new(IdentifierKind::Passport, "K1234567").with_issuer("IR"),
        4 => Identifier::new(IdentifierKind::Loyalty, "L-1001"),
        _ => Identifier::new(IdentifierKind::Loyalty, "L-1002"),
    }
}

fn fuller_record() -> impl Strategy<Value = SourceRecord> {
    (
        prop::collection::vec(name(), 0..3),
        prop::collection::vec(address(), 0..3),
        prop::collection::vec(0..EMAIL.len(), 0..3),
        prop::collection::vec(0..PHONE.len(), 0..3),
        0..DOB.len(),
        0..GENDER.len(),
        prop::collection::vec(0..6usize, 0..3),
    )
        .prop_map(|(names, addresses, emails, phones, d, g, ids)| {
            let mut r = SourceRecord::new("s", "0");
            for name in names {
                r = r.name(name);
            }
            for address in addresses {
                r = r.address(address);
            }
            for e in emails.into_iter().filter(|&e| !EMAIL[e].is_empty()) {
                r = r.email(EMAIL[e]);
            }
            for p in phones.into_iter().filter(|&p| !PHONE[p].is_empty()) {
                r = r.phone(PHONE[p]);
            }
            if !DOB[d].is_empty() {
                r = r.birth_date(DOB[d]);
            }
            if !GENDER[g].is_empty() {
                r = r.gender(GENDER[g]);
            }
            for i in ids {
                r = r.identifier(identifier(i));
            }
            r
        })
}

/// Records from `record`, as many as `count` says, each keyed by its position.
fn keyed(
    record: impl Strategy<Value = SourceRecord>,
    count: std::ops::Range<usize>,
) -> impl Strategy<Value = Vec<SourceRecord>> {
    prop::collection::vec(record, count).prop_map(|mut records| {
        for (i, r) in records.iter_mut().enumerate() {
            r.key = format!("{i}").into();
        }
        records
    })
}

/// Every pair of `records` is explained the same both ways round, with
/// a probability, and put in one customer or not whichever way it is asked.
fn assert_symmetric(records: Vec<SourceRecord>) -> Result<(), TestCaseError> {
    let resolution = Resolver::builder()
        .build()
        .unwrap()
        .resolve(&records)
        .unwrap();
    for a in &records {
        for b in &records {
            let (x, y) = (a.reference(), b.reference());
            let ab = resolution.explain_pair(&x, &y).unwrap();
            let ba = resolution.explain_pair(&y, &x).unwrap();
            prop_assert!((0.0..=1.0).contains(&ab.probability));
            prop_assert!((ab.weight - ba.weight).abs() < 1e-9, "{}\n{}", ab, ba);
            let levels = |e: &customer360::PairExplanation| {
                e.steps.iter().map(|s| s.level.clone()).collect::<Vec<_>>()
            };
            prop_assert_eq!(levels(&ab), levels(&ba));
            prop_assert_eq!(&ab.conflict, &ba.conflict);
            prop_assert_eq!(
                resolution.same_customer(&x, &y),
                resolution.same_customer(&y, &x)
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(support::cases(64)))]

    #[test]
    fn comparisons_are_symmetric_and_bounded(records in keyed(record(), 2..8)) {
        assert_symmetric(records)?;
    }

    #[test]
    fn comparisons_of_fuller_records_are_symmetric(
        records in keyed(fuller_record(), 2..6)
    ) {
        assert_symmetric(records)?;
    }

    // The order in which a record lists its names, e-mails, phones, addresses and
    // identifiers is not evidence: reversing every list gives the same weights and the same
    // customers.
    #[test]
    fn the_order_of_a_records_values_changes_nothing(
        records in keyed(fuller_record(), 2..6)
    ) {
        let mut reversed = records.clone();
        for r in &mut reversed {
            r.identity.names.reverse();
            r.identity.emails.reverse();
            r.identity.phones.reverse();
            r.identity.addresses.reverse();
            r.identity.identifiers.reverse();
        }
        let resolver = Resolver::builder().build().unwrap();
        let (as_given, as_reversed) =
            (resolver.resolve(&records).unwrap(), resolver.resolve(&reversed).unwrap());
        for a in &records {
            for b in &records {
                let (x, y) = (a.reference(), b.reference());
                let given = as_given.explain_pair(&x, &y).unwrap();
                let other = as_reversed.explain_pair(&x, &y).unwrap();
                prop_assert!((given.weight - other.weight).abs() < 1e-9, "{}\n{}", given, other);
                prop_assert_eq!(
                    as_given.same_customer(&x, &y),
                    as_reversed.same_customer(&x, &y)
                );
            }
        }
    }
}
