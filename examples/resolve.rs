//! The main job: read customer records from CSV and show them normalised.
//!
//! ```text
//! cargo run --release --example resolve -- [INPUT.csv] [--map COLUMN=KIND]...
//!     [--id-column NAME] [--source-column NAME] [--region XX] [--quiet]
//! ```
//!
//! With no INPUT it reads the bundled sample, `examples/data/customers.csv`. Columns are mapped
//! to attribute kinds by their names (first_name, surname, email, phone, dob, postcode, ...);
//! `--map` overrides a mapping, and unknown columns are kept as custom attributes. Bad rows are
//! reported on stderr with their line and do not stop the run.
//!
//! Batch resolution (matching records into customers) extends this example as it lands.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use customer360::adapters::csv::{read_records, CsvOptions};
use customer360::normalize::{Normalized, NormalizedRecord, RecordNormalizer, Region, ValueFlags};

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/customers.csv");

struct Args {
    input: PathBuf,
    options: CsvOptions,
    region: Option<Region>,
    quiet: bool,
}

fn usage() -> &'static str {
    "usage: resolve [INPUT.csv] [--map COLUMN=KIND]... [--id-column NAME] \
     [--source-column NAME] [--region XX] [--quiet]"
}

fn parse_args() -> Result<Args, String> {
    let mut input = None;
    let mut options = CsvOptions::new("csv");
    let mut region = None;
    let mut quiet = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |flag: &str| {
            args.next()
                .ok_or_else(|| format!("{flag} needs a value\n{}", usage()))
        };
        match arg.as_str() {
            "--map" => {
                options = options
                    .map_arg(&value("--map")?)
                    .map_err(|e| e.to_string())?;
            }
            "--id-column" => options = options.id_column(value("--id-column")?),
            "--source-column" => options = options.source_column(value("--source-column")?),
            "--region" => {
                region = Some(
                    value("--region")?
                        .parse::<Region>()
                        .map_err(|e| e.to_string())?,
                );
            }
            "--quiet" | "-q" => quiet = true,
            "--help" | "-h" => return Err(usage().to_owned()),
            flag if flag.starts_with("--") => {
                return Err(format!("unknown option {flag}\n{}", usage()))
            }
            path if input.is_none() => input = Some(PathBuf::from(path)),
            extra => return Err(format!("unexpected argument {extra:?}\n{}", usage())),
        }
    }
    Ok(Args {
        input: input.unwrap_or_else(|| PathBuf::from(SAMPLE)),
        options,
        region,
        quiet,
    })
}

fn show<T: std::fmt::Display>(
    out: &mut impl Write,
    label: &str,
    n: &Normalized<T>,
) -> io::Result<()> {
    let value = n
        .value
        .as_ref()
        .map_or_else(|| "(none)".to_owned(), ToString::to_string);
    write!(
        out,
        "    {label:<10} {:<32} -> {value}",
        format!("{:?}", n.original)
    )?;
    if !n.flags.is_empty() {
        write!(out, "  [{}]", flag_names(n.flags))?;
    }
    writeln!(out)
}

fn flag_names(flags: ValueFlags) -> String {
    flags
        .iter_names()
        .map(|(name, _)| name)
        .collect::<Vec<_>>()
        .join(", ")
}

fn print_record(out: &mut impl Write, r: &NormalizedRecord) -> io::Result<()> {
    writeln!(out, "{}", r.reference)?;
    for name in &r.names {
        let value = name.value.as_ref().map_or_else(
            || "(none)".to_owned(),
            |v| {
                [&v.prefix, &v.given, &v.middle, &v.family, &v.suffix]
                    .iter()
                    .filter_map(|p| p.as_deref())
                    .collect::<Vec<_>>()
                    .join(" ")
            },
        );
        write!(
            out,
            "    {:<10} {:<32} -> {value}",
            "name",
            format!("{:?}", name.original)
        )?;
        if let Some(canonical) = name.value.as_ref().and_then(|v| v.given_canonical.as_ref()) {
            write!(out, " (given: {canonical})")?;
        }
        if !name.flags.is_empty() {
            write!(out, "  [{}]", flag_names(name.flags))?;
        }
        writeln!(out)?;
    }
    for e in &r.emails {
        show(out, "email", &e.address)?;
    }
    for p in &r.phones {
        show(out, "phone", &p.number)?;
    }
    for a in &r.addresses {
        show(out, "address", a)?;
    }
    if let Some(d) = &r.birth_date {
        show(out, "birth", d)?;
    }
    if let Some(g) = &r.gender {
        show(out, "gender", g)?;
    }
    for id in &r.identifiers {
        show(out, "id", id)?;
    }
    Ok(())
}

fn run(args: Args) -> Result<(), String> {
    let file = File::open(&args.input)
        .map_err(|e| format!("cannot open {}: {e}", args.input.display()))?;
    let records = read_records(BufReader::new(file), &args.options)
        .map_err(|e| format!("{}: {e}", args.input.display()))?;

    let mut builder = RecordNormalizer::builder();
    if let Some(region) = args.region {
        builder = builder.default_region(region);
    }
    let normalizer = builder.build();

    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let (mut read, mut bad_rows, mut flagged) = (0usize, 0usize, 0usize);
    for record in records {
        match record {
            Ok(record) => {
                read += 1;
                let normalized = normalizer.normalize(&record);
                if normalized.flagged().next().is_some() {
                    flagged += 1;
                }
                if !args.quiet {
                    print_record(&mut out, &normalized).map_err(|e| e.to_string())?;
                }
            }
            Err(e) => {
                bad_rows += 1;
                eprintln!("{}: {e}", args.input.display());
            }
        }
    }
    writeln!(
        out,
        "\n{read} records normalised from {}; {flagged} with flagged values; {bad_rows} bad rows",
        args.input.display()
    )
    .map_err(|e| e.to_string())?;
    out.flush().map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    match parse_args().and_then(run) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("resolve: {message}");
            ExitCode::FAILURE
        }
    }
}
