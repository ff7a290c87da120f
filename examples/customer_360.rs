//! The customer 360 view of one customer seen on many channels, printed as pretty JSON.
//!
//! ```sh
//! cargo run --example customer_360
//! ```
//!
//! Maryam Rahimi is in a CRM (a broadband contract, an ended TV package, a newsletter
//! campaign), a web shop (two orders, one still open, and a refund), a call centre (three
//! calls about a failed direct debit this week), a support desk (NPS 9 last summer, 3 now)
//! and a store. Her husband shares the address and landline. A host flag provider marks her
//! as a vulnerable customer. The clock is fixed, so the output is the same on every run.

use std::io::Write;

use chrono::{DateTime, TimeZone, Utc};
use customer360::normalize::{RecordNormalizer, Region};
use customer360::profile::{IdRegistry, MergePolicy, Profile, ProfileBuilder};
use customer360::view::{
    Customer360, DefaultOfferSelector, Flag, FlagProvider, RelationshipIndex, Severity,
    ViewContext, ViewInput,
};
use customer360::{
    Channel, CustomerId, Direction, Feedback, Holding, HoldingStatus, Identifier, IdentifierKind,
    Interaction, Money, Mood, Nps, Order, OrderStatus, Outcome, PersonName, Phone, PhoneKind,
    PostalAddress, RecordRef, Resolver, Sentiment, SourceRecord, Transaction, TransactionKind,
};

fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

fn contact(id: &str, when: DateTime<Utc>, channel: Channel) -> Interaction {
    Interaction::new(id, when, channel)
}

/// Maryam's source records, one per system.
fn maryam_records() -> Result<Vec<SourceRecord>, customer360::Error> {
    let address = PostalAddress {
        lines: vec!["Flat 3, 41 Elm Road".into()],
        locality: Some("Leeds".into()),
        postcode: Some("LS6 2AB".into()),
        country: Some("GB".into()),
        ..PostalAddress::default()
    };

    let mut newsletter = contact("nl-2025-09", at(2025, 9, 1, 8), Channel::Email);
    newsletter.direction = Direction::Outbound;
    newsletter.campaign = Some("autumn-upgrade".into());
    let mut clicked = contact("web-311", at(2025, 9, 2, 19), Channel::Web);
    clicked.campaign = Some("autumn-upgrade".into());
    let mut crm = SourceRecord::new("crm", "CU-2001")
        .observed_at(at(2023, 5, 4, 10))
        .name(PersonName::from_parts("Maryam", "Rahimi"))
        .email("maryam.rahimi@mail-example.org")
        .address(address.clone())
        .identifier(Identifier::new(IdentifierKind::Customer, "CU-2001").with_issuer("crm"))
        .identifier(Identifier::new(IdentifierKind::Loyalty, "LY-0042-7781"))
        .interaction(newsletter)
        .interaction(clicked);
    crm.facts.holdings = vec![
        Holding {
            product_id: "bb-500".into(),
            name: Some("Fibre 500".into()),
            category: Some("broadband".into()),
            status: HoldingStatus::Active,
            since: Some(at(2023, 5, 10, 0)),
            until: Some(at(2026, 5, 10, 0)),
        },
        Holding {
            product_id: "tv-plus".into(),
            name: Some("TV Plus".into()),
            category: Some("tv".into()),
            status: HoldingStatus::Ended,
            since: Some(at(2023, 5, 10, 0)),
            until: Some(at(2025, 1, 31, 0)),
        },
    ];

    let mut shop = SourceRecord::new("webshop", "u-88")
        .email("Maryam.Rahimi@mail-example.org")
        .interaction(contact("sess-9", at(2026, 3, 7, 21), Channel::Web));
    shop.facts.orders = vec![
        Order {
            id: "W-1001".into(),
            placed_at: Some(at(2025, 11, 20, 12)),
            status: OrderStatus::Fulfilled,
            total: Some(Money::new(12_900, "GBP")),
            lines: vec![],
        },
        Order {
            id: "W-1187".into(),
            placed_at: Some(at(2026, 2, 26, 18)),
            status: OrderStatus::Open,
            total: Some(Money::new(4_500, "GBP")),
            lines: vec![],
        },
    ];
    shop.facts.transactions = vec![
        Transaction {
            id: "tx-1".into(),
            at: at(2025, 11, 20, 12),
            kind: TransactionKind::Purchase,
            amount: Money::new(12_900, "GBP"),
            description: Some("Router and mesh kit".into()),
        },
        Transaction {
            id: "tx-2".into(),
            at: at(2025, 12, 2, 9),
            kind: TransactionKind::Refund,
            amount: Money::new(-2_900, "GBP"),
            description: Some("Returned mesh satellite".into()),
        },
        Transaction {
            id: "tx-3".into(),
            at: at(2026, 2, 26, 18),
            kind: TransactionKind::Purchase,
            amount: Money::new(4_500, "GBP"),
            description: None,
        },
    ];

    let call = |id: &str, when, outcome, score: f32, mood: Option<Mood>| {
        let mut i = contact(id, when, Channel::Call);
        i.topic = Some("direct debit failed".into());
        i.case_id = Some("INC-5521".into());
        i.outcome = Some(outcome);
        i.agent = Some("agent-12".into());
        i.soft.sentiment = Sentiment::from_score(score).ok();
        i.soft.mood = mood;
        i
    };
    let calls = SourceRecord::new("call_centre", "44-1907")
        .name(PersonName::full("Rahimi, Maryam"))
        .phone("0113 496 0000")
        .interaction(call(
            "call-1",
            at(2026, 3, 3, 9),
            Outcome::Error,
            -0.3,
            None,
        ))
        .interaction(call(
            "call-2",
            at(2026, 3, 5, 13),
            Outcome::Pending,
            -0.5,
            None,
        ))
        .interaction(call(
            "call-3",
            at(2026, 3, 9, 9),
            Outcome::Escalated,
            -0.7,
            Some(Mood::Frustrated),
        ));

    let survey = |id: &str, when, score: u8| -> Result<Interaction, customer360::Error> {
        let mut i = contact(id, when, Channel::Survey);
        i.soft.feedback = Some(Feedback {
            nps: Some(Nps::new(score)?),
            ..Feedback::default()
        });
        Ok(i)
    };
    let mut chat = contact("chat-77", at(2025, 7, 14, 10), Channel::Chat);
    chat.topic = Some("speed".into());
    chat.outcome = Some(Outcome::Resolved);
    chat.soft.sentiment = Sentiment::from_score(0.6).ok();
    let support = SourceRecord::new("support_desk", "T-3090")
        .name(PersonName::full("Maryam Rahimi"))
        .email("Maryam.Rahimi@mail-example.org")
        .interaction(chat)
        .interaction(survey("nps-1", at(2025, 7, 15, 10), 9)?)
        .interaction(survey("nps-2", at(2026, 3, 6, 10), 3)?);

    let mut visit = contact("pos-5", at(2025, 11, 20, 11), Channel::Store);
    visit.topic = Some("router upgrade".into());
    visit.outcome = Some(Outcome::Resolved);
    let store = SourceRecord::new("store", "LDS-02-5531")
        .identifier(Identifier::new(IdentifierKind::Loyalty, "LY-0042-7781"))
        .interaction(visit);

    Ok(vec![crm, shop, calls, support, store])
}

/// Her husband Reza: the same address and landline, his own mobile and birth date.
fn reza_record() -> SourceRecord {
    let mut reza = SourceRecord::new("crm", "CU-2002")
        .observed_at(at(2024, 1, 9, 9))
        .name(PersonName::from_parts("Reza", "Rahimi"))
        .birth_date("1979-11-02")
        .phone("07700 900 123")
        .address(PostalAddress {
            lines: vec!["Flat 3, 41 Elm Road".into()],
            locality: Some("Leeds".into()),
            postcode: Some("LS6 2AB".into()),
            country: Some("GB".into()),
            ..PostalAddress::default()
        });
    reza.identity.phones.push(Phone {
        number: "0113 496 0000".into(),
        kind: PhoneKind::Landline,
        region: Some("GB".into()),
    });
    reza
}

/// Resolve every record into customers and merge each into a profile with a stable ID: the
/// whole pipeline, on this small household.
fn build_profiles(records: &[SourceRecord]) -> Result<Vec<Profile>, customer360::Error> {
    let normalizer = RecordNormalizer::builder()
        .default_region("GB".parse::<Region>()?)
        .build();
    let resolution = Resolver::builder()
        .normalizer(normalizer.clone())
        .build()?
        .resolve(records)?;
    let mut registry = IdRegistry::default();
    Ok(
        ProfileBuilder::new(MergePolicy::default(), normalizer).build(
            &resolution,
            records,
            &mut registry,
        ),
    )
}

struct CareRegister(Vec<CustomerId>);

impl FlagProvider for CareRegister {
    fn flags(&self, view: &Customer360, _input: &ViewInput<'_>) -> Vec<Flag> {
        if self.0.contains(&view.customer_id) {
            vec![Flag::new(
                "vulnerable_customer",
                Severity::Critical,
                "registered with the care team: offer extra support",
            )
            .with_evidence("care register entry 2025-10-02")]
        } else {
            vec![]
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut records = maryam_records()?;
    records.push(reza_record());
    let profiles = build_profiles(&records)?;
    let index = RelationshipIndex::build(&profiles);
    let maryam_ref = RecordRef {
        source: "crm".into(),
        key: "CU-2001".into(),
    };
    let maryam = profiles
        .iter()
        .find(|p| p.records.contains(&maryam_ref))
        .ok_or("Maryam's CRM record is in no profile")?;

    // The clock is injected: the view describes this moment.
    let now = at(2026, 3, 10, 12);
    let context = ViewContext::new(now)
        .relationships(&index)
        .flag_provider(CareRegister(vec![maryam.id.clone()]))
        .offer_selector(DefaultOfferSelector);

    let hers: Vec<&SourceRecord> = records
        .iter()
        .filter(|r| maryam.records.contains(&r.reference()))
        .collect();
    let view = Customer360::build(maryam, &hers, &context);
    let json = serde_json::to_string_pretty(&view)?;
    // Write without `println!`, which panics when the reader goes away (`| head`).
    match writeln!(std::io::stdout().lock(), "{json}") {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}
