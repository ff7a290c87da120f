//! Interning comparison keys: each distinct string gets a small integer, so exact comparisons
//! and term-frequency lookups in the hot loop are integer operations.

use std::collections::HashMap;

/// An interned string.
pub(crate) type Sym = u32;

/// Maps strings to dense [`Sym`]s and back.
#[derive(Debug, Default, Clone)]
pub(crate) struct Interner {
    ids: HashMap<Box<str>, Sym>,
    strings: Vec<Box<str>>,
}

impl Interner {
    pub(crate) fn intern(&mut self, s: &str) -> Sym {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = Sym::try_from(self.strings.len()).expect("fewer than 2^32 distinct keys");
        self.strings.push(s.into());
        self.ids.insert(s.into(), id);
        id
    }

    pub(crate) fn resolve(&self, id: Sym) -> &str {
        &self.strings[id as usize]
    }

    pub(crate) fn len(&self) -> usize {
        self.strings.len()
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
}
