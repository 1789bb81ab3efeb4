//! Helpers shared by the end-to-end benchmarks.
#![allow(dead_code)]

/// A field of `/proc/<pid>/status` in KiB (`VmRSS:`, `VmHWM:`); 0 when unavailable.
pub fn proc_status_kib(pid: &str, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}
