//! Fuzz target `emulator_wire` (see tests/fuzz/decoders.rs).
#![no_main]

/// The generated table names its types as `crate::api::…`.
#[allow(unused_imports)]
mod api {
    pub use slack_core::api::*;
}
/// Only `response_every_type` needs the table of every response type (slow to build).
#[allow(dead_code)]
mod response_table {
    pub type Entry = (&'static str, fn(&[u8]) -> Result<(), String>, bool);
    pub const RESPONSES: &[Entry] = &[];
}
#[allow(dead_code)]
#[path = "../../tests/fuzz/decoders.rs"]
mod decoders;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Some(d) = decoders::by_name("emulator_wire") {
        let _ = (d.run)(data);
    }
});
