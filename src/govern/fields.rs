//! Taking one field out of a source record, keeping what was taken.

use serde_json::Value;

use crate::model::{FieldPath, SourceRecord};

fn to_value<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// Remove every value of the field `path` (as [`SourceRecord::present_fields`] reports it)
/// from `record`, returning the removed values as JSON so nothing is silently lost.
pub(crate) fn take_field(record: &mut SourceRecord, path: &FieldPath) -> Vec<Value> {
    let mut taken = Vec::new();
    let id = &mut record.identity;
    let name_part = |n: &mut crate::model::PersonName, p: &FieldPath| -> Option<String> {
        match p.as_str() {
            "identity.name.full" => n.full.take(),
            "identity.name.prefix" => n.prefix.take(),
            "identity.name.given" => n.given.take(),
            "identity.name.middle" => n.middle.take(),
            "identity.name.family" => n.family.take(),
            "identity.name.suffix" => n.suffix.take(),
            _ => None,
        }
    };
    match path.as_str() {
        "identity.name" => taken.extend(id.names.drain(..).map(|n| to_value(&n))),
        p if p.starts_with("identity.name.") => {
            for n in &mut id.names {
                if let Some(v) = name_part(n, path) {
                    taken.push(Value::String(v));
                }
            }
            id.names.retain(|n| {
                [
                    &n.full, &n.prefix, &n.given, &n.middle, &n.family, &n.suffix,
                ]
                .iter()
                .any(|x| x.is_some())
            });
        }
        "identity.email" => taken.extend(id.emails.drain(..).map(|e| to_value(&e))),
        "identity.phone" => taken.extend(id.phones.drain(..).map(|e| to_value(&e))),
        "identity.address" => taken.extend(id.addresses.drain(..).map(|e| to_value(&e))),
        "identity.birth_date" => taken.extend(id.birth_date.take().map(Value::String)),
        "identity.gender" => taken.extend(id.gender.take().map(Value::String)),
        "identity.identifier" => taken.extend(id.identifiers.drain(..).map(|e| to_value(&e))),
        p if p.starts_with("identity.identifier.") => {
            let (gone, kept) = std::mem::take(&mut id.identifiers)
                .into_iter()
                .partition(|i| FieldPath::identifier(&i.kind) == *path);
            id.identifiers = kept;
            taken.extend(gone.iter().map(to_value));
        }
        "identity" => {
            taken.push(to_value(id));
            *id = Default::default();
        }
        "facts" => {
            taken.push(to_value(&record.facts));
            record.facts = Default::default();
        }
        "facts.orders" => taken.extend(record.facts.orders.drain(..).map(|e| to_value(&e))),
        "facts.transactions" => {
            taken.extend(record.facts.transactions.drain(..).map(|e| to_value(&e)))
        }
        "facts.holdings" => taken.extend(record.facts.holdings.drain(..).map(|e| to_value(&e))),
        "interactions" => taken.extend(record.interactions.drain(..).map(|e| to_value(&e))),
        "interactions.soft" => {
            for i in &mut record.interactions {
                if !i.soft.is_empty() {
                    taken.push(to_value(&std::mem::take(&mut i.soft)));
                }
            }
        }
        "interactions.soft.sentiment" => {
            for i in &mut record.interactions {
                taken.extend(i.soft.sentiment.take().map(|v| to_value(&v)));
            }
        }
        "interactions.soft.mood" => {
            for i in &mut record.interactions {
                taken.extend(i.soft.mood.take().map(|v| to_value(&v)));
            }
        }
        "interactions.soft.feedback" => {
            for i in &mut record.interactions {
                taken.extend(i.soft.feedback.take().map(|v| to_value(&v)));
            }
        }
        "interactions.soft.notes" => {
            for i in &mut record.interactions {
                taken.extend(i.soft.notes.drain(..).map(|v| to_value(&v)));
            }
        }
        "notes" => taken.extend(record.notes.drain(..).map(|e| to_value(&e))),
        "custom" => {
            taken.extend(
                std::mem::take(&mut record.custom)
                    .into_iter()
                    .map(|(k, v)| serde_json::json!({ k: v })),
            );
        }
        p if p.starts_with("custom.") => {
            let name = &p["custom.".len()..];
            taken.extend(record.custom.remove(name).map(Value::String));
        }
        _ => {}
    }
    taken
}

/// Custom attributes whose names cannot form a field path (they are reported as `custom`).
pub(crate) fn take_unnamed_custom(record: &mut SourceRecord) -> Vec<Value> {
    let bad: Vec<String> = record
        .custom
        .keys()
        .filter(|k| FieldPath::custom(k).is_err())
        .cloned()
        .collect();
    bad.into_iter()
        .filter_map(|k| {
            record
                .custom
                .remove(&k)
                .map(|v| serde_json::json!({ k: v }))
        })
        .collect()
}
