//! The writer's memory mode: a built site held as a map from path to bytes, for
//! `pmkb serve`. Only the files a build produced can be looked up, so no request can
//! reach a file outside the site.

use std::collections::HashMap;
use std::sync::Arc;

use super::{OutputError, OutputFile, safe_join};

/// A whole site in memory: `/`-separated paths relative to the site root (as in
/// [`OutputFile::path`]) → file contents, shared cheaply between requests.
#[derive(Debug, Default, Clone)]
pub struct MemorySite {
    files: HashMap<String, Arc<[u8]>>,
}

impl MemorySite {
    /// Holds `files`, refusing the whole site (like the disk writer) when one path would
    /// leave the output folder.
    ///
    /// # Errors
    /// [`OutputError::UnsafePath`] naming the first such path.
    pub fn new(files: Vec<OutputFile>) -> Result<Self, OutputError> {
        let mut map = HashMap::with_capacity(files.len());
        for file in files {
            safe_join(std::path::Path::new(""), &file.path)?;
            map.insert(file.path, Arc::from(file.bytes));
        }
        Ok(Self { files: map })
    }

    /// The file at `path` (relative, `/`-separated, no leading slash), if the site has it.
    pub fn get(&self, path: &str) -> Option<Arc<[u8]>> {
        self.files.get(path).cloned()
    }

    /// How many files the site holds.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether the site holds no file.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_files_and_refuses_paths_that_escape() {
        let site = MemorySite::new(vec![OutputFile::text("a/index.html", "hi".into())]).unwrap();
        assert_eq!(&*site.get("a/index.html").unwrap(), b"hi");
        assert!(site.get("../a/index.html").is_none());
        let bad = vec![OutputFile::text("../x", String::new())];
        assert!(matches!(
            MemorySite::new(bad),
            Err(OutputError::UnsafePath(_))
        ));
    }
}
