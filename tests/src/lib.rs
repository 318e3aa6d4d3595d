//! Integration tests of losant-rs live in `tests/`; this library only compiles the
//! README's examples as doctests.

#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
mod readme {}
