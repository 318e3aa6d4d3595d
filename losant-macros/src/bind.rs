//! Argument binding: each argument of an endpoint method gets exactly one role (a path
//! placeholder of its name, `#[body]`, `#[query]`, `#[header]` or `#[part]`), and each
//! placeholder exactly one argument.

use syn::{FnArg, Ident, LitStr, Pat, PatType, Signature};

use crate::ast::{Arg, HttpMethod, PartKind, Placeholder, Role};
use crate::attr::{self, RoleAttr};
use crate::ctxt::Ctxt;
use crate::names::{camel_case, unraw};
use crate::suggest::{closest, did_you_mean};

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

/// The arguments of `sig` with their roles. Arguments with a mistake are left out
/// (and reported); `report_unbound` reports placeholders without an argument and
/// arguments without a role.
pub(crate) fn bind_arguments(
    cx: &mut Ctxt,
    sig: &Signature,
    method: Option<HttpMethod>,
    placeholders: &[&Placeholder],
    report_unbound: bool,
) -> Vec<Arg> {
    let mut binder = Binder {
        method,
        placeholders,
        body_seen: false,
        parts_seen: Vec::new(),
        args: Vec::new(),
        roleless: Vec::new(),
    };
    for input in &sig.inputs {
        if let FnArg::Typed(pat_type) = input {
            binder.bind(cx, pat_type);
        }
    }
    if report_unbound {
        report_unbound_names(cx, sig, placeholders, &binder.roleless);
    }
    binder.args
}

/// Gives each argument its role.
struct Binder<'a> {
    method: Option<HttpMethod>,
    placeholders: &'a [&'a Placeholder],
    body_seen: bool,
    /// The names of the parts bound so far.
    parts_seen: Vec<String>,
    args: Vec<Arg>,
    roleless: Vec<Ident>,
}

impl Binder<'_> {
    fn bind(&mut self, cx: &mut Ctxt, pat_type: &PatType) {
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
        let arg_name = unraw(&ident);
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
                        describe(first),
                        describe(&role)
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
            RoleAttr::Body { validate } => {
                let mut ok = true;
                if self.body_seen {
                    cx.error_spanned(
                        attr,
                        "only one argument can be `#[body]`: the request has one JSON body",
                    );
                    ok = false;
                }
                if !self.parts_seen.is_empty() {
                    cx.error_spanned(attr, BODY_AND_PARTS);
                    ok = false;
                }
                self.body_seen = true;
                if let Some(m) = self.bodiless() {
                    cx.error_spanned(
                        attr,
                        format!("a {m} endpoint cannot have a `#[body]`: {m} requests carry no body; use `#[query]` instead"),
                    );
                    ok = false;
                }
                ok.then_some(Role::Body { validate })
            }
            RoleAttr::Part { name, kind } => {
                let mut ok = true;
                let name = name.map_or_else(|| camel_case(arg_name), |lit| lit.value());
                if self.body_seen {
                    cx.error_spanned(attr, BODY_AND_PARTS);
                    ok = false;
                }
                if let Some(m) = self.bodiless() {
                    cx.error_spanned(
                        attr,
                        format!("a {m} endpoint cannot have a `#[part]`: {m} requests carry no body; use `#[query]` instead"),
                    );
                    ok = false;
                }
                if self.parts_seen.contains(&name) {
                    cx.error_spanned(
                        attr,
                        format!("two arguments are the part `{name}`: each part of the form has its own name"),
                    );
                    ok = false;
                }
                self.parts_seen.push(name.clone());
                ok.then_some(Role::Part { name, kind })
            }
            RoleAttr::Query { name, json } => Some(Role::Query {
                key: name.map_or_else(|| camel_case(arg_name), |lit| lit.value()),
                json,
            }),
            RoleAttr::Header(lit) => check_header_name(cx, &lit).map(Role::Header),
        }
    }
}

/// Why a JSON body and multipart parts cannot meet.
const BODY_AND_PARTS: &str =
    "an endpoint sends a JSON `#[body]` or a multipart form of `#[part]`s, not both";

impl Binder<'_> {
    /// The method, when its requests carry no body.
    fn bodiless(&self) -> Option<&'static str> {
        match self.method {
            Some(HttpMethod::Get) => Some("GET"),
            Some(HttpMethod::Delete) => Some("DELETE"),
            _ => None,
        }
    }
}

/// How a role is written, for messages.
fn describe(role: &Role) -> String {
    match role {
        Role::Path => "a path placeholder".to_owned(),
        Role::Body { .. } => "`#[body]`".to_owned(),
        Role::Query { .. } => "`#[query]`".to_owned(),
        Role::Header(name) => format!("`#[header = \"{name}\"]`"),
        Role::Part {
            kind: PartKind::Text,
            ..
        } => "`#[part]`".to_owned(),
        Role::Part {
            kind: PartKind::Json { .. },
            ..
        } => "`#[part(json)]`".to_owned(),
        Role::Part {
            kind: PartKind::File,
            ..
        } => "`#[part(file)]`".to_owned(),
    }
}

/// Reports placeholders with no argument of their name and arguments with no role.
/// A misspelt placeholder and the argument it was meant for make one error, on the
/// placeholder, naming the argument.
fn report_unbound_names(
    cx: &mut Ctxt,
    sig: &Signature,
    placeholders: &[&Placeholder],
    roleless: &[Ident],
) {
    let mut explained: Vec<String> = Vec::new();
    let candidates: Vec<String> = roleless.iter().map(unraw).collect();
    for placeholder in placeholders {
        let bound = sig.inputs.iter().any(|input| match input {
            FnArg::Typed(pt) => {
                matches!(&*pt.pat, Pat::Ident(p) if unraw(&p.ident) == placeholder.name)
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
                format!("argument `{arg_name}` has no role: name it in the path as `<{arg_name}>`, or mark it `#[body]`, `#[query]`, `#[header = \"name\"]` or `#[part]`"),
            );
        }
    }
}

/// The header name of a `#[header = "..."]`, lower-cased, when valid and not one the
/// client sets itself.
fn check_header_name(cx: &mut Ctxt, lit: &LitStr) -> Option<String> {
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
