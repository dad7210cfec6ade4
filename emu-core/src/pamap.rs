//! Hash maps keyed by guest physical address (the block cache's, the
//! JIT engine's).

use std::hash::{BuildHasherDefault, Hasher};

/// Maps keyed by guest physical address, hashed by one multiplication
/// (the keys are addresses, not attacker-chosen strings that need
/// SipHash: a guest crafting collisions only slows itself).
pub type PaMap<V> = std::collections::HashMap<u64, V, BuildHasherDefault<PaHasher>>;

/// The hasher of [`PaMap`].
#[derive(Default)]
pub struct PaHasher(u64);

impl Hasher for PaHasher {
    fn finish(&self) -> u64 {
        // The table indexes by the low bits: give it the product's high
        // half, where every address bit counts (the low bits of a product
        // depend only on the low bits of the address, all zero for pages).
        self.0.rotate_left(32)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ b as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }

    fn write_u64(&mut self, v: u64) {
        // Fibonacci hashing: the product's high bits mix every bit of v.
        self.0 = (self.0 ^ v).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

#[cfg(test)]
mod tests {
    use super::PaHasher;
    use std::hash::{BuildHasher, BuildHasherDefault};

    /// Page addresses (low 12 bits zero) and 2-byte-aligned block
    /// addresses spread over the low bits the map indexes by.
    #[test]
    fn pa_hashes_spread_over_the_low_bits() {
        let h = BuildHasherDefault::<PaHasher>::default();
        for (base, step) in [(0x8000_0000u64, 0x1000u64), (0x8020_0000, 2)] {
            let mut seen = [false; 256];
            for i in 0..1024 {
                seen[(h.hash_one(base + i * step) & 255) as usize] = true;
            }
            let used = seen.iter().filter(|&&b| b).count();
            assert!(used > 200, "{used} of 256 buckets for step {step:#x}");
        }
    }
}
