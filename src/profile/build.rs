//! Building profiles: a customer's records merged field by field under a [`MergePolicy`].

use std::collections::BTreeMap;

use rayon::prelude::*;

use super::ids::{IdRegistry, Member};
use super::survivorship::{tie_break, MergePolicy, Observation, Survivorship};
use super::{MergedField, Profile, Provenance, SurvivingValue};
use crate::model::{ContactUse, FieldPath, PhoneKind, RecordRef, RefKey, SourceRecord};
use crate::normalize::{NormalizedRecord, RecordNormalizer};
use crate::resolve::{CustomerId, Resolution};

/// Merges customers' records into [`Profile`]s.
///
/// ```
/// use customer360::profile::{IdRegistry, ProfileBuilder};
/// use customer360::{FieldPath, PersonName, Resolver, SourceRecord};
///
/// let records = vec![
///     SourceRecord::new("crm", "1")
///         .name(PersonName::from_parts("John", "Smith"))
///         .email("john.smith@mail-example.com")
///         .birth_date("1985-04-12"),
///     SourceRecord::new("shop", "7")
///         .name(PersonName::from_parts("Jonh", "Smith"))
///         .email("JOHN.SMITH@mail-example.com")
///         .phone("+1 555 123 4567")
///         .birth_date("1985-04-12"),
/// ];
/// let resolution = Resolver::builder().build()?.resolve(&records)?;
/// let mut registry = IdRegistry::default();
/// let profiles = ProfileBuilder::default().build(&resolution, &records, &mut registry);
/// assert_eq!(profiles.len(), 1);
/// let p = &profiles[0];
/// assert_eq!(p.value(&FieldPath::BIRTH_DATE), Some("1985-04-12"));
/// assert_eq!(p.value(&FieldPath::PHONE), Some("+15551234567"));
/// // Both records wrote the e-mail; it survives once, seen in both.
/// assert_eq!(p.values(&FieldPath::EMAIL).next().unwrap().seen_in.len(), 2);
/// # Ok::<(), customer360::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct ProfileBuilder {
    policy: MergePolicy,
    normalizer: RecordNormalizer,
}

impl ProfileBuilder {
    /// A builder with a merge policy and the record normaliser the resolution used.
    pub fn new(policy: MergePolicy, normalizer: RecordNormalizer) -> Self {
        ProfileBuilder { policy, normalizer }
    }

    /// One profile per customer of `resolution`, with IDs from `registry` (which remembers
    /// them for the next run). `records` are the source records that were resolved; records
    /// the resolution does not know are ignored. Profiles come in order of their IDs.
    pub fn build(
        &self,
        resolution: &Resolution,
        records: &[SourceRecord],
        registry: &mut IdRegistry,
    ) -> Vec<Profile> {
        // Looked up by borrowed source and key: no reference is cloned to find a record.
        let by_ref: hashbrown::HashMap<RefKey<'_>, &SourceRecord> =
            records.iter().map(|r| (r.ref_key(), r)).collect();
        let find = |r: &RecordRef| by_ref.get(&r.ref_key()).copied();
        let customers = resolution.customers();
        // Each customer's records, and its members as the registry sees them.
        let (members, clusters): (Vec<Vec<&SourceRecord>>, Vec<Vec<Member>>) = customers
            .par_iter()
            .map(|(_, refs)| {
                let mut members = Vec::with_capacity(refs.len());
                let mut cluster = Vec::with_capacity(refs.len());
                for r in refs {
                    let record = find(r);
                    members.extend(record);
                    cluster.push((r.clone(), record.and_then(|s| s.observed_at)));
                }
                (members, cluster)
            })
            .unzip();
        let ids = registry.assign(clusters);
        // Customers are independent: merged in parallel, then put in ID order.
        let mut profiles: Vec<Profile> = members
            .par_iter()
            .zip(ids)
            .map(|(members, id)| self.merge(id, members))
            .collect();
        profiles.par_sort_by(|a, b| a.id.cmp(&b.id));
        profiles
    }

    /// Merge one customer's records into a profile with the given ID.
    pub fn merge(&self, id: CustomerId, records: &[&SourceRecord]) -> Profile {
        let mut observations: BTreeMap<FieldPath, Vec<Observation>> = BTreeMap::new();
        let mut refs: Vec<RecordRef> = Vec::with_capacity(records.len());
        for record in records {
            refs.push(record.reference());
            let normalized = self.normalizer.normalize(record);
            observe(record, &normalized, &mut observations);
        }
        refs.sort();
        refs.dedup();
        let fields = observations
            .into_iter()
            .filter_map(|(path, obs)| {
                let rule = self.policy.rule_for(&path);
                merge_field(obs, rule).map(|f| (path, f))
            })
            .collect();
        Profile {
            id,
            records: refs,
            fields,
        }
    }
}

fn push(
    observations: &mut BTreeMap<FieldPath, Vec<Observation>>,
    path: FieldPath,
    value: String,
    key: String,
    qualifier: Option<String>,
    provenance: &Provenance,
    completeness: u32,
) {
    if key.is_empty() {
        return;
    }
    observations.entry(path).or_default().push(Observation {
        value,
        key,
        qualifier,
        provenance: provenance.clone(),
        completeness,
    });
}

/// Every usable value of a record, as observations per field. Placeholders and invalid values
/// never survive into a profile (they stay in the source record).
fn observe(
    record: &SourceRecord,
    n: &NormalizedRecord,
    out: &mut BTreeMap<FieldPath, Vec<Observation>>,
) {
    let provenance = Provenance {
        source: record.source.clone(),
        record: record.key.clone(),
        observed_at: record.observed_at,
    };
    for name in &n.names {
        let Some(v) = name.matchable() else { continue };
        let parts = [&v.prefix, &v.given, &v.middle, &v.family, &v.suffix]
            .iter()
            .filter(|p| p.is_some())
            .count() as u32;
        let display = name
            .original
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        push(
            out,
            FieldPath::NAME,
            display.clone(),
            v.to_string(),
            None,
            &provenance,
            parts * 1000 + display.len() as u32,
        );
        for (path, part) in [
            (FieldPath::NAME_GIVEN, &v.given),
            (FieldPath::NAME_MIDDLE, &v.middle),
            (FieldPath::NAME_FAMILY, &v.family),
            (FieldPath::NAME_PREFIX, &v.prefix),
            (FieldPath::NAME_SUFFIX, &v.suffix),
        ] {
            if let Some(p) = part {
                push(
                    out,
                    path,
                    p.clone(),
                    p.clone(),
                    None,
                    &provenance,
                    p.len() as u32,
                );
            }
        }
    }
    for email in &n.emails {
        if let Some(v) = email.address.matchable() {
            let qualifier = (email.usage != ContactUse::Unspecified)
                .then(|| format!("{:?}", email.usage).to_lowercase());
            push(
                out,
                FieldPath::EMAIL,
                v.address().to_owned(),
                v.canonical().to_owned(),
                qualifier,
                &provenance,
                1,
            );
        }
    }
    for phone in &n.phones {
        if let Some(v) = phone.number.matchable() {
            let qualifier = match phone.kind {
                PhoneKind::Unspecified => None,
                PhoneKind::Mobile => Some("mobile".to_owned()),
                PhoneKind::Landline => Some("landline".to_owned()),
                PhoneKind::Work => Some("work".to_owned()),
                PhoneKind::Fax => Some("fax".to_owned()),
            };
            push(
                out,
                FieldPath::PHONE,
                v.to_string(),
                v.e164().to_owned(),
                qualifier,
                &provenance,
                1,
            );
        }
    }
    for (address, raw) in n
        .addresses
        .iter()
        .zip(record.identity.addresses.iter().filter(|a| !a.is_empty()))
    {
        if let Some(v) = address.matchable() {
            let pieces: Vec<&str> = raw
                .lines
                .iter()
                .map(String::as_str)
                .chain(
                    [&raw.locality, &raw.region, &raw.postcode, &raw.country]
                        .into_iter()
                        .filter_map(|p| p.as_deref()),
                )
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .collect();
            let completeness = pieces.len() as u32;
            push(
                out,
                FieldPath::ADDRESS,
                pieces.join(", "),
                v.to_string(),
                None,
                &provenance,
                completeness,
            );
        }
    }
    if let Some(v) = n.birth_date.as_ref().and_then(|d| d.matchable()) {
        let date = v.date.to_string();
        let parts = [
            v.date.year.is_some(),
            v.date.month.is_some(),
            v.date.day.is_some(),
        ]
        .iter()
        .filter(|p| **p)
        .count() as u32;
        push(
            out,
            FieldPath::BIRTH_DATE,
            date.clone(),
            date,
            None,
            &provenance,
            parts,
        );
    }
    if let Some(v) = n.gender.as_ref().and_then(|g| g.matchable()) {
        push(
            out,
            FieldPath::GENDER,
            v.to_string(),
            v.to_string(),
            None,
            &provenance,
            1,
        );
    }
    for id in &n.identifiers {
        if let Some(v) = id.matchable() {
            push(
                out,
                FieldPath::identifier(&v.kind),
                v.value.clone(),
                v.value.clone(),
                v.issuer.clone(),
                &provenance,
                1,
            );
        }
    }
    for (name, value) in &record.custom {
        if let Ok(path) = FieldPath::custom(name) {
            let value = value.trim().to_owned();
            push(out, path, value.clone(), value, None, &provenance, 1);
        }
    }
}

/// The surviving value for one key: the most recent observation of it (ties broken by
/// source and record), seen in every record that holds the key.
fn surviving(observations: &[Observation], of_key: &[usize]) -> SurvivingValue {
    let recent = super::survivorship::MostRecent.narrow(observations, of_key);
    let chosen = tie_break(observations, &recent).unwrap_or(of_key[0]);
    value_of(observations, chosen, of_key)
}

fn value_of(observations: &[Observation], chosen: usize, of_key: &[usize]) -> SurvivingValue {
    let o = &observations[chosen];
    let mut seen_in: Vec<RecordRef> = of_key
        .iter()
        .map(|&i| observations[i].provenance.record_ref())
        .collect();
    seen_in.sort();
    seen_in.dedup();
    SurvivingValue {
        value: o.value.clone(),
        qualifier: o.qualifier.clone(),
        provenance: o.provenance.clone(),
        seen_in,
    }
}

/// Merge one field's observations under a rule. `None` when there are none.
pub(crate) fn merge_field(
    mut observations: Vec<Observation>,
    rule: &dyn Survivorship,
) -> Option<MergedField> {
    if observations.is_empty() {
        return None;
    }
    // A canonical order, so the outcome never depends on the order of the records.
    observations.sort_by(|a, b| {
        (&a.provenance, &a.key, &a.value, &a.qualifier).cmp(&(
            &b.provenance,
            &b.key,
            &b.value,
            &b.qualifier,
        ))
    });
    let mut by_key: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, o) in observations.iter().enumerate() {
        by_key.entry(o.key.as_str()).or_default().push(i);
    }
    let disagreement = by_key.len() > 1;
    if rule.collects() {
        // Every value, by key; then most records first (`seen_in` counts a record holding a
        // value twice once), then most recently seen (a surviving value is its key's most
        // recent observation). The sort is stable: ties stay in key order.
        let mut values: Vec<SurvivingValue> = by_key
            .values()
            .map(|g| surviving(&observations, g))
            .collect();
        values.sort_by_key(|v| {
            (
                std::cmp::Reverse(v.seen_in.len()),
                std::cmp::Reverse(v.provenance.observed_at),
            )
        });
        return Some(MergedField {
            values,
            alternatives: Vec::new(),
            disagreement: false,
            rule: rule.name(),
        });
    }
    let all: Vec<usize> = (0..observations.len()).collect();
    let mut preferred = rule.narrow(&observations, &all);
    if preferred.is_empty() {
        preferred = all;
    }
    let winner = tie_break(&observations, &preferred)?;
    let winner_key = observations[winner].key.as_str();
    let values = vec![value_of(&observations, winner, &by_key[winner_key])];
    let alternatives = by_key
        .iter()
        .filter(|(k, _)| **k != winner_key)
        .map(|(_, g)| surviving(&observations, g))
        .collect();
    Some(MergedField {
        values,
        alternatives,
        disagreement,
        rule: rule.name(),
    })
}
