//! Parsing of `#[endpoint(...)]` and of the argument role attributes.

use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Attribute, Ident, Lit, LitBool, LitStr, Meta, Token};

use crate::ctxt::Ctxt;
use crate::suggest::{closest, did_you_mean};
use crate::symbol::{
    ARG_ROLES, BODY, ENDPOINT_KEYS, HEADER, IDEMPOTENT, METHOD, PAGINATE, PATH, QUERY, READ, SCOPE,
};

/// A value that may be given once. Every key goes through [`Attr::set`], so duplicate
/// keys are reported the same way everywhere.
pub(crate) struct Attr<T> {
    name: &'static str,
    value: Option<T>,
}

impl<T> Attr<T> {
    pub(crate) fn none(name: &'static str) -> Self {
        Attr { name, value: None }
    }

    /// Sets the value, or reports a duplicate spanned on the second key.
    pub(crate) fn set(&mut self, cx: &mut Ctxt, key_span: Span, value: T) {
        if self.value.is_some() {
            cx.error(
                key_span,
                format!("duplicate endpoint attribute `{}`", self.name),
            );
        } else {
            self.value = Some(value);
        }
    }

    pub(crate) fn get(self) -> Option<T> {
        self.value
    }
}

/// The keys of one `#[endpoint(...)]`, each checked for its literal kind.
pub(crate) struct EndpointAttr {
    /// The whole attribute, for "missing key" errors.
    pub(crate) attr: Attribute,
    /// Keys suggested for unknown keys: not reported again as missing.
    pub(crate) suggested: Vec<&'static str>,
    pub(crate) method: Option<LitStr>,
    pub(crate) path: Option<LitStr>,
    pub(crate) scope: Option<LitStr>,
    pub(crate) read: Option<LitBool>,
    pub(crate) idempotent: Option<LitBool>,
    pub(crate) paginate: Option<LitStr>,
}

struct KeyValue {
    key: Ident,
    value: Option<Lit>,
}

fn parse_key_values(input: ParseStream) -> syn::Result<Punctuated<KeyValue, Token![,]>> {
    Punctuated::parse_terminated_with(input, |input| {
        let key = Ident::parse_any(input)?;
        let value = if input.peek(Token![=]) {
            input.parse::<Token![=]>()?;
            Some(input.parse::<Lit>()?)
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

    let mut method = Attr::none(METHOD);
    let mut path = Attr::none(PATH);
    let mut scope = Attr::none(SCOPE);
    let mut read = Attr::none(READ);
    let mut idempotent = Attr::none(IDEMPOTENT);
    let mut paginate = Attr::none(PAGINATE);
    let mut suggested = Vec::new();

    for KeyValue { key, value } in pairs {
        let name = key.unraw().to_string();
        let Some(value) = value else {
            if ENDPOINT_KEYS.contains(&name.as_str()) {
                cx.error(key.span(), format!("expected a value: `{name} = ...`"));
            } else {
                suggested.extend(unknown_key(cx, &key, &name));
            }
            continue;
        };
        match name.as_str() {
            METHOD => set_str(cx, &mut method, &key, value),
            PATH => set_str(cx, &mut path, &key, value),
            SCOPE => set_str(cx, &mut scope, &key, value),
            READ => set_bool(cx, &mut read, &key, value),
            IDEMPOTENT => set_bool(cx, &mut idempotent, &key, value),
            PAGINATE => set_str(cx, &mut paginate, &key, value),
            _ => suggested.extend(unknown_key(cx, &key, &name)),
        }
    }

    Some(EndpointAttr {
        attr: attr.clone(),
        suggested,
        method: method.get(),
        path: path.get(),
        scope: scope.get(),
        read: read.get(),
        idempotent: idempotent.get(),
        paginate: paginate.get(),
    })
}

fn unknown_key(cx: &mut Ctxt, key: &Ident, name: &str) -> Option<&'static str> {
    cx.error(
        key.span(),
        format!(
            "unknown endpoint attribute `{name}`: expected one of `method`, `path`, `scope`, `read`, `idempotent`, `paginate`{}",
            did_you_mean(name, ENDPOINT_KEYS.iter().copied())
        ),
    );
    closest(name, ENDPOINT_KEYS.iter().copied())
        .and_then(|found| ENDPOINT_KEYS.iter().copied().find(|k| *k == found))
}

fn set_str(cx: &mut Ctxt, slot: &mut Attr<LitStr>, key: &Ident, value: Lit) {
    match value {
        Lit::Str(lit) => slot.set(cx, key.span(), lit),
        other => cx.error_spanned(other, format!("`{key}` expects a string literal")),
    }
}

fn set_bool(cx: &mut Ctxt, slot: &mut Attr<LitBool>, key: &Ident, value: Lit) {
    match value {
        Lit::Bool(lit) => slot.set(cx, key.span(), lit),
        other => cx.error_spanned(other, format!("`{key}` expects `true` or `false`")),
    }
}

/// The role an argument attribute gives.
pub(crate) enum RoleAttr {
    /// `#[body]`
    Body,
    /// `#[query]` or `#[query = "name"]`
    Query {
        /// The query key, when given.
        name: Option<LitStr>,
        /// `json`: the value is sent as one JSON-encoded string.
        json: bool,
    },
    /// `#[header = "name"]`
    Header(LitStr),
}

/// Attributes the compiler itself accepts on parameters; they are left alone.
pub(crate) const BUILTIN_PARAM_ATTRS: &[&str] = &[
    "cfg", "cfg_attr", "allow", "warn", "deny", "expect", "forbid", "doc",
];

/// Reads the role attributes of one argument. Returns `None` for an attribute
/// that is not a role (left in place), `Some(Err)` after reporting a malformed one.
pub(crate) fn parse_role(cx: &mut Ctxt, attr: &Attribute) -> Option<Result<RoleAttr, ()>> {
    let path = attr.path();
    let ident = path.get_ident()?;
    let name = ident.to_string();
    if BUILTIN_PARAM_ATTRS.contains(&name.as_str()) {
        return None;
    }
    let role = match (name.as_str(), &attr.meta) {
        (BODY, Meta::Path(_)) => Ok(RoleAttr::Body),
        (BODY, _) => {
            cx.error_spanned(
                &attr.meta,
                "`#[body]` takes no value: the argument is sent as the JSON body",
            );
            Err(())
        }
        (QUERY, Meta::Path(_)) => Ok(RoleAttr::Query {
            name: None,
            json: false,
        }),
        (QUERY, Meta::List(list)) => parse_query_list(cx, list),
        (QUERY | HEADER, Meta::NameValue(nv)) => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: Lit::Str(lit), ..
            }) => {
                if name == QUERY {
                    Ok(RoleAttr::Query {
                        name: Some(lit.clone()),
                        json: false,
                    })
                } else {
                    Ok(RoleAttr::Header(lit.clone()))
                }
            }
            other => {
                cx.error_spanned(other, format!("`#[{name} = ...]` expects a string literal"));
                Err(())
            }
        },
        (HEADER, _) => {
            cx.error_spanned(&attr.meta, "expected `#[header = \"Header-Name\"]`");
            Err(())
        }
        _ => {
            cx.error(
                ident.span(),
                format!(
                    "unknown argument attribute `{name}`: an argument takes `#[body]`, `#[query]`, `#[query = \"name\"]` or `#[header = \"name\"]`{}",
                    did_you_mean(&name, ARG_ROLES.iter().copied())
                ),
            );
            Err(())
        }
    };
    Some(role)
}

/// `#[query(json)]`, `#[query(name = "key")]` or both.
fn parse_query_list(cx: &mut Ctxt, list: &syn::MetaList) -> Result<RoleAttr, ()> {
    let mut name: Attr<LitStr> = Attr::none("name");
    let mut json: Attr<()> = Attr::none("json");
    let parsed = list.parse_nested_meta(|meta| {
        if meta.path.is_ident("json") {
            json.set(cx, meta.path.span(), ());
            Ok(())
        } else if meta.path.is_ident("name") {
            let key: LitStr = meta.value()?.parse()?;
            name.set(cx, meta.path.span(), key);
            Ok(())
        } else {
            Err(meta.error("unknown `#[query(...)]` key: expected `json` or `name = \"...\"`"))
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
