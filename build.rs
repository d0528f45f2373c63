//! Build script: embeds every cue vocabulary file `src/cues/*.toml` in the binary, so adding a
//! topic file needs no code change (see `src/cues/mod.rs`).

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/cues");
    println!("cargo::rerun-if-changed=src/cues");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("src/cues is readable")
        .map(|e| e.expect("src/cues entry is readable").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    let mut code = String::from("&[\n");
    for path in files {
        let topic = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("UTF-8 name");
        let path = path.to_str().expect("UTF-8 path");
        writeln!(code, "    ({topic:?}, include_str!({path:?})),").expect("writing to a String");
    }
    code.push(']');
    let out =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("cue_files.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}
