//! Whole records from the bundled multi-source sample and from FEBRL, normalised: the same
//! fact written differently by different systems must meet, and nothing may be lost.

use std::collections::HashMap;
use std::fs::File;

use customer360::adapters::csv::{read_records, CsvOptions};
use customer360::normalize::{NormalizedRecord, RecordNormalizer, Region, ValueFlags};
use customer360::SourceRecord;
use proptest::prelude::*;

fn sample() -> HashMap<String, NormalizedRecord> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/customers.csv");
    let records = read_records(File::open(path).unwrap(), &CsvOptions::new("sample")).unwrap();
    let normalizer = RecordNormalizer::builder()
        .default_region("US".parse::<Region>().unwrap())
        .build();
    records
        .map(|r| {
            let r = r.expect("the sample has no bad rows");
            (r.key.0.clone(), normalizer.normalize(&r))
        })
        .collect()
}

fn email(r: &NormalizedRecord) -> String {
    r.emails[0]
        .address
        .value
        .as_ref()
        .unwrap()
        .canonical()
        .to_owned()
}

fn phone(r: &NormalizedRecord) -> String {
    r.phones[0].number.value.as_ref().unwrap().e164().to_owned()
}

fn birth(r: &NormalizedRecord) -> String {
    r.birth_date
        .as_ref()
        .unwrap()
        .value
        .unwrap()
        .date
        .to_string()
}

#[test]
fn same_person_across_systems_meets_on_normalised_values() {
    let s = sample();
    // Gmail dots and +tags, phone formats.
    assert_eq!(email(&s["crm-1001"]), email(&s["shop-77"]));
    assert_eq!(phone(&s["crm-1001"]), "+15551234567");
    assert_eq!(phone(&s["shop-77"]), "+15551234567");
    assert_eq!(phone(&s["call-5001"]), phone(&s["crm-1002"]));
    // A Persian record: Persian digits, a Jalali birth date, the phone region from the address.
    assert_eq!(phone(&s["crm-1009"]), "+989123456789");
    assert_eq!(phone(&s["shop-81"]), "+989123456789");
    assert_eq!(phone(&s["call-5002"]), "+989123456789");
    assert_eq!(birth(&s["crm-1009"]), "1986-07-03");
    assert_eq!(birth(&s["crm-1009"]), birth(&s["shop-81"]));
    assert!(s["crm-1009"]
        .birth_date
        .as_ref()
        .unwrap()
        .flags
        .contains(ValueFlags::CONVERTED_CALENDAR));
    // Arabic yeh vs Persian yeh, with and without the zero-width non-joiner.
    let family = |k: &str| s[k].names[0].value.as_ref().unwrap().family.clone();
    let given = |k: &str| s[k].names[0].value.as_ref().unwrap().given.clone();
    assert_eq!(given("crm-1010"), given("support-302"));
    assert_eq!(family("crm-1010"), family("support-302"));
    // Nicknames: Bob is Robert, Liz is Elizabeth, Jim is James.
    let canonical = |k: &str| {
        s[k].names[0]
            .value
            .as_ref()
            .unwrap()
            .given_canonical
            .clone()
    };
    assert_eq!(canonical("call-5001").as_deref(), Some("robert"));
    assert_eq!(canonical("support-301"), canonical("crm-1003"));
    assert_eq!(canonical("support-303"), canonical("crm-1013"));
    // Postcodes written two ways.
    let postcode = |k: &str| s[k].addresses[0].value.as_ref().unwrap().postcode.clone();
    assert_eq!(postcode("crm-1013"), postcode("support-303"));
}

#[test]
fn placeholders_are_flagged_and_kept_out_of_matching() {
    let s = sample();
    let junk = &s["crm-1007"];
    assert!(junk.names[0].flags.contains(ValueFlags::PLACEHOLDER));
    assert!(junk.emails[0]
        .address
        .flags
        .contains(ValueFlags::PLACEHOLDER));
    assert!(junk.phones[0]
        .number
        .flags
        .contains(ValueFlags::PLACEHOLDER));
    assert!(junk
        .birth_date
        .as_ref()
        .unwrap()
        .flags
        .contains(ValueFlags::PLACEHOLDER));
    assert!(!junk.names[0].is_matchable());
    assert!(!junk.emails[0].address.is_matchable());
    // Originals are kept.
    assert_eq!(junk.emails[0].address.original, "test@test.com");
    let noemail = &s["crm-1008"];
    assert!(noemail.emails[0]
        .address
        .flags
        .contains(ValueFlags::PLACEHOLDER));
    assert!(noemail.phones[0]
        .number
        .flags
        .contains(ValueFlags::PLACEHOLDER));
    // A role mailbox is kept and flagged, but is not a placeholder.
    let role = &s["crm-1019"].emails[0].address;
    assert!(role.flags.contains(ValueFlags::ROLE_ACCOUNT));
    assert!(role.is_matchable());
}

#[test]
fn ambiguous_dates_are_flagged_not_guessed() {
    let s = sample();
    let d = s["shop-77"].birth_date.as_ref().unwrap();
    assert!(d.flags.contains(ValueFlags::AMBIGUOUS));
    let v = d.value.unwrap();
    let readings = [v.date.to_string(), v.alternative.unwrap().to_string()];
    assert!(readings.contains(&"1985-04-12".to_owned()), "{readings:?}");
    // 20/11/1975 reads only one way.
    let d = s["shop-79"].birth_date.as_ref().unwrap();
    assert!(!d.flags.contains(ValueFlags::AMBIGUOUS));
    assert_eq!(birth(&s["shop-79"]), "1975-11-20");
}

#[test]
fn every_febrl_record_is_read_and_normalised() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/febrl/dataset1.csv");
    let normalizer = RecordNormalizer::builder()
        .default_region("AU".parse::<Region>().unwrap())
        .build();
    let mut count = 0;
    let mut dated = 0;
    for record in read_records(File::open(path).unwrap(), &CsvOptions::new("febrl")).unwrap() {
        let record = record.expect("FEBRL rows are well-formed");
        let n = normalizer.normalize(&record);
        assert_eq!(n.reference, record.reference());
        if n.birth_date.as_ref().is_some_and(|d| d.value.is_some()) {
            dated += 1;
        }
        count += 1;
    }
    assert_eq!(count, 1000, "nothing lost");
    // FEBRL corrupts some dates on purpose; most must still read.
    assert!(dated > 900, "only {dated} of 1000 birth dates read");
}

fn arbitrary_record() -> impl Strategy<Value = SourceRecord> {
    let text = || prop::option::of(any::<String>());
    (
        (text(), text(), text(), text()),
        (any::<String>(), any::<String>(), text(), text()),
        (any::<String>(), text(), text(), any::<String>()),
    )
        .prop_map(
            |(
                (full, given, family, middle),
                (email, phone, birth, gender),
                (line, locality, postcode, id),
            )| {
                let mut r = SourceRecord::new("fuzz", "1")
                    .name(customer360::PersonName {
                        full,
                        given,
                        family,
                        middle,
                        ..Default::default()
                    })
                    .email(email)
                    .phone(phone)
                    .address(customer360::PostalAddress {
                        lines: vec![line],
                        locality,
                        postcode,
                        ..Default::default()
                    })
                    .identifier(
                        customer360::Identifier::new(customer360::IdentifierKind::NationalId, id)
                            .with_issuer("IR"),
                    );
                r.identity.birth_date = birth;
                r.identity.gender = gender;
                r
            },
        )
}

proptest! {
    #[test]
    fn record_normalisation_never_panics_and_keeps_every_original(record in arbitrary_record()) {
        let n = RecordNormalizer::default().normalize(&record);
        prop_assert_eq!(&n.emails[0].address.original, &record.identity.emails[0].address);
        prop_assert_eq!(&n.phones[0].number.original, &record.identity.phones[0].number);
        prop_assert_eq!(&n.identifiers[0].original, &record.identity.identifiers[0].value);
        prop_assert_eq!(n.birth_date.map(|d| d.original), record.identity.birth_date.clone());
    }
}
