//! Writes the bindings as Rust: one file per family (traits, options, answers), one
//! per group of models, and the module tying them together.

pub mod cli;
pub mod family;
pub mod features;
pub mod models;
pub mod root;
pub mod tests;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::PathBuf;

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use crate::api::Api;
use crate::types::{Shape, Ty, Types};
use crate::{Error, File};

/// Where the generated modules go.
pub const GENERATED_DIR: &str = "losant/src/generated";

/// The sandbox's table of the scopes each action accepts.
pub const SANDBOX_SCOPES: &str = "losant-sandbox/src/scopes.rs";

/// The scopes the API accepts for every action, for the sandbox: a sorted table
/// (looked up by binary search) of `resource.action` and its scopes.
#[must_use]
pub fn sandbox_scopes(api: &Api) -> TokenStream {
    let entries = api
        .accepted_scopes
        .iter()
        .map(|(official, scopes)| quote!((#official, &[#(#scopes),*])));
    quote! {
        //! The scopes the Losant API accepts for each of its actions, from the vendored
        //! description (`spec/losant-1.30.0/all-endpoints.json`): what the sandbox holds a
        //! token's scopes against.

        /// Each action (`resource.action`, in order) with the scopes that allow it; an
        /// empty list is an action that takes no token.
        pub(crate) const ACCEPTED_SCOPES: &[(&str, &[&str])] = &[#(#entries),*];
    }
}

/// The models shared by several families go in this file.
pub const SHARED_MODELS: &str = "shared";

/// Every generated Rust file (unformatted).
pub fn files(api: &Api) -> Result<Vec<File>, Error> {
    let mut files = Vec::new();
    let layout = models::Layout::new(api);
    for family in &api.families {
        files.push(File {
            path: PathBuf::from(format!("{GENERATED_DIR}/{}.rs", family.module)),
            text: family::file(api, &layout, family)?.to_string(),
        });
    }
    for (file_name, group) in &layout.files {
        files.push(File {
            path: PathBuf::from(format!("{GENERATED_DIR}/models/{file_name}.rs")),
            text: models::file(api, &layout, file_name, group).to_string(),
        });
    }
    files.push(File {
        path: PathBuf::from(format!("{GENERATED_DIR}/models/mod.rs")),
        text: models::module(api, &layout).to_string(),
    });
    let root_files = [
        ("mod", root::module(api)),
        ("prelude", root::prelude(api)),
        ("endpoints", root::endpoints(api)),
        ("naming", root::naming(api)),
    ];
    for (name, code) in root_files {
        files.push(File {
            path: PathBuf::from(format!("{GENERATED_DIR}/{name}.rs")),
            text: code.to_string(),
        });
    }
    files.push(File {
        path: PathBuf::from(tests::MODELS_TEST),
        text: tests::models(api).to_string(),
    });
    files.push(File {
        path: PathBuf::from(SANDBOX_SCOPES),
        text: sandbox_scopes(api).to_string(),
    });
    files.push(File {
        path: PathBuf::from(cli::CLI_FILE),
        text: cli::file(api)?.to_string(),
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// An identifier, raw when the name is a keyword (`r#type`).
#[must_use]
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// `#[doc = "..."]` lines for a text (each line gets the leading space of `/// `).
#[must_use]
pub fn doc(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote!(#[doc = #line])
    });
    quote!(#(#lines)*)
}

/// A one-line description from the spec, as a sentence: first letter upper-case,
/// a full stop at the end, backticks around nothing.
#[must_use]
pub fn sentence(text: &str) -> String {
    let text = text.trim().replace('\n', " ");
    let mut chars = text.chars();
    let mut out: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => return String::new(),
    };
    if !out.ends_with(['.', '!', '?', ')']) {
        out.push('.');
    }
    // An odd backtick would open code that never closes.
    if out.matches('`').count() % 2 == 1 {
        out = out.replace('`', "'");
    }
    // Square brackets would be read as intra-doc links.
    out.replace('[', "\\[").replace(']', "\\]")
}

/// The Rust type of a shape (without the `Option` of an optional field), and the
/// names it uses.
pub fn rust_type(shape: &Shape, types: &Types, uses: &mut Uses) -> TokenStream {
    let base = match &shape.ty {
        Ty::Bool => quote!(bool),
        Ty::Int => quote!(i64),
        Ty::Number => quote!(f64),
        Ty::String => quote!(String),
        Ty::Secret => {
            uses.core.insert("Secret");
            quote!(Secret)
        }
        Ty::Timestamp => {
            uses.core.insert("Timestamp");
            quote!(Timestamp)
        }
        Ty::Time => {
            uses.core.insert("Time");
            quote!(Time)
        }
        Ty::Id(kind) => {
            uses.core.insert(kind);
            let kind = ident(kind);
            quote!(#kind)
        }
        Ty::Value(_) => {
            uses.value = true;
            quote!(Value)
        }
        Ty::Struct(id) => {
            let name = &types.structs[*id].name;
            uses.models.insert(name.clone());
            let name = ident(name);
            quote!(#name)
        }
        Ty::Union(id) => {
            let name = &types.unions[*id].name;
            uses.models.insert(name.clone());
            let name = ident(name);
            quote!(#name)
        }
        Ty::OrFalse(value) => {
            uses.core.insert("OrFalse");
            let value = rust_type(value, types, uses);
            quote!(OrFalse<#value>)
        }
        Ty::Aggregation => {
            uses.core.insert("Aggregation");
            quote!(Aggregation)
        }
        Ty::Query(id) => {
            // The field enum goes with the query: a caller needs both to build one.
            let name = &types.queries[*id].name;
            if let Some(fields) = types.queries[*id].field_enum() {
                uses.models.insert(fields);
            }
            uses.models.insert(name.clone());
            let name = ident(name);
            quote!(#name)
        }
        Ty::Enum(id) => {
            let name = &types.enums[*id].name;
            uses.models.insert(name.clone());
            let name = ident(name);
            quote!(#name)
        }
        Ty::List(item) => {
            let item = rust_type(item, types, uses);
            quote!(Vec<#item>)
        }
        Ty::Map(value) => {
            uses.map = true;
            let value = rust_type(value, types, uses);
            quote!(BTreeMap<String, #value>)
        }
        Ty::OneOrMany(item) => {
            uses.core.insert("OneOrMany");
            let item = rust_type(item, types, uses);
            quote!(OneOrMany<#item>)
        }
    };
    if shape.nullable && !matches!(shape.ty, Ty::Value(_)) {
        quote!(Option<#base>)
    } else {
        base
    }
}

/// The names a file uses, for its `use` lines.
#[derive(Debug, Default)]
pub struct Uses {
    /// From `losant_core`.
    pub core: BTreeSet<&'static str>,
    /// Models (checked against the file's own).
    pub models: BTreeSet<String>,
    /// `serde_json::Value`.
    pub value: bool,
    /// `std::collections::BTreeMap`.
    pub map: bool,
}

/// Where the models a file uses are imported from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelsPath {
    /// `crate::models`, by name: a family file.
    Crate,
    /// `super::*`: a model file, whose sibling models are each compiled for their own
    /// features.
    Siblings,
}

impl Uses {
    /// The `use` items, models from `models_path` except those named in `own`
    /// (`pub use` with `reexport_models`).
    #[must_use]
    pub fn items(
        &self,
        models_path: ModelsPath,
        own: &BTreeSet<String>,
        reexport_models: bool,
    ) -> TokenStream {
        let map = self.map.then(|| {
            quote!(
                use std::collections::BTreeMap;
            )
        });
        let core: Vec<Ident> = self.core.iter().map(|name| ident(name)).collect();
        let core = (!core.is_empty()).then(|| quote!(use losant_core::{#(#core),*};));
        let value = self.value.then(|| {
            quote!(
                use serde_json::Value;
            )
        });
        let models: Vec<Ident> = self
            .models
            .iter()
            .filter(|name| !own.contains(*name))
            .map(|name| ident(name))
            .collect();
        let vis = reexport_models.then(|| quote!(pub));
        let models = match models_path {
            // Within the models, whose items each feature may leave out: only those
            // compiled are imported.
            ModelsPath::Siblings => (!models.is_empty()).then(|| {
                quote! {
                    #[allow(clippy::wildcard_imports)]
                    use super::*;
                }
            }),
            ModelsPath::Crate => {
                (!models.is_empty()).then(|| quote!(#vis use crate::models::{#(#models),*};))
            }
        };
        quote! {
            #map
            #core
            #value
            #models
        }
    }
}

/// A constant's name for a method (`get_device` → `GET_DEVICE`).
#[must_use]
pub fn const_ident(method: &str) -> Ident {
    format_ident!("{}", crate::names::shouty(method))
}

/// What the generator bound: counts for the issue note and the README.
#[must_use]
pub fn summary(api: &Api) -> String {
    let mut out = String::new();
    let generated = api.actions().count();
    let hand = crate::api::HAND_BOUND.len();
    let _ = writeln!(
        out,
        "actions bound: {} ({generated} generated, {hand} by hand in losant-events)",
        generated + hand
    );
    let _ = writeln!(out, "actions left out: {}", api.skipped.len());
    for (official, why) in &api.skipped {
        let _ = writeln!(out, "  {official}: {why}");
    }
    let streams = api.actions().filter(|(_, _, a)| a.paginate).count();
    let paged_without = api
        .actions()
        .filter(|(_, _, a)| {
            !a.paginate
                && a.args
                    .iter()
                    .any(|arg| matches!(arg.kind, crate::api::ArgKind::Page))
        })
        .map(|(_, _, a)| a.official.clone())
        .collect::<Vec<_>>();
    let _ = writeln!(
        out,
        "paged actions with a stream: {streams}; paged without one: {paged_without:?}"
    );
    let _ = writeln!(out, "families: {}", api.families.len());
    let _ = writeln!(
        out,
        "structs: {}, enums: {}",
        api.types.structs.len(),
        api.types.enums.len()
    );
    let request = api.types.structs.iter().filter(|s| s.request).count();
    let _ = writeln!(out, "request structs (validated, constructible): {request}");
    let total: usize = api.types.values.values().sum();
    let _ = writeln!(out, "serde_json::Value places: {total}");
    for (why, count) in &api.types.values {
        let _ = writeln!(out, "  {count}: {}", why.describe());
    }
    let typed_fields: usize = api
        .types
        .structs
        .iter()
        .flat_map(|s| &s.fields)
        .filter(|f| !matches!(f.shape.ty, Ty::Value(_)))
        .count();
    let value_fields: usize = api
        .types
        .structs
        .iter()
        .flat_map(|s| &s.fields)
        .filter(|f| matches!(f.shape.ty, Ty::Value(_)))
        .count();
    let _ = writeln!(
        out,
        "struct fields typed: {typed_fields}, serde_json::Value: {value_fields}"
    );
    out
}
