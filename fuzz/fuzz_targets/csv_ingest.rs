//! Any bytes as a CSV file: reading never panics, every row is a record or an error naming its
//! line, reading in two steps (checked rows, then records) gives the same records, and what
//! was read normalises and resolves with nothing lost, from records or from rows.
#![no_main]

use customer360::adapters::csv::{read_records, CsvOptions};
use customer360::Resolver;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = CsvOptions::new("fuzz");
    let Ok(rows) = read_records(data, &options) else {
        return;
    };
    let mut records = Vec::new();
    for row in rows.take(200) {
        match row {
            Ok(r) => records.push(r),
            Err(e) => assert!(!e.to_string().is_empty()),
        }
    }
    let rows = read_records(data, &options).expect("the header read before").into_rows();
    let schema = rows.schema().clone();
    let checked: Vec<_> = rows.take(200).filter_map(Result::ok).collect();
    let built: Vec<_> = checked.iter().cloned().map(|row| schema.record(row)).collect();
    assert_eq!(built, records);
    let resolver = Resolver::builder().build().expect("default configuration");
    let resolution = resolver.resolve(&records).expect("keys are unique after reading");
    assert_eq!(resolution.records().len(), records.len());
    let from_rows = resolver
        .resolve_rows(checked, |row| schema.record(row), &mut ())
        .expect("keys are unique after reading");
    assert_eq!(from_rows.records(), resolution.records());
});
