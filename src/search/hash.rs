//! FNV-1a hashes: tiny, stable across platforms and Rust versions, and easy to repeat in
//! the search page's JavaScript (which must pick the same shard for a word).

/// 32-bit FNV-1a of `bytes`; `search.js` computes the same with `Math.imul`.
pub fn fnv1a32(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5, |h, &b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// 64-bit FNV-1a of a sequence of byte strings, each length-prefixed so that
/// `["ab", "c"]` and `["a", "bc"]` differ.
pub fn fnv1a64<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    for part in parts {
        eat(&(part.len() as u64).to_le_bytes());
        eat(part);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        // Reference values of the FNV-1a specification.
        assert_eq!(fnv1a32(b""), 0x811c_9dc5);
        assert_eq!(fnv1a32(b"a"), 0xe40c_292c);
        assert_eq!(fnv1a32(b"foobar"), 0xbf9c_f968);
        assert_ne!(
            fnv1a64([b"ab".as_slice(), b"c"]),
            fnv1a64([b"a".as_slice(), b"bc"])
        );
    }
}
