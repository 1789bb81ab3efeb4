//! Fuzzing every decoder that reads bytes from the network (issue 12, "Prove it"): Web API
//! envelopes and typed responses, RTM frames, Socket Mode frames, Events API payloads,
//! interactions, slash commands, the emulator's request decoding, signature headers and
//! proxy handshakes. Each decoder gets `--inputs` generated and mutated inputs (default one
//! million), seeded from the vendored samples (`tools/codegen/data/json-samples`), hand-written
//! seeds and the kept corpus (`tests/fuzz/corpus/<decoder>/`). A panic is caught, counted and
//! its input saved under `target/fuzz-panics/`; the run fails when there is any.
//!
//! ```sh
//! cargo bench --bench fuzz_decoders                       # 1,000,000 inputs per decoder
//! cargo bench --bench fuzz_decoders -- --inputs 100000 --decoder rtm_event --seed 7
//! cargo bench --bench fuzz_decoders -- --save-corpus      # refresh the kept corpus
//! ```
//!
//! Not coverage-guided (that needs a nightly toolchain for `cargo fuzz`); instead the
//! mutator knows the formats (JSON type swaps, odd numbers, deep nesting, invalid UTF-8,
//! form and multipart tokens). `--save-corpus` keeps, per decoder, the shortest input of
//! each distinct outcome (ok, or each kind of error), a few dozen at most.
#![allow(clippy::unwrap_used, clippy::expect_used)]

/// The root module the generated response table names its types under (`crate::api::…`).
mod api {
    pub use slack_core::api::*;
}
#[path = "../tests/fuzz/decoders.rs"]
mod decoders;
#[path = "../tests/fuzz/mutate.rs"]
mod mutate;
/// Core's generated list of every method's response type, read from its source so a new
/// generated type is fuzzed without touching this crate.
#[allow(dead_code, unreachable_pub)]
#[path = "../core/src/generated/response_tests.rs"]
mod response_table;

/// What the generated response table runs per type (`super::check_response`): a decode.
fn check_response<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<(), String> {
    serde_json::from_slice::<T>(body)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use mutate::Rng;

struct Opts {
    inputs: u64,
    decoder: Option<String>,
    seed: u64,
    save_corpus: bool,
    max_corpus: usize,
}

fn opts() -> Opts {
    let mut o = Opts {
        inputs: 1_000_000,
        decoder: None,
        seed: 12,
        save_corpus: false,
        max_corpus: 24,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--inputs" => o.inputs = args.next().and_then(|s| s.parse().ok()).unwrap_or(o.inputs),
            "--decoder" => o.decoder = args.next(),
            "--seed" => o.seed = args.next().and_then(|s| s.parse().ok()).unwrap_or(o.seed),
            "--save-corpus" => o.save_corpus = true,
            "--max-corpus" => {
                o.max_corpus = args
                    .next()
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(o.max_corpus)
            }
            // `cargo bench` passes `--bench`; ignore it and anything unknown.
            _ => {}
        }
    }
    o
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read_dir_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<_> = rd
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_file())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            Some((name, std::fs::read(e.path()).ok()?))
        })
        .collect();
    files.sort();
    files
}

/// The seeds of one decoder: samples (wrapped), hand-written seeds, the kept corpus.
fn seeds(d: &decoders::Decoder) -> Vec<Vec<u8>> {
    let samples = root().join("tools/codegen/data/json-samples");
    let mut out = Vec::new();
    for dir in d.sample_dirs {
        for (name, bytes) in read_dir_files(&samples.join(dir)) {
            // Big samples (pages of history) are shrunk to their shapes: the mutator's time
            // goes to many small inputs instead of a few huge ones.
            out.push((d.wrap)(&name, &mutate::shrink_seed(&bytes, 8 * 1024)));
        }
    }
    out.extend((d.seeds)());
    out.extend(
        read_dir_files(&root().join("tests/fuzz/corpus").join(d.name))
            .into_iter()
            .map(|(_, b)| b),
    );
    out
}

struct Report {
    inputs: u64,
    panics: u64,
    outcomes: BTreeMap<String, Vec<u8>>,
    slowest: Duration,
    elapsed: Duration,
}

fn fuzz(d: &decoders::Decoder, o: &Opts, panic_dir: &Path) -> Report {
    let seeds = seeds(d);
    let mut rng = Rng::new(
        o.seed
            ^ d.name
                .bytes()
                .fold(0u64, |h, b| h.rotate_left(5) ^ u64::from(b)),
    );
    let mut r = Report {
        inputs: 0,
        panics: 0,
        outcomes: BTreeMap::new(),
        slowest: Duration::ZERO,
        elapsed: Duration::ZERO,
    };
    let started = Instant::now();
    // Seeds as they are first, then generated inputs.
    let mut queue: Vec<Vec<u8>> = seeds.clone();
    queue.reverse();
    while r.inputs < o.inputs {
        let input = queue
            .pop()
            .unwrap_or_else(|| mutate::generate(&mut rng, &seeds));
        let t = Instant::now();
        let outcome = catch_unwind(AssertUnwindSafe(|| (d.run)(&input)));
        r.slowest = r.slowest.max(t.elapsed());
        r.inputs += 1;
        match outcome {
            Ok(class) => {
                if o.save_corpus && input.len() <= 8 * 1024 {
                    let kept = r.outcomes.entry(class).or_insert_with(|| input.clone());
                    if input.len() < kept.len() {
                        *kept = input;
                    }
                }
            }
            Err(_) => {
                r.panics += 1;
                if r.panics <= 20 {
                    let path = panic_dir.join(format!("{}-{}.bin", d.name, r.inputs));
                    let _ = std::fs::write(&path, &input);
                    eprintln!("PANIC in {}: input saved to {}", d.name, path.display());
                }
            }
        }
    }
    r.elapsed = started.elapsed();
    r
}

/// Keep at most `max` outcomes, the "ok" one first, then the shortest inputs.
fn save_corpus(d: &decoders::Decoder, r: &Report, max: usize) -> usize {
    let dir = root().join("tests/fuzz/corpus").join(d.name);
    let _ = std::fs::create_dir_all(&dir);
    let mut picked: Vec<(&String, &Vec<u8>)> = r.outcomes.iter().collect();
    picked.sort_by_key(|(class, input)| (!class.starts_with("ok"), input.len()));
    let existing = read_dir_files(&dir).len();
    let mut written = 0;
    for (class, input) in picked.into_iter().take(max.saturating_sub(existing)) {
        let mut h = 0xcbf2_9ce4_8422_2325u64;
        for b in class.bytes().chain(input.iter().copied()) {
            h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
        let path = dir.join(format!("{h:016x}"));
        if !path.exists() && std::fs::write(&path, input).is_ok() {
            written += 1;
        }
    }
    written
}

fn main() {
    let o = opts();
    let panic_dir = root().join("target/fuzz-panics");
    let _ = std::fs::create_dir_all(&panic_dir);
    // Panics are expected to be caught and counted; keep their messages short.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        eprintln!("panic: {info}");
        if std::env::var_os("FUZZ_BACKTRACE").is_some() {
            default_hook(info);
        }
    }));
    println!(
        "{:<22} {:>10} {:>7} {:>9} {:>10} {:>12}",
        "decoder", "inputs", "panics", "outcomes", "inputs/s", "slowest(ms)"
    );
    let mut total_panics = 0;
    let mut total_inputs = 0;
    for d in decoders::all() {
        if o.decoder.as_deref().is_some_and(|n| n != d.name) {
            continue;
        }
        let r = fuzz(&d, &o, &panic_dir);
        let rate = r.inputs as f64 / r.elapsed.as_secs_f64().max(1e-9);
        println!(
            "{:<22} {:>10} {:>7} {:>9} {:>10.0} {:>12.2}",
            d.name,
            r.inputs,
            r.panics,
            if o.save_corpus {
                r.outcomes.len().to_string()
            } else {
                "-".into()
            },
            rate,
            r.slowest.as_secs_f64() * 1e3
        );
        if o.save_corpus {
            let n = save_corpus(&d, &r, o.max_corpus);
            println!("  {n} new corpus files in tests/fuzz/corpus/{}", d.name);
        }
        total_panics += r.panics;
        total_inputs += r.inputs;
    }
    println!("total: {total_inputs} inputs, {total_panics} panics");
    if total_panics > 0 {
        std::process::exit(1);
    }
}
