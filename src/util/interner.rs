//! Interning comparison keys: each distinct string gets a small integer, so exact comparisons
//! and term-frequency lookups in the hot loop are integer operations.
//!
//! Each string is stored once, in one arena. The hash table holds each symbol with its
//! string's hash, length and first 16 bytes, so finding a short key (most are) and growing
//! the table never read the arena. The hasher is foldhash, seeded per table: fast on short
//! keys, and keys taken from input cannot be chosen to collide.

use hashbrown::{DefaultHashBuilder, HashTable};
use std::hash::BuildHasher;

/// An interned string.
pub(crate) type Sym = u32;

/// Bytes of a key kept in its table entry: most keys (name parts, phone numbers, codes) are
/// no longer, so finding them never reads the arena.
const INLINE: usize = 16;

/// A table entry: the symbol, and enough of its string to compare with a probe without
/// leaving the table.
#[derive(Debug, Clone, Copy)]
struct Entry {
    hash: u64,
    sym: Sym,
    len: u32,
    head: [u8; INLINE],
}

/// The first [`INLINE`] bytes of `s`, zero-padded: equal heads and equal lengths leave only
/// longer strings to compare in full, and big-endian heads never order two strings against
/// their own order (at most they tie).
pub(crate) fn head(s: &str) -> [u8; INLINE] {
    let mut head = [0u8; INLINE];
    let n = s.len().min(INLINE);
    head[..n].copy_from_slice(&s.as_bytes()[..n]);
    head
}

/// Maps strings to dense [`Sym`]s and back.
#[derive(Debug, Default, Clone)]
pub(crate) struct Interner {
    /// Symbols, found by the hash of their string.
    table: HashTable<Entry>,
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
            table, arena, ends, ..
        } = self;
        let text = |sym: Sym| {
            let i = sym as usize;
            &arena[if i == 0 { 0 } else { ends[i - 1] }..ends[i]]
        };
        let probe = head(s);
        let found = table.find(hash, |e| {
            e.len as usize == s.len() && e.head == probe && (s.len() <= INLINE || text(e.sym) == s)
        });
        if let Some(e) = found {
            return e.sym;
        }
        let sym = Sym::try_from(ends.len()).expect("fewer than 2^32 distinct keys");
        let len = u32::try_from(s.len()).expect("keys are bounded far below 4 GiB");
        let entry = Entry {
            hash,
            sym,
            len,
            head: probe,
        };
        table.insert_unique(hash, entry, |e| e.hash);
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
