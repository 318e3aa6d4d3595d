//! Integration tests of losant-rs live in `tests/`.
