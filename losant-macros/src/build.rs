//! The build pass: an [`Endpoint`] from a method and its parsed `#[endpoint(...)]`,
//! each key's value checked (method, path, auth, scopes, paging) and each argument
//! bound to its role ([`bind`](crate::bind)). Every mistake is recorded; an endpoint is
//! built only from a method without any.

use syn::{LitStr, ReturnType, TraitItemFn};

use crate::ast::{Arg, Auth, Endpoint, HttpMethod, Placeholder, Returns, Role};
use crate::attr::{EndpointAttr, ScopeList};
use crate::bind::bind_arguments;
use crate::ctxt::Ctxt;
use crate::names::unraw;
use crate::path;
use crate::suggest::did_you_mean;
use crate::symbol::{
    AUTH_NONE, AUTH_OPTIONAL, AUTH_TOKEN, DELETE, GET, METHOD, PATCH, PATH, POST, PUT, SCOPE,
    SCOPE_GROUPS, Symbol,
};

/// The HTTP methods, with their names on the wire.
const METHODS: [(Symbol, HttpMethod); 5] = [
    (GET, HttpMethod::Get),
    (POST, HttpMethod::Post),
    (PUT, HttpMethod::Put),
    (PATCH, HttpMethod::Patch),
    (DELETE, HttpMethod::Delete),
];

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
    if !matches!(Returns::of(output), Some(Returns::Json(_))) {
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

    let placeholders: Vec<&Placeholder> = template
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
        returns: Returns::of(&sig.output)?,
        result: match &sig.output {
            ReturnType::Type(_, ty) => ty.clone(),
            ReturnType::Default => return None,
        },
        paginate,
    })
}

#[cfg(test)]
mod tests {
    use super::{derived_scopes, is_scope};

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
