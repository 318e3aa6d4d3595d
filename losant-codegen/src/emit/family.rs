//! One family's module: its `#[api]` traits, the options and answers of its
//! actions, and the models it owns.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use proc_macro2::TokenStream;
use quote::quote;

use super::models::{Layout, inner_doc, needs_check};
use super::{Uses, doc, ident, rust_type, sentence};
use crate::Error;
use crate::api::{ActionApi, Api, Arg, ArgKind, Auth, Family, ResourceApi, Returns};
use crate::names::camel;
use crate::types::{Shape, Ty, Types};

/// The family's file.
pub fn file(api: &Api, layout: &Layout, family: &Family) -> Result<TokenStream, Error> {
    let mut uses = Uses::default();
    let mut needs = Needs::default();
    let mut items = Vec::new();
    for resource in &family.resources {
        for action in &resource.actions {
            if let Returns::Enum { name, variants } = &action.returns {
                needs.from_response = true;
                items.push(response_enum(
                    api, resource, action, name, variants, &mut uses,
                ));
            }
            if let Returns::Stream { event, shape } = &action.returns {
                needs.endpoint = true;
                items.push(message_impl(api, resource, action, event, shape, &mut uses));
            }
        }
    }
    let traits: Vec<TokenStream> = family
        .resources
        .iter()
        .map(|resource| trait_item(api, layout, resource, &mut uses, &mut needs))
        .collect();

    let owned = owned_models(api, layout, family);
    let reexport = (!owned.is_empty()).then(|| {
        let names = owned.iter().map(|name| ident(name));
        quote!(pub use crate::models::{#(#names),*};)
    });
    let own: BTreeSet<String> = owned.into_iter().collect();
    uses.core.insert("Result");
    // The models of other families the signatures name are re-exported too: every
    // type of a family's signatures is reachable from its module.
    let imports = uses.items(super::ModelsPath::Crate, &own, true);
    let api_import = quote!(
        use losant_core::api;
    );
    let serialize = needs.serialize.then(|| {
        quote!(
            use serde::Serialize;
        )
    });
    let from_response = needs.from_response.then(|| {
        quote!(
            use losant_core::response::{FromResponse, Response, decode};
        )
    });
    let endpoint = (needs.from_response || needs.endpoint).then(|| {
        quote!(
            use losant_core::Endpoint;
        )
    });
    let resources: Vec<String> = family
        .resources
        .iter()
        .map(|r| format!("`{}`", r.official))
        .collect();
    let title = inner_doc(&doc(&format!(
        "The `{}` family of the Losant API: the {} {}, with the models they use.\n\n\
         Enabled by the `{}` feature.",
        family.official,
        resources.join(" and "),
        if resources.len() == 1 {
            "resource"
        } else {
            "resources"
        },
        family.module
    )));
    Ok(quote! {
        #title
        #api_import
        #endpoint
        #from_response
        #imports
        #serialize
        #reexport
        #(#traits)*
        #(#items)*
    })
}

/// The models the family owns (written in its models file), with their aliases,
/// in name order.
fn owned_models(api: &Api, layout: &Layout, family: &Family) -> Vec<String> {
    let Some(group) = layout.files.get(&family.module) else {
        return Vec::new();
    };
    let mut names: Vec<String> = group
        .structs
        .iter()
        .map(|&id| api.types.structs[id].name.clone())
        .chain(
            group
                .enums
                .iter()
                .map(|&id| api.types.enums[id].name.clone()),
        )
        .chain(group.aliases.iter().map(|(alias, _)| alias.clone()))
        .chain(
            group
                .unions
                .iter()
                .map(|&id| api.types.unions[id].name.clone()),
        )
        .chain(group.queries.iter().flat_map(|&id| {
            let query = &api.types.queries[id];
            [Some(query.name.clone()), query.field_enum()]
                .into_iter()
                .flatten()
        }))
        .collect();
    names.sort_unstable();
    names
}

#[derive(Default)]
struct Needs {
    serialize: bool,
    from_response: bool,
    /// `Endpoint` is named (a response enum's or a stream item's decoding).
    endpoint: bool,
}

fn trait_item(
    api: &Api,
    layout: &Layout,
    resource: &ResourceApi,
    uses: &mut Uses,
    _needs: &mut Needs,
) -> TokenStream {
    let name = ident(&resource.trait_name);
    let endpoints = format!("{}Endpoints", resource.trait_name);
    let text = doc(&format!(
        "The actions of the `{}` resource (`{}`).\n\n\
         Implemented for [`Client`](losant_core::Client) and every other \
         [`Transport`](losant_core::Transport); [`{endpoints}`] holds each action's metadata.",
        resource.official, resource.path
    ));
    let methods = resource
        .actions
        .iter()
        .map(|action| method_item(api, layout, action, uses));
    quote! {
        #text
        #[api]
        pub trait #name {
            #(#methods)*
        }
    }
}

fn method_item(api: &Api, layout: &Layout, action: &ActionApi, uses: &mut Uses) -> TokenStream {
    let (args, arg_docs) = arguments(api, layout, action, uses);
    let returns = return_type(api, action, uses);
    let text = doc(&method_doc(action, &arg_docs));
    let keys = endpoint_keys(action);
    let name = ident(&action.method_name);
    quote! {
        #text
        #[endpoint(#(#keys),*)]
        async fn #name(&self, #(#args),*) -> Result<#returns>;
    }
}

/// The arguments after `&self` with their role attributes, and a doc line each.
fn arguments(
    api: &Api,
    layout: &Layout,
    action: &ActionApi,
    uses: &mut Uses,
) -> (Vec<TokenStream>, Vec<String>) {
    let types = &api.types;
    let mut args = Vec::new();
    let mut arg_docs = Vec::new();
    for arg in &action.args {
        let name = ident(&arg.ident);
        let default = arg.default.as_ref().map_or_else(String::new, |default| {
            let default = match default {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            format!(" The API's default: `{default}`.")
        });
        let described = |extra: &str| match &arg.description {
            Some(d) => format!("- `{}`: {}{extra}{default}", arg.ident, sentence(d)),
            None => format!("- `{}`{extra}{default}", arg.ident),
        };
        match &arg.kind {
            ArgKind::Path(kind) => {
                let ty = match kind {
                    Some(kind) => {
                        uses.core.insert(kind);
                        let kind = ident(kind);
                        quote!(&#kind)
                    }
                    None => quote!(&str),
                };
                args.push(quote!(#name: #ty));
                arg_docs.push(described(""));
            }
            ArgKind::Page => {
                args.push(quote!(#[query] page: Option<u32>));
                let walk = if action.paginate {
                    "; the call's `stream()` walks every page".to_owned()
                } else {
                    String::new()
                };
                arg_docs.push(format!(
                    "- `page`: which page of results to return, from 0 (`None`: the first){walk}."
                ));
            }
            ArgKind::Query {
                shape,
                required,
                json,
            } => {
                let ty = argument_type(shape, *required, types, uses);
                let camel = camel(&arg.ident);
                let attr = match (json, camel == arg.wire) {
                    (false, true) => quote!(#[query]),
                    (false, false) => {
                        let wire = &arg.wire;
                        quote!(#[query = #wire])
                    }
                    (true, true) => quote!(#[query(json)]),
                    (true, false) => {
                        let wire = &arg.wire;
                        quote!(#[query(json, name = #wire)])
                    }
                };
                args.push(quote!(#attr #name: #ty));
                arg_docs.push(described(if *json { " (sent JSON-encoded)" } else { "" }));
            }
            ArgKind::Body { shape, required } => {
                let ty = argument_type(shape, *required, types, uses);
                let attr = if needs_check(shape, &layout.checked) {
                    quote!(#[body(validate)])
                } else {
                    quote!(#[body])
                };
                args.push(quote!(#attr #name: #ty));
                arg_docs.push(described(" (the JSON body)"));
            }
            ArgKind::Part {
                shape,
                required,
                json,
            } => {
                let (arg, doc) =
                    part_argument(arg, shape.as_ref(), *required, *json, layout, types, uses);
                args.push(arg);
                arg_docs.push(described(doc));
            }
        }
    }
    (args, arg_docs)
}

/// A `#[part]` argument, with what its documentation adds: a file (`shape` is
/// `None`), an object sent JSON-encoded (`json`) or a text part.
fn part_argument(
    arg: &Arg,
    shape: Option<&Shape>,
    required: bool,
    json: bool,
    layout: &Layout,
    types: &Types,
    uses: &mut Uses,
) -> (TokenStream, &'static str) {
    let name = ident(&arg.ident);
    let ty = match shape {
        None => {
            uses.core.insert("FilePart");
            if required {
                quote!(FilePart)
            } else {
                quote!(Option<FilePart>)
            }
        }
        Some(shape) => argument_type(shape, required, types, uses),
    };
    let wire = &arg.wire;
    let named = camel(&arg.ident) != arg.wire;
    let (attr, doc) = match shape {
        None if named => (quote!(#[part(file, name = #wire)]), FILE_DOC),
        None => (quote!(#[part(file)]), FILE_DOC),
        Some(shape) if json => {
            let attr = match (needs_check(shape, &layout.checked), named) {
                (true, true) => quote!(#[part(json, validate, name = #wire)]),
                (true, false) => quote!(#[part(json, validate)]),
                (false, true) => quote!(#[part(json, name = #wire)]),
                (false, false) => quote!(#[part(json)]),
            };
            (attr, " (a part of the multipart form, sent JSON-encoded)")
        }
        Some(_) if named => (quote!(#[part = #wire]), TEXT_DOC),
        Some(_) => (quote!(#[part]), TEXT_DOC),
    };
    (quote!(#attr #name: #ty), doc)
}

const FILE_DOC: &str = " (a file of the multipart form)";
const TEXT_DOC: &str = " (a part of the multipart form)";

/// The `T` of `Result<T>`.
fn return_type(api: &Api, action: &ActionApi, uses: &mut Uses) -> TokenStream {
    let types = &api.types;
    match &action.returns {
        Returns::Unit => quote!(()),
        Returns::Body(shape) => rust_type(shape, types, uses),
        Returns::Job => {
            uses.core.insert("JobEnqueued");
            quote!(JobEnqueued)
        }
        Returns::MaybeJob(shape) => {
            uses.core.insert("MaybeJob");
            let ty = rust_type(shape, types, uses);
            quote!(MaybeJob<#ty>)
        }
        Returns::Enum { name, .. } => {
            let name = ident(name);
            quote!(#name)
        }
        Returns::Stream { shape, .. } => {
            uses.core.insert("EventStream");
            let item = rust_type(shape, types, uses);
            quote!(EventStream<#item>)
        }
    }
}

/// How the messages of a stream action decode: its item is the `event` messages'
/// data; messages of any other name (keep-alives) are skipped.
fn message_impl(
    api: &Api,
    resource: &ResourceApi,
    action: &ActionApi,
    event: &str,
    shape: &Shape,
    uses: &mut Uses,
) -> TokenStream {
    let item = rust_type(shape, &api.types, uses);
    let doc = doc(&format!(
        "The `{event}` messages of [`{}::{}`], decoded from their JSON data; messages of \
         other names are skipped.",
        resource.trait_name, action.method_name
    ));
    quote! {
        #doc
        impl losant_core::FromMessage for #item {
            fn from_message(
                endpoint: &'static Endpoint,
                message: losant_core::Message,
            ) -> Option<Result<Self>> {
                losant_core::__private::decode_message(endpoint, #event, &message)
            }
        }
    }
}

/// The method's doc: summary, official name, arguments, answers.
fn method_doc(action: &ActionApi, arg_docs: &[String]) -> String {
    let mut text = if action.summary.trim().is_empty() {
        // A few actions have no summary in the description.
        format!("The `{}` action.", action.official)
    } else {
        sentence(&action.summary)
    };
    let _ = write!(
        text,
        "\n\nLosant API: `{}`, `{} {}`.",
        action.official, action.method, action.official_path
    );
    match action.auth {
        Auth::None => text.push_str(" Takes no token: none is sent."),
        Auth::Optional => text.push_str(" Takes no token, and uses the client's when it has one (a private dashboard needs it)."),
        Auth::Token => {}
    }
    if !arg_docs.is_empty() {
        text.push_str("\n\n");
        text.push_str(&arg_docs.join("\n"));
    }
    match &action.returns {
        Returns::MaybeJob(_) => text.push_str("\n\nDone at once ([`MaybeJob::Done`](losant_core::MaybeJob::Done)) or queued as a background job ([`MaybeJob::Queued`](losant_core::MaybeJob::Queued))."),
        Returns::Job => text.push_str("\n\nQueued as a background job (202)."),
        Returns::Stream { event, .. } => {
            let _ = write!(
                text,
                "\n\nAnswers with a stream of server-sent `{event}` messages \
                 ([`EventStream`](losant_core::EventStream)): `.await` opens it, and a \
                 dropped stream reconnects (see [`StreamCall`](losant_core::StreamCall))."
            );
        }
        _ => {}
    }
    if !action.errors.is_empty() {
        let errors: Vec<String> = action
            .errors
            .iter()
            .map(|(status, when)| {
                format!(
                    "{status} ({})",
                    when.trim()
                        .trim_end_matches('.')
                        .to_lowercase()
                        .trim_start_matches("error if ")
                        .trim()
                )
            })
            .collect();
        let _ = write!(text, "\n\nThe API answers {}.", errors.join(", "));
    }
    if action.auth == Auth::Token && !action.accepts.is_empty() {
        let scopes: Vec<String> = action.accepts.iter().map(|s| format!("`{s}`")).collect();
        let _ = write!(text, "\n\nAccepted scopes: {}.", scopes.join(", "));
    }
    for (what, schema, example) in &action.examples {
        let _ = write!(
            text,
            "\n\nAn example {what} (`{schema}`, from the API reference):\n\n```json\n{example}\n```"
        );
    }
    text
}

/// The keys of `#[endpoint(...)]`, leaving out those at their default.
fn endpoint_keys(action: &ActionApi) -> Vec<TokenStream> {
    let method = &action.method;
    let path = &action.path;
    let mut keys = vec![quote!(method = #method), quote!(path = #path)];
    if let Some(scope) = action.scope.as_ref().filter(|_| action.auth == Auth::Token) {
        keys.push(quote!(scope = #scope));
        let accepts = &action.accepts;
        keys.push(quote!(accepts = [#(#accepts),*]));
    }
    match action.auth {
        Auth::None => keys.push(quote!(auth = "none")),
        Auth::Optional => keys.push(quote!(auth = "optional")),
        Auth::Token => {}
    }
    let is_get = action.method == "GET";
    if action.read != is_get {
        let read = action.read;
        keys.push(quote!(read = #read));
    }
    if action.idempotent != matches!(action.method.as_str(), "GET" | "PUT" | "DELETE") {
        let idempotent = action.idempotent;
        keys.push(quote!(idempotent = #idempotent));
    }
    if action.paginate {
        keys.push(quote!(paginate = "page"));
    }
    keys
}

/// How an argument of `shape` is passed: scalars by value, strings as `&str`, the
/// rest by reference; `Option` when it may be left out.
fn argument_type(
    shape: &Shape,
    required: bool,
    types: &crate::types::Types,
    uses: &mut Uses,
) -> TokenStream {
    // Scalars, enums, IDs and timestamps are taken by value; text and lists as
    // slices; the rest by reference.
    let by_value = matches!(
        shape.ty,
        Ty::Bool | Ty::Int | Ty::Number | Ty::Enum(_) | Ty::Id(_) | Ty::Timestamp | Ty::Time
    ) && !shape.nullable;
    let ty = if matches!(shape.ty, Ty::String) && !shape.nullable {
        quote!(&str)
    } else if let (Ty::List(item), false) = (&shape.ty, shape.nullable) {
        let item = rust_type(item, types, uses);
        quote!(&[#item])
    } else if by_value {
        rust_type(shape, types, uses)
    } else {
        let ty = rust_type(shape, types, uses);
        quote!(&#ty)
    };
    if required { ty } else { quote!(Option<#ty>) }
}

fn response_enum(
    api: &Api,
    resource: &ResourceApi,
    action: &ActionApi,
    name: &str,
    variants: &[(u16, Option<Shape>)],
    uses: &mut Uses,
) -> TokenStream {
    let enum_name = ident(name);
    let mut items = Vec::new();
    let mut arms = Vec::new();
    let mut fallback = None;
    for (status, shape) in variants {
        let (variant, text) = match status {
            200 => ("Ok", "Done at once (200)."),
            201 => ("Created", "Created (201)."),
            202 => ("Accepted", "Queued as a background job (202)."),
            204 => ("NoContent", "Nothing to answer (204)."),
            _ => ("Other", "Another success status."),
        };
        let variant_ident = ident(variant);
        let text = doc(text);
        let ty = match shape {
            Some(shape) => Some(rust_type(shape, &api.types, uses)),
            None if *status == 202 => {
                uses.core.insert("JobEnqueued");
                Some(quote!(JobEnqueued))
            }
            None => None,
        };
        let decode = match &ty {
            Some(_) => quote!(decode(endpoint, response).map(Self::#variant_ident)),
            None => quote!(Ok(Self::#variant_ident)),
        };
        match &ty {
            Some(ty) => items.push(quote!(#text #variant_ident(#ty),)),
            None => items.push(quote!(#text #variant_ident,)),
        }
        if fallback.is_none() {
            fallback = Some(decode);
        } else {
            let status = proc_macro2::Literal::u16_unsuffixed(*status);
            arms.push(quote!(#status => #decode,));
        }
    }
    let text = doc(&format!(
        "The answers of [`{}::{}`], one per success status.",
        resource.trait_name, action.method_name
    ));
    quote! {
        #text
        #[derive(Debug, Clone, PartialEq)]
        pub enum #enum_name {
            #(#items)*
        }

        impl FromResponse for #enum_name {
            fn from_response(endpoint: &'static Endpoint, response: &Response) -> Result<Self> {
                match response.status() {
                    #(#arms)*
                    _ => #fallback,
                }
            }
        }
    }
}
