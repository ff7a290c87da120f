//! Small record sets built from the fuzzer's bytes, resolved and checked against a reference:
//! every record in exactly one customer, and the same customers in reverse input order.
#![no_main]

use customer360::{PersonName, Resolver, SourceRecord};
use libfuzzer_sys::fuzz_target;

const GIVEN: [&str; 6] = ["John", "Jonh", "Bob", "Robert", "Emma", "علی"];
const FAMILY: [&str; 4] = ["Smith", "Smyth", "Brown", "رضایی"];
const EMAIL: [&str; 4] = ["", "john.smith@mail-example.com", "test@test.com", "brownfamily@mail-example.com"];
const PHONE: [&str; 4] = ["", "+1 555 123 4567", "0000000000", "(555) 987-6543"];
const DOB: [&str; 4] = ["", "1985-04-12", "12/04/1985", "1958-09-30"];

fuzz_target!(|data: &[u8]| {
    let records: Vec<SourceRecord> = data
        .chunks(5)
        .take(40)
        .enumerate()
        .map(|(i, c)| {
            let at = |j: usize| usize::from(c.get(j).copied().unwrap_or(0));
            let mut r = SourceRecord::new(if at(0) % 2 == 0 { "crm" } else { "shop" }, i.to_string())
                .name(PersonName::from_parts(GIVEN[at(1) % 6], FAMILY[at(2) % 4]));
            let (e, p, d) = (EMAIL[at(3) % 4], PHONE[at(4) % 4], DOB[(at(3) / 4) % 4]);
            if !e.is_empty() {
                r = r.email(e);
            }
            if !p.is_empty() {
                r = r.phone(p);
            }
            if !d.is_empty() {
                r = r.birth_date(d);
            }
            r
        })
        .collect();
    let resolver = Resolver::builder().build().expect("default configuration");
    let forward = resolver.resolve(&records).expect("unique keys");
    let mut reversed = records.clone();
    reversed.reverse();
    let backward = resolver.resolve(&reversed).expect("unique keys");
    let a: Vec<_> = forward.assignments().collect();
    let b: Vec<_> = backward.assignments().collect();
    assert_eq!(a, b, "order does not change the customers");
    let placed: usize = forward.customers().iter().map(|(_, rs)| rs.len()).sum();
    assert_eq!(placed, records.len(), "every record in exactly one customer");
});
