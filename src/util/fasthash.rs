//! A fast, non-cryptographic hasher for small fixed-size keys the crate makes itself
//! (comparison patterns), where SipHash's protection against chosen keys buys nothing: a
//! pattern is a few level numbers, and there are at most a few thousand distinct ones.
//! Never use it for strings taken from input.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Multiply-rotate hashing of 8-byte words (the FxHash recipe).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FastHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A hash map keyed by crate-made values (see the module documentation).
pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    fn hash(bytes: &[u8]) -> u64 {
        BuildHasherDefault::<FastHasher>::default().hash_one(bytes)
    }

    #[test]
    fn equal_keys_hash_equal_and_different_keys_differ() {
        assert_eq!(hash(&[1, 2, 3]), hash(&[1, 2, 3]));
        assert_ne!(hash(&[1, 2, 3]), hash(&[1, 2, 4]));
        assert_ne!(hash(&[0; 16]), hash(&[0; 17]));
        let mut map: FastMap<[u8; 16], u32> = FastMap::default();
        for i in 0..=255u8 {
            let mut key = [255u8; 16];
            key[i as usize % 16] = i;
            *map.entry(key).or_insert(0) += 1;
        }
        assert_eq!(map.len(), 256);
        assert_eq!(map.get(&[255u8; 16]), Some(&1));
    }
}
