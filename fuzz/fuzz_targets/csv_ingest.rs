//! Any bytes as a CSV file: reading never panics, every row is a record or an error naming its
//! line, and what was read normalises and resolves with nothing lost.
#![no_main]

use customer360::adapters::csv::{read_records, CsvOptions};
use customer360::Resolver;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(rows) = read_records(data, &CsvOptions::new("fuzz")) else {
        return;
    };
    let mut records = Vec::new();
    for row in rows.take(200) {
        match row {
            Ok(r) => records.push(r),
            Err(e) => assert!(!e.to_string().is_empty()),
        }
    }
    let resolver = Resolver::builder().build().expect("default configuration");
    let resolution = resolver.resolve(&records).expect("keys are unique after reading");
    assert_eq!(resolution.records().len(), records.len());
});
