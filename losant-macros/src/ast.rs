//! The checked intermediate form of an `#[api]` trait: one [`Endpoint`] per method.

use syn::{
    FnArg, GenericArgument, GenericParam, Ident, LitStr, Pat, PathArguments, ReceiverKind,
    ReturnType, TraitItemFn, Type,
};

use crate::attr::{self, EndpointAttr, RoleAttr};
use crate::ctxt::Ctxt;
use crate::path::{self, Template};
use crate::suggest::{closest, did_you_mean};
use crate::symbol::METHODS;

/// One checked endpoint.
pub(crate) struct Endpoint {
    pub(crate) ident: Ident,
    pub(crate) method: &'static str,
    pub(crate) path: String,
    pub(crate) template: Template,
    pub(crate) scope: String,
    pub(crate) read: bool,
    pub(crate) idempotent: bool,
    pub(crate) args: Vec<Arg>,
    pub(crate) returns: Returns,
    /// `paginate = "page"`: the page argument, for the generated `<name>_stream`.
    pub(crate) paginate: Option<Ident>,
}

/// One method argument and its role.
pub(crate) struct Arg {
    pub(crate) ident: Ident,
    pub(crate) ty: Type,
    pub(crate) role: Role,
}

/// How an argument reaches the request.
pub(crate) enum Role {
    /// Fills the `<name>` placeholder of the same name.
    Path,
    /// Serialized as the JSON body.
    Body,
    /// Added to the query string; the name is used for a scalar value.
    Query {
        /// The query key.
        key: String,
        /// Sent as one JSON-encoded value.
        json: bool,
    },
    /// Sent as this header (lower-case).
    Header(String),
}

impl Role {
    fn describe(&self) -> String {
        match self {
            Role::Path => "a path placeholder".to_owned(),
            Role::Body => "`#[body]`".to_owned(),
            Role::Query { .. } => "`#[query]`".to_owned(),
            Role::Header(name) => format!("`#[header = \"{name}\"]`"),
        }
    }
}

/// What the method returns.
pub(crate) enum Returns {
    /// `Result<T>`: the body is decoded as `T`.
    Json(Box<Type>),
    /// `Result<()>`: the body is ignored.
    Empty,
}

/// Headers the client sets itself; an argument may not override them.
const RESERVED_HEADERS: &[&str] = &[
    "authorization",
    "accept",
    "accept-version",
    "user-agent",
    "content-type",
    "content-length",
    "host",
    "transfer-encoding",
    "connection",
];

/// Checks the signature of an endpoint method. Returns whether it has the shape
/// the generated code needs (`async fn name(&self, ...) -> Result<...>`).
pub(crate) fn check_signature(cx: &mut Ctxt, method: &TraitItemFn) -> bool {
    let before = cx.count();
    let sig = &method.sig;
    let name = &sig.ident;

    if sig.asyncness.is_none() {
        cx.error(
            sig.fn_token.span,
            format!(
                "endpoint method `{name}` must be `async fn`: write `async fn {name}(&self, ...)`"
            ),
        );
    }
    if let Some(constness) = &sig.constness {
        cx.error(constness.span, "endpoint methods cannot be `const`");
    }
    if !matches!(sig.safety, syn::Safety::Default) {
        cx.error(name.span(), "endpoint methods cannot be `unsafe` or `safe`");
    }
    if let Some(abi) = &sig.abi {
        cx.error_spanned(abi, "endpoint methods cannot declare an ABI");
    }
    if let Some(variadic) = &sig.variadic {
        cx.error_spanned(variadic, "endpoint methods cannot be variadic");
    }
    for param in &sig.generics.params {
        if !matches!(param, GenericParam::Lifetime(_)) {
            cx.error_spanned(
                param,
                "endpoint methods cannot have type or const parameters: the trait must stay object-safe (usable as `dyn`)",
            );
        }
    }
    match sig.receiver() {
        Some(receiver) => {
            let by_shared_ref = matches!(&receiver.kind, ReceiverKind::Reference(_, _, None))
                && receiver.mutability.is_none();
            if !by_shared_ref {
                cx.error_spanned(
                    receiver,
                    format!("endpoint method `{name}` must take `&self`"),
                );
            }
        }
        None => cx.error(
            name.span(),
            format!("endpoint method `{name}` must take `&self` as its first argument"),
        ),
    }
    if let Some(body) = &method.default {
        cx.error_spanned(
            body,
            format!("endpoint method `{name}` cannot have a body: `#[api]` writes it"),
        );
    }
    if returns(&sig.output).is_none() {
        let message = format!(
            "endpoint method `{name}` must return `Result<T>` (`losant_core::Result`), or `Result<()>` when the response has no body"
        );
        match &sig.output {
            ReturnType::Type(_, ty) => cx.error_spanned(ty, message),
            ReturnType::Default => cx.error(sig.paren_token.span.close(), message),
        }
    }
    cx.count() == before
}

/// `Result<T>` → `Json(T)`, `Result<()>` → `Empty`, anything else → `None`.
fn returns(output: &ReturnType) -> Option<Returns> {
    let ReturnType::Type(_, ty) = output else {
        return None;
    };
    let Type::Path(path) = &**ty else { return None };
    if path.qself.is_some() {
        return None;
    }
    let last = path.path.segments.last()?;
    if last.ident != "Result" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    if args.args.len() != 1 {
        return None;
    }
    match args.args.first()? {
        GenericArgument::Type(Type::Tuple(tuple)) if tuple.elems.is_empty() => Some(Returns::Empty),
        GenericArgument::Type(ty) => Some(Returns::Json(Box::new(ty.clone()))),
        _ => None,
    }
}

/// `sort_field` → `sortField`: Losant's query parameters are lower camel case.
fn camel_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.trim_start_matches('_').chars() {
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

fn check_header_name(cx: &mut Ctxt, lit: &LitStr) -> Option<String> {
    let name = lit.value();
    let valid_char = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if name.is_empty() || !name.chars().all(valid_char) {
        cx.error_spanned(lit, format!("`{name}` is not a valid HTTP header name"));
        return None;
    }
    let lower = name.to_ascii_lowercase();
    if RESERVED_HEADERS.contains(&lower.as_str()) {
        cx.error_spanned(
            lit,
            format!("header `{name}` is set by the client and cannot be an argument"),
        );
        return None;
    }
    Some(lower)
}

fn check_scope(cx: &mut Ctxt, lit: &LitStr) -> Option<String> {
    let scope = lit.value();
    let word = |s: &str| {
        let mut chars = s.chars();
        matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric())
    };
    match scope.split_once('.') {
        Some((resource, action)) if word(resource) && word(action) => Some(scope),
        _ => {
            cx.error_spanned(
                lit,
                format!("malformed scope `{scope}`: expected `resource.action`, like `event.get`"),
            );
            None
        }
    }
}

fn check_method(cx: &mut Ctxt, lit: &LitStr) -> Option<&'static str> {
    let upper = lit.value().to_ascii_uppercase();
    if let Some(method) = METHODS.iter().find(|m| **m == upper) {
        return Some(method);
    }
    cx.error_spanned(
        lit,
        format!(
            "unknown HTTP method `{}`: expected one of GET, POST, PUT, PATCH, DELETE{}",
            lit.value(),
            did_you_mean(&upper, METHODS.iter().copied())
        ),
    );
    None
}

/// Builds one endpoint from its method and attribute, recording every mistake.
/// `None` when there was any.
pub(crate) fn endpoint(
    cx: &mut Ctxt,
    method: &TraitItemFn,
    attr: &EndpointAttr,
) -> Option<Endpoint> {
    let errors_before = cx.count();
    let sig = &method.sig;
    let name = &sig.ident;

    let missing = |cx: &mut Ctxt, key: &str, hint: &str| {
        if !attr.suggested.contains(&key) {
            cx.error_spanned(
                &attr.attr,
                format!("missing `{key}` in `#[endpoint]` of `{name}`: {hint}"),
            );
        }
    };
    let http_method = match &attr.method {
        Some(lit) => check_method(cx, lit),
        None => {
            missing(
                cx,
                "method",
                "add `method = \"GET\"` (or POST, PUT, PATCH, DELETE)",
            );
            None
        }
    };
    let template = match &attr.path {
        Some(lit) => path::parse(cx, lit).map(|template| (lit.value(), template)),
        None => {
            missing(cx, "path", "add `path = \"/applications/<app>/...\"`");
            None
        }
    };
    let scope = match &attr.scope {
        Some(lit) => check_scope(cx, lit),
        None => {
            missing(
                cx,
                "scope",
                "add the operation's scope, like `scope = \"event.get\"`",
            );
            None
        }
    };

    let placeholders: Vec<&path::Placeholder> = template
        .as_ref()
        .map(|(_, t)| t.placeholders().collect())
        .unwrap_or_default();
    let mut binder = Binder {
        http_method,
        placeholders: &placeholders,
        body_seen: false,
        args: Vec::new(),
        roleless: Vec::new(),
    };
    for input in &sig.inputs {
        if let FnArg::Typed(pat_type) = input {
            binder.bind(cx, pat_type);
        }
    }
    let Binder { args, roleless, .. } = binder;
    // When the path is broken, its placeholders are unknown: no "no role" noise.
    if template.is_some() || attr.path.is_none() {
        report_unbound(cx, sig, &placeholders, &roleless);
    }

    let read = attr
        .read
        .as_ref()
        .map_or(http_method == Some("GET"), |lit| lit.value);
    let idempotent = attr.idempotent.as_ref().map_or(
        matches!(http_method, Some("GET" | "PUT" | "DELETE")),
        |lit| lit.value,
    );

    let paginate = attr
        .paginate
        .as_ref()
        .and_then(|lit| check_paginate(cx, lit, &args, &sig.output));

    if cx.count() != errors_before {
        return None;
    }
    let (path, template) = template?;
    Some(Endpoint {
        ident: name.clone(),
        method: http_method?,
        path,
        template,
        scope: scope?,
        read,
        idempotent,
        args,
        returns: returns(&sig.output)?,
        paginate,
    })
}

/// `paginate = "page"` names a `#[query]` argument, on an endpoint returning a page.
fn check_paginate(cx: &mut Ctxt, lit: &LitStr, args: &[Arg], output: &ReturnType) -> Option<Ident> {
    let name = lit.value();
    let Some(arg) = args.iter().find(|a| a.ident.unraw_string() == name) else {
        let names: Vec<String> = args.iter().map(|a| a.ident.unraw_string()).collect();
        cx.error_spanned(
            lit,
            format!(
                "`paginate` names the page argument, but there is no argument `{name}`{}",
                did_you_mean(&name, names.iter().map(String::as_str))
            ),
        );
        return None;
    };
    if !matches!(arg.role, Role::Query { json: false, .. }) {
        cx.error_spanned(
            lit,
            format!("the page argument `{name}` must be a `#[query]` argument"),
        );
        return None;
    }
    if !matches!(returns(output), Some(Returns::Json(_))) {
        cx.error_spanned(
            lit,
            "a paginated endpoint returns `Result<PageType>`, where `PageType: losant_core::Page`",
        );
        return None;
    }
    Some(arg.ident.clone())
}

/// Gives each argument its role.
struct Binder<'a> {
    http_method: Option<&'static str>,
    placeholders: &'a [&'a path::Placeholder],
    body_seen: bool,
    args: Vec<Arg>,
    roleless: Vec<Ident>,
}

impl Binder<'_> {
    fn bind(&mut self, cx: &mut Ctxt, pat_type: &syn::PatType) {
        let ident = match &*pat_type.pat {
            Pat::Ident(pat) if pat.by_ref.is_none() && pat.subpat.is_none() => pat.ident.clone(),
            other => {
                cx.error_spanned(
                    other,
                    "endpoint arguments must be plain names, like `event: &EventId`",
                );
                return;
            }
        };
        let arg_name = ident.unraw_string();
        let mut roles: Vec<Role> = Vec::new();
        let mut bad = false;
        if self.placeholders.iter().any(|p| p.name == arg_name) {
            roles.push(Role::Path);
        }
        for attr in &pat_type.attrs {
            let Some(parsed) = attr::parse_role(cx, attr) else {
                continue;
            };
            let Some(role) = parsed
                .ok()
                .and_then(|role| self.role(cx, attr, &arg_name, role))
            else {
                bad = true;
                continue;
            };
            if let Some(first) = roles.first() {
                cx.error_spanned(
                    attr,
                    format!(
                        "argument `{arg_name}` is bound twice: as {} and as {}; an argument has exactly one role",
                        first.describe(),
                        role.describe()
                    ),
                );
                bad = true;
            }
            roles.push(role);
        }
        match roles.into_iter().next() {
            _ if bad => {}
            None => self.roleless.push(ident),
            Some(role) => self.args.push(Arg {
                ident,
                ty: (*pat_type.ty).clone(),
                role,
            }),
        }
    }

    /// Checks one role attribute; `None` after reporting a mistake.
    fn role(
        &mut self,
        cx: &mut Ctxt,
        attr: &syn::Attribute,
        arg_name: &str,
        role: RoleAttr,
    ) -> Option<Role> {
        match role {
            RoleAttr::Body => {
                let mut ok = true;
                if self.body_seen {
                    cx.error_spanned(
                        attr,
                        "only one argument can be `#[body]`: the request has one JSON body",
                    );
                    ok = false;
                }
                self.body_seen = true;
                if let Some(m @ ("GET" | "DELETE")) = self.http_method {
                    cx.error_spanned(
                        attr,
                        format!("a {m} endpoint cannot have a `#[body]`: {m} requests carry no body; use `#[query]` instead"),
                    );
                    ok = false;
                }
                ok.then_some(Role::Body)
            }
            RoleAttr::Query { name, json } => Some(Role::Query {
                key: name.map_or_else(|| camel_case(arg_name), |lit| lit.value()),
                json,
            }),
            RoleAttr::Header(lit) => check_header_name(cx, &lit).map(Role::Header),
        }
    }
}

/// Reports placeholders with no argument of their name and arguments with no role.
/// A misspelt placeholder and the argument it was meant for make one error, on the
/// placeholder, naming the argument.
fn report_unbound(
    cx: &mut Ctxt,
    sig: &syn::Signature,
    placeholders: &[&path::Placeholder],
    roleless: &[Ident],
) {
    let mut explained: Vec<String> = Vec::new();
    let candidates: Vec<String> = roleless.iter().map(UnrawString::unraw_string).collect();
    for placeholder in placeholders {
        let bound = sig.inputs.iter().any(|input| match input {
            FnArg::Typed(pt) => {
                matches!(&*pt.pat, Pat::Ident(p) if p.ident.unraw_string() == placeholder.name)
            }
            FnArg::Receiver(_) => false,
        });
        if bound {
            continue;
        }
        let suggestion = did_you_mean(&placeholder.name, candidates.iter().map(String::as_str));
        if let Some(found) = closest(&placeholder.name, candidates.iter().map(String::as_str)) {
            explained.push(found.to_owned());
        }
        cx.error(
            placeholder.span,
            format!(
                "no argument named `{}` for placeholder `<{}>`{suggestion}",
                placeholder.name, placeholder.name
            ),
        );
    }
    for (ident, arg_name) in roleless.iter().zip(&candidates) {
        if !explained.contains(arg_name) {
            cx.error(
                ident.span(),
                format!("argument `{arg_name}` has no role: name it in the path as `<{arg_name}>`, or mark it `#[body]`, `#[query]` or `#[header = \"name\"]`"),
            );
        }
    }
}

trait UnrawString {
    fn unraw_string(&self) -> String;
}

impl UnrawString for Ident {
    fn unraw_string(&self) -> String {
        use syn::ext::IdentExt;
        self.unraw().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::{Returns, camel_case, returns};

    #[test]
    fn query_names_are_lower_camel_case() {
        assert_eq!(camel_case("per_page"), "perPage");
        assert_eq!(camel_case("sort_field"), "sortField");
        assert_eq!(camel_case("filter"), "filter");
        assert_eq!(camel_case("_private_name"), "privateName");
    }

    #[test]
    fn only_single_argument_results_are_endpoint_returns() {
        let json = |src: &str| returns(&syn::parse_str(src).unwrap());
        assert!(matches!(json("-> Result<Event>"), Some(Returns::Json(_))));
        assert!(matches!(
            json("-> losant_core::Result<Vec<u8>>"),
            Some(Returns::Json(_))
        ));
        assert!(matches!(json("-> Result<()>"), Some(Returns::Empty)));
        assert!(json("-> Result<Event, String>").is_none());
        assert!(json("-> Option<Event>").is_none());
        assert!(json("-> Result").is_none());
        assert!(json("").is_none());
    }
}
