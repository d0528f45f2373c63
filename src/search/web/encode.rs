//! Byte encoding of the static index: LEB128 varints, length-prefixed strings, gzip, and
//! hash-sharded files.

use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;

use super::super::hash::fnv1a32;

/// Appends `value` as an unsigned LEB128 varint (7 bits a byte, high bit = more).
pub fn varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Appends a string as its varint byte length and its UTF-8 bytes.
pub fn string(out: &mut Vec<u8>, s: &str) {
    varint(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

/// Appends a count and the gaps between ascending ids (the first gap is from 0).
pub fn ids(out: &mut Vec<u8>, ids: &[u32]) {
    varint(out, ids.len() as u64);
    let mut previous = 0;
    for &id in ids {
        varint(out, u64::from(id - previous));
        previous = id;
    }
}

/// Gzips `bytes` (the browser inflates it with `DecompressionStream`). The gzip header
/// carries no time stamp, so the output depends on the input only.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder
        .write_all(bytes)
        .and_then(|()| encoder.finish())
        .expect("writing to a Vec cannot fail")
}

/// Entries (key, encoded bytes) spread over `2^k` shard files by `fnv1a32(key)`, with `k`
/// chosen so that a shard holds about `target` bytes: a lookup downloads one small file.
pub struct Shards {
    /// How many shards there are (a power of two).
    pub count: u32,
    /// Each shard's content: the number of entries, then the entries in key order.
    pub files: Vec<Vec<u8>>,
}

impl Shards {
    /// Shards `entries`, which must be sorted by key.
    pub fn new(entries: &[(String, Vec<u8>)], target: usize) -> Self {
        let total: usize = entries.iter().map(|(_, e)| e.len()).sum();
        let count = total.div_ceil(target).max(1).next_power_of_two() as u32;
        let mut buckets: Vec<Vec<&[u8]>> = vec![Vec::new(); count as usize];
        for (key, entry) in entries {
            buckets[bucket(key, count) as usize].push(entry);
        }
        let files = buckets
            .into_iter()
            .map(|entries| {
                let mut file = Vec::new();
                varint(&mut file, entries.len() as u64);
                entries.iter().for_each(|e| file.extend_from_slice(e));
                file
            })
            .collect();
        Self { count, files }
    }
}

/// The shard of `key` among `count` (a power of two).
pub fn bucket(key: &str, count: u32) -> u32 {
    fnv1a32(key.as_bytes()) & (count - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_and_gaps() {
        let mut out = Vec::new();
        varint(&mut out, 0);
        varint(&mut out, 127);
        varint(&mut out, 128);
        varint(&mut out, 300);
        assert_eq!(out, [0, 127, 0x80, 1, 0xac, 2]);
        let mut out = Vec::new();
        ids(&mut out, &[3, 4, 200]);
        assert_eq!(out, [3, 3, 1, 196, 1]);
    }

    #[test]
    fn shards_hold_about_the_target_and_every_entry_once() {
        let entries: Vec<(String, Vec<u8>)> = (0..100)
            .map(|i| (format!("k{i:03}"), vec![1; 10]))
            .collect();
        let shards = Shards::new(&entries, 100);
        assert_eq!(shards.count, 16);
        let held: usize = shards.files.iter().map(|f| f.len() - 1).sum();
        assert_eq!(held, 1000);
        assert_eq!(bucket("k000", 16), fnv1a32(b"k000") & 15);
    }

    #[test]
    fn gzip_is_deterministic() {
        assert_eq!(gzip(b"same input"), gzip(b"same input"));
    }
}
