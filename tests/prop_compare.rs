//! Comparisons are symmetric and bounded: comparing a with b gives what comparing b with a
//! gives, and every match probability is a probability.

mod support;

use customer360::{Identifier, IdentifierKind, PersonName, Resolver, SourceRecord};
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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(support::cases(64)))]

    #[test]
    fn comparisons_are_symmetric_and_bounded(mut records in prop::collection::vec(record(), 2..8)) {
        for (i, r) in records.iter_mut().enumerate() {
            r.key = format!("{i}").into();
        }
        let resolution = Resolver::builder().build().unwrap().resolve(&records).unwrap();
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
                prop_assert_eq!(resolution.same_customer(&x, &y), resolution.same_customer(&y, &x));
            }
        }
    }
}
