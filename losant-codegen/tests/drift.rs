//! The checked-in bindings are exactly what the vendored description generates:
//! a change to the description, the generator or a generated file by hand fails
//! here until `cargo run -p losant-codegen` is run and its output committed.

use std::path::Path;

#[test]
fn the_checked_in_files_are_what_the_generator_writes() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let files = losant_codegen::generate(workspace).expect("the description generates");
    let mut differ = Vec::new();
    for file in &files {
        let on_disk = std::fs::read_to_string(workspace.join(&file.path)).unwrap_or_default();
        if on_disk != file.text {
            differ.push(file.path.display().to_string());
        }
    }
    let stale = losant_codegen::stale_files(workspace, &files);
    assert!(
        differ.is_empty() && stale.is_empty(),
        "run `cargo run -p losant-codegen`: these files differ from the generator's output: {differ:?}; no longer generated: {stale:?}"
    );
    assert!(files.len() > 100, "{} files", files.len());
}

#[test]
fn generating_twice_gives_the_same_bytes() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let first = losant_codegen::generate(workspace).unwrap();
    let second = losant_codegen::generate(workspace).unwrap();
    assert_eq!(first, second);
}
