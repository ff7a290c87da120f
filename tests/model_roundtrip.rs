//! Every model type survives a JSON round trip, and validated types refuse bad values.

use std::collections::BTreeMap;

use chrono::{TimeZone, Utc};
use customer360::{
    AddressKind, Channel, ContactUse, Csat, Direction, Email, Facts, Feedback, FieldPath, Holding,
    HoldingStatus, Identifier, IdentifierKind, Identity, Interaction, Money, Mood, Note, Nps,
    Order, OrderLine, OrderStatus, Outcome, PersonName, Phone, PhoneKind, PostalAddress, RecordKey,
    Sentiment, SentimentLabel, SoftData, SourceRecord, SourceSystem, Transaction, TransactionKind,
};

fn t(day: u32, hour: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 2, day, hour, 15, 0).unwrap()
}

/// A record with every field and every variant kind that has data populated.
fn fully_populated() -> SourceRecord {
    SourceRecord {
        source: SourceSystem::from("call_centre"),
        key: RecordKey::from("C-1042"),
        observed_at: Some(t(1, 9)),
        identity: Identity {
            names: vec![
                PersonName {
                    full: Some("Dr. John A. Smith Jr.".into()),
                    prefix: Some("Dr.".into()),
                    given: Some("John".into()),
                    middle: Some("A.".into()),
                    family: Some("Smith".into()),
                    suffix: Some("Jr.".into()),
                },
                PersonName::full("محمد رضایی"),
            ],
            emails: vec![
                Email::new("john.smith@example.org"),
                Email {
                    address: "smith.family@example.org".into(),
                    usage: ContactUse::Shared,
                },
            ],
            phones: vec![
                Phone {
                    number: "(555) 123-4567".into(),
                    kind: PhoneKind::Mobile,
                    region: Some("US".into()),
                },
                Phone {
                    number: "۰۲۱ ۱۲۳۴ ۵۶۷۸".into(),
                    kind: PhoneKind::Landline,
                    region: Some("IR".into()),
                },
            ],
            addresses: vec![PostalAddress {
                lines: vec!["12 Main Street".into(), "Apt 3B".into()],
                locality: Some("Springfield".into()),
                region: Some("IL".into()),
                postcode: Some("62701".into()),
                country: Some("US".into()),
                kind: AddressKind::Home,
            }],
            birth_date: Some("1985-04-12".into()),
            gender: Some("M".into()),
            identifiers: vec![
                Identifier::new(IdentifierKind::NationalId, "0499370899").with_issuer("IR"),
                Identifier::new(IdentifierKind::Loyalty, "LY-0001"),
                Identifier::new(IdentifierKind::Other("gym_badge".into()), "G-7"),
            ],
        },
        facts: Facts {
            orders: vec![Order {
                id: "O-1".into(),
                placed_at: Some(t(2, 10)),
                status: OrderStatus::Other("awaiting_stock".into()),
                total: Some(Money::new(4_999, "USD")),
                lines: vec![OrderLine {
                    product_id: "SKU-9".into(),
                    description: Some("Kettle".into()),
                    quantity: 1,
                    amount: Some(Money::new(4_999, "USD")),
                }],
            }],
            transactions: vec![Transaction {
                id: "T-1".into(),
                at: t(2, 10),
                kind: TransactionKind::Refund,
                amount: Money::new(-1_000, "USD"),
                description: Some("partial refund".into()),
            }],
            holdings: vec![Holding {
                product_id: "BB-100".into(),
                name: Some("Broadband 100".into()),
                category: Some("broadband".into()),
                status: HoldingStatus::Active,
                since: Some(t(3, 0)),
                until: None,
            }],
        },
        interactions: vec![Interaction {
            id: "call-7".into(),
            at: t(4, 11),
            channel: Channel::Call,
            direction: Direction::Inbound,
            topic: Some("delivery delay".into()),
            outcome: Some(Outcome::Escalated),
            case_id: Some("CASE-3".into()),
            campaign: None,
            agent: Some("agent-12".into()),
            soft: SoftData {
                sentiment: Some(Sentiment::new(-0.75, SentimentLabel::Negative).unwrap()),
                mood: Some(Mood::Frustrated),
                feedback: Some(Feedback {
                    nps: Some(Nps::new(3).unwrap()),
                    csat: Some(Csat::new(2).unwrap()),
                    comment: Some("Third call about this.".into()),
                }),
                notes: vec![Note {
                    at: Some(t(4, 11)),
                    author: Some("agent-12".into()),
                    text: "Promised a call back.".into(),
                }],
            },
        }],
        notes: vec![Note {
            at: None,
            author: None,
            text: "Prefers e-mail.".into(),
        }],
        custom: BTreeMap::from([("tier".to_owned(), "gold".to_owned())]),
    }
}

#[test]
fn fully_populated_record_round_trips_through_json() {
    let record = fully_populated();
    let json = serde_json::to_string_pretty(&record).unwrap();
    let back: SourceRecord = serde_json::from_str(&json).unwrap();
    assert_eq!(back, record);
    // Serialised names are the stable, documented ones.
    assert!(json.contains("\"national_id\""));
    assert!(json.contains("\"gym_badge\""));
    assert!(json.contains("\"escalated\""));
    assert!(json.contains("\"use\": \"shared\""));
}

#[test]
fn minimal_json_fills_defaults() {
    let back: SourceRecord = serde_json::from_str(
        r#"{"source":"crm","key":"1","identity":{"emails":[{"address":"a@b.org"}]}}"#,
    )
    .unwrap();
    assert_eq!(back.identity.emails[0].usage, ContactUse::Unspecified);
    assert!(back.interactions.is_empty());
}

#[test]
fn validated_types_refuse_bad_values_on_deserialisation() {
    assert!(serde_json::from_str::<Nps>("11").is_err());
    assert!(serde_json::from_str::<Csat>("0").is_err());
    assert!(serde_json::from_str::<Sentiment>(r#"{"score":2.0,"label":"positive"}"#).is_err());
    assert!(serde_json::from_str::<FieldPath>(r#""identity.nope""#).is_err());
    let err = Nps::new(12).unwrap_err().to_string();
    assert!(err.contains("0 to 10"), "{err}");
}

#[test]
fn present_fields_lists_what_the_record_holds() {
    let paths = fully_populated().present_fields();
    for expected in [
        FieldPath::NAME_GIVEN,
        FieldPath::NAME_FULL,
        FieldPath::EMAIL,
        FieldPath::PHONE,
        FieldPath::ADDRESS,
        FieldPath::BIRTH_DATE,
        FieldPath::GENDER,
        FieldPath::identifier(&IdentifierKind::NationalId),
        FieldPath::ORDERS,
        FieldPath::TRANSACTIONS,
        FieldPath::HOLDINGS,
        FieldPath::INTERACTIONS,
        FieldPath::SENTIMENT,
        FieldPath::MOOD,
        FieldPath::FEEDBACK,
        FieldPath::INTERACTION_NOTES,
        FieldPath::NOTES,
        FieldPath::custom("tier").unwrap(),
    ] {
        assert!(paths.contains(&expected), "missing {expected}");
    }
    assert!(paths.windows(2).all(|w| w[0] < w[1]), "sorted and unique");
    assert!(SourceRecord::new("crm", "1").present_fields().is_empty());
}
