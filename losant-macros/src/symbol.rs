//! Every attribute name, key and keyword the macros understand, in one place.

use std::fmt;

use syn::{Ident, Path};

/// A name the macros look for in the user's tokens.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Symbol(pub(crate) &'static str);

impl Symbol {
    pub(crate) const fn as_str(self) -> &'static str {
        self.0
    }
}

impl PartialEq<Symbol> for Ident {
    fn eq(&self, word: &Symbol) -> bool {
        self == word.0
    }
}

impl PartialEq<Symbol> for &Ident {
    fn eq(&self, word: &Symbol) -> bool {
        *self == word.0
    }
}

impl PartialEq<Symbol> for Path {
    fn eq(&self, word: &Symbol) -> bool {
        self.is_ident(word.0)
    }
}

impl PartialEq<Symbol> for str {
    fn eq(&self, word: &Symbol) -> bool {
        self == word.0
    }
}

impl fmt::Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// The one option of `#[api(...)]`.
pub(crate) const CRATE: Symbol = Symbol("crate");

/// `#[endpoint(...)]` on a method.
pub(crate) const ENDPOINT: Symbol = Symbol("endpoint");

/// Keys of `#[endpoint(...)]`.
pub(crate) const METHOD: Symbol = Symbol("method");
pub(crate) const PATH: Symbol = Symbol("path");
pub(crate) const SCOPE: Symbol = Symbol("scope");
pub(crate) const ACCEPTS: Symbol = Symbol("accepts");
pub(crate) const AUTH: Symbol = Symbol("auth");
pub(crate) const READ: Symbol = Symbol("read");
pub(crate) const IDEMPOTENT: Symbol = Symbol("idempotent");
pub(crate) const PAGINATE: Symbol = Symbol("paginate");
pub(crate) const ENDPOINT_KEYS: &[Symbol] = &[
    METHOD, PATH, SCOPE, ACCEPTS, AUTH, READ, IDEMPOTENT, PAGINATE,
];

/// Values of `auth`.
pub(crate) const AUTH_TOKEN: Symbol = Symbol("token");
pub(crate) const AUTH_NONE: Symbol = Symbol("none");
pub(crate) const AUTH_OPTIONAL: Symbol = Symbol("optional");

/// Argument roles, and the keys of `#[query(...)]`.
pub(crate) const BODY: Symbol = Symbol("body");
pub(crate) const QUERY: Symbol = Symbol("query");
pub(crate) const HEADER: Symbol = Symbol("header");
pub(crate) const PART: Symbol = Symbol("part");
pub(crate) const ARG_ROLES: &[Symbol] = &[BODY, QUERY, HEADER, PART];
pub(crate) const FILE: Symbol = Symbol("file");
pub(crate) const JSON: Symbol = Symbol("json");
pub(crate) const VALIDATE: Symbol = Symbol("validate");
pub(crate) const NAME: Symbol = Symbol("name");

/// Attributes the compiler itself accepts on parameters; they are left alone.
pub(crate) const BUILTIN_PARAM_ATTRS: &[Symbol] = &[
    Symbol("cfg"),
    Symbol("cfg_attr"),
    Symbol("allow"),
    Symbol("warn"),
    Symbol("deny"),
    Symbol("expect"),
    Symbol("forbid"),
    Symbol("doc"),
];

/// HTTP methods an endpoint can use, as written on the wire.
pub(crate) const GET: Symbol = Symbol("GET");
pub(crate) const POST: Symbol = Symbol("POST");
pub(crate) const PUT: Symbol = Symbol("PUT");
pub(crate) const PATCH: Symbol = Symbol("PATCH");
pub(crate) const DELETE: Symbol = Symbol("DELETE");

/// The scope groups that accept every action of their kind, and in their `.read`
/// form every read.
pub(crate) const SCOPE_GROUPS: &[&str] = &["all.Application", "all.Organization", "all.User"];

/// The trait of the `async-trait` crate, which `#[api]` applies itself.
pub(crate) const ASYNC_TRAIT: Symbol = Symbol("async_trait");

/// `Result`, `Option`: the return and optional types the macro recognises.
pub(crate) const RESULT: Symbol = Symbol("Result");
/// The streaming return shape: `Result<EventStream<T>>`.
pub(crate) const EVENT_STREAM: Symbol = Symbol("EventStream");
pub(crate) const OPTION: Symbol = Symbol("Option");
