//! Behaviour of batch resolution that the data tests do not pin one by one.

use customer360::normalize::{RecordNormalizer, Region};
use customer360::{
    ConfigError, Identifier, IdentifierKind, LinkMode, MatchModel, PersonName, Phone, PhoneKind,
    Refusal, Resolver, SourceRecord,
};

fn person(source: &str, key: &str, given: &str, family: &str, dob: &str) -> SourceRecord {
    SourceRecord::new(source, key)
        .name(PersonName::from_parts(given, family))
        .birth_date(dob)
}

fn resolver() -> Resolver {
    Resolver::builder()
        .normalizer(
            RecordNormalizer::builder()
                .default_region("US".parse::<Region>().unwrap())
                .build(),
        )
        .build()
        .unwrap()
}

#[test]
fn a_hub_record_does_not_chain_two_people_together() {
    // The hub carries no given name: it shares Alice's mobile and the family e-mail that
    // Carol also uses. Alice and Carol must stay apart.
    let alice = person("crm", "alice", "Alice", "Brown", "1990-01-01")
        .phone("(555) 201-3344")
        .email("alice.brown@mail-example.com");
    let alice2 = person("shop", "alice2", "Alice", "Brown", "1990-01-01")
        .email("alice.brown@mail-example.com");
    let carol = person("crm", "carol", "Carol", "Brown", "1962-05-05")
        .email("brownfamily@mail-example.com");
    let hub = SourceRecord::new("support", "hub")
        .name(PersonName {
            family: Some("Brown".into()),
            ..PersonName::default()
        })
        .phone("555 201 3344")
        .email("brownfamily@mail-example.com");
    let records = vec![alice, alice2, carol, hub];
    let r = resolver().resolve(&records).unwrap();
    let [a, a2, c, h] = [0, 1, 2, 3].map(|i| records[i].reference());
    assert!(r.same_customer(&a, &a2));
    assert!(
        !r.same_customer(&a, &c),
        "Alice and Carol were chained together"
    );
    assert!(r.same_customer(&h, &a) || r.same_customer(&h, &c));
    assert!(
        !r.refused_links().is_empty(),
        "the refused bridge is recorded"
    );
}

#[test]
fn different_verified_national_ids_are_never_merged() {
    let a = person("crm", "1", "Reza", "Ahmadi", "1980-03-03")
        .identifier(Identifier::new(IdentifierKind::NationalId, "0499370899").with_issuer("IR"))
        .phone("0912 111 2233");
    let b = person("shop", "2", "Reza", "Ahmadi", "1980-03-03")
        .identifier(Identifier::new(IdentifierKind::NationalId, "0084575948").with_issuer("IR"))
        .phone("0912 111 2233");
    let records = vec![a.clone(), b.clone()];
    let normalizer = RecordNormalizer::builder()
        .default_region("IR".parse::<Region>().unwrap())
        .build();
    let r = Resolver::builder()
        .normalizer(normalizer)
        .build()
        .unwrap()
        .resolve(&records)
        .unwrap();
    assert!(!r.same_customer(&a.reference(), &b.reference()));
    let refused = r.refused_links();
    assert!(matches!(
        refused.first().and_then(|l| l.refusal.as_ref()),
        Some(Refusal::ExclusiveIdentifierConflict { .. })
    ));
}

#[test]
fn father_and_son_sharing_a_landline_are_kept_apart() {
    let landline = |r: SourceRecord| {
        let mut r = r;
        r.identity.phones.push(Phone {
            number: "(555) 300-4000".into(),
            kind: PhoneKind::Landline,
            region: None,
        });
        r
    };
    let father = landline(person("crm", "f", "Robert", "Smith", "1958-09-30"));
    let son = landline(
        SourceRecord::new("pos", "s")
            .name(PersonName::full("Robert Smith Jr."))
            .birth_date("1987-06-15"),
    );
    let records = vec![father, son];
    let r = resolver().resolve(&records).unwrap();
    assert!(!r.same_customer(&records[0].reference(), &records[1].reference()));
}

#[test]
fn a_saved_model_reloads_and_gives_the_same_customers() {
    let records = vec![
        person("crm", "1", "John", "Smith", "1985-04-12").email("john.smith@mail-example.com"),
        person("shop", "2", "Jonh", "Smith", "1985-04-12").email("JOHN.SMITH@mail-example.com"),
        person("crm", "3", "Maria", "Garcia", "1979-03-03"),
    ];
    let first = resolver().resolve(&records).unwrap();
    let json = first.model().to_json();
    let model = MatchModel::from_json(&json).unwrap();
    assert_eq!(&model, first.model());
    let second = Resolver::builder()
        .model(model)
        .build()
        .unwrap()
        .resolve(&records)
        .unwrap();
    assert!(
        second.training().is_none(),
        "a given model is not retrained"
    );
    let ids = |r: &customer360::Resolution| {
        r.assignments()
            .map(|(a, b)| (a.clone(), b.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&first), ids(&second));
}

#[test]
fn link_mode_never_pairs_records_of_one_source() {
    let records = vec![
        person("crm", "1", "John", "Smith", "1985-04-12").email("john.smith@mail-example.com"),
        person("crm", "2", "John", "Smith", "1985-04-12").email("john.smith@mail-example.com"),
    ];
    let link = Resolver::builder().mode(LinkMode::Link).build().unwrap();
    let r = link.resolve(&records).unwrap();
    assert!(!r.same_customer(&records[0].reference(), &records[1].reference()));
    let dedupe = Resolver::builder()
        .mode(LinkMode::Deduplicate)
        .build()
        .unwrap();
    let r = dedupe.resolve(&records).unwrap();
    assert!(r.same_customer(&records[0].reference(), &records[1].reference()));
}

#[test]
fn explanations_add_up_and_name_the_links() {
    let records = vec![
        person("crm", "1", "Elizabeth", "Taylor", "1990-07-01")
            .email("liz.taylor@mail-example.com"),
        person("support", "2", "Liz", "Tayler", "07/01/1990").email("liz.taylor@mail-example.com"),
    ];
    let r = resolver().resolve(&records).unwrap();
    let (a, b) = (records[0].reference(), records[1].reference());
    let why = r.explain_pair(&a, &b).unwrap();
    let sum: f64 = why.prior_weight
        + why
            .steps
            .iter()
            .map(|s| s.weight + s.term_frequency_adjustment)
            .sum::<f64>();
    assert!((sum - why.weight).abs() < 1e-9, "the waterfall adds up");
    let given = why
        .steps
        .iter()
        .find(|s| s.comparison == "given_name")
        .unwrap();
    assert_eq!(
        given.level.as_deref(),
        Some("equivalent"),
        "Liz is Elizabeth"
    );
    let printed = why.to_string();
    assert!(printed.contains("given_name") && printed.contains("match probability"));
    let customer = r.customer_id(&a).unwrap().clone();
    let cluster = r.explain_customer(&customer).unwrap();
    assert_eq!(cluster.records.len(), 2);
    assert_eq!(cluster.links.len(), 1);
    assert!(serde_json::to_string(&cluster)
        .unwrap()
        .contains("\"links\""));
}

#[test]
fn configuration_is_checked_at_build() {
    assert!(matches!(
        Resolver::builder().threshold(1.5).build(),
        Err(ConfigError::Threshold(_))
    ));
    assert!(matches!(
        Resolver::builder().blocking_rules([]).build(),
        Err(ConfigError::NoBlockingRules)
    ));
    let mut bad = MatchModel::default();
    bad.parameters.comparisons.pop();
    assert!(Resolver::builder().model(bad).build().is_err());
}

#[test]
fn empty_and_single_inputs_resolve() {
    let r = resolver().resolve(&[]).unwrap();
    assert_eq!(r.customer_count(), 0);
    let one = vec![person("crm", "1", "Ann", "Lee", "1970-01-02")];
    assert_eq!(resolver().resolve(&one).unwrap().customer_count(), 1);
}

#[test]
fn a_stewards_split_survives_the_next_run() {
    let records = vec![
        person("crm", "1", "John", "Smith", "1985-04-12").email("john.smith@mail-example.com"),
        person("shop", "2", "John", "Smith", "1985-04-12").email("john.smith@mail-example.com"),
    ];
    let (a, b) = (records[0].reference(), records[1].reference());
    assert!(resolver().resolve(&records).unwrap().same_customer(&a, &b));
    let split = Resolver::builder()
        .cannot_link([(a.clone(), b.clone())])
        .build()
        .unwrap()
        .resolve(&records)
        .unwrap();
    assert!(!split.same_customer(&a, &b));
    assert!(matches!(
        split
            .refused_links()
            .first()
            .and_then(|l| l.refusal.clone()),
        Some(Refusal::CannotLink)
    ));
}

/// Records every stage as it is reported.
#[derive(Default)]
struct Stages(Vec<customer360::Stage>);

impl customer360::StageObserver for Stages {
    fn stage_started(&mut self, stage: customer360::Stage) {
        self.0.push(stage);
    }
}

#[test]
fn stages_are_reported_once_each_in_order() {
    use customer360::Stage;
    let records: Vec<SourceRecord> = (0..40)
        .map(|i| {
            person(
                if i % 2 == 0 { "crm" } else { "shop" },
                &i.to_string(),
                ["John", "Jonh", "Mary", "Ann"][i % 4],
                "Smith",
                "1980-04-12",
            )
        })
        .collect();
    let mut trained = Stages::default();
    let with = resolver()
        .resolve_iter_observed(records.clone(), &mut trained)
        .unwrap();
    assert_eq!(
        trained.0,
        [
            Stage::Normalise,
            Stage::Order,
            Stage::Block,
            Stage::SampleRandomPairs,
            Stage::Compare,
            Stage::Train,
            Stage::Cluster,
            Stage::AssignIds,
            Stage::Done
        ]
    );
    // Observing changes nothing.
    let without = resolver().resolve_iter(records.clone()).unwrap();
    assert_eq!(with.customers(), without.customers());

    let mut fixed = Stages::default();
    Resolver::builder()
        .model(with.model().clone())
        .build()
        .unwrap()
        .resolve_iter_observed(records, &mut fixed)
        .unwrap();
    assert!(!fixed.0.contains(&Stage::Train));
    assert!(!fixed.0.contains(&Stage::SampleRandomPairs));
    assert_eq!(fixed.0.last(), Some(&Stage::Done));
}
