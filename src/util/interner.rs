//! Interning comparison keys: each distinct string gets a small integer, so exact comparisons
//! and term-frequency lookups in the hot loop are integer operations.
//!
//! Each string is stored once, in one arena; the hash table holds only symbols and finds a
//! string through the arena. The hasher is foldhash, seeded per table: fast on short keys,
//! and keys taken from input cannot be chosen to collide.

use hashbrown::{DefaultHashBuilder, HashTable};
use std::hash::BuildHasher;

/// An interned string.
pub(crate) type Sym = u32;

/// Maps strings to dense [`Sym`]s and back.
#[derive(Debug, Default, Clone)]
pub(crate) struct Interner {
    /// Symbols, found by the hash of their string.
    table: HashTable<Sym>,
    hasher: DefaultHashBuilder,
    /// Every string, end to end.
    arena: String,
    /// Where each symbol's string ends in `arena`; it starts where the previous one ends.
    ends: Vec<usize>,
}

impl Interner {
    pub(crate) fn intern(&mut self, s: &str) -> Sym {
        let hash = self.hasher.hash_one(s);
        let Interner {
            table,
            hasher,
            arena,
            ends,
        } = self;
        let text = |sym: Sym| {
            let i = sym as usize;
            &arena[if i == 0 { 0 } else { ends[i - 1] }..ends[i]]
        };
        if let Some(&sym) = table.find(hash, |&sym| text(sym) == s) {
            return sym;
        }
        let sym = Sym::try_from(ends.len()).expect("fewer than 2^32 distinct keys");
        table.insert_unique(hash, sym, |&sym| hasher.hash_one(text(sym)));
        arena.push_str(s);
        ends.push(arena.len());
        sym
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

#[cfg(test)]
mod tests {
    use super::*;

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
