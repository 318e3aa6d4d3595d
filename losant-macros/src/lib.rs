//! Procedural macros of [losant-rs](https://docs.rs/losant-core).
//!
//! Do not depend on this crate directly: use the re-exports in `losant-core`
//! (`losant_core::api` and `losant_core::endpoint`), which are pinned to the exact
//! version of this crate the runtime expects.
//!
//! - [`macro@api`] goes on a trait and turns every method carrying
//!   `#[endpoint(...)]` into a Losant API call.
//! - [`macro@Validate`] derives a model's request limits from `#[validate(...)]` on
//!   its fields.
//! - [`macro@endpoint`] only has a meaning inside an `#[api]` trait; anywhere else
//!   it is a compile error that says where it belongs.

mod ast;
mod attr;
mod bind;
mod build;
mod call;
mod check;
mod ctxt;
mod expand;
mod limits;
mod names;
mod path;
mod string_enum;
mod suggest;
mod symbol;

use proc_macro::TokenStream;

/// Declares a trait of Losant API endpoints.
///
/// Every method carrying `#[endpoint(method = "...", path = "...", scope = "...")]`
/// becomes a call through any `losant_core::Transport`; see the `losant-core`
/// documentation for the full declaration rules.
#[proc_macro_attribute]
pub fn api(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::api(args.into(), input.into()).into()
}

/// Marks a method of an `#[api]` trait as an endpoint.
///
/// Used on its own (outside a trait annotated with `#[api]`) it is a compile error.
#[proc_macro_attribute]
pub fn endpoint(_args: TokenStream, input: TokenStream) -> TokenStream {
    expand::stray_endpoint(input.into()).into()
}

/// Derives the string conversions of an enum of known string values plus
/// `Other(String)`, which keeps any value this version does not know: `as_str`,
/// `VALUES`, `is_known`, `validate::Listed`, `From<&str>`, `FromStr`, `Display` and serde
/// implementations that use the strings.
///
/// Each unit variant carries its string as `#[value = "..."]`;
/// `#[string_enum(crate = path)]` names the runtime when it is re-exported.
#[proc_macro_derive(StringEnum, attributes(value, string_enum))]
pub fn derive_string_enum(input: TokenStream) -> TokenStream {
    string_enum::derive(input.into()).into()
}

/// Derives `losant_core::validate::Validate` from the limits declared on the fields.
///
/// `#[validate(...)]` on a field lists its checks: `chars(min = 1, max = 255)`,
/// `pattern = Key`, `range(min = 0, max = 100)`, `listed` (a `StringEnum` value this
/// version knows), `nested` (or `#[validate]` alone: a model with limits of its own),
/// `depth = 100` (JSON nesting), `with = path` (a `fn(&T, &mut Checker)`), and for
/// lists and maps `items(min = .., max = ..)`, `unique`,
/// `entries(min = .., max = .., keys = Pattern)` with `each(...)` for the checks of
/// every item or value. An `Option` field is checked when present. The path of a
/// breach uses the JSON names of serde's `rename` and `rename_all`;
/// `#[validate(crate = path)]` on the struct names the runtime when it is re-exported.
#[proc_macro_derive(Validate, attributes(validate))]
pub fn derive_validate(input: TokenStream) -> TokenStream {
    limits::derive(input.into()).into()
}
