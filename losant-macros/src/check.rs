//! The check pass: what `#[api]` needs of the trait itself and of each endpoint
//! method's signature (`async fn name(&self, ...) -> Result<...>`), before any
//! attribute is read.

use syn::{GenericParam, ItemTrait, ReceiverKind, ReturnType, TraitItemFn};

use crate::ast::Returns;
use crate::ctxt::Ctxt;
use crate::symbol::ASYNC_TRAIT;

/// Checks what `#[api]` needs of the trait itself.
pub(crate) fn check_trait(cx: &mut Ctxt, item: &ItemTrait) {
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
            .is_some_and(|s| s.ident == ASYNC_TRAIT)
        {
            cx.error_spanned(
                attr,
                "`#[api]` already makes the trait an async trait: remove `#[async_trait]`",
            );
        }
    }
}

/// Checks the signature of an endpoint method. Returns whether it has the shape
/// the generated code needs (`async fn name(&self, ...) -> Result<...>`).
pub(crate) fn check_signature(cx: &mut Ctxt, method: &TraitItemFn) -> bool {
    let before = cx.count();
    let sig = &method.sig;
    let name = &sig.ident;

    if sig.asyncness.is_none() {
        cx.error(
            sig.fn_token.span,
            format!(
                "endpoint method `{name}` must be `async fn`: write `async fn {name}(&self, ...)`"
            ),
        );
    }
    if let Some(constness) = &sig.constness {
        cx.error(constness.span, "endpoint methods cannot be `const`");
    }
    if !matches!(sig.safety, syn::Safety::Default) {
        cx.error(name.span(), "endpoint methods cannot be `unsafe` or `safe`");
    }
    if let Some(abi) = &sig.abi {
        cx.error_spanned(abi, "endpoint methods cannot declare an ABI");
    }
    if let Some(variadic) = &sig.variadic {
        cx.error_spanned(variadic, "endpoint methods cannot be variadic");
    }
    for param in &sig.generics.params {
        if matches!(param, GenericParam::Lifetime(_)) {
            cx.error_spanned(
                param,
                "endpoint methods cannot declare lifetimes: the call borrows every argument for one lifetime, so write `&T` (or `'_`)",
            );
        } else {
            cx.error_spanned(
                param,
                "endpoint methods cannot have type or const parameters: the trait must stay object-safe (usable as `dyn`)",
            );
        }
    }
    if let Some(where_clause) = &sig.generics.where_clause {
        cx.error_spanned(where_clause, "endpoint methods cannot have a where clause");
    }
    match sig.receiver() {
        Some(receiver) => {
            let by_shared_ref = matches!(&receiver.kind, ReceiverKind::Reference(_, _, None))
                && receiver.mutability.is_none();
            if !by_shared_ref {
                cx.error_spanned(
                    receiver,
                    format!("endpoint method `{name}` must take `&self`"),
                );
            }
        }
        None => cx.error(
            name.span(),
            format!("endpoint method `{name}` must take `&self` as its first argument"),
        ),
    }
    if let Some(body) = &method.default {
        cx.error_spanned(
            body,
            format!("endpoint method `{name}` cannot have a body: `#[api]` writes it"),
        );
    }
    if Returns::of(&sig.output).is_none() {
        let message = format!(
            "endpoint method `{name}` must return `Result<T>` (`losant_core::Result`), or `Result<()>` when the response has no body"
        );
        match &sig.output {
            ReturnType::Type(_, ty) => cx.error_spanned(ty, message),
            ReturnType::Default => cx.error(sig.paren_token.span.close(), message),
        }
    }
    cx.count() == before
}
