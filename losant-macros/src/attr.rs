//! Parsing of `#[api(...)]`, `#[endpoint(...)]` and the argument role attributes into
//! their raw values; what the values mean is checked in `build.rs`.

use proc_macro2::{Span, TokenStream};
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Attribute, Ident, Lit, LitBool, LitStr, Meta, Token};

use crate::ast::PartKind;
use crate::ctxt::Ctxt;
use crate::names::unraw;
use crate::suggest::{closest, did_you_mean};
use crate::symbol::{
    ACCEPTS, ARG_ROLES, AUTH, BODY, BUILTIN_PARAM_ATTRS, CRATE, ENDPOINT_KEYS, FILE, HEADER,
    IDEMPOTENT, JSON, METHOD, NAME, PAGINATE, PART, PATH, QUERY, READ, SCOPE, Symbol, VALIDATE,
};

/// A value that may be given once. Every key goes through [`Attr::set`], so duplicate
/// keys are reported the same way everywhere.
pub(crate) struct Attr<T> {
    /// What the key belongs to, for messages: `endpoint attribute`, ...
    kind: &'static str,
    name: Symbol,
    value: Option<T>,
}

impl<T> Attr<T> {
    /// An unset key of `#[endpoint(...)]`.
    pub(crate) fn endpoint(name: Symbol) -> Self {
        Attr {
            kind: "endpoint attribute",
            name,
            value: None,
        }
    }

    /// An unset key of another attribute: `kind` names it (`#[api]` option, ...).
    pub(crate) fn key(kind: &'static str, name: Symbol) -> Self {
        Attr {
            kind,
            name,
            value: None,
        }
    }

    /// Sets the value, or reports a duplicate spanned on the second key.
    pub(crate) fn set(&mut self, cx: &mut Ctxt, key_span: Span, value: T) {
        if self.value.is_some() {
            cx.error(key_span, format!("duplicate {} `{}`", self.kind, self.name));
        } else {
            self.value = Some(value);
        }
    }

    pub(crate) fn get(self) -> Option<T> {
        self.value
    }
}

/// `#[api(crate = path)]`: the path of the runtime, for crates that re-export it.
pub(crate) fn parse_api_args(cx: &mut Ctxt, args: TokenStream) -> Option<syn::Path> {
    let mut krate: Attr<syn::Path> = Attr::key("`#[api]` option", CRATE);
    let parser = syn::meta::parser(|meta| {
        if meta.path == CRATE {
            let usage = "`crate` takes the path of the runtime: `#[api(crate = my_sdk::losant)]`";
            let value = meta.value().map_err(|e| syn::Error::new(e.span(), usage))?;
            if value.is_empty() {
                return Err(syn::Error::new(meta.path.span(), usage));
            }
            let path: syn::Path = if value.peek(LitStr) {
                value.parse::<LitStr>()?.parse()?
            } else if value.peek(Ident::peek_any) || value.peek(Token![::]) {
                value.parse()?
            } else {
                return Err(value.error(usage));
            };
            krate.set(cx, meta.path.span(), path);
            Ok(())
        } else {
            Err(meta.error(
                "`#[api]` takes one option, `crate = path`, naming the runtime crate when it is re-exported (`#[api(crate = my_crate::losant)]`)",
            ))
        }
    });
    if let Err(error) = parser.parse2(args) {
        cx.push(error);
    }
    krate.get()
}

/// The keys of one `#[endpoint(...)]`, each checked for its literal kind.
pub(crate) struct EndpointAttr {
    /// The whole attribute, for "missing key" errors.
    pub(crate) attr: Attribute,
    /// Keys suggested for unknown keys: not reported again as missing.
    pub(crate) suggested: Vec<Symbol>,
    pub(crate) method: Option<LitStr>,
    pub(crate) path: Option<LitStr>,
    pub(crate) scope: Option<LitStr>,
    pub(crate) accepts: Option<ScopeList>,
    pub(crate) auth: Option<LitStr>,
    pub(crate) read: Option<LitBool>,
    pub(crate) idempotent: Option<LitBool>,
    pub(crate) paginate: Option<LitStr>,
}

/// `accepts = ["a", "b"]`: the list, and the span of its brackets.
pub(crate) struct ScopeList {
    pub(crate) scopes: Vec<LitStr>,
    pub(crate) span: Span,
}

/// The value of one key: a literal or a bracketed list of string literals.
enum Value {
    Lit(Lit),
    List(ScopeList),
}

struct KeyValue {
    key: Ident,
    value: Option<Value>,
}

fn parse_value(input: ParseStream) -> syn::Result<Value> {
    if input.peek(syn::token::Bracket) {
        let content;
        let brackets = syn::bracketed!(content in input);
        let scopes = Punctuated::<LitStr, Token![,]>::parse_terminated(&content)?;
        return Ok(Value::List(ScopeList {
            scopes: scopes.into_iter().collect(),
            span: brackets.span.join(),
        }));
    }
    input.parse().map(Value::Lit)
}

fn parse_key_values(input: ParseStream) -> syn::Result<Punctuated<KeyValue, Token![,]>> {
    Punctuated::parse_terminated_with(input, |input| {
        let key = Ident::parse_any(input)?;
        let value = if input.peek(Token![=]) {
            input.parse::<Token![=]>()?;
            Some(parse_value(input)?)
        } else {
            None
        };
        Ok(KeyValue { key, value })
    })
}

const USAGE: &str = "expected `#[endpoint(method = \"GET\", path = \"/applications/<app>\", scope = \"application.get\")]`";

/// Parses one `#[endpoint(...)]`. Syntax errors end the parse of this attribute;
/// every other mistake is recorded and parsing goes on.
pub(crate) fn parse_endpoint(cx: &mut Ctxt, attr: &Attribute) -> Option<EndpointAttr> {
    let list = match &attr.meta {
        Meta::List(list) => list,
        other => {
            cx.error_spanned(other, USAGE);
            return None;
        }
    };
    let pairs = match parse_key_values.parse2(list.tokens.clone()) {
        Ok(pairs) => pairs,
        Err(err) => {
            cx.push(err);
            return None;
        }
    };

    let mut method = Attr::endpoint(METHOD);
    let mut path = Attr::endpoint(PATH);
    let mut scope = Attr::endpoint(SCOPE);
    let mut accepts = Attr::endpoint(ACCEPTS);
    let mut auth = Attr::endpoint(AUTH);
    let mut read = Attr::endpoint(READ);
    let mut idempotent = Attr::endpoint(IDEMPOTENT);
    let mut paginate = Attr::endpoint(PAGINATE);
    let mut suggested = Vec::new();

    for KeyValue { key, value } in pairs {
        let name = unraw(&key);
        let known = ENDPOINT_KEYS.iter().find(|k| *name == **k).copied();
        let (Some(value), Some(known)) = (value, known) else {
            match known {
                Some(_) => cx.error(key.span(), format!("expected a value: `{name} = ...`")),
                None => suggested.extend(unknown_key(cx, &key, &name)),
            }
            continue;
        };
        match known {
            METHOD => set_str(cx, &mut method, &key, value),
            PATH => set_str(cx, &mut path, &key, value),
            SCOPE => set_str(cx, &mut scope, &key, value),
            AUTH => set_str(cx, &mut auth, &key, value),
            PAGINATE => set_str(cx, &mut paginate, &key, value),
            READ => set_bool(cx, &mut read, &key, value),
            IDEMPOTENT => set_bool(cx, &mut idempotent, &key, value),
            _ => set_list(cx, &mut accepts, &key, value),
        }
    }

    Some(EndpointAttr {
        attr: attr.clone(),
        suggested,
        method: method.get(),
        path: path.get(),
        scope: scope.get(),
        accepts: accepts.get(),
        auth: auth.get(),
        read: read.get(),
        idempotent: idempotent.get(),
        paginate: paginate.get(),
    })
}

fn unknown_key(cx: &mut Ctxt, key: &Ident, name: &str) -> Option<Symbol> {
    let keys = ENDPOINT_KEYS.iter().map(|k| k.as_str());
    let expected: Vec<String> = ENDPOINT_KEYS.iter().map(|k| format!("`{k}`")).collect();
    cx.error(
        key.span(),
        format!(
            "unknown endpoint attribute `{name}`: expected one of {}{}",
            expected.join(", "),
            did_you_mean(name, keys.clone())
        ),
    );
    closest(name, keys).and_then(|found| ENDPOINT_KEYS.iter().copied().find(|k| *found == *k))
}

fn set_str(cx: &mut Ctxt, slot: &mut Attr<LitStr>, key: &Ident, value: Value) {
    match value {
        Value::Lit(Lit::Str(lit)) => slot.set(cx, key.span(), lit),
        Value::Lit(other) => cx.error_spanned(other, format!("`{key}` expects a string literal")),
        Value::List(list) => cx.error(list.span, format!("`{key}` expects a string literal")),
    }
}

fn set_bool(cx: &mut Ctxt, slot: &mut Attr<LitBool>, key: &Ident, value: Value) {
    match value {
        Value::Lit(Lit::Bool(lit)) => slot.set(cx, key.span(), lit),
        Value::Lit(other) => cx.error_spanned(other, format!("`{key}` expects `true` or `false`")),
        Value::List(list) => cx.error(list.span, format!("`{key}` expects `true` or `false`")),
    }
}

fn set_list(cx: &mut Ctxt, slot: &mut Attr<ScopeList>, key: &Ident, value: Value) {
    match value {
        Value::List(list) => slot.set(cx, key.span(), list),
        Value::Lit(other) => cx.error_spanned(
            other,
            format!(
                "`{key}` expects a list of scopes, like `[\"all.Application\", \"event.get\"]`"
            ),
        ),
    }
}

/// The role an argument attribute gives.
pub(crate) enum RoleAttr {
    /// `#[body]` or `#[body(validate)]`
    Body {
        /// Checked with `Validate` before it is serialized.
        validate: bool,
    },
    /// `#[query]`, `#[query = "name"]` or `#[query(json, name = "name")]`
    Query {
        /// The query key, when given.
        name: Option<LitStr>,
        /// `json`: the value is sent as one JSON-encoded string.
        json: bool,
    },
    /// `#[header = "name"]`
    Header(LitStr),
    /// `#[part]`, `#[part = "name"]` or `#[part(json | file, validate, name = "name")]`
    Part {
        /// The part's name, when given.
        name: Option<LitStr>,
        /// What it holds.
        kind: PartKind,
    },
}

/// Whether an attribute on a parameter is one the compiler handles itself.
pub(crate) fn is_builtin(attr: &Attribute) -> bool {
    attr.path()
        .get_ident()
        .is_some_and(|ident| BUILTIN_PARAM_ATTRS.iter().any(|builtin| ident == builtin))
}

/// Reads the role attributes of one argument. Returns `None` for an attribute
/// that is not a role (left in place), `Some(Err)` after reporting a malformed one.
pub(crate) fn parse_role(cx: &mut Ctxt, attr: &Attribute) -> Option<Result<RoleAttr, ()>> {
    let ident = attr.path().get_ident()?;
    if is_builtin(attr) {
        return None;
    }
    let name = unraw(ident);
    let role = if *ident == BODY {
        match &attr.meta {
            Meta::Path(_) => Ok(RoleAttr::Body { validate: false }),
            Meta::List(list) if is_validate(list) => Ok(RoleAttr::Body { validate: true }),
            Meta::List(list) => {
                let hint = match list.parse_args::<syn::Ident>() {
                    Ok(word) => {
                        let word = unraw(&word);
                        did_you_mean(&word, [VALIDATE.as_str()])
                    }
                    Err(_) => String::new(),
                };
                cx.error_spanned(
                    &list.tokens,
                    format!("`#[body(...)]` takes one option, `validate`: the body is then checked with `losant_core::Validate` before sending{hint}"),
                );
                Err(())
            }
            Meta::NameValue(_) => {
                cx.error_spanned(
                    &attr.meta,
                    "expected `#[body]` or `#[body(validate)]`: the argument is sent as the JSON body, checked first with `losant_core::Validate` when `validate` is given",
                );
                Err(())
            }
        }
    } else if *ident == PART {
        match &attr.meta {
            Meta::Path(_) => Ok(RoleAttr::Part {
                name: None,
                kind: PartKind::Text,
            }),
            Meta::List(list) => parse_part_list(cx, list),
            Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: Lit::Str(lit), ..
                }) => Ok(RoleAttr::Part {
                    name: Some(lit.clone()),
                    kind: PartKind::Text,
                }),
                other => {
                    cx.error_spanned(
                        other,
                        "`#[part = ...]` expects the part's name as a string literal",
                    );
                    Err(())
                }
            },
        }
    } else if *ident == QUERY || *ident == HEADER {
        match &attr.meta {
            Meta::Path(_) if *ident == QUERY => Ok(RoleAttr::Query {
                name: None,
                json: false,
            }),
            Meta::List(list) if *ident == QUERY => parse_query_list(cx, list),
            Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: Lit::Str(lit), ..
                }) => Ok(if *ident == QUERY {
                    RoleAttr::Query {
                        name: Some(lit.clone()),
                        json: false,
                    }
                } else {
                    RoleAttr::Header(lit.clone())
                }),
                other => {
                    cx.error_spanned(other, format!("`#[{name} = ...]` expects a string literal"));
                    Err(())
                }
            },
            _ => {
                cx.error_spanned(&attr.meta, "expected `#[header = \"Header-Name\"]`");
                Err(())
            }
        }
    } else {
        cx.error(
            ident.span(),
            format!(
                "unknown argument attribute `{name}`: an argument takes `#[body]`, `#[query]`, `#[query = \"name\"]`, `#[header = \"name\"]` or `#[part]`{}",
                did_you_mean(&name, ARG_ROLES.iter().map(|r| r.as_str()))
            ),
        );
        Err(())
    };
    Some(role)
}

/// `(validate)`, exactly.
fn is_validate(list: &syn::MetaList) -> bool {
    list.parse_args::<syn::Ident>()
        .is_ok_and(|ident| ident == VALIDATE)
}

/// The string literal of `name = "..."` in a role's list; `usage` says what it takes.
fn name_value(meta: &syn::meta::ParseNestedMeta<'_>, usage: &str) -> syn::Result<LitStr> {
    let value = meta.value().map_err(|e| syn::Error::new(e.span(), usage))?;
    value.parse().map_err(|e| syn::Error::new(e.span(), usage))
}

/// `#[part(json)]`, `#[part(json, validate)]`, `#[part(file)]`, each with
/// `name = "key"` or not.
fn parse_part_list(cx: &mut Ctxt, list: &syn::MetaList) -> Result<RoleAttr, ()> {
    let mut name: Attr<LitStr> = Attr::key("`#[part]` key", NAME);
    let mut json: Attr<()> = Attr::key("`#[part]` key", JSON);
    let mut file: Attr<()> = Attr::key("`#[part]` key", FILE);
    let mut validate: Attr<Span> = Attr::key("`#[part]` key", VALIDATE);
    let parsed = list.parse_nested_meta(|meta| {
        if meta.path == JSON {
            json.set(cx, meta.path.span(), ());
            Ok(())
        } else if meta.path == FILE {
            file.set(cx, meta.path.span(), ());
            Ok(())
        } else if meta.path == VALIDATE {
            validate.set(cx, meta.path.span(), meta.path.span());
            Ok(())
        } else if meta.path == NAME {
            let usage = "`name` takes the part's name as a string literal: `name = \"importBundle\"`";
            name.set(cx, meta.path.span(), name_value(&meta, usage)?);
            Ok(())
        } else {
            let word = meta.path.get_ident().map(unraw).unwrap_or_default();
            Err(meta.error(format!(
                "unknown `#[part(...)]` key: expected `json`, `file`, `validate` or `name = \"...\"`{}",
                did_you_mean(&word, [JSON.as_str(), FILE.as_str(), VALIDATE.as_str(), NAME.as_str()])
            )))
        }
    });
    if let Err(error) = parsed {
        cx.push(error);
        return Err(());
    }
    let validate = validate.get();
    let kind = match (json.get().is_some(), file.get().is_some()) {
        (true, true) => {
            cx.error_spanned(
                &list.tokens,
                "a part is `json` or `file`, not both: `json` sends a value as JSON text, `file` sends a `FilePart`",
            );
            return Err(());
        }
        (true, false) => PartKind::Json {
            validate: validate.is_some(),
        },
        (false, file) => {
            if let Some(span) = validate {
                cx.error(
                    span,
                    "`validate` applies to `#[part(json)]`: only a JSON part has a schema to check",
                );
                return Err(());
            }
            if file { PartKind::File } else { PartKind::Text }
        }
    };
    Ok(RoleAttr::Part {
        name: name.get(),
        kind,
    })
}

/// `#[query(json)]`, `#[query(name = "key")]` or both.
fn parse_query_list(cx: &mut Ctxt, list: &syn::MetaList) -> Result<RoleAttr, ()> {
    let mut name: Attr<LitStr> = Attr::key("`#[query]` key", NAME);
    let mut json: Attr<()> = Attr::key("`#[query]` key", JSON);
    let parsed = list.parse_nested_meta(|meta| {
        if meta.path == JSON {
            json.set(cx, meta.path.span(), ());
            Ok(())
        } else if meta.path == NAME {
            let usage = "`name` takes the query key as a string literal: `name = \"perPage\"`";
            name.set(cx, meta.path.span(), name_value(&meta, usage)?);
            Ok(())
        } else {
            let word = meta.path.get_ident().map(unraw).unwrap_or_default();
            Err(meta.error(format!(
                "unknown `#[query(...)]` key: expected `json` or `name = \"...\"`{}",
                did_you_mean(&word, [JSON.as_str(), NAME.as_str()])
            )))
        }
    });
    match parsed {
        Ok(()) => Ok(RoleAttr::Query {
            name: name.get(),
            json: json.get().is_some(),
        }),
        Err(error) => {
            cx.push(error);
            Err(())
        }
    }
}
