//! The checked form of an `#[api]` trait: what code generation reads. The passes that
//! make it: `check.rs` (the trait's and signatures' shape), `attr.rs` (parsing the
//! attributes), `build.rs` and `bind.rs` (an [`Endpoint`] from them).

use proc_macro2::Span;
use syn::{GenericArgument, Ident, PathArguments, ReturnType, Type};

use crate::symbol::{EVENT_STREAM, OPTION, RESULT};

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

impl HttpMethod {
    /// The method's name on the wire.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Delete => "DELETE",
        }
    }
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
    /// A part of the multipart form, named `name` on the wire.
    Part {
        /// The part's name.
        name: String,
        /// What the part holds.
        kind: PartKind,
    },
}

/// What a `#[part]` argument holds.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum PartKind {
    /// `#[part]`: text (a string, a number, a flag).
    Text,
    /// `#[part(json)]`: any value, JSON-encoded; `validate`: checked first.
    Json {
        /// `#[part(json, validate)]`.
        validate: bool,
    },
    /// `#[part(file)]`: a `FilePart`.
    File,
}

/// What the method returns.
pub(crate) enum Returns {
    /// `Result<T>`: the body is decoded as `T`.
    Json(Box<Type>),
    /// `Result<()>`: the body is ignored.
    Empty,
    /// `Result<EventStream<T>>`: a stream of server-sent events, each message decoded
    /// as a `T`; the stream type as written (its path) and `T`.
    Stream {
        /// `EventStream<T>` as written.
        stream: Box<Type>,
        /// `T`.
        item: Box<Type>,
    },
}

impl Returns {
    /// `Result<T>` → `Json(T)`, `Result<()>` → `Empty`, `Result<EventStream<T>>` →
    /// `Stream(T)`, anything else → `None`.
    pub(crate) fn of(output: &ReturnType) -> Option<Returns> {
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
            GenericArgument::Type(Type::Tuple(tuple)) if tuple.elems.is_empty() => {
                Some(Returns::Empty)
            }
            GenericArgument::Type(ty) => Some(match stream_item(ty) {
                Some(item) => Returns::Stream {
                    stream: Box::new(ty.clone()),
                    item: Box::new(item.clone()),
                },
                None => Returns::Json(Box::new(ty.clone())),
            }),
            _ => None,
        }
    }
}

/// `T` of `EventStream<T>` (however the path is written).
fn stream_item(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != EVENT_STREAM {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    let mut types = args.args.iter().filter_map(|arg| match arg {
        GenericArgument::Type(ty) => Some(ty),
        _ => None,
    });
    let item = types.next()?;
    types.next().is_none().then_some(item)
}

/// Whether a type is written `Option<...>`.
pub(crate) fn is_option(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == OPTION))
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

#[cfg(test)]
mod tests {
    use super::Returns;

    #[test]
    fn only_single_argument_results_are_endpoint_returns() {
        let json = |src: &str| Returns::of(&syn::parse_str(src).unwrap());
        assert!(matches!(json("-> Result<Event>"), Some(Returns::Json(_))));
        assert!(matches!(
            json("-> losant_core::Result<Vec<u8>>"),
            Some(Returns::Json(_))
        ));
        assert!(matches!(json("-> Result<()>"), Some(Returns::Empty)));
        assert!(matches!(
            json("-> Result<EventStream<DeviceState>>"),
            Some(Returns::Stream { .. })
        ));
        assert!(matches!(
            json("-> Result<losant_core::EventStream<Message>>"),
            Some(Returns::Stream { .. })
        ));
        assert!(json("-> Result<Event, String>").is_none());
        assert!(json("-> Option<Event>").is_none());
        assert!(json("-> Result").is_none());
        assert!(json("").is_none());
    }
}
