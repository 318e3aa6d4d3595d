//! The call type of each endpoint, and the two trait methods around it.
//!
//! For `async fn get_events(&self, app: &ApplicationId, #[query] page: Option<u32>) -> Result<Events>`
//! in `trait EventsApi`, `#[api]` writes:
//!
//! - the entry method `fn get_events<'a>(&'a self, app: &'a ApplicationId) -> GetEvents<'a>`
//!   (provided): the required arguments, in order;
//! - the call type `GetEvents<'a>`: every argument as a public field, a setter for each
//!   optional one (`.page(2)`), [`CallSettings`] for per-call settings, `IntoFuture`
//!   (`.await` sends it) and, when paginated, `.stream()`;
//! - the required method `fn run_get_events<'a>(&'a self, call: GetEvents<'a>) -> Reply<'a, Events>`,
//!   which every transport implements through the blanket implementation and a
//!   hand-written implementation (a test double) answers.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::visit_mut::VisitMut;
use syn::{Attribute, Ident, Lifetime, Type, parse_quote};

use crate::ast::{Arg, Endpoint, Part, PartKind, Returns, Role, is_option};
use crate::names::{call_ident, const_ident, run_ident, unraw};

/// What the call code of one trait needs to know about the trait.
pub(crate) struct TraitNames<'a> {
    pub(crate) krate: &'a syn::Path,
    pub(crate) vis: &'a syn::Visibility,
    pub(crate) trait_ident: &'a Ident,
    /// The method of the upcasting supertrait (`as_events_api`).
    pub(crate) as_dyn: &'a Ident,
}

/// The one lifetime of a call type: every borrowed argument lives as long.
fn call_lifetime() -> Lifetime {
    parse_quote!('a)
}

/// Names every elided lifetime (`&T`, `'_`) of a type with the call's lifetime.
struct NameElided(Lifetime);

impl VisitMut for NameElided {
    fn visit_type_reference_mut(&mut self, reference: &mut syn::TypeReference) {
        if reference.lifetime.is_none() {
            reference.lifetime = Some(self.0.clone());
        }
        syn::visit_mut::visit_type_reference_mut(self, reference);
    }

    fn visit_lifetime_mut(&mut self, lifetime: &mut Lifetime) {
        if lifetime.ident == "_" {
            *lifetime = self.0.clone();
        }
    }
}

/// An argument's type as a field of the call type.
fn field_type(ty: &Type) -> Type {
    let mut ty = ty.clone();
    NameElided(call_lifetime()).visit_type_mut(&mut ty);
    ty
}

/// `Option<T>` → `T`.
fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if !is_option(ty) {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(inner) if args.args.len() == 1 => Some(inner),
        _ => None,
    }
}

/// What a call of an endpoint returning `returns` answers.
pub(crate) fn output(returns: &Returns) -> TokenStream {
    match returns {
        Returns::Json(ty) => quote!(#ty),
        Returns::Empty => quote!(()),
        Returns::Stream { stream, .. } => {
            // The type as written (its imports honoured), borrowing the call.
            let mut stream = (**stream).clone();
            if let Type::Path(path) = &mut stream
                && let Some(last) = path.path.segments.last_mut()
                && let syn::PathArguments::AngleBracketed(args) = &mut last.arguments
            {
                args.args
                    .insert(0, syn::GenericArgument::Lifetime(call_lifetime()));
            }
            quote!(#stream)
        }
    }
}

/// The `Output` of the call's future: the return type as written, or, for a stream
/// (whose type borrows the transport), `Result<EventStream<'a, T>>`.
fn call_result(krate: &syn::Path, endpoint: &Endpoint) -> TokenStream {
    match &endpoint.returns {
        Returns::Stream { .. } => {
            let output = output(&endpoint.returns);
            quote!(#krate::Result<#output>)
        }
        Returns::Json(_) | Returns::Empty => {
            let result = &endpoint.result;
            quote!(#result)
        }
    }
}

/// Whether the argument is set by name on the call rather than passed to the entry.
fn is_optional(arg: &Arg) -> bool {
    option_inner(&arg.ty).is_some()
}

/// Where an argument goes, for its documentation.
fn role_doc(arg: &Arg) -> String {
    match &arg.role {
        Role::Path => "fills its placeholder in the path".to_owned(),
        Role::Body { .. } => "the JSON body".to_owned(),
        Role::Query { key, json: false } => format!("the `{key}` query parameter"),
        Role::Query { key, json: true } => {
            format!("the `{key}` query parameter, sent JSON-encoded")
        }
        Role::Header(name) => format!("the `{name}` header"),
        Role::Part {
            name,
            kind: PartKind::Text,
        } => format!("the `{name}` part of the form"),
        Role::Part {
            name,
            kind: PartKind::Json { .. },
        } => format!("the `{name}` part of the form, sent JSON-encoded"),
        Role::Part {
            name,
            kind: PartKind::File,
        } => format!("the `{name}` file of the form"),
    }
}

/// The entry method (provided), the run method (required) and the call type of one
/// endpoint: `(entry, run, items beside the trait)`.
pub(crate) fn endpoint_items(
    names: &TraitNames<'_>,
    endpoint: &Endpoint,
    docs: &[Attribute],
) -> (TokenStream, TokenStream, TokenStream) {
    (
        entry_method(names, endpoint, docs),
        run_method(names.krate, endpoint),
        call_type(names, endpoint),
    )
}

/// The private fields of a call type: the implementation it runs through, and its
/// settings.
fn private_fields() -> (Ident, Ident) {
    (
        Ident::new("__losant_api", Span::mixed_site()),
        Ident::new("__losant_settings", Span::mixed_site()),
    )
}

/// `fn get_devices<'a>(&'a self, app: &'a ApplicationId) -> GetDevices<'a>`, with the
/// declaration's docs and the list of what is set by name.
fn entry_method(names: &TraitNames<'_>, endpoint: &Endpoint, docs: &[Attribute]) -> TokenStream {
    let name = &endpoint.ident;
    let call = call_ident(name);
    let lt = call_lifetime();
    let as_dyn = names.as_dyn;
    let (api, settings) = private_fields();
    let entry_params = endpoint.args.iter().filter(|a| !is_optional(a)).map(|arg| {
        let ident = &arg.ident;
        let ty = field_type(&arg.ty);
        quote!(#ident: #ty)
    });
    let field_inits = endpoint.args.iter().map(|arg| {
        let ident = &arg.ident;
        if is_optional(arg) {
            quote!(#ident: ::core::option::Option::None)
        } else {
            quote!(#ident)
        }
    });
    let links: Vec<String> = endpoint
        .args
        .iter()
        .filter(|a| is_optional(a))
        .map(|arg| {
            let arg_name = unraw(&arg.ident);
            format!("[`{arg_name}`]({call}::{arg_name})")
        })
        .collect();
    let setter_list = if links.is_empty() {
        String::new()
    } else {
        format!("\n\nSet by name on the call: {}.", links.join(", "))
    };
    let stream_doc = if endpoint.paginate.is_some() {
        format!(" [`{call}::stream`] walks every page.")
    } else {
        String::new()
    };
    let mut entry_doc = format!(
        "{setter_list}\n\nReturns the call, [`{call}`]: `.await` it to send it.{stream_doc}"
    );
    if docs.is_empty() {
        entry_doc = entry_doc.trim_start().to_owned();
    }
    quote! {
        #(#docs)*
        #[doc = #entry_doc]
        fn #name<#lt>(&#lt self, #(#entry_params),*) -> #call<#lt> {
            #call {
                #(#field_inits,)*
                #api: self.#as_dyn(),
                #settings: ::core::default::Default::default(),
            }
        }
    }
}

/// `fn run_get_devices<'a>(&'a self, call: GetDevices<'a>) -> Reply<'a, Devices>;`
fn run_method(krate: &syn::Path, endpoint: &Endpoint) -> TokenStream {
    let name_text = unraw(&endpoint.ident);
    let call = call_ident(&endpoint.ident);
    let run = run_ident(&endpoint.ident);
    let lt = call_lifetime();
    let output = output(&endpoint.returns);
    let run_doc = format!(
        "Runs a [`{name_text}`](Self::{name_text}) call. Every [`Transport`]({krate_doc}::Transport) \
         implements it (the call is sent); a hand-written implementation of the trait, such \
         as a test double, answers it.",
        krate_doc = krate_doc_path(krate),
    );
    quote! {
        #[doc = #run_doc]
        fn #run<#lt>(&#lt self, call: #call<#lt>) -> #krate::Reply<#lt, #output>;
    }
}

/// The call type, its setters and stream, `IntoFuture` and `CallSettings`.
fn call_type(names: &TraitNames<'_>, endpoint: &Endpoint) -> TokenStream {
    let TraitNames {
        krate,
        vis,
        trait_ident,
        ..
    } = names;
    let name_text = unraw(&endpoint.ident);
    let call = call_ident(&endpoint.ident);
    let run = run_ident(&endpoint.ident);
    let lt = call_lifetime();
    let output = output(&endpoint.returns);
    let result = call_result(krate, endpoint);
    let (api, settings) = private_fields();
    let fields = endpoint.args.iter().map(|arg| {
        let ident = &arg.ident;
        let ty = field_type(&arg.ty);
        let doc = format!("`{}`: {}.", unraw(ident), role_doc(arg));
        quote! {
            #[doc = #doc]
            pub #ident: #ty
        }
    });
    let setters = endpoint.args.iter().filter(|a| is_optional(a)).map(|arg| {
        let ident = &arg.ident;
        let inner = option_inner(&arg.ty).map(field_type);
        let span = arg.ty.span();
        let doc = format!("Sets `{}`, {}.", unraw(ident), role_doc(arg));
        quote_spanned! {span=>
            #[doc = #doc]
            #[inline]
            pub fn #ident(mut self, #ident: #inner) -> Self {
                self.#ident = ::core::option::Option::Some(#ident);
                self
            }
        }
    });
    let stream = endpoint
        .paginate
        .as_ref()
        .and_then(|page| stream_fn(krate, endpoint, &call, page));
    let stream_call = matches!(endpoint.returns, Returns::Stream { .. }).then(|| {
        quote! {
            #[automatically_derived]
            impl #krate::StreamCall for #call<'_> {}
        }
    });
    let call_doc = format!(
        "A call of [`{trait_ident}::{name_text}`]: its arguments, the optional ones set by name, \
         and the [`CallSettings`]({krate_doc}::CallSettings) of this call. `.await` it to send it.",
        krate_doc = krate_doc_path(krate),
    );
    quote! {
        #[doc = #call_doc]
        #[must_use = "a call does nothing until it is awaited"]
        #vis struct #call<#lt> {
            #(#fields,)*
            #api: &#lt dyn #trait_ident,
            #settings: #krate::Settings,
        }

        #[automatically_derived]
        impl<#lt> #call<#lt> {
            #(#setters)*
            #stream
        }

        #[automatically_derived]
        impl<#lt> ::core::future::IntoFuture for #call<#lt> {
            type Output = #result;
            type IntoFuture = #krate::Reply<#lt, #output>;

            #[inline]
            fn into_future(self) -> Self::IntoFuture {
                let #api = self.#api;
                #api.#run(self)
            }
        }

        #[automatically_derived]
        impl #krate::CallSettings for #call<'_> {
            #[inline]
            fn settings_mut(&mut self) -> &mut #krate::Settings {
                &mut self.#settings
            }
        }

        #stream_call
    }
}

/// The path of the runtime as an intra-doc link target.
fn krate_doc_path(krate: &syn::Path) -> String {
    let segments: Vec<String> = krate.segments.iter().map(|s| s.ident.to_string()).collect();
    segments.join("::")
}

/// `.stream()`: every item, page after page.
fn stream_fn(
    krate: &syn::Path,
    endpoint: &Endpoint,
    call: &Ident,
    page: &Ident,
) -> Option<TokenStream> {
    let (api, settings) = private_fields();
    let Returns::Json(page_type) = &endpoint.returns else {
        return None;
    };
    let lt = call_lifetime();
    let page_var = Ident::new("__losant_page", Span::mixed_site());
    let page_arg = endpoint.args.iter().find(|a| a.ident == *page)?;
    let page_optional = is_optional(page_arg);
    let first = if page_optional {
        quote!(self.#page.unwrap_or(0))
    } else {
        quote!(self.#page)
    };
    let inits = endpoint.args.iter().map(|arg| {
        let ident = &arg.ident;
        if arg.ident == *page {
            if page_optional {
                quote!(#ident: ::core::option::Option::Some(#page_var))
            } else {
                quote!(#ident: #page_var)
            }
        } else {
            let span = arg.ty.span();
            quote_spanned!(span=> #ident: ::core::clone::Clone::clone(&self.#ident))
        }
    });
    let doc = "Every item, fetched page after page (from the page set on the call, else 0) \
               as the stream is read, the next page on its way while the caller works through one \
               (`.prefetch(false)` waits until a page is taken), the stream ends \
               after `totalCount` items or at an empty page, and an error ends it. The other \
               arguments and settings are sent with every page.";
    // Spanned on the return type: a type that is not a page is reported there.
    let span = page_type.span();
    let krate = respan(krate, span);
    Some(quote_spanned! {span=>
        #[doc = #doc]
        #[must_use = "a stream does nothing unless it is polled"]
        pub fn stream(self) -> #krate::PageStream<#lt, <#page_type as #krate::Page>::Item> {
            let first = #first;
            #krate::paginate::<#page_type, _, _>(first, move |#page_var| {
                ::core::future::IntoFuture::into_future(#call {
                    #(#inits,)*
                    #api: self.#api,
                    #settings: ::core::clone::Clone::clone(&self.#settings),
                })
            })
        }
    })
}

/// The request function of one endpoint, on the metadata type: builds the request
/// from the call and returns its reply through `transport`. Not generic, so it is
/// compiled once, in the crate declaring the trait.
pub(crate) fn request_fn(
    krate: &syn::Path,
    meta_ident: &Ident,
    endpoint: &Endpoint,
) -> TokenStream {
    let name = &endpoint.ident;
    let call = call_ident(name);
    let lt = call_lifetime();
    let transport = Ident::new("__losant_transport", Span::mixed_site());
    let (unused, settings) = private_fields();
    let request = Ident::new("__losant_request", Span::mixed_site());
    let path_var = Ident::new("__losant_path", Span::mixed_site());
    let const_ident = const_ident(name);
    let output = output(&endpoint.returns);
    let idents = endpoint.args.iter().map(|a| &a.ident);

    // Path values in placeholder order, which is what the runtime expects.
    let path_values = endpoint.template.parts.iter().filter_map(|part| {
        let Part::Param(placeholder) = part else {
            return None;
        };
        let arg = endpoint
            .args
            .iter()
            .find(|a| matches!(a.role, Role::Path) && unraw(&a.ident) == placeholder.name)?;
        let ident = &arg.ident;
        let span = arg.ty.span();
        let krate = respan(krate, span);
        Some(quote_spanned! {span=>
            #krate::__private::PathValue::to_segment(&#ident)
        })
    });
    let statements = endpoint
        .args
        .iter()
        .filter_map(|arg| arg_statement(krate, &request, arg));
    let stream_settings = Ident::new("__losant_stream", Span::mixed_site());
    let (take_stream, send) = match &endpoint.returns {
        Returns::Json(ty) => (
            None,
            quote_spanned! {ty.span()=>
                #request.send::<#ty, _>(#transport)
            },
        ),
        Returns::Empty => (None, quote!(#request.send_empty(#transport))),
        Returns::Stream { item, .. } => (
            Some(quote!(let #stream_settings = #settings.take_stream();)),
            quote_spanned! {item.span()=>
                #request.open_stream::<#item, _>(#transport, #stream_settings)
            },
        ),
    };
    let settings_binding = if take_stream.is_some() {
        quote!(mut #settings)
    } else {
        quote!(#settings)
    };
    quote! {
        #[doc(hidden)]
        pub fn #name<#lt>(
            #transport: &#lt dyn #krate::Transport,
            call: #call<#lt>,
        ) -> #krate::Reply<#lt, #output> {
            let #call { #(#idents,)* #settings_binding, #unused: _ } = call;
            #take_stream
            let #path_var = [#(#path_values),*];
            let mut #request = #krate::__private::RequestBuilder::new(&#meta_ident::#const_ident, &#path_var);
            #(#statements)*
            #request.settings(#settings);
            #krate::Reply::from(#send)
        }
    }
}

/// The statement that adds one argument to the request (`None` for a path
/// argument, which the builder took with the path).
fn arg_statement(krate: &syn::Path, request: &Ident, arg: &Arg) -> Option<TokenStream> {
    let ident = &arg.ident;
    let arg_name = unraw(ident);
    let span = arg.ty.span();
    Some(match &arg.role {
        Role::Path => return None,
        Role::Body { validate: false } => quote_spanned! {span=>
            #request.json_body(#arg_name, &#ident);
        },
        Role::Body { validate: true } => quote_spanned! {span=>
            #request.valid_json_body(#arg_name, &#ident);
        },
        Role::Query { key, json: false } => quote_spanned! {span=>
            #request.query(#arg_name, #key, &#ident);
        },
        Role::Query { key, json: true } => quote_spanned! {span=>
            #request.query_json(#arg_name, #key, &#ident);
        },
        Role::Header(header) => {
            let krate = respan(krate, span);
            quote_spanned! {span=>
                #request.header(#arg_name, #header, #krate::__private::HeaderArg::to_header_value(&#ident));
            }
        }
        Role::Part {
            name,
            kind: PartKind::Text,
        } => quote_spanned! {span=>
            #request.text_part(#arg_name, #name, &#ident);
        },
        Role::Part {
            name,
            kind: PartKind::Json { validate: false },
        } => quote_spanned! {span=>
            #request.json_part(#arg_name, #name, &#ident);
        },
        Role::Part {
            name,
            kind: PartKind::Json { validate: true },
        } => quote_spanned! {span=>
            #request.valid_json_part(#arg_name, #name, &#ident);
        },
        Role::Part {
            name,
            kind: PartKind::File,
        } => {
            let krate = respan(krate, span);
            quote_spanned! {span=>
                #request.file_part(#arg_name, #name, #krate::__private::FileArg::into_file_part(#ident));
            }
        }
    })
}

/// The runtime's path with every token spanned on `span`, so that a trait bound it
/// names is reported on the user's argument.
fn respan(krate: &syn::Path, span: Span) -> TokenStream {
    use quote::ToTokens;
    krate
        .to_token_stream()
        .into_iter()
        .map(|mut token| {
            token.set_span(span);
            token
        })
        .collect()
}
