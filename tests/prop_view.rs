//! Properties of the customer 360 view over generated records: interactions on every channel
//! with sentiment, moods, NPS and notes, orders, transactions and holdings, with times that
//! tie, times after "now", and the same interaction, order or transaction logged by two
//! systems.
//!
//! `tests/customer_360.rs` pins every section on one hand-made customer; these say what holds
//! for any records: the view does not depend on the order of the records, and it survives a
//! round trip through JSON.

mod support;

use chrono::{DateTime, Duration, TimeZone, Utc};
use customer360::profile::ProfileBuilder;
use customer360::view::{Customer360, ViewContext};
use customer360::{
    Channel, CustomerId, Direction, Feedback, Holding, HoldingStatus, Interaction, Money, Mood,
    Note, Nps, Order, OrderStatus, Outcome, PersonName, Sentiment, SourceRecord, Transaction,
    TransactionKind,
};
use proptest::prelude::*;

/// "Now" in every case: Tuesday 10 March 2026, noon UTC.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 10, 12, 0, 0).unwrap()
}

/// One of a few moments: a year ago, last month, last week (twice: ties), an hour ago, now,
/// and tomorrow (after "now").
fn when(i: usize) -> DateTime<Utc> {
    let hours = [-24 * 365, -24 * 30, -24 * 7, -24 * 7, -1, 0, 24];
    now() + Duration::hours(hours[i % hours.len()])
}

const CHANNELS: [Channel; 9] = [
    Channel::Call,
    Channel::Chat,
    Channel::Email,
    Channel::Sms,
    Channel::Social,
    Channel::Survey,
    Channel::Web,
    Channel::Store,
    Channel::Other,
];
const MOODS: [Mood; 3] = [Mood::Angry, Mood::Happy, Mood::Frustrated];
const CURRENCIES: [&str; 2] = ["EUR", "USD"];

/// An interaction: its id from a small set, so that two systems log the same one.
fn interaction() -> impl Strategy<Value = Interaction> {
    (
        (0usize..4, 0usize..7, 0..CHANNELS.len(), any::<bool>()),
        (
            proptest::option::of(0usize..3),
            proptest::option::of(0usize..5),
            proptest::option::of(0usize..2),
        ),
        (
            proptest::option::of(-100i32..=100),
            proptest::option::of(0..MOODS.len()),
            proptest::option::of(0u8..=10),
            proptest::option::of(0usize..3),
        ),
    )
        .prop_map(
            |((id, at, channel, outbound), (topic, outcome, case), (score, mood, nps, note))| {
                let mut i = Interaction::new(format!("i-{id}"), when(at), CHANNELS[channel]);
                if outbound {
                    i.direction = Direction::Outbound;
                }
                i.topic = topic.map(|t| ["billing", "delivery", "returns"][t].to_owned());
                i.outcome = outcome.map(|o| match o {
                    0 => Outcome::Resolved,
                    1 => Outcome::Unresolved,
                    2 => Outcome::Escalated,
                    3 => Outcome::Error,
                    _ => Outcome::Pending,
                });
                i.case_id = case.map(|c| format!("case-{c}"));
                i.soft.sentiment = score.map(|s| Sentiment::from_score(s as f32 / 100.0).unwrap());
                i.soft.mood = mood.map(|m| MOODS[m].clone());
                i.soft.feedback = nps.map(|n| Feedback {
                    nps: Some(Nps::new(n).unwrap()),
                    csat: None,
                    comment: None,
                });
                i.soft.notes = note
                    .map(|n| Note {
                        at: Some(when(n + 2)),
                        author: Some("agent".into()),
                        text: ["wants a refund", "happy now", "call back"][n].into(),
                    })
                    .into_iter()
                    .collect();
                i
            },
        )
}

fn order() -> impl Strategy<Value = Order> {
    (
        0usize..3,
        proptest::option::of(0usize..7),
        0usize..3,
        0i64..5_000,
        0..CURRENCIES.len(),
    )
        .prop_map(|(id, at, status, amount, currency)| Order {
            id: format!("o-{id}"),
            placed_at: at.map(when),
            status: [
                OrderStatus::Open,
                OrderStatus::Fulfilled,
                OrderStatus::Returned,
            ][status]
                .clone(),
            total: Some(Money::new(amount, CURRENCIES[currency])),
            lines: Vec::new(),
        })
}

fn transaction() -> impl Strategy<Value = Transaction> {
    (
        0usize..3,
        0usize..7,
        0usize..3,
        -2_000i64..5_000,
        0..CURRENCIES.len(),
    )
        .prop_map(|(id, at, kind, amount, currency)| Transaction {
            id: format!("t-{id}"),
            at: when(at),
            kind: [
                TransactionKind::Purchase,
                TransactionKind::Refund,
                TransactionKind::Payment,
            ][kind]
                .clone(),
            amount: Money::new(amount, CURRENCIES[currency]),
            description: None,
        })
}

fn holding() -> impl Strategy<Value = Holding> {
    (0usize..2, any::<bool>(), proptest::option::of(0usize..7)).prop_map(|(id, active, since)| {
        Holding {
            product_id: format!("p-{id}"),
            name: Some(["broadband", "mobile"][id].into()),
            category: None,
            status: if active {
                HoldingStatus::Active
            } else {
                HoldingStatus::Ended
            },
            since: since.map(when),
            // An ended holding ended tomorrow (upcoming) or a week ago.
            until: (!active).then(|| when(if id == 0 { 6 } else { 2 })),
        }
    })
}

/// One of the customer's records, from one of three systems.
fn record(index: usize) -> impl Strategy<Value = SourceRecord> {
    (
        0usize..3,
        proptest::option::of(0usize..7),
        proptest::collection::vec(interaction(), 0..=4),
        proptest::collection::vec(order(), 0..=2),
        proptest::collection::vec(transaction(), 0..=2),
        proptest::collection::vec(holding(), 0..=1),
        proptest::collection::vec(proptest::option::of(0usize..7), 0..=1),
    )
        .prop_map(
            move |(source, observed, interactions, orders, transactions, holdings, notes)| {
                let mut r =
                    SourceRecord::new(["crm", "shop", "support"][source], index.to_string())
                        .name(PersonName::from_parts("Ann", "Lee"))
                        .email("ann.lee@fastmail.com");
                if let Some(o) = observed {
                    r = r.observed_at(when(o));
                }
                for i in interactions {
                    r = r.interaction(i);
                }
                r.facts.orders = orders;
                r.facts.transactions = transactions;
                r.facts.holdings = holdings;
                r.notes = notes
                    .into_iter()
                    .map(|at| Note {
                        at: at.map(when),
                        author: None,
                        text: "moved house".into(),
                    })
                    .collect();
                r
            },
        )
}

fn records() -> impl Strategy<Value = Vec<SourceRecord>> {
    (1usize..=5).prop_flat_map(|n| (0..n).map(record).collect::<Vec<_>>())
}

fn view(records: &[SourceRecord]) -> Customer360 {
    let refs: Vec<&SourceRecord> = records.iter().collect();
    let profile = ProfileBuilder::default().merge(CustomerId("C1".into()), &refs);
    Customer360::build(&profile, &refs, &ViewContext::new(now()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(support::cases(64)))]

    /// The same records in another order give the same view, to the byte once in JSON.
    #[test]
    fn the_view_does_not_depend_on_the_order_of_the_records(
        records in records(),
        by in 0usize..5,
    ) {
        let expected = view(&records);
        let mut reversed = records.clone();
        reversed.reverse();
        let mut rotated = records.clone();
        rotated.rotate_left(by % records.len());
        for other in [reversed, rotated] {
            let got = view(&other);
            prop_assert_eq!(
                serde_json::to_string(&got).unwrap(),
                serde_json::to_string(&expected).unwrap()
            );
            prop_assert_eq!(got, expected.clone());
        }
    }

    /// Every dated item of every record is on the timeline (up to "now") or upcoming (after
    /// it), each in time order, and the rest are counted as undated: nothing is lost, and
    /// an item logged by two systems is shown for each.
    #[test]
    fn history_keeps_every_item_in_time_order(records in records()) {
        let history = view(&records).history;
        let items: usize = records
            .iter()
            .map(|r| {
                r.interactions.len()
                    + r.facts.orders.len()
                    + r.facts.transactions.len()
                    + r.facts.holdings.iter().map(|h| 1 + usize::from(h.until.is_some())).sum::<usize>()
                    + r.notes.len()
            })
            .sum();
        prop_assert_eq!(history.timeline.len() + history.upcoming.len() + history.undated, items);
        prop_assert!(history.timeline.iter().all(|e| e.at <= now()));
        prop_assert!(history.upcoming.iter().all(|e| e.at > now()));
        for list in [&history.timeline, &history.upcoming] {
            prop_assert!(list.windows(2).all(|w| w[0].at <= w[1].at));
        }
    }

    /// A view read back from JSON is the view.
    #[test]
    fn the_view_round_trips_through_json(records in records()) {
        let view = view(&records);
        let json = serde_json::to_string(&view).unwrap();
        let back: Customer360 = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back, view);
    }
}
