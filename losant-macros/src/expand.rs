//! Code generation: the trait, its endpoint metadata and the blanket implementation.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Attribute, FnArg, ItemTrait, TraitItem, TraitItemFn, parse_quote};

use crate::ast::{ApiOptions, Auth, Endpoint, HttpMethod, Part, Returns, Role};
use crate::attr;
use crate::boxed::boxed_signature;
use crate::ctxt::Ctxt;
use crate::names::{const_ident, unraw};
use crate::symbol::ENDPOINT;
use crate::valid;

/// `#[api]` on a trait: the trait, its metadata and its implementation for every
/// transport, or the errors (all of them) beside the trait as written.
pub(crate) fn api(args: TokenStream, input: TokenStream) -> TokenStream {
    let mut cx = Ctxt::new();
    let krate = attr::parse_api_args(&mut cx, args);
    let item: ItemTrait = match syn::parse2(input.clone()) {
        Ok(item) => item,
        Err(_) => {
            cx.error(
                Span::call_site(),
                "`#[api]` goes on a trait: `#[api] pub trait EventApi { ... }`",
            );
            let mut output = cx
                .check()
                .err()
                .map(syn::Error::into_compile_error)
                .unwrap_or_default();
            output.extend(input);
            return output;
        }
    };
    let options = ApiOptions {
        krate: krate.unwrap_or_else(|| parse_quote!(::losant_core)),
    };
    expand(cx, &options, item)
}

fn expand(mut cx: Ctxt, options: &ApiOptions, mut item: ItemTrait) -> TokenStream {
    let krate = &options.krate;
    valid::check_trait(&mut cx, &item);
    let (endpoints, signatures_ok) = analyze(&mut cx, &mut item);

    let trait_ident = item.ident.clone();
    let meta_ident = format_ident!("{}Endpoints", trait_ident);
    // The methods the blanket implementation writes: every one without a body.
    let methods: Vec<TraitItemFn> = item
        .items
        .iter()
        .filter_map(|i| match i {
            TraitItem::Fn(f) if f.default.is_none() => Some(f.clone()),
            _ => None,
        })
        .collect();

    let ok = cx.is_ok();
    let metadata = if ok {
        let requests: Vec<TokenStream> = methods
            .iter()
            .filter_map(|method| {
                let endpoint = endpoints.iter().find(|e| e.ident == method.sig.ident)?;
                Some(request_fn(krate, &meta_ident, method, endpoint))
            })
            .collect();
        metadata(
            krate,
            &item.vis,
            &trait_ident,
            &meta_ident,
            &endpoints,
            &requests,
        )
    } else {
        TokenStream::new()
    };

    // The blanket implementation is emitted even beside errors, so that callers do
    // not drown in "no method" errors, unless the signatures themselves are broken.
    // Each method returns the boxed future of its request function, which takes the
    // transport as `&dyn Transport`: no async block, and the request code is not
    // generic, so it is checked and compiled once, in this crate.
    let blanket = if signatures_ok {
        let impls = methods.iter().map(|method| {
            let sig = boxed_signature(&method.sig);
            let body = if ok {
                delegate(&meta_ident, &method.sig)
            } else {
                quote!({ ::core::unreachable!() })
            };
            quote! {
                #[allow(clippy::type_complexity, clippy::type_repetition_in_bounds)]
                #sig #body
            }
        });
        quote! {
            #[automatically_derived]
            impl<__LosantTransport> #trait_ident for __LosantTransport
            where
                __LosantTransport: #krate::Transport,
            {
                #(#impls)*
            }
        }
    } else {
        TokenStream::new()
    };

    if signatures_ok {
        // The endpoint methods as `async-trait` would write them; `#[async_trait]`
        // still applies to the trait for async methods with a default body.
        for trait_item in &mut item.items {
            if let TraitItem::Fn(method) = trait_item
                && method.default.is_none()
            {
                method.sig = boxed_signature(&method.sig);
                method.attrs.push(parse_quote!(
                    #[allow(clippy::type_complexity, clippy::type_repetition_in_bounds)]
                ));
            }
        }
    }
    if ok {
        let streams: Vec<TraitItem> = endpoints
            .iter()
            .filter_map(|endpoint| {
                let page = endpoint.paginate.as_ref()?;
                let method = methods.iter().find(|m| m.sig.ident == endpoint.ident)?;
                stream_method(krate, method, endpoint, page)
            })
            .collect();
        item.items.extend(streams);
    }

    item.colon_token.get_or_insert_with(Default::default);
    item.supertraits.push(parse_quote!(::core::marker::Send));
    item.supertraits.push(parse_quote!(::core::marker::Sync));
    // `#[async_trait]` is left to async methods with a default body, if any.
    let has_async = item
        .items
        .iter()
        .any(|i| matches!(i, TraitItem::Fn(f) if f.sig.asyncness.is_some()));
    let async_trait = has_async.then(|| quote!(#[#krate::__private::async_trait]));
    let errors = cx.check().err().map(syn::Error::into_compile_error);
    quote! {
        #errors
        #async_trait
        #item
        #metadata
        #blanket
    }
}

/// The body of a blanket method: the request function of the same name, with the
/// transport as `&dyn Transport`.
fn delegate(meta_ident: &syn::Ident, sig: &syn::Signature) -> TokenStream {
    let name = &sig.ident;
    let args = sig.inputs.iter().filter_map(|input| match input {
        FnArg::Typed(pat_type) => match &*pat_type.pat {
            syn::Pat::Ident(pat) => Some(&pat.ident),
            _ => None,
        },
        FnArg::Receiver(_) => None,
    });
    quote! {{
        #meta_ident::#name(self, #(#args),*)
    }}
}

/// The request function of one endpoint, on the metadata type: builds the request
/// from the method's arguments and returns its boxed call through `transport`.
fn request_fn(
    krate: &syn::Path,
    meta_ident: &syn::Ident,
    method: &TraitItemFn,
    endpoint: &Endpoint,
) -> TokenStream {
    let name = &method.sig.ident;
    let lifetimes = &method.sig.generics.params;
    let where_clause = &method.sig.generics.where_clause;
    let transport = syn::Ident::new("__losant_transport", Span::mixed_site());
    let params = method.sig.inputs.iter().filter_map(|input| match input {
        FnArg::Typed(pat_type) => {
            let pat = &pat_type.pat;
            let ty = &pat_type.ty;
            Some(quote!(#pat: #ty))
        }
        FnArg::Receiver(_) => None,
    });
    let output = match &endpoint.returns {
        Returns::Json(ty) => quote!(#ty),
        Returns::Empty => quote!(()),
    };
    let body = method_body(krate, meta_ident, endpoint, &transport);
    quote! {
        #[doc(hidden)]
        pub fn #name<'__losant, #lifetimes>(
            #transport: &'__losant dyn #krate::Transport,
            #(#params),*
        ) -> #krate::__private::BoxFuture<'__losant, #krate::Result<#output>> #where_clause #body
    }
}

/// Checks every method, takes the endpoint attributes out of the trait and returns
/// the endpoints, and whether all signatures can be implemented.
fn analyze(cx: &mut Ctxt, item: &mut ItemTrait) -> (Vec<Endpoint>, bool) {
    let mut endpoints = Vec::new();
    let mut signatures_ok = true;
    for trait_item in &mut item.items {
        let TraitItem::Fn(method) = trait_item else {
            cx.error_spanned(
                &*trait_item,
                "an `#[api]` trait holds only methods; put constants and types outside it",
            );
            signatures_ok = false;
            continue;
        };
        let endpoint_attrs = take_endpoint_attrs(method);
        let Some(first) = endpoint_attrs.first() else {
            if method.default.is_none() {
                cx.error(
                    method.sig.ident.span(),
                    format!(
                        "method `{}` of an `#[api]` trait has no `#[endpoint(...)]`: declare one, or give the method a default body",
                        method.sig.ident
                    ),
                );
                signatures_ok = false;
            }
            continue;
        };
        for extra in &endpoint_attrs[1..] {
            cx.error_spanned(extra, "duplicate `#[endpoint]`: a method is one endpoint");
        }
        signatures_ok &= valid::check_signature(cx, method);
        if let Some(endpoint) =
            attr::parse_endpoint(cx, first).and_then(|attr| valid::endpoint(cx, method, &attr))
        {
            endpoints.push(endpoint);
        }
        strip_role_attrs(method);
    }
    (endpoints, signatures_ok)
}

/// The `XxxEndpoints` type with one metadata constant per endpoint, `ALL`, and the
/// request function of each endpoint (`requests`).
fn metadata(
    krate: &syn::Path,
    vis: &syn::Visibility,
    trait_ident: &syn::Ident,
    meta_ident: &syn::Ident,
    endpoints: &[Endpoint],
    requests: &[TokenStream],
) -> TokenStream {
    let consts = endpoints
        .iter()
        .map(|e| metadata_const(krate, trait_ident, e));
    let all = endpoints.iter().map(|e| const_ident(&e.ident));
    let doc = format!(
        "Metadata of the endpoints declared by [`{trait_ident}`]: one constant per method and [`{meta_ident}::ALL`]."
    );
    quote! {
        #[doc = #doc]
        #vis enum #meta_ident {}

        #[automatically_derived]
        impl #meta_ident {
            #(#consts)*

            /// Every endpoint of the trait, in declaration order.
            pub const ALL: &'static [&'static #krate::Endpoint] = &[#(&Self::#all),*];

            #(#requests)*
        }
    }
}

/// `#[endpoint]` outside an `#[api]` trait.
pub(crate) fn stray_endpoint(input: TokenStream) -> TokenStream {
    let mut output = syn::Error::new(
        Span::call_site(),
        "`#[endpoint]` only has a meaning on a method of a trait annotated with `#[api]`: put `#[losant_core::api]` on the trait",
    )
    .into_compile_error();
    output.extend(input);
    output
}

/// `#[endpoint]`, however the runtime is named (`#[losant_core::endpoint]`, a
/// re-export's path).
fn is_endpoint_attr(attr: &Attribute) -> bool {
    attr.path()
        .segments
        .last()
        .is_some_and(|s| s.ident == ENDPOINT)
}

fn take_endpoint_attrs(method: &mut TraitItemFn) -> Vec<Attribute> {
    let (endpoint, rest) = method.attrs.drain(..).partition(is_endpoint_attr);
    method.attrs = rest;
    endpoint
}

fn strip_role_attrs(method: &mut TraitItemFn) {
    for input in &mut method.sig.inputs {
        if let FnArg::Typed(pat_type) = input {
            // Roles are ours; anything else but the compiler's own attributes has been
            // reported already and would only add a "cannot find attribute" error.
            pat_type.attrs.retain(attr::is_builtin);
        }
    }
}

/// `PATCH` → `Patch`: the variant of the runtime's `Method`.
fn method_variant(method: HttpMethod) -> syn::Ident {
    let name = valid::method_name(method);
    let (first, rest) = name.split_at(1);
    format_ident!("{first}{}", rest.to_ascii_lowercase())
}

fn metadata_const(krate: &syn::Path, trait_ident: &syn::Ident, endpoint: &Endpoint) -> TokenStream {
    let ident = const_ident(&endpoint.ident);
    let name = unraw(&endpoint.ident);
    let method = method_variant(endpoint.method);
    let path = &endpoint.path;
    let parts = endpoint.template.parts.iter().map(|part| match part {
        Part::Literal(text) => quote!(#krate::__private::PathPart::Literal(#text)),
        Part::Param(p) => {
            let name = &p.name;
            quote!(#krate::__private::PathPart::Param(#name))
        }
    });
    let scope = &endpoint.scope;
    let accepted = &endpoint.accepts;
    let auth = match endpoint.auth {
        Auth::Token => quote!(#krate::Auth::Token),
        Auth::None => quote!(#krate::Auth::None),
        Auth::Optional => quote!(#krate::Auth::Optional),
    };
    let read = endpoint.read;
    let idempotent = endpoint.idempotent;
    let doc = format!(
        "Metadata of [`{trait_ident}::{name}`]: `{} {path}`, scope `{scope}`.",
        valid::method_name(endpoint.method)
    );
    quote! {
        #[doc = #doc]
        pub const #ident: #krate::Endpoint = #krate::__private::endpoint(#krate::__private::EndpointSpec {
            name: #name,
            method: #krate::Method::#method,
            path: #path,
            parts: &[#(#parts),*],
            scope: #scope,
            accepted_scopes: &[#(#accepted),*],
            auth: #auth,
            read: #read,
            idempotent: #idempotent,
        });
    }
}

fn method_body(
    krate: &syn::Path,
    meta_ident: &syn::Ident,
    endpoint: &Endpoint,
    transport: &syn::Ident,
) -> TokenStream {
    let path_var = syn::Ident::new("__losant_path", Span::mixed_site());
    let request = syn::Ident::new("__losant_request", Span::mixed_site());
    let const_ident = const_ident(&endpoint.ident);

    // Path values in placeholder order, which is what the runtime expects.
    let path_values = endpoint.template.placeholders().filter_map(|placeholder| {
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
    let statements: Vec<TokenStream> = endpoint
        .args
        .iter()
        .filter_map(|arg| {
            let ident = &arg.ident;
            let arg_name = unraw(ident);
            Some(match &arg.role {
                Role::Path => return None,
                Role::Body { validate: false } => quote_spanned! {arg.ty.span()=>
                    #request.json_body(#arg_name, &#ident);
                },
                Role::Body { validate: true } => quote_spanned! {arg.ty.span()=>
                    #request.valid_json_body(#arg_name, &#ident);
                },
                Role::Query { key, json: false } => quote_spanned! {arg.ty.span()=>
                    #request.query(#arg_name, #key, &#ident);
                },
                Role::Query { key, json: true } => quote_spanned! {arg.ty.span()=>
                    #request.query_json(#arg_name, #key, &#ident);
                },
                Role::Header(name) => {
                    let span = arg.ty.span();
                    let krate = respan(krate, span);
                    quote_spanned! {span=>
                        #request.header(#arg_name, #name, #krate::__private::HeaderArg::to_header_value(&#ident));
                    }
                }
            })
        })
        .collect();
    let binding = if statements.is_empty() {
        quote!(let #request)
    } else {
        quote!(let mut #request)
    };
    let call = match &endpoint.returns {
        Returns::Json(ty) => quote_spanned! {ty.span()=>
            #request.send::<#ty, _>(#transport)
        },
        Returns::Empty => quote! {
            #request.send_empty(#transport)
        },
    };
    quote! {{
        let #path_var = [#(#path_values),*];
        #binding = #krate::__private::RequestBuilder::new(&#meta_ident::#const_ident, &#path_var);
        #(#statements)*
        #call
    }}
}

/// The runtime's path with every token spanned on `span`, so that a trait bound it
/// names is reported on the user's argument.
fn respan(krate: &syn::Path, span: Span) -> TokenStream {
    krate
        .to_token_stream()
        .into_iter()
        .map(|mut token| {
            token.set_span(span);
            token
        })
        .collect()
}

/// Names every elided lifetime (`&T`, `'_`) of a type, so that the stream of a
/// paginated endpoint can borrow its arguments.
struct NameElided(syn::Lifetime);

impl syn::visit_mut::VisitMut for NameElided {
    fn visit_type_reference_mut(&mut self, reference: &mut syn::TypeReference) {
        if reference.lifetime.is_none() {
            reference.lifetime = Some(self.0.clone());
        }
        syn::visit_mut::visit_type_reference_mut(self, reference);
    }

    fn visit_lifetime_mut(&mut self, lifetime: &mut syn::Lifetime) {
        if lifetime.ident == "_" {
            *lifetime = self.0.clone();
        }
    }
}

/// `<name>_stream`: every item of a paginated endpoint, page after page.
fn stream_method(
    krate: &syn::Path,
    method: &TraitItemFn,
    endpoint: &Endpoint,
    page: &syn::Ident,
) -> Option<TraitItem> {
    use syn::visit_mut::VisitMut;

    let Returns::Json(page_type) = &endpoint.returns else {
        return None;
    };
    let name = &method.sig.ident;
    let stream_name = format_ident!("{}_stream", unraw(name));
    let lifetime: syn::Lifetime = parse_quote!('__losant);
    let page_var = syn::Ident::new("__losant_page", Span::mixed_site());
    let mut params = Vec::new();
    let mut call_args = Vec::new();
    for input in &method.sig.inputs {
        let FnArg::Typed(pat_type) = input else {
            continue;
        };
        let syn::Pat::Ident(pat) = &*pat_type.pat else {
            return None;
        };
        let ident = &pat.ident;
        if ident == page {
            call_args.push(if valid::is_option(&pat_type.ty) {
                quote!(::core::option::Option::Some(#page_var))
            } else {
                quote!(#page_var)
            });
            continue;
        }
        let mut ty = (*pat_type.ty).clone();
        NameElided(lifetime.clone()).visit_type_mut(&mut ty);
        params.push(quote!(#ident: #ty));
        call_args.push(quote!(#ident));
    }
    let doc = format!(
        "Every item of [`Self::{name}`], fetched page after page (from page 0) as the stream is read: \
         at most one page is held at a time, the stream ends after `totalCount` items or at an \
         empty page, and an error ends it. The other arguments are passed to every page."
    );
    Some(parse_quote! {
        #[doc = #doc]
        fn #stream_name<'__losant>(
            &'__losant self,
            #(#params),*
        ) -> #krate::PageStream<'__losant, <#page_type as #krate::Page>::Item> {
            #krate::paginate(0, move |#page_var| self.#name(#(#call_args),*))
        }
    })
}

#[cfg(test)]
mod tests {
    use quote::quote;

    fn expand(args: proc_macro2::TokenStream, input: proc_macro2::TokenStream) -> String {
        super::api(args, input).to_string()
    }

    #[test]
    fn generates_metadata_with_derived_scopes_and_a_blanket_impl() {
        let out = expand(
            quote!(),
            quote! {
                pub trait EventApi {
                    #[endpoint(method = "get", path = "/applications/<app>/events/<event>", scope = "event.get")]
                    async fn get_event(&self, app: &ApplicationId, event: &EventId) -> Result<Event>;
                    #[endpoint(method = "PATCH", path = "/applications/<app>/events/<event>", scope = "event.patch")]
                    async fn patch_event(&self, app: &ApplicationId, event: &EventId, #[body] patch: &EventPatch) -> Result<Event>;
                }
            },
        );
        assert!(!out.contains("compile_error"), "{out}");
        assert!(out.contains("pub enum EventApiEndpoints { }"), "{out}");
        assert!(
            out.contains("pub const GET_EVENT : :: losant_core :: Endpoint"),
            "{out}"
        );
        assert!(out.contains(
            r#"accepted_scopes : & ["all.Application" , "all.Application.bounded" , "all.Application.read" , "all.Organization" , "all.Organization.bounded" , "all.Organization.read" , "all.User" , "all.User.bounded" , "all.User.read" , "event.*" , "event.get"]"#
        ), "{out}");
        assert!(out.contains(
            r#"accepted_scopes : & ["all.Application" , "all.Application.bounded" , "all.Organization" , "all.Organization.bounded" , "all.User" , "all.User.bounded" , "event.*" , "event.patch"]"#
        ), "{out}");
        assert!(
            out.contains("method : :: losant_core :: Method :: Get"),
            "{out}"
        );
        assert!(
            out.contains("auth : :: losant_core :: Auth :: Token"),
            "{out}"
        );
        assert!(
            out.contains("impl < __LosantTransport > EventApi for __LosantTransport"),
            "{out}"
        );
        assert!(out.contains(r#"json_body ("patch" , & patch)"#), "{out}");
        // No statement mutates the GET's builder: it is not `mut`.
        assert!(
            out.contains("let __losant_request = :: losant_core"),
            "{out}"
        );
        assert!(out.contains("let mut __losant_request"), "{out}");
        // The role attribute is gone from the trait.
        assert!(!out.contains("# [body]"), "{out}");
        assert!(
            out.contains(":: core :: marker :: Send + :: core :: marker :: Sync"),
            "{out}"
        );
    }

    #[test]
    fn a_re_exporting_crate_names_the_runtime() {
        let out = expand(
            quote!(crate = my_sdk::losant),
            quote! {
                pub trait PingApi {
                    #[endpoint(method = "GET", path = "/ping", scope = "ping.get", auth = "none", accepts = ["ping.get", "all.User"])]
                    async fn ping(&self) -> Result<()>;

                    async fn ping_twice(&self) -> Result<()> {
                        self.ping().await?;
                        self.ping().await
                    }
                }
            },
        );
        assert!(!out.contains("compile_error"), "{out}");
        assert!(!out.contains(":: losant_core"), "{out}");
        assert!(
            out.contains("my_sdk :: losant :: __private :: BoxFuture"),
            "{out}"
        );
        assert!(
            out.contains("# [my_sdk :: losant :: __private :: async_trait]"),
            "{out}"
        );
        assert!(
            out.contains("auth : my_sdk :: losant :: Auth :: None"),
            "{out}"
        );
        assert!(
            out.contains(r#"accepted_scopes : & ["ping.get" , "all.User"]"#),
            "{out}"
        );
    }

    #[test]
    fn async_methods_with_a_body_are_left_to_async_trait() {
        let out = expand(
            quote!(),
            quote! {
                pub trait PingApi {
                    #[endpoint(method = "GET", path = "/ping", scope = "ping.get")]
                    async fn ping(&self) -> Result<()>;
                    async fn ping_twice(&self) -> Result<()> {
                        self.ping().await?;
                        self.ping().await
                    }
                }
            },
        );
        assert!(
            out.contains("# [:: losant_core :: __private :: async_trait]"),
            "{out}"
        );
        assert!(out.contains("fn ping < 'life0 , 'async_trait >"), "{out}");
        assert!(out.contains("async fn ping_twice"), "{out}");
    }

    #[test]
    fn errors_keep_the_trait_and_drop_the_metadata() {
        let out = expand(
            quote!(),
            quote! {
                pub trait EventApi {
                    #[endpoint(method = "GETT", path = "/a", scope = "a.get")]
                    async fn a(&self) -> Result<()>;
                    #[endpoint(method = "GET", path = "/b", scope = "b")]
                    async fn b(&self) -> Result<()>;
                }
            },
        );
        assert_eq!(out.matches("compile_error").count(), 2, "{out}");
        assert!(out.contains("pub trait EventApi"), "{out}");
        assert!(!out.contains("EventApiEndpoints"), "{out}");
        assert!(out.contains(":: core :: unreachable ! ()"), "{out}");
    }

    #[test]
    fn an_argument_error_is_kept_when_the_item_is_not_a_trait() {
        let out = expand(
            quote!(retries = 3),
            quote!(
                struct NotATrait;
            ),
        );
        assert_eq!(out.matches("compile_error").count(), 2, "{out}");
        assert!(out.contains("`#[api]` takes one option"), "{out}");
        assert!(out.contains("goes on a trait"), "{out}");
        assert!(out.contains("struct NotATrait"), "{out}");
    }
}
