//! Replays the kept fuzzing corpus (`tests/fuzz/corpus/<decoder>/`), the vendored samples and
//! the hand-written seeds through every network decoder, and runs a short proptest of mutated
//! seeds per decoder: no decoder may panic. The long run is `cargo bench --bench
//! fuzz_decoders` (a million inputs per decoder); this is its fast CI guard.

/// The root module the generated response table names its types under (`crate::api::…`).
mod api {
    pub use slack_core::api::*;
}
#[path = "fuzz/decoders.rs"]
mod decoders;
#[path = "fuzz/mutate.rs"]
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

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use proptest::prelude::*;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn files_under(dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files_under(&p, out);
        } else if let Ok(bytes) = std::fs::read(&p) {
            out.push((p.display().to_string(), bytes));
        }
    }
}

/// Feed `input` to every decoder; the names of those that panicked.
fn panicking_decoders(input: &[u8]) -> Vec<&'static str> {
    decoders::all()
        .into_iter()
        .filter(|d| catch_unwind(AssertUnwindSafe(|| (d.run)(input))).is_err())
        .map(|d| d.name)
        .collect()
}

/// The kept corpus of every decoder and every vendored sample go through every decoder.
#[test]
fn corpus_and_samples_never_panic() {
    let mut inputs = Vec::new();
    files_under(&root().join("tests/fuzz/corpus"), &mut inputs);
    let corpus_files = inputs.len();
    // The samples as the benchmark seeds them: big ones shrunk to their shapes (their full
    // form is decoded by core's own sample tests), which keeps this test fast in debug.
    let mut samples = Vec::new();
    files_under(
        &root().join("tools/codegen/data/json-samples"),
        &mut samples,
    );
    inputs.extend(
        samples
            .into_iter()
            .map(|(name, bytes)| (name, mutate::shrink_seed(&bytes, 8 * 1024))),
    );
    for d in decoders::all() {
        inputs.extend(
            (d.seeds)()
                .into_iter()
                .enumerate()
                .map(|(i, s)| (format!("seed {} #{i}", d.name), s)),
        );
    }
    assert!(
        corpus_files >= 50,
        "the kept corpus went missing ({corpus_files} files)"
    );
    let mut failures = Vec::new();
    for (name, bytes) in &inputs {
        let bad = panicking_decoders(bytes);
        if !bad.is_empty() {
            failures.push(format!("{name}: {bad:?}"));
        }
    }
    assert!(failures.is_empty(), "panics:\n{}", failures.join("\n"));
}

/// Every decoder has a corpus directory with something in it, and the seeds of each
/// decoder reach its "ok" outcome at least once (a decoder that refuses everything would
/// make the fuzzing worthless).
#[test]
fn every_decoder_has_a_corpus_and_accepts_its_seeds() {
    let samples = root().join("tools/codegen/data/json-samples");
    for d in decoders::all() {
        let mut corpus = Vec::new();
        files_under(&root().join("tests/fuzz/corpus").join(d.name), &mut corpus);
        assert!(!corpus.is_empty(), "no corpus for {}", d.name);
        let mut seeds: Vec<Vec<u8>> = (d.seeds)();
        for dir in d.sample_dirs {
            let mut files = Vec::new();
            files_under(&samples.join(dir), &mut files);
            seeds.extend(files.iter().map(|(name, b)| {
                let file = Path::new(name)
                    .file_name()
                    .map(|f| f.to_string_lossy().into_owned())
                    .unwrap_or_default();
                (d.wrap)(&file, &mutate::shrink_seed(b, 8 * 1024))
            }));
        }
        let oks = seeds
            .iter()
            .filter(|s| (d.run)(s).starts_with("ok"))
            .count();
        assert!(
            oks > 0,
            "no seed of {} decodes: {:?}",
            d.name,
            seeds.iter().take(3).map(|s| (d.run)(s)).collect::<Vec<_>>()
        );
    }
}

/// The head/body framing the decoders share.
#[test]
fn framing_splits_head_and_body() {
    let m = decoders::split(
        b":status: 429\n:method: chat.postMessage\nretry-after: 3\nbad header\n\n{}",
    );
    assert_eq!(m.status.map(|s| s.as_u16()), Some(429));
    assert_eq!(m.method.as_deref(), Some("chat.postMessage"));
    assert_eq!(
        m.headers.get("retry-after").map(|v| v.as_bytes()),
        Some(&b"3"[..])
    );
    assert_eq!(m.headers.len(), 1);
    assert_eq!(m.body, b"{}");
    let m = decoders::split(b"{\"ok\":true}");
    assert!(!m.has_head);
    assert_eq!(m.body, b"{\"ok\":true}");
}

/// The mutator is deterministic for a seed and does change its input.
#[test]
fn mutator_is_deterministic_and_mutates() {
    let seeds = vec![br#"{"ok":true,"channel":"C1","ts":"1.2","message":{"text":"hi"}}"#.to_vec()];
    let run = |seed| {
        let mut rng = mutate::Rng::new(seed);
        (0..200)
            .map(|_| mutate::generate(&mut rng, &seeds))
            .collect::<Vec<_>>()
    };
    let a = run(1);
    assert_eq!(a, run(1));
    assert_ne!(a, run(2));
    assert!(a.iter().filter(|x| **x != seeds[0]).count() > 150);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// A few mutated seeds per case through every decoder (the benchmark does millions).
    #[test]
    fn mutated_seeds_never_panic(seed in any::<u64>()) {
        let mut rng = mutate::Rng::new(seed);
        for d in decoders::all() {
            let seeds = (d.seeds)();
            let input = mutate::generate(&mut rng, &seeds);
            let r = catch_unwind(AssertUnwindSafe(|| (d.run)(&input)));
            prop_assert!(r.is_ok(), "{} panicked on {:?}", d.name, String::from_utf8_lossy(&input));
        }
    }
}
