//! Compile-time behaviour of `#[api]`: every misuse fails with a diagnostic pointing
//! at the mistake (`ui/*.rs` and their committed `.stderr`), and valid declarations
//! compile even among shadowed prelude names (`pass/*.rs`).

#[test]
fn diagnostics() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/macros/ui/*.rs");
    t.pass("tests/macros/pass/*.rs");
}
