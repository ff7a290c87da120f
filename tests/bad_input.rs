//! The bad-input catalogue: input that systems nobody controls will send, one table, each row
//! with the outcome required. Never a panic, never a record lost silently: a row is read, or
//! it is a typed error naming its line (and field); a value is normalised, or flagged.

use customer360::adapters::csv::{read_records, CsvError, CsvOptions};
use customer360::normalize::{RecordNormalizer, Region, ValueFlags};
use customer360::{Resolver, SourceRecord};

/// What a CSV input must give.
#[derive(Debug)]
enum Want {
    /// This many records and no row errors.
    Records(usize),
    /// This many records, plus a row error on each of these lines (1-based).
    RowErrors(usize, &'static [u64]),
    /// No records at all: the header itself is the problem.
    HeaderError,
}

fn header() -> &'static str {
    "id,first_name,last_name,email,phone,dob\n"
}

fn csv_cases() -> Vec<(&'static str, Vec<u8>, Want)> {
    let mut cases: Vec<(&'static str, Vec<u8>, Want)> = Vec::new();
    let text = |s: String| s.into_bytes();
    cases.push(("empty file", Vec::new(), Want::HeaderError));
    cases.push(("header only", text(header().into()), Want::Records(0)));
    cases.push((
        "byte-order mark",
        text(format!("\u{FEFF}{}1,Ann,Lee,a@b.org,,\n", header())),
        Want::Records(1),
    ));
    cases.push((
        "CRLF line ends",
        text(format!(
            "{}1,Ann,Lee,,,\r\n2,Bo,Lee,,,\r\n",
            header().replace('\n', "\r\n")
        )),
        Want::Records(2),
    ));
    let mut invalid_utf8 = header().as_bytes().to_vec();
    invalid_utf8.extend_from_slice(b"1,An\xffn,Lee,,,\n2,Bo,Lee,,,\n");
    cases.push(("invalid UTF-8", invalid_utf8, Want::RowErrors(1, &[2])));
    cases.push((
        "NUL bytes in a value",
        text(format!("{}1,An\0n,Lee,,,\n", header())),
        Want::Records(1),
    ));
    cases.push((
        "ragged rows",
        text(format!(
            "{}1,Ann,Lee\n2,Bo,Lee,,,,,,\n3,Cy,Lee,,,\n",
            header()
        )),
        Want::RowErrors(1, &[2, 3]),
    ));
    cases.push((
        "a 1 MB field",
        text(format!("{}1,{},Lee,,,\n", header(), "x".repeat(1 << 20))),
        Want::Records(1),
    ));
    cases.push((
        "a 10 000-character name",
        text(format!("{}1,{},Lee,,,\n", header(), "Ab".repeat(5_000))),
        Want::Records(1),
    ));
    cases.push((
        "emoji",
        text(format!("{}1,😀 Ann,Lee 🎉,😀@b.org,📞,🎂\n", header())),
        Want::Records(1),
    ));
    cases.push((
        "bidi marks and zero-width characters",
        text(format!(
            "{}1,\u{202E}Ann\u{202C},\u{200B}Lee,,,\n",
            header()
        )),
        Want::Records(1),
    ));
    cases.push((
        "mixed scripts",
        text(format!("{}1,Aliعلی,Лee,,,\n", header())),
        Want::Records(1),
    ));
    cases.push((
        "impossible dates",
        text(format!(
            "{}1,Ann,Lee,,,31/02/1985\n2,Bo,Lee,,,1985-13-45\n3,Cy,Lee,,,99999999\n",
            header()
        )),
        Want::Records(3),
    ));
    cases.push((
        "malformed e-mails and phones",
        text(format!(
            "{}1,Ann,Lee,@@,+,\n2,Bo,Lee,a@,123,\n3,Cy,Lee,a b@c,++++1,\n",
            header()
        )),
        Want::Records(3),
    ));
    cases.push((
        "duplicate record keys",
        text(format!(
            "{}1,Ann,Lee,,,\n1,Ann,Lee,,,\n2,Bo,Lee,,,\n",
            header()
        )),
        Want::RowErrors(2, &[3]),
    ));
    cases.push((
        "a row with no key",
        text(format!("{},Ann,Lee,,,\n2,Bo,Lee,,,\n", header())),
        Want::RowErrors(1, &[2]),
    ));
    cases.push((
        "an unterminated quote",
        text(format!("{}1,\"Ann,Lee,,,\n2,Bo,Lee,,,\n", header())),
        // The quote swallows the rest of the file into one field of one ragged row, which is
        // reported on the line where that row starts.
        Want::RowErrors(0, &[2]),
    ));
    cases.push((
        "only blank lines after the header",
        text(format!("{}\n\n\n", header())),
        Want::Records(0),
    ));
    cases.push((
        "no ID column",
        text("first_name,last_name\nAnn,Lee\n".into()),
        Want::HeaderError,
    ));
    cases
}

#[test]
fn every_bad_csv_input_has_its_required_outcome() {
    let normalizer = RecordNormalizer::builder()
        .default_region("US".parse::<Region>().unwrap())
        .build();
    let resolver = Resolver::builder()
        .normalizer(normalizer.clone())
        .build()
        .unwrap();
    for (name, input, want) in csv_cases() {
        let reader = read_records(&input[..], &CsvOptions::new("bad"));
        let rows: Vec<Result<SourceRecord, CsvError>> = match (reader, &want) {
            (Err(e), Want::HeaderError) => {
                assert!(
                    !e.to_string().is_empty(),
                    "{name}: the error says something"
                );
                continue;
            }
            (Err(e), _) => panic!("{name}: unexpected header error {e}"),
            (Ok(_), Want::HeaderError) => panic!("{name}: expected a header error"),
            (Ok(rows), _) => rows.collect(),
        };
        let records: Vec<SourceRecord> = rows
            .iter()
            .filter_map(|r| r.as_ref().ok().cloned())
            .collect();
        let error_lines: Vec<u64> = rows
            .iter()
            .filter_map(|r| r.as_ref().err())
            .filter_map(CsvError::line)
            .collect();
        match want {
            Want::Records(n) => {
                assert_eq!(records.len(), n, "{name}: records");
                if n > 0 {
                    assert!(
                        error_lines.is_empty(),
                        "{name}: unexpected row errors {error_lines:?}"
                    );
                }
            }
            Want::RowErrors(n, lines) => {
                assert_eq!(records.len(), n, "{name}: records");
                assert_eq!(error_lines, lines, "{name}: row errors name their lines");
            }
            Want::HeaderError => unreachable!(),
        }
        // Whatever was read normalises and resolves without a panic, and every original
        // value is still there beside its normalised form.
        for r in &records {
            let n = normalizer.normalize(r);
            for (e, raw) in n.emails.iter().zip(&r.identity.emails) {
                assert_eq!(
                    e.address.original, raw.address,
                    "{name}: e-mail original kept"
                );
            }
            for (p, raw) in n.phones.iter().zip(&r.identity.phones) {
                assert_eq!(p.number.original, raw.number, "{name}: phone original kept");
            }
        }
        let resolution = resolver.resolve(&records).unwrap();
        assert_eq!(
            resolution.records().len(),
            records.len(),
            "{name}: nothing lost"
        );
    }
}

#[test]
fn bad_values_are_flagged_not_dropped() {
    let normalizer = RecordNormalizer::builder()
        .default_region("US".parse::<Region>().unwrap())
        .build();
    let record = SourceRecord::new("bad", "1")
        .email("not an e-mail")
        .phone("call me maybe")
        .birth_date("31/02/1985")
        .gender("banana");
    let n = normalizer.normalize(&record);
    assert!(n.emails[0].address.flags.contains(ValueFlags::INVALID));
    assert!(n.phones[0].number.flags.contains(ValueFlags::INVALID));
    let birth = n.birth_date.as_ref().unwrap();
    assert!(birth.flags.contains(ValueFlags::INVALID));
    assert_eq!(birth.original, "31/02/1985");
    assert!(n
        .gender
        .as_ref()
        .unwrap()
        .flags
        .contains(ValueFlags::INVALID));
    assert_eq!(n.flagged().count(), 4);
    // A 10 000-character name is cut for matching keys and flagged, kept whole as original.
    let long = "Ab".repeat(5_000);
    let n = normalizer.normalize(
        &SourceRecord::new("bad", "2").name(customer360::PersonName::full(long.clone())),
    );
    assert!(n.names[0].flags.contains(ValueFlags::TRUNCATED));
    assert_eq!(n.names[0].original.len(), long.len());
}
