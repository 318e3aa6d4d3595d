//! The signature of an endpoint method as the trait declares it: an `async fn`
//! written as a method returning a boxed future, exactly as `async-trait` writes it.
//!
//! `#[api]` writes the signature itself, so that its implementation for every
//! transport can return the request's boxed future directly (no async block, no
//! second box per call, and a few lines to compile per endpoint). Writing it as
//! `async-trait` does keeps hand-written implementations with
//! `#[async_trait]` (test doubles) matching the trait: both sides get the same
//! lifetimes, bounds and return type from the same rules.

use proc_macro2::Span;
use syn::visit_mut::{self, VisitMut};
use syn::{
    FnArg, GenericArgument, GenericParam, Lifetime, Pat, ReceiverKind, ReturnType, Signature, Type,
    TypeReference, WhereClause, parse_quote, parse_quote_spanned,
};

/// `'async_trait`, the lifetime of the returned future.
fn future_lifetime() -> Lifetime {
    Lifetime::new("'async_trait", Span::call_site())
}

/// Names every elided lifetime `'life0`, `'life1`, ... in order (the receiver first),
/// and records the explicit ones.
struct CollectLifetimes {
    elided: Vec<Lifetime>,
}

impl CollectLifetimes {
    fn next_lifetime(&mut self, span: Span) -> Lifetime {
        let life = Lifetime::new(&format!("'life{}", self.elided.len()), span);
        self.elided.push(life.clone());
        life
    }

    fn visit_opt_lifetime(&mut self, span: Span, lifetime: &mut Option<Lifetime>) {
        match lifetime {
            None => *lifetime = Some(self.next_lifetime(span)),
            Some(lifetime) => self.visit_lifetime(lifetime),
        }
    }

    fn visit_lifetime(&mut self, lifetime: &mut Lifetime) {
        if lifetime.ident == "_" {
            *lifetime = self.next_lifetime(lifetime.span());
        }
    }
}

impl VisitMut for CollectLifetimes {
    fn visit_receiver_kind_mut(&mut self, receiver: &mut ReceiverKind) {
        match receiver {
            ReceiverKind::Reference(reference, lifetime, _) => {
                self.visit_opt_lifetime(reference.span, lifetime);
            }
            ReceiverKind::Typed(_, ty) => visit_mut::visit_type_mut(self, ty),
            _ => {}
        }
    }

    fn visit_type_reference_mut(&mut self, ty: &mut TypeReference) {
        self.visit_opt_lifetime(ty.and_token.span, &mut ty.lifetime);
        visit_mut::visit_type_reference_mut(self, ty);
    }

    fn visit_generic_argument_mut(&mut self, argument: &mut GenericArgument) {
        if let GenericArgument::Lifetime(lifetime) = argument {
            self.visit_lifetime(lifetime);
        }
        visit_mut::visit_generic_argument_mut(self, argument);
    }
}

fn where_clause(sig: &mut Signature) -> &mut WhereClause {
    sig.generics
        .where_clause
        .get_or_insert_with(|| WhereClause {
            where_token: syn::token::Where::default(),
            predicates: syn::punctuated::Punctuated::new(),
        })
}

/// `async fn name(&self, a: &A) -> R` as
/// `fn name<'life0, 'life1, 'async_trait>(&'life0 self, a: &'life1 A) ->
/// Pin<Box<dyn Future<Output = R> + Send + 'async_trait>> where 'life0: 'async_trait,
/// 'life1: 'async_trait, Self: 'async_trait`.
pub(crate) fn boxed_signature(sig: &Signature) -> Signature {
    let mut sig = sig.clone();
    let async_span = sig
        .asyncness
        .take()
        .map_or_else(Span::call_site, |token| token.span);
    sig.fn_token.span = async_span;
    let ret: Type = match &sig.output {
        ReturnType::Default => parse_quote!(()),
        ReturnType::Type(_, ty) => (**ty).clone(),
    };
    let arrow = match &sig.output {
        ReturnType::Default => <syn::Token![->]>::default(),
        ReturnType::Type(arrow, _) => *arrow,
    };

    let mut lifetimes = CollectLifetimes { elided: Vec::new() };
    for input in &mut sig.inputs {
        match input {
            FnArg::Receiver(receiver) => lifetimes.visit_receiver_mut(receiver),
            FnArg::Typed(arg) => lifetimes.visit_type_mut(&mut arg.ty),
        }
    }

    let future = future_lifetime();
    let declared: Vec<syn::LifetimeParam> = sig
        .generics
        .params
        .iter_mut()
        .filter_map(|param| match param {
            GenericParam::Lifetime(param) if param.attrs.is_empty() => {
                let declared = param.clone();
                param.colon_token = None;
                param.bounds.clear();
                Some(declared)
            }
            GenericParam::Lifetime(param) => {
                param.bounds.push(future.clone());
                None
            }
            _ => None,
        })
        .collect();
    for param in declared {
        let name = &param.lifetime;
        let bounds = &param.bounds;
        let span = param
            .colon_token
            .map_or_else(|| name.span(), |colon| colon.span);
        let predicate = if bounds.is_empty() {
            parse_quote_spanned!(span=> #name: 'async_trait)
        } else {
            parse_quote_spanned!(span=> #name: 'async_trait + #bounds)
        };
        where_clause(&mut sig).predicates.push(predicate);
    }
    if sig.generics.lt_token.is_none() {
        sig.generics.lt_token = Some(<syn::Token![<]>::default());
    }
    if sig.generics.gt_token.is_none() {
        sig.generics.gt_token = Some(<syn::Token![>]>::default());
    }
    for elided in lifetimes.elided {
        sig.generics.params.push(parse_quote!(#elided));
        where_clause(&mut sig)
            .predicates
            .push(parse_quote_spanned!(elided.span()=> #elided: 'async_trait));
    }
    sig.generics.params.push(parse_quote!(#future));
    where_clause(&mut sig)
        .predicates
        .push(parse_quote!(Self: 'async_trait));

    for input in &mut sig.inputs {
        match input {
            FnArg::Receiver(receiver) => receiver.mutability = None,
            FnArg::Typed(arg) => {
                if let Pat::Ident(pat) = &mut *arg.pat {
                    pat.by_ref = None;
                    pat.mutability = None;
                }
            }
        }
    }
    sig.output = parse_quote! {
        #arrow ::core::pin::Pin<::std::boxed::Box<
            dyn ::core::future::Future<Output = #ret> + ::core::marker::Send + 'async_trait
        >>
    };
    sig
}

#[cfg(test)]
mod tests {
    use quote::ToTokens;

    use super::boxed_signature;

    fn boxed(source: &str) -> String {
        let method: syn::TraitItemFn = syn::parse_str(source).unwrap();
        boxed_signature(&method.sig).to_token_stream().to_string()
    }

    #[test]
    fn elided_lifetimes_are_named_in_order_and_bound_to_the_future() {
        assert_eq!(
            boxed(
                "async fn get(&self, app: &ApplicationId, q: Option<&Query<'_>>) -> Result<Event>;"
            ),
            "fn get < 'life0 , 'life1 , 'life2 , 'life3 , 'async_trait > (& 'life0 self , app : & 'life1 ApplicationId , q : Option < & 'life2 Query < 'life3 > >) -> :: core :: pin :: Pin < :: std :: boxed :: Box < dyn :: core :: future :: Future < Output = Result < Event > > + :: core :: marker :: Send + 'async_trait > > where 'life0 : 'async_trait , 'life1 : 'async_trait , 'life2 : 'async_trait , 'life3 : 'async_trait , Self : 'async_trait"
        );
    }

    #[test]
    fn declared_lifetimes_move_their_bounds_to_the_where_clause() {
        assert_eq!(
            boxed("async fn get<'a: 'b, 'b>(&self, x: &'a str, y: &'b str) -> Result<()>;"),
            "fn get < 'a , 'b , 'life0 , 'async_trait > (& 'life0 self , x : & 'a str , y : & 'b str) -> :: core :: pin :: Pin < :: std :: boxed :: Box < dyn :: core :: future :: Future < Output = Result < () > > + :: core :: marker :: Send + 'async_trait > > where 'a : 'async_trait + 'b , 'b : 'async_trait , 'life0 : 'async_trait , Self : 'async_trait"
        );
    }
}
