//! Governance, as issue 5 asks it to be shown: denied and masked values appear nowhere in a
//! serialised governed view; after erasure no serialised state holds the erased values;
//! consent merges (with a conflict and an expired grant); strict catalogue mode names the
//! undeclared field. Plus catalogue and policy files, retention, audit and subject access.

use chrono::{DateTime, TimeZone, Utc};
use customer360::govern::{
    purge_expired, subject_access, AccessPolicy, AccessRequest, AccessTarget, AuditEvent,
    AuditKind, AuditSink, BatchState, Catalogue, CatalogueError, CatalogueMode, ConsentLedger,
    ConsentPurpose, ConsentReason, ConsentRecord, ConsentState, Decision, DenyAll, Erasable,
    FieldDefinition, FixedClock, Governor, HostKey, JsonLinesAuditSink, MaskStyle, MemoryAuditSink,
    Requester, Sensitivity, SuppressionKind, SuppressionList, SuppressionPolicy, TablePolicy,
    ValueType,
};
use customer360::normalize::EmailNormalizer;
use customer360::profile::ProfileBuilder;
use customer360::view::{Customer360, ViewContext};
use customer360::{
    Channel, CustomerId, FieldPath, Identifier, IdentifierKind, Interaction, Money, Note, Order,
    PersonName, PostalAddress, RecordRef, Resolver, SourceRecord,
};

fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).unwrap()
}

fn now() -> DateTime<Utc> {
    at(2026, 3, 10)
}

fn key() -> HostKey {
    HostKey::new(b"test host key, not for production".to_vec()).unwrap()
}

fn address(line: &str, locality: &str, postcode: &str) -> PostalAddress {
    PostalAddress {
        lines: vec![line.into()],
        locality: Some(locality.into()),
        postcode: Some(postcode.into()),
        country: Some("GB".into()),
        ..PostalAddress::default()
    }
}

/// Zorabel's two records (one person in two systems) and Bob's one.
fn records() -> Vec<SourceRecord> {
    let mut call = Interaction::new("call-zq-1", at(2026, 3, 9), Channel::Call);
    call.topic = Some("billing".into());
    call.case_id = Some("K-77".into());
    let mut crm = SourceRecord::new("crm", "zq-crm-4417")
        .observed_at(at(2026, 1, 5))
        .name(PersonName::from_parts("Zorabel", "Quintavox"))
        .email("Zorabel.Quintavox+news@Mailbox-Zeta.com")
        .phone("+44 7700 900321")
        .address(address("17 Quillfeather Lane", "Brackmoor", "BK4 7QZ"))
        .birth_date("1984-07-19")
        .gender("female")
        .identifier(Identifier::new(IdentifierKind::Passport, "P99001234"))
        .custom("loyalty_tier", "platinum")
        .interaction(call);
    crm.notes.push(Note {
        at: Some(at(2026, 3, 9)),
        author: Some("agent-7".into()),
        text: "prefers letters".into(),
    });
    let mut shop = SourceRecord::new("webshop", "zq-shop-0091")
        .observed_at(at(2026, 2, 1))
        .name(PersonName::from_parts("Zorabel", "Quintavox"))
        .email("zorabel.quintavox@mailbox-zeta.com")
        .phone("+447700900321")
        .birth_date("1984-07-19");
    shop.facts.orders.push(Order {
        id: "o-1".into(),
        placed_at: Some(at(2026, 3, 1)),
        total: Some(Money::new(4999, "GBP")),
        ..Order::default()
    });
    let bob = SourceRecord::new("crm", "bw-crm-5502")
        .observed_at(at(2026, 1, 7))
        .name(PersonName::from_parts("Bartholo", "Wendelkin"))
        .email("bartholo.wendelkin@mailbox-zeta.com")
        .phone("+44 7700 900888")
        .birth_date("1971-02-03");
    vec![crm, shop, bob]
}

/// Everything Zorabel's records say, raw and normalised, lower-cased.
fn zorabel_values() -> Vec<String> {
    let canonical = EmailNormalizer::new()
        .parse("Zorabel.Quintavox+news@Mailbox-Zeta.com")
        .unwrap()
        .canonical()
        .to_owned();
    [
        "Zorabel.Quintavox+news@Mailbox-Zeta.com",
        "zorabel.quintavox@mailbox-zeta.com",
        canonical.as_str(),
        "+44 7700 900321",
        "+447700900321",
        "7700900321",
        "17 Quillfeather Lane",
        "Quillfeather",
        "BK4 7QZ",
        "Brackmoor",
        "1984-07-19",
        "P99001234",
        "Quintavox",
        "Zorabel",
        "platinum",
        "prefers letters",
        "zq-crm-4417",
        "zq-shop-0091",
    ]
    .iter()
    .map(|s| s.to_lowercase())
    .collect()
}

fn catalogue() -> Catalogue {
    let mut c = Catalogue::builtin();
    c.define(
        FieldDefinition::new(
            FieldPath::custom("loyalty_tier").unwrap(),
            "Loyalty tier",
            ValueType::Code,
            Sensitivity::Internal,
        )
        .purposes(["service", "marketing"]),
    );
    c
}

fn leaks(json: &str, values: &[String]) -> Vec<String> {
    let json = json.to_lowercase();
    values
        .iter()
        .filter(|v| json.contains(v.as_str()))
        .cloned()
        .collect()
}

fn state() -> BatchState {
    BatchState::resolve(
        records(),
        &Resolver::builder().build().unwrap(),
        ProfileBuilder::default(),
    )
    .unwrap()
}

fn zorabel(state: &BatchState) -> CustomerId {
    let r = RecordRef {
        source: "crm".into(),
        key: "zq-crm-4417".into(),
    };
    state.registry.id_of(&r).unwrap().clone()
}

/// Agents in service: personal data allowed, but the phone only as its last four digits, the
/// e-mail as a pseudonym, birth date and address generalised, the family name redacted.
/// Sensitive data (gender, passport, notes) has no rule, so it is denied.
fn agent_policy() -> TablePolicy {
    TablePolicy::new()
        .rule(
            "agent",
            "service",
            [
                Sensitivity::Public,
                Sensitivity::Internal,
                Sensitivity::Personal,
            ],
            Decision::Allow,
        )
        .field_rule(
            FieldPath::PHONE,
            "agent",
            "service",
            Decision::Mask(MaskStyle::Partial { keep_last: 4 }),
        )
        .field_rule(
            FieldPath::EMAIL,
            "agent",
            "service",
            Decision::Mask(MaskStyle::Pseudonym),
        )
        .field_rule(
            FieldPath::BIRTH_DATE,
            "agent",
            "service",
            Decision::Mask(MaskStyle::Generalise),
        )
        .field_rule(
            FieldPath::ADDRESS,
            "agent",
            "service",
            Decision::Mask(MaskStyle::Generalise),
        )
        .field_rule(
            FieldPath::NAME_FAMILY,
            "agent",
            "service",
            Decision::Mask(MaskStyle::Redact),
        )
}

/// The values of every masked or denied field under `agent_policy` (the given name, the
/// loyalty tier and the record keys are allowed, so they are not here).
fn hidden_from_agent() -> Vec<String> {
    let allowed = ["zorabel", "platinum", "zq-crm-4417", "zq-shop-0091"];
    zorabel_values()
        .into_iter()
        .filter(|v| !allowed.contains(&v.as_str()))
        .collect()
}

#[test]
fn governed_profile_leaks_no_denied_or_masked_value() {
    let state = state();
    let id = zorabel(&state);
    let profile = state.profile(&id).unwrap();
    // The profile itself holds the values: the search below would find them.
    let raw = serde_json::to_string(profile).unwrap();
    assert!(leaks(&raw, &hidden_from_agent()).len() >= 8, "{raw}");

    let (catalogue, policy, key) = (catalogue(), agent_policy(), key());
    let governor = Governor::new(&catalogue, &policy, &key);
    let who = Requester::new("agent-7", "agent", "service", now());
    let mut audit = MemoryAuditSink::default();
    let governed = governor.profile(&who, profile, &mut audit).unwrap();
    let json = serde_json::to_string(&governed).unwrap();

    assert_eq!(
        leaks(&json, &hidden_from_agent()),
        Vec::<String>::new(),
        "{json}"
    );
    // What may be shown is shown, masked forms included.
    let f = |p: &FieldPath| governed.fields.get(p).unwrap();
    assert_eq!(f(&FieldPath::NAME_GIVEN).values[0].value, "zorabel");
    assert_eq!(f(&FieldPath::PHONE).values[0].value, "•••••••••0321");
    assert_eq!(f(&FieldPath::BIRTH_DATE).values[0].value, "1984");
    assert_eq!(f(&FieldPath::ADDRESS).values[0].value, "BK4");
    assert!(f(&FieldPath::EMAIL).values[0].value.starts_with("ps_"));
    // The whole name contains the redacted family name, so it is redacted too.
    assert_eq!(f(&FieldPath::NAME).masked, Some(MaskStyle::Redact));
    assert!(json.contains("zq-crm-4417"));
    // Denied fields are absent and listed with a reason.
    for p in ["identity.gender", "identity.identifier.passport"] {
        assert!(!governed.fields.keys().any(|k| k.as_str() == p));
        let w = governed.withheld.iter().find(|w| w.target == p).unwrap();
        assert!(!w.reason.is_empty());
    }
    // Every decision went to the audit trail, and the trail repeats no value.
    let trail = serde_json::to_string(audit.events()).unwrap();
    assert!(audit.events().len() >= governed.fields.len() + governed.withheld.len());
    assert_eq!(leaks(&trail, &zorabel_values()), Vec::<String>::new());
}

#[test]
fn governed_360_leaks_nothing_through_any_section() {
    let state = state();
    let id = zorabel(&state);
    let profile = state.profile(&id).unwrap();
    let records: Vec<&SourceRecord> = state
        .records
        .iter()
        .filter(|r| profile.records.contains(&r.reference()))
        .collect();
    let view = Customer360::build(profile, &records, &ViewContext::new(now()));
    let raw = serde_json::to_string(&view).unwrap();
    assert!(!leaks(&raw, &hidden_from_agent()).is_empty());

    let (catalogue, policy, key) = (catalogue(), agent_policy(), key());
    let governor = Governor::new(&catalogue, &policy, &key);
    let who = Requester::new("agent-7", "agent", "service", now());
    let mut audit = MemoryAuditSink::default();
    let governed = governor.customer360(&who, &view, &mut audit).unwrap();
    let json = serde_json::to_string(&governed).unwrap();
    assert_eq!(
        leaks(&json, &hidden_from_agent()),
        Vec::<String>::new(),
        "{json}"
    );

    // `current` draws only on record keys, orders and interactions: shown.
    assert!(governed.sections.contains_key("current"));
    assert!(json.contains("K-77"));
    // `history` draws on notes (sensitive, denied).
    assert!(!governed.sections.contains_key("history"));
    assert!(governed
        .withheld
        .iter()
        .any(|w| w.target == "section history"));
    // The built-in flags and outlook read interactions, facts, soft data and record keys
    // only, all allowed to agents; relationships are governed entry by entry.
    for s in ["relationships", "flags", "outlook"] {
        assert!(governed.sections.contains_key(s), "{s}");
    }
    assert_eq!(
        governed.identity[&FieldPath::PHONE].values[0].value,
        "•••••••••0321"
    );
}

#[test]
fn purpose_limitation_and_deny_by_default() {
    let state = state();
    let profile = state.profile(&zorabel(&state)).unwrap();
    let (catalogue, key) = (catalogue(), key());
    // A policy that allows everything to everyone still cannot use gender for marketing:
    // the catalogue declares no such purpose.
    let open = TablePolicy::new().rule("*", "*", Sensitivity::ALL, Decision::Allow);
    let governor = Governor::new(&catalogue, &open, &key);
    let who = Requester::new("m1", "marketing", "marketing", now());
    let g = governor
        .profile(&who, profile, &mut MemoryAuditSink::default())
        .unwrap();
    assert!(g.fields.contains_key(&FieldPath::EMAIL));
    let gender = g
        .withheld
        .iter()
        .find(|w| w.target == "identity.gender")
        .unwrap();
    assert!(gender.reason.contains("no purpose"), "{}", gender.reason);

    // No policy: nothing at all.
    let governor = Governor::new(&catalogue, &DenyAll, &key);
    let g = governor
        .profile(&who, profile, &mut MemoryAuditSink::default())
        .unwrap();
    assert!(g.fields.is_empty());
    assert_eq!(g.withheld.len(), profile.fields.len());
    assert!(g
        .records
        .iter()
        .all(|r| r.record.is_none() && r.source.is_none()));
    let json = serde_json::to_string(&g).unwrap();
    assert_eq!(leaks(&json, &zorabel_values()), Vec::<String>::new());
}

#[test]
fn pseudonyms_join_across_records_and_customers() {
    // Two customers sharing a phone get the same pseudonym for it, so analysts can join.
    let a = SourceRecord::new("crm", "1").phone("+44 7700 900555");
    let b = SourceRecord::new("shop", "2").phone("+447700900555");
    let builder = ProfileBuilder::default();
    let pa = builder.merge(CustomerId("A".into()), &[&a]);
    let pb = builder.merge(CustomerId("B".into()), &[&b]);
    let policy = TablePolicy::new().rule(
        "analyst",
        "analytics",
        Sensitivity::ALL,
        Decision::Mask(MaskStyle::Pseudonym),
    );
    let (catalogue, key) = (catalogue(), key());
    let governor = Governor::new(&catalogue, &policy, &key);
    let who = Requester::new("an1", "analyst", "analytics", now());
    let mut audit = MemoryAuditSink::default();
    let ga = governor.profile(&who, &pa, &mut audit).unwrap();
    let gb = governor.profile(&who, &pb, &mut audit).unwrap();
    let token = |g: &customer360::govern::GovernedProfile| {
        g.fields[&FieldPath::PHONE].values[0].value.clone()
    };
    assert_eq!(token(&ga), token(&gb));
    assert!(!token(&ga).contains("900555"));
    // Record keys are pseudonymised too, and differ between records.
    assert_ne!(ga.records[0].record, gb.records[0].record);
}

/// Every piece of state a host keeps, serialised.
fn scan(state: &BatchState, audit: &MemoryAuditSink, list: &SuppressionList) -> String {
    let mut out = String::new();
    out += &serde_json::to_string(&state.records).unwrap();
    out += &serde_json::to_string(&state.profiles).unwrap();
    out += &serde_json::to_string(&state.registry).unwrap();
    if let Some(resolution) = &state.resolution {
        for (id, _) in resolution.customers() {
            out += &serde_json::to_string(&resolution.explain_customer(&id)).unwrap();
        }
        out += &serde_json::to_string(&resolution.refused_links()).unwrap();
        let refs = resolution.records();
        for a in refs {
            for b in refs {
                out += &serde_json::to_string(&resolution.explain_pair(a, b)).unwrap();
            }
        }
    }
    out += &serde_json::to_string(audit.events()).unwrap();
    out += &serde_json::to_string(list).unwrap();
    out += &list.entries_json();
    out
}

#[test]
fn erasure_leaves_no_trace_in_any_serialised_state() {
    let mut state = state();
    let id = zorabel(&state);
    let key = key();
    let mut audit = MemoryAuditSink::default();
    let mut list = SuppressionList::new(key.clone());
    // Fill the trail the way a host would: merges, an access, a consent change.
    let resolution = state.resolution.as_ref().unwrap();
    for (cid, _) in resolution.customers() {
        let explanation = resolution.explain_customer(&cid).unwrap();
        audit
            .append(AuditEvent::merged(now(), "resolver", &explanation, &key))
            .unwrap();
    }
    let (catalogue, policy) = (catalogue(), agent_policy());
    Governor::new(&catalogue, &policy, &key)
        .profile(
            &Requester::new("agent-7", "agent", "service", now()),
            state.profile(&id).unwrap(),
            &mut audit,
        )
        .unwrap();
    let mut consents = ConsentLedger::new(id.clone());
    consents
        .change(
            ConsentRecord::new(
                ConsentPurpose::MarketingEmail,
                ConsentState::Granted,
                at(2026, 1, 1),
                "webshop",
            ),
            "webshop",
            &mut audit,
        )
        .unwrap();

    let before = scan(&state, &audit, &list);
    assert!(leaks(&before, &zorabel_values()).len() >= 15);

    let who = Requester::new("dpo", "privacy", "legal", now());
    let report = state
        .erase_customer(&id, &who, "DSR-2026-014", &mut list, &mut audit)
        .unwrap();
    assert_eq!(report.records.len(), 2);
    assert!(report.rebuild_required);
    assert!(report.values >= 15);
    assert!(report.fields.contains(&FieldPath::EMAIL));
    state
        .rebuild(&Resolver::builder().build().unwrap())
        .unwrap();

    let after = scan(&state, &audit, &list);
    assert_eq!(leaks(&after, &zorabel_values()), Vec::<String>::new());
    let erasure_json = serde_json::to_string(&report).unwrap();
    assert_eq!(
        leaks(&erasure_json, &zorabel_values()),
        Vec::<String>::new()
    );
    // Bob is untouched.
    assert!(after.contains("wendelkin"));
    assert_eq!(state.profiles.len(), 1);
    // The erasure was logged, by fields and counts.
    assert!(audit.events().iter().any(|e| matches!(
        &e.kind,
        AuditKind::Erasure { records: 2, fields, .. } if fields.contains(&FieldPath::PASSPORT_PATH())
    )));

    // She comes back through another system: recognised, and the host's policy applies.
    let back = SourceRecord::new("app", "new-1")
        .name(PersonName::from_parts("Zorabel", "Quintavox"))
        .email("ZORABEL.QUINTAVOX@MAILBOX-ZETA.COM");
    let hit = list.check(&back).unwrap();
    assert_eq!(hit.matched, vec![SuppressionKind::Email]);
    let stranger = SourceRecord::new("app", "new-2").email("someone.else@mailbox-zeta.com");
    assert!(list.check(&stranger).is_none());
    let screened = list
        .screen(
            vec![back.clone(), stranger.clone()],
            SuppressionPolicy::Reject,
            &who,
            &mut audit,
        )
        .unwrap();
    assert_eq!(screened.accepted, vec![stranger.clone()]);
    assert_eq!(screened.rejected[0].0, back.reference());
    let screened = list
        .screen(
            vec![back.clone()],
            SuppressionPolicy::Quarantine,
            &who,
            &mut audit,
        )
        .unwrap();
    assert_eq!(screened.quarantined.len(), 1);
    // Same person by passport alone, and by name and birth date alone.
    let by_passport = SourceRecord::new("app", "new-3")
        .identifier(Identifier::new(IdentifierKind::Passport, "p 9900 1234"));
    assert_eq!(
        list.check(&by_passport).unwrap().matched,
        vec![SuppressionKind::GovernmentId]
    );
    let by_name_dob = SourceRecord::new("app", "new-4")
        .name(PersonName::from_parts("ZORABEL", "QUINTAVOX"))
        .birth_date("1984-07-19");
    assert_eq!(
        list.check(&by_name_dob).unwrap().matched,
        vec![SuppressionKind::NameAndBirthDate]
    );
}

trait PassportPath {
    #[allow(non_snake_case)]
    fn PASSPORT_PATH() -> FieldPath;
}

impl PassportPath for FieldPath {
    fn PASSPORT_PATH() -> FieldPath {
        FieldPath::identifier(&IdentifierKind::Passport)
    }
}

#[test]
fn erasing_one_record_rebuilds_its_profile_from_the_rest() {
    let mut state = state();
    let id = zorabel(&state);
    let mut list = SuppressionList::new(key());
    let mut audit = MemoryAuditSink::default();
    let shop = RecordRef {
        source: "webshop".into(),
        key: "zq-shop-0091".into(),
    };
    let who = Requester::new("dpo", "privacy", "legal", now());
    let report = state
        .erase_record(&shop, &who, "source withdrawn", &mut list, &mut audit)
        .unwrap();
    assert_eq!(report.customers, vec![id.clone()]);
    let profile = state.profile(&id).unwrap();
    assert_eq!(profile.records.len(), 1);
    let json = serde_json::to_string(&state.profiles).unwrap() + &format!("{:?}", state.registry);
    assert!(!json.contains("zq-shop-0091"), "{json}");
    // The crm record keeps the customer's values.
    assert_eq!(profile.value(&FieldPath::PHONE), Some("+447700900321"));
}

#[test]
fn customers_of_records_the_registry_does_not_know_come_from_the_profiles() {
    let mut state = state();
    let id = zorabel(&state);
    let mut refs: Vec<RecordRef> = state.records.iter().map(SourceRecord::reference).collect();
    refs.push(RecordRef {
        source: "crm".into(),
        key: "never-held".into(),
    });
    let known = state.customers_of(&refs);
    // A host that swapped the registry out: the profiles still say who each record is.
    state.registry = Default::default();
    let from_profiles = state.customers_of(&refs);
    let one_by_one: Vec<Option<CustomerId>> = refs.iter().map(|r| state.customer_of(r)).collect();
    assert_eq!(from_profiles, one_by_one);
    assert_eq!(from_profiles, known);
    assert_eq!(
        from_profiles
            .iter()
            .filter(|c| *c == &Some(id.clone()))
            .count(),
        2
    );
    assert_eq!(from_profiles.last(), Some(&None));
}

#[test]
fn a_failing_audit_sink_stops_the_erasure() {
    struct Full;
    impl AuditSink for Full {
        fn append(&mut self, _: AuditEvent) -> Result<(), customer360::govern::AuditError> {
            Err(customer360::govern::AuditError::Write(
                std::io::Error::other("log volume full"),
            ))
        }
    }
    let mut state = state();
    let id = zorabel(&state);
    let mut list = SuppressionList::new(key());
    let who = Requester::new("dpo", "privacy", "legal", now());
    assert!(state
        .erase_customer(&id, &who, "DSR", &mut list, &mut Full)
        .is_err());
    assert_eq!(state.records.len(), 3);
    assert!(list.entries().is_empty());
}

#[test]
fn consent_merge_rule() {
    let email = ConsentPurpose::MarketingEmail;
    let sms = ConsentPurpose::MarketingSms;
    let calls = ConsentPurpose::MarketingCalls;
    let rec = |p: &ConsentPurpose, s, d| ConsentRecord::new(p.clone(), s, at(2026, 1, d), "x");
    let mut a = ConsentLedger::new(CustomerId("A".into()));
    let mut b = ConsentLedger::new(CustomerId("B".into()));
    // An older grant in one profile, a later denial in the other.
    a.push(rec(&email, ConsentState::Granted, 1));
    b.push(rec(&email, ConsentState::Denied, 3));
    // A true conflict: the same moment, different answers.
    a.push(rec(&sms, ConsentState::Granted, 2));
    b.push(rec(&sms, ConsentState::Withdrawn, 2));
    // A grant that has expired, and an older one that must not come back.
    a.push(rec(&calls, ConsentState::Granted, 1));
    b.push(rec(&calls, ConsentState::Granted, 4).expires_at(at(2026, 2, 1)));
    // Profiling: a denial, then a later grant.
    a.push(rec(&ConsentPurpose::Profiling, ConsentState::Denied, 1));
    b.push(rec(&ConsentPurpose::Profiling, ConsentState::Granted, 5));

    for merged in [a.merged(&b), b.merged(&a)] {
        let t = at(2026, 3, 1);
        let e = merged.may_contact(&email, t);
        assert!(!e.allowed);
        assert!(matches!(e.reason, ConsentReason::Denied { .. }));
        let s = merged.may_contact(&sms, t);
        assert!(!s.allowed);
        let ConsentReason::Conflict { conflict } = s.reason else {
            panic!("expected a conflict, got {:?}", s.reason)
        };
        assert_eq!(conflict.records.len(), 2);
        assert_eq!(merged.conflicts(t).len(), 1);
        let c = merged.may_contact(&calls, t);
        assert!(!c.allowed);
        assert!(matches!(c.reason, ConsentReason::Expired { .. }));
        // Before expiry it was allowed.
        assert!(merged.may_contact(&calls, at(2026, 1, 20)).allowed);
        assert!(merged.may_contact(&ConsentPurpose::Profiling, t).allowed);
        assert!(
            !merged
                .may_contact(&ConsentPurpose::ThirdPartySharing, t)
                .allowed
        );
        // Nothing is lost by merging: every decision of both is kept.
        assert_eq!(merged.records().len(), 8);
    }
    // A later decision settles the conflict.
    let mut settled = a.merged(&b);
    settled.push(rec(&sms, ConsentState::Granted, 9));
    assert!(settled.may_contact(&sms, at(2026, 3, 1)).allowed);
    // The ledger round-trips through JSON, custom purposes included.
    settled.push(rec(
        &ConsentPurpose::Custom("loyalty_partners".into()),
        ConsentState::Granted,
        9,
    ));
    let json = serde_json::to_string(&settled).unwrap();
    assert_eq!(
        serde_json::from_str::<ConsentLedger>(&json).unwrap(),
        settled
    );
}

#[test]
fn strict_catalogue_mode_names_the_undeclared_field() {
    let catalogue = Catalogue::builtin();
    let record = SourceRecord::new("crm", "77")
        .email("someone@mailbox-zeta.com")
        .custom("shoe_size", "38");
    let err = catalogue.check(&record, CatalogueMode::Strict).unwrap_err();
    match &err {
        CatalogueError::Undeclared { record, fields } => {
            assert_eq!(record.to_string(), "crm/77");
            assert_eq!(fields, &vec![FieldPath::custom("shoe_size").unwrap()]);
        }
        other => panic!("{other:?}"),
    }
    let message = customer360::Error::from(err).to_string();
    assert!(
        message.contains("custom.shoe_size") && message.contains("crm/77"),
        "{message}"
    );

    // Quarantine: the field leaves the record, its value is handed back.
    let checked = catalogue.check(&record, CatalogueMode::Quarantine).unwrap();
    assert!(checked.record.custom.is_empty());
    assert_eq!(checked.record.identity.emails.len(), 1);
    assert_eq!(checked.quarantined.len(), 1);
    assert_eq!(checked.quarantined[0].values, vec![serde_json::json!("38")]);

    // An empty catalogue declares nothing.
    let err = Catalogue::empty()
        .check(&record, CatalogueMode::Strict)
        .unwrap_err();
    assert!(err.to_string().contains("identity.email"));
}

#[cfg(feature = "toml")]
#[test]
fn catalogue_and_policy_files() {
    let text = r#"
        [[field]]
        path = "identity.email"
        meaning = "Contact e-mail"
        type = "email"
        sensitivity = "personal"
        owner = "crm team"
        purposes = ["service"]
        retention_days = 365
        [[field.lineage]]
        source = "crm"
        column = "EMAIL_ADDR"
        how = "trimmed"
        discrepancies = ["the webshop keeps the billing address here"]

        [sections]
        value = ["facts"]
    "#;
    let c = Catalogue::from_toml_str(text).unwrap();
    let def = c.definition(&FieldPath::EMAIL).unwrap();
    assert_eq!(def.lineage[0].column, "EMAIL_ADDR");
    assert_eq!(c.retention_days(&FieldPath::EMAIL), Some(365));
    assert_eq!(c.section_fields("value"), Some(&[FieldPath::FACTS][..]));
    assert!(c.section_fields("history").is_none());
    let from_json = Catalogue::from_json_str(&c.to_json()).unwrap();
    assert_eq!(from_json, c);
    let bad = Catalogue::from_toml_str("[[field]]\npath = \"identity.emial\"\n").unwrap_err();
    assert!(bad.to_string().contains("identity.emial"), "{bad}");

    let policy = TablePolicy::from_json_str(
        r#"{"rule": [
            {"role": "agent", "purpose": "service", "sensitivity": ["personal"], "decision": "allow"},
            {"role": "*", "purpose": "*", "field": "identity.phone", "decision": {"deny": "no phones"}}
        ]}"#,
    )
    .unwrap();
    let req = |path: FieldPath| AccessRequest {
        actor: "a".into(),
        role: "agent".into(),
        purpose: "service".into(),
        target: AccessTarget::Field(path),
        sensitivity: Sensitivity::Personal,
        subject: None,
    };
    assert_eq!(policy.decide(&req(FieldPath::EMAIL)), Decision::Allow);
    assert_eq!(
        policy.decide(&req(FieldPath::PHONE)),
        Decision::Deny("no phones".into())
    );
    let unbounded = TablePolicy::from_json_str(
        r#"{"rule": [{"role": "*", "purpose": "*", "decision": "allow"}]}"#,
    )
    .unwrap_err();
    assert!(unbounded.to_string().contains("sensitivity"), "{unbounded}");
}

#[test]
fn retention_purges_by_the_catalogue_and_the_clock() {
    let mut catalogue = Catalogue::builtin();
    catalogue.define(
        FieldDefinition::new(
            FieldPath::GENDER,
            "Gender",
            ValueType::Code,
            Sensitivity::Sensitive,
        )
        .purposes(["analytics"])
        .retention_days(30),
    );
    let old_call = Interaction::new("i-1", at(2020, 1, 1), Channel::Call);
    let new_call = Interaction::new("i-2", at(2026, 3, 1), Channel::Call);
    let mut records = vec![
        // Observed long ago: purged whole.
        SourceRecord::new("crm", "ancient")
            .observed_at(at(2015, 1, 1))
            .email("old@mailbox-zeta.com"),
        // Recent, but with an old interaction and a gender past its 30 days.
        SourceRecord::new("crm", "recent")
            .observed_at(at(2026, 1, 1))
            .gender("f")
            .interaction(old_call)
            .interaction(new_call),
        // No date: its fields cannot be aged.
        SourceRecord::new("crm", "undated").gender("m"),
    ];
    let key = key();
    let mut audit = MemoryAuditSink::default();
    let report = purge_expired(
        &mut records,
        &catalogue,
        &FixedClock(now()),
        &key,
        "retention",
        &mut audit,
    )
    .unwrap();
    assert_eq!(records.len(), 2);
    assert_eq!(report.records_purged.len(), 1);
    assert_eq!(records[0].interactions.len(), 1);
    assert_eq!(records[0].identity.gender, None);
    assert_eq!(records[1].identity.gender.as_deref(), Some("m"));
    assert_eq!(report.undated_records, 1);
    assert_eq!(report.values_purged[&FieldPath::INTERACTIONS], 1);
    assert_eq!(report.values_purged[&FieldPath::GENDER], 1);
    assert_eq!(audit.events().len(), 2);
    let trail = serde_json::to_string(audit.events()).unwrap();
    assert!(!trail.contains("ancient") && !trail.contains("old@"));
}

#[test]
fn subject_access_lists_values_purposes_consents_and_recent_access() {
    let state = state();
    let id = zorabel(&state);
    let profile = state.profile(&id).unwrap();
    let records: Vec<&SourceRecord> = state.records.iter().collect();
    let key = key();
    let mut audit = MemoryAuditSink::default();
    let (catalogue, policy) = (catalogue(), agent_policy());
    Governor::new(&catalogue, &policy, &key)
        .profile(
            &Requester::new("agent-7", "agent", "service", at(2026, 3, 2)),
            profile,
            &mut audit,
        )
        .unwrap();
    let mut consents = ConsentLedger::new(id.clone());
    consents
        .change(
            ConsentRecord::new(
                ConsentPurpose::MarketingSms,
                ConsentState::Denied,
                at(2026, 2, 2),
                "app",
            ),
            "app",
            &mut audit,
        )
        .unwrap();
    let who = Requester::new("dpo", "privacy", "legal", now());
    let events = audit.events().to_vec();
    let report = subject_access(
        &who,
        profile,
        &records,
        &catalogue,
        Some(&consents),
        &events,
        5,
        &mut audit,
    )
    .unwrap();
    assert_eq!(report.records.len(), 2);
    let phone = report
        .fields
        .iter()
        .find(|f| f.path == FieldPath::PHONE)
        .unwrap();
    assert_eq!(phone.values[0].value, "+447700900321");
    assert_eq!(phone.values[0].sources.len(), 2);
    assert!(phone.purposes.iter().any(|p| p.as_str() == "service"));
    assert!(!phone.meaning.is_empty());
    assert!(report.fields.iter().any(|f| f.path == FieldPath::ORDERS));
    assert_eq!(report.consents.len(), 1);
    assert_eq!(report.access_log.len(), 5);
    assert!(report.access_log[0].at >= report.access_log[4].at);
    let json = serde_json::to_string_pretty(&report).unwrap();
    assert!(json.to_lowercase().contains("quillfeather"));
    // The request itself was logged.
    assert!(matches!(
        &audit.events().last().unwrap().kind,
        AuditKind::Access { target, .. } if target == "profile"
    ));
}

#[test]
fn json_lines_sink_takes_every_governance_event() {
    let state = state();
    let profile = state.profile(&zorabel(&state)).unwrap();
    let key = key();
    let (catalogue, policy) = (catalogue(), agent_policy());
    let mut sink = JsonLinesAuditSink::new(Vec::new());
    let g = Governor::new(&catalogue, &policy, &key)
        .profile(
            &Requester::new("agent-7", "agent", "service", now()),
            profile,
            &mut sink,
        )
        .unwrap();
    let text = String::from_utf8(sink.into_inner()).unwrap();
    let events: Vec<AuditEvent> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(events.len(), g.fields.len() + g.withheld.len() + 3);
    assert!(events.iter().all(|e| e.actor == "agent-7" && e.at == now()));
    assert_eq!(leaks(&text, &zorabel_values()), Vec::<String>::new());
}

#[test]
fn ingest_and_lineage_events_name_paths_and_tokens_only() {
    let key = key();
    let record = SourceRecord::new("crm", "zq-crm-4417")
        .email("Zorabel.Quintavox+news@Mailbox-Zeta.com")
        .custom("shoe_size", "38");
    let checked = Catalogue::builtin()
        .check(&record, CatalogueMode::Quarantine)
        .unwrap();
    let event = AuditEvent::ingested(now(), "ingest", &record.reference(), &checked, &key);
    let AuditKind::Ingest {
        fields,
        quarantined,
    } = &event.kind
    else {
        panic!("{event:?}")
    };
    assert_eq!(quarantined, &vec![FieldPath::custom("shoe_size").unwrap()]);
    assert!(fields.contains(&FieldPath::EMAIL));
    let json = serde_json::to_string(&event).unwrap();
    assert_eq!(leaks(&json, &zorabel_values()), Vec::<String>::new());
    assert!(!json.contains("38"));

    // Registry lineage becomes audit events: new customers by token, merges and splits by ID.
    let state = state();
    let events: Vec<AuditEvent> = state
        .registry
        .events()
        .iter()
        .map(|e| AuditEvent::lineage(now(), "resolver", e, &key))
        .collect();
    assert_eq!(events.len(), 2);
    assert!(events.iter().all(|e| e.customer.is_some()));
    let json = serde_json::to_string(&events).unwrap();
    assert_eq!(leaks(&json, &zorabel_values()), Vec::<String>::new());
}

/// A note, a call topic, a feedback-free call note and a custom attribute that carry an
/// e-mail, a phone number, an IBAN and a card number.
fn chatty_records() -> Vec<SourceRecord> {
    let mut call = Interaction::new("call-cx-1", at(2026, 3, 9), Channel::Call);
    call.topic = Some("refund to GB82 WEST 1234 5698 7654 32 please".into());
    call.soft.notes.push(Note {
        at: Some(at(2026, 3, 9)),
        author: None,
        text: "paid with 4111-1111-1111-1111, call back on (07700) 900-321".into(),
    });
    let mut crm = SourceRecord::new("crm", "cx-1")
        .observed_at(at(2026, 1, 5))
        .name(PersonName::from_parts("Cassio", "Xerandel"))
        .email("Cassio.Xerandel@Inbox-Kappa.com")
        .phone("+44 7700 900321")
        .custom("contact_hint", "write to cassio.xerandel@inbox-kappa.com")
        .interaction(call);
    crm.notes.push(Note {
        at: Some(at(2026, 3, 8)),
        author: None,
        text: "Wants mail at cassio.xerandel@inbox-kappa.com, or ring +44 7700 900321.".into(),
    });
    vec![crm]
}

/// Everything personal the free text of `chatty_records` holds, raw and normalised.
fn chatty_values() -> Vec<String> {
    [
        "cassio.xerandel@inbox-kappa.com",
        "+44 7700 900321",
        "+447700900321",
        "7700900321",
        "(07700) 900-321",
        "900-321",
        "GB82 WEST 1234 5698 7654 32",
        "GB82WEST12345698765432",
        "4111-1111-1111-1111",
        "4111111111111111",
    ]
    .iter()
    .map(|s| s.to_lowercase())
    .collect()
}

fn chatty_catalogue() -> Catalogue {
    let mut c = Catalogue::builtin();
    c.define(
        FieldDefinition::new(
            FieldPath::custom("contact_hint").unwrap(),
            "How the customer likes to be contacted, as an agent wrote it",
            ValueType::Text,
            Sensitivity::Personal,
        )
        .purposes(["service"]),
    );
    c
}

/// Stewards see everything, sensitive notes included, except the contact field `masked`.
fn steward_policy(contact: Decision) -> TablePolicy {
    TablePolicy::new()
        .rule("steward", "service", Sensitivity::ALL, Decision::Allow)
        .field_rule(FieldPath::EMAIL, "steward", "service", contact.clone())
        .field_rule(FieldPath::PHONE, "steward", "service", contact)
}

#[test]
fn free_text_shows_no_denied_email_phone_card_or_iban() {
    let records = chatty_records();
    let refs: Vec<&SourceRecord> = records.iter().collect();
    let profile = ProfileBuilder::default().merge(CustomerId("C9".into()), &refs);
    let view = Customer360::build(&profile, &refs, &ViewContext::new(now()));
    // Without governance the values are there to be found, in the view and in the profile.
    let raw = serde_json::to_string(&view).unwrap() + &serde_json::to_string(&profile).unwrap();
    assert!(leaks(&raw, &chatty_values()).len() >= 7, "{raw}");

    let (catalogue, key) = (chatty_catalogue(), key());
    let policy = steward_policy(Decision::Deny("not for stewards".into()));
    let governor = Governor::new(&catalogue, &policy, &key);
    let who = Requester::new("s1", "steward", "service", now());
    let mut audit = MemoryAuditSink::default();
    let g360 = governor.customer360(&who, &view, &mut audit).unwrap();
    let gprofile = governor.profile(&who, &profile, &mut audit).unwrap();
    for json in [
        serde_json::to_string(&g360).unwrap(),
        serde_json::to_string(&gprofile).unwrap(),
    ] {
        assert_eq!(
            leaks(&json, &chatty_values()),
            Vec::<String>::new(),
            "{json}"
        );
    }
    // The text around them is shown: history (notes) and current (topics) are not withheld.
    let history = g360.sections["history"].to_string();
    assert!(
        history.contains("Wants mail at [redacted], or ring [redacted]."),
        "{history}"
    );
    assert!(
        history.contains("paid with [redacted], call back on [redacted]"),
        "{history}"
    );
    let current = g360.sections["current"].to_string();
    assert!(current.contains("refund to [redacted] please"), "{current}");
    let hint = &gprofile.fields[&FieldPath::custom("contact_hint").unwrap()];
    assert_eq!(hint.values[0].value, "write to [redacted]");
    // The trail says e-mail and phone were found in free text, and repeats no value.
    let trail = serde_json::to_string(audit.events()).unwrap();
    assert!(trail.contains("identity.email in free text"), "{trail}");
    assert_eq!(leaks(&trail, &chatty_values()), Vec::<String>::new());
}

#[test]
fn free_text_pseudonyms_join_the_identity_fields() {
    let records = chatty_records();
    let refs: Vec<&SourceRecord> = records.iter().collect();
    let profile = ProfileBuilder::default().merge(CustomerId("C9".into()), &refs);
    let view = Customer360::build(&profile, &refs, &ViewContext::new(now()));
    let (catalogue, key) = (chatty_catalogue(), key());
    let policy = steward_policy(Decision::Mask(MaskStyle::Pseudonym));
    let governor = Governor::new(&catalogue, &policy, &key);
    let who = Requester::new("s1", "steward", "service", now());
    let g = governor
        .customer360(&who, &view, &mut MemoryAuditSink::default())
        .unwrap();
    let json = serde_json::to_string(&g).unwrap();
    assert_eq!(
        leaks(&json, &chatty_values()),
        Vec::<String>::new(),
        "{json}"
    );
    let email = &g.identity[&FieldPath::EMAIL].values[0].value;
    let phone = &g.identity[&FieldPath::PHONE].values[0].value;
    assert!(email.starts_with("ps_") && phone.starts_with("ps_"));
    let history = g.sections["history"].to_string();
    // The note's address is written in lower case, the field's in mixed case: one pseudonym.
    assert!(
        history.contains(&format!("Wants mail at {email}, or ring {phone}.")),
        "{history}"
    );
}

/// A household: two profiles sharing an e-mail and a family name, each with a customer number.
fn household() -> (Vec<SourceRecord>, Vec<customer360::profile::Profile>) {
    let a = SourceRecord::new("crm", "hh-1")
        .name(PersonName::from_parts("Ilsabet", "Marrowvane"))
        .email("marrowvanes@home-lambda.org")
        .identifier(Identifier::new(IdentifierKind::Customer, "CN-55102"));
    let b = SourceRecord::new("crm", "hh-2")
        .name(PersonName::from_parts("Torvald", "Marrowvane"))
        .email("marrowvanes@home-lambda.org");
    let records = vec![a, b];
    let profiles = vec![
        ProfileBuilder::default().merge(CustomerId("H1".into()), &[&records[0]]),
        ProfileBuilder::default().merge(CustomerId("H2".into()), &[&records[1]]),
    ];
    (records, profiles)
}

#[test]
fn relationships_show_masked_evidence_entry_by_entry() {
    use customer360::view::{RelationshipIndex, RelationshipKind};
    let (records, profiles) = household();
    let index = RelationshipIndex::build(&profiles);
    let view = Customer360::build(
        &profiles[0],
        &[&records[0]],
        &ViewContext::new(now()).relationships(&index),
    );
    assert_eq!(view.relationships.related.len(), 1);
    assert_eq!(
        view.relationships.related[0].kind,
        RelationshipKind::Household
    );
    let (catalogue, key) = (catalogue(), key());
    let who = Requester::new("a1", "agent", "service", now());
    let base = || {
        TablePolicy::new().rule(
            "agent",
            "service",
            [
                Sensitivity::Public,
                Sensitivity::Internal,
                Sensitivity::Personal,
            ],
            Decision::Allow,
        )
    };

    // E-mail pseudonymised, family name denied, customer numbers shown last digits only.
    let policy = base()
        .field_rule(
            FieldPath::EMAIL,
            "agent",
            "service",
            Decision::Mask(MaskStyle::Pseudonym),
        )
        .field_rule(
            FieldPath::NAME_FAMILY,
            "agent",
            "service",
            Decision::Deny("no".into()),
        )
        .field_rule(
            FieldPath::identifier(&IdentifierKind::Customer),
            "agent",
            "service",
            Decision::Mask(MaskStyle::Partial { keep_last: 2 }),
        );
    let governor = Governor::new(&catalogue, &policy, &key);
    let g = governor
        .customer360(&who, &view, &mut MemoryAuditSink::default())
        .unwrap();
    let json = serde_json::to_string(&g).unwrap().to_lowercase();
    for v in ["marrowvanes@home-lambda.org", "marrowvane", "cn-55102"] {
        assert!(!json.contains(v), "{v} in {json}");
    }
    let rel = &g.sections["relationships"];
    assert_eq!(rel["related"][0]["other"], "H2");
    let pseudonym = &g.identity[&FieldPath::EMAIL].values[0].value;
    // The evidence carries the same pseudonym as the identity section: it joins.
    assert_eq!(
        rel["related"][0]["evidence"],
        serde_json::json!([format!("e-mail {pseudonym:?}")])
    );
    assert_eq!(rel["accounts"][0]["value"], "•••••02");
    assert!(g
        .withheld
        .iter()
        .any(|w| w.target == "section relationships (part)"));

    // E-mail and family name denied: no evidence left, so no related profile; the account
    // is denied too.
    let policy = base()
        .field_rule(
            FieldPath::EMAIL,
            "agent",
            "service",
            Decision::Deny("no".into()),
        )
        .field_rule(
            FieldPath::NAME_FAMILY,
            "agent",
            "service",
            Decision::Deny("no".into()),
        )
        .field_rule(
            FieldPath::IDENTIFIER,
            "agent",
            "service",
            Decision::Deny("no".into()),
        );
    let governor = Governor::new(&catalogue, &policy, &key);
    let g = governor
        .customer360(&who, &view, &mut MemoryAuditSink::default())
        .unwrap();
    let rel = &g.sections["relationships"];
    assert_eq!(rel["related"], serde_json::json!([]));
    assert_eq!(rel["accounts"], serde_json::json!([]));
    let json = serde_json::to_string(&g).unwrap().to_lowercase();
    assert!(
        !json.contains("h2") && !json.contains("marrowvane"),
        "{json}"
    );
}

#[test]
fn host_flags_need_their_own_declaration() {
    use customer360::view::{Flag, FlagProvider, Severity, ViewInput};
    struct Vip;
    impl FlagProvider for Vip {
        fn flags(&self, _view: &Customer360, input: &ViewInput<'_>) -> Vec<Flag> {
            // Host code may read anything: here, the passport number.
            let passport = input.records[0].identity.identifiers[0].value.clone();
            vec![Flag::new(
                "vip",
                Severity::Info,
                format!("VIP by passport {passport}"),
            )]
        }
    }
    let records = records();
    let refs: Vec<&SourceRecord> = records[..1].iter().collect();
    let profile = ProfileBuilder::default().merge(CustomerId("C1".into()), &refs);
    let view = Customer360::build(&profile, &refs, &ViewContext::new(now()).flag_provider(Vip));
    assert!(view.flags.has("vip"));
    let (mut catalogue, key) = (catalogue(), key());
    let (policy, who) = (
        agent_policy(),
        Requester::new("a1", "agent", "service", now()),
    );

    // Under the built-in catalogue the host flag draws on everything, passports included.
    let g = Governor::new(&catalogue, &policy, &key)
        .customer360(&who, &view, &mut MemoryAuditSink::default())
        .unwrap();
    let flags = g.sections["flags"].to_string();
    assert!(
        !flags.contains("vip") && !flags.contains("P99001234"),
        "{flags}"
    );
    assert!(g.withheld.iter().any(|w| w.target == "section flags.host"));

    // Declared as reading interactions only (the host vouches for its provider), it is shown.
    catalogue.define_section("flags.host", [FieldPath::INTERACTIONS]);
    let g = Governor::new(&catalogue, &policy, &key)
        .customer360(&who, &view, &mut MemoryAuditSink::default())
        .unwrap();
    assert!(g.sections["flags"].to_string().contains("vip"));
}
