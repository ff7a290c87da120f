//! A host writing its own access policy.
//!
//! ```sh
//! cargo run --example custom_policy
//! ```
//!
//! The rules of a call centre that a table cannot express alone:
//!
//! - agents serving a customer see contact data, but the phone number only as its last four
//!   digits, and only while a call with that customer is open;
//! - analysts see personal data only as keyed pseudonyms (so they can still join: a landline
//!   shared by a household gets one token), and nothing sensitive;
//! - everything else falls through to a [`TablePolicy`], which denies what it does not know.
//!
//! The policy is run on a small household (two customers sharing a landline), and every
//! decision lands in the audit trail. The clock is fixed, so the output is the same on every
//! run.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, TimeZone, Utc};
use customer360::govern::{
    AccessPolicy, AccessRequest, AccessTarget, AuditKind, BatchState, Catalogue, Decision,
    GovernedProfile, Governor, HostKey, MaskStyle, MemoryAuditSink, Requester, Sensitivity,
    TablePolicy,
};
use customer360::profile::ProfileBuilder;
use customer360::{
    CustomerId, FieldPath, Identifier, IdentifierKind, PersonName, Phone, PhoneKind, RecordRef,
    Resolver, SourceRecord,
};

/// The host's policy: open calls decide whether agents see the phone; analysts get
/// pseudonyms; the table decides the rest.
struct CallCentrePolicy {
    open_calls: BTreeSet<CustomerId>,
    table: TablePolicy,
}

impl AccessPolicy for CallCentrePolicy {
    fn decide(&self, request: &AccessRequest) -> Decision {
        let phone =
            matches!(&request.target, AccessTarget::Field(p) if p.is_within(&FieldPath::PHONE));
        match request.role.as_str() {
            "agent" if phone => {
                let on_call = request
                    .subject
                    .as_ref()
                    .is_some_and(|c| self.open_calls.contains(c));
                if on_call {
                    Decision::Mask(MaskStyle::Partial { keep_last: 4 })
                } else {
                    Decision::Deny("no open call with this customer".to_owned())
                }
            }
            "analyst" if request.sensitivity == Sensitivity::Personal => {
                Decision::Mask(MaskStyle::Pseudonym)
            }
            _ => self.table.decide(request),
        }
    }
}

fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 9, 0, 0)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

fn landline(number: &str) -> Phone {
    Phone {
        kind: PhoneKind::Landline,
        ..Phone::new(number)
    }
}

/// Maryam (two systems) and her husband Reza, who share a landline.
fn household() -> Vec<SourceRecord> {
    let mut maryam_crm = SourceRecord::new("crm", "CU-2001")
        .observed_at(at(2025, 5, 4))
        .name(PersonName::from_parts("Maryam", "Rahimi"))
        .email("maryam.rahimi@mail-example.com")
        .phone("+44 7700 900123")
        .birth_date("1986-07-03")
        .identifier(Identifier::new(IdentifierKind::Passport, "P88123456"));
    maryam_crm
        .identity
        .phones
        .push(landline("+44 113 496 0000"));
    let maryam_shop = SourceRecord::new("webshop", "W-77")
        .observed_at(at(2026, 2, 1))
        .name(PersonName::from_parts("Maryam", "Rahimi"))
        .email("Maryam.Rahimi@mail-example.com")
        .phone("07700 900123");
    let mut reza = SourceRecord::new("crm", "CU-2002")
        .observed_at(at(2025, 5, 4))
        .name(PersonName::from_parts("Reza", "Karimi"))
        .email("reza.karimi@mail-example.com")
        .birth_date("1983-11-20");
    reza.identity.phones.push(landline("+44 113 496 0000"));
    vec![maryam_crm, maryam_shop, reza]
}

fn line(g: &GovernedProfile) -> String {
    let mut out = String::new();
    for (path, field) in &g.fields {
        let values: Vec<&str> = field.values.iter().map(|v| v.value.as_str()).collect();
        out += &format!("    {:<28} {}\n", path.as_str(), values.join(" | "));
    }
    for w in &g.withheld {
        out += &format!("    {:<28} withheld: {}\n", w.target, w.reason);
    }
    out
}

/// Everything the example prints.
fn run() -> Result<String, customer360::Error> {
    let resolver = Resolver::builder()
        .normalizer(
            customer360::normalize::RecordNormalizer::builder()
                .default_region("GB".parse()?)
                .build(),
        )
        .build()?;
    let state = BatchState::resolve(household(), &resolver, ProfileBuilder::default())?;
    let id_of = |source: &str, key: &str| {
        state
            .registry
            .id_of(&RecordRef {
                source: source.into(),
                key: key.into(),
            })
            .cloned()
    };
    let ids = (id_of("crm", "CU-2001"), id_of("crm", "CU-2002"));
    let (Some(maryam), Some(reza)) = ids else {
        return Ok("the sample did not resolve".to_owned());
    };

    let policy = CallCentrePolicy {
        open_calls: BTreeSet::from([maryam.clone()]),
        table: TablePolicy::new()
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
            .rule(
                "analyst",
                "analytics",
                [Sensitivity::Public, Sensitivity::Internal],
                Decision::Allow,
            ),
    };
    let catalogue = Catalogue::builtin();
    let key = HostKey::new(b"example key: use 32 random bytes in production".to_vec())?;
    let governor = Governor::new(&catalogue, &policy, &key);
    let mut audit = MemoryAuditSink::default();
    let now = at(2026, 3, 10);
    let agent = Requester::new("agent-17", "agent", "service", now);
    let analyst = Requester::new("analyst-3", "analyst", "analytics", now);

    let mut out = String::new();
    let (Some(maryam_profile), Some(reza_profile)) = (state.profile(&maryam), state.profile(&reza))
    else {
        return Ok("the sample did not resolve".to_owned());
    };
    for (who, profile, title) in [
        (&agent, maryam_profile, "agent, call with Maryam open"),
        (&agent, reza_profile, "agent, no call with Reza"),
        (&analyst, maryam_profile, "analyst (pseudonyms), Maryam"),
        (&analyst, reza_profile, "analyst (pseudonyms), Reza"),
    ] {
        let g = governor.profile(who, profile, &mut audit)?;
        out += &format!("{title}:\n{}\n", line(&g));
    }

    // The household's shared landline has one pseudonym, so analysts can still join on it.
    let landlines = |profile| -> Result<BTreeSet<String>, customer360::Error> {
        let g = governor.profile(&analyst, profile, &mut MemoryAuditSink::default())?;
        Ok(g.fields
            .get(&FieldPath::PHONE)
            .map(|f| {
                f.values
                    .iter()
                    .filter(|v| v.qualifier.as_deref() == Some("landline"))
                    .map(|v| v.value.clone())
                    .collect()
            })
            .unwrap_or_default())
    };
    let shared: Vec<String> = landlines(maryam_profile)?
        .intersection(&landlines(reza_profile)?)
        .cloned()
        .collect();
    out += &format!("shared landline pseudonym: {}\n", shared.join(", "));

    let mut decisions: BTreeMap<(String, String), usize> = BTreeMap::new();
    for e in audit.events() {
        if let AuditKind::Access { role, decision, .. } = &e.kind {
            *decisions
                .entry((role.clone(), decision.clone()))
                .or_default() += 1;
        }
    }
    out += &format!("audit trail: {} access decisions\n", audit.events().len());
    for ((role, decision), n) in decisions {
        out += &format!("    {role:<8} {decision:<6} {n}\n");
    }
    Ok(out)
}

fn main() {
    match run() {
        Ok(text) => print!("{text}"),
        Err(e) => {
            eprintln!("custom_policy: {e}");
            std::process::exit(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_does_what_the_call_centre_says() {
        let out = run().unwrap();
        let sections: Vec<&str> = out.split("\n\n").collect();
        let (open, closed, analyst) = (sections[0], sections[1], sections[2]);
        // Open call: last four digits only.
        assert!(open.contains("0123"), "{open}");
        assert!(!open.contains("+447700900123"), "{open}");
        assert!(open.contains("maryam.rahimi@mail-example.com"), "{open}");
        // No open call: the phone is withheld with the reason.
        assert!(
            closed.contains("no open call with this customer"),
            "{closed}"
        );
        assert!(!closed.contains("4960000"), "{closed}");
        // Analysts see pseudonyms, never the values, and nothing sensitive.
        assert!(analyst.contains("ps_"), "{analyst}");
        assert!(!analyst.contains("rahimi"), "{analyst}");
        assert!(
            analyst.contains("identity.identifier.passport"),
            "{analyst}"
        );
        let shared = out
            .lines()
            .find(|l| l.starts_with("shared landline pseudonym: ps_"));
        assert!(shared.is_some(), "{out}");
        assert!(out.contains("audit trail:"));
    }
}
