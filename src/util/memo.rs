//! Remembering what a pure function made of a text, for texts that repeat.
//!
//! Batch normalisation meets the same given names, family names and spellings again and
//! again (a million records hold some fifteen thousand distinct given names), and the work on
//! each is a pure function of its text. A [`Memo`] keeps the result for a text it has seen,
//! so the work is done once per distinct text per worker instead of once per record.
//!
//! A memo is a cache, never a source of truth: a result taken from it is the result the
//! function gives, so output never depends on whether, or how full, a memo was. It is owned by
//! whoever runs the work and passed down; the core keeps no global state. It is bounded: on
//! reaching its capacity it starts over, so input of nothing but distinct texts costs a
//! bounded amount of memory.
//!
//! What a memo holds is personal data (folded names): it must not outlive the records it
//! served, or erasing a person would leave their name behind. Batch runs drop theirs when
//! they end; real time, which keeps state between calls, has none.

use std::sync::{Mutex, MutexGuard};

use hashbrown::HashMap;

/// The texts a [`Memo`] keeps before it starts over.
pub(crate) const MEMO_CAPACITY: usize = 1 << 15;

/// The texts all the memos of one [`MemoPool`] keep at most, per kind of text: a run's memos
/// take bounded memory however many workers it has (a memo of [`MEMO_CAPACITY`] names takes
/// some 6 MB).
pub(crate) const POOL_CAPACITY: usize = 1 << 17;

/// A bounded map from texts to what a pure function made of them.
#[derive(Debug, Clone)]
pub(crate) struct Memo<V> {
    /// Seeded per map (foldhash): texts taken from input cannot be chosen to collide.
    map: HashMap<Box<str>, V>,
    capacity: usize,
}

impl<V> Memo<V> {
    /// A memo keeping at most `capacity` texts (at least one).
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Memo {
            map: HashMap::new(),
            capacity: capacity.max(1),
        }
    }
}

impl<V: Clone> Memo<V> {
    /// What `make` gives for `key`: remembered, or made now and remembered.
    ///
    /// `make` must be a pure function of `key`: the same text always gives the same value.
    pub(crate) fn get_or_make(&mut self, key: &str, make: impl FnOnce(&str) -> V) -> V {
        if let Some(value) = self.map.get(key) {
            return value.clone();
        }
        let value = make(key);
        if self.map.len() >= self.capacity {
            self.map.clear();
        }
        self.map.insert(key.into(), value.clone());
        value
    }

    /// The number of texts remembered.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }
}

/// [`Memo::get_or_make`] through a memo when there is one, else `make` itself.
pub(crate) fn memoised<V: Clone>(
    memo: Option<&mut Memo<V>>,
    key: &str,
    make: impl FnOnce(&str) -> V,
) -> V {
    match memo {
        Some(memo) => memo.get_or_make(key, make),
        None => make(key),
    }
}

/// Memos lent to the workers of a parallel run, so that what one task remembered serves the
/// tasks that worker runs next. Owned by the run: the memos go when it ends.
#[derive(Debug)]
pub(crate) struct MemoPool<M> {
    memos: Vec<Mutex<M>>,
    make: fn(usize) -> M,
    capacity: usize,
}

impl<M> MemoPool<M> {
    /// A pool of `size` memos (one per worker that may ask at the same time), each made by
    /// `make` with a capacity that keeps the pool within [`POOL_CAPACITY`] texts a kind.
    pub(crate) fn new(size: usize, make: fn(usize) -> M) -> Self {
        let size = size.max(1);
        let capacity = (POOL_CAPACITY / size).clamp(1, MEMO_CAPACITY);
        MemoPool {
            memos: (0..size).map(|_| Mutex::new(make(capacity))).collect(),
            make,
            capacity,
        }
    }

    /// The capacity of each memo of the pool.
    #[cfg(test)]
    pub(crate) fn memo_capacity(&self) -> usize {
        self.capacity
    }

    /// A memo no one else is using: a pooled one, or a fresh one when all are lent out.
    pub(crate) fn lend(&self) -> Lent<'_, M> {
        self.memos
            .iter()
            .find_map(|m| m.try_lock().ok())
            .map_or_else(|| Lent::Fresh((self.make)(self.capacity)), Lent::Pooled)
    }
}

/// A memo lent by a [`MemoPool`], returned when dropped.
#[derive(Debug)]
pub(crate) enum Lent<'a, M> {
    Pooled(MutexGuard<'a, M>),
    Fresh(M),
}

impl<M> Lent<'_, M> {
    /// The memo.
    pub(crate) fn memo(&mut self) -> &mut M {
        match self {
            Lent::Pooled(guard) => guard,
            Lent::Fresh(memo) => memo,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn a_text_is_made_once_and_remembered() {
        let calls = Cell::new(0);
        let mut memo = Memo::with_capacity(MEMO_CAPACITY);
        let mut upper = |s: &str| {
            memo.get_or_make(s, |s| {
                calls.set(calls.get() + 1);
                s.to_uppercase()
            })
        };
        assert_eq!(upper("ana"), "ANA");
        assert_eq!(upper("bob"), "BOB");
        assert_eq!(upper("ana"), "ANA");
        assert_eq!(calls.get(), 2);
    }

    #[test]
    fn a_full_memo_starts_over_and_still_answers() {
        let calls = Cell::new(0);
        let mut memo = Memo::with_capacity(2);
        for text in ["a", "b", "c", "a", "c"] {
            let got = memo.get_or_make(text, |s| {
                calls.set(calls.get() + 1);
                s.len()
            });
            assert_eq!(got, 1);
            assert!(memo.len() <= 2);
        }
        // `c` found the memo full and cleared it, so `a` was made again; `c` was kept.
        assert_eq!(calls.get(), 4);
    }

    #[test]
    fn a_pool_lends_each_memo_to_one_worker_at_a_time() {
        let pool: MemoPool<Memo<usize>> = MemoPool::new(1, Memo::with_capacity);
        {
            let mut first = pool.lend();
            assert!(matches!(first, Lent::Pooled(_)));
            first.memo().get_or_make("abc", str::len);
            // The only pooled memo is out, so the next borrower gets a fresh one.
            let mut second = pool.lend();
            assert!(matches!(second, Lent::Fresh(_)));
            assert_eq!(second.memo().len(), 0);
        }
        // Returned: what the first borrower remembered serves the next.
        assert_eq!(pool.lend().memo().len(), 1);
    }

    #[test]
    fn a_larger_pool_has_smaller_memos() {
        let memos = |size| MemoPool::<Memo<()>>::new(size, Memo::with_capacity).memo_capacity();
        assert_eq!(memos(3), MEMO_CAPACITY);
        assert_eq!(memos(64), POOL_CAPACITY / 64);
        assert!(memos(64) * 64 <= POOL_CAPACITY);
        assert_eq!(memos(POOL_CAPACITY * 2), 1);
    }

    #[test]
    fn without_a_memo_the_function_runs_every_time() {
        let calls = Cell::new(0);
        for _ in 0..3 {
            let got = memoised::<usize>(None, "abc", |s| {
                calls.set(calls.get() + 1);
                s.len()
            });
            assert_eq!(got, 3);
        }
        assert_eq!(calls.get(), 3);
    }
}
