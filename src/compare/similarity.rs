//! String similarity for the comparison hot loop: Jaro–Winkler, one-edit checks (optimal string
//! alignment, so a transposition like "Jonh"/"John" is one edit) and token-set overlap.
//!
//! These run once per candidate pair and comparison, millions of times, so they work on
//! precomputed slices (ASCII bytes, or `char`s for other scripts) and do not allocate for
//! values up to [`STACK_LIMIT`] elements; longer values use the same algorithms on the heap.

/// The longest value compared without allocating.
pub const STACK_LIMIT: usize = 64;

/// A zeroed buffer of `len` elements: on the stack when it fits, else on the heap.
fn flags<'a, T: Copy + Default>(
    stack: &'a mut [T; STACK_LIMIT + 1],
    heap: &'a mut Vec<T>,
    len: usize,
) -> &'a mut [T] {
    if len <= STACK_LIMIT + 1 {
        &mut stack[..len]
    } else {
        heap.resize(len, T::default());
        heap
    }
}

/// Jaro similarity in `[0, 1]`.
pub fn jaro<T: PartialEq + Copy>(a: &[T], b: &[T]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    if a == b {
        return 1.0;
    }
    if a.len() <= 64 && b.len() <= 64 {
        return jaro_bits(a, b);
    }
    let window = (a.len().max(b.len()) / 2).saturating_sub(1);
    let (mut a_stack, mut b_stack) = ([false; STACK_LIMIT + 1], [false; STACK_LIMIT + 1]);
    let (mut a_heap, mut b_heap) = (Vec::new(), Vec::new());
    let a_matched = flags(&mut a_stack, &mut a_heap, a.len());
    let b_matched = flags(&mut b_stack, &mut b_heap, b.len());
    let mut matches = 0usize;
    for (i, x) in a.iter().enumerate() {
        let lo = i.saturating_sub(window);
        let hi = (i + window + 1).min(b.len());
        for j in lo..hi {
            if !b_matched[j] && b[j] == *x {
                a_matched[i] = true;
                b_matched[j] = true;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0usize;
    let mut j = 0usize;
    for (i, x) in a.iter().enumerate() {
        if !a_matched[i] {
            continue;
        }
        while !b_matched[j] {
            j += 1;
        }
        if *x != b[j] {
            transpositions += 1;
        }
        j += 1;
    }
    let m = matches as f64;
    (m / a.len() as f64 + m / b.len() as f64 + (m - (transpositions / 2) as f64) / m) / 3.0
}

/// [`jaro`] of two non-empty values of at most 64 elements, with the matched positions kept
/// as the bits of two words instead of two arrays of flags: the same matching, in the same
/// order, so the same result, without clearing 130 bytes of flags on every call (most names
/// are shorter than that).
fn jaro_bits<T: PartialEq + Copy>(a: &[T], b: &[T]) -> f64 {
    debug_assert!(!a.is_empty() && !b.is_empty() && a.len() <= 64 && b.len() <= 64);
    let window = (a.len().max(b.len()) / 2).saturating_sub(1);
    let (mut a_matched, mut b_matched) = (0u64, 0u64);
    let mut matches = 0usize;
    for (i, x) in a.iter().enumerate() {
        let lo = i.saturating_sub(window);
        let hi = (i + window + 1).min(b.len());
        for (j, y) in b.iter().enumerate().take(hi).skip(lo) {
            if b_matched & (1 << j) == 0 && y == x {
                a_matched |= 1 << i;
                b_matched |= 1 << j;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    // The k-th matched element of `a` against the k-th of `b`: both masks hold `matches`
    // bits, taken lowest first.
    let mut transpositions = 0usize;
    while a_matched != 0 {
        let (i, j) = (a_matched.trailing_zeros(), b_matched.trailing_zeros());
        if a[i as usize] != b[j as usize] {
            transpositions += 1;
        }
        a_matched &= a_matched - 1;
        b_matched &= b_matched - 1;
    }
    let m = matches as f64;
    (m / a.len() as f64 + m / b.len() as f64 + (m - (transpositions / 2) as f64) / m) / 3.0
}

/// Jaro–Winkler similarity in `[0, 1]`: Jaro with a bonus for a common prefix of up to four
/// elements (scaling factor 0.1), given only when Jaro exceeds 0.7 (Winkler's boost threshold,
/// as in `strsim`).
///
/// ```
/// use customer360::compare::similarity::jaro_winkler;
/// let s = jaro_winkler(b"martha", b"marhta");
/// assert!((s - 0.9611).abs() < 1e-4);
/// assert_eq!(jaro_winkler(b"same", b"same"), 1.0);
/// ```
pub fn jaro_winkler<T: PartialEq + Copy>(a: &[T], b: &[T]) -> f64 {
    winkler(a, b, jaro(a, b))
}

/// Jaro–Winkler similarity of two byte strings when it can reach `floor`; otherwise some value
/// below `floor`. Callers that only compare the result with thresholds at or above `floor` get
/// the same answers as from [`jaro_winkler`], faster: most pairs of different names share too
/// few letters to come close, and counting shared letters is much cheaper than Jaro's matching
/// window.
///
/// ```
/// use customer360::compare::similarity::{jaro_winkler, jaro_winkler_from};
/// let (a, b) = (b"jonathan".as_slice(), b"jonahtan".as_slice());
/// assert_eq!(jaro_winkler_from(a, b, 0.85), jaro_winkler(a, b));
/// assert!(jaro_winkler_from(b"elizabeth", b"mohammad", 0.85) < 0.85);
/// ```
pub fn jaro_winkler_from(a: &[u8], b: &[u8], floor: f64) -> f64 {
    if !a.is_empty() && !b.is_empty() && a.len() <= 255 && b.len() <= 255 {
        // Letters bucketed by their low five bits: buckets shared by both values bound the
        // number of Jaro matches from above (collisions only loosen the bound).
        let mut counts = [0u8; 32];
        for &x in a {
            counts[usize::from(x & 31)] += 1;
        }
        let mut common = 0usize;
        for &y in b {
            let c = &mut counts[usize::from(y & 31)];
            if *c > 0 {
                *c -= 1;
                common += 1;
            }
        }
        // Jaro with every shared letter matched and no transposition, then the largest
        // Winkler boost the common prefix allows; Jaro–Winkler grows with Jaro.
        let bound = winkler(a, b, jaro_ceiling(common, a.len(), b.len()));
        if certainly_below(bound, floor) {
            return bound;
        }
    }
    jaro_winkler(a, b)
}

/// Thirty-two bits that summarise a short byte string, kept beside its symbol so that the
/// comparison loop can rule out "within one edit" and "Jaro–Winkler at least `floor`" without
/// reading the string, which lives at random in an interner and costs a cache miss or two
/// to fetch. Most pairs of different names share too few letters to come close, and the
/// sketch shows it.
///
/// The low [`Sketch::BUCKETS`] bits say which letter buckets occur (a byte's bucket is its low
/// five bits, as in [`jaro_winkler_from`], when that is a letter's, `1..=26`; every other byte
/// shares bucket 0), and the top five bits hold the length, with 31 standing for "31 or
/// more". A check answers only when the sketch proves the answer; otherwise the caller
/// compares the strings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Sketch(u32);

impl Sketch {
    /// Letter buckets: bucket 0 for any byte that is not an ASCII letter, then `a..=z`.
    const BUCKETS: u32 = 27;
    /// The length field's value for a string of this length or longer, whose length is
    /// therefore not known.
    const LONG: u32 = 31;

    /// The sketch of `text`.
    pub(crate) fn of(text: &[u8]) -> Sketch {
        let mut mask = 0u32;
        for &x in text {
            let bucket = u32::from(x & 31);
            mask |= 1 << if bucket < Self::BUCKETS { bucket } else { 0 };
        }
        // At most `LONG`, so the cast is lossless.
        let len = text.len().min(Self::LONG as usize) as u32;
        Sketch(mask | len << Self::BUCKETS)
    }

    fn mask(self) -> u32 {
        self.0 & ((1 << Self::BUCKETS) - 1)
    }

    /// The length field: the length, or [`LONG`](Self::LONG) for that length or longer.
    fn length_field(self) -> u32 {
        self.0 >> Self::BUCKETS
    }

    /// The length, when it is known and not zero (an empty string is left to the full check).
    fn len(self) -> Option<u32> {
        let len = self.length_field();
        (len != 0 && len < Self::LONG).then_some(len)
    }

    /// Whether the string is at least `len` bytes long, for a `len` of at most 31 (longer
    /// lengths are not kept).
    pub(crate) fn is_at_least(self, len: u32) -> bool {
        debug_assert!(
            len <= Self::LONG,
            "a sketch knows lengths up to {}",
            Self::LONG
        );
        self.length_field() >= len
    }

    /// Whether the two strings are certainly *not* within one edit of each other
    /// ([`within_one_edit`]): their lengths differ by more than one, or one holds two letters
    /// (buckets) that the other lacks. One edit adds at most one letter to each side.
    pub(crate) fn rules_out_one_edit(self, other: Sketch) -> bool {
        let (Some(a), Some(b)) = (self.len(), other.len()) else {
            return false;
        };
        a.abs_diff(b) > 1
            || (self.mask() & !other.mask()).count_ones() > 1
            || (other.mask() & !self.mask()).count_ones() > 1
    }

    /// Whether the Jaro–Winkler similarity of the two strings is certainly below `floor`.
    /// `first_may_match` is false when their first bytes are known to differ, which takes the
    /// Winkler bonus away.
    ///
    /// Every position in a bucket the other string lacks is unmatched, so Jaro's matches are
    /// at most the length less the buckets only one string has, on each side; the bound then
    /// follows as in [`jaro_winkler_from`] (the same `jaro_ceiling` and `boosted`), and is
    /// never below it.
    pub(crate) fn rules_out_jaro_winkler(
        self,
        other: Sketch,
        floor: f64,
        first_may_match: bool,
    ) -> bool {
        let (Some(a), Some(b)) = (self.len(), other.len()) else {
            return false;
        };
        let only_a = (self.mask() & !other.mask()).count_ones();
        let only_b = (other.mask() & !self.mask()).count_ones();
        let matches = a.saturating_sub(only_a).min(b.saturating_sub(only_b));
        // Lengths below `LONG` (checked above), so the casts are lossless.
        let (a, b) = (a as usize, b as usize);
        let prefix = if first_may_match { a.min(b).min(4) } else { 0 };
        certainly_below(boosted(jaro_ceiling(matches as usize, a, b), prefix), floor)
    }
}

/// Jaro–Winkler from the Jaro similarity `sim` of `a` and `b`: the prefix bonus.
fn winkler<T: PartialEq>(a: &[T], b: &[T], sim: f64) -> f64 {
    if sim <= 0.7 {
        return sim;
    }
    boosted(
        sim,
        a.iter().zip(b).take(4).take_while(|(x, y)| x == y).count(),
    )
}

/// Winkler's boost of Jaro similarity `sim` for a common prefix of `prefix` elements (at most
/// four), given only above 0.7.
fn boosted(sim: f64, prefix: usize) -> f64 {
    if sim <= 0.7 {
        return sim;
    }
    sim + prefix as f64 * 0.1 * (1.0 - sim)
}

/// The highest Jaro similarity of two values of lengths `a` and `b` (neither zero) that share
/// at most `matches` elements: every one matched, none transposed.
fn jaro_ceiling(matches: usize, a: usize, b: usize) -> f64 {
    if matches == 0 {
        return 0.0;
    }
    let m = matches as f64;
    (m / a as f64 + m / b as f64 + 1.0) / 3.0
}

/// Whether an upper bound on a similarity is below `floor` with room to spare for rounding, so
/// that a bound equal to `floor` in exact arithmetic never rules a value out.
fn certainly_below(bound: f64, floor: f64) -> bool {
    bound + 1e-9 < floor
}

/// Whether `a` and `b` are at most one edit apart, counting an insertion, a deletion, a
/// substitution or a transposition of two adjacent elements as one edit (optimal string
/// alignment distance ≤ 1). Linear time, no allocation.
///
/// ```
/// use customer360::compare::similarity::within_one_edit;
/// assert!(within_one_edit(b"jonh", b"john"));   // transposition
/// assert!(within_one_edit(b"smith", b"smyth")); // substitution
/// assert!(within_one_edit(b"smith", b"smiths")); // insertion
/// assert!(!within_one_edit(b"smith", b"smythe"));
/// ```
pub fn within_one_edit<T: PartialEq>(a: &[T], b: &[T]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if long.len() - short.len() > 1 {
        return false;
    }
    let prefix = short.iter().zip(long).take_while(|(x, y)| x == y).count();
    if prefix == short.len() {
        // Equal, or one extra element at the end of `long`.
        return true;
    }
    if short.len() == long.len() {
        let rest = prefix + 1;
        // Substitution at `prefix`.
        if short[rest..] == long[rest..] {
            return true;
        }
        // Transposition of `prefix` and `prefix + 1`.
        rest < short.len()
            && short[prefix] == long[rest]
            && short[rest] == long[prefix]
            && short[rest + 1..] == long[rest + 1..]
    } else {
        // Insertion into `long` at `prefix`.
        short[prefix..] == long[prefix + 1..]
    }
}

/// Optimal string alignment distance (Damerau–Levenshtein with adjacent transpositions, each
/// substring edited once).
pub fn osa_distance<T: PartialEq + Copy>(a: &[T], b: &[T]) -> usize {
    // Three rolling rows of the dynamic programme.
    let mut stacks = [[0usize; STACK_LIMIT + 1]; 3];
    let mut heaps = [Vec::new(), Vec::new(), Vec::new()];
    let [s0, s1, s2] = &mut stacks;
    let [h0, h1, h2] = &mut heaps;
    let width = b.len() + 1;
    let mut two_ago = flags(s0, h0, width);
    let mut prev = flags(s1, h1, width);
    let mut cur = flags(s2, h2, width);
    for (j, cell) in prev.iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(two_ago[j - 2] + 1);
            }
            cur[j] = best;
        }
        // Rotate the rows: the oldest becomes the next scratch row.
        std::mem::swap(&mut two_ago, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Overlap of two sorted, deduplicated token lists: |A ∩ B| / |A ∪ B| (Jaccard), in `[0, 1]`;
/// `0` when both are empty.
///
/// ```
/// use customer360::compare::similarity::token_jaccard;
/// assert_eq!(token_jaccard(&[1, 2, 3], &[2, 3, 4]), 0.5);
/// ```
pub fn token_jaccard<T: Ord>(a: &[T], b: &[T]) -> f64 {
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.len() + b.len() - common;
    if union == 0 {
        0.0
    } else {
        common as f64 / union as f64
    }
}

/// Digits packed four bits each, `digit + 1`, the last digit lowest: `"907"` is `0xa18`. A
/// run of 1 to 15 digits packs into a non-zero value whose count of significant nibbles is its
/// length, so two numbers can be compared without reading their text. `0` when `digits` is
/// empty, longer than 15 or holds anything but ASCII digits.
pub(crate) fn pack_digits(digits: &str) -> u64 {
    if digits.is_empty() || digits.len() > 15 {
        return 0;
    }
    let mut packed = 0u64;
    for b in digits.bytes() {
        if !b.is_ascii_digit() {
            return 0;
        }
        packed = packed << 4 | u64::from(b - b'0' + 1);
    }
    packed
}

/// [`within_one_edit`] of two equal-length digit runs given [`pack_digits`]ed (both non-zero):
/// whether they are equal, differ in one digit, or differ by two neighbouring digits swapped.
/// `false` for runs of different lengths.
pub(crate) fn packed_within_one_edit(a: u64, b: u64) -> bool {
    // Significant nibbles are never 0, so equal leading zeros mean equal lengths.
    if a.leading_zeros() / 4 != b.leading_zeros() / 4 {
        return false;
    }
    let x = a ^ b;
    // One bit per nibble that differs, at the nibble's lowest bit.
    let differing = (x | x >> 1 | x >> 2 | x >> 3) & 0x1111_1111_1111_1111;
    match differing.count_ones() {
        0 | 1 => true,
        2 => {
            let low = differing.trailing_zeros();
            let high = 63 - differing.leading_zeros();
            let nibble = |v: u64, at: u32| v >> at & 0xf;
            high == low + 4
                && nibble(a, low) == nibble(b, high)
                && nibble(a, high) == nibble(b, low)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn sketches_rule_out_different_names_and_keep_close_ones() {
        let sketch = |s: &str| Sketch::of(s.as_bytes());
        // No shared letters to speak of: ruled out without reading either name.
        assert!(sketch("john").rules_out_one_edit(sketch("smith")));
        assert!(sketch("john").rules_out_jaro_winkler(sketch("smith"), 0.85, false));
        // A transposition and a substitution stay possible, and so does a high similarity.
        assert!(!sketch("jonh").rules_out_one_edit(sketch("john")));
        assert!(!sketch("smyth").rules_out_one_edit(sketch("smith")));
        assert!(!sketch("jonathan").rules_out_jaro_winkler(sketch("jonahtan"), 0.92, true));
        // Lengths alone: two letters apart is more than one edit.
        assert!(sketch("ann").rules_out_one_edit(sketch("annie")));
        assert!(sketch("alice").is_at_least(5) && !sketch("bob").is_at_least(4));
        assert!(sketch(&"x".repeat(40)).is_at_least(31));
        // Long and empty strings are left to the full checks.
        let long = "a".repeat(40);
        assert!(!sketch(&long).rules_out_one_edit(sketch("b")));
        assert!(!sketch(&long).rules_out_jaro_winkler(sketch("b"), 0.99, false));
        assert!(!sketch("").rules_out_one_edit(sketch("abc")));
        // The Winkler bonus counts up to four common leading letters: 0.867 by Jaro, 0.92 with
        // the bonus, so not ruled out at 0.9 unless the first letters are known to differ.
        assert!(jaro_winkler(b"abcdx", b"abcdy") >= 0.9);
        assert!(!sketch("abcdx").rules_out_jaro_winkler(sketch("abcdy"), 0.9, true));
        assert!(sketch("abcdx").rules_out_jaro_winkler(sketch("abcdy"), 0.9, false));
    }

    #[test]
    fn digits_pack_by_their_length() {
        assert_eq!(pack_digits("907"), 0xa18);
        assert_eq!(pack_digits("0"), 0x1);
        assert_eq!(pack_digits("999999999999999"), 0xaaa_aaaa_aaaa_aaaa);
        for unpackable in ["", "9999999999999999", "12a4", "+1555", "١٢٣"] {
            assert_eq!(pack_digits(unpackable), 0, "{unpackable:?}");
        }
        // A leading zero still counts: "07" and "7" are of different lengths.
        assert!(!packed_within_one_edit(pack_digits("07"), pack_digits("7")));
        assert!(packed_within_one_edit(
            pack_digits("5551234"),
            pack_digits("5551243")
        ));
        assert!(packed_within_one_edit(
            pack_digits("5551234"),
            pack_digits("5551239")
        ));
        assert!(!packed_within_one_edit(
            pack_digits("5551234"),
            pack_digits("1555234")
        ));
        // Neighbours changed, but not swapped.
        assert!(!packed_within_one_edit(
            pack_digits("5551234"),
            pack_digits("5551564")
        ));
    }

    #[test]
    fn jaro_winkler_matches_strsim() {
        for (a, b) in [
            ("martha", "marhta"),
            ("dwayne", "duane"),
            ("dixon", "dicksonx"),
            ("jonh", "john"),
            ("a", "b"),
            ("", "x"),
            ("abc", "abc"),
        ] {
            let ours = jaro_winkler(a.as_bytes(), b.as_bytes());
            let theirs = strsim::jaro_winkler(a, b);
            assert!((ours - theirs).abs() < 1e-12, "{a}/{b}: {ours} vs {theirs}");
        }
    }

    #[test]
    fn one_edit_cases() {
        assert!(within_one_edit(b"", b""));
        assert!(within_one_edit(b"", b"a"));
        assert!(!within_one_edit(b"", b"ab"));
        assert!(within_one_edit(b"ab", b"ba"));
        assert!(!within_one_edit(b"abc", b"cab"));
        assert!(within_one_edit(b"abcd", b"abdc"));
        assert!(within_one_edit(b"abcd", b"acd"));
    }

    proptest! {
        #[test]
        fn agrees_with_strsim(a in "[a-e]{0,12}", b in "[a-e]{0,12}") {
            let jw = jaro_winkler(a.as_bytes(), b.as_bytes());
            prop_assert!((jw - strsim::jaro_winkler(&a, &b)).abs() < 1e-12);
            prop_assert_eq!(osa_distance(a.as_bytes(), b.as_bytes()), strsim::osa_distance(&a, &b));
            prop_assert_eq!(within_one_edit(a.as_bytes(), b.as_bytes()), strsim::osa_distance(&a, &b) <= 1);
        }

        #[test]
        fn packed_digits_are_one_edit_apart_as_their_text_is(
            a in "[0-9]{1,15}",
            edits in proptest::collection::vec((0usize..15, 0u8..10, 0usize..3), 0..3),
            other in "[0-9]{1,15}",
            use_other in any::<bool>(),
        ) {
            // Mostly near copies of `a` (a digit changed, two digits one or two apart swapped),
            // so that the interesting answers come up; sometimes an unrelated run.
            let b = if use_other {
                other
            } else {
                let mut b = a.clone().into_bytes();
                for (at, digit, swap_with) in edits {
                    let at = at % b.len();
                    if swap_with > 0 && at + swap_with < b.len() {
                        b.swap(at, at + swap_with);
                    } else {
                        b[at] = b'0' + digit;
                    }
                }
                String::from_utf8(b).unwrap()
            };
            let text = a.len() == b.len() && within_one_edit(a.as_bytes(), b.as_bytes());
            prop_assert_eq!(packed_within_one_edit(pack_digits(&a), pack_digits(&b)), text);
        }

        #[test]
        fn values_either_side_of_64_elements_agree_with_strsim(
            a in "[a-d]{1,12}",
            b in "[a-d]{52,76}",
        ) {
            // One value short and one around the 64 elements that Jaro's matched positions
            // fit in as bits: both ways round, as bytes and as characters.
            let jw = jaro_winkler(a.as_bytes(), b.as_bytes());
            prop_assert!((jw - strsim::jaro_winkler(&a, &b)).abs() < 1e-12);
            let (ac, bc): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
            prop_assert!((jaro_winkler(&bc, &ac) - strsim::jaro_winkler(&b, &a)).abs() < 1e-12);
            let doubled = format!("{b}{a}");
            let jw = jaro_winkler(b.as_bytes(), doubled.as_bytes());
            prop_assert!((jw - strsim::jaro_winkler(&b, &doubled)).abs() < 1e-12);
        }

        #[test]
        fn sketches_rule_out_only_what_the_strings_rule_out(
            a in "[a-fA-F0-9 ~_é]{0,36}",
            edits in proptest::collection::vec((0usize..40, 0u8..6, 0usize..3), 0..3),
            other in "[a-fA-F0-9 ~_é]{0,36}",
            use_other in any::<bool>(),
            floor in prop::sample::select(vec![0.5, 0.7, 0.8, 0.85, 0.9, 0.92, 0.95]),
        ) {
            // Near copies of `a` (a byte changed, inserted, or two swapped) and unrelated
            // strings, of every length up to and past the sketch's longest known length.
            let mut b = if use_other { other.into_bytes() } else { a.clone().into_bytes() };
            for (at, letter, kind) in edits {
                let at = at % (b.len() + 1);
                match kind {
                    0 if at + 1 < b.len() => b.swap(at, at + 1),
                    1 => b.insert(at, b'a' + letter),
                    _ if at < b.len() => b[at] = b'a' + letter,
                    _ => {}
                }
            }
            let a = a.as_bytes();
            let (sa, sb) = (Sketch::of(a), Sketch::of(&b));
            if sa.rules_out_one_edit(sb) {
                prop_assert!(!within_one_edit(a, &b), "{:?} {:?}", a, b);
            }
            let first_may_match = a.first() == b.first();
            if sa.rules_out_jaro_winkler(sb, floor, first_may_match) {
                prop_assert!(jaro_winkler(a, &b) < floor, "{:?} {:?} {}", a, b, floor);
                prop_assert!(jaro_winkler_from(a, &b, floor) < floor);
            }
            // Symmetric, as the checks they stand for are.
            prop_assert_eq!(sa.rules_out_one_edit(sb), sb.rules_out_one_edit(sa));
            prop_assert_eq!(
                sa.rules_out_jaro_winkler(sb, floor, first_may_match),
                sb.rules_out_jaro_winkler(sa, floor, first_may_match)
            );
        }

        #[test]
        fn long_values_use_the_same_algorithms(a in "[a-c]{60,100}", b in "[a-c]{60,100}") {
            let jw = jaro_winkler(a.as_bytes(), b.as_bytes());
            prop_assert!((jw - strsim::jaro_winkler(&a, &b)).abs() < 1e-12);
            prop_assert_eq!(osa_distance(a.as_bytes(), b.as_bytes()), strsim::osa_distance(&a, &b));
        }

        #[test]
        fn symmetric_and_bounded(a in "\\PC{0,80}", b in "\\PC{0,80}") {
            let (ac, bc): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
            let ab = jaro_winkler(&ac, &bc);
            prop_assert!((0.0..=1.0).contains(&ab));
            prop_assert!((ab - jaro_winkler(&bc, &ac)).abs() < 1e-12);
            prop_assert_eq!(osa_distance(&ac, &bc), osa_distance(&bc, &ac));
            prop_assert_eq!(within_one_edit(&ac, &bc), within_one_edit(&bc, &ac));
        }
    }

    #[test]
    fn bounded_jaro_winkler_agrees_with_the_full_one_at_and_above_its_floor() {
        // Every pair of short strings over a small alphabet (so that letters repeat and
        // collide), and some longer ones.
        let alphabet = b"aeinrs0";
        let mut words: Vec<Vec<u8>> = vec![Vec::new()];
        for len in 1..=4 {
            let mut next = Vec::new();
            for w in words.iter().filter(|w| w.len() == len - 1) {
                for &c in alphabet {
                    let mut v = w.clone();
                    v.push(c);
                    next.push(v);
                }
            }
            words.extend(next);
        }
        words.extend(
            [
                "jonathan",
                "jonahtan",
                "elizabeth",
                "mohammad",
                "mohamed",
                "harbour view road",
            ]
            .iter()
            .map(|w| w.as_bytes().to_vec()),
        );
        let mut checked = 0usize;
        for (i, a) in words.iter().enumerate().step_by(7) {
            for b in words.iter().skip(i % 5).step_by(3) {
                let full = jaro_winkler(a, b);
                for floor in [0.7, 0.85, 0.9, 0.92] {
                    let bounded = jaro_winkler_from(a, b, floor);
                    assert_eq!(bounded >= floor, full >= floor, "{a:?} {b:?} {floor}");
                    if bounded >= floor {
                        assert_eq!(bounded, full);
                    }
                }
                checked += 1;
            }
        }
        assert!(checked > 10_000, "{checked}");
    }
}
