//! Benchmarks of losant-rs live in this folder's `*.rs` bench targets and in
//! `compile_time.py`; see `BENCHMARKS.md` at the root.
