//! `memcmp` and `bcmp` for wasm32, eight bytes at a time.
//!
//! On wasm32 the Rust runtime's own `memcmp` compares one byte per loop round. The store, the
//! control loops' maps and every `String` key compare names with long shared prefixes
//! (`web-5d9c7f8b6d-…`), so that loop was an eighth of a 10,000-pod run in wasm. The
//! definitions below replace the runtime's weak ones in any wasm module that links the
//! simulation (the page and the wasm benchmark). Natively the C library's vectorised `memcmp`
//! stays: only [`compare`] is compiled there, for its tests.

/// Lexicographic comparison of two byte strings of the same length: negative, zero or positive,
/// as C's `memcmp`.
#[cfg(any(target_arch = "wasm32", test))]
pub fn compare(a: &[u8], b: &[u8]) -> i32 {
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + 8 <= n {
        let (Some(x), Some(y)) = (a.get(i..i + 8), b.get(i..i + 8)) else {
            break;
        };
        let mut wx = [0; 8];
        let mut wy = [0; 8];
        wx.copy_from_slice(x);
        wy.copy_from_slice(y);
        // Read big-endian, the first differing byte is the most significant one.
        let (x, y) = (u64::from_be_bytes(wx), u64::from_be_bytes(wy));
        if x != y {
            return if x < y { -1 } else { 1 };
        }
        i += 8;
    }
    for (x, y) in a[i..n].iter().zip(&b[i..n]) {
        if x != y {
            return i32::from(*x) - i32::from(*y);
        }
    }
    0
}

/// C's `memcmp`.
///
/// # Safety
/// `a` and `b` must be valid for reads of `n` bytes.
#[cfg(target_arch = "wasm32")]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    if n == 0 {
        return 0;
    }
    // SAFETY: both pointers are valid for `n > 0` bytes (the caller's contract), hence non-null.
    let (a, b) = unsafe {
        (
            std::slice::from_raw_parts(a, n),
            std::slice::from_raw_parts(b, n),
        )
    };
    compare(a, b)
}

/// C's `bcmp`: zero when the bytes are equal.
///
/// # Safety
/// `a` and `b` must be valid for reads of `n` bytes.
#[cfg(target_arch = "wasm32")]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    // SAFETY: the same contract.
    unsafe { memcmp(a, b, n) }
}

#[cfg(test)]
mod tests {
    use super::compare;

    fn sign(v: i32) -> i32 {
        v.signum()
    }

    #[test]
    fn compares_as_the_byte_order_of_strings_does() {
        let words = [
            "",
            "a",
            "b",
            "default",
            "defaulu",
            "web-5d9c7f8b6d-abcde",
            "web-5d9c7f8b6d-abcdf",
            "web-5d9c7f8b6d-abcd",
            "web-5d9c7f8b6d-zzzzz",
            "kube-system",
            "ñ",
            "\u{ff}x",
            "0123456789abcdef0",
            "0123456789abcdeg0",
        ];
        for a in words {
            for b in words {
                let n = a.len().min(b.len());
                let want = a.as_bytes()[..n].cmp(&b.as_bytes()[..n]) as i32;
                assert_eq!(
                    sign(compare(&a.as_bytes()[..n], &b.as_bytes()[..n])),
                    want,
                    "{a:?} {b:?}"
                );
            }
        }
    }

    #[test]
    fn a_difference_in_any_byte_of_a_word_decides() {
        let base = [7u8; 24];
        for i in 0..24 {
            let mut other = base;
            other[i] = 8;
            assert_eq!(compare(&base, &other), -1, "byte {i}");
            assert_eq!(sign(compare(&other, &base)), 1, "byte {i}");
        }
        assert_eq!(compare(&base, &base), 0);
    }
}
