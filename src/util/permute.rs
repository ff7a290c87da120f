//! Applying a permutation: in place, or by gathering into a new vector.

/// Reorder `items` in place so that item `i` becomes the old item `order[i]`, following each
/// cycle of the permutation with swaps (`order` is used up as the visited marks).
pub(crate) fn permute<T>(items: &mut [T], mut order: Vec<u32>) {
    const DONE: u32 = u32::MAX;
    for start in 0..items.len() {
        if order[start] == DONE {
            continue;
        }
        let mut i = start;
        loop {
            let j = order[i] as usize;
            order[i] = DONE;
            if j == start {
                break;
            }
            items.swap(i, j);
            i = j;
        }
    }
}

/// `items` reordered so that item `i` is the old item `order[i]`, each item moved out and
/// `vacated()` left in its place: written in order while read at random, which for small
/// items is several times faster than [`permute`]'s swaps along cycles, at the cost of a
/// second vector while it runs.
pub(crate) fn gather<T>(items: &mut [T], order: &[u32], vacated: impl Fn() -> T) -> Vec<T> {
    order
        .iter()
        .map(|&i| std::mem::replace(&mut items[i as usize], vacated()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{gather, permute};

    #[test]
    fn each_item_moves_to_its_new_place() {
        let mut items = vec!['a', 'b', 'c', 'd', 'e', 'f'];
        permute(&mut items, vec![3, 0, 4, 1, 2, 5]);
        assert_eq!(items, ['d', 'a', 'e', 'b', 'c', 'f']);
        let mut reversed: Vec<u32> = (0..1000).collect();
        permute(&mut reversed, (0..1000).rev().collect());
        assert!(reversed.iter().rev().copied().eq(0..1000));
    }

    #[test]
    fn gathering_is_permuting() {
        let order: Vec<u32> = vec![3, 0, 4, 1, 2, 5];
        let mut items: Vec<String> = "abcdef".chars().map(String::from).collect();
        let mut permuted = items.clone();
        permute(&mut permuted, order.clone());
        assert_eq!(gather(&mut items, &order, String::new), permuted);
        assert!(
            items.iter().all(String::is_empty),
            "every item was moved out"
        );
    }
}
