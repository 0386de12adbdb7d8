//! Packing a session into a URL fragment: a small LZ77 of our own and base64url.
//!
//! Chosen over a deflate crate by size: see the numbers in [`compress`]'s doc. Both
//! directions are total: any input decodes to `Some` or `None`, never panics, and decoding
//! never produces more than the caller's limit.

/// The shortest repeat worth a back-reference.
const MIN_MATCH: usize = 4;
/// The longest back-reference one token carries.
const MAX_MATCH: usize = MIN_MATCH + 0x7f;
/// How far back a reference may point.
const WINDOW: usize = 1 << 16;
/// Bits of the match finder's hash table.
const HASH_BITS: u32 = 14;
/// How many earlier positions with the same hash the match finder tries.
const CHAIN: usize = 32;

/// LZ77 with byte-aligned tokens: `0xxxxxxx` is a run of `x + 1` literal bytes that follow;
/// `1xxxxxxx` is a copy of `x + MIN_MATCH` bytes from a distance that follows as a LEB128
/// varint (1 ..= 65,536).
///
/// Measured against `miniz_oxide` 0.8 (deflate, level 6): on a session of ten commands and a
/// manifest (1,154 bytes of JSON) deflate gave 447 bytes and this 601, but it made the
/// release wasm 15.7 KB bigger gzipped (32.7 KB raw), more than two thirds again of what
/// this whole feature costs (22.8 KB gzipped); a link only needs to stay a link.
pub fn compress(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len() / 2 + 16);
    let mut head = vec![usize::MAX; 1 << HASH_BITS];
    let mut prev = vec![usize::MAX; input.len()];
    let hash = |i: usize| -> usize {
        let v = u32::from_le_bytes([input[i], input[i + 1], input[i + 2], input[i + 3]]);
        (v.wrapping_mul(2_654_435_761) >> (32 - HASH_BITS)) as usize
    };
    let mut literals_from = 0;
    let mut i = 0;
    let insert = |head: &mut Vec<usize>, prev: &mut Vec<usize>, at: usize| {
        if at + MIN_MATCH <= input.len() {
            let h = hash(at);
            prev[at] = head[h];
            head[h] = at;
        }
    };
    while i < input.len() {
        let mut best = (0, 0);
        if i + MIN_MATCH <= input.len() {
            let mut candidate = head[hash(i)];
            let mut tries = 0;
            while candidate != usize::MAX && i - candidate <= WINDOW && tries < CHAIN {
                let limit = (input.len() - i).min(MAX_MATCH);
                let len = (0..limit)
                    .take_while(|&k| input[candidate + k] == input[i + k])
                    .count();
                if len > best.0 {
                    best = (len, i - candidate);
                }
                candidate = prev[candidate];
                tries += 1;
            }
        }
        if best.0 >= MIN_MATCH {
            flush_literals(&mut out, &input[literals_from..i]);
            out.push(0x80 | (best.0 - MIN_MATCH) as u8);
            push_varint(&mut out, best.1 - 1);
            for k in i..i + best.0 {
                insert(&mut head, &mut prev, k);
            }
            i += best.0;
            literals_from = i;
        } else {
            insert(&mut head, &mut prev, i);
            i += 1;
        }
    }
    flush_literals(&mut out, &input[literals_from..]);
    out
}

fn flush_literals(out: &mut Vec<u8>, mut literals: &[u8]) {
    while !literals.is_empty() {
        let n = literals.len().min(128);
        out.push((n - 1) as u8);
        out.extend_from_slice(&literals[..n]);
        literals = &literals[n..];
    }
}

fn push_varint(out: &mut Vec<u8>, mut v: usize) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// Undoes [`compress`]; `None` for anything malformed or longer than `limit` bytes.
pub fn decompress(input: &[u8], limit: usize) -> Option<Vec<u8>> {
    let mut out: Vec<u8> = Vec::new();
    let mut bytes = input.iter().copied();
    while let Some(token) = bytes.next() {
        if token & 0x80 == 0 {
            let n = usize::from(token) + 1;
            if out.len() + n > limit {
                return None;
            }
            for _ in 0..n {
                out.push(bytes.next()?);
            }
        } else {
            let len = usize::from(token & 0x7f) + MIN_MATCH;
            let mut distance = 0usize;
            let mut shift = 0;
            loop {
                let byte = bytes.next()?;
                if shift > 14 {
                    return None;
                }
                distance |= usize::from(byte & 0x7f) << shift;
                shift += 7;
                if byte & 0x80 == 0 {
                    break;
                }
            }
            let distance = distance + 1;
            if distance > out.len() || distance > WINDOW || out.len() + len > limit {
                return None;
            }
            let start = out.len() - distance;
            for k in 0..len {
                let byte = out[start + k];
                out.push(byte);
            }
        }
    }
    Some(out)
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// RFC 4648 base64url without padding: safe in a URL fragment as it is.
pub fn base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for k in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * k) & 63) as usize]));
        }
    }
    out
}

/// Undoes [`base64url`]; `None` for any character outside the alphabet or a dangling one.
pub fn from_base64url(text: &str) -> Option<Vec<u8>> {
    let value = |c: u8| ALPHABET.iter().position(|&a| a == c).map(|v| v as u32);
    let text = text.as_bytes();
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    for chunk in text.chunks(4) {
        let mut n = 0u32;
        for (k, &c) in chunk.iter().enumerate() {
            n |= value(c)? << (18 - 6 * k);
        }
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<u8> {
        let mut s = String::new();
        for i in 0..40 {
            s.push_str(&format!(
                "{{\"run\":\"kubectl create deployment web{i} --image=nginx --replicas=3\"}},{{\"tick\":[1,{i}]}},"
            ));
        }
        s.into_bytes()
    }

    #[test]
    fn what_is_compressed_comes_back_the_same_and_smaller() {
        let input = sample();
        let packed = compress(&input);
        assert!(
            packed.len() * 4 < input.len(),
            "{} of {}",
            packed.len(),
            input.len()
        );
        assert_eq!(decompress(&packed, 1 << 20).unwrap(), input);
        for text in [
            &b""[..],
            b"a",
            b"abcabcabcabcabcabc",
            &[0u8; 1000],
            "ñandú ✓".as_bytes(),
        ] {
            assert_eq!(decompress(&compress(text), 1 << 20).unwrap(), text);
        }
    }

    #[test]
    fn long_literal_runs_and_far_repeats_survive() {
        let mut input: Vec<u8> = (0..70_000u32).map(|i| (i * 7919 % 251) as u8).collect();
        input.extend_from_within(10..5_000);
        assert_eq!(decompress(&compress(&input), 1 << 20).unwrap(), input);
    }

    #[test]
    fn malformed_or_oversized_input_decompresses_to_nothing() {
        assert_eq!(
            decompress(&[0x05, b'a'], 100),
            None,
            "a truncated literal run"
        );
        assert_eq!(
            decompress(&[0x80, 0x00], 100),
            None,
            "a reference before any output"
        );
        assert_eq!(
            decompress(&[0x00, b'a', 0x80], 100),
            None,
            "a truncated distance"
        );
        assert_eq!(
            decompress(&[0x00, b'a', 0xff, 0xff, 0xff, 0xff, 0x7f], 100),
            None
        );
        // A bomb: one byte repeated far beyond the limit.
        let mut bomb = vec![0x00, b'a'];
        for _ in 0..10_000 {
            bomb.extend([0xff, 0x00]);
        }
        assert_eq!(decompress(&bomb, 4096), None);
        assert!(decompress(&bomb, usize::MAX).is_some());
    }

    #[test]
    fn base64url_round_trips_every_length_and_rejects_strangers() {
        for n in 0..10u8 {
            let bytes: Vec<u8> = (0..n)
                .map(|i| i.wrapping_mul(97).wrapping_add(250))
                .collect();
            let text = base64url(&bytes);
            assert!(text.bytes().all(|c| ALPHABET.contains(&c)));
            assert_eq!(from_base64url(&text).unwrap(), bytes);
        }
        assert_eq!(base64url(b"\xfb\xff"), "-_8");
        assert_eq!(from_base64url("ab+c"), None);
        assert_eq!(from_base64url("abcde"), None);
        assert_eq!(from_base64url("<script>"), None);
    }
}
