//! `cargo run -p losant-codegen [-- --check]`: writes the `losant` crate's generated
//! files from `spec/losant-1.30.0`, or with `--check` lists those that would change
//! and fails if any would.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let check = match std::env::args().nth(1).as_deref() {
        None => false,
        Some("--check") => true,
        Some("--summary") => {
            return match losant_codegen::summary(&workspace()) {
                Ok(text) => {
                    print!("{text}");
                    ExitCode::SUCCESS
                }
                Err(error) => fail(&error),
            };
        }
        Some(other) => {
            eprintln!(
                "losant-codegen: unknown argument `{other}`; usage: losant-codegen [--check | --summary]"
            );
            return ExitCode::FAILURE;
        }
    };
    let root = workspace();
    let files = match losant_codegen::generate(&root) {
        Ok(files) => files,
        Err(error) => return fail(&error),
    };
    let mut changed = Vec::new();
    for file in &files {
        let path = root.join(&file.path);
        if std::fs::read_to_string(&path).ok().as_deref() == Some(file.text.as_str()) {
            continue;
        }
        changed.push(file.path.display().to_string());
        if !check {
            if let Some(dir) = path.parent()
                && let Err(error) = std::fs::create_dir_all(dir)
            {
                return fail(&losant_codegen::Error::io(dir, &error));
            }
            if let Err(error) = std::fs::write(&path, &file.text) {
                return fail(&losant_codegen::Error::io(&path, &error));
            }
        }
    }
    let stale = losant_codegen::stale_files(&root, &files);
    if check {
        changed.extend(
            stale
                .iter()
                .map(|p| format!("{} (no longer generated)", p.display())),
        );
        if changed.is_empty() {
            println!("losant-codegen: {} files up to date", files.len());
            return ExitCode::SUCCESS;
        }
        eprintln!(
            "losant-codegen: these files differ from what the description generates; run `cargo run -p losant-codegen`:"
        );
        for path in &changed {
            eprintln!("  {path}");
        }
        return ExitCode::FAILURE;
    }
    for path in &stale {
        if let Err(error) = std::fs::remove_file(root.join(path)) {
            return fail(&losant_codegen::Error::io(path, &error));
        }
    }
    println!(
        "losant-codegen: {} files, {} written, {} removed",
        files.len(),
        changed.len(),
        stale.len()
    );
    ExitCode::SUCCESS
}

fn fail(error: &losant_codegen::Error) -> ExitCode {
    eprintln!("losant-codegen: {error}");
    ExitCode::FAILURE
}

/// The workspace root: this crate's parent directory.
fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}
