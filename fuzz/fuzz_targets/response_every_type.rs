//! Fuzz target `response_every_type` (see tests/fuzz/decoders.rs).
#![no_main]

/// The generated table names its types as `crate::api::…`.
#[allow(unused_imports)]
mod api {
    pub use slack_core::api::*;
}
#[allow(dead_code)]
#[path = "../../tests/fuzz/decoders.rs"]
mod decoders;
/// Core's generated list of every response type, read from its source.
#[allow(dead_code, unreachable_pub)]
#[path = "../../core/src/generated/response_tests.rs"]
mod response_table;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Some(d) = decoders::by_name("response_every_type") {
        let _ = (d.run)(data);
    }
});
