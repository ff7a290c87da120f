//! Governed views: a profile or a 360 view with the access policy applied field by field.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::access::{AccessPolicy, AccessRequest, AccessTarget, Decision};
use super::audit::{AuditEvent, AuditKind, AuditSink};
use super::catalogue::{Catalogue, Purpose};
use super::mask::{HostKey, MaskStyle, REDACTED};
use super::scrub::{replace_findings, FreeTextScrubber, TextFinding, TextScanner};
use super::GovernError;
use crate::model::{FieldPath, RecordRef};
use crate::profile::{MergedField, Profile, SurvivingValue};
use crate::resolve::CustomerId;
use crate::view::{Customer360, FlagOrigin, Relationships};

/// Who asks for a governed view, in what role, for what purpose, and when (injected time
/// for the audit trail).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requester {
    /// The person or service.
    pub actor: String,
    /// Their role.
    pub role: String,
    /// The purpose of the request.
    pub purpose: Purpose,
    /// When they ask.
    pub at: DateTime<Utc>,
}

impl Requester {
    /// A requester.
    pub fn new(
        actor: impl Into<String>,
        role: impl Into<String>,
        purpose: impl Into<String>,
        at: DateTime<Utc>,
    ) -> Requester {
        Requester {
            actor: actor.into(),
            role: role.into(),
            purpose: Purpose(purpose.into()),
            at,
        }
    }
}

/// Where a governed value came from, as far as the policy lets the requester see:
/// the record key under the `record.key` decision, the time under `record.observed_at`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct GovernedSource {
    /// The source system, if `record.source` may be shown.
    pub source: Option<String>,
    /// The record key, masked or absent as the policy says.
    pub record: Option<String>,
    /// When the source observed the record, if shown.
    pub observed_at: Option<DateTime<Utc>>,
}

/// One value of a governed field: the value itself, or only its masked form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GovernedValue {
    /// The value, or its masked form.
    pub value: String,
    /// The qualifier (phone kind, e-mail use, identifier issuer).
    pub qualifier: Option<String>,
    /// The record the surviving value was taken from.
    pub provenance: GovernedSource,
    /// Every record that holds the value.
    pub seen_in: Vec<GovernedSource>,
}

/// A field the requester may see, whole or masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GovernedField {
    /// The surviving values.
    pub values: Vec<GovernedValue>,
    /// The values that lost survivorship (masked the same way).
    pub alternatives: Vec<GovernedValue>,
    /// Whether sources disagree.
    pub disagreement: bool,
    /// The mask applied, if any.
    pub masked: Option<MaskStyle>,
}

/// Something left out of a governed view, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Withheld {
    /// The field path or `section <name>`.
    pub target: String,
    /// Why.
    pub reason: String,
}

/// A [`Profile`] with the access policy applied: denied fields are absent (listed in
/// `withheld`), masked fields carry only their masked form, provenance is governed too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GovernedProfile {
    /// The customer ID.
    pub customer_id: CustomerId,
    /// The customer's records, governed.
    pub records: Vec<GovernedSource>,
    /// The fields the requester may see.
    pub fields: BTreeMap<FieldPath, GovernedField>,
    /// What was left out, and why.
    pub withheld: Vec<Withheld>,
}

/// A [`Customer360`] with the access policy applied: the identity section field by field,
/// `relationships` entry by entry, every other section whole or not at all.
///
/// - A whole section is shown only when every field the catalogue says it is derived from
///   ([`Catalogue::section_fields`]) may be shown whole; a section the catalogue does not
///   map is withheld.
/// - `relationships`: each piece of evidence is shown as its field may be shown (masked in
///   place, so pseudonyms join the identity section's) or dropped; a related profile with no
///   evidence left is dropped; a linked account is governed by its identifier kind.
/// - `flags`: flags from a host [`FlagProvider`](crate::view::FlagProvider) are kept only
///   when the catalogue's `flags.host` section may be shown (under the built-in catalogue it
///   draws on every field, until the host declares what its providers read).
/// - Free text in every shown section is scanned (see [`Governor`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GovernedCustomer360 {
    /// The customer ID.
    pub customer_id: CustomerId,
    /// The view's "now".
    pub as_of: DateTime<Utc>,
    /// The customer's records, governed.
    pub records: Vec<GovernedSource>,
    /// The identity fields the requester may see.
    pub identity: BTreeMap<FieldPath, GovernedField>,
    /// Identity fields on which sources disagree (paths only).
    pub conflicts: Vec<FieldPath>,
    /// The other sections the requester may see, as JSON, by name (`history`, `value`).
    pub sections: BTreeMap<String, serde_json::Value>,
    /// What was left out, and why.
    pub withheld: Vec<Withheld>,
}

/// Applies a [`Catalogue`] and an [`AccessPolicy`] to profiles and 360 views, logging
/// every decision to an [`AuditSink`].
///
/// A field is shown only if the catalogue declares the request's purpose for it and the
/// policy allows (or masks) it. A field whose value contains other fields' values (the
/// whole name contains the given name) gets the strictest of their decisions.
///
/// Free text that is shown (notes, topics, feedback comments, custom attributes, the text of
/// every shown section of a 360 view) is scanned by a [`TextScanner`] ([`FreeTextScrubber`]
/// unless [`Governor::scanner`] sets another): an e-mail address or phone number found in
/// it is shown only as the requester may see `identity.email` / `identity.phone` (redacted
/// when denied, pseudonymised with the same pseudonym when pseudonymised); card numbers and
/// IBANs are always redacted. Record keys and source names in sections are not scanned:
/// they are governed by `record.key` and `record.source`.
#[derive(Clone, Copy)]
pub struct Governor<'a> {
    catalogue: &'a Catalogue,
    policy: &'a dyn AccessPolicy,
    key: &'a HostKey,
    scanner: Option<&'a dyn TextScanner>,
}

impl std::fmt::Debug for Governor<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Governor").finish_non_exhaustive()
    }
}

/// The governed sections of the 360 view other than identity.
const SECTIONS: [&str; 8] = [
    "relationships",
    "current",
    "history",
    "value",
    "flags",
    "insights",
    "journey",
    "outlook",
];

struct Decider<'g, 'a> {
    governor: &'g Governor<'a>,
    who: &'g Requester,
    subject: CustomerId,
    cache: BTreeMap<FieldPath, Decision>,
    events: Vec<AuditEvent>,
    /// Fields already logged as found in free text, so each is logged once per view.
    logged_text: BTreeSet<FieldPath>,
}

/// Fields that hold typed values rather than free text: their own decision governs them.
fn is_typed(path: &FieldPath) -> bool {
    [
        FieldPath::EMAIL,
        FieldPath::PHONE,
        FieldPath::IDENTIFIER,
        FieldPath::BIRTH_DATE,
        FieldPath::SOURCE,
        FieldPath::KEY,
        FieldPath::OBSERVED_AT,
    ]
    .iter()
    .any(|p| path.is_within(p))
}

/// Keys of section JSON whose strings are record references, governed by `record.*`.
const RECORD_KEYS: [&str; 4] = ["record", "records", "source", "key"];

impl Decider<'_, '_> {
    /// The decision for one path alone: purpose limitation, then the policy.
    fn own(&mut self, path: &FieldPath) -> Decision {
        if let Some(d) = self.cache.get(path) {
            return d.clone();
        }
        let g = self.governor;
        let decision = if !g.catalogue.allows(path, &self.who.purpose) {
            Decision::Deny(format!(
                "the catalogue declares no purpose {:?} for {path}",
                self.who.purpose.as_str()
            ))
        } else {
            g.policy.decide(&AccessRequest {
                actor: self.who.actor.clone(),
                role: self.who.role.clone(),
                purpose: self.who.purpose.clone(),
                target: AccessTarget::Field(path.clone()),
                sensitivity: g.catalogue.sensitivity(path),
                subject: Some(self.subject.clone()),
            })
        };
        self.cache.insert(path.clone(), decision.clone());
        decision
    }

    /// The decision for a path whose value may contain its children's values.
    fn field(&mut self, path: &FieldPath) -> Decision {
        let mut decision = self.own(path);
        let children: Vec<FieldPath> = self.governor.catalogue.children_of(path).cloned().collect();
        for child in children {
            decision = decision.stricter(self.own(&child));
        }
        decision
    }

    fn log(&mut self, target: String, decision: &Decision) {
        let reason = match decision {
            Decision::Allow => String::new(),
            Decision::Mask(style) => format!("masked: {}", mask_name(style)),
            Decision::Deny(reason) => reason.clone(),
        };
        self.events.push(
            AuditEvent::new(
                self.who.at,
                self.who.actor.clone(),
                AuditKind::Access {
                    target,
                    role: self.who.role.clone(),
                    decision: decision.kind().to_owned(),
                },
            )
            .purpose(self.who.purpose.clone())
            .reason(reason)
            .customer(self.subject.clone()),
        );
    }

    fn source_policy(&mut self) -> SourcePolicy {
        let mut policy = SourcePolicy {
            source: self.field(&FieldPath::SOURCE),
            key: self.field(&FieldPath::KEY),
            observed_at: self.field(&FieldPath::OBSERVED_AT),
        };
        for (path, d) in [
            (FieldPath::SOURCE, &mut policy.source),
            (FieldPath::KEY, &mut policy.key),
            (FieldPath::OBSERVED_AT, &mut policy.observed_at),
        ] {
            // Record metadata cannot be generalised meaningfully; a mask other than a
            // pseudonym or partial view hides it.
            self.events.push(
                AuditEvent::new(
                    self.who.at,
                    self.who.actor.clone(),
                    AuditKind::Access {
                        target: path.to_string(),
                        role: self.who.role.clone(),
                        decision: d.kind().to_owned(),
                    },
                )
                .purpose(self.who.purpose.clone())
                .customer(self.subject.clone()),
            );
        }
        policy
    }

    fn fields<'p>(
        &mut self,
        fields: impl Iterator<Item = (FieldPath, &'p [SurvivingValue], &'p [SurvivingValue], bool)>,
        sources: &SourcePolicy,
        withheld: &mut Vec<Withheld>,
    ) -> BTreeMap<FieldPath, GovernedField> {
        let key = self.governor.key;
        let mut out = BTreeMap::new();
        for (path, values, alternatives, disagreement) in fields {
            let decision = self.field(&path);
            self.log(path.to_string(), &decision);
            let style = match decision {
                Decision::Allow => None,
                Decision::Mask(style) => Some(style),
                Decision::Deny(reason) => {
                    withheld.push(Withheld {
                        target: path.to_string(),
                        reason,
                    });
                    continue;
                }
            };
            let free_text = !is_typed(&path);
            let mut govern = |v: &SurvivingValue| {
                let shown = match &style {
                    None => v.value.clone(),
                    Some(s) => s.apply(&path, &v.value, key),
                };
                GovernedValue {
                    value: if free_text {
                        let clean = match self.scrub(&shown) {
                            Cow::Owned(c) => Some(c),
                            Cow::Borrowed(_) => None,
                        };
                        clean.unwrap_or(shown)
                    } else {
                        shown
                    },
                    qualifier: v.qualifier.clone(),
                    provenance: sources.govern(
                        &v.provenance.record_ref(),
                        v.provenance.observed_at,
                        key,
                    ),
                    seen_in: v
                        .seen_in
                        .iter()
                        .map(|r| sources.govern(r, None, key))
                        .collect(),
                }
            };
            let values = values.iter().map(&mut govern).collect();
            let alternatives = alternatives.iter().map(&mut govern).collect();
            out.insert(
                path.clone(),
                GovernedField {
                    values,
                    alternatives,
                    disagreement,
                    masked: style.clone(),
                },
            );
        }
        out
    }

    /// `text` with every e-mail, phone, card and IBAN in it shown as the requester may see
    /// the matching field; borrowed unchanged when nothing was found.
    fn scrub<'t>(&mut self, text: &'t str) -> Cow<'t, str> {
        let builtin;
        let scanner: &dyn TextScanner = match self.governor.scanner {
            Some(s) => s,
            None => {
                builtin = FreeTextScrubber::new();
                &builtin
            }
        };
        let key = self.governor.key;
        replace_findings(scanner, text, |f: &TextFinding| {
            let Some(path) = f.kind.governing_field() else {
                return Cow::Borrowed(REDACTED);
            };
            let decision = self.field(&path);
            if self.logged_text.insert(path.clone()) {
                self.log(format!("{path} in free text"), &decision);
            }
            match decision {
                Decision::Allow => text
                    .get(f.span.clone())
                    .map_or(Cow::Borrowed(REDACTED), Cow::Borrowed),
                Decision::Mask(style) => Cow::Owned(style.apply(&path, &f.value, key)),
                Decision::Deny(_) => Cow::Borrowed(REDACTED),
            }
        })
    }

    /// Scrub every string of a section's JSON, except record references.
    fn scrub_json(&mut self, value: &mut serde_json::Value) {
        match value {
            serde_json::Value::String(s) => {
                if let Cow::Owned(clean) = self.scrub(s) {
                    *s = clean;
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(|v| self.scrub_json(v)),
            serde_json::Value::Object(map) => {
                for (k, v) in map.iter_mut() {
                    if !RECORD_KEYS.contains(&k.as_str()) {
                        self.scrub_json(v);
                    }
                }
            }
            _ => {}
        }
    }

    fn flush(self, sink: &mut dyn AuditSink) -> Result<(), GovernError> {
        for e in self.events {
            sink.append(e)?;
        }
        Ok(())
    }
}

fn mask_name(style: &MaskStyle) -> &'static str {
    match style {
        MaskStyle::Redact => "redact",
        MaskStyle::Partial { .. } => "partial",
        MaskStyle::Pseudonym => "pseudonym",
        MaskStyle::Generalise => "generalise",
    }
}

struct SourcePolicy {
    source: Decision,
    key: Decision,
    observed_at: Decision,
}

impl SourcePolicy {
    fn govern(
        &self,
        r: &RecordRef,
        observed_at: Option<DateTime<Utc>>,
        key: &HostKey,
    ) -> GovernedSource {
        let show = |d: &Decision, path: &FieldPath, v: &str| match d {
            Decision::Allow => Some(v.to_owned()),
            Decision::Mask(MaskStyle::Partial { keep_last }) => Some(
                MaskStyle::Partial {
                    keep_last: *keep_last,
                }
                .apply(path, v, key),
            ),
            // A pseudonymised key still identifies the record for joins, without the key.
            Decision::Mask(_) => Some(key.pseudonym(path, &format!("{}/{}", r.source, v))),
            Decision::Deny(_) => None,
        };
        GovernedSource {
            source: match self.source {
                Decision::Allow => Some(r.source.to_string()),
                _ => None,
            },
            record: show(&self.key, &FieldPath::KEY, r.key.as_str()),
            observed_at: match self.observed_at {
                Decision::Allow => observed_at,
                _ => None,
            },
        }
    }
}

impl<'a> Governor<'a> {
    /// A governor applying `policy` under `catalogue`, masking with `key`.
    pub fn new(catalogue: &'a Catalogue, policy: &'a dyn AccessPolicy, key: &'a HostKey) -> Self {
        Governor {
            catalogue,
            policy,
            key,
            scanner: None,
        }
    }

    /// Scan free text with `scanner` instead of the built-in [`FreeTextScrubber`] (for
    /// example one that knows the national ID formats of the host's market, or a
    /// `FreeTextScrubber::with_phone_region` so local numbers pseudonymise like E.164 ones).
    pub fn scanner(mut self, scanner: &'a dyn TextScanner) -> Self {
        self.scanner = Some(scanner);
        self
    }

    fn decider<'g>(&'g self, who: &'g Requester, subject: &CustomerId) -> Decider<'g, 'a> {
        Decider {
            governor: self,
            who,
            subject: subject.clone(),
            cache: BTreeMap::new(),
            events: Vec::new(),
            logged_text: BTreeSet::new(),
        }
    }

    /// The governed form of `profile` for `who`. Every decision is appended to `sink`
    /// before the view is returned; if the sink fails, no view is returned.
    pub fn profile(
        &self,
        who: &Requester,
        profile: &Profile,
        sink: &mut dyn AuditSink,
    ) -> Result<GovernedProfile, GovernError> {
        let mut d = self.decider(who, &profile.id);
        let sources = d.source_policy();
        let mut withheld = Vec::new();
        let fields = d.fields(
            profile
                .fields
                .iter()
                .map(|(p, f): (&FieldPath, &MergedField)| {
                    (
                        p.clone(),
                        f.values.as_slice(),
                        f.alternatives.as_slice(),
                        f.disagreement,
                    )
                }),
            &sources,
            &mut withheld,
        );
        let records = profile
            .records
            .iter()
            .map(|r| sources.govern(r, None, self.key))
            .collect();
        d.flush(sink)?;
        Ok(GovernedProfile {
            customer_id: profile.id.clone(),
            records,
            fields,
            withheld,
        })
    }

    /// The governed form of a 360 view for `who`: identity field by field, relationships
    /// entry by entry, every other section shown only if all the fields it is derived from
    /// may be shown whole (see [`GovernedCustomer360`]). Every decision is appended to `sink`
    /// before the view is returned.
    pub fn customer360(
        &self,
        who: &Requester,
        view: &Customer360,
        sink: &mut dyn AuditSink,
    ) -> Result<GovernedCustomer360, GovernError> {
        let mut d = self.decider(who, &view.customer_id);
        let sources = d.source_policy();
        let mut withheld = Vec::new();

        let id = &view.identity;
        let mut identity_fields: Vec<(FieldPath, Vec<SurvivingValue>)> = vec![
            (FieldPath::NAME, id.name.iter().cloned().collect()),
            (
                FieldPath::NAME_GIVEN,
                id.given_name.iter().cloned().collect(),
            ),
            (
                FieldPath::NAME_FAMILY,
                id.family_name.iter().cloned().collect(),
            ),
            (FieldPath::EMAIL, id.emails.clone()),
            (FieldPath::PHONE, id.phones.clone()),
            (FieldPath::ADDRESS, id.addresses.clone()),
            (
                FieldPath::BIRTH_DATE,
                id.birth_date.iter().cloned().collect(),
            ),
            (FieldPath::GENDER, id.gender.iter().cloned().collect()),
        ];
        let mut by_kind: BTreeMap<FieldPath, Vec<SurvivingValue>> = BTreeMap::new();
        for i in &id.identifiers {
            by_kind
                .entry(FieldPath::identifier(&i.kind))
                .or_default()
                .push(i.value.clone());
        }
        identity_fields.extend(by_kind);
        for (name, values) in &id.attributes {
            match FieldPath::custom(name) {
                Ok(path) => identity_fields.push((path, values.clone())),
                Err(_) => withheld.push(Withheld {
                    target: FieldPath::CUSTOM.to_string(),
                    reason: "a custom attribute whose name is not a valid field path".to_owned(),
                }),
            }
        }
        identity_fields.retain(|(_, v)| !v.is_empty());
        let conflicts: Vec<FieldPath> = id.conflicts.clone();
        let identity = d.fields(
            identity_fields
                .iter()
                .map(|(p, v)| (p.clone(), v.as_slice(), &[][..], conflicts.contains(p))),
            &sources,
            &mut withheld,
        );

        let mut sections = BTreeMap::new();
        for name in SECTIONS {
            let target = format!("section {name}");
            let denial = if name == "relationships" {
                // Governed entry by entry (below); only an unmapped section is withheld whole.
                self.catalogue.section_fields(name).is_none().then(|| {
                    format!(
                        "the catalogue does not say which fields section {name} is derived from"
                    )
                })
            } else {
                section_denial(&mut d, self.catalogue, name)
            };
            if let Some(reason) = denial {
                d.log(target.clone(), &Decision::Deny(reason.clone()));
                withheld.push(Withheld { target, reason });
                continue;
            }
            d.log(target, &Decision::Allow);
            let value = match name {
                "relationships" => {
                    let related =
                        governed_relationships(&mut d, &view.relationships, &mut withheld);
                    // Every string left is a governed typed value, a customer ID or a source.
                    sections.insert(name.to_owned(), related);
                    continue;
                }
                "flags" => {
                    let mut flags = view.flags.clone();
                    if flags.flags.iter().any(|f| f.origin == FlagOrigin::Host) {
                        let host = "flags.host";
                        if let Some(reason) = section_denial(&mut d, self.catalogue, host) {
                            flags.flags.retain(|f| f.origin != FlagOrigin::Host);
                            let target = format!("section {host}");
                            d.log(target.clone(), &Decision::Deny(reason.clone()));
                            withheld.push(Withheld { target, reason });
                        } else {
                            d.log(format!("section {host}"), &Decision::Allow);
                        }
                    }
                    serde_json::to_value(&flags).ok()
                }
                _ => section_value(view, name),
            };
            if let Some(mut value) = value {
                d.scrub_json(&mut value);
                sections.insert(name.to_owned(), value);
            }
        }
        let records = view
            .records
            .iter()
            .map(|r| sources.govern(r, None, self.key))
            .collect();
        d.flush(sink)?;
        Ok(GovernedCustomer360 {
            customer_id: view.customer_id.clone(),
            as_of: view.as_of,
            records,
            identity,
            conflicts,
            sections,
            withheld,
        })
    }
}

/// Why a section may not be shown whole, if it may not: unmapped, or drawing on a field the
/// requester may not see whole.
fn section_denial(d: &mut Decider<'_, '_>, catalogue: &Catalogue, name: &str) -> Option<String> {
    match catalogue.section_fields(name) {
        None => Some(format!(
            "the catalogue does not say which fields section {name} is derived from"
        )),
        Some(fields) => fields.to_vec().iter().find_map(|f| match d.own(f) {
            Decision::Allow => None,
            Decision::Mask(_) => Some(format!(
                "derived from {f}, which this requester may see only masked"
            )),
            Decision::Deny(reason) => {
                Some(format!("derived from {f}, which is withheld: {reason}"))
            }
        }),
    }
}

/// The field a relationship evidence label names.
fn evidence_field(label: &str) -> Option<FieldPath> {
    match label {
        "address" => Some(FieldPath::ADDRESS),
        "landline" => Some(FieldPath::PHONE),
        "e-mail" => Some(FieldPath::EMAIL),
        "family name" => Some(FieldPath::NAME_FAMILY),
        _ => None,
    }
}

/// The relationships section governed entry by entry: each piece of evidence (`landline
/// "+15551234567"`) shown as its field may be shown (masked in place, pseudonyms joining
/// the identity section's), or dropped; a related profile with no evidence left is dropped;
/// a linked account is governed by its identifier kind's field, its sources by
/// `record.source`. The relationship kind says which kinds of values are shared, never the
/// values.
fn governed_relationships(
    d: &mut Decider<'_, '_>,
    relationships: &Relationships,
    withheld: &mut Vec<Withheld>,
) -> serde_json::Value {
    let key = d.governor.key;
    let mut r = relationships.clone();
    let (mut dropped_evidence, mut dropped_related, mut dropped_accounts) = (0, 0, 0);
    for rel in &mut r.related {
        let before = rel.evidence.len();
        rel.evidence = std::mem::take(&mut rel.evidence)
            .into_iter()
            .filter_map(|e| {
                let quote = e.find('"')?;
                let (label, quoted) = (e[..quote].trim(), &e[quote..]);
                let path = evidence_field(label)?;
                match d.field(&path) {
                    Decision::Allow => Some(e),
                    Decision::Mask(style) => {
                        // The view quotes with Rust escapes; JSON reads all but control
                        // characters, and an unreadable value is dropped, not shown.
                        let value: String = serde_json::from_str(quoted).ok()?;
                        Some(format!("{label} {:?}", style.apply(&path, &value, key)))
                    }
                    Decision::Deny(_) => None,
                }
            })
            .collect();
        dropped_evidence += before - rel.evidence.len();
    }
    r.related.retain(|rel| {
        let keep = !rel.evidence.is_empty();
        dropped_related += usize::from(!keep);
        keep
    });
    let show_sources = matches!(d.field(&FieldPath::SOURCE), Decision::Allow);
    r.accounts.retain_mut(|a| {
        let path = FieldPath::identifier(&a.kind);
        if !show_sources {
            a.sources.clear();
        }
        match d.field(&path) {
            Decision::Allow => true,
            Decision::Mask(style) => {
                a.value = style.apply(&path, &a.value, key);
                true
            }
            Decision::Deny(_) => {
                dropped_accounts += 1;
                false
            }
        }
    });
    if dropped_evidence + dropped_accounts > 0 {
        withheld.push(Withheld {
            target: "section relationships (part)".to_owned(),
            reason: format!(
                "{dropped_evidence} piece(s) of evidence ({dropped_related} related profile(s) \
                 left with none) and {dropped_accounts} linked account(s) are drawn from fields \
                 this requester may not see"
            ),
        });
    }
    serde_json::to_value(&r).unwrap_or(serde_json::Value::Null)
}

fn section_value(view: &Customer360, name: &str) -> Option<serde_json::Value> {
    let value = match name {
        "relationships" => serde_json::to_value(&view.relationships),
        "current" => serde_json::to_value(&view.current),
        "history" => serde_json::to_value(&view.history),
        "value" => serde_json::to_value(&view.value),
        "flags" => serde_json::to_value(&view.flags),
        "insights" => serde_json::to_value(&view.insights),
        "journey" => serde_json::to_value(&view.journey),
        "outlook" => serde_json::to_value(&view.outlook),
        _ => return None,
    };
    value.ok()
}
