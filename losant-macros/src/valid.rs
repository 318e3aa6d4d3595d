//! The checks: the trait, each endpoint method's signature, and each key of its
//! `#[endpoint(...)]`. Every mistake is recorded; an [`Endpoint`] is built only from a
//! method without any.

use syn::{
    GenericArgument, GenericParam, ItemTrait, LitStr, PathArguments, ReceiverKind, ReturnType,
    TraitItemFn, Type,
};

use crate::ast::{Arg, Auth, Endpoint, HttpMethod, Returns, Role};
use crate::attr::{EndpointAttr, ScopeList};
use crate::bind::bind_arguments;
use crate::ctxt::Ctxt;
use crate::names::unraw;
use crate::path;
use crate::suggest::did_you_mean;
use crate::symbol::{
    ASYNC_TRAIT, AUTH_NONE, AUTH_OPTIONAL, AUTH_TOKEN, DELETE, GET, METHOD, OPTION, PATCH, PATH,
    POST, PUT, RESULT, SCOPE, SCOPE_GROUPS, Symbol,
};

/// The HTTP methods, with their names on the wire.
const METHODS: [(Symbol, HttpMethod); 5] = [
    (GET, HttpMethod::Get),
    (POST, HttpMethod::Post),
    (PUT, HttpMethod::Put),
    (PATCH, HttpMethod::Patch),
    (DELETE, HttpMethod::Delete),
];

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

/// Checks what `#[api]` needs of the trait itself.
pub(crate) fn check_trait(cx: &mut Ctxt, item: &ItemTrait) {
    if !item.generics.params.is_empty() || item.generics.where_clause.is_some() {
        cx.error_spanned(
            &item.generics,
            "an `#[api]` trait cannot have generic parameters or a where clause",
        );
    }
    if let Some(unsafety) = &item.unsafety {
        cx.error(unsafety.span, "an `#[api]` trait cannot be `unsafe`");
    }
    for attr in &item.attrs {
        if attr
            .path()
            .segments
            .last()
            .is_some_and(|s| s.ident == ASYNC_TRAIT)
        {
            cx.error_spanned(
                attr,
                "`#[api]` already makes the trait an async trait: remove `#[async_trait]`",
            );
        }
    }
}

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
        if matches!(param, GenericParam::Lifetime(_)) {
            cx.error_spanned(
                param,
                "endpoint methods cannot declare lifetimes: the call borrows every argument for one lifetime, so write `&T` (or `'_`)",
            );
        } else {
            cx.error_spanned(
                param,
                "endpoint methods cannot have type or const parameters: the trait must stay object-safe (usable as `dyn`)",
            );
        }
    }
    if let Some(where_clause) = &sig.generics.where_clause {
        cx.error_spanned(where_clause, "endpoint methods cannot have a where clause");
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
pub(crate) fn returns(output: &ReturnType) -> Option<Returns> {
    let ReturnType::Type(_, ty) = output else {
        return None;
    };
    let Type::Path(path) = &**ty else { return None };
    if path.qself.is_some() {
        return None;
    }
    let last = path.path.segments.last()?;
    if last.ident != RESULT {
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

/// Whether a type is written `Option<...>`.
pub(crate) fn is_option(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == OPTION))
}

/// The header name of a `#[header = "..."]`, lower-cased, when valid and not one the
/// client sets itself.
pub(crate) fn check_header_name(cx: &mut Ctxt, lit: &LitStr) -> Option<String> {
    let name = lit.value();
    let valid_char = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if name.is_empty() || !name.chars().all(valid_char) {
        cx.error_spanned(
            lit,
            format!("`{}` is not a valid HTTP header name", name.escape_debug()),
        );
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

/// `resource.action` (or a group such as `all.Application.read` in `accepts`).
fn is_scope(scope: &str, max_parts: usize) -> bool {
    let word = |s: &str| {
        let mut chars = s.chars();
        matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric())
    };
    let parts: Vec<&str> = scope.split('.').collect();
    (2..=max_parts).contains(&parts.len())
        && parts
            .iter()
            .enumerate()
            .all(|(i, part)| word(part) || (i == parts.len() - 1 && *part == "*"))
}

fn check_scope(cx: &mut Ctxt, lit: &LitStr) -> Option<String> {
    let scope = lit.value();
    // `resource.*` is the own scope of a few actions (`dashboard.delete`).
    if is_scope(&scope, 2) {
        return Some(scope);
    }
    cx.error_spanned(
        lit,
        format!("malformed scope `{scope}`: expected `resource.action`, like `event.get`"),
    );
    None
}

/// `accepts = [...]`: scopes (`event.get`, `event.*`, `all.User.bounded`), each once,
/// the endpoint's own scope among them.
fn check_accepts(cx: &mut Ctxt, list: &ScopeList, scope: Option<&str>) -> Option<Vec<String>> {
    let before = cx.count();
    let mut scopes: Vec<String> = Vec::with_capacity(list.scopes.len());
    for lit in &list.scopes {
        let value = lit.value();
        if !is_scope(&value, 3) {
            cx.error_spanned(
                lit,
                format!("malformed scope `{value}`: expected `resource.action`, `resource.*` or a group such as `all.Application.read`"),
            );
        } else if scopes.contains(&value) {
            cx.error_spanned(lit, format!("scope `{value}` is listed twice"));
        } else {
            scopes.push(value);
        }
    }
    if list.scopes.is_empty() {
        cx.error(
            list.span,
            "`accepts` lists the scopes the server accepts: it cannot be empty",
        );
    } else if let Some(scope) = scope
        && !scopes.iter().any(|s| s == scope)
    {
        cx.error(
            list.span,
            format!("`accepts` must include the endpoint's own scope `{scope}`"),
        );
    }
    (cx.count() == before).then_some(scopes)
}

/// The scopes the server accepts when `accepts` is not given, as API 1.30 lists them
/// for most application actions: each group and its `.bounded` form, the `.read`
/// groups for reads, `resource.*` and the scope.
pub(crate) fn derived_scopes(scope: &str, read: bool) -> Vec<String> {
    let resource = scope.split('.').next().unwrap_or_default();
    let mut scopes = Vec::with_capacity(11);
    for group in SCOPE_GROUPS {
        scopes.push((*group).to_owned());
        scopes.push(format!("{group}.bounded"));
        if read {
            scopes.push(format!("{group}.read"));
        }
    }
    scopes.push(format!("{resource}.*"));
    if !scope.ends_with(".*") {
        scopes.push(scope.to_owned());
    }
    scopes
}

/// The method's name on the wire.
pub(crate) fn method_name(method: HttpMethod) -> &'static str {
    METHODS
        .iter()
        .find(|(_, m)| *m == method)
        .map_or("", |(name, _)| name.as_str())
}

fn check_method(cx: &mut Ctxt, lit: &LitStr) -> Option<HttpMethod> {
    let upper = lit.value().to_ascii_uppercase();
    if let Some((_, method)) = METHODS.iter().find(|(name, _)| *upper == *name) {
        return Some(*method);
    }
    let names: Vec<&str> = METHODS.iter().map(|(name, _)| name.as_str()).collect();
    cx.error_spanned(
        lit,
        format!(
            "unknown HTTP method `{}`: expected one of {}{}",
            lit.value(),
            names.join(", "),
            did_you_mean(&upper, names.iter().copied())
        ),
    );
    None
}

fn check_auth(cx: &mut Ctxt, lit: &LitStr) -> Option<Auth> {
    let value = lit.value();
    if *value == AUTH_TOKEN {
        Some(Auth::Token)
    } else if *value == AUTH_NONE {
        Some(Auth::None)
    } else if *value == AUTH_OPTIONAL {
        Some(Auth::Optional)
    } else {
        cx.error_spanned(
            lit,
            format!("unknown `auth` value `{value}`: expected `\"token\"` (the default), `\"none\"` (no `Authorization` header) or `\"optional\"` (the token when the client has one)"),
        );
        None
    }
}

/// `paginate = "page"` names a `#[query]` argument, on an endpoint returning a page.
fn check_paginate(
    cx: &mut Ctxt,
    lit: &LitStr,
    args: &[Arg],
    output: &ReturnType,
) -> Option<syn::Ident> {
    let name = lit.value();
    let Some(arg) = args.iter().find(|a| unraw(&a.ident) == name) else {
        let names: Vec<String> = args.iter().map(|a| unraw(&a.ident)).collect();
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

    let missing = |cx: &mut Ctxt, key: Symbol, hint: &str| {
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
                METHOD,
                "add `method = \"GET\"` (or POST, PUT, PATCH, DELETE)",
            );
            None
        }
    };
    let template = match &attr.path {
        Some(lit) => path::parse(cx, lit).map(|template| (lit.value(), template)),
        None => {
            missing(cx, PATH, "add `path = \"/applications/<app>/...\"`");
            None
        }
    };
    let auth = attr
        .auth
        .as_ref()
        .map_or(Some(Auth::Token), |lit| check_auth(cx, lit));
    let scope = match &attr.scope {
        Some(lit) => check_scope(cx, lit),
        // An action that needs no token has no scope of its own.
        None if matches!(auth, Some(Auth::None | Auth::Optional)) => Some(String::new()),
        None => {
            missing(
                cx,
                SCOPE,
                "add the operation's scope, like `scope = \"event.get\"`",
            );
            None
        }
    };
    let accepts = attr
        .accepts
        .as_ref()
        .map(|list| check_accepts(cx, list, scope.as_deref().filter(|s| !s.is_empty())));

    let placeholders: Vec<&crate::ast::Placeholder> = template
        .as_ref()
        .map(|(_, t)| t.placeholders().collect())
        .unwrap_or_default();
    // When the path is broken, its placeholders are unknown: no "no role" noise.
    let report_unbound = template.is_some() || attr.path.is_none();
    let args = bind_arguments(cx, sig, http_method, &placeholders, report_unbound);

    let read = attr
        .read
        .as_ref()
        .map_or(http_method == Some(HttpMethod::Get), |lit| lit.value);
    let idempotent = attr.idempotent.as_ref().map_or(
        matches!(
            http_method,
            Some(HttpMethod::Get | HttpMethod::Put | HttpMethod::Delete)
        ),
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
    let scope = scope?;
    Some(Endpoint {
        ident: name.clone(),
        method: http_method?,
        path,
        template,
        accepts: match accepts {
            Some(list) => list?,
            None if scope.is_empty() => Vec::new(),
            None => derived_scopes(&scope, read),
        },
        scope,
        auth: auth?,
        read,
        idempotent,
        args,
        returns: returns(&sig.output)?,
        result: match &sig.output {
            ReturnType::Type(_, ty) => ty.clone(),
            ReturnType::Default => return None,
        },
        paginate,
    })
}

#[cfg(test)]
mod tests {
    use super::{Returns, derived_scopes, is_scope, returns};

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

    #[test]
    fn scopes_and_groups() {
        assert!(is_scope("event.get", 2));
        assert!(!is_scope("event", 2));
        assert!(!is_scope("all.Application.read", 2));
        assert!(is_scope("all.Application.read", 3));
        assert!(is_scope("event.*", 3));
        assert!(!is_scope("event.g-t", 3));
        assert!(!is_scope("*.get", 3));
    }

    #[test]
    fn derived_scopes_add_the_read_groups_for_reads() {
        assert_eq!(
            derived_scopes("event.get", true),
            [
                "all.Application",
                "all.Application.bounded",
                "all.Application.read",
                "all.Organization",
                "all.Organization.bounded",
                "all.Organization.read",
                "all.User",
                "all.User.bounded",
                "all.User.read",
                "event.*",
                "event.get"
            ]
        );
        assert_eq!(
            derived_scopes("event.patch", false),
            [
                "all.Application",
                "all.Application.bounded",
                "all.Organization",
                "all.Organization.bounded",
                "all.User",
                "all.User.bounded",
                "event.*",
                "event.patch"
            ]
        );
    }
}
