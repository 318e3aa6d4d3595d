//! Code generation: the trait, its endpoint metadata and the blanket implementation.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::{Attribute, FnArg, ItemTrait, TraitItem, TraitItemFn, parse_quote};

use crate::ast::{ApiOptions, Auth, Endpoint, HttpMethod, Part};
use crate::attr;
use crate::call::{self, TraitNames};
use crate::ctxt::Ctxt;
use crate::names::{as_dyn_method, call_ident, const_ident, run_ident, unraw};
use crate::symbol::ENDPOINT;
use crate::{build, check};

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
    check::check_trait(&mut cx, &item);
    let (endpoints, signatures_ok) = analyze(&mut cx, &mut item);
    let meta_ident = format_ident!("{}Endpoints", item.ident);

    let generated = if cx.is_ok() {
        generate(krate, &mut item, &meta_ident, &endpoints)
    } else if signatures_ok {
        fallback(krate, &mut item)
    } else {
        TokenStream::new()
    };

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
        #generated
    }
}

/// Everything beside a trait without mistakes: each endpoint method becomes its entry
/// method and its run method, and beside the trait come the call types, the
/// upcasting supertrait, the metadata with the request functions, and the
/// implementation for every transport.
fn generate(
    krate: &syn::Path,
    item: &mut ItemTrait,
    meta_ident: &syn::Ident,
    endpoints: &[Endpoint],
) -> TokenStream {
    let trait_ident = item.ident.clone();
    let vis = item.vis.clone();
    let as_dyn = as_dyn_method(&trait_ident);
    let as_dyn_trait = format_ident!("As{}", trait_ident);
    let names = TraitNames {
        krate,
        vis: &vis,
        trait_ident: &trait_ident,
        as_dyn: &as_dyn,
    };
    let mut runs = Vec::new();
    let mut call_types = Vec::new();
    let mut requests = Vec::new();
    let mut items = Vec::new();
    for trait_item in std::mem::take(&mut item.items) {
        let endpoint = match &trait_item {
            TraitItem::Fn(f) if f.default.is_none() => {
                endpoints.iter().find(|e| e.ident == f.sig.ident)
            }
            _ => None,
        };
        let (Some(endpoint), TraitItem::Fn(method)) = (endpoint, &trait_item) else {
            items.push(trait_item);
            continue;
        };
        let (entry, run, call_type) = call::endpoint_items(&names, endpoint, &method.attrs);
        items.push(parse_quote!(#entry));
        items.push(parse_quote!(#run));
        let name = &endpoint.ident;
        let run_ident = run_ident(name);
        let call_ident = call_ident(name);
        let output = call::output(&endpoint.returns);
        runs.push(quote! {
            #[inline]
            fn #run_ident<'a>(&'a self, call: #call_ident<'a>) -> #krate::Reply<'a, #output> {
                #meta_ident::#name(self, call)
            }
        });
        call_types.push(call_type);
        requests.push(call::request_fn(krate, meta_ident, endpoint));
    }
    item.items = items;
    item.colon_token.get_or_insert_with(Default::default);
    item.supertraits.push(parse_quote!(#as_dyn_trait));

    let metadata = metadata(krate, &vis, &trait_ident, meta_ident, endpoints, &requests);
    let as_dyn_doc = format!(
        "Gives an implementation of [`{trait_ident}`] as `&dyn {trait_ident}`, which its call \
         types hold: implemented for every sized implementation, nothing to write."
    );
    let as_dyn_method_doc = format!("`self` as `&dyn {trait_ident}`.");
    quote! {
        #[doc = #as_dyn_doc]
        #vis trait #as_dyn_trait {
            #[doc = #as_dyn_method_doc]
            fn #as_dyn(&self) -> &dyn #trait_ident;
        }

        #[automatically_derived]
        impl<T: #trait_ident> #as_dyn_trait for T {
            #[inline]
            fn #as_dyn(&self) -> &dyn #trait_ident {
                self
            }
        }

        #(#call_types)*

        #metadata

        #[automatically_derived]
        impl<T> #trait_ident for T
        where
            T: #krate::Transport,
        {
            #(#runs)*
        }
    }
}

/// Beside a trait with mistakes (already reported) whose signatures are sound: the
/// endpoint methods keep their declared signatures with a body that is never run,
/// and every transport implements the trait, so that callers do not drown in "no
/// method" errors.
fn fallback(krate: &syn::Path, item: &mut ItemTrait) -> TokenStream {
    for trait_item in &mut item.items {
        if let TraitItem::Fn(method) = trait_item
            && method.default.is_none()
        {
            method.default = Some(parse_quote!({ ::core::unreachable!() }));
            method.attrs.push(parse_quote!(#[allow(unused_variables)]));
        }
    }
    let trait_ident = &item.ident;
    quote! {
        #[automatically_derived]
        impl<T> #trait_ident for T where T: #krate::Transport {}
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
        signatures_ok &= check::check_signature(cx, method);
        if let Some(endpoint) =
            attr::parse_endpoint(cx, first).and_then(|attr| build::endpoint(cx, method, &attr))
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
    let name = method.as_str();
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
        endpoint.method.as_str()
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
            out.contains("impl < T > EventApi for T where T : :: losant_core :: Transport"),
            "{out}"
        );
        assert!(out.contains(r#"json_body ("patch" , & patch)"#), "{out}");
        // The entry takes the required arguments and returns the call type.
        assert!(
            out.contains("fn get_event < 'a > (& 'a self , app : & 'a ApplicationId , event : & 'a EventId) -> GetEvent < 'a >"),
            "{out}"
        );
        assert!(
            out.contains("fn run_patch_event < 'a > (& 'a self , call : PatchEvent < 'a >) -> :: losant_core :: Reply < 'a , Event >"),
            "{out}"
        );
        assert!(out.contains("pub struct PatchEvent < 'a >"), "{out}");
        assert!(out.contains("pub trait AsEventApi"), "{out}");
        assert!(out.contains("type Output = Result < Event >"), "{out}");
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
        assert!(out.contains("my_sdk :: losant :: Reply"), "{out}");
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
        assert!(
            out.contains("fn ping < 'a > (& 'a self ,) -> Ping < 'a >"),
            "{out}"
        );
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
        assert!(
            out.contains("impl < T > EventApi for T where T : :: losant_core :: Transport { }"),
            "{out}"
        );
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
