//! The generated root: `mod.rs` (the family modules behind their features), the
//! prelude, the list of every endpoint and the naming table, each in its file.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::models::inner_doc;
use super::{doc, ident};
use crate::api::{Api, HAND_BOUND};

/// `mod.rs`: the family modules behind their features and the modules beside them.
#[must_use]
pub fn module(api: &Api) -> TokenStream {
    let modules = api.families.iter().map(|family| {
        let feature = &family.module;
        let name = ident(&family.module);
        quote! {
            #[cfg(feature = #feature)]
            pub mod #name;
        }
    });
    let header = inner_doc(&doc(
        "The bindings generated from the Losant API description: one module per family \
         of resources, each behind the cargo feature of the same name.",
    ));
    quote! {
        #header
        // Generated code: a check per schema field makes long functions, the docs
        // quote the API's own descriptions, and the answers of an action are as large
        // as the API makes them.
        #![allow(clippy::too_many_lines, clippy::doc_markdown, clippy::large_enum_variant)]
        #(#modules)*
        pub mod models;
        pub mod naming;
        pub mod prelude;

        mod endpoints;
        pub use endpoints::endpoints;
    }
}

/// `prelude.rs`: every API trait of the enabled families, and the extension traits a
/// call needs.
#[must_use]
pub fn prelude(api: &Api) -> TokenStream {
    let traits = api.families.iter().map(|family| {
        let feature = &family.module;
        let module = ident(&family.module);
        let traits = family.resources.iter().map(|r| ident(&r.trait_name));
        quote! {
            #[cfg(feature = #feature)]
            pub use crate::#module::{#(#traits),*};
        }
    });
    let prelude_doc = inner_doc(&doc(
        "Every API trait of the enabled families, so that `use losant::prelude::*;` makes \
         every call available on a [`Client`](losant_core::Client), the per-call settings \
         ([`CallSettings`](losant_core::CallSettings): `.timeout(..)`, `.header(..)`, ...; \
         a stream's [`StreamCall`](losant_core::StreamCall): `.reconnect(..)`, ...), \
         `validate()` of a request model ([`Validate`](losant_core::validate::Validate), \
         imported unnamed), signing in (`Authenticate`, with the `auth` feature), and \
         the stream extensions (`try_next`, `try_collect`, ...) for the calls' `stream()`.",
    ));
    quote! {
        #prelude_doc
        pub use losant_core::CallSettings;
        pub use losant_core::StreamCall as _;
        pub use losant_core::validate::Validate as _;
        pub use losant_core::stream::{StreamExt as _, TryStreamExt as _};
        #[cfg(feature = "events")]
        pub use losant_events::{EventApi, EventsApi};
        #[cfg(feature = "auth")]
        pub use crate::Authenticate;
        #(#traits)*
    }
}

/// `endpoints.rs`: the metadata of every bound action of the enabled families.
#[must_use]
pub fn endpoints(api: &Api) -> TokenStream {
    let lists = api.families.iter().map(|family| {
        let feature = &family.module;
        let module = ident(&family.module);
        let consts = family.resources.iter().map(|r| {
            let endpoints = ident(&format!("{}Endpoints", r.trait_name));
            quote!(all.extend_from_slice(crate::#module::#endpoints::ALL);)
        });
        quote! {
            #[cfg(feature = #feature)]
            {
                #(#consts)*
            }
        }
    });
    let total = api.actions().count() + HAND_BOUND.len();
    let header = inner_doc(&doc("The list of every bound action: [`endpoints`]."));
    let endpoints_doc = doc(&format!(
        "The metadata of every bound action of the enabled families (with every feature, \
         {total}), in family order: name, method, path template, own scope and accepted \
         scopes.\n\n```\nlet all = losant::endpoints();\nassert!(all.iter().any(|e| e.name() == \"get_device\"));\n```"
    ));
    quote! {
        #header
        #endpoints_doc
        #[must_use]
        pub fn endpoints() -> &'static [&'static losant_core::Endpoint] {
            static ALL: std::sync::LazyLock<Vec<&'static losant_core::Endpoint>> =
                std::sync::LazyLock::new(|| {
                    #[allow(unused_mut)]
                    let mut all: Vec<&'static losant_core::Endpoint> = Vec::with_capacity(#total);
                    #[cfg(feature = "events")]
                    {
                        all.extend_from_slice(losant_events::EventApiEndpoints::ALL);
                        all.extend_from_slice(losant_events::EventsApiEndpoints::ALL);
                    }
                    #(#lists)*
                    all
                });
            &ALL
        }
    }
}

/// `naming.rs`: the table from every official action to its Rust method.
#[must_use]
pub fn naming(api: &Api) -> TokenStream {
    let mut rows: BTreeMap<String, String> = BTreeMap::new();
    for (family, resource, action) in api.actions() {
        rows.insert(
            action.official.clone(),
            format!(
                "| `{}` | [`{}`](crate::{}::{}::{}) | `{}` |",
                action.official,
                action.method_name,
                family.module,
                resource.trait_name,
                action.method_name,
                family.module
            ),
        );
    }
    for (official, trait_name, method) in HAND_BOUND {
        rows.insert(
            (*official).to_owned(),
            format!(
                "| `{official}` | [`{method}`](losant_events::{trait_name}::{method}) | `events` (by hand) |"
            ),
        );
    }
    for (official, why) in &api.skipped {
        rows.insert(
            official.clone(),
            format!("| `{official}` | not bound: {why} | |"),
        );
    }
    let mut text = String::from(
        "Every action of the Losant API and its Rust method.\n\n\
         The rule: `resource.action` is `<action>_<resource>` in snake case \
         (`device.sendState` is `send_state_device`), on the trait `<Resource>Api`; the \
         event bindings written by hand keep their names (`events.post` is `post_event`). \
         The names are unique across the API, so `use losant::prelude::*` never makes a \
         call ambiguous.\n\n\
         | Losant action | Rust method | Feature |\n|---|---|---|\n",
    );
    for row in rows.values() {
        text.push_str(row);
        text.push('\n');
    }
    inner_doc(&doc(&text))
}
