//! The history section: one timeline over every channel and fact.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::scan::Scan;
use crate::model::{
    Channel, Direction, Holding, Interaction, Note, Order, RecordKey, SourceSystem, Transaction,
};

/// What happened at one point of the timeline. Each variant holds the source item whole.
///
/// Serialised with a `type` tag: `{"type": "interaction", "id": ..., "channel": ...}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Event {
    /// A contact on some channel (its campaign, if any, is in the interaction).
    Interaction(Interaction),
    /// An order was placed.
    Order(Order),
    /// Money moved.
    Transaction(Transaction),
    /// A holding started (at its `since`).
    HoldingStarted(Holding),
    /// A holding ended or will end (at its `until`).
    HoldingEnded(Holding),
    /// A note about the customer was written.
    Note(Note),
}

impl Event {
    /// The order of events at the same moment in the same record: facts before contacts.
    fn rank(&self) -> u8 {
        match self {
            Event::HoldingStarted(_) => 0,
            Event::Order(_) => 1,
            Event::Transaction(_) => 2,
            Event::Interaction(_) => 3,
            Event::Note(_) => 4,
            Event::HoldingEnded(_) => 5,
        }
    }

    /// The item's ID in its source (the product ID for holdings, empty for notes).
    fn id(&self) -> &str {
        match self {
            Event::Interaction(i) => &i.id,
            Event::Order(o) => &o.id,
            Event::Transaction(t) => &t.id,
            Event::HoldingStarted(h) | Event::HoldingEnded(h) => &h.product_id,
            Event::Note(_) => "",
        }
    }
}

/// One entry of the timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    /// When it happened.
    pub at: DateTime<Utc>,
    /// The source system it came from.
    pub source: SourceSystem,
    /// The record there.
    pub record: RecordKey,
    /// What happened.
    pub event: Event,
}

/// A marketing campaign as the customer met it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignSummary {
    /// The campaign, as the first record named it (campaigns are compared trimmed).
    pub campaign: String,
    /// The first contact of the campaign.
    pub first_at: DateTime<Utc>,
    /// The last contact of the campaign.
    pub last_at: DateTime<Utc>,
    /// Contacts the business made (outbound).
    pub outbound: usize,
    /// Contacts the customer made (inbound): responses.
    pub inbound: usize,
    /// The channels used, sorted.
    pub channels: Vec<Channel>,
}

/// The history section: everything that happened, on every channel, in time order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct History {
    /// Every dated event up to "now": interactions, orders (at `placed_at`), transactions,
    /// holding starts (`since`) and ends (`until`), and dated notes of records. Sorted by
    /// time, then source, record key, event type (holding start, order, transaction,
    /// interaction, note, holding end), item ID and position in the record.
    pub timeline: Vec<TimelineEntry>,
    /// Dated events after "now" (a holding's scheduled end, a clock running ahead), in the
    /// same order.
    pub upcoming: Vec<TimelineEntry>,
    /// Orders, holdings and notes with no date, which are on no timeline.
    pub undated: usize,
    /// Campaigns, by first contact, then name.
    pub campaigns: Vec<CampaignSummary>,
}

impl History {
    pub(super) fn build(scan: &Scan<'_>) -> History {
        let mut undated = 0usize;
        // (entry, record position, position in record) for a total order.
        let mut entries: Vec<(TimelineEntry, usize, usize)> = Vec::new();
        for (r, record) in scan.input.records.iter().enumerate() {
            let mut push = |at: Option<DateTime<Utc>>, event: Event, position: usize| match at {
                Some(at) => entries.push((
                    TimelineEntry {
                        at,
                        source: record.source.clone(),
                        record: record.key.clone(),
                        event,
                    },
                    r,
                    position,
                )),
                None => undated += 1,
            };
            for (p, i) in record.interactions.iter().enumerate() {
                push(Some(i.at), Event::Interaction(i.clone()), p);
            }
            for (p, o) in record.facts.orders.iter().enumerate() {
                push(o.placed_at, Event::Order(o.clone()), p);
            }
            for (p, t) in record.facts.transactions.iter().enumerate() {
                push(Some(t.at), Event::Transaction(t.clone()), p);
            }
            for (p, h) in record.facts.holdings.iter().enumerate() {
                push(h.since, Event::HoldingStarted(h.clone()), p);
                // A holding with no end date has not ended; it is not undated.
                if h.until.is_some() {
                    push(h.until, Event::HoldingEnded(h.clone()), p);
                }
            }
            for (p, n) in record.notes.iter().enumerate() {
                push(n.at, Event::Note(n.clone()), p);
            }
        }
        entries.sort_by(|(a, ra, pa), (b, rb, pb)| {
            (a.at, ra, a.event.rank(), a.event.id(), pa).cmp(&(
                b.at,
                rb,
                b.event.rank(),
                b.event.id(),
                pb,
            ))
        });
        let now = scan.now();
        let (timeline, upcoming): (Vec<_>, Vec<_>) = entries
            .into_iter()
            .map(|(entry, _, _)| entry)
            .partition(|e| e.at <= now);

        History {
            timeline,
            upcoming,
            undated,
            campaigns: campaigns(scan),
        }
    }
}

fn campaigns(scan: &Scan<'_>) -> Vec<CampaignSummary> {
    let mut by_name: BTreeMap<&str, CampaignSummary> = BTreeMap::new();
    // Touches are in time order, so the first seen is the first contact.
    for t in &scan.touches {
        let Some(name) = t.interaction.campaign.as_deref().map(str::trim) else {
            continue;
        };
        if name.is_empty() {
            continue;
        }
        let summary = by_name.entry(name).or_insert_with(|| CampaignSummary {
            campaign: name.to_owned(),
            first_at: t.at(),
            last_at: t.at(),
            outbound: 0,
            inbound: 0,
            channels: Vec::new(),
        });
        summary.last_at = t.at();
        match t.interaction.direction {
            Direction::Inbound => summary.inbound += 1,
            Direction::Outbound => summary.outbound += 1,
        }
        if !summary.channels.contains(&t.interaction.channel) {
            summary.channels.push(t.interaction.channel);
        }
    }
    let mut all: Vec<CampaignSummary> = by_name
        .into_values()
        .map(|mut c| {
            c.channels.sort();
            c
        })
        .collect();
    all.sort_by(|a, b| (a.first_at, &a.campaign).cmp(&(b.first_at, &b.campaign)));
    all
}
