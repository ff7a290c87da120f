//! Comparison features: what the pair loop compares, computed once per record.
//!
//! Every key is interned into a [`Sym`], so exact agreement is an integer comparison and the
//! text needed for fuzzy comparisons is borrowed from the interner. Values that must not be
//! evidence (placeholders, invalid values, role mailboxes) never become features.

use std::borrow::Cow;

use rphonetic::DoubleMetaphone;
use smallvec::SmallVec;

use crate::compare::similarity::pack_digits;
use crate::model::{IdentifierKind, PhoneKind};
use crate::normalize::{Gender, NormalizedRecord, PartialDate};
use crate::util::fasthash::FastMap;
use crate::util::interner::{Interner, MaybeSym, Sym};

/// One namespace of interned keys per kind of value, so that term frequencies of given names
/// and e-mails never mix.
#[derive(Debug, Default, Clone)]
pub(crate) struct KeySpace {
    /// Name parts (given and family share it, so swapped names compare directly), canonical
    /// given names, cross-script keys and phonetic codes.
    pub(crate) names: Interner,
    pub(crate) emails: Interner,
    pub(crate) phones: Interner,
    pub(crate) addresses: Interner,
    pub(crate) ids: Interner,
}

/// A person name's comparison keys.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct NameFeatures {
    /// Given name, ASCII key without spaces.
    pub(crate) given: MaybeSym,
    /// Canonical given name after nickname resolution.
    pub(crate) given_canonical: MaybeSym,
    /// Double Metaphone code of the given name.
    pub(crate) given_phonetic: MaybeSym,
    /// Cross-script key of the given name.
    pub(crate) given_cross: MaybeSym,
    /// The given name is a single letter.
    pub(crate) given_is_initial: bool,
    /// The first letter of the given name (ASCII).
    pub(crate) given_initial: Option<u8>,
    /// Family name, ASCII key without spaces.
    pub(crate) family: MaybeSym,
    /// Double Metaphone code of the family name.
    pub(crate) family_phonetic: MaybeSym,
    /// Cross-script key of the family name.
    pub(crate) family_cross: MaybeSym,
    /// Generational suffix (`jr`, `sr`, `ii`, `iii`...), which tells father and son apart.
    pub(crate) generation: MaybeSym,
}

/// An e-mail address's comparison keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct EmailFeatures {
    pub(crate) canonical: Sym,
    pub(crate) local: Sym,
    pub(crate) domain: Sym,
}

/// A phone number's comparison keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PhoneFeatures {
    pub(crate) e164: Sym,
    /// The digits of `e164` [packed](crate::compare::similarity::pack_digits), so that two
    /// numbers are checked for a typo without reading their text; `0` when they do not pack.
    pub(crate) digits: u64,
    /// The last seven digits of the national number: the subscriber part, which survives a
    /// missing or wrong area or country code.
    pub(crate) subscriber: Sym,
    /// A fixed line: shared by a household, so agreement on it is not person-specific.
    pub(crate) landline: bool,
}

/// A postal address's comparison keys.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct AddressFeatures {
    pub(crate) house: MaybeSym,
    pub(crate) street: MaybeSym,
    /// Sorted, deduplicated street-line tokens.
    pub(crate) tokens: SmallVec<[Sym; 4]>,
    pub(crate) postcode: MaybeSym,
    pub(crate) locality: MaybeSym,
}

/// A typed identifier's comparison keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct IdFeatures {
    /// Kind and issuer, interned together (`national_id/IR`).
    pub(crate) scheme: Sym,
    pub(crate) kind_is_exclusive: bool,
    pub(crate) kind_is_national: bool,
    pub(crate) value: Sym,
    /// A check digit or structure rule verified it: a different verified value is a different
    /// person, not a typo.
    pub(crate) verified: bool,
}

/// Everything the comparisons look at for one record.
///
/// Most records hold one name, e-mail, address and birth date and no identifier, so each list
/// keeps its usual number of entries inline: a record's features are one contiguous block,
/// built without allocating, and a comparison touches a cache line or two per record
/// instead of one per list.
#[derive(Debug, Clone, Default)]
pub(crate) struct RecordFeatures {
    pub(crate) names: SmallVec<[NameFeatures; 1]>,
    pub(crate) emails: SmallVec<[EmailFeatures; 1]>,
    pub(crate) phones: SmallVec<[PhoneFeatures; 2]>,
    /// Every reading of the birth date (two when it was ambiguous).
    pub(crate) birth: SmallVec<[PartialDate; 1]>,
    pub(crate) addresses: SmallVec<[AddressFeatures; 1]>,
    pub(crate) ids: SmallVec<[IdFeatures; 1]>,
    pub(crate) gender: Option<Gender>,
}

/// Turns normalised records into features, interning keys into a shared [`KeySpace`].
pub(crate) struct FeatureBuilder {
    metaphone: DoubleMetaphone,
    scratch: String,
    /// Phonetic codes by name symbol: names repeat, and encoding allocates.
    phonetic_of: FastMap<Sym, Sym>,
}

impl Default for FeatureBuilder {
    fn default() -> Self {
        FeatureBuilder {
            metaphone: DoubleMetaphone::new(None),
            scratch: String::new(),
            phonetic_of: FastMap::default(),
        }
    }
}

const GENERATIONS: &[&str] = &["jr", "sr", "ii", "iii", "iv", "v"];

impl FeatureBuilder {
    pub(crate) fn build(
        &mut self,
        record: &NormalizedRecord,
        keys: &mut KeySpace,
    ) -> RecordFeatures {
        let mut f = RecordFeatures::default();
        for name in record.names.iter().filter_map(|n| n.matchable()) {
            let given = Self::compact(name.keys.given_ascii.as_deref());
            let family = Self::compact(name.keys.family_ascii.as_deref());
            let given_sym = given.as_deref().map(|g| keys.names.intern(g));
            let family_sym = family.as_deref().map(|g| keys.names.intern(g));
            let features = NameFeatures {
                given_is_initial: given.as_ref().is_some_and(|g| g.len() == 1),
                given_initial: given.as_ref().and_then(|g| g.bytes().next()),
                given_phonetic: given
                    .as_deref()
                    .zip(given_sym)
                    .filter(|(g, _)| g.len() > 1)
                    .map(|(g, sym)| self.phonetic(g, sym, &mut keys.names))
                    .into(),
                given: given_sym.into(),
                given_canonical: name
                    .given_canonical
                    .as_deref()
                    .filter(|c| !c.is_empty())
                    .map(|c| keys.names.intern(c))
                    .into(),
                given_cross: nonempty(name.keys.given_cross_script.as_deref())
                    .map(|c| keys.names.intern(c))
                    .into(),
                family_phonetic: family
                    .as_deref()
                    .zip(family_sym)
                    .filter(|(f, _)| f.len() > 1)
                    .map(|(f, sym)| self.phonetic(f, sym, &mut keys.names))
                    .into(),
                family: family_sym.into(),
                family_cross: nonempty(name.keys.family_cross_script.as_deref())
                    .map(|c| keys.names.intern(c))
                    .into(),
                generation: name
                    .suffix
                    .as_deref()
                    .and_then(|s| s.split(' ').find(|w| GENERATIONS.contains(w)))
                    .map(|g| keys.names.intern(g))
                    .into(),
            };
            if given_sym.is_some() || family_sym.is_some() {
                f.names.push(features);
            }
        }
        for email in record.emails.iter().filter_map(|e| e.address.matchable()) {
            if email.is_role() {
                continue;
            }
            f.emails.push(EmailFeatures {
                canonical: keys.emails.intern(email.canonical()),
                local: keys
                    .emails
                    .intern(email.canonical().split('@').next().unwrap_or("")),
                domain: keys.emails.intern(email.domain()),
            });
        }
        for (phone, kind) in record
            .phones
            .iter()
            .filter_map(|p| p.number.matchable().map(|n| (n, p.kind)))
        {
            f.phones.push(PhoneFeatures {
                e164: keys.phones.intern(phone.e164()),
                digits: pack_digits(phone.e164().trim_start_matches('+')),
                subscriber: keys.phones.intern(phone.last_digits(7)),
                landline: kind == PhoneKind::Landline,
            });
        }
        if let Some(birth) = record.birth_date.as_ref().and_then(|d| d.matchable()) {
            f.birth.extend(birth.readings());
        }
        for address in record.addresses.iter().filter_map(|a| a.matchable()) {
            let mut tokens: SmallVec<[Sym; 4]> = address
                .street
                .iter()
                .flat_map(|s| s.split(' '))
                .filter(|t| !t.is_empty())
                .map(|t| keys.addresses.intern(t))
                .collect();
            tokens.sort_unstable();
            tokens.dedup();
            let mut key = |part: &Option<String>| -> MaybeSym {
                nonempty(part.as_deref())
                    .map(|text| keys.addresses.intern(text))
                    .into()
            };
            let features = AddressFeatures {
                house: key(&address.house_number),
                street: key(&address.street),
                tokens,
                postcode: key(&address.postcode),
                locality: key(&address.locality),
            };
            if features != AddressFeatures::default() {
                f.addresses.push(features);
            }
        }
        for (id, flags) in record
            .identifiers
            .iter()
            .filter_map(|n| n.matchable().map(|v| (v, n.flags)))
        {
            self.scratch.clear();
            self.scratch.push_str(id.kind.as_str());
            self.scratch.push('/');
            self.scratch.push_str(id.issuer.as_deref().unwrap_or(""));
            f.ids.push(IdFeatures {
                scheme: keys.ids.intern(&self.scratch),
                kind_is_exclusive: id.kind.is_exclusive(),
                kind_is_national: matches!(
                    id.kind,
                    IdentifierKind::NationalId | IdentifierKind::Passport | IdentifierKind::TaxId
                ),
                value: keys.ids.intern(&id.value),
                verified: flags.contains(crate::normalize::ValueFlags::VERIFIED),
            });
        }
        f.gender = record.gender.as_ref().and_then(|g| g.matchable().copied());
        f
    }

    /// Ask for the table slots of `record`'s most numerous keys (e-mails, phones, streets,
    /// names) before [`build`](Self::build) interns them: called a few records ahead, the
    /// loads overlap with building the records in between. A hint only.
    pub(crate) fn prefetch(record: &NormalizedRecord, keys: &KeySpace) {
        for name in record.names.iter().filter_map(|n| n.matchable()) {
            for key in [&name.keys.given_ascii, &name.keys.family_ascii]
                .into_iter()
                .flatten()
            {
                keys.names.prefetch(key);
            }
        }
        for email in record.emails.iter().filter_map(|e| e.address.matchable()) {
            keys.emails.prefetch(email.canonical());
            keys.emails
                .prefetch(email.canonical().split('@').next().unwrap_or(""));
        }
        for phone in record.phones.iter().filter_map(|p| p.number.matchable()) {
            keys.phones.prefetch(phone.e164());
            keys.phones.prefetch(phone.last_digits(7));
        }
        for address in record.addresses.iter().filter_map(|a| a.matchable()) {
            if let Some(street) = &address.street {
                keys.addresses.prefetch(street);
            }
        }
    }

    /// An ASCII key with its spaces removed, or `None` when empty. Borrowed when it has no
    /// space, as nearly every name part has.
    fn compact(key: Option<&str>) -> Option<Cow<'_, str>> {
        let key = key?;
        let compact = if key.contains(' ') {
            Cow::Owned(key.chars().filter(|c| *c != ' ').collect())
        } else {
            Cow::Borrowed(key)
        };
        (!compact.is_empty()).then_some(compact)
    }

    /// The phonetic code of name `ascii`, whose symbol is `name`.
    fn phonetic(&mut self, ascii: &str, name: Sym, names: &mut Interner) -> Sym {
        if let Some(&code) = self.phonetic_of.get(&name) {
            return code;
        }
        let code = self.metaphone.double_metaphone(ascii).primary();
        // Phonetic codes live beside names; a prefix keeps "#smt" from meeting a name "smt".
        let mut key = String::with_capacity(code.len() + 1);
        key.push('#');
        key.push_str(&code);
        let code = names.intern(&key);
        self.phonetic_of.insert(name, code);
        code
    }
}

fn nonempty(s: Option<&str>) -> Option<&str> {
    s.filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::RecordFeatures;

    /// A million records' features are held at once and read at random by the pair loop:
    /// a field that makes them bigger should be a decision, not an accident.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn record_features_stay_small() {
        assert!(std::mem::size_of::<RecordFeatures>() <= 232);
    }
}
