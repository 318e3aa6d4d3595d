//! Generates the `losant` crate's bindings from the vendored Losant API description
//! (`spec/losant-1.30.0`): one module per resource family with its `#[api]` traits,
//! the models of every JSON Schema the actions use, the list of every endpoint, the
//! naming table and the crate's cargo features.
//!
//! Run it from the workspace with `cargo run -p losant-codegen`; `--check` reports
//! the files that would change instead of writing them. The output is formatted
//! (`prettyplease`, then `rustfmt`) and stable byte for byte.
//!
//! The stages: [`spec`] reads the description as it is, [`api`] turns it into
//! families, actions and arguments, [`types`] turns the JSON Schemas into Rust types,
//! [`emit`] writes them as Rust and [`format`](mod@format) formats the files.

pub mod api;
pub mod emit;
pub mod format;
pub mod names;
pub mod queries;
pub mod spec;
pub mod types;

use std::fmt;
use std::path::{Path, PathBuf};

/// A failure to read the description or to write the bindings.
#[derive(Debug)]
pub struct Error(String);

impl Error {
    /// The description says something the generator cannot bind.
    pub fn spec(message: impl Into<String>) -> Self {
        Error(message.into())
    }

    /// A file could not be read or written.
    #[must_use]
    pub fn io(path: &Path, error: &std::io::Error) -> Self {
        Error(format!("{}: {error}", path.display()))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

/// The description's directory, relative to the workspace.
pub const SPEC_DIR: &str = "spec/losant-1.30.0";

/// One generated file: where it goes in the workspace, and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// The path relative to the workspace root.
    pub path: PathBuf,
    /// The whole text.
    pub text: String,
}

/// Every file the generator writes, from the description in `workspace/SPEC_DIR`.
/// `Cargo.toml` of the `losant` crate is rewritten between its markers only.
pub fn generate(workspace: &Path) -> Result<Vec<File>, Error> {
    let spec = spec::Spec::load(&workspace.join(SPEC_DIR))?;
    let api = api::Api::build(&spec)?;
    let mut files = rust_files(&api, workspace)?;
    let manifest = workspace.join("losant/Cargo.toml");
    let current = std::fs::read_to_string(&manifest).map_err(|e| Error::io(&manifest, &e))?;
    files.push(File {
        path: PathBuf::from("losant/Cargo.toml"),
        text: emit::features::manifest(&api, &current)?,
    });
    Ok(files)
}

/// The Rust files generated for the description in `spec_dir` (a directory laid out
/// as [`SPEC_DIR`]), formatted with the style of `workspace`, and the report of what
/// was bound ([`summary`]): what the snapshot tests of small descriptions compare.
pub fn generate_sample(spec_dir: &Path, workspace: &Path) -> Result<(Vec<File>, String), Error> {
    let spec = spec::Spec::load(spec_dir)?;
    let api = api::Api::build(&spec)?;
    Ok((rust_files(&api, workspace)?, emit::summary(&api)))
}

/// Every generated Rust file of `api`, formatted.
fn rust_files(api: &api::Api, workspace: &Path) -> Result<Vec<File>, Error> {
    let mut files = emit::files(api)?;
    for file in &mut files {
        file.text = format::rust(&file.text, workspace)?;
    }
    Ok(files)
}

/// The report of a run: the API as bound.
pub fn summary(workspace: &Path) -> Result<String, Error> {
    let spec = spec::Spec::load(&workspace.join(SPEC_DIR))?;
    let api = api::Api::build(&spec)?;
    Ok(emit::summary(&api))
}

/// Files under the generated directory that `files` does not include: left over
/// from an earlier description, to be removed.
#[must_use]
pub fn stale_files(workspace: &Path, files: &[File]) -> Vec<PathBuf> {
    let mut stale = Vec::new();
    let mut dirs = vec![PathBuf::from(emit::GENERATED_DIR)];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(workspace.join(&dir)) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = dir.join(entry.file_name());
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                dirs.push(path);
            } else if !files.iter().any(|f| f.path == path) {
                stale.push(path);
            }
        }
    }
    stale.sort();
    stale
}
