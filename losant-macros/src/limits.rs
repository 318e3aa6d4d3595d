//! `#[derive(Validate)]`: a model's request limits, declared on its fields.
//!
//! Each field with `#[validate(...)]` becomes one `at.field("jsonName", value, ..)`
//! call of `losant_core::validate::Checker`; the field's JSON name follows its serde
//! attributes (`rename`, the container's `rename_all`), so the path of a breach is the
//! one the API would report. A field that is an `Option` (or `Option<Option<_>>`) is
//! checked when present; the checks run on the value inside. A `#[serde(flatten)]`
//! field's members are the container's, so its checks add no step to the path.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, LitStr, Type};

use crate::ctxt::Ctxt;
use crate::suggest::did_you_mean;

/// Expands the derive, or reports every misuse at its place.
pub(crate) fn derive(input: TokenStream) -> TokenStream {
    let input: DeriveInput = match syn::parse2(input) {
        Ok(input) => input,
        Err(error) => return error.to_compile_error(),
    };
    let mut cx = Ctxt::new();
    let tokens = expand(&mut cx, &input);
    match cx.check() {
        Ok(()) => tokens,
        Err(error) => error.to_compile_error(),
    }
}

/// One check of a value, as written in `#[validate(...)]`.
enum Check {
    /// `chars(min = 1, max = 255)`: a text's length in characters.
    Chars(TokenStream, TokenStream),
    /// `pattern = Key`: a text matches a `losant_core::validate::Pattern`.
    Pattern(syn::Ident),
    /// `range(min = 0, max = 100)`: a number's bounds, written in the field's type.
    Range(TokenStream, TokenStream),
    /// `listed`: a `StringEnum` value this version knows.
    Listed,
    /// `nested`: a model that implements `Validate` itself.
    Nested,
    /// `depth = 100`: JSON nesting at most this deep.
    Depth(syn::Expr),
    /// `with = path`: a function `fn(&T, &mut Checker)`.
    With(syn::Path),
    /// `unique`: no item of a list repeats an earlier one.
    Unique,
    /// `items(min = 1, max = 10)`: a list's length.
    Items(TokenStream, TokenStream),
    /// `entries(min = 0, max = 100, keys = Key)`: a map's size and key pattern.
    Entries(TokenStream, TokenStream, syn::Ident),
    /// `each(...)`: the checks of every item of `items` or value of `entries`.
    Each(Vec<Keyed>),
}

/// A check with the span of its key, where a type error in it is reported.
struct Keyed {
    check: Check,
    span: Span,
}

const CHECKS: &[&str] = &[
    "chars", "pattern", "range", "listed", "nested", "depth", "with", "unique", "items", "entries",
    "each",
];

const EXPECTED: &str = "expected one of `chars(min = .., max = ..)`, `pattern = Name`, `range(min = .., max = ..)`, `listed`, `nested`, `depth = N`, `with = path`, `unique`, `items(min = .., max = ..)`, `entries(min = .., max = .., keys = Name)`, `each(...)`";

fn expand(cx: &mut Ctxt, input: &DeriveInput) -> TokenStream {
    let name = &input.ident;
    let krate = crate_path(cx, input);
    let Data::Struct(data) = &input.data else {
        cx.error(
            name.span(),
            "`Validate` derives on a struct: each field's limits are declared with `#[validate(...)]`",
        );
        return TokenStream::new();
    };
    let rename_all = rename_all(input);
    let mut body = Vec::new();
    for (index, field) in data.fields.iter().enumerate() {
        let Some(checks) = field_checks(cx, field) else {
            continue;
        };
        let (depth, inner) = strip_options(&field.ty);
        let member = match &field.ident {
            Some(ident) => quote!(#ident),
            None => {
                let index = syn::Index::from(index);
                quote!(#index)
            }
        };
        let checks = value_checks(cx, &krate, &checks, inner);
        let span = field.ty.span();
        let access = match depth {
            0 => quote_spanned!(span=> ::core::option::Option::Some(&self.#member)),
            1 => quote_spanned!(span=> self.#member.as_ref()),
            _ => {
                quote_spanned!(span=> self.#member.as_ref().and_then(::core::option::Option::as_ref))
            }
        };
        body.push(match (&field.ident, &data.fields) {
            // A flattened field's members are the container's own: no step of its own.
            (Some(_), _) if serde_flag(&field.attrs, "flatten") => {
                quote!(if let ::core::option::Option::Some(v) = #access { #checks })
            }
            (Some(ident), _) => {
                let json = json_name(field, ident, rename_all.as_deref());
                quote!(at.field(#json, #access, |at, v| { #checks });)
            }
            // A newtype is checked as the value it wraps, with no step of its own.
            (None, Fields::Unnamed(fields)) if fields.unnamed.len() == 1 => {
                quote!(if let ::core::option::Option::Some(v) = #access { #checks })
            }
            (None, _) => {
                cx.error(
                    span,
                    "`#[validate]` on a tuple struct's field needs the struct to be a newtype: the path of a breach names fields",
                );
                TokenStream::new()
            }
        });
    }
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let at = if body.is_empty() {
        quote!(_at)
    } else {
        quote!(at)
    };
    quote! {
        #[automatically_derived]
        impl #impl_generics #krate::validate::Validate for #name #ty_generics #where_clause {
            fn check(&self, #at: &mut #krate::validate::Checker) {
                #(#body)*
            }
        }
    }
}

/// The checks of one value `v` (a reference to `ty`), as statements.
fn value_checks(cx: &mut Ctxt, krate: &TokenStream, checks: &[Keyed], ty: &Type) -> TokenStream {
    let each = checks.iter().find_map(|spanned| match &spanned.check {
        Check::Each(each) => Some((each, spanned.span)),
        _ => None,
    });
    let container = checks
        .iter()
        .any(|spanned| matches!(spanned.check, Check::Items(..) | Check::Entries(..)));
    let mut out = Vec::new();
    for Keyed { check, span } in checks {
        let span = *span;
        out.push(match check {
            Check::Chars(min, max) => quote_spanned!(span=> at.chars(v, #min, #max);),
            Check::Pattern(pattern) => quote_spanned!(span=> at.pattern(v, #krate::validate::Pattern::#pattern);),
            Check::Range(min, max) => quote_spanned!(span=> at.range(*v, #min, #max);),
            Check::Listed => quote_spanned!(span=> at.known(v);),
            Check::Nested => quote_spanned!(span=> #krate::validate::Validate::check(v, at);),
            Check::Depth(depth) => quote_spanned!(span=> at.depth(v, #depth);),
            Check::With(path) => quote_spanned!(span=> #path(v, at);),
            Check::Unique => quote_spanned!(span=> at.unique(::core::convert::AsRef::<[_]>::as_ref(v));),
            Check::Items(min, max) => {
                let each = each_closure(cx, krate, each, ty);
                quote_spanned!(span=> at.items(::core::convert::AsRef::<[_]>::as_ref(v), #min, #max, #each);)
            }
            Check::Entries(min, max, keys) => {
                let each = each_closure(cx, krate, each, ty);
                quote_spanned!(span=> at.entries(v, #min, #max, #krate::validate::Pattern::#keys, #each);)
            }
            Check::Each(..) => continue,
        });
    }
    if let Some((_, span)) = each
        && !container
    {
        cx.error(
            span,
            "`each(...)` checks the items of `items(..)` or the values of `entries(..)`: add one of them",
        );
    }
    quote!(#(#out)*)
}

/// The closure checking each item or entry; an item that is an `Option` is checked
/// when present.
fn each_closure(
    cx: &mut Ctxt,
    krate: &TokenStream,
    each: Option<(&Vec<Keyed>, Span)>,
    ty: &Type,
) -> TokenStream {
    let Some((checks, _)) = each else {
        return quote!(|_, _| {});
    };
    let item = last_type_argument(ty);
    let (depth, inner) = item.map_or((0, ty), strip_options);
    let checks = value_checks(cx, krate, checks, inner);
    if depth > 0 {
        quote!(|at, v| {
            if let ::core::option::Option::Some(v) = v { #checks }
        })
    } else {
        quote!(|at, v| { #checks })
    }
}

/// The field's checks, or `None` when it has no `#[validate]`.
fn field_checks(cx: &mut Ctxt, field: &syn::Field) -> Option<Vec<Keyed>> {
    let mut found = None;
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("validate")) {
        if found.is_some() {
            cx.error_spanned(
                attr,
                "a field has one `#[validate(...)]`: list every check in it",
            );
            continue;
        }
        let mut checks = Vec::new();
        match &attr.meta {
            syn::Meta::List(_) => {
                if let Err(error) = attr.parse_nested_meta(|meta| parse_check(&meta, &mut checks)) {
                    cx.push(error);
                }
            }
            // `#[validate]` alone: the field is a model with limits of its own.
            syn::Meta::Path(path) => checks.push(Keyed {
                check: Check::Nested,
                span: path.span(),
            }),
            syn::Meta::NameValue(nv) => cx.error_spanned(nv, EXPECTED),
        }
        found = Some(checks);
    }
    found
}

fn parse_check(meta: &syn::meta::ParseNestedMeta<'_>, checks: &mut Vec<Keyed>) -> syn::Result<()> {
    let Some(key) = meta.path.get_ident().map(ToString::to_string) else {
        return Err(meta.error(EXPECTED));
    };
    let span = meta.path.span();
    let check = match key.as_str() {
        "chars" => {
            let (min, max) = bounds(meta)?;
            Check::Chars(
                min.unwrap_or_else(|| quote!(0)),
                max.unwrap_or_else(|| quote!(usize::MAX)),
            )
        }
        "items" => {
            let (min, max) = bounds(meta)?;
            Check::Items(
                min.unwrap_or_else(|| quote!(0)),
                max.unwrap_or_else(|| quote!(usize::MAX)),
            )
        }
        "range" => {
            let (min, max) = bounds(meta)?;
            let some = |b: Option<TokenStream>| match b {
                Some(b) => quote!(::core::option::Option::Some(#b)),
                None => quote!(::core::option::Option::None),
            };
            Check::Range(some(min), some(max))
        }
        "entries" => {
            let mut min = quote!(0);
            let mut max = quote!(usize::MAX);
            let mut keys = syn::Ident::new("Any", Span::call_site());
            let bounded = meta.input.peek(syn::token::Paren);
            bounded
                .then(|| {
                    meta.parse_nested_meta(|inner| {
                        if inner.path.is_ident("min") {
                            min = inner.value()?.parse::<syn::Expr>()?.to_token_stream();
                        } else if inner.path.is_ident("max") {
                            max = inner.value()?.parse::<syn::Expr>()?.to_token_stream();
                        } else if inner.path.is_ident("keys") {
                            keys = inner.value()?.parse()?;
                        } else {
                            return Err(
                                inner.error("expected `min = N`, `max = N` or `keys = Pattern`")
                            );
                        }
                        Ok(())
                    })
                })
                .transpose()?;
            Check::Entries(min, max, keys)
        }
        "pattern" => Check::Pattern(meta.value()?.parse()?),
        "depth" => Check::Depth(meta.value()?.parse()?),
        "with" => Check::With(meta.value()?.parse()?),
        "listed" => Check::Listed,
        "nested" => Check::Nested,
        "unique" => Check::Unique,
        "each" => {
            let mut each = Vec::new();
            meta.parse_nested_meta(|inner| parse_check(&inner, &mut each))?;
            Check::Each(each)
        }
        _ => {
            let hint = did_you_mean(&key, CHECKS.iter().copied());
            return Err(meta.error(format!("unknown check `{key}`{hint}: {EXPECTED}")));
        }
    };
    checks.push(Keyed { check, span });
    Ok(())
}

/// `(min = .., max = ..)`, each optional: a literal or a constant.
fn bounds(
    meta: &syn::meta::ParseNestedMeta<'_>,
) -> syn::Result<(Option<TokenStream>, Option<TokenStream>)> {
    let (mut min, mut max) = (None, None);
    // Bare `items` checks each item with no bound on their number.
    if !meta.input.peek(syn::token::Paren) {
        return Ok((min, max));
    }
    meta.parse_nested_meta(|inner| {
        let slot = if inner.path.is_ident("min") {
            &mut min
        } else if inner.path.is_ident("max") {
            &mut max
        } else {
            return Err(inner.error("expected `min = ..` or `max = ..`"));
        };
        *slot = Some(inner.value()?.parse::<syn::Expr>()?.to_token_stream());
        Ok(())
    })?;
    Ok((min, max))
}

/// How many `Option`s wrap `ty`, and the type inside them.
fn strip_options(ty: &Type) -> (usize, &Type) {
    let mut depth = 0;
    let mut ty = ty;
    while let Some(inner) = option_inner(ty) {
        depth += 1;
        ty = inner;
    }
    (depth, ty)
}

/// `T` of a type written `Option<T>`.
fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    last_type_argument(ty)
}

/// The last type argument of a path type: the item of `Vec<T>`, the value of
/// `BTreeMap<K, V>`.
fn last_type_argument(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    let syn::PathArguments::AngleBracketed(args) = &path.path.segments.last()?.arguments else {
        return None;
    };
    args.args.iter().rev().find_map(|arg| match arg {
        syn::GenericArgument::Type(ty) => Some(ty),
        _ => None,
    })
}

/// The field's name in JSON: its `#[serde(rename = "..")]`, else its identifier
/// under the container's `rename_all`.
fn json_name(field: &syn::Field, ident: &syn::Ident, rename_all: Option<&str>) -> LitStr {
    if let Some(rename) = serde_value(&field.attrs, "rename") {
        return rename;
    }
    let raw = ident.to_string();
    let raw = raw.strip_prefix("r#").unwrap_or(&raw);
    let name = match rename_all {
        Some("camelCase") => camel(raw, false),
        Some("PascalCase") => camel(raw, true),
        Some("kebab-case") => raw.replace('_', "-"),
        Some("SCREAMING_SNAKE_CASE" | "UPPERCASE") => raw.to_ascii_uppercase(),
        Some("SCREAMING-KEBAB-CASE") => raw.to_ascii_uppercase().replace('_', "-"),
        Some("lowercase") => raw.to_ascii_lowercase(),
        _ => raw.to_owned(),
    };
    LitStr::new(&name, ident.span())
}

/// serde's `camelCase` (or `PascalCase`) of a `snake_case` identifier.
fn camel(snake: &str, pascal: bool) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = pascal;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn rename_all(input: &DeriveInput) -> Option<String> {
    serde_value(&input.attrs, "rename_all").map(|lit| lit.value())
}

/// The string value of `key = ".."` in the `#[serde(...)]` attributes, if any.
fn serde_value(attrs: &[syn::Attribute], key: &str) -> Option<LitStr> {
    serde_key(attrs, key, |meta| meta.value()?.parse::<LitStr>())
}

/// Whether the `#[serde(...)]` attributes hold the bare key `key` (`flatten`).
fn serde_flag(attrs: &[syn::Attribute], key: &str) -> bool {
    serde_key(attrs, key, |_| Ok(())).is_some()
}

/// What `read` takes from the key `key` of the `#[serde(...)]` attributes, if present.
fn serde_key<T>(
    attrs: &[syn::Attribute],
    key: &str,
    mut read: impl FnMut(&syn::meta::ParseNestedMeta<'_>) -> syn::Result<T>,
) -> Option<T> {
    let mut found = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        // Other serde keys take values of any form: skip them whole. (serde itself
        // reports a malformed attribute.)
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident(key) {
                found = Some(read(&meta)?);
            } else if meta.input.peek(syn::Token![=]) {
                meta.value()?.parse::<syn::Expr>()?;
            } else if meta.input.peek(syn::token::Paren) {
                meta.parse_nested_meta(|_| Ok(()))?;
            }
            Ok(())
        });
    }
    found
}

/// `#[validate(crate = path)]` on the container, else `::losant_core`.
fn crate_path(cx: &mut Ctxt, input: &DeriveInput) -> TokenStream {
    let mut path = None;
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("validate")) {
        let parsed = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("crate") {
                let value: syn::Path = meta.value()?.parse()?;
                path = Some(quote!(#value));
                Ok(())
            } else {
                Err(meta.error(
                    "on the struct, `#[validate(...)]` takes `crate = path::to::losant_core`; the checks go on the fields",
                ))
            }
        });
        if let Err(error) = parsed {
            cx.push(error);
        }
    }
    path.unwrap_or_else(|| quote!(::losant_core))
}
