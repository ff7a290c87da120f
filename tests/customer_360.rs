//! The customer 360 view: every section of a customer seen on many channels, empty and odd
//! input, order independence, relationships and the host extension points.

mod support;

use std::collections::BTreeMap;

use chrono::{DateTime, TimeZone, Utc, Weekday};
use customer360::profile::{MergedField, Profile, Provenance, SurvivingValue};
use customer360::view::{
    Action, Customer360, DefaultNextBestAction, DefaultOfferSelector, Event, Flag, FlagOrigin,
    FlagProvider, JourneyStage, NextBestAction, ReasonKind, RelationshipIndex, RelationshipKind,
    RiskLevel, Severity, Trend, ViewContext, ViewInput, ViewSettings,
};
use customer360::{
    Channel, Csat, CustomerId, Direction, Feedback, FieldPath, Holding, HoldingStatus,
    IdentifierKind, Interaction, Money, Mood, Note, Nps, NpsCategory, Order, OrderStatus, Outcome,
    RecordRef, Sentiment, SourceRecord, Transaction, TransactionKind,
};

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

/// "Now" in every test: Tuesday 10 March 2026, noon UTC.
fn now() -> DateTime<Utc> {
    at(2026, 3, 10, 12, 0)
}

fn reference(source: &str, key: &str) -> RecordRef {
    RecordRef {
        source: source.into(),
        key: key.into(),
    }
}

fn value(v: &str, qualifier: Option<&str>, seen_in: &[(&str, &str)]) -> SurvivingValue {
    let (source, key) = seen_in[0];
    SurvivingValue {
        value: v.into(),
        qualifier: qualifier.map(Into::into),
        provenance: Provenance {
            source: source.into(),
            record: key.into(),
            observed_at: None,
        },
        seen_in: seen_in.iter().map(|(s, k)| reference(s, k)).collect(),
    }
}

fn field(values: Vec<SurvivingValue>) -> MergedField {
    MergedField {
        values,
        alternatives: vec![],
        disagreement: false,
        rule: "test".into(),
    }
}

fn interaction(
    id: &str,
    when: DateTime<Utc>,
    channel: Channel,
    topic: Option<&str>,
    outcome: Option<Outcome>,
) -> Interaction {
    let mut i = Interaction::new(id, when, channel);
    i.topic = topic.map(Into::into);
    i.outcome = outcome;
    i
}

fn with_sentiment(mut i: Interaction, score: f32, mood: Option<Mood>) -> Interaction {
    i.soft.sentiment = Some(Sentiment::from_score(score).unwrap());
    i.soft.mood = mood;
    i
}

fn in_case(mut i: Interaction, case: &str) -> Interaction {
    i.case_id = Some(case.into());
    i
}

fn survey(id: &str, when: DateTime<Utc>, nps: u8, csat: Option<u8>) -> Interaction {
    let mut i = Interaction::new(id, when, Channel::Survey);
    i.soft.feedback = Some(Feedback {
        nps: Some(Nps::new(nps).unwrap()),
        csat: csat.map(|c| Csat::new(c).unwrap()),
        comment: None,
    });
    i
}

fn transaction(id: &str, when: DateTime<Utc>, kind: TransactionKind, money: Money) -> Transaction {
    Transaction {
        id: id.into(),
        at: when,
        kind,
        amount: money,
        description: None,
    }
}

/// John Smith, seen in a CRM (holdings, an e-mail campaign), a web shop (orders,
/// transactions, a web session), a call centre (three calls about billing this week on one
/// case, the first an error; an older resolved delivery call), a support desk (a chat and two
/// NPS surveys, 9 then 4) and a store (a visit and a payment in dollars).
fn john_records() -> Vec<SourceRecord> {
    let mut crm = SourceRecord::new("crm", "1001").observed_at(at(2024, 1, 15, 9, 0));
    crm.facts.holdings = vec![
        Holding {
            product_id: "bb-100".into(),
            name: Some("Broadband 100".into()),
            category: Some("broadband".into()),
            status: HoldingStatus::Active,
            since: Some(at(2024, 2, 1, 0, 0)),
            until: None,
        },
        Holding {
            product_id: "mob-s".into(),
            name: Some("Mobile S".into()),
            category: Some("mobile".into()),
            status: HoldingStatus::Ended,
            since: Some(at(2024, 2, 1, 0, 0)),
            until: Some(at(2025, 6, 30, 0, 0)),
        },
    ];
    crm.notes.push(Note {
        at: Some(at(2024, 1, 15, 9, 0)),
        author: Some("agent-7".into()),
        text: "Prefers e-mail".into(),
    });
    let mut mailing = interaction("m-1", at(2025, 4, 1, 10, 0), Channel::Email, None, None);
    mailing.direction = Direction::Outbound;
    mailing.campaign = Some("spring-sale".into());
    let mut reply = interaction("m-2", at(2025, 4, 2, 20, 0), Channel::Email, None, None);
    reply.campaign = Some(" spring-sale ".into());
    crm = crm.interaction(mailing).interaction(reply);

    let mut shop = SourceRecord::new("webshop", "77").interaction(interaction(
        "w-1",
        at(2026, 3, 8, 18, 0),
        Channel::Web,
        None,
        None,
    ));
    shop.facts.orders = vec![
        Order {
            id: "o-1".into(),
            placed_at: Some(at(2025, 5, 10, 10, 0)),
            status: OrderStatus::Fulfilled,
            total: Some(Money::new(5999, "EUR")),
            lines: vec![],
        },
        Order {
            id: "o-2".into(),
            placed_at: Some(at(2026, 3, 1, 10, 0)),
            status: OrderStatus::Open,
            total: Some(Money::new(2499, "EUR")),
            lines: vec![],
        },
    ];
    shop.facts.transactions = vec![
        transaction(
            "t-1",
            at(2025, 5, 10, 10, 0),
            TransactionKind::Purchase,
            Money::new(5999, "EUR"),
        ),
        transaction(
            "t-2",
            at(2026, 3, 1, 10, 0),
            TransactionKind::Purchase,
            Money::new(2499, "eur"),
        ),
        transaction(
            "t-3",
            at(2025, 6, 1, 10, 0),
            TransactionKind::Refund,
            Money::new(-1000, "EUR"),
        ),
    ];

    let calls = SourceRecord::new("call_centre", "C-7")
        .interaction(with_sentiment(
            in_case(
                interaction(
                    "c-0",
                    at(2025, 6, 15, 10, 30),
                    Channel::Call,
                    Some("delivery"),
                    Some(Outcome::Resolved),
                ),
                "K-0",
            ),
            0.6,
            None,
        ))
        .interaction(with_sentiment(
            in_case(
                interaction(
                    "c-1",
                    at(2026, 3, 3, 9, 15),
                    Channel::Call,
                    Some("Billing"),
                    Some(Outcome::Error),
                ),
                "K-1",
            ),
            -0.4,
            Some(Mood::Frustrated),
        ))
        .interaction(with_sentiment(
            in_case(
                interaction(
                    "c-2",
                    at(2026, 3, 5, 9, 40),
                    Channel::Call,
                    Some("billing"),
                    Some(Outcome::Unresolved),
                ),
                "K-1",
            ),
            -0.6,
            None,
        ))
        .interaction(with_sentiment(
            in_case(
                interaction(
                    "c-3",
                    at(2026, 3, 9, 14, 5),
                    Channel::Call,
                    Some("billing "),
                    Some(Outcome::Escalated),
                ),
                "K-1",
            ),
            -0.8,
            Some(Mood::Angry),
        ));

    let support = SourceRecord::new("support_desk", "S-3")
        .interaction(with_sentiment(
            interaction(
                "ch-1",
                at(2025, 7, 1, 11, 0),
                Channel::Chat,
                Some("delivery"),
                Some(Outcome::Resolved),
            ),
            0.8,
            None,
        ))
        .interaction(survey("s-1", at(2025, 7, 2, 10, 0), 9, None))
        .interaction(survey("s-2", at(2026, 3, 6, 10, 0), 4, Some(2)));

    let mut store = SourceRecord::new("pos", "S-12").interaction(interaction(
        "v-1",
        at(2025, 12, 20, 15, 0),
        Channel::Store,
        Some("upgrade"),
        Some(Outcome::Resolved),
    ));
    store.facts.transactions.push(transaction(
        "p-1",
        at(2025, 12, 20, 15, 0),
        TransactionKind::Payment,
        Money::new(1500, "USD"),
    ));

    vec![crm, shop, calls, support, store]
}

/// John's profile, as survivorship would build it (kept in one place so it can be swapped
/// for the real builder).
fn john_profile() -> Profile {
    let all = [
        ("crm", "1001"),
        ("webshop", "77"),
        ("call_centre", "C-7"),
        ("support_desk", "S-3"),
        ("pos", "S-12"),
    ];
    let mut fields = BTreeMap::new();
    fields.insert(
        FieldPath::NAME,
        field(vec![value("John Smith", None, &[("crm", "1001")])]),
    );
    fields.insert(
        FieldPath::NAME_GIVEN,
        field(vec![value("John", None, &[("crm", "1001")])]),
    );
    fields.insert(
        FieldPath::NAME_FAMILY,
        field(vec![value("Smith", None, &[("crm", "1001")])]),
    );
    fields.insert(
        FieldPath::EMAIL,
        field(vec![value(
            "john.smith@example.org",
            Some("personal"),
            &[("crm", "1001"), ("webshop", "77")],
        )]),
    );
    fields.insert(
        FieldPath::PHONE,
        field(vec![
            value("+15551234567", Some("mobile"), &[("call_centre", "C-7")]),
            value("+15559876543", Some("landline"), &[("crm", "1001")]),
        ]),
    );
    fields.insert(
        FieldPath::ADDRESS,
        field(vec![value(
            "12 Main Street, Springfield, 62701, US",
            Some("home"),
            &[("crm", "1001"), ("webshop", "77")],
        )]),
    );
    let mut birth = field(vec![value("1985-04-12", None, &[("crm", "1001")])]);
    birth.disagreement = true;
    birth.alternatives = vec![value("1985-12-04", None, &[("webshop", "77")])];
    fields.insert(FieldPath::BIRTH_DATE, birth);
    fields.insert(
        FieldPath::GENDER,
        field(vec![value("male", None, &[("crm", "1001")])]),
    );
    fields.insert(
        FieldPath::identifier(&IdentifierKind::Loyalty),
        field(vec![value(
            "L-555",
            Some("acme-rewards"),
            &[("pos", "S-12"), ("crm", "1001")],
        )]),
    );
    fields.insert(
        FieldPath::identifier(&IdentifierKind::Customer),
        field(vec![value("1001", Some("crm"), &[("crm", "1001")])]),
    );
    fields.insert(
        FieldPath::custom("tier").unwrap(),
        field(vec![value("gold", None, &[("crm", "1001")])]),
    );
    Profile {
        id: CustomerId("C-john".into()),
        records: {
            let mut r: Vec<RecordRef> = all.iter().map(|(s, k)| reference(s, k)).collect();
            r.sort();
            r
        },
        fields,
    }
}

/// Jane Smith: same family name, address and landline as John.
fn jane_profile() -> Profile {
    let mut fields = BTreeMap::new();
    fields.insert(
        FieldPath::NAME_FAMILY,
        field(vec![value("SMITH", None, &[("crm", "1002")])]),
    );
    fields.insert(
        FieldPath::ADDRESS,
        field(vec![value(
            "12 main street springfield 62701 us",
            None,
            &[("crm", "1002")],
        )]),
    );
    fields.insert(
        FieldPath::PHONE,
        field(vec![value(
            "+1 555 987 6543",
            Some("landline"),
            &[("crm", "1002")],
        )]),
    );
    Profile {
        id: CustomerId("C-jane".into()),
        records: vec![reference("crm", "1002")],
        fields,
    }
}

fn build(records: &[SourceRecord], context: &ViewContext<'_>) -> Customer360 {
    let refs: Vec<&SourceRecord> = records.iter().collect();
    Customer360::build(&john_profile(), &refs, context)
}

fn john_view() -> Customer360 {
    let profiles = [john_profile(), jane_profile()];
    let index = RelationshipIndex::build(&profiles);
    let context = ViewContext::new(now()).relationships(&index);
    build(&john_records(), &context)
}

#[test]
fn identity_section_holds_surviving_values_with_provenance() {
    let view = john_view();
    assert_eq!(view.customer_id, CustomerId("C-john".into()));
    assert_eq!(view.as_of, now());
    assert_eq!(view.records, john_profile().records);
    let id = &view.identity;
    assert_eq!(id.name.as_ref().unwrap().value, "John Smith");
    assert_eq!(id.given_name.as_ref().unwrap().value, "John");
    assert_eq!(id.family_name.as_ref().unwrap().value, "Smith");
    assert_eq!(id.emails.len(), 1);
    assert_eq!(id.emails[0].seen_in.len(), 2);
    let phones: Vec<(&str, Option<&str>)> = id
        .phones
        .iter()
        .map(|p| (p.value.as_str(), p.qualifier.as_deref()))
        .collect();
    assert_eq!(
        phones,
        [
            ("+15551234567", Some("mobile")),
            ("+15559876543", Some("landline"))
        ]
    );
    assert_eq!(id.addresses[0].provenance.source.as_str(), "crm");
    assert_eq!(id.birth_date.as_ref().unwrap().value, "1985-04-12");
    assert_eq!(id.gender.as_ref().unwrap().value, "male");
    let identifiers: Vec<(&str, &str)> = id
        .identifiers
        .iter()
        .map(|i| (i.kind.as_str(), i.value.value.as_str()))
        .collect();
    assert_eq!(identifiers, [("customer", "1001"), ("loyalty", "L-555")]);
    assert_eq!(id.attributes["tier"][0].value, "gold");
    assert_eq!(id.conflicts, [FieldPath::BIRTH_DATE]);
}

#[test]
fn relationships_section_finds_the_household_and_linked_accounts() {
    let view = john_view();
    let related = &view.relationships.related;
    assert_eq!(related.len(), 1);
    assert_eq!(related[0].other, CustomerId("C-jane".into()));
    assert_eq!(related[0].kind, RelationshipKind::Household);
    assert_eq!(
        related[0].evidence,
        [
            "address \"12 Main Street, Springfield, 62701, US\"",
            "landline \"+15559876543\"",
            "family name \"smith\"",
        ]
    );
    assert_eq!(view.relationships.household().count(), 1);

    let accounts: Vec<(&str, &str, Vec<&str>)> = view
        .relationships
        .accounts
        .iter()
        .map(|a| {
            (
                a.kind.as_str(),
                a.value.as_str(),
                a.sources.iter().map(|s| s.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(
        accounts,
        [
            ("customer", "1001", vec!["crm"]),
            ("loyalty", "L-555", vec!["crm", "pos"]),
        ]
    );
}

#[test]
fn current_activity_section() {
    let view = john_view();
    let current = &view.current;

    assert_eq!(current.open_orders.len(), 1);
    let order = &current.open_orders[0];
    assert_eq!(
        (order.id.as_str(), order.age_days, order.overdue),
        ("o-2", Some(9), true)
    );
    assert_eq!(order.total, Some(Money::new(2499, "EUR")));

    assert_eq!(current.open_cases.len(), 1, "K-0 was resolved");
    let case = &current.open_cases[0];
    assert_eq!(case.case_id, "K-1");
    assert_eq!(case.topic.as_deref(), Some("billing"));
    assert_eq!(case.status, Some(Outcome::Escalated));
    assert_eq!(case.opened_at, at(2026, 3, 3, 9, 15));
    assert_eq!(case.last_contact_at, at(2026, 3, 9, 14, 5));
    assert_eq!((case.contacts, case.recent_inbound), (3, 3));
    assert_eq!(case.channels, [Channel::Call]);
    assert!(case.unresolved_error);
    assert_eq!(case.records, [reference("call_centre", "C-7")]);

    let last = current.last_interaction.as_ref().unwrap();
    assert_eq!(
        (last.id.as_str(), last.topic.as_deref(), last.days_ago),
        ("c-3", Some("billing"), 0)
    );

    let reasons: Vec<(ReasonKind, u32)> = current
        .likely_reasons
        .iter()
        .map(|r| (r.kind, r.score))
        .collect();
    assert_eq!(
        reasons,
        [
            // 40 fresh + 3 × 10 repeated + 20 error/escalated.
            (ReasonKind::OpenCase, 90),
            // 25 + 15 overdue.
            (ReasonKind::OpenOrder, 40),
            (ReasonKind::NegativeSentiment, 20),
        ]
    );
    let top = &current.likely_reasons[0];
    assert_eq!(top.summary, "open case \"K-1\" about \"billing\"");
    assert_eq!(
        top.evidence[1],
        "contacted us 3 times about it within 6 days (last 30 days)"
    );
    assert!(top.evidence.iter().any(|e| e.contains("not resolved")));
    assert_eq!(
        current.likely_reasons[1].evidence[0],
        "order \"o-2\" (webshop/77) is open, placed 9 days ago, on 2026-03-01 10:00 UTC"
    );
    assert!(current.likely_reasons[2].evidence[0].contains("\"c-3\""));
}

#[test]
fn history_section_is_one_timeline_over_all_channels() {
    let view = john_view();
    let history = &view.history;
    // 11 interactions, 2 orders, 4 transactions, 2 holding starts, 1 holding end, 1 note.
    assert_eq!(history.timeline.len(), 21);
    assert!(history.upcoming.is_empty());
    assert_eq!(history.undated, 0);
    assert!(history.timeline.windows(2).all(|w| w[0].at <= w[1].at));

    let first = &history.timeline[0];
    assert_eq!(first.at, at(2024, 1, 15, 9, 0));
    assert!(matches!(&first.event, Event::Note(n) if n.text == "Prefers e-mail"));
    // Two holdings start at the same moment: ordered by product ID.
    let starts: Vec<&str> = history
        .timeline
        .iter()
        .filter_map(|e| match &e.event {
            Event::HoldingStarted(h) => Some(h.product_id.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(starts, ["bb-100", "mob-s"]);
    // The order and its purchase at the same moment: the order first.
    let may: Vec<String> = history
        .timeline
        .iter()
        .filter(|e| e.at == at(2025, 5, 10, 10, 0))
        .map(|e| format!("{}/{}", e.source, e.record))
        .collect();
    assert_eq!(may, ["webshop/77", "webshop/77"]);
    assert!(matches!(
        history
            .timeline
            .iter()
            .find(|e| e.at == at(2025, 5, 10, 10, 0))
            .unwrap()
            .event,
        Event::Order(_)
    ));
    let last = history.timeline.last().unwrap();
    assert_eq!(
        (last.source.as_str(), last.record.as_str()),
        ("call_centre", "C-7")
    );
    assert!(matches!(&last.event, Event::Interaction(i) if i.id == "c-3"));
    let ended = history
        .timeline
        .iter()
        .find(|e| matches!(e.event, Event::HoldingEnded(_)))
        .unwrap();
    assert_eq!(ended.at, at(2025, 6, 30, 0, 0));

    assert_eq!(history.campaigns.len(), 1);
    let campaign = &history.campaigns[0];
    assert_eq!(campaign.campaign, "spring-sale");
    assert_eq!(
        (campaign.first_at, campaign.last_at),
        (at(2025, 4, 1, 10, 0), at(2025, 4, 2, 20, 0))
    );
    assert_eq!((campaign.outbound, campaign.inbound), (1, 1));
    assert_eq!(campaign.channels, [Channel::Email]);
}

#[test]
fn value_section() {
    let view = john_view();
    let value = &view.value;
    let active: Vec<&str> = value
        .active_holdings
        .iter()
        .map(|h| h.holding.product_id.as_str())
        .collect();
    assert_eq!(active, ["bb-100"]);
    assert_eq!(value.active_holdings[0].source.as_str(), "crm");
    assert_eq!(value.inactive_holdings[0].holding.product_id, "mob-s");
    assert_eq!(value.first_seen, Some(at(2024, 1, 15, 9, 0)));
    assert_eq!(value.tenure_days, Some(785));
    assert_eq!(value.orders.total, 2);
    assert_eq!((value.orders.open, value.orders.fulfilled), (1, 1));
    assert_eq!(value.purchases, 2);
    assert_eq!(value.last_purchase_at, Some(at(2026, 3, 1, 10, 0)));

    assert_eq!(value.spend.len(), 2);
    let eur = &value.spend[0];
    assert_eq!(eur.currency, "EUR");
    assert_eq!(
        (eur.purchases, eur.payments, eur.refunds, eur.net),
        (8498, 0, 1000, 7498)
    );
    assert_eq!(eur.transactions, 3);
    assert!(!eur.saturated);
    let usd = &value.spend[1];
    assert_eq!(
        (usd.currency.as_str(), usd.payments, usd.net),
        ("USD", 1500, 1500)
    );
}

#[test]
fn flags_section() {
    let view = john_view();
    let flags: Vec<(&str, Severity, FlagOrigin)> = view
        .flags
        .flags
        .iter()
        .map(|f| (f.code.as_str(), f.severity, f.origin))
        .collect();
    assert_eq!(
        flags,
        [
            (
                Flag::UNRESOLVED_ERROR,
                Severity::Critical,
                FlagOrigin::Computed
            ),
            (Flag::DETRACTOR, Severity::Warning, FlagOrigin::Computed),
            (
                Flag::NEGATIVE_SENTIMENT,
                Severity::Warning,
                FlagOrigin::Computed
            ),
            (
                Flag::REPEATED_CONTACT,
                Severity::Warning,
                FlagOrigin::Computed
            ),
        ]
    );
    let error = &view.flags.flags[0];
    assert_eq!(error.message, "1 error on case \"K-1\" not yet resolved");
    assert_eq!(
        error.evidence,
        ["call on 2026-03-03 09:15 UTC about \"Billing\" (call_centre/C-7, \"c-1\")"]
    );
    let repeated = view.flags.with_code(Flag::REPEATED_CONTACT).next().unwrap();
    assert_eq!(
        repeated.message,
        "3 contacts about \"billing\" in the last 30 days"
    );
    assert_eq!(repeated.evidence.len(), 3);
    let negative = view
        .flags
        .with_code(Flag::NEGATIVE_SENTIMENT)
        .next()
        .unwrap();
    assert_eq!(negative.evidence.len(), 3);
    assert!(negative.evidence[0].ends_with("sentiment -0.40, mood frustrated"));

    let counts: Vec<(Channel, usize, usize, usize)> = view
        .flags
        .contacts_by_channel
        .iter()
        .map(|c| (c.channel, c.inbound, c.outbound, c.recent))
        .collect();
    assert_eq!(
        counts,
        [
            (Channel::Call, 4, 0, 3),
            (Channel::Chat, 1, 0, 0),
            (Channel::Email, 1, 1, 0),
            (Channel::Survey, 2, 0, 1),
            (Channel::Web, 1, 0, 1),
            (Channel::Store, 1, 0, 1),
        ]
    );
}

#[test]
fn insights_section() {
    let view = john_view();
    let insights = &view.insights;

    let nps = insights.nps.as_ref().unwrap();
    assert_eq!((nps.latest, nps.category), (4, NpsCategory::Detractor));
    assert_eq!(nps.at, at(2026, 3, 6, 10, 0));
    assert_eq!((nps.previous, nps.change), (Some(9), Some(-5)));
    assert_eq!(nps.trend, Some(Trend::Declining));
    assert_eq!(nps.responses, 2);

    let csat = insights.csat.as_ref().unwrap();
    assert_eq!((csat.latest, csat.mean, csat.responses), (2, 2.0, 1));

    let sentiment = insights.sentiment.as_ref().unwrap();
    assert_eq!(sentiment.recent_mean, Some(-0.6));
    assert_eq!(sentiment.recent_count, 3);
    assert_eq!(sentiment.earlier_mean, Some(0.7));
    assert_eq!(sentiment.earlier_count, 2);
    assert_eq!(sentiment.change, Some(-1.3));
    assert_eq!(sentiment.trend, Some(Trend::Declining));
    assert_eq!(sentiment.latest, -0.8);

    assert_eq!(insights.preferred_channel, Some(Channel::Call));
    let hours: Vec<(u8, usize)> = insights
        .active_hours
        .iter()
        .map(|h| (h.hour, h.contacts))
        .collect();
    assert_eq!(hours, [(10, 3), (9, 2), (11, 1)]);
    let days: Vec<(Weekday, usize)> = insights
        .active_weekdays
        .iter()
        .map(|d| (d.weekday, d.contacts))
        .collect();
    assert_eq!(
        days,
        [(Weekday::Tue, 2), (Weekday::Wed, 2), (Weekday::Sun, 2)]
    );
}

#[test]
fn journey_section() {
    let view = john_view();
    assert_eq!(view.journey.stage, JourneyStage::Repeat);
    assert_eq!(view.journey.since, Some(at(2026, 3, 1, 10, 0)));
    assert_eq!(view.journey.reasons[0], "2 purchases");
}

#[test]
fn outlook_section() {
    let view = john_view();
    let churn = &view.outlook.churn;
    // 0.20 error + 0.15 detractor + 0.10 NPS fell + 0.10 sentiment declining + 0.10 negative
    // sentiment + 0.10 repeated contacts.
    assert_eq!(churn.score, 0.75);
    assert_eq!(churn.level, RiskLevel::High);
    assert_eq!(churn.reasons.len(), 6);
    assert_eq!(churn.reasons[0], "+0.20: 1 unresolved error flag(s)");

    let actions: Vec<(&str, u32)> = view
        .outlook
        .next_actions
        .iter()
        .map(|a| (a.code.as_str(), a.priority))
        .collect();
    assert_eq!(
        actions,
        [
            (Action::RESOLVE_ERROR, 100),
            (Action::RETENTION, 70),
            (Action::CHECK_ORDER, 60),
            (Action::ASK_FEEDBACK, 50),
        ]
    );
    assert_eq!(
        view.outlook.next_actions[3].reasons,
        ["latest NPS 4, down from 9"]
    );
    // No offer selector, no offers.
    assert!(view.outlook.offers.is_empty());
}

#[test]
fn default_offer_selector_when_set() {
    let view = build(
        &john_records(),
        &ViewContext::new(now()).offer_selector(DefaultOfferSelector),
    );
    let offers: Vec<&str> = view
        .outlook
        .offers
        .iter()
        .map(|o| o.code.as_str())
        .collect();
    assert_eq!(offers, ["service_recovery", "retention_discount"]);
}

#[test]
fn the_view_round_trips_through_json() {
    let view = john_view();
    let json = serde_json::to_string_pretty(&view).unwrap();
    let back: Customer360 = serde_json::from_str(&json).unwrap();
    assert_eq!(back, view);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["history"]["timeline"][0]["event"]["type"], "note");
    assert_eq!(value["insights"]["active_weekdays"][0]["weekday"], "Tue");
    assert_eq!(value["journey"]["stage"], "repeat");
}

#[test]
fn records_in_any_order_give_the_same_view() {
    let records = john_records();
    let expected = build(&records, &ViewContext::new(now()));
    let mut reversed = records.clone();
    reversed.reverse();
    let mut rotated = records.clone();
    rotated.rotate_left(2);
    for other in [reversed, rotated] {
        let view = build(&other, &ViewContext::new(now()));
        assert_eq!(view, expected);
        assert_eq!(
            serde_json::to_string(&view).unwrap(),
            serde_json::to_string(&expected).unwrap()
        );
    }
}

#[test]
fn empty_input_gives_an_empty_view() {
    let profile = Profile {
        id: CustomerId("C-0".into()),
        records: vec![],
        fields: BTreeMap::new(),
    };
    let view = Customer360::build(&profile, &[], &ViewContext::new(now()));
    assert!(view.records.is_empty());
    assert!(view.identity.name.is_none() && view.identity.emails.is_empty());
    assert!(view.relationships.related.is_empty() && view.relationships.accounts.is_empty());
    assert!(view.current.open_orders.is_empty() && view.current.open_cases.is_empty());
    assert!(view.current.last_interaction.is_none() && view.current.likely_reasons.is_empty());
    assert!(view.history.timeline.is_empty() && view.history.campaigns.is_empty());
    assert_eq!(view.value.first_seen, None);
    assert_eq!(view.value.tenure_days, None);
    assert!(view.value.spend.is_empty());
    assert!(view.flags.flags.is_empty() && view.flags.contacts_by_channel.is_empty());
    assert!(view.insights.nps.is_none() && view.insights.sentiment.is_none());
    assert_eq!(view.insights.preferred_channel, None);
    assert!(view.insights.active_hours.is_empty());
    assert_eq!(view.journey.stage, JourneyStage::Prospect);
    assert_eq!(view.outlook.churn.score, 0.0);
    assert_eq!(view.outlook.churn.level, RiskLevel::Low);
    assert!(view.outlook.next_actions.is_empty());

    // A record with no interactions, no dates and no facts.
    let bare = SourceRecord::new("crm", "1");
    let view = Customer360::build(&profile, &[&bare], &ViewContext::new(now()));
    assert_eq!(view.records, [reference("crm", "1")]);
    assert_eq!(view.journey.stage, JourneyStage::Prospect);
}

#[test]
fn odd_input_does_not_panic_and_is_handled() {
    let extreme = DateTime::<Utc>::MAX_UTC;
    let mut odd = SourceRecord::new("", "\u{0}\n");
    let mut weird = interaction(
        "\u{202e}x",
        DateTime::<Utc>::MIN_UTC,
        Channel::Other,
        Some("\u{0}\n   "),
        Some(Outcome::Error),
    );
    weird.case_id = Some("   ".into());
    weird.campaign = Some("".into());
    odd = odd.interaction(weird);
    let mut error = interaction(
        "e",
        extreme,
        Channel::Chat,
        Some(&"لغو سفارش ".repeat(500)),
        Some(Outcome::Other("☃".into())),
    );
    error.case_id = Some("case\twith\ttabs".into());
    odd = odd.interaction(error);
    odd.facts.orders.push(Order::default()); // open, undated, no total
    odd.facts.holdings.push(Holding::default()); // active, undated
    odd.facts.transactions = vec![
        transaction(
            "a",
            now(),
            TransactionKind::Purchase,
            Money::new(i64::MAX, " eur "),
        ),
        transaction(
            "b",
            now(),
            TransactionKind::Purchase,
            Money::new(i64::MAX, "EUR"),
        ),
        transaction(
            "c",
            now(),
            TransactionKind::Refund,
            Money::new(i64::MIN, "EUR"),
        ),
        transaction("d", now(), TransactionKind::Fee, Money::new(5, "")),
    ];
    let settings = ViewSettings {
        repeat_contact_window_days: u32::MAX,
        recent_days: u32::MAX,
        lapsed_after_days: u32::MAX,
        order_overdue_days: u32::MAX,
        holding_ending_days: u32::MAX,
        repeat_contact_threshold: 0,
        engagement_top: u32::MAX,
    };
    let profile = Profile {
        id: CustomerId(String::new()),
        records: vec![],
        fields: BTreeMap::new(),
    };
    for context in [
        ViewContext::new(now()).settings(settings.clone()),
        ViewContext::new(extreme),
        ViewContext::new(DateTime::<Utc>::MIN_UTC).settings(settings),
    ] {
        let view = Customer360::build(&profile, &[&odd], &context);
        let json = serde_json::to_string(&view).unwrap();
        let back: Customer360 = serde_json::from_str(&json).unwrap();
        assert_eq!(back, view);
        let eur = view
            .value
            .spend
            .iter()
            .find(|s| s.currency == "EUR")
            .unwrap();
        assert!(eur.saturated);
        assert_eq!(eur.purchases, i64::MAX);
        // Summed exactly in 128 bits: 2 × MAX − |MIN| = MAX − 1, within range.
        assert_eq!(eur.refunds, i64::MAX, "|MIN| saturates");
        assert_eq!(eur.net, i64::MAX - 1);
        assert_eq!(view.value.orders.open, 1);
        assert_eq!(
            view.history.undated, 2,
            "the undated order and holding start"
        );
    }

    let view = Customer360::build(&profile, &[&odd], &ViewContext::new(now()));
    // A blank case ID is no case; the long topic is cut in texts.
    assert!(view.current.open_cases.is_empty());
    assert!(view
        .flags
        .flags
        .iter()
        .flat_map(|f| f.evidence.iter())
        .all(|e| e.chars().count() < 300));
    // The blank-topic error at the dawn of time is unresolved, with no case or topic.
    assert!(view
        .flags
        .with_code(Flag::UNRESOLVED_ERROR)
        .any(|f| f.message.contains("no case or topic")));
}

/// `n` profiles that all give `address` (and each their own family name).
fn profiles_at(address: &str, n: usize) -> Vec<Profile> {
    (0..n)
        .map(|i| {
            let mut fields = BTreeMap::new();
            fields.insert(
                FieldPath::ADDRESS,
                field(vec![value(address, None, &[("crm", "x")])]),
            );
            fields.insert(
                FieldPath::NAME_FAMILY,
                field(vec![value(&format!("Family{i}"), None, &[("crm", "x")])]),
            );
            Profile {
                id: CustomerId(format!("P{i:02}")),
                records: vec![],
                fields,
            }
        })
        .collect()
}

#[test]
fn shared_address_and_family_name_is_a_household() {
    let profiles = [john_profile(), jane_profile()];
    let index = RelationshipIndex::build(&profiles);
    let of_jane = index.related(&profiles[1]);
    assert_eq!(of_jane.len(), 1);
    assert_eq!(of_jane[0].other, CustomerId("C-john".into()));
    assert_eq!(of_jane[0].kind, RelationshipKind::Household);
    // Never the profile itself, even when it is alone in the index.
    assert!(RelationshipIndex::build(&profiles[..1])
        .related(&profiles[0])
        .is_empty());
}

#[test]
fn a_value_shared_by_more_than_twenty_profiles_is_no_evidence() {
    let mut profiles = profiles_at("1 Placeholder Road", 21);
    profiles.extend(profiles_at("5 Quiet Lane", 2).into_iter().map(|mut p| {
        p.id.0.push_str("-quiet");
        p
    }));
    let index = RelationshipIndex::build(&profiles);
    assert_eq!(index.max_shared(), 20);
    assert!(index.related(&profiles[0]).is_empty());
    // Two profiles sharing an address (but not a family name) are related.
    let quiet = index.related(&profiles[21]);
    assert_eq!(quiet.len(), 1);
    assert_eq!(quiet[0].kind, RelationshipKind::SharedAddress);
    assert_eq!(quiet[0].other, CustomerId("P01-quiet".into()));

    // Twenty sharing is still evidence; so is twenty-one with a higher limit.
    let twenty = profiles_at("1 Placeholder Road", 20);
    let related = RelationshipIndex::build(&twenty).related(&twenty[0]);
    assert_eq!(related.len(), 19);
    assert!(related.windows(2).all(|w| w[0].other < w[1].other));
    assert_eq!(
        RelationshipIndex::build_with_limit(&profiles[..21], 21)
            .related(&profiles[0])
            .len(),
        20
    );
}

#[test]
fn placeholder_values_and_mobiles_are_not_indexed() {
    let mut a = jane_profile();
    let mut b = jane_profile();
    b.id = CustomerId("C-other".into());
    for p in [&mut a, &mut b] {
        p.fields.clear();
        p.fields.insert(
            FieldPath::EMAIL,
            field(vec![value("test@test.com", None, &[("crm", "1")])]),
        );
        p.fields.insert(
            FieldPath::ADDRESS,
            field(vec![value("N/A", None, &[("crm", "1")])]),
        );
        p.fields.insert(
            FieldPath::PHONE,
            field(vec![
                value("+15551112222", Some("mobile"), &[("crm", "1")]),
                value("0000000000", Some("landline"), &[("crm", "1")]),
            ]),
        );
    }
    let index = RelationshipIndex::build(&[a.clone(), b]);
    assert!(index.related(&a).is_empty());
}

/// A host flag provider: fraud risk from a host list.
struct FraudList(Vec<CustomerId>);

impl FlagProvider for FraudList {
    fn flags(&self, view: &Customer360, input: &ViewInput<'_>) -> Vec<Flag> {
        // The provider sees the descriptive sections and the records in canonical order.
        assert_eq!(input.records.len(), 5);
        assert!(input
            .records
            .windows(2)
            .all(|w| (&w[0].source, &w[0].key) <= (&w[1].source, &w[1].key)));
        assert!(view.insights.nps.is_some());
        if self.0.contains(&view.customer_id) {
            vec![
                Flag::new("fraud_risk", Severity::Critical, "on the fraud list")
                    .with_evidence("case F-12"),
            ]
        } else {
            vec![]
        }
    }
}

/// A host next-best-action model: the defaults, then a loyalty upgrade for gold customers.
struct GoldUpgrade;

impl NextBestAction for GoldUpgrade {
    fn actions(&self, view: &Customer360, input: &ViewInput<'_>) -> Vec<Action> {
        let mut actions = DefaultNextBestAction.actions(view, input);
        let gold = view
            .identity
            .attributes
            .get("tier")
            .is_some_and(|v| v.iter().any(|v| v.value == "gold"));
        if gold && view.outlook.churn.level == RiskLevel::High {
            actions.insert(
                0,
                Action::new("gold_callback", "Call back from the gold desk", 200)
                    .with_reason("gold tier at high churn risk"),
            );
        }
        actions
    }
}

#[test]
fn host_flags_and_actions_show_up_in_the_view() {
    let context = ViewContext::new(now())
        .flag_provider(FraudList(vec![CustomerId("C-john".into())]))
        .next_best_action(GoldUpgrade);
    let view = build(&john_records(), &context);
    let fraud = &view.flags.flags[1];
    assert_eq!(fraud.code, "fraud_risk");
    assert_eq!(fraud.origin, FlagOrigin::Host);
    assert_eq!(fraud.evidence, ["case F-12"]);
    // Critical flags first, computed before host.
    assert_eq!(view.flags.flags[0].code, Flag::UNRESOLVED_ERROR);
    assert_eq!(view.flags.flags.len(), 5);

    let codes: Vec<&str> = view
        .outlook
        .next_actions
        .iter()
        .map(|a| a.code.as_str())
        .collect();
    assert_eq!(
        codes,
        [
            "gold_callback",
            Action::RESOLVE_ERROR,
            Action::RETENTION,
            Action::CHECK_ORDER,
            Action::ASK_FEEDBACK
        ]
    );

    // Someone else is not on the list.
    let mut other = john_profile();
    other.id = CustomerId("C-else".into());
    let records = john_records();
    let refs: Vec<&SourceRecord> = records.iter().collect();
    let view = Customer360::build(&other, &refs, &context);
    assert!(!view.flags.has("fraud_risk"));
}

#[test]
fn lapsed_and_churned_customers() {
    let mut old = SourceRecord::new("webshop", "9");
    old.facts.orders = vec![
        Order {
            id: "o".into(),
            placed_at: Some(at(2024, 1, 1, 0, 0)),
            status: OrderStatus::Fulfilled,
            ..Order::default()
        },
        Order {
            id: "x".into(),
            placed_at: Some(at(2026, 3, 1, 0, 0)),
            status: OrderStatus::Cancelled,
            ..Order::default()
        },
    ];
    let profile = Profile {
        id: CustomerId("C-old".into()),
        records: vec![],
        fields: BTreeMap::new(),
    };
    let view = Customer360::build(&profile, &[&old], &ViewContext::new(now()));
    assert_eq!(view.value.purchases, 1);
    assert_eq!(view.journey.stage, JourneyStage::Lapsed);
    assert_eq!(view.journey.since, Some(at(2024, 12, 31, 0, 0)));
    assert_eq!(view.outlook.churn.score, 0.4);
    let codes: Vec<&str> = view
        .outlook
        .next_actions
        .iter()
        .map(|a| a.code.as_str())
        .collect();
    assert_eq!(codes, [Action::WIN_BACK]);

    // Every holding ended: churned, whatever the orders say.
    old.facts.holdings.push(Holding {
        product_id: "tv".into(),
        status: HoldingStatus::Active,
        until: Some(at(2026, 1, 31, 0, 0)),
        ..Holding::default()
    });
    let view = Customer360::build(&profile, &[&old], &ViewContext::new(now()));
    assert_eq!(view.journey.stage, JourneyStage::Churned);
    assert_eq!(view.journey.since, Some(at(2026, 1, 31, 0, 0)));
    assert_eq!(view.outlook.churn.score, 1.0);

    // A suspended holding has not ended: not churned.
    old.facts.holdings[0].until = None;
    old.facts.holdings[0].status = HoldingStatus::Suspended;
    let view = Customer360::build(&profile, &[&old], &ViewContext::new(now()));
    assert_eq!(view.journey.stage, JourneyStage::Lapsed);
}

#[test]
fn an_ending_holding_and_a_standalone_error_are_contact_reasons() {
    let mut record = SourceRecord::new("crm", "5");
    record.facts.holdings.push(Holding {
        product_id: "ins-1".into(),
        name: Some("Home insurance".into()),
        status: HoldingStatus::Active,
        since: Some(at(2025, 3, 20, 0, 0)),
        until: Some(at(2026, 3, 20, 0, 0)),
        ..Holding::default()
    });
    record = record
        .interaction(interaction(
            "e-1",
            at(2026, 3, 2, 8, 0),
            Channel::Web,
            Some("Payment"),
            Some(Outcome::Error),
        ))
        // An error later resolved on the same topic is no reason.
        .interaction(interaction(
            "e-2",
            at(2026, 2, 1, 8, 0),
            Channel::Web,
            Some("login"),
            Some(Outcome::Error),
        ))
        .interaction(interaction(
            "e-3",
            at(2026, 2, 2, 8, 0),
            Channel::Chat,
            Some("LOGIN"),
            Some(Outcome::Resolved),
        ));
    let profile = Profile {
        id: CustomerId("C-5".into()),
        records: vec![],
        fields: BTreeMap::new(),
    };
    let view = Customer360::build(&profile, &[&record], &ViewContext::new(now()));
    let reasons: Vec<(ReasonKind, u32, &str)> = view
        .current
        .likely_reasons
        .iter()
        .map(|r| (r.kind, r.score, r.summary.as_str()))
        .collect();
    assert_eq!(
        reasons,
        [
            (
                ReasonKind::RecentError,
                35,
                "unresolved error about \"Payment\""
            ),
            (
                ReasonKind::HoldingEnding,
                15,
                "\"Home insurance\" ends soon"
            ),
        ]
    );
    assert_eq!(view.flags.with_code(Flag::UNRESOLVED_ERROR).count(), 1);
    assert_eq!(view.journey.stage, JourneyStage::FirstPurchase);
    assert_eq!(view.insights.preferred_channel, Some(Channel::Web));
}

mod arbitrary {
    //! Arbitrary records and settings: building never panics, the view round-trips through
    //! JSON, and record order does not matter.

    use super::*;
    use proptest::collection::vec;
    use proptest::option;
    use proptest::prelude::*;

    fn time() -> impl Strategy<Value = DateTime<Utc>> {
        prop_oneof![
            1 => Just(DateTime::<Utc>::MIN_UTC),
            1 => Just(DateTime::<Utc>::MAX_UTC),
            8 => (1_700_000_000i64..1_800_000_000)
                .prop_map(|s| DateTime::from_timestamp(s, 0).unwrap_or_default()),
        ]
    }

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("billing".to_owned()),
            Just(" Billing!".to_owned()),
            Just(String::new()),
            ".{0,12}",
        ]
    }

    fn interaction() -> impl Strategy<Value = Interaction> {
        (
            (".{0,6}", time(), 0usize..9, any::<bool>()),
            (
                option::of(text()),
                option::of(0usize..6),
                option::of(text()),
            ),
            (
                option::of(text()),
                option::of(-1.0f32..=1.0),
                option::of(0usize..7),
            ),
            (option::of(0u8..=10), option::of(1u8..=5)),
        )
            .prop_map(
                |((id, at, channel, outbound), (topic, outcome, case), soft, fb)| {
                    let channels = [
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
                    let mut i = Interaction::new(id, at, channels[channel]);
                    if outbound {
                        i.direction = Direction::Outbound;
                    }
                    i.topic = topic;
                    i.outcome = outcome.map(|o| match o {
                        0 => Outcome::Resolved,
                        1 => Outcome::Unresolved,
                        2 => Outcome::Escalated,
                        3 => Outcome::Pending,
                        4 => Outcome::Error,
                        _ => Outcome::Other("x".into()),
                    });
                    i.case_id = case;
                    let (campaign, sentiment, mood) = soft;
                    i.campaign = campaign;
                    i.soft.sentiment = sentiment.and_then(|s| Sentiment::from_score(s).ok());
                    i.soft.mood = mood.map(|m| match m {
                        0 => Mood::Happy,
                        1 => Mood::Satisfied,
                        2 => Mood::Neutral,
                        3 => Mood::Confused,
                        4 => Mood::Frustrated,
                        5 => Mood::Angry,
                        _ => Mood::Other("meh".into()),
                    });
                    let (nps, csat) = fb;
                    if nps.is_some() || csat.is_some() {
                        i.soft.feedback = Some(Feedback {
                            nps: nps.and_then(|n| Nps::new(n).ok()),
                            csat: csat.and_then(|c| Csat::new(c).ok()),
                            comment: None,
                        });
                    }
                    i
                },
            )
    }

    fn money() -> impl Strategy<Value = Money> {
        (
            any::<i64>(),
            prop_oneof![Just("EUR"), Just(" eur"), Just(""), Just("☃")],
        )
            .prop_map(|(m, c)| Money::new(m, c))
    }

    fn record() -> impl Strategy<Value = SourceRecord> {
        let order = (".{0,4}", option::of(time()), 0usize..5, option::of(money())).prop_map(
            |(id, placed_at, status, total)| Order {
                id,
                placed_at,
                status: match status {
                    0 => OrderStatus::Open,
                    1 => OrderStatus::Fulfilled,
                    2 => OrderStatus::Cancelled,
                    3 => OrderStatus::Returned,
                    _ => OrderStatus::Other("held".into()),
                },
                total,
                lines: vec![],
            },
        );
        let tx = (".{0,4}", time(), 0usize..5, money()).prop_map(|(id, at, kind, amount)| {
            let kind = match kind {
                0 => TransactionKind::Purchase,
                1 => TransactionKind::Refund,
                2 => TransactionKind::Payment,
                3 => TransactionKind::Fee,
                _ => TransactionKind::Other("adj".into()),
            };
            transaction(&id, at, kind, amount)
        });
        let holding = (".{0,4}", 0usize..4, option::of(time()), option::of(time())).prop_map(
            |(product_id, status, since, until)| Holding {
                product_id,
                status: match status {
                    0 => HoldingStatus::Active,
                    1 => HoldingStatus::Suspended,
                    2 => HoldingStatus::Ended,
                    _ => HoldingStatus::Other("x".into()),
                },
                since,
                until,
                ..Holding::default()
            },
        );
        (
            prop_oneof![Just("crm"), Just("shop"), Just("")],
            prop_oneof![Just("1".to_owned()), Just("2".to_owned()), ".{0,3}"],
            option::of(time()),
            vec(interaction(), 0..8),
            (vec(order, 0..3), vec(tx, 0..4), vec(holding, 0..3)),
            vec((option::of(time()), ".{0,6}"), 0..2),
        )
            .prop_map(|(source, key, observed, interactions, facts, notes)| {
                let mut r = SourceRecord::new(source, key);
                r.observed_at = observed;
                r.interactions = interactions;
                (r.facts.orders, r.facts.transactions, r.facts.holdings) = facts;
                r.notes = notes
                    .into_iter()
                    .map(|(at, text)| Note {
                        at,
                        author: None,
                        text,
                    })
                    .collect();
                r
            })
    }

    fn profile(id: &str, strings: &[String]) -> Profile {
        let pick = |i: usize| strings.get(i).cloned().unwrap_or_default();
        let mut fields = BTreeMap::new();
        for (i, path) in [
            FieldPath::NAME_FAMILY,
            FieldPath::ADDRESS,
            FieldPath::EMAIL,
            FieldPath::PHONE,
            FieldPath::identifier(&IdentifierKind::Loyalty),
        ]
        .into_iter()
        .enumerate()
        {
            fields.insert(
                path,
                field(vec![value(&pick(i), Some("landline"), &[("crm", id)])]),
            );
        }
        Profile {
            id: CustomerId(id.into()),
            records: vec![],
            fields,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(support::cases(96)))]

        #[test]
        fn any_input_builds_a_stable_view(
            records in vec(record(), 0..5),
            now in time(),
            windows in vec(prop_oneof![Just(0u32), Just(u32::MAX), 0u32..400], 7),
            strings in vec(text(), 5),
            other in vec(text(), 5),
        ) {
            let settings = ViewSettings {
                repeat_contact_window_days: windows[0],
                repeat_contact_threshold: windows[1],
                recent_days: windows[2],
                lapsed_after_days: windows[3],
                order_overdue_days: windows[4],
                holding_ending_days: windows[5],
                engagement_top: windows[6],
            };
            let profiles = [profile("A", &strings), profile("B", &other)];
            let index = RelationshipIndex::build(&profiles);
            let context = ViewContext::new(now)
                .settings(settings)
                .relationships(&index)
                .offer_selector(DefaultOfferSelector);

            let refs: Vec<&SourceRecord> = records.iter().collect();
            let view = Customer360::build(&profiles[0], &refs, &context);

            let json = serde_json::to_string(&view).unwrap();
            let back: Customer360 = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(&back, &view);

            let reversed: Vec<&SourceRecord> = records.iter().rev().collect();
            let again = Customer360::build(&profiles[0], &reversed, &context);
            prop_assert_eq!(&again, &view);
            let mut rotated = refs.clone();
            let by = 1.min(rotated.len());
            rotated.rotate_left(by);
            prop_assert_eq!(&Customer360::build(&profiles[0], &rotated, &context), &view);

            prop_assert!(view.outlook.churn.score >= 0.0 && view.outlook.churn.score <= 1.0);
            prop_assert!(view.relationships.related.iter().all(|r| r.other != view.customer_id));

            // History loses nothing: every item of every record is on the timeline (up to
            // "now"), upcoming (after it) or counted undated, each list in time order; an
            // item two systems logged is there twice.
            let history = &view.history;
            let items: usize = records
                .iter()
                .map(|r| {
                    let holdings: usize = r
                        .facts
                        .holdings
                        .iter()
                        .map(|h| 1 + usize::from(h.until.is_some()))
                        .sum();
                    r.interactions.len()
                        + r.facts.orders.len()
                        + r.facts.transactions.len()
                        + holdings
                        + r.notes.len()
                })
                .sum();
            prop_assert_eq!(
                history.timeline.len() + history.upcoming.len() + history.undated,
                items
            );
            prop_assert!(history.timeline.iter().all(|e| e.at <= now));
            prop_assert!(history.upcoming.iter().all(|e| e.at > now));
            for list in [&history.timeline, &history.upcoming] {
                prop_assert!(list.windows(2).all(|w| w[0].at <= w[1].at));
            }
        }
    }
}
