//! One shard file of the per-file cache, `NN.bin`:
//!
//! ```text
//! magic "pmkbfc\0\x01" (8 bytes) | xxh3 of the rest, u64 LE | rest:
//!   format: u32 LE length + UTF-8 | version: u32 LE length + UTF-8 | salt: u64 LE |
//!   count: u32 LE | count × (key: u64 LE, length: u32 LE, entry bytes), keys ascending
//! ```
//!
//! The checksum covers everything after it, so a truncated or garbled file is caught
//! before any entry is decoded.

use std::ops::Range;
use std::path::{Path, PathBuf};

use super::{FORMAT, Key};

const MAGIC: &[u8; 8] = b"pmkbfc\0\x01";

/// The path of shard `index` in the cache folder `dir`.
pub fn path(dir: &Path, index: usize) -> PathBuf {
    dir.join(format!("{index:02}.bin"))
}

/// A shard's entries, still encoded.
#[derive(Default)]
pub struct Shard {
    bytes: Vec<u8>,
    /// Each entry's key and where its bytes are, by ascending key.
    entries: Vec<(Key, Range<usize>)>,
}

impl Shard {
    /// The shard at `path` if it holds entries for `salt`; otherwise an empty one, with
    /// the reason it could not be used when that is worth a warning (not for a missing
    /// file or another salt: those are expected).
    pub fn read(path: &Path, salt: u64) -> (Self, Option<String>) {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (Self::default(), None),
            Err(e) => return (Self::default(), Some(format!("it cannot be read: {e}"))),
        };
        match Self::decode(bytes, salt) {
            Ok(Some(shard)) => (shard, None),
            Ok(None) => (Self::default(), None),
            Err(why) => (Self::default(), Some(why)),
        }
    }

    /// Ok(None) for a sound shard of another salt.
    fn decode(bytes: Vec<u8>, salt: u64) -> Result<Option<Self>, String> {
        if bytes.len() < 16 || &bytes[..8] != MAGIC {
            return Err("it is not a file cache shard of this pmkb".to_owned());
        }
        let sum = u64::from_le_bytes(bytes[8..16].try_into().expect("8 bytes"));
        if xxhash_rust::xxh3::xxh3_64(&bytes[16..]) != sum {
            return Err("it is truncated or damaged (checksum mismatch)".to_owned());
        }
        let mut reader = Reader {
            bytes: &bytes,
            at: 16,
        };
        let damaged = || "it is damaged (bad layout)".to_owned();
        let format = reader.text().ok_or_else(damaged)?;
        let version = reader.text().ok_or_else(damaged)?;
        if format != FORMAT || version != crate::VERSION {
            return Err(format!("it was written by pmkb {version} ({format})"));
        }
        if reader.u64().ok_or_else(damaged)? != salt {
            return Ok(None);
        }
        let count = reader.u32().ok_or_else(damaged)?;
        let mut entries = Vec::with_capacity(count.min(1 << 20) as usize);
        for _ in 0..count {
            let key = Key(reader.u64().ok_or_else(damaged)?);
            let range = reader.span().ok_or_else(damaged)?;
            if entries.last().is_some_and(|(last, _)| *last >= key) {
                return Err(damaged());
            }
            entries.push((key, range));
        }
        Ok(Some(Self { bytes, entries }))
    }

    /// The encoded entry of `key`.
    pub fn get(&self, key: Key) -> Option<&[u8]> {
        let at = self.entries.binary_search_by_key(&key, |(k, _)| *k).ok()?;
        Some(&self.bytes[self.entries[at].1.clone()])
    }

    /// Whether the shard holds exactly the entries of `keys` (ascending, distinct).
    pub fn holds_exactly(&self, keys: &[Key]) -> bool {
        self.entries.len() == keys.len() && self.entries.iter().zip(keys).all(|((k, _), w)| k == w)
    }
}

/// A cursor over a shard's bytes; None past the end.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<Range<usize>> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&end| end <= self.bytes.len())?;
        let range = self.at..end;
        self.at = end;
        Some(range)
    }

    fn u32(&mut self) -> Option<u32> {
        let range = self.take(4)?;
        Some(u32::from_le_bytes(self.bytes[range].try_into().ok()?))
    }

    fn u64(&mut self) -> Option<u64> {
        let range = self.take(8)?;
        Some(u64::from_le_bytes(self.bytes[range].try_into().ok()?))
    }

    /// A u32 length then that many bytes: their range.
    fn span(&mut self) -> Option<Range<usize>> {
        let len = self.u32()?;
        self.take(len as usize)
    }

    fn text(&mut self) -> Option<&'a str> {
        let range = self.span()?;
        std::str::from_utf8(&self.bytes[range]).ok()
    }
}

/// Writes a shard of `entries` (ascending keys) for `salt` to `path` in `dir`: to a
/// temporary file first, renamed over `path` once complete.
///
/// # Errors
/// When the folder cannot be created or the file written or renamed.
pub fn write(dir: &Path, path: &Path, salt: u64, entries: &[(Key, &[u8])]) -> std::io::Result<()> {
    let bytes = encode([FORMAT, crate::VERSION], salt, entries)?;
    std::fs::create_dir_all(dir)?;
    let temp = super::temp_beside(path);
    let written = std::fs::write(&temp, &bytes).and_then(|()| std::fs::rename(&temp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

/// A whole shard file of `entries` for `salt`, written by the pmkb of `writer` (format,
/// version).
fn encode(writer: [&str; 2], salt: u64, entries: &[(Key, &[u8])]) -> std::io::Result<Vec<u8>> {
    let mut rest =
        Vec::with_capacity(entries.iter().map(|(_, b)| b.len() + 12).sum::<usize>() + 64);
    for text in writer {
        rest.extend_from_slice(&length(text.len())?.to_le_bytes());
        rest.extend_from_slice(text.as_bytes());
    }
    rest.extend_from_slice(&salt.to_le_bytes());
    rest.extend_from_slice(&length(entries.len())?.to_le_bytes());
    for (key, bytes) in entries {
        rest.extend_from_slice(&key.0.to_le_bytes());
        rest.extend_from_slice(&length(bytes.len())?.to_le_bytes());
        rest.extend_from_slice(bytes);
    }
    let mut bytes = Vec::with_capacity(rest.len() + 16);
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&xxhash_rust::xxh3::xxh3_64(&rest).to_le_bytes());
    bytes.extend_from_slice(&rest);
    Ok(bytes)
}

fn length(n: usize) -> std::io::Result<u32> {
    u32::try_from(n).map_err(|_| std::io::Error::other("a cache entry over 4 GiB"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_shard_reads_back_and_any_damage_is_caught() {
        let dir = tempfile::tempdir().unwrap();
        let path = path(dir.path(), 3);
        let entries = [(Key(1), b"one".as_slice()), (Key(7), b"seven".as_slice())];
        write(dir.path(), &path, 42, &entries).unwrap();
        let (shard, warning) = Shard::read(&path, 42);
        assert_eq!(warning, None);
        assert_eq!(shard.get(Key(7)), Some(b"seven".as_slice()));
        assert_eq!(shard.get(Key(2)), None);
        assert!(shard.holds_exactly(&[Key(1), Key(7)]));
        // Another salt: silently empty.
        let (shard, warning) = Shard::read(&path, 43);
        assert_eq!((shard.get(Key(7)), warning), (None, None));
        // Truncated, or one byte changed: empty, with a warning.
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 2]).unwrap();
        let (shard, warning) = Shard::read(&path, 42);
        assert!(shard.get(Key(1)).is_none());
        assert!(warning.unwrap().contains("checksum"));
        let mut garbled = bytes.clone();
        garbled[30] ^= 0xff;
        std::fs::write(&path, &garbled).unwrap();
        assert!(Shard::read(&path, 42).1.is_some());
        // Another pmkb's shard, sound as it is: empty, with a warning naming it.
        let other = encode(["pmkb-file-cache-0", "0.0.1"], 42, &entries).unwrap();
        std::fs::write(&path, other).unwrap();
        let (shard, warning) = Shard::read(&path, 42);
        assert!(shard.get(Key(1)).is_none());
        assert_eq!(
            warning.as_deref(),
            Some("it was written by pmkb 0.0.1 (pmkb-file-cache-0)")
        );
        // No temporary file is left behind.
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }
}
