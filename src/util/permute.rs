//! Applying a permutation in place.

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

#[cfg(test)]
mod tests {
    use super::permute;

    #[test]
    fn each_item_moves_to_its_new_place() {
        let mut items = vec!['a', 'b', 'c', 'd', 'e', 'f'];
        permute(&mut items, vec![3, 0, 4, 1, 2, 5]);
        assert_eq!(items, ['d', 'a', 'e', 'b', 'c', 'f']);
        let mut reversed: Vec<u32> = (0..1000).collect();
        permute(&mut reversed, (0..1000).rev().collect());
        assert!(reversed.iter().rev().copied().eq(0..1000));
    }
}
