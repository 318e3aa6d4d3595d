//! The house rule that files do not lean on each other: no two source files of a
//! crate refer to each other (`crate::a` in `b.rs` and `crate::b` in `a.rs`, or the
//! same through `super::`). A module and the modules it declares are not a pair: a
//! parent names its children to declare and re-export them. A file's tests (its
//! `#[cfg(test)] mod tests`) are left out: they may use anything.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The crates whose sources are checked, relative to the workspace.
const CRATES: &[&str] = &[
    "losant-core",
    "losant-macros",
    "losant-events",
    "losant-sandbox",
    "losant-codegen",
    "losant",
    "losant-cli",
];

/// A module's path inside its crate: `emit::models`; empty for the crate root.
type ModulePath = Vec<String>;

fn module_of(src: &Path, file: &Path) -> ModulePath {
    let relative = file.strip_prefix(src).unwrap_or(file);
    let mut parts: Vec<String> = relative
        .iter()
        .map(|part| part.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().unwrap_or_default();
    let stem = last.trim_end_matches(".rs");
    if !matches!(stem, "mod" | "lib" | "main") {
        parts.push(stem.to_owned());
    }
    parts
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The file's code without its test module.
fn code_of(text: &str) -> &str {
    text.find("#[cfg(test)]\nmod tests")
        .map_or(text, |at| &text[..at])
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The identifier paths that follow `prefix` in `code` (`crate::` gives `["error",
/// "Error"]` for `crate::error::Error`; a `{..}` group gives one path per item).
fn paths_after(code: &str, prefix: &str) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find(prefix) {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + prefix.len()..];
        if before.is_some_and(is_ident_char) {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                paths.push(segments(item.trim()));
            }
        } else {
            paths.push(segments(rest));
        }
    }
    paths
}

/// `a::b::C` at the start of `text`, as segments.
fn segments(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    loop {
        let end = rest.find(|c: char| !is_ident_char(c)).unwrap_or(rest.len());
        if end == 0 {
            break;
        }
        out.push(rest[..end].to_owned());
        match rest[end..].strip_prefix("::") {
            Some(next) => rest = next,
            None => break,
        }
    }
    out
}

/// The longest module of `modules` that `path` (from the crate root) names.
fn resolve(modules: &BTreeSet<ModulePath>, path: &[String]) -> Option<ModulePath> {
    (0..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|prefix| modules.contains(prefix))
}

/// The modules one file refers to.
fn references(
    modules: &BTreeSet<ModulePath>,
    module: &ModulePath,
    code: &str,
) -> BTreeSet<ModulePath> {
    let mut found = BTreeSet::new();
    for path in paths_after(code, "crate::") {
        found.extend(resolve(modules, &path));
    }
    let parent: ModulePath = module[..module.len().saturating_sub(1)].to_vec();
    for path in paths_after(code, "super::") {
        let mut full = parent.clone();
        full.extend(path);
        found.extend(resolve(modules, &full));
    }
    // Child modules named by their relative path (`models::Layout` in `emit/mod.rs`).
    for child in modules
        .iter()
        .filter(|m| m.len() == module.len() + 1 && m.starts_with(module))
    {
        let name = format!("{}::", child[module.len()]);
        if !paths_after(code, &name).is_empty() {
            found.insert(child.clone());
        }
    }
    found.remove(module);
    found
}

fn mutual_pairs(workspace: &Path) -> BTreeSet<String> {
    let mut pairs = BTreeSet::new();
    for krate in CRATES {
        let src = workspace.join(krate).join("src");
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        let modules: BTreeSet<ModulePath> = files.iter().map(|f| module_of(&src, f)).collect();
        let mut edges: BTreeMap<ModulePath, BTreeSet<ModulePath>> = BTreeMap::new();
        for file in &files {
            let text = std::fs::read_to_string(file).unwrap();
            let module = module_of(&src, file);
            edges.insert(
                module.clone(),
                references(&modules, &module, code_of(&text)),
            );
        }
        for (a, targets) in &edges {
            for b in targets {
                let nested = a.starts_with(b) || b.starts_with(a);
                if a < b && !nested && edges.get(b).is_some_and(|back| back.contains(a)) {
                    let name = |m: &ModulePath| {
                        if m.is_empty() {
                            "lib".to_owned()
                        } else {
                            m.join("::")
                        }
                    };
                    pairs.insert(format!("{krate}: {} <-> {}", name(a), name(b)));
                }
            }
        }
    }
    pairs
}

#[test]
fn no_two_files_refer_to_each_other() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let found = mutual_pairs(&workspace);
    assert!(
        found.is_empty(),
        "files that refer to each other (one of the two must stop, or what both need moves to a third file): {found:?}"
    );
}

#[test]
fn the_scanner_sees_each_form_of_reference() {
    let modules: BTreeSet<ModulePath> = [
        vec![],
        vec!["emit".to_owned()],
        vec!["emit".to_owned(), "models".to_owned()],
        vec!["types".to_owned()],
    ]
    .into_iter()
    .collect();
    let emit = vec!["emit".to_owned()];
    let models = vec!["emit".to_owned(), "models".to_owned()];
    let from_models = references(
        &modules,
        &models,
        "use super::{Uses, doc};\nuse crate::types::{Shape, Ty};\nfn f() { crate::types::x(); }",
    );
    assert_eq!(
        from_models,
        [emit.clone(), vec!["types".to_owned()]]
            .into_iter()
            .collect()
    );
    let from_emit = references(&modules, &emit, "pub fn f() -> models::Layout { todo!() }");
    assert_eq!(from_emit, [models].into_iter().collect());
    // `my_crate::x` is not `crate::x`.
    assert!(references(&modules, &emit, "use my_crate::types;").is_empty());
    assert_eq!(
        code_of("a\n#[cfg(test)]\nmod tests {\n use crate::types; }"),
        "a\n"
    );
}
