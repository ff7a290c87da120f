//! Interning comparison keys: each distinct string gets a small integer, so exact comparisons
//! and term-frequency lookups in the hot loop are integer operations.
//!
//! Each string is stored once, in one arena. The hash table holds each symbol with its
//! string's hash, length and first 16 bytes, so finding a short key (most are) and growing
//! the table never read the arena. The hasher is foldhash, seeded per table: fast on short
//! keys, and keys taken from input cannot be chosen to collide.
//!
//! The table is open addressing with linear probing over one flat array of entries, rather
//! than a crate's map, for one reason: a caller that knows which keys come next can ask for
//! their slots ahead ([`Interner::prefetch_hashed`]). At a million records the e-mail, phone and
//! street tables are far larger than the cache, and each lookup otherwise waits on memory.

use hashbrown::DefaultHashBuilder;
use std::hash::BuildHasher;

use super::prefetch::prefetch;

/// An interned string.
pub(crate) type Sym = u32;

/// An optional [`Sym`] in four bytes, where `Option<Sym>` takes eight: comparison features
/// hold a dozen of them a record, and a million records' features are read at random.
/// `Sym::MAX` is never a symbol (the interner keeps it for free slots), so it stands for none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MaybeSym(Sym);

impl MaybeSym {
    /// No symbol.
    pub(crate) const NONE: MaybeSym = MaybeSym(FREE);

    /// The symbol, if there is one.
    #[inline]
    pub(crate) fn get(self) -> Option<Sym> {
        (self.0 != FREE).then_some(self.0)
    }

    /// Whether there is a symbol.
    #[inline]
    pub(crate) fn is_some(self) -> bool {
        self.0 != FREE
    }

    /// Whether there is none.
    #[inline]
    pub(crate) fn is_none(self) -> bool {
        !self.is_some()
    }
}

impl Default for MaybeSym {
    fn default() -> Self {
        MaybeSym::NONE
    }
}

impl From<Option<Sym>> for MaybeSym {
    #[inline]
    fn from(sym: Option<Sym>) -> Self {
        // `intern` never returns `FREE`.
        MaybeSym(sym.unwrap_or(FREE))
    }
}

/// Bytes of a key kept in its table entry: most keys (name parts, phone numbers, codes) are
/// no longer, so finding them never reads the arena.
const INLINE: usize = 16;

/// The symbol of a free slot.
const FREE: Sym = Sym::MAX;

/// A table slot: a symbol, and enough of its string to compare with a probe without leaving
/// the table; free when `sym` is [`FREE`].
#[derive(Debug, Clone, Copy)]
struct Entry {
    hash: u64,
    sym: Sym,
    len: u32,
    head: [u8; INLINE],
}

const FREE_ENTRY: Entry = Entry {
    hash: 0,
    sym: FREE,
    len: 0,
    head: [0; INLINE],
};

/// The first [`INLINE`] bytes of `s`, zero-padded: equal heads and equal lengths leave only
/// longer strings to compare in full, and big-endian heads never order two strings against
/// their own order (at most they tie).
pub(crate) fn head(s: &str) -> [u8; INLINE] {
    let mut head = [0u8; INLINE];
    let n = s.len().min(INLINE);
    head[..n].copy_from_slice(&s.as_bytes()[..n]);
    head
}

/// An [`Interner`]'s hash function, copied out so that keys can be hashed on other threads
/// before they are interned.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct KeyHasher(DefaultHashBuilder);

impl KeyHasher {
    /// The hash of `s`, as the interner this was copied from gives it.
    pub(crate) fn hash(&self, s: &str) -> u64 {
        self.0.hash_one(s)
    }
}

/// Maps strings to dense [`Sym`]s and back.
#[derive(Debug, Default, Clone)]
pub(crate) struct Interner {
    /// Slots, a power of two of them (or none), at most three quarters used.
    slots: Vec<Entry>,
    hasher: KeyHasher,
    /// Every string, end to end.
    arena: String,
    /// Where each symbol's string ends in `arena`; it starts where the previous one ends.
    ends: Vec<usize>,
}

impl Interner {
    pub(crate) fn intern(&mut self, s: &str) -> Sym {
        self.intern_hashed(s, self.hasher.hash(s))
    }

    /// A copy of this interner's hash function, to hash keys on other threads before they
    /// are interned.
    pub(crate) fn hasher(&self) -> KeyHasher {
        self.hasher
    }

    /// [`intern`](Self::intern) with `s`'s hash worked out beforehand by this interner's
    /// [`hasher`](Self::hasher).
    pub(crate) fn intern_hashed(&mut self, s: &str, hash: u64) -> Sym {
        debug_assert_eq!(hash, self.hasher.hash(s), "hashed by another interner");
        if overfull(self.ends.len() + 1, self.slots.len()) {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let probe = head(s);
        let mut i = hash as usize & mask;
        loop {
            let e = &self.slots[i];
            if e.sym == FREE {
                break;
            }
            if e.hash == hash
                && e.len as usize == s.len()
                && e.head == probe
                && (s.len() <= INLINE || self.resolve(e.sym) == s)
            {
                return e.sym;
            }
            i = (i + 1) & mask;
        }
        let sym = Sym::try_from(self.ends.len())
            .ok()
            .filter(|&sym| sym != FREE)
            .expect("fewer than 2^32 - 1 distinct keys");
        let len = u32::try_from(s.len()).expect("keys are bounded far below 4 GiB");
        self.slots[i] = Entry {
            hash,
            sym,
            len,
            head: probe,
        };
        self.arena.push_str(s);
        self.ends.push(self.arena.len());
        sym
    }

    /// Ask for the slot where the key whose hash is `hash` is, or would go, ahead of
    /// interning it: a hint, with no effect on what [`intern`](Self::intern) returns.
    pub(crate) fn prefetch_hashed(&self, hash: u64) {
        if !self.slots.is_empty() {
            prefetch(&self.slots[hash as usize & (self.slots.len() - 1)]);
        }
    }

    /// Free the lookup table, keeping every key and its symbol: [`resolve`](Self::resolve)
    /// works as before, and the next [`intern`](Self::intern) builds the table again. For an
    /// interner that is done interning, or will not intern for a while.
    pub(crate) fn release_table(&mut self) {
        self.slots = Vec::new();
    }

    /// Double the slots (at least 16) and put every entry back by its stored hash; after
    /// [`release_table`](Self::release_table), build the table again from the keys.
    fn grow(&mut self) {
        if self.slots.is_empty() && !self.ends.is_empty() {
            self.rebuild();
            return;
        }
        let size = (self.slots.len() * 2).max(16);
        let old = std::mem::replace(&mut self.slots, vec![FREE_ENTRY; size]);
        for e in old.into_iter().filter(|e| e.sym != FREE) {
            place(&mut self.slots, e);
        }
    }

    /// Slots for every key, as many as growing from empty would have made, each key hashed
    /// again.
    fn rebuild(&mut self) {
        let mut size = 16;
        while overfull(self.ends.len() + 1, size) {
            size *= 2;
        }
        let mut slots = vec![FREE_ENTRY; size];
        for sym in 0..self.ends.len() {
            // Every symbol and length fits: interning checked each one.
            let sym = sym as Sym;
            let s = self.resolve(sym);
            let entry = Entry {
                hash: self.hasher.hash(s),
                sym,
                len: s.len() as u32,
                head: head(s),
            };
            place(&mut slots, entry);
        }
        self.slots = slots;
    }

    pub(crate) fn resolve(&self, sym: Sym) -> &str {
        let i = sym as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.arena[start..self.ends[i]]
    }

    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }
}

/// Whether `keys` keys would fill more than three quarters of `slots` slots.
fn overfull(keys: usize, slots: usize) -> bool {
    keys * 4 > slots * 3
}

/// Put `entry` in the first free slot from its hash on (`slots` is a power of two long and
/// has a free slot).
fn place(slots: &mut [Entry], entry: Entry) {
    let mask = slots.len() - 1;
    let mut i = entry.hash as usize & mask;
    while slots[i].sym != FREE {
        i = (i + 1) & mask;
    }
    slots[i] = entry;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maybe_sym_is_an_option_in_four_bytes() {
        assert_eq!(std::mem::size_of::<MaybeSym>(), 4);
        let mut i = Interner::default();
        for sym in [
            Some(i.intern("a")),
            Some(i.intern("b")),
            None,
            Some(0),
            Some(Sym::MAX - 1),
        ] {
            let maybe = MaybeSym::from(sym);
            assert_eq!(maybe.get(), sym);
            assert_eq!(maybe.is_some(), sym.is_some());
            assert_eq!(maybe.is_none(), sym.is_none());
        }
        assert_eq!(MaybeSym::default(), MaybeSym::NONE);
        assert_eq!(MaybeSym::NONE.get(), None);
    }

    #[test]
    fn interns_once() {
        let mut i = Interner::default();
        let a = i.intern("smith");
        assert_eq!(i.intern("smith"), a);
        assert_ne!(i.intern("smyth"), a);
        assert_eq!(i.resolve(a), "smith");
        assert_eq!(i.len(), 2);
    }

    #[test]
    fn a_released_table_is_built_again_with_the_same_symbols() {
        let mut i = Interner::default();
        // Released while empty, then twice with keys.
        i.release_table();
        let keys: Vec<String> = (0..40)
            .map(|n| format!("key-{n}-{}", "z".repeat(n)))
            .collect();
        let syms: Vec<Sym> = keys.iter().map(|k| i.intern(k)).collect();
        for n in [40, 12] {
            i.release_table();
            i.prefetch_hashed(i.hasher().hash("a hint on no table"));
            assert_eq!(
                i.resolve(syms[n - 1]),
                keys[n - 1],
                "resolving needs no table"
            );
            for (k, &s) in keys.iter().zip(&syms).take(n) {
                assert_eq!(i.intern(k), s);
            }
            assert_eq!(i.len(), 40);
        }
        assert_eq!(i.intern("new"), 40);
        assert_eq!(i.intern(&keys[39]), syms[39]);
    }

    #[test]
    fn long_keys_that_share_their_inline_bytes_stay_apart() {
        let mut i = Interner::default();
        let a = i.intern("0123456789abcdef-one");
        let b = i.intern("0123456789abcdef-two");
        let c = i.intern("0123456789abcdef");
        let d = i.intern("0123456789abcdef\0");
        assert_eq!([a, b, c, d], [0, 1, 2, 3]);
        assert_eq!(i.intern("0123456789abcdef-two"), b);
        assert_eq!(i.intern("0123456789abcdef\0"), d);
        assert_eq!(i.resolve(a), "0123456789abcdef-one");
        assert_eq!(i.resolve(d), "0123456789abcdef\0");
    }

    #[test]
    fn symbols_are_dense_and_stable_through_growth_and_prefetching() {
        let mut i = Interner::default();
        let hasher = i.hasher();
        i.prefetch_hashed(hasher.hash("nothing yet"));
        let keys: Vec<String> = (0..20_000u32)
            .map(|n| match n % 3 {
                0 => format!("{n}"),
                1 => format!("a-key-longer-than-sixteen-bytes-{n}"),
                _ => "x".repeat(n as usize % 40),
            })
            .collect();
        let mut first: Vec<Sym> = Vec::new();
        for (n, k) in keys.iter().enumerate() {
            if let Some(ahead) = keys.get(n + 3) {
                i.prefetch_hashed(hasher.hash(ahead));
            }
            // Hashed here or by the interner: the same symbols.
            first.push(match n % 2 {
                0 => i.intern_hashed(k, hasher.hash(k)),
                _ => i.intern(k),
            });
        }
        let distinct: std::collections::HashSet<&String> = keys.iter().collect();
        assert_eq!(i.len(), distinct.len());
        assert!(first.iter().all(|&s| (s as usize) < distinct.len()));
        for (k, &s) in keys.iter().zip(&first) {
            assert_eq!(i.intern(k), s);
            assert_eq!(i.resolve(s), k);
        }
        assert_eq!(i.len(), distinct.len());
    }

    #[test]
    fn empty_and_many_strings_round_trip() {
        let mut i = Interner::default();
        let words: Vec<String> = (0..5_000).map(|n| format!("w{}", n % 3_000)).collect();
        let empty = i.intern("");
        let syms: Vec<Sym> = words.iter().map(|w| i.intern(w)).collect();
        assert_eq!(i.len(), 3_001);
        assert_eq!(i.resolve(empty), "");
        for (w, &s) in words.iter().zip(&syms) {
            assert_eq!(i.resolve(s), w);
            assert_eq!(i.intern(w), s);
        }
        let mut copy = i.clone();
        assert_eq!(copy.intern("w42"), i.intern("w42"));
    }
}
