//! The checked form of an `#[api]` trait: what code generation reads. Types only; the
//! checks that build them are in `valid.rs` and `bind.rs`.

use proc_macro2::Span;
use syn::{Ident, Type};

/// The options of `#[api(...)]`.
pub(crate) struct ApiOptions {
    /// The path of the runtime crate in generated code (`crate = path`; default
    /// `::losant_core`).
    pub(crate) krate: syn::Path,
}

/// One checked endpoint.
pub(crate) struct Endpoint {
    pub(crate) ident: Ident,
    pub(crate) method: HttpMethod,
    pub(crate) path: String,
    pub(crate) template: Template,
    pub(crate) scope: String,
    /// The scopes the server accepts, as declared or derived.
    pub(crate) accepts: Vec<String>,
    pub(crate) auth: Auth,
    pub(crate) read: bool,
    pub(crate) idempotent: bool,
    pub(crate) args: Vec<Arg>,
    pub(crate) returns: Returns,
    /// The return type as written (`Result<Event>`): the call's output.
    pub(crate) result: Box<Type>,
    /// `paginate = "page"`: the page argument, for the generated `<name>_stream`.
    pub(crate) paginate: Option<Ident>,
}

/// An HTTP method an endpoint can use.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum HttpMethod {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

/// How a request authenticates.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Auth {
    /// With the client's token (the default).
    Token,
    /// Without: no `Authorization` header (`auth = "none"`).
    None,
    /// With the token when the client has one (`auth = "optional"`).
    Optional,
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
    /// Serialized as the JSON body; `validate`: checked with `Validate` first.
    Body {
        /// `#[body(validate)]`.
        validate: bool,
    },
    /// Added to the query string; the key is used for a scalar value.
    Query {
        /// The query key.
        key: String,
        /// Sent as one JSON-encoded value.
        json: bool,
    },
    /// Sent as this header (lower-case).
    Header(String),
}

/// What the method returns.
pub(crate) enum Returns {
    /// `Result<T>`: the body is decoded as `T`.
    Json(Box<Type>),
    /// `Result<()>`: the body is ignored.
    Empty,
}

/// A checked path template: its pieces in order.
pub(crate) struct Template {
    pub(crate) parts: Vec<Part>,
}

/// One piece of a template.
pub(crate) enum Part {
    /// Literal text, already joined across segments (`/applications/`).
    Literal(String),
    /// A `<name>` placeholder filling one whole segment.
    Param(Placeholder),
}

/// A `<name>` placeholder.
pub(crate) struct Placeholder {
    pub(crate) name: String,
    /// The placeholder inside the literal where the compiler can point there,
    /// else the whole literal.
    pub(crate) span: Span,
}

impl Template {
    pub(crate) fn placeholders(&self) -> impl Iterator<Item = &Placeholder> {
        self.parts.iter().filter_map(|part| match part {
            Part::Param(placeholder) => Some(placeholder),
            Part::Literal(_) => None,
        })
    }
}
