//! Real-time resolution: train a model by batch (or load one), then ingest a stream of records
//! one at a time and look a customer up the moment they call.
//!
//! ```text
//! cargo run --example realtime                      # train on the bundled sample
//! cargo run --example realtime -- model.json        # load a saved batch model
//! cargo run --example realtime --features redb -- --store /tmp/c360.redb
//! ```
//!
//! With `--store PATH` (feature `redb`) the customers persist in a durable store; run it twice
//! and the second run finds the first run's records already there.

use std::fs::File;
use std::io::Write;
use std::path::Path;

use chrono::{TimeZone, Utc};
use customer360::adapters::csv::{read_records, CsvOptions};
use customer360::normalize::{RecordNormalizer, Region};
use customer360::realtime::{IncrementalResolverBuilder, IngestAction, Lookup};
use customer360::store::ProfileStore;
use customer360::{MatchModel, Population, Resolver, SourceRecord};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let store_path = args
        .iter()
        .position(|a| a == "--store")
        .and_then(|i| args.get(i + 1))
        .cloned();
    let model_path = args
        .iter()
        .find(|a| a.ends_with(".json") && Some(*a) != store_path.as_ref());

    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let records: Vec<SourceRecord> = read_records(
        File::open(root.join("examples/data/customers.csv"))?,
        &CsvOptions::new("sample"),
    )?
    .collect::<std::result::Result<_, _>>()?;
    let normalizer = RecordNormalizer::builder()
        .default_region("US".parse::<Region>()?)
        .build();

    // The model: a saved batch model, or one trained by batch on the sample right now.
    let model = match model_path {
        Some(path) => MatchModel::from_json(&std::fs::read_to_string(path)?)?,
        None => {
            let resolution = Resolver::builder()
                .normalizer(normalizer.clone())
                .build()?
                .resolve(&records)?;
            MatchModel::from_json(&resolution.model().to_json())?
        }
    };
    let builder = IncrementalResolverBuilder::default()
        .normalizer(normalizer)
        .model(model)
        .population(Population::new(1_000_000));

    match store_path {
        #[cfg(feature = "redb")]
        Some(path) => run(
            builder.open(customer360::store::RedbStore::create(&path)?)?,
            &records,
        ),
        #[cfg(not(feature = "redb"))]
        Some(_) => Err("--store needs the redb feature: add --features redb".into()),
        None => run(builder.build()?, &records),
    }
}

fn run<S: ProfileStore>(
    resolver: customer360::realtime::IncrementalResolver<S>,
    records: &[SourceRecord],
) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{} records already in the store", resolver.len())?;
    // The stream: records arrive one at a time, in the order the systems send them.
    for record in records {
        let outcome = resolver.ingest(record.clone())?;
        let what = match &outcome.action {
            IngestAction::NewProfile => "new customer".to_owned(),
            IngestAction::Joined => {
                format!("joined ({} records)", outcome.explanation.records.len())
            }
            IngestAction::Merged { ids } => format!("merged {} customers", ids.len()),
            IngestAction::Flagged { reason } => format!("flagged: {reason}"),
            other => format!("{other:?}"),
        };
        writeln!(
            out,
            "{:<24} -> {}  {what}",
            outcome.record.to_string(),
            outcome.customer
        )?;
    }
    writeln!(
        out,
        "\n{} records, {} customers",
        resolver.len(),
        resolver.customers().len()
    )?;

    // A customer calls; the agent types the e-mail address as the customer spells it.
    let now = Utc.with_ymd_and_hms(2026, 3, 10, 12, 0, 0).unwrap();
    let query = Lookup::Email("JOHN.SMITH@gmail.com".into());
    let views = resolver.lookup(&query, now)?;
    writeln!(out, "\nlookup {query:?}: {} customer(s)", views.len())?;
    for view in views {
        let json = serde_json::to_string_pretty(&view)?;
        match writeln!(out, "{json}") {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(()),
            other => other?,
        }
    }
    Ok(())
}
