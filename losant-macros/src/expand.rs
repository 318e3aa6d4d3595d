//! Code generation: the trait, its endpoint metadata and the blanket implementation.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Attribute, FnArg, ItemTrait, TraitItem, TraitItemFn, parse_quote};

use crate::ast::{self, Endpoint, Returns, Role};
use crate::attr;
use crate::ctxt::Ctxt;
use crate::path::Part;
use crate::symbol::ENDPOINT;

/// `#[api]` on a trait.
pub(crate) fn api(args: &TokenStream, input: TokenStream) -> TokenStream {
    let mut cx = Ctxt::default();
    if !args.is_empty() {
        cx.error_spanned(args, "`#[api]` takes no arguments");
    }
    let fallback = input.clone();
    let mut item: ItemTrait = match syn::parse2(input) {
        Ok(item) => item,
        Err(_) => {
            let error = syn::Error::new(
                Span::call_site(),
                "`#[api]` goes on a trait: `#[api] pub trait EventApi { ... }`",
            )
            .into_compile_error();
            return quote!(#error #fallback);
        }
    };

    check_trait(&mut cx, &item);
    let (endpoints, signatures_ok) = analyze(&mut cx, &mut item);

    let trait_ident = &item.ident;
    let meta_ident = format_ident!("{}Endpoints", trait_ident);
    let endpoint_sigs: Vec<&syn::Signature> = item
        .items
        .iter()
        .filter_map(|i| match i {
            TraitItem::Fn(f) if f.default.is_none() => Some(&f.sig),
            _ => None,
        })
        .collect();

    let (metadata, bodies): (TokenStream, Vec<TokenStream>) = if cx.is_ok() {
        let metadata = metadata(&item.vis, trait_ident, &meta_ident, &endpoints);
        let bodies = endpoints
            .iter()
            .map(|e| method_body(&meta_ident, e))
            .collect();
        (metadata, bodies)
    } else {
        let stub = quote!({ ::core::unreachable!() });
        (TokenStream::new(), vec![stub; endpoint_sigs.len()])
    };

    // The blanket implementation is emitted even beside errors, so that callers do
    // not drown in "no method" errors, unless the signatures themselves are broken.
    let blanket = if signatures_ok {
        quote! {
            #[::losant_core::__private::async_trait]
            #[automatically_derived]
            impl<__LosantTransport> #trait_ident for __LosantTransport
            where
                __LosantTransport: ::losant_core::Transport + ?::core::marker::Sized,
            {
                #(#endpoint_sigs #bodies)*
            }
        }
    } else {
        TokenStream::new()
    };

    if cx.is_ok() {
        let streams: Vec<TraitItem> = endpoints
            .iter()
            .filter_map(|endpoint| {
                let page = endpoint.paginate.as_ref()?;
                let method = item.items.iter().find_map(|i| match i {
                    TraitItem::Fn(f) if f.sig.ident == endpoint.ident => Some(f),
                    _ => None,
                })?;
                stream_method(method, endpoint, page)
            })
            .collect();
        item.items.extend(streams);
    }

    item.colon_token.get_or_insert_with(Default::default);
    item.supertraits.push(parse_quote!(::core::marker::Send));
    item.supertraits.push(parse_quote!(::core::marker::Sync));
    let errors = cx.into_compile_errors();
    quote! {
        #errors
        #[::losant_core::__private::async_trait]
        #item
        #metadata
        #blanket
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
        signatures_ok &= ast::check_signature(cx, method);
        if let Some(endpoint) =
            attr::parse_endpoint(cx, first).and_then(|attr| ast::endpoint(cx, method, &attr))
        {
            endpoints.push(endpoint);
        }
        strip_role_attrs(method);
    }
    (endpoints, signatures_ok)
}

/// The `XxxEndpoints` type with one metadata constant per endpoint and `ALL`.
fn metadata(
    vis: &syn::Visibility,
    trait_ident: &syn::Ident,
    meta_ident: &syn::Ident,
    endpoints: &[Endpoint],
) -> TokenStream {
    let consts = endpoints.iter().map(|e| metadata_const(trait_ident, e));
    let all = endpoints.iter().map(const_ident);
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
            pub const ALL: &'static [&'static ::losant_core::Endpoint] = &[#(&Self::#all),*];
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

fn check_trait(cx: &mut Ctxt, item: &ItemTrait) {
    if !item.generics.params.is_empty() || item.generics.where_clause.is_some() {
        cx.error_spanned(
            &item.generics,
            "an `#[api]` trait cannot have generic parameters or a where clause",
        );
    }
    if let Some(unsafety) = &item.unsafety {
        cx.error(unsafety.span, "an `#[api]` trait cannot be `unsafe`");
    }
    for attr in &item.attrs {
        if attr
            .path()
            .segments
            .last()
            .is_some_and(|s| s.ident == "async_trait")
        {
            cx.error_spanned(
                attr,
                "`#[api]` already makes the trait an async trait: remove `#[async_trait]`",
            );
        }
    }
}

fn is_endpoint_attr(attr: &Attribute) -> bool {
    let path = attr.path();
    path.segments.last().is_some_and(|s| s.ident == ENDPOINT)
        && (path.segments.len() == 1
            || path
                .segments
                .first()
                .is_some_and(|s| s.ident == "losant_core"))
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
            pat_type.attrs.retain(|attr| {
                attr.path()
                    .get_ident()
                    .is_some_and(|ident| attr::BUILTIN_PARAM_ATTRS.iter().any(|b| ident == b))
            });
        }
    }
}

fn const_ident(endpoint: &Endpoint) -> syn::Ident {
    let name = endpoint.ident.to_string();
    let name = name.trim_start_matches("r#").to_ascii_uppercase();
    format_ident!("{}", name, span = endpoint.ident.span())
}

/// The scopes the server accepts for an operation, in the reference's order.
fn accepted_scopes(endpoint: &Endpoint) -> Vec<String> {
    let resource = endpoint.scope.split('.').next().unwrap_or_default();
    let mut scopes = Vec::with_capacity(8);
    for group in ["all.Application", "all.Organization", "all.User"] {
        scopes.push(group.to_owned());
        if endpoint.read {
            scopes.push(format!("{group}.read"));
        }
    }
    scopes.push(format!("{resource}.*"));
    scopes.push(endpoint.scope.clone());
    scopes
}

fn metadata_const(trait_ident: &syn::Ident, endpoint: &Endpoint) -> TokenStream {
    let ident = const_ident(endpoint);
    let name = endpoint.ident.to_string();
    let name = name.trim_start_matches("r#");
    let method = format_ident!(
        "{}",
        match endpoint.method {
            "GET" => "Get",
            "POST" => "Post",
            "PUT" => "Put",
            "PATCH" => "Patch",
            _ => "Delete",
        }
    );
    let path = &endpoint.path;
    let parts = endpoint.template.parts.iter().map(|part| match part {
        Part::Literal(text) => quote!(::losant_core::__private::PathPart::Literal(#text)),
        Part::Param(p) => {
            let name = &p.name;
            quote!(::losant_core::__private::PathPart::Param(#name))
        }
    });
    let scope = &endpoint.scope;
    let accepted = accepted_scopes(endpoint);
    let read = endpoint.read;
    let idempotent = endpoint.idempotent;
    let doc = format!(
        "Metadata of [`{trait_ident}::{name}`]: `{} {path}`, scope `{scope}`.",
        endpoint.method
    );
    quote! {
        #[doc = #doc]
        pub const #ident: ::losant_core::Endpoint = ::losant_core::__private::endpoint(
            #name,
            ::losant_core::Method::#method,
            #path,
            &[#(#parts),*],
            #scope,
            &[#(#accepted),*],
            #read,
            #idempotent,
        );
    }
}

fn method_body(meta_ident: &syn::Ident, endpoint: &Endpoint) -> TokenStream {
    let path_var = syn::Ident::new("__losant_path", Span::mixed_site());
    let request = syn::Ident::new("__losant_request", Span::mixed_site());
    let const_ident = const_ident(endpoint);

    // Path values in placeholder order, which is what the runtime expects.
    let path_values = endpoint.template.parts.iter().filter_map(|part| {
        let Part::Param(placeholder) = part else {
            return None;
        };
        let arg = endpoint
            .args
            .iter()
            .find(|a| matches!(a.role, Role::Path) && a.ident.unraw_eq(&placeholder.name))?;
        let ident = &arg.ident;
        Some(quote_spanned! {arg.ty.span()=>
            ::losant_core::__private::PathValue::to_path_segment(&#ident)
        })
    });
    let statements = endpoint.args.iter().map(|arg| {
        let ident = &arg.ident;
        let arg_name = ident.to_string();
        let arg_name = arg_name.trim_start_matches("r#");
        match &arg.role {
            Role::Path => TokenStream::new(),
            Role::Body => quote_spanned! {arg.ty.span()=>
                #request.json_body(#arg_name, &#ident)?;
            },
            Role::Query { key, json: false } => quote_spanned! {arg.ty.span()=>
                #request.query(#arg_name, #key, &#ident)?;
            },
            Role::Query { key, json: true } => quote_spanned! {arg.ty.span()=>
                #request.query_json(#arg_name, #key, &#ident)?;
            },
            Role::Header(name) => quote_spanned! {arg.ty.span()=>
                #request.header(#arg_name, #name, ::losant_core::__private::HeaderArg::to_header_value(&#ident))?;
            },
        }
    });
    let call = match &endpoint.returns {
        Returns::Json(ty) => quote_spanned! {ty.span()=>
            ::losant_core::__private::call_json::<#ty, _>(self, #request).await
        },
        Returns::Empty => quote! {
            ::losant_core::__private::call_empty(self, #request).await
        },
    };
    quote! {{
        let #path_var = [#(#path_values),*];
        #[allow(unused_mut)]
        let mut #request = ::losant_core::__private::RequestBuilder::new(&#meta_ident::#const_ident, &#path_var)?;
        #(#statements)*
        #call
    }}
}

trait UnrawEq {
    fn unraw_eq(&self, name: &str) -> bool;
}

impl UnrawEq for syn::Ident {
    fn unraw_eq(&self, name: &str) -> bool {
        use syn::ext::IdentExt;
        self.unraw() == name
    }
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
    method: &TraitItemFn,
    endpoint: &Endpoint,
    page: &syn::Ident,
) -> Option<TraitItem> {
    use syn::visit_mut::VisitMut;

    let Returns::Json(page_type) = &endpoint.returns else {
        return None;
    };
    let name = &method.sig.ident;
    let stream_name = format_ident!("{}_stream", syn::ext::IdentExt::unraw(name));
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
            let optional = matches!(&*pat_type.ty, syn::Type::Path(p)
                if p.path.segments.last().is_some_and(|s| s.ident == "Option"));
            call_args.push(if optional {
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
        ) -> ::losant_core::PageStream<'__losant, <#page_type as ::losant_core::Page>::Item> {
            ::losant_core::paginate(0, move |#page_var| self.#name(#(#call_args),*))
        }
    })
}

#[cfg(test)]
mod tests {
    use quote::quote;

    fn expand(input: proc_macro2::TokenStream) -> String {
        super::api(&proc_macro2::TokenStream::new(), input).to_string()
    }

    #[test]
    fn generates_metadata_with_derived_scopes_and_a_blanket_impl() {
        let out = expand(quote! {
            pub trait EventApi {
                #[endpoint(method = "get", path = "/applications/<app>/events/<event>", scope = "event.get")]
                async fn get_event(&self, app: &ApplicationId, event: &EventId) -> Result<Event>;
                #[endpoint(method = "PATCH", path = "/applications/<app>/events/<event>", scope = "event.patch")]
                async fn patch_event(&self, app: &ApplicationId, event: &EventId, #[body] patch: &EventPatch) -> Result<Event>;
            }
        });
        assert!(!out.contains("compile_error"), "{out}");
        assert!(out.contains("pub enum EventApiEndpoints { }"), "{out}");
        assert!(
            out.contains("pub const GET_EVENT : :: losant_core :: Endpoint"),
            "{out}"
        );
        assert!(out.contains(
            r#"& ["all.Application" , "all.Application.read" , "all.Organization" , "all.Organization.read" , "all.User" , "all.User.read" , "event.*" , "event.get"]"#
        ), "{out}");
        assert!(out.contains(
            r#"& ["all.Application" , "all.Organization" , "all.User" , "event.*" , "event.patch"]"#
        ), "{out}");
        assert!(out.contains(":: losant_core :: Method :: Get"), "{out}");
        assert!(
            out.contains("impl < __LosantTransport > EventApi for __LosantTransport"),
            "{out}"
        );
        assert!(out.contains(r#"json_body ("patch" , & patch)"#), "{out}");
        // The role attribute is gone from the trait.
        assert!(!out.contains("# [body]"), "{out}");
        assert!(
            out.contains(":: core :: marker :: Send + :: core :: marker :: Sync"),
            "{out}"
        );
    }

    #[test]
    fn errors_keep_the_trait_and_drop_the_metadata() {
        let out = expand(quote! {
            pub trait EventApi {
                #[endpoint(method = "GETT", path = "/a", scope = "a.get")]
                async fn a(&self) -> Result<()>;
                #[endpoint(method = "GET", path = "/b", scope = "b")]
                async fn b(&self) -> Result<()>;
            }
        });
        assert_eq!(out.matches("compile_error").count(), 2, "{out}");
        assert!(out.contains("pub trait EventApi"), "{out}");
        assert!(!out.contains("EventApiEndpoints"), "{out}");
        assert!(out.contains(":: core :: unreachable ! ()"), "{out}");
    }
}
