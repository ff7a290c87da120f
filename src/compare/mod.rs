//! Comparing two records, attribute by attribute, into ordered comparison levels.
//!
//! Each comparison sorts a pair into one of its levels, best first (`exact`, then looser
//! agreements, then `different`), or into none when either record has no usable value: a
//! missing value is neutral, not evidence. Multi-valued attributes (two e-mails, a mobile and
//! a landline) are compared by their best pair.
//!
//! The levels, in pattern order:
//!
//! | comparison | levels |
//! |---|---|
//! | `given_name` | exact, equivalent (nickname or cross-script), one_edit (OSA ≤ 1 or Jaro–Winkler ≥ 0.92), similar (JW ≥ 0.85 or same Double Metaphone), initial, swapped (given and family crossed), different |
//! | `family_name` | exact, one_edit (OSA ≤ 1 or JW ≥ 0.92), equivalent (cross-script or phonetic), similar (JW ≥ 0.85), different; null when the names are swapped (the swap is counted once, on the given name) |
//! | `birth_date` | exact, transposed (day and month swapped), one_off (two parts equal, the third one digit or one unit off), partial (compatible partial dates), different |
//! | `email` | exact, shared (a household address used by people with different given names), same_local, near_local (one edit, no digit involved), different |
//! | `phone` | exact, shared (a household line), same_subscriber (last seven digits), one_digit, different |
//! | `address` | exact (house and street), similar_street, house_or_street, different |
//! | `postcode` | exact, one_edit, different |
//! | `locality` | exact, similar, different |
//! | `national_id` | exact, one_edit, different |
//! | `other_id` | exact, different |
//! | `gender` | same, different |

pub(crate) mod features;
pub mod similarity;

use std::cmp::Ordering;

use crate::normalize::PartialDate;
use crate::util::interner::{Interner, Sym};
use features::{AddressFeatures, KeySpace, NameFeatures, RecordFeatures};
use similarity::{
    jaro_winkler_from, packed_within_one_edit, token_jaccard, within_one_edit, Sketch,
};

use crate::score::Pattern;

/// Index of each comparison in a [`Pattern`].
pub(crate) mod index {
    pub(crate) const GIVEN: usize = 0;
    pub(crate) const FAMILY: usize = 1;
    pub(crate) const BIRTH: usize = 2;
    pub(crate) const EMAIL: usize = 3;
    pub(crate) const PHONE: usize = 4;
    pub(crate) const ADDRESS: usize = 5;
    pub(crate) const POSTCODE: usize = 6;
    pub(crate) const LOCALITY: usize = 7;
    pub(crate) const NATIONAL_ID: usize = 8;
    pub(crate) const OTHER_ID: usize = 9;
    pub(crate) const GENDER: usize = 10;
    pub(crate) const COUNT: usize = 11;
}

/// A comparison's name and its levels, best first: `(level name, term-frequency adjusted)`.
pub(crate) type ComparisonShape = (&'static str, &'static [(&'static str, bool)]);

/// The built-in comparisons, in pattern order.
pub(crate) const COMPARISONS: [ComparisonShape; index::COUNT] = [
    (
        "given_name",
        &[
            ("exact", true),
            ("equivalent", false),
            ("one_edit", false),
            ("similar", false),
            ("initial", false),
            ("swapped", false),
            ("different", false),
        ],
    ),
    (
        "family_name",
        &[
            ("exact", true),
            ("one_edit", false),
            ("equivalent", false),
            ("similar", false),
            ("different", false),
        ],
    ),
    (
        "birth_date",
        &[
            ("exact", false),
            ("transposed", false),
            ("one_off", false),
            ("partial", false),
            ("different", false),
        ],
    ),
    (
        "email",
        &[
            ("exact", true),
            ("shared", false),
            ("same_local", false),
            ("near_local", false),
            ("different", false),
        ],
    ),
    (
        "phone",
        &[
            ("exact", true),
            ("shared", false),
            ("same_subscriber", false),
            ("one_digit", false),
            ("different", false),
        ],
    ),
    (
        "address",
        &[
            ("exact", true),
            ("similar_street", false),
            ("house_or_street", false),
            ("different", false),
        ],
    ),
    (
        "postcode",
        &[("exact", true), ("one_edit", false), ("different", false)],
    ),
    (
        "locality",
        &[("exact", true), ("similar", false), ("different", false)],
    ),
    (
        "national_id",
        &[("exact", false), ("one_edit", false), ("different", false)],
    ),
    ("other_id", &[("exact", false), ("different", false)]),
    ("gender", &[("same", false), ("different", false)]),
];

mod level {
    pub(crate) const GIVEN_EXACT: u8 = 0;
    pub(crate) const GIVEN_EQUIVALENT: u8 = 1;
    pub(crate) const GIVEN_ONE_EDIT: u8 = 2;
    pub(crate) const GIVEN_SIMILAR: u8 = 3;
    pub(crate) const GIVEN_INITIAL: u8 = 4;
    pub(crate) const GIVEN_SWAPPED: u8 = 5;
    pub(crate) const GIVEN_DIFFERENT: u8 = 6;
    pub(crate) const FAMILY_EXACT: u8 = 0;
    pub(crate) const FAMILY_ONE_EDIT: u8 = 1;
    pub(crate) const FAMILY_EQUIVALENT: u8 = 2;
    pub(crate) const FAMILY_SIMILAR: u8 = 3;
    pub(crate) const FAMILY_DIFFERENT: u8 = 4;
    pub(crate) const BIRTH_DIFFERENT: u8 = 4;
}

/// Values used by several people (a family e-mail, a household landline), found in the data:
/// a value held by records whose given names clearly differ.
#[derive(Debug, Clone, Default)]
pub(crate) struct SharedValues {
    pub(crate) emails: Vec<bool>,
    pub(crate) phones: Vec<bool>,
}

impl SharedValues {
    fn email(&self, sym: Sym) -> bool {
        self.emails.get(sym as usize).copied().unwrap_or(false)
    }
    fn phone(&self, sym: Sym) -> bool {
        self.phones.get(sym as usize).copied().unwrap_or(false)
    }
}

/// An exact agreement on a value whose frequency adjusts the weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TfHit {
    pub(crate) comparison: u8,
    pub(crate) value: Sym,
}

/// What comparing two records found.
#[derive(Debug, Clone)]
pub(crate) struct Comparison {
    pub(crate) pattern: Pattern,
    /// Exact agreements on term-frequency-adjusted levels.
    pub(crate) tf: [Option<TfHit>; 7],
    /// Evidence that rules out one person, whatever the weight says.
    pub(crate) conflict: Option<Conflict>,
}

/// Evidence that two records are different people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Conflict {
    /// Generational suffixes differ (`jr` and `sr`).
    Generation,
    /// Given names clearly differ (not a typo, nickname, initial or swap).
    GivenName,
    /// Complete birth dates clearly differ.
    BirthDate,
    /// Two different verified values of an identifier a person holds only one of.
    ExclusiveIdentifier,
}

impl Conflict {
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Conflict::Generation => "generational suffixes differ (e.g. Jr and Sr)",
            Conflict::GivenName => "given names clearly differ",
            Conflict::BirthDate => "birth dates clearly differ",
            Conflict::ExclusiveIdentifier => {
                "different verified values of an identifier a person holds only one of"
            }
        }
    }
}

/// Compares records' features.
pub(crate) struct Comparator<'a> {
    pub(crate) keys: &'a KeySpace,
    pub(crate) shared: &'a SharedValues,
}

fn bytes(interner: &crate::util::interner::Interner, sym: Sym) -> &[u8] {
    interner.resolve(sym).as_bytes()
}

/// One part of a name as the spelling checks see it, before its text is read.
#[derive(Clone, Copy)]
struct NamePart {
    sym: Option<Sym>,
    initial: Option<u8>,
    sketch: Sketch,
}

impl NamePart {
    fn given(n: &NameFeatures) -> NamePart {
        NamePart {
            sym: n.given.get(),
            initial: n.given_initial,
            sketch: n.given_sketch,
        }
    }

    fn family(n: &NameFeatures) -> NamePart {
        NamePart {
            sym: n.family.get(),
            initial: n.family_initial,
            sketch: n.family_sketch,
        }
    }

    /// Whether the two parts are certainly neither within one edit nor as similar as
    /// `floor` by Jaro–Winkler, known from their sketches alone.
    fn rules_out(self, other: NamePart, floor: f64) -> bool {
        self.sketch.rules_out_one_edit(other.sketch)
            && self.sketch.rules_out_jaro_winkler(
                other.sketch,
                floor,
                self.initial == other.initial,
            )
    }
}

impl Comparator<'_> {
    pub(crate) fn compare(&self, a: &RecordFeatures, b: &RecordFeatures) -> Comparison {
        let mut pattern = Pattern::all_null();
        let mut tf = [None; 7];
        let mut tf_len = 0;
        let mut hit = |comparison: usize, value: Sym| {
            if tf_len < tf.len() {
                tf[tf_len] = Some(TfHit {
                    comparison: comparison as u8,
                    value,
                });
                tf_len += 1;
            }
        };
        let mut conflict = None;

        // Names: the best pair of names, each pair in its better orientation (see
        // `NameChoice`: the same pair whichever record's names are read first).
        let mut best: Option<NameChoice> = None;
        for na in &a.names {
            for nb in &b.names {
                if let (Some(ga), Some(gb)) = (na.generation.get(), nb.generation.get()) {
                    if ga != gb {
                        conflict = Some(Conflict::Generation);
                    }
                }
                let direct = (self.given_level(na, nb), self.family_level_full(na, nb));
                // A swap is one piece of evidence (the same two names, entered crossed), so it
                // is counted once, on the given name; the family comparison is then null. It
                // only counts when the names compared directly are at best similar, and only
                // then is it looked for (most candidates' names agree directly).
                let weak = direct.0.unwrap_or(level::GIVEN_DIFFERENT) >= level::GIVEN_SIMILAR
                    && direct.1.unwrap_or(level::FAMILY_DIFFERENT) >= level::FAMILY_SIMILAR;
                let (g, f) = if weak && self.swapped(na, nb) {
                    (Some(level::GIVEN_SWAPPED), None)
                } else {
                    direct
                };
                if g.is_none() && f.is_none() {
                    continue;
                }
                // Exact levels are equal symbols: either name's is the value.
                let this = NameChoice {
                    score: g.map_or(4, u16::from) + f.map_or(4, u16::from),
                    nulls: u8::from(g.is_none()) + u8::from(f.is_none()),
                    given: g.unwrap_or(Pattern::NULL),
                    family: f.unwrap_or(Pattern::NULL),
                    given_value: (g == Some(level::GIVEN_EXACT))
                        .then_some(na.given.get())
                        .flatten(),
                    family_value: (f == Some(level::FAMILY_EXACT))
                        .then_some(na.family.get())
                        .flatten(),
                };
                if best.is_none_or(|best| self.better_names(&this, &best)) {
                    best = Some(this);
                }
            }
        }
        if let Some(best) = best {
            pattern.0[index::GIVEN] = best.given;
            pattern.0[index::FAMILY] = best.family;
            if let Some(v) = best.given_value {
                hit(index::GIVEN, v);
            }
            if let Some(v) = best.family_value {
                hit(index::FAMILY, v);
            }
        }

        // Birth date: the best pair of readings.
        let mut birth_complete = false;
        if !a.birth.is_empty() && !b.birth.is_empty() {
            let l = a
                .birth
                .iter()
                .flat_map(|x| b.birth.iter().map(move |y| birth_level(x, y)))
                .min()
                .unwrap_or(level::BIRTH_DIFFERENT);
            pattern.0[index::BIRTH] = l;
            birth_complete = a.birth.iter().all(PartialDate::is_complete)
                && b.birth.iter().all(PartialDate::is_complete);
        }

        // E-mail: the best level over every pair (an exact one's value the least, see [`least`]).
        if !a.emails.is_empty() && !b.emails.is_empty() {
            let mut l = 4u8;
            let mut value = None;
            for x in &a.emails {
                for y in &b.emails {
                    let this = if x.canonical == y.canonical {
                        if self.shared.email(x.canonical) {
                            1
                        } else {
                            value = least(&self.keys.emails, value, x.canonical);
                            0
                        }
                    } else if x.local == y.local && x.local_sketch.is_at_least(5) {
                        2
                    } else if x.domain == y.domain
                        && !x.local_sketch.rules_out_one_edit(y.local_sketch)
                        && near(
                            bytes(&self.keys.emails, x.local),
                            bytes(&self.keys.emails, y.local),
                        )
                    {
                        3
                    } else {
                        4
                    };
                    l = l.min(this);
                }
            }
            pattern.0[index::EMAIL] = l;
            if l == 0 {
                if let Some(v) = value {
                    hit(index::EMAIL, v);
                }
            }
        }

        // Phone: as e-mail.
        let mut personal_phone = false;
        if !a.phones.is_empty() && !b.phones.is_empty() {
            let mut l = 4u8;
            let mut value = None;
            for x in &a.phones {
                for y in &b.phones {
                    let this = if x.e164 == y.e164 {
                        if self.shared.phone(x.e164) {
                            1
                        } else {
                            value = least(&self.keys.phones, value, x.e164);
                            personal_phone |= !(x.landline() || y.landline());
                            0
                        }
                    } else if x.subscriber == y.subscriber {
                        2
                    } else {
                        // Packed digits give the text's answer without reading the text.
                        let one_edit = if x.digits() != 0 && y.digits() != 0 {
                            packed_within_one_edit(x.digits(), y.digits())
                        } else {
                            let (p, q) = (
                                bytes(&self.keys.phones, x.e164),
                                bytes(&self.keys.phones, y.e164),
                            );
                            p.len() == q.len() && within_one_edit(p, q)
                        };
                        if one_edit {
                            3
                        } else {
                            4
                        }
                    };
                    l = l.min(this);
                }
            }
            pattern.0[index::PHONE] = l;
            if l == 0 {
                if let Some(v) = value {
                    hit(index::PHONE, v);
                }
            }
        }

        // Address, postcode, locality: best pair of addresses for each, least by level and
        // then by value (an exact level's, the same on both sides), whichever record is first.
        let (mut addr, mut post, mut loc) = (None::<(u8, Option<Sym>)>, None, None);
        for x in &a.addresses {
            for y in &b.addresses {
                if let Some(l) = self.address_level(x, y) {
                    let this = (l, (l == 0).then_some(x.street.get()).flatten());
                    if addr.is_none_or(|best| better(&self.keys.addresses, this, best)) {
                        addr = Some(this);
                    }
                }
                if let (Some(p), Some(q)) = (x.postcode.get(), y.postcode.get()) {
                    let l = if p == q {
                        0
                    } else if !x.postcode_sketch.rules_out_one_edit(y.postcode_sketch)
                        && within_one_edit(
                            bytes(&self.keys.addresses, p),
                            bytes(&self.keys.addresses, q),
                        )
                    {
                        1
                    } else {
                        2
                    };
                    let this = (l, (l == 0).then_some(p));
                    if post.is_none_or(|best| better(&self.keys.addresses, this, best)) {
                        post = Some(this);
                    }
                }
                if let (Some(p), Some(q)) = (x.locality.get(), y.locality.get()) {
                    let l = if p == q {
                        0
                    } else if !x.locality_sketch.rules_out_jaro_winkler(
                        y.locality_sketch,
                        0.9,
                        true,
                    ) && jaro_winkler_from(
                        bytes(&self.keys.addresses, p),
                        bytes(&self.keys.addresses, q),
                        0.9,
                    ) >= 0.9
                    {
                        1
                    } else {
                        2
                    };
                    let this = (l, (l == 0).then_some(p));
                    if loc.is_none_or(|best| better(&self.keys.addresses, this, best)) {
                        loc = Some(this);
                    }
                }
            }
        }
        for (i, found) in [
            (index::ADDRESS, addr),
            (index::POSTCODE, post),
            (index::LOCALITY, loc),
        ] {
            if let Some((l, value)) = found {
                pattern.0[i] = l;
                if let Some(v) = value {
                    hit(i, v);
                }
            }
        }

        // Identifiers: national (exact / one edit / different) and others (exact / different),
        // each only between identifiers of the same kind and issuer.
        let (mut national, mut other) = (None::<u8>, None::<u8>);
        for x in &a.ids {
            for y in b.ids.iter().filter(|y| y.scheme == x.scheme) {
                if x.kind_is_national {
                    let l = if x.value == y.value {
                        0
                    } else if !(x.verified && y.verified)
                        && within_one_edit(
                            bytes(&self.keys.ids, x.value),
                            bytes(&self.keys.ids, y.value),
                        )
                    {
                        1
                    } else {
                        2
                    };
                    national = Some(national.map_or(l, |n| n.min(l)));
                    if x.kind_is_exclusive && x.verified && y.verified && x.value != y.value {
                        conflict = Some(Conflict::ExclusiveIdentifier);
                    }
                } else {
                    let l = u8::from(x.value != y.value);
                    other = Some(other.map_or(l, |n| n.min(l)));
                }
            }
        }
        if let Some(l) = national {
            pattern.0[index::NATIONAL_ID] = l;
        }
        if let Some(l) = other {
            pattern.0[index::OTHER_ID] = l;
        }
        if let (Some(x), Some(y)) = (a.gender, b.gender) {
            pattern.0[index::GENDER] = u8::from(x != y);
        }
        // Clearly different given names or birth dates rule a pair out when nothing
        // person-specific agrees: twins, siblings, spouses, a father and son share a surname,
        // an address, a landline and often a family e-mail, but not an identifier, a personal
        // e-mail or a mobile. When something person-specific does agree, the difference is
        // more likely a data-entry error, and the weights decide.
        let person_specific = matches!(pattern.0[index::NATIONAL_ID], 0 | 1)
            || pattern.0[index::OTHER_ID] == 0
            || pattern.0[index::EMAIL] == 0
            || (pattern.0[index::PHONE] == 0 && personal_phone);
        if conflict.is_none() && !person_specific {
            if pattern.0[index::GIVEN] == level::GIVEN_DIFFERENT {
                conflict = Some(Conflict::GivenName);
            } else if pattern.0[index::BIRTH] == level::BIRTH_DIFFERENT && birth_complete {
                conflict = Some(Conflict::BirthDate);
            }
        }
        Comparison {
            pattern,
            tf,
            conflict,
        }
    }

    fn name_bytes(&self, sym: Sym) -> &[u8] {
        bytes(&self.keys.names, sym)
    }

    fn given_level(&self, a: &NameFeatures, b: &NameFeatures) -> Option<u8> {
        let (x, y) = (a.given.get()?, b.given.get()?);
        if x == y {
            return Some(level::GIVEN_EXACT);
        }
        if (a.given_canonical.is_some() && a.given_canonical == b.given_canonical)
            || (a.given_cross.is_some() && a.given_cross == b.given_cross)
        {
            return Some(level::GIVEN_EQUIVALENT);
        }
        if a.given_is_initial || b.given_is_initial {
            return Some(if a.given_initial == b.given_initial {
                level::GIVEN_INITIAL
            } else {
                level::GIVEN_DIFFERENT
            });
        }
        let phonetic = a.given_phonetic.is_some() && a.given_phonetic == b.given_phonetic;
        if NamePart::given(a).rules_out(NamePart::given(b), 0.85) {
            // Neither one edit nor similar spelling: the same as below, without reading.
            return Some(if phonetic {
                level::GIVEN_SIMILAR
            } else {
                level::GIVEN_DIFFERENT
            });
        }
        let (p, q) = (self.name_bytes(x), self.name_bytes(y));
        let jw = jaro_winkler_from(p, q, 0.85);
        if within_one_edit(p, q) || jw >= 0.92 {
            return Some(level::GIVEN_ONE_EDIT);
        }
        if jw >= 0.85 || phonetic {
            return Some(level::GIVEN_SIMILAR);
        }
        Some(level::GIVEN_DIFFERENT)
    }

    fn family_level(&self, x: NamePart, y: NamePart) -> Option<u8> {
        let (xs, ys) = (x.sym?, y.sym?);
        if xs == ys {
            return Some(level::FAMILY_EXACT);
        }
        if x.rules_out(y, 0.85) {
            return Some(level::FAMILY_DIFFERENT);
        }
        let (p, q) = (self.name_bytes(xs), self.name_bytes(ys));
        let jw = jaro_winkler_from(p, q, 0.85);
        if within_one_edit(p, q) || jw >= 0.92 {
            return Some(level::FAMILY_ONE_EDIT);
        }
        Some(if jw >= 0.85 {
            level::FAMILY_SIMILAR
        } else {
            level::FAMILY_DIFFERENT
        })
    }

    /// The family level with cross-script and phonetic equivalence taken into account.
    fn family_level_full(&self, a: &NameFeatures, b: &NameFeatures) -> Option<u8> {
        let l = self.family_level(NamePart::family(a), NamePart::family(b))?;
        if l > level::FAMILY_EQUIVALENT
            && ((a.family_cross.is_some() && a.family_cross == b.family_cross)
                || (a.family_phonetic.is_some() && a.family_phonetic == b.family_phonetic))
        {
            return Some(level::FAMILY_EQUIVALENT);
        }
        Some(l)
    }

    /// Whether the two names are the same names entered crossed, read either way round: a
    /// comparison must not depend on which record comes first (`John` with no family name
    /// against `Bob John` is a swap from both sides, or from neither).
    fn swapped(&self, a: &NameFeatures, b: &NameFeatures) -> bool {
        self.swapped_one_way(a, b) || self.swapped_one_way(b, a)
    }

    /// `a`'s given name is `b`'s family name, and `a`'s family name is `b`'s given name
    /// unless one of them is missing.
    fn swapped_one_way(&self, a: &NameFeatures, b: &NameFeatures) -> bool {
        let close = |x: NamePart, y: NamePart| match (x.sym, y.sym) {
            (Some(xs), Some(ys)) => {
                xs == ys
                    || !x.rules_out(y, 0.92) && {
                        let (p, q) = (self.name_bytes(xs), self.name_bytes(ys));
                        within_one_edit(p, q) || jaro_winkler_from(p, q, 0.92) >= 0.92
                    }
            }
            _ => false,
        };
        close(NamePart::given(a), NamePart::family(b))
            && (b.given.is_none()
                || a.family.is_none()
                || close(NamePart::family(a), NamePart::given(b)))
            && a.given != a.family
    }

    fn address_level(&self, x: &AddressFeatures, y: &AddressFeatures) -> Option<u8> {
        let house = match (x.house.get(), y.house.get()) {
            (Some(p), Some(q)) => Some(p == q),
            _ => None,
        };
        let street = match (x.street.get(), y.street.get()) {
            (Some(p), Some(q)) if p == q => Some(2u8),
            (Some(p), Some(q)) => {
                let jw = jaro_winkler_from(
                    bytes(&self.keys.addresses, p),
                    bytes(&self.keys.addresses, q),
                    0.9,
                );
                Some(if jw >= 0.9 || token_jaccard(&x.tokens, &y.tokens) >= 0.5 {
                    1
                } else {
                    0
                })
            }
            _ => None,
        };
        Some(match (house, street) {
            (None, None) => return None,
            (Some(true), Some(2)) => 0,
            (Some(true), Some(1)) => 1,
            (Some(true), _) | (_, Some(2) | Some(1)) => 2,
            _ => 3,
        })
    }
}

/// What one pair of names gives. The best pair of two records' names has the lower summed
/// levels (a null counts as 4), then fewer nulls, then the lower levels themselves, then the
/// lesser values by text ([`by_text`]): a total order, so that the pair chosen depends
/// neither on which record's names are read first, nor on the order in which a record lists
/// them, nor on the order in which keys were interned.
#[derive(Debug, Clone, Copy)]
struct NameChoice {
    score: u16,
    nulls: u8,
    /// The given-name level, [`Pattern::NULL`] when there is none.
    given: u8,
    /// The family-name level, [`Pattern::NULL`] when there is none.
    family: u8,
    /// The given name, when the level is exact.
    given_value: Option<Sym>,
    /// The family name, when the level is exact.
    family_value: Option<Sym>,
}

impl Comparator<'_> {
    /// Whether `x` is a better pair of names than `y` (see [`NameChoice`]). The names' texts
    /// are read only when everything else ties: two pairs of names that agree exactly.
    fn better_names(&self, x: &NameChoice, y: &NameChoice) -> bool {
        let names = &self.keys.names;
        (x.score, x.nulls, x.given, x.family)
            .cmp(&(y.score, y.nulls, y.given, y.family))
            .then_with(|| by_text(names, x.given_value, y.given_value))
            .then_with(|| by_text(names, x.family_value, y.family_value))
            .is_lt()
    }
}

/// The order of two values by their texts in `interner`, none first. Ties among agreeing
/// values go to the lesser this way, so that the value chosen depends neither on which record
/// is compared first nor on the order keys were interned in (real time interns them as
/// records arrive, batch as it reads them). Equal symbols are equal without reading a text.
pub(crate) fn by_text(interner: &Interner, x: Option<Sym>, y: Option<Sym>) -> Ordering {
    if x == y {
        return Ordering::Equal;
    }
    let text = |v: Option<Sym>| v.map(|sym| interner.resolve(sym));
    text(x).cmp(&text(y))
}

/// Of the value found so far and `value`, the lesser by text ([`by_text`]): when two records
/// agree exactly on more than one value (two e-mails, two phones), the one whose frequency
/// adjusts the weight.
fn least(interner: &Interner, found: Option<Sym>, value: Sym) -> Option<Sym> {
    Some(match found {
        Some(found) if by_text(interner, Some(found), Some(value)).is_le() => found,
        _ => value,
    })
}

/// Whether `(level, value)` is better than `best`: a lower level, or the same level and the
/// lesser value by text ([`by_text`]).
fn better(interner: &Interner, this: (u8, Option<Sym>), best: (u8, Option<Sym>)) -> bool {
    this.0
        .cmp(&best.0)
        .then_with(|| by_text(interner, this.1, best.1))
        .is_lt()
}

/// Near local parts: a typo apart. At least four characters, at most one edit, and no digit
/// involved: `jenniferjohnson29` and `jenniferjohnson7658` are two accounts of two people who
/// share a name, not a typo, however alike they look.
fn near(a: &[u8], b: &[u8]) -> bool {
    if a.len() < 4 || b.len() < 4 || !within_one_edit(a, b) {
        return false;
    }
    // One edit apart with the same digits: the edit touched a letter.
    a.iter()
        .filter(|c| c.is_ascii_digit())
        .eq(b.iter().filter(|c| c.is_ascii_digit()))
}

/// Whether two numbers differ in one decimal digit (a typo) or by one.
fn one_off(x: i32, y: i32) -> bool {
    if (x - y).abs() <= 1 {
        return true;
    }
    let (mut x, mut y, mut differing) = (x, y, 0);
    while x > 0 || y > 0 {
        if x % 10 != y % 10 {
            differing += 1;
        }
        x /= 10;
        y /= 10;
    }
    differing == 1
}

fn birth_level(a: &PartialDate, b: &PartialDate) -> u8 {
    if a.is_complete() && a == b {
        return 0;
    }
    let (Some(ya), Some(ma), Some(da), Some(yb), Some(mb), Some(db)) =
        (a.year, a.month, a.day, b.year, b.month, b.day)
    else {
        return if a.is_compatible_with(b) { 3 } else { 4 };
    };
    if ya == yb && ma == db && da == mb {
        return 1;
    }
    let same = [ya == yb, ma == mb, da == db];
    if same.iter().filter(|s| **s).count() == 2 {
        let close = if ya != yb {
            one_off(ya, yb)
        } else if ma != mb {
            one_off(i32::from(ma), i32::from(mb))
        } else {
            one_off(i32::from(da), i32::from(db))
        };
        if close {
            return 2;
        }
    }
    4
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u8, d: u8) -> PartialDate {
        PartialDate {
            year: Some(y),
            month: Some(m),
            day: Some(d),
        }
    }

    #[test]
    fn birth_levels() {
        assert_eq!(birth_level(&date(1985, 4, 12), &date(1985, 4, 12)), 0);
        assert_eq!(birth_level(&date(1985, 4, 12), &date(1985, 12, 4)), 1);
        assert_eq!(birth_level(&date(1985, 4, 12), &date(1986, 4, 12)), 2);
        assert_eq!(birth_level(&date(1985, 4, 12), &date(1985, 4, 17)), 2);
        assert_eq!(birth_level(&date(1985, 4, 12), &date(1958, 4, 12)), 4);
        let year_only = PartialDate {
            year: Some(1985),
            month: None,
            day: None,
        };
        assert_eq!(birth_level(&year_only, &date(1985, 4, 12)), 3);
        assert_eq!(birth_level(&date(1985, 4, 12), &date(1990, 7, 1)), 4);
    }

    mod symmetry {
        use super::*;
        use crate::compare::features::FeatureBuilder;
        use crate::model::PostalAddress;
        use crate::normalize::RecordNormalizer;
        use crate::{PersonName, SourceRecord};
        use proptest::prelude::*;

        const NAMES: [(&str, &str); 5] = [
            ("John", "Smith"),
            ("John", "Smyth"),
            ("Bob", ""),
            ("Robert", "Smith"),
            ("", "John"),
        ];
        const EMAILS: [&str; 3] = ["john@example.org", "js@example.net", "smith@example.com"];
        const PHONES: [&str; 3] = ["+44 20 7946 0001", "+44 20 7946 0002", "+44 7700 900123"];
        const STREETS: [(&str, &str, &str); 3] = [
            ("12 Main Street", "SW1A 1AA", "London"),
            ("4 High Street", "M1 1AE", "Manchester"),
            ("12 Main St", "SW1A 1AA", "Londn"),
        ];

        /// A record with some of each pool's values, in any order.
        fn record() -> impl Strategy<Value = SourceRecord> {
            (
                prop::sample::subsequence((0..NAMES.len()).collect::<Vec<_>>(), 0..=3)
                    .prop_shuffle(),
                prop::sample::subsequence((0..EMAILS.len()).collect::<Vec<_>>(), 0..=3)
                    .prop_shuffle(),
                prop::sample::subsequence((0..PHONES.len()).collect::<Vec<_>>(), 0..=3)
                    .prop_shuffle(),
                prop::sample::subsequence((0..STREETS.len()).collect::<Vec<_>>(), 0..=3)
                    .prop_shuffle(),
            )
                .prop_map(|(names, emails, phones, streets)| {
                    let mut r = SourceRecord::new("s", "1");
                    for i in names {
                        r = r.name(PersonName::from_parts(NAMES[i].0, NAMES[i].1));
                    }
                    for i in emails {
                        r = r.email(EMAILS[i]);
                    }
                    for i in phones {
                        r = r.phone(PHONES[i]);
                    }
                    for i in streets {
                        let (line, postcode, locality) = STREETS[i];
                        r = r.address(PostalAddress {
                            lines: vec![line.to_owned()],
                            postcode: Some(postcode.to_owned()),
                            locality: Some(locality.to_owned()),
                            country: Some("GB".to_owned()),
                            ..PostalAddress::default()
                        });
                    }
                    r
                })
        }

        /// The values whose frequencies adjust the weight, by comparison, as texts: symbols
        /// depend on the order keys were interned in.
        fn hits(c: &Comparison, keys: &KeySpace) -> Vec<(u8, String)> {
            let mut hits: Vec<_> =
                c.tf.iter()
                    .flatten()
                    .map(|h| {
                        let interner = match h.comparison as usize {
                            index::GIVEN | index::FAMILY => &keys.names,
                            index::EMAIL => &keys.emails,
                            index::PHONE => &keys.phones,
                            _ => &keys.addresses,
                        };
                        (h.comparison, interner.resolve(h.value).to_owned())
                    })
                    .collect();
            hits.sort_unstable();
            hits
        }

        proptest! {
            // Which values agree, and so which values' frequencies adjust the weight, must not
            // depend on which record comes first, however many values agree at once, nor on
            // the order in which their keys were interned (batch and real time intern in
            // different orders).
            #[test]
            fn comparing_either_way_round_finds_the_same_levels_and_values(
                a in record(),
                b in record(),
            ) {
                let normalizer = RecordNormalizer::default();
                let (na, nb) = (normalizer.normalize(&a), normalizer.normalize(&b));
                let shared = SharedValues::default();
                let mut found = Vec::new();
                for a_first in [true, false] {
                    let mut keys = KeySpace::default();
                    let mut builder = FeatureBuilder::default();
                    let (fa, fb) = if a_first {
                        let fa = builder.build(&na, &mut keys);
                        (fa, builder.build(&nb, &mut keys))
                    } else {
                        let fb = builder.build(&nb, &mut keys);
                        (builder.build(&na, &mut keys), fb)
                    };
                    let comparator = Comparator { keys: &keys, shared: &shared };
                    for c in [comparator.compare(&fa, &fb), comparator.compare(&fb, &fa)] {
                        found.push((c.pattern, c.conflict, hits(&c, &keys)));
                    }
                }
                for other in &found[1..] {
                    prop_assert_eq!(other, &found[0]);
                }
            }
        }
    }

    #[test]
    fn one_off_digits() {
        assert!(one_off(1985, 1986));
        assert!(one_off(1985, 1975));
        assert!(!one_off(1985, 1958));
        assert!(one_off(12, 17));
        assert!(!one_off(12, 21));
    }
}
