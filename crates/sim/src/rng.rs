//! The one seeded random number generator of the cluster (xoshiro256**, seeded by splitmix64).
//!
//! Portable: the same seed gives the same numbers on native targets and on wasm32.

/// The alphabet of apimachinery's `util/rand.String`, used for generated name suffixes.
pub const NAME_SUFFIX_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rng {
    s: [u64; 4],
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    pub fn new(seed: u64) -> Self {
        let mut sm = seed;
        Rng {
            s: [
                splitmix64(&mut sm),
                splitmix64(&mut sm),
                splitmix64(&mut sm),
                splitmix64(&mut sm),
            ],
        }
    }

    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// A uniform number in `0..n` (`0` when `n == 0`), without modulo bias.
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        let zone = u64::MAX - (u64::MAX % n);
        loop {
            let x = self.next_u64();
            if x < zone {
                return x % n;
            }
        }
    }

    /// `n` characters from [`NAME_SUFFIX_ALPHABET`], as `utilrand.String(n)`.
    pub fn name_suffix(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| {
                NAME_SUFFIX_ALPHABET[self.below(NAME_SUFFIX_ALPHABET.len() as u64) as usize] as char
            })
            .collect()
    }

    /// A random (version 4) UUID, as the api-server gives every object.
    pub fn uuid(&mut self) -> String {
        let bytes = self.uuid_bytes();
        std::str::from_utf8(&bytes).unwrap_or_default().to_string()
    }

    /// [`Rng::uuid`]'s text without an allocation: the api-server copies it once, into the
    /// object's shared uid.
    pub fn uuid_bytes(&mut self) -> [u8; 36] {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let hi = self.next_u64();
        let lo = self.next_u64();
        let hi = (hi & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000;
        let lo = (lo & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000;
        let mut out = [b'-'; 36];
        // 8-4-4-4-12 hex digits: the high word gives the first 16, the low word the last 16.
        let slots = (0..36).filter(|i| ![8, 13, 18, 23].contains(i));
        for (n, i) in slots.enumerate() {
            let word = if n < 16 { hi } else { lo };
            let nibble = (word >> (60 - 4 * (n % 16))) & 0xF;
            if let Some(b) = out.get_mut(i) {
                *b = HEX[nibble as usize];
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_numbers() {
        let (mut a, mut b) = (Rng::new(42), Rng::new(42));
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
        assert_ne!(Rng::new(1).next_u64(), Rng::new(2).next_u64());
    }

    #[test]
    fn name_suffixes_use_the_upstream_alphabet() {
        let mut r = Rng::new(7);
        for _ in 0..50 {
            let s = r.name_suffix(5);
            assert_eq!(s.len(), 5);
            assert!(s.bytes().all(|c| NAME_SUFFIX_ALPHABET.contains(&c)));
        }
    }

    #[test]
    fn uuids_look_like_version_4_uuids() {
        let u = Rng::new(3).uuid();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"));
    }
}
