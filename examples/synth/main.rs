//! Writes a synthetic corpus of postmortems for benchmarks:
//! `cargo run --release --example synth -- DIR [COUNT] [SEED]` (defaults 10000 and 42).

mod generate;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: synth DIR [COUNT] [SEED]");
        std::process::exit(2);
    };
    let count = args
        .next()
        .map_or(10_000, |a| a.parse().expect("COUNT is a number"));
    let seed = args
        .next()
        .map_or(42, |a| a.parse().expect("SEED is a number"));
    generate::write_corpus(std::path::Path::new(&dir), count, seed)?;
    eprintln!("wrote {count} postmortems (seed {seed}) into {dir}");
    Ok(())
}
