//! Comparison features: what the pair loop compares, computed once per record.
//!
//! Every key is interned into a [`Sym`], so exact agreement is an integer comparison and the
//! text needed for fuzzy comparisons is borrowed from the interner. Values that must not be
//! evidence (placeholders, invalid values, role mailboxes) never become features.

use std::borrow::Cow;

use rphonetic::DoubleMetaphone;
use smallvec::SmallVec;

use crate::compare::similarity::{pack_digits, Sketch};
use crate::model::{IdentifierKind, PhoneKind};
use crate::normalize::{without_spaces, Gender, NormalizedRecord, PartialDate};
use crate::util::fasthash::FastMap;
use crate::util::interner::{Interner, KeyHasher, MaybeSym, Sym};

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
    /// The first letter of the family name (ASCII).
    pub(crate) family_initial: Option<u8>,
    /// What the one-edit and Jaro–Winkler checks can tell of the given name without reading it.
    pub(crate) given_sketch: Sketch,
    /// What the one-edit and Jaro–Winkler checks can tell of the family name without reading it.
    pub(crate) family_sketch: Sketch,
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
    /// What the one-edit check can tell of the local part without reading it (in the four
    /// bytes that the list's inline storage had spare).
    pub(crate) local_sketch: Sketch,
}

/// A phone number's comparison keys: 16 bytes, so that a record's usual two fit in 32.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PhoneFeatures {
    pub(crate) e164: Sym,
    /// The last seven digits of the national number: the subscriber part, which survives a
    /// missing or wrong area or country code.
    pub(crate) subscriber: Sym,
    /// [`digits`](Self::digits), with [`landline`](Self::landline) in the top bit, which
    /// packed digits never use (fifteen digits take 60 bits).
    digits_and_line: u64,
}

const _: () = assert!(std::mem::size_of::<PhoneFeatures>() == 16);

impl PhoneFeatures {
    const LANDLINE: u64 = 1 << 63;

    /// `digits` are the number's [packed](crate::compare::similarity::pack_digits) digits.
    pub(crate) fn new(e164: Sym, subscriber: Sym, digits: u64, landline: bool) -> Self {
        debug_assert_eq!(
            digits & Self::LANDLINE,
            0,
            "packed digits take at most 60 bits"
        );
        PhoneFeatures {
            e164,
            subscriber,
            digits_and_line: digits & !Self::LANDLINE | if landline { Self::LANDLINE } else { 0 },
        }
    }

    /// The digits of `e164` [packed](crate::compare::similarity::pack_digits), so that two
    /// numbers are checked for a typo without reading their text; `0` when they do not pack.
    pub(crate) fn digits(&self) -> u64 {
        self.digits_and_line & !Self::LANDLINE
    }

    /// A fixed line: shared by a household, so agreement on it is not person-specific.
    pub(crate) fn landline(&self) -> bool {
        self.digits_and_line & Self::LANDLINE != 0
    }
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
    /// What the one-edit check can tell of the postcode without reading it.
    pub(crate) postcode_sketch: Sketch,
    /// What the Jaro–Winkler check can tell of the locality without reading it.
    pub(crate) locality_sketch: Sketch,
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

/// Which interner of a [`KeySpace`] a key goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Space {
    Names,
    Emails,
    Phones,
    Addresses,
    Ids,
}

impl Space {
    /// Every space, in declaration order: `space as usize` is its index here.
    const ALL: [Space; 5] = [
        Space::Names,
        Space::Emails,
        Space::Phones,
        Space::Addresses,
        Space::Ids,
    ];
}

impl KeySpace {
    fn interner(&mut self, space: Space) -> &mut Interner {
        match space {
            Space::Names => &mut self.names,
            Space::Emails => &mut self.emails,
            Space::Phones => &mut self.phones,
            Space::Addresses => &mut self.addresses,
            Space::Ids => &mut self.ids,
        }
    }

    fn interner_ref(&self, space: Space) -> &Interner {
        match space {
            Space::Names => &self.names,
            Space::Emails => &self.emails,
            Space::Phones => &self.phones,
            Space::Addresses => &self.addresses,
            Space::Ids => &self.ids,
        }
    }

    /// Free every interner's lookup table ([`Interner::release_table`]): keys resolve as
    /// before, and the next key interned builds its space's table again.
    pub(crate) fn release_tables(&mut self) {
        for space in Space::ALL {
            self.interner(space).release_table();
        }
    }

    /// Copies of the interners' hash functions, for [`PendingFeatures::of`] on other threads.
    pub(crate) fn hashers(&self) -> KeyHashers {
        KeyHashers(Space::ALL.map(|space| self.interner_ref(space).hasher()))
    }
}

/// The hash functions of a [`KeySpace`]'s interners, one per [`Space`] in [`Space::ALL`]'s
/// order: keys hashed where their features are taken are not hashed again to be interned.
#[derive(Debug, Clone)]
pub(crate) struct KeyHashers([KeyHasher; 5]);

impl KeyHashers {
    fn hash(&self, space: Space, text: &str) -> u64 {
        self.0[space as usize].hash(text)
    }
}

/// One key of a [`PendingFeatures`], in the order they are interned: 16 bytes.
#[derive(Debug, Clone, Copy)]
enum PendingKey {
    /// A text of `len` bytes in [`PendingFeatures::texts`], starting where the previous text
    /// ended, with its hash in its space's interner.
    Text { space: Space, len: u32, hash: u64 },
    /// The phonetic code of the name that is key number `name`.
    Phonetic { name: u32 },
}

const _: () = assert!(std::mem::size_of::<PendingKey>() == 16);

/// Keys a [`PendingFeatures`] holds without allocating. Generated records have 13 keys on
/// average; a name, an e-mail, two phones and an address make about 20, which fewer than
/// 1 % of records exceed (16 left 23 % of them on the heap, to be freed by the interning
/// thread).
const INLINE_KEYS: usize = 20;

/// A record's features, with every key still a text: what [`PendingFeatures::of`] makes of a
/// normalised record, and [`FeatureBuilder::finish`] interns.
///
/// Interning numbers keys in arrival order, so it runs on one thread; everything else about
/// features is a pure function of the record. Splitting the two lets batch resolution build
/// pending features on the thread that normalised the record, while its strings are still in
/// that core's cache, and free the normalised record there, where it was allocated (a free
/// from another thread costs more, and so does the next allocation of that memory). What
/// crosses to the interning thread is one buffer of texts a record, not thirty strings.
#[derive(Debug, Clone, Default)]
pub(crate) struct PendingFeatures {
    /// Features whose symbols are indices into `keys`.
    features: RecordFeatures,
    /// Every text key, end to end.
    texts: String,
    /// Every key, in the order met: a pending symbol is its index here.
    keys: SmallVec<[PendingKey; INLINE_KEYS]>,
}

impl PendingFeatures {
    /// The features of `record`, keys not yet interned but hashed with `hashers`, which
    /// must be those of the [`KeySpace`] they will be interned into.
    pub(crate) fn of(record: &NormalizedRecord, hashers: &KeyHashers) -> PendingFeatures {
        let mut pending = Pending {
            hashers,
            features: PendingFeatures {
                // Enough for a record with a name, an e-mail, a phone and an address: the
                // buffer rarely grows.
                texts: String::with_capacity(160),
                ..PendingFeatures::default()
            },
        };
        pending.features.features = pending.build(record);
        pending.features
    }
}

/// [`PendingFeatures`] being taken, with the hash functions for their keys.
struct Pending<'a> {
    hashers: &'a KeyHashers,
    features: PendingFeatures,
}

impl Pending<'_> {
    /// The pending symbol of `text` in `space`.
    fn key(&mut self, space: Space, text: &str) -> Sym {
        let hash = self.hashers.hash(space, text);
        // The interner holds the same bound.
        let len = u32::try_from(text.len()).expect("keys are bounded far below 4 GiB");
        self.features.texts.push_str(text);
        self.push(PendingKey::Text { space, len, hash })
    }

    /// The pending symbol of the phonetic code of the name whose pending symbol is `name`.
    fn phonetic(&mut self, name: Sym) -> Sym {
        self.push(PendingKey::Phonetic { name })
    }

    fn push(&mut self, key: PendingKey) -> Sym {
        let keys = &mut self.features.keys;
        keys.push(key);
        // A record's keys are far fewer than 2^32: each is a value of a bounded size.
        (keys.len() - 1) as Sym
    }

    fn build(&mut self, record: &NormalizedRecord) -> RecordFeatures {
        let mut f = RecordFeatures::default();
        for name in record.names.iter().filter_map(|n| n.matchable()) {
            let given = FeatureBuilder::compact(name.keys.given_ascii.as_deref());
            let family = FeatureBuilder::compact(name.keys.family_ascii.as_deref());
            let given_sym = given.as_deref().map(|g| self.key(Space::Names, g));
            let family_sym = family.as_deref().map(|g| self.key(Space::Names, g));
            let features = NameFeatures {
                given_is_initial: given.as_ref().is_some_and(|g| g.len() == 1),
                given_initial: given.as_ref().and_then(|g| g.bytes().next()),
                family_initial: family.as_ref().and_then(|f| f.bytes().next()),
                given_sketch: sketch(given.as_deref()),
                family_sketch: sketch(family.as_deref()),
                given_phonetic: given
                    .as_deref()
                    .zip(given_sym)
                    .filter(|(g, _)| g.len() > 1)
                    .map(|(_, sym)| self.phonetic(sym))
                    .into(),
                given: given_sym.into(),
                // Usually the given name itself (`robert` for `robert`): the same text
                // interns to the same symbol, so it is neither copied nor hashed again.
                given_canonical: name
                    .given_canonical
                    .as_deref()
                    .filter(|c| !c.is_empty())
                    .map(|c| match given.as_deref().zip(given_sym) {
                        Some((g, sym)) if g == c => sym,
                        _ => self.key(Space::Names, c),
                    })
                    .into(),
                given_cross: nonempty(name.keys.given_cross_script.as_deref())
                    .map(|c| self.key(Space::Names, c))
                    .into(),
                family_phonetic: family
                    .as_deref()
                    .zip(family_sym)
                    .filter(|(f, _)| f.len() > 1)
                    .map(|(_, sym)| self.phonetic(sym))
                    .into(),
                family: family_sym.into(),
                family_cross: nonempty(name.keys.family_cross_script.as_deref())
                    .map(|c| self.key(Space::Names, c))
                    .into(),
                generation: name
                    .suffix
                    .as_deref()
                    .and_then(|s| s.split(' ').find(|w| GENERATIONS.contains(w)))
                    .map(|g| self.key(Space::Names, g))
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
            let local = email.canonical().split('@').next().unwrap_or("");
            f.emails.push(EmailFeatures {
                canonical: self.key(Space::Emails, email.canonical()),
                local: self.key(Space::Emails, local),
                domain: self.key(Space::Emails, email.domain()),
                local_sketch: sketch(Some(local)),
            });
        }
        for (phone, kind) in record
            .phones
            .iter()
            .filter_map(|p| p.number.matchable().map(|n| (n, p.kind)))
        {
            let e164 = self.key(Space::Phones, phone.e164());
            f.phones.push(PhoneFeatures::new(
                e164,
                self.key(Space::Phones, phone.last_digits(7)),
                pack_digits(phone.e164().trim_start_matches('+')),
                kind == PhoneKind::Landline,
            ));
        }
        if let Some(birth) = record.birth_date.as_ref().and_then(|d| d.matchable()) {
            f.birth.extend(birth.readings());
        }
        for address in record.addresses.iter().filter_map(|a| a.matchable()) {
            // Sorted and deduplicated once interned, by symbol.
            let tokens: SmallVec<[Sym; 4]> = address
                .street
                .iter()
                .flat_map(|s| s.split(' '))
                .filter(|t| !t.is_empty())
                .map(|t| self.key(Space::Addresses, t))
                .collect();
            let mut key = |part: &Option<String>| -> MaybeSym {
                nonempty(part.as_deref())
                    .map(|text| self.key(Space::Addresses, text))
                    .into()
            };
            let features = AddressFeatures {
                house: key(&address.house_number),
                street: key(&address.street),
                tokens,
                postcode: key(&address.postcode),
                locality: key(&address.locality),
                postcode_sketch: sketch(address.postcode.as_deref()),
                locality_sketch: sketch(address.locality.as_deref()),
            };
            if features != AddressFeatures::default() {
                f.addresses.push(features);
            }
        }
        let mut scheme = String::new();
        for (id, flags) in record
            .identifiers
            .iter()
            .filter_map(|n| n.matchable().map(|v| (v, n.flags)))
        {
            scheme.clear();
            scheme.push_str(id.kind.as_str());
            scheme.push('/');
            scheme.push_str(id.issuer.as_deref().unwrap_or(""));
            f.ids.push(IdFeatures {
                scheme: self.key(Space::Ids, &scheme),
                kind_is_exclusive: id.kind.is_exclusive(),
                kind_is_national: matches!(
                    id.kind,
                    IdentifierKind::NationalId | IdentifierKind::Passport | IdentifierKind::TaxId
                ),
                value: self.key(Space::Ids, &id.value),
                verified: flags.contains(crate::normalize::ValueFlags::VERIFIED),
            });
        }
        f.gender = record.gender.as_ref().and_then(|g| g.matchable().copied());
        f
    }
}

impl RecordFeatures {
    /// Every symbol replaced by what `f` makes of it. Fields are named in full, so that a new
    /// symbol field cannot be forgotten here.
    fn map_syms(&mut self, mut f: impl FnMut(Sym) -> Sym) {
        let maybe = |m: &mut MaybeSym, f: &mut dyn FnMut(Sym) -> Sym| {
            if let Some(sym) = m.get() {
                *m = Some(f(sym)).into();
            }
        };
        let RecordFeatures {
            names,
            emails,
            phones,
            birth: _,
            addresses,
            ids,
            gender: _,
        } = self;
        for name in names {
            let NameFeatures {
                given,
                given_canonical,
                given_phonetic,
                given_cross,
                given_is_initial: _,
                given_initial: _,
                family_initial: _,
                given_sketch: _,
                family_sketch: _,
                family,
                family_phonetic,
                family_cross,
                generation,
            } = name;
            for m in [
                given,
                given_canonical,
                given_phonetic,
                given_cross,
                family,
                family_phonetic,
                family_cross,
                generation,
            ] {
                maybe(m, &mut f);
            }
        }
        for EmailFeatures {
            canonical,
            local,
            domain,
            local_sketch: _,
        } in emails
        {
            for sym in [canonical, local, domain] {
                *sym = f(*sym);
            }
        }
        for PhoneFeatures {
            e164,
            subscriber,
            digits_and_line: _,
        } in phones
        {
            for sym in [e164, subscriber] {
                *sym = f(*sym);
            }
        }
        for AddressFeatures {
            house,
            street,
            tokens,
            postcode,
            locality,
            postcode_sketch: _,
            locality_sketch: _,
        } in addresses
        {
            for m in [house, street, postcode, locality] {
                maybe(m, &mut f);
            }
            for token in tokens.iter_mut() {
                *token = f(*token);
            }
            tokens.sort_unstable();
            tokens.dedup();
        }
        for IdFeatures {
            scheme,
            kind_is_exclusive: _,
            kind_is_national: _,
            value,
            verified: _,
        } in ids
        {
            for sym in [scheme, value] {
                *sym = f(*sym);
            }
        }
    }
}

/// Turns normalised records into features, interning keys into a shared [`KeySpace`].
pub(crate) struct FeatureBuilder {
    metaphone: DoubleMetaphone,
    /// Phonetic codes by name symbol: names repeat, and encoding allocates.
    phonetic_of: FastMap<Sym, Sym>,
}

impl Default for FeatureBuilder {
    fn default() -> Self {
        FeatureBuilder {
            metaphone: DoubleMetaphone::new(None),
            phonetic_of: FastMap::default(),
        }
    }
}

const GENERATIONS: &[&str] = &["jr", "sr", "ii", "iii", "iv", "v"];

impl FeatureBuilder {
    /// The features of `record`, its keys interned into `keys`:
    /// [`finish`](Self::finish) of [`PendingFeatures::of`].
    pub(crate) fn build(
        &mut self,
        record: &NormalizedRecord,
        keys: &mut KeySpace,
    ) -> RecordFeatures {
        self.finish(PendingFeatures::of(record, &keys.hashers()), keys)
    }

    /// Intern `pending`'s keys into `keys`, in the order they were met, and give its
    /// features their symbols.
    pub(crate) fn finish(
        &mut self,
        pending: PendingFeatures,
        keys: &mut KeySpace,
    ) -> RecordFeatures {
        let PendingFeatures {
            mut features,
            texts,
            keys: pending_keys,
        } = pending;
        // Each key's symbol, and where its text is.
        let mut syms: SmallVec<[(Sym, usize, usize); INLINE_KEYS]> = SmallVec::new();
        let mut start = 0;
        for key in &pending_keys {
            let (sym, text) = match *key {
                PendingKey::Text { space, len, hash } => {
                    let end = start + len as usize;
                    let text = (start, end);
                    start = end;
                    let sym = keys
                        .interner(space)
                        .intern_hashed(&texts[text.0..text.1], hash);
                    (sym, text)
                }
                PendingKey::Phonetic { name } => {
                    let (name, from, to) = syms[name as usize];
                    (
                        self.phonetic(&texts[from..to], name, &mut keys.names),
                        (0, 0),
                    )
                }
            };
            syms.push((sym, text.0, text.1));
        }
        features.map_syms(|pending| syms[pending as usize].0);
        features
    }

    /// Ask for the table slots of `pending`'s keys before [`finish`](Self::finish) interns
    /// them: called a few records ahead, the loads overlap with finishing the records in
    /// between. A hint only.
    pub(crate) fn prefetch(pending: &PendingFeatures, keys: &KeySpace) {
        for key in &pending.keys {
            if let PendingKey::Text { space, hash, .. } = *key {
                keys.interner_ref(space).prefetch_hashed(hash);
            }
        }
    }

    /// An ASCII key with its spaces removed, or `None` when empty. Borrowed when it has no
    /// space, as nearly every name part has.
    fn compact(key: Option<&str>) -> Option<Cow<'_, str>> {
        key.map(without_spaces).filter(|k| !k.is_empty())
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

/// The sketch of a key's text; an absent key's is the empty string's.
fn sketch(text: Option<&str>) -> Sketch {
    Sketch::of(text.unwrap_or("").as_bytes())
}

#[cfg(test)]
mod tests {
    use super::{FeatureBuilder, KeySpace, RecordFeatures};
    use crate::model::{Identifier, IdentifierKind, PersonName, PostalAddress, SourceRecord};
    use crate::normalize::RecordNormalizer;

    /// Every symbol of finished features names the text it was made from. Pending keys are
    /// numbered per record and replaced once interned: a symbol field left out of that
    /// replacement would keep its pending number and name some other text.
    #[test]
    fn finished_features_name_their_own_texts() {
        let record = SourceRecord::new("crm", "1")
            .name(PersonName {
                given: Some("Bob".into()),
                family: Some("Smith".into()),
                suffix: Some("Jr".into()),
                ..PersonName::default()
            })
            .name(PersonName::from_parts("سارا", "احمدی"))
            .email("Bob.Smith@Fastmail.com")
            .phone("+1 555 123 4567")
            .address(PostalAddress {
                lines: vec!["12 Main Street".into()],
                locality: Some("Springfield".into()),
                postcode: Some("62704".into()),
                ..PostalAddress::default()
            })
            .identifier(
                Identifier::new(IdentifierKind::NationalId, "۰۴۹-۹۳۷۰۸۹-۹").with_issuer("ir"),
            );
        let normalized = RecordNormalizer::default().normalize(&record);
        let mut keys = KeySpace::default();
        // Other keys first, so that no symbol equals its pending number by chance.
        for filler in ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"] {
            for interner in [
                &mut keys.names,
                &mut keys.emails,
                &mut keys.phones,
                &mut keys.addresses,
                &mut keys.ids,
            ] {
                interner.intern(filler);
            }
        }
        let f = FeatureBuilder::default().build(&normalized, &mut keys);

        let text = |interner: &crate::util::interner::Interner, sym: super::MaybeSym| {
            sym.get().map(|s| interner.resolve(s).to_owned())
        };
        assert_eq!(f.names.len(), 2);
        for (features, name) in f.names.iter().zip(&normalized.names) {
            let name = name.value.as_ref().unwrap();
            let names = &keys.names;
            assert_eq!(text(names, features.given), name.keys.given_ascii);
            assert_eq!(text(names, features.family), name.keys.family_ascii);
            assert_eq!(
                text(names, features.given_cross),
                name.keys.given_cross_script
            );
            assert_eq!(
                text(names, features.family_cross),
                name.keys.family_cross_script
            );
            assert!(text(names, features.given_phonetic)
                .unwrap()
                .starts_with('#'));
            assert!(text(names, features.family_phonetic)
                .unwrap()
                .starts_with('#'));
        }
        let bob = &f.names[0];
        assert_eq!(
            text(&keys.names, bob.given_canonical).as_deref(),
            Some("robert")
        );
        assert_eq!(text(&keys.names, bob.generation).as_deref(), Some("jr"));

        let email = normalized.emails[0].address.value.as_ref().unwrap();
        let e = f.emails[0];
        assert_eq!(keys.emails.resolve(e.canonical), email.canonical());
        assert_eq!(
            keys.emails.resolve(e.local),
            email.canonical().split('@').next().unwrap()
        );
        assert_eq!(keys.emails.resolve(e.domain), email.domain());

        let phone = normalized.phones[0].number.value.as_ref().unwrap();
        assert_eq!(keys.phones.resolve(f.phones[0].e164), phone.e164());
        assert_eq!(
            keys.phones.resolve(f.phones[0].subscriber),
            phone.last_digits(7)
        );

        let address = normalized.addresses[0].value.as_ref().unwrap();
        let a = &f.addresses[0];
        let addresses = &keys.addresses;
        assert_eq!(text(addresses, a.house), address.house_number);
        assert_eq!(text(addresses, a.street), address.street);
        assert_eq!(text(addresses, a.postcode), address.postcode);
        assert_eq!(text(addresses, a.locality), address.locality);
        let mut tokens: Vec<&str> = a.tokens.iter().map(|&t| addresses.resolve(t)).collect();
        assert!(
            a.tokens.windows(2).all(|w| w[0] < w[1]),
            "sorted by symbol, no repeats"
        );
        tokens.sort_unstable();
        let mut expected: Vec<&str> = address.street.as_deref().unwrap().split(' ').collect();
        expected.sort_unstable();
        assert_eq!(tokens, expected);

        let id = normalized.identifiers[0].value.as_ref().unwrap();
        assert_eq!(keys.ids.resolve(f.ids[0].value), id.value);
        let scheme = format!(
            "{}/{}",
            id.kind.as_str(),
            id.issuer.as_deref().unwrap_or("")
        );
        assert_eq!(keys.ids.resolve(f.ids[0].scheme), scheme);
        assert!(f.ids[0].verified);
    }

    /// A million records' features are held at once and read at random by the pair loop:
    /// a field that makes them bigger should be a decision, not an accident.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn record_features_stay_small() {
        assert!(std::mem::size_of::<RecordFeatures>() <= 232);
    }
}
