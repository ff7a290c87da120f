//! Reading source records from CSV.

use customer360::adapters::csv::{read_records, ColumnKind, CsvError, CsvOptions};
use customer360::{IdentifierKind, PhoneKind, SourceRecord};

mod support;

fn read(data: impl AsRef<[u8]>, options: &CsvOptions) -> Vec<Result<SourceRecord, CsvError>> {
    read_records(data.as_ref(), options).unwrap().collect()
}

#[test]
fn febrl_columns_map_automatically_and_leading_spaces_are_trimmed() {
    let data = "rec_id, given_name, surname, street_number, address_1, address_2, suburb, postcode, state, date_of_birth, soc_sec_id\n\
                rec-223-org, , waller, 6, tullaroop street, willaroo, st james, 4011, wa, 19081209, 6988048\n";
    let records = read(data, &CsvOptions::new("febrl"));
    let r = records[0].as_ref().unwrap();
    assert_eq!(r.key.as_str(), "rec-223-org");
    assert_eq!(r.source.as_str(), "febrl");
    let name = &r.identity.names[0];
    assert_eq!(name.given, None);
    assert_eq!(name.family.as_deref(), Some("waller"));
    let address = &r.identity.addresses[0];
    assert_eq!(address.lines, ["6 tullaroop street", "willaroo"]);
    assert_eq!(address.locality.as_deref(), Some("st james"));
    assert_eq!(address.postcode.as_deref(), Some("4011"));
    assert_eq!(address.region.as_deref(), Some("wa"));
    assert_eq!(r.identity.birth_date.as_deref(), Some("19081209"));
    assert_eq!(r.identity.identifiers[0].kind, IdentifierKind::NationalId);
    assert_eq!(r.identity.identifiers[0].value, "6988048");
}

#[test]
fn overrides_id_and_source_columns_and_custom_attributes() {
    let data = "key2,sys,tel,nickname,loyalty_tier\nA1,crm,555 1234,Bobby,gold\nA1, ,,Ann,\n";
    let options = CsvOptions::new("unused")
        .id_column("key2")
        .source_column("sys")
        .map("tel", ColumnKind::Landline)
        .map_arg("nickname=given_name")
        .unwrap();
    let mut rows = read(data, &options);
    // A blank source cell falls back to the default source, so the same key is no repeat.
    let blank_source = rows.remove(1).unwrap();
    assert_eq!(blank_source.source.as_str(), "unused");
    assert_eq!(blank_source.key.as_str(), "A1");
    let r = rows.remove(0).unwrap();
    assert_eq!(r.key.as_str(), "A1");
    assert_eq!(r.source.as_str(), "crm");
    assert_eq!(r.identity.phones[0].kind, PhoneKind::Landline);
    assert_eq!(r.identity.names[0].given.as_deref(), Some("Bobby"));
    assert_eq!(r.custom["loyalty_tier"], "gold");
}

#[test]
fn bad_rows_are_typed_errors_naming_their_line_and_do_not_stop_reading() {
    let data = "id,first_name,updated_at\n1,Ann,2026-01-01\n2,Bob\n,Cy,2026-01-01\n1,Ann again,2026-01-01\n3,Di,yesterday\n4,Ed,2026-03-01T09:30:00Z\n";
    let results = read(data, &CsvOptions::new("crm"));
    assert_eq!(results.len(), 6);
    assert!(results[0].is_ok());
    assert!(matches!(
        results[1],
        Err(CsvError::RaggedRow {
            line: 3,
            expected: 3,
            found: 2
        })
    ));
    assert!(matches!(
        results[2],
        Err(CsvError::MissingRecordId { line: 4, .. })
    ));
    match &results[3] {
        Err(CsvError::DuplicateKey {
            line: 5,
            first_line: 2,
            key,
            ..
        }) => assert_eq!(key, "1"),
        other => panic!("expected a duplicate key error, got {other:?}"),
    }
    match &results[4] {
        Err(e @ CsvError::BadTimestamp { line: 6, .. }) => {
            assert!(e.to_string().contains("RFC 3339"), "{e}");
        }
        other => panic!("expected a bad timestamp, got {other:?}"),
    }
    assert_eq!(results[5].as_ref().unwrap().key.as_str(), "4");
}

#[test]
fn repeats_are_found_among_thousands_of_rows_and_only_within_a_source() {
    // Keys that are prefixes of one another, the same keys in two sources, and repeats of
    // early and late rows, over enough rows that the table of seen keys grows many times.
    let mut rows: Vec<(&str, String)> = Vec::new();
    for i in 0..3000 {
        rows.push(("crm", i.to_string()));
        rows.push(("shop", i.to_string()));
    }
    for i in [7, 71, 712, 2999, 0, 30000, 1234] {
        rows.push(("crm", i.to_string()));
    }
    rows.push(("web", "7".to_owned()));
    rows.push(("shop", "712".to_owned()));
    let mut data = String::from("source,id,first_name\n");
    for (source, key) in &rows {
        data.push_str(&format!("{source},{key},Ann\n"));
    }
    let results = read(&data, &CsvOptions::new("default"));
    assert_eq!(results.len(), rows.len());
    let mut first_line = std::collections::HashMap::new();
    let mut repeats = 0;
    for (i, ((source, key), result)) in rows.iter().zip(&results).enumerate() {
        let line = i as u64 + 2;
        match first_line.get(&(*source, key.as_str())) {
            None => {
                first_line.insert((*source, key.as_str()), line);
                let record = result.as_ref().unwrap();
                assert_eq!(
                    (record.source.as_str(), record.key.as_str()),
                    (*source, key.as_str())
                );
            }
            Some(&first) => {
                repeats += 1;
                match result {
                    Err(CsvError::DuplicateKey {
                        line: l,
                        first_line: f,
                        source_system,
                        key: k,
                    }) => assert_eq!(
                        (*l, *f, source_system.as_str(), k),
                        (line, first, *source, key)
                    ),
                    other => {
                        panic!("line {line}: expected a repeat of line {first}, got {other:?}")
                    }
                }
            }
        }
    }
    assert_eq!(repeats, 7);
}

#[test]
fn invalid_utf8_is_reported_with_its_column() {
    let mut data = b"id,first_name\n1,".to_vec();
    data.extend_from_slice(&[0xff, 0xfe]);
    data.extend_from_slice(b"\n2,Ok\n");
    let results = read(&data, &CsvOptions::new("crm"));
    match &results[0] {
        Err(CsvError::InvalidUtf8 { line: 2, column }) => assert_eq!(column, "first_name"),
        other => panic!("expected invalid UTF-8, got {other:?}"),
    }
    assert!(results[1].is_ok());
    // A character split across two fields: the row's bytes read as UTF-8 end to end ("1é"),
    // but neither field does on its own.
    let mut split = b"id,first_name\n1".to_vec();
    split.extend_from_slice(&[0xc3, b',', 0xa9]);
    split.extend_from_slice(b"\n");
    let results = read(&split, &CsvOptions::new("crm"));
    match &results[0] {
        Err(CsvError::InvalidUtf8 { line: 2, column }) => assert_eq!(column, "id"),
        other => panic!("expected invalid UTF-8 in the id column, got {other:?}"),
    }
}

#[test]
fn bom_crlf_and_quoted_fields() {
    let data = "\u{FEFF}id,full_name\r\n1,\"Smith, John\"\r\n";
    let r = read(data, &CsvOptions::new("crm")).remove(0).unwrap();
    assert_eq!(r.identity.names[0].full.as_deref(), Some("Smith, John"));
}

#[test]
fn header_problems_are_errors_that_say_what_to_do() {
    let no_id = read_records(
        "first_name,surname\nA,B\n".as_bytes(),
        &CsvOptions::new("x"),
    );
    let message = no_id.unwrap_err().to_string();
    assert!(message.contains("--id-column"), "{message}");
    assert!(matches!(
        read_records("".as_bytes(), &CsvOptions::new("x")),
        Err(CsvError::Empty)
    ));
    let missing = read_records(
        "id\n1\n".as_bytes(),
        &CsvOptions::new("x").map("zzz", ColumnKind::Email),
    );
    assert!(matches!(missing, Err(CsvError::NoSuchColumn { .. })));
    assert!(matches!(
        "nonsense".parse::<ColumnKind>(),
        Err(CsvError::UnknownColumnKind(_))
    ));
    assert!(CsvOptions::new("x").map_arg("no-equals-sign").is_err());
}

#[test]
fn column_kinds_round_trip_through_their_names() {
    for kind in [
        ColumnKind::GivenName,
        ColumnKind::FamilyName,
        ColumnKind::Email,
        ColumnKind::Mobile,
        ColumnKind::BirthDate,
        ColumnKind::Postcode,
        ColumnKind::Identifier(IdentifierKind::Passport),
        ColumnKind::Identifier(IdentifierKind::Other("gym".into())),
        ColumnKind::IdentifierIssuer,
        ColumnKind::Ignore,
    ] {
        assert_eq!(kind.to_string().parse::<ColumnKind>().unwrap(), kind);
    }
}

#[test]
fn timestamps_read_in_each_accepted_form_and_impossible_dates_are_errors() {
    let data = "id,updated_at\n\
                1,2023-08-10\n\
                2,2023-08-10 14:05:09\n\
                3,2023-08-10T14:05:09+02:00\n\
                4,2024-02-29\n\
                5,2023-02-29\n\
                6,2023-8-10\n\
                7,20x3-08-10\n";
    let results = read(data, &CsvOptions::new("crm"));
    let at = |i: usize| {
        results[i]
            .as_ref()
            .expect("a readable row")
            .observed_at
            .expect("a timestamp")
            .to_rfc3339()
    };
    assert_eq!(at(0), "2023-08-10T00:00:00+00:00");
    assert_eq!(at(1), "2023-08-10T14:05:09+00:00");
    assert_eq!(at(2), "2023-08-10T12:05:09+00:00");
    assert_eq!(at(3), "2024-02-29T00:00:00+00:00");
    for (i, line) in [(4, 6), (6, 8)] {
        assert!(
            matches!(&results[i], Err(CsvError::BadTimestamp { line: l, .. }) if *l == line),
            "row {i}: {:?}",
            results[i]
        );
    }
    // chrono's own `%Y-%m-%d` is lenient about padding, and so is the fallback.
    assert_eq!(
        results[5]
            .as_ref()
            .unwrap()
            .observed_at
            .unwrap()
            .to_rfc3339(),
        "2023-08-10T00:00:00+00:00"
    );
}

/// The bundled sample (the record ID first, the source second), then a ragged row, a row
/// without an ID, a blank line, a repeated key and a source that is not UTF-8.
fn mixed_input() -> Vec<u8> {
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/customers.csv");
    let mut data = std::fs::read(sample).unwrap();
    if !data.ends_with(b"\n") {
        data.push(b'\n');
    }
    let columns = data
        .iter()
        .take_while(|&&b| b != b'\n')
        .filter(|&&b| b == b',')
        .count()
        + 1;
    let row = |first: &[u8], second: &[u8]| {
        let mut row = [first, b",", second].concat();
        row.extend(std::iter::repeat_n(b',', columns - 2));
        row.push(b'\n');
        row
    };
    data.extend_from_slice(b"only-two,fields\n");
    data.extend(row(b"", b"crm"));
    data.extend_from_slice(b"   \n");
    data.extend(row(b"extra-1", b"crm"));
    data.extend(row(b"extra-1", b"crm"));
    data.extend(row(b"extra-2", &[0xff, 0xfe]));
    data
}

#[test]
fn rows_checked_on_one_thread_become_the_same_records_on_another() {
    let data = mixed_input();
    let options = CsvOptions::new("sample");
    let direct: Vec<Result<SourceRecord, String>> = read(&data, &options)
        .into_iter()
        .map(|r| r.map_err(|e| e.to_string()))
        .collect();
    let rows = read_records(data.as_slice(), &options).unwrap().into_rows();
    let schema = rows.schema().clone();
    let checked: Vec<_> = rows.collect();
    // Every error is found by the check, before any record is built.
    let lines: Vec<u64> = checked
        .iter()
        .map(|r| match r {
            Ok(row) => row.line(),
            Err(e) => e.line().expect("a row error"),
        })
        .collect();
    let built: Vec<Result<SourceRecord, String>> = std::thread::spawn(move || {
        checked
            .into_iter()
            .map(|r| r.map(|row| schema.record(row)).map_err(|e| e.to_string()))
            .collect()
    })
    .join()
    .unwrap();
    assert_eq!(built, direct);
    let errors = built.iter().filter(|r| r.is_err()).count();
    assert_eq!(errors, 4, "{built:?}");
    assert!(built.len() > 20);
    // Lines rise, and skip the blank line.
    assert!(lines.windows(2).all(|w| w[0] < w[1]), "{lines:?}");
    assert_eq!(lines[lines.len() - 1] - lines[lines.len() - 3], 2);
}

#[test]
fn a_row_read_with_another_schema_becomes_a_record_not_a_panic() {
    let wide = "id,first_name,surname,email,phone\n1,Ann,Lee,ann@example.org,555 1234\n";
    let narrow = "phone,id\n555 9999,9\n";
    let row = read_records(wide.as_bytes(), &CsvOptions::new("wide"))
        .unwrap()
        .into_rows()
        .next()
        .unwrap()
        .unwrap();
    let narrow = read_records(narrow.as_bytes(), &CsvOptions::new("narrow")).unwrap();
    let record = narrow.schema().record(row);
    // The narrow schema reads its columns' positions in the wide row.
    assert_eq!(record.key.as_str(), "Ann");
    assert_eq!(record.source.as_str(), "narrow");
    assert_eq!(record.identity.phones[0].number, "1");
    assert!(record.identity.names.is_empty());
}

#[test]
fn resolving_rows_gives_the_resolution_of_resolving_records() {
    let data = mixed_input();
    let options = CsvOptions::new("sample");
    let records: Vec<SourceRecord> = read(&data, &options)
        .into_iter()
        .filter_map(Result::ok)
        .collect();
    let rows = read_records(data.as_slice(), &options).unwrap().into_rows();
    let schema = rows.schema().clone();
    let rows: Vec<_> = rows.filter_map(Result::ok).collect();
    let resolver = customer360::Resolver::builder().build().unwrap();
    let from_records = resolver.resolve(&records).unwrap();
    let from_rows = resolver
        .resolve_rows(rows, |row| schema.record(row), &mut ())
        .unwrap();
    assert_eq!(from_rows.records(), from_records.records());
    let ids = |r: &customer360::Resolution| {
        r.assignments()
            .map(|(record, id)| (record.clone(), id.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&from_rows), ids(&from_records));
    assert!(from_rows.customer_count() < records.len());
}

mod utf8_property {
    //! Rows of arbitrary bytes: a row is refused as not UTF-8 exactly when the csv crate's
    //! own checked row (`csv::StringRecord`) refuses it, and the error names the same field.

    use super::*;
    use proptest::prelude::*;

    /// Bytes that make valid and invalid UTF-8 (lead bytes without their continuation,
    /// continuations without a lead, a byte never valid) but no CSV syntax.
    fn field() -> impl Strategy<Value = Vec<u8>> {
        prop::collection::vec(
            prop::sample::select(vec![b'a', b'7', b' ', 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xFF]),
            0..6,
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(support::cases(256)))]

        #[test]
        fn utf8_verdict_and_column_match_the_csv_crate(
            rows in prop::collection::vec((field(), field(), field()), 1..8),
        ) {
            let header = ["id", "first_name", "last_name"];
            let mut data = header.join(",").into_bytes();
            data.push(b'\n');
            for (i, (id, given, family)) in rows.iter().enumerate() {
                // A distinct key prefix, so that no row is refused as a repeat.
                data.extend_from_slice(format!("k{i}").as_bytes());
                for (k, part) in [id, given, family].into_iter().enumerate() {
                    if k > 0 {
                        data.push(b',');
                    }
                    data.extend_from_slice(part);
                }
                data.push(b'\n');
            }
            let ours = read(&data, &CsvOptions::new("crm"));
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(true)
                .from_reader(data.as_slice());
            let mut expected = Vec::new();
            let mut row = csv::ByteRecord::new();
            while reader.read_byte_record(&mut row).unwrap() {
                let bad = csv::StringRecord::from_byte_record(row.clone())
                    .err()
                    .map(|e| e.utf8_error().field());
                expected.push(bad);
            }
            prop_assert_eq!(ours.len(), expected.len());
            for (got, bad) in ours.iter().zip(&expected) {
                match (got, bad) {
                    (Err(CsvError::InvalidUtf8 { column, .. }), Some(field)) => {
                        prop_assert_eq!(column.as_str(), header[*field]);
                    }
                    (Err(CsvError::InvalidUtf8 { column, .. }), None) => {
                        prop_assert!(false, "refused as not UTF-8 in {column}, which the csv crate reads");
                    }
                    (_, Some(field)) => {
                        prop_assert!(false, "accepted a row whose field {field} is not UTF-8: {got:?}");
                    }
                    (_, None) => {}
                }
            }
        }
    }
}

/// Without the repeated-key check a repeat reads like any row, every other check still
/// applies, and a resolver refuses the repeat (so nothing is silently merged or lost).
#[test]
fn unchecked_repeated_keys_pass_reading_and_are_refused_by_the_resolver() {
    let data = "rec_id,source,first,surname\n\
                1,crm,Ann,Lee\n\
                1,shop,Ann,Lee\n\
                1,crm,Ann,Lee\n\
                ,crm,Bo,Lee\n";
    let checked = read(data, &CsvOptions::new("x"));
    assert!(matches!(
        checked[2],
        Err(CsvError::DuplicateKey {
            line: 4,
            first_line: 2,
            ..
        })
    ));
    let options = CsvOptions::new("x").check_repeated_keys(false);
    let unchecked = read(data, &options);
    assert!(unchecked[..3].iter().all(Result::is_ok), "{unchecked:?}");
    assert!(matches!(
        unchecked[3],
        Err(CsvError::MissingRecordId { line: 5, .. })
    ));
    let records: Vec<SourceRecord> = unchecked.into_iter().filter_map(Result::ok).collect();
    let resolver = customer360::Resolver::builder().build().unwrap();
    match resolver.resolve(&records) {
        Err(customer360::ResolveError::DuplicateRecord(r)) => {
            assert_eq!((r.source.as_str(), r.key.as_str()), ("crm", "1"));
        }
        other => panic!("expected a duplicate record error, got {other:?}"),
    }
    let rows = read_records(data.as_bytes(), &options).unwrap().into_rows();
    let schema = rows.schema().clone();
    let rows: Vec<_> = rows.filter_map(Result::ok).collect();
    assert!(matches!(
        resolver.resolve_rows(rows, |row| schema.record(row), &mut ()),
        Err(customer360::ResolveError::DuplicateRecord(_))
    ));
}
