//! Golden normalisation cases: every `tests/data/normalize/*.tsv` file, run by one harness.
//!
//! Each non-blank, non-`#` line is `kind<TAB>input<TAB>expected<TAB>flags`:
//! - `kind` picks the normaliser, with optional `:`-separated parameters (`phone:IR`,
//!   `date:mdy`, `id:national_id:IR`);
//! - `input` and `expected` may use the escapes `\t`, `\\` and `\u{XXXX}`;
//! - `expected` is the normalised value's rendering (see `render`), or `-` when the normaliser
//!   leaves no value;
//! - `flags` is a comma-separated list of `ValueFlags` names (`PLACEHOLDER,INVALID`) that must
//!   all be raised, `-` for none at all, or `*` to not check flags.

use std::fmt::Display;
use std::fs;
use std::path::Path;

use customer360::normalize::{
    ascii_key, cross_script_key, fold, AddressNormalizer, BirthDateNormalizer, DateOrder,
    EmailNormalizer, GenderNormalizer, IdentifierNormalizer, NameNormalizer, NicknameTable,
    Normalized, Normalizer, PhoneNormalizer, Region, ValueFlags,
};
use customer360::{Identifier, IdentifierKind};

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('\\') => out.push('\\'),
            Some('u') => {
                assert_eq!(chars.next(), Some('{'), "bad \\u escape in {s:?}");
                let hex: String = chars.by_ref().take_while(|&c| c != '}').collect();
                let code = u32::from_str_radix(&hex, 16).expect("hex in \\u{..}");
                out.push(char::from_u32(code).expect("valid scalar in \\u{..}"));
            }
            other => panic!("unknown escape \\{other:?} in {s:?}"),
        }
    }
    out
}

fn render<T: Display>(n: Normalized<T>) -> (String, ValueFlags) {
    let text = n
        .value
        .as_ref()
        .map_or_else(|| "-".to_owned(), ToString::to_string);
    (text, n.flags)
}

fn opt(o: &Option<String>) -> &str {
    o.as_deref().unwrap_or("")
}

/// Runs one case, returning the rendering and the flags raised.
fn run(kind: &str, input: &str) -> (String, ValueFlags) {
    let mut params = kind.split(':');
    let name = params.next().unwrap_or_default();
    let params: Vec<&str> = params.collect();
    match name {
        "fold" => (fold(input), ValueFlags::empty()),
        "ascii" => (ascii_key(input), ValueFlags::empty()),
        "xscript" => (cross_script_key(input), ValueFlags::empty()),
        "nickname" => {
            let table = NicknameTable::default();
            let folded = fold(input);
            (table.canonical(&folded).to_owned(), ValueFlags::empty())
        }
        "name" => {
            let n = NameNormalizer::default().normalize(input);
            let text = n.value.as_ref().map_or_else(
                || "-".to_owned(),
                |v| {
                    format!(
                        "{}|{}|{}|{}|{}|{}",
                        opt(&v.prefix),
                        opt(&v.given),
                        opt(&v.middle),
                        opt(&v.family),
                        opt(&v.suffix),
                        opt(&v.given_canonical)
                    )
                },
            );
            (text, n.flags)
        }
        "email" => render(EmailNormalizer::default().normalize(input)),
        "phone" => {
            let normalizer = match params.first() {
                Some(region) => {
                    PhoneNormalizer::with_default_region(region.parse::<Region>().expect("region"))
                }
                None => PhoneNormalizer::default(),
            };
            render(normalizer.normalize(input))
        }
        "date" => {
            let order = match params.first().copied() {
                None => DateOrder::Unknown,
                Some("dmy") => DateOrder::DayFirst,
                Some("mdy") => DateOrder::MonthFirst,
                Some(other) => panic!("unknown date order {other}"),
            };
            let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("date");
            render(
                BirthDateNormalizer::with_order(order)
                    .with_today(today)
                    .normalize(input),
            )
        }
        "address" => render(AddressNormalizer::default().normalize(input)),
        "id" => {
            let kind = IdentifierKind::from(params.first().copied().unwrap_or("other").to_owned());
            let mut id = Identifier::new(kind, input);
            if let Some(issuer) = params.get(1) {
                id = id.with_issuer(*issuer);
            }
            render(IdentifierNormalizer::default().normalize_identifier(&id))
        }
        "gender" => render(GenderNormalizer.normalize(input)),
        other => panic!("unknown golden kind {other:?}"),
    }
}

fn parse_flags(spec: &str) -> Option<ValueFlags> {
    match spec {
        "*" => None,
        "-" => Some(ValueFlags::empty()),
        list => Some(list.split(',').fold(ValueFlags::empty(), |acc, name| {
            acc | ValueFlags::from_name(name.trim())
                .unwrap_or_else(|| panic!("unknown flag name {name:?}"))
        })),
    }
}

#[test]
fn golden_normalisation_cases() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/normalize");
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("tests/data/normalize exists")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "tsv"))
        .collect();
    files.sort();

    let mut total = 0;
    let mut failures = Vec::new();
    for file in &files {
        let text = fs::read_to_string(file).expect("golden file is UTF-8");
        for (lineno, line) in text.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            assert_eq!(
                cols.len(),
                4,
                "{}:{}: want kind<TAB>input<TAB>expected<TAB>flags, got {line:?}",
                file.display(),
                lineno + 1
            );
            total += 1;
            let (kind, input) = (cols[0], unescape(cols[1]));
            let expected = unescape(cols[2]);
            let (got, flags) = run(kind, &input);
            let flags_ok = match parse_flags(cols[3]) {
                None => true,
                Some(want) if want.is_empty() => flags.is_empty(),
                Some(want) => flags.contains(want),
            };
            if got != expected || !flags_ok {
                failures.push(format!(
                    "{}:{}: {kind} {input:?}\n    expected {expected:?} flags {}\n    got      {got:?} flags {flags:?}",
                    file.file_name().unwrap_or_default().to_string_lossy(),
                    lineno + 1,
                    cols[3]
                ));
            }
        }
    }
    assert!(total > 0, "no golden cases found in {}", dir.display());
    assert!(
        failures.is_empty(),
        "{} of {total} golden cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!("{total} golden normalisation cases passed");
}
