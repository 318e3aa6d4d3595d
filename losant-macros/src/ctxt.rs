//! Error accumulator: every mistake in one trait is reported in the same build.

use std::fmt::Display;

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;

/// Collects errors instead of stopping at the first one.
#[derive(Default)]
pub(crate) struct Ctxt {
    errors: Option<syn::Error>,
    count: usize,
}

impl Ctxt {
    /// Records an error spanned on `span`.
    pub(crate) fn error(&mut self, span: Span, message: impl Display) {
        self.push(syn::Error::new(span, message));
    }

    /// Records an error spanned on the whole of `tokens`.
    pub(crate) fn error_spanned(&mut self, tokens: impl ToTokens, message: impl Display) {
        self.push(syn::Error::new_spanned(tokens, message));
    }

    /// Records an already built error.
    pub(crate) fn push(&mut self, error: syn::Error) {
        self.count += 1;
        match &mut self.errors {
            Some(errors) => errors.combine(error),
            None => self.errors = Some(error),
        }
    }

    /// How many errors have been recorded so far.
    pub(crate) fn count(&self) -> usize {
        self.count
    }

    /// Whether nothing has been recorded.
    pub(crate) fn is_ok(&self) -> bool {
        self.errors.is_none()
    }

    /// The recorded errors as `compile_error!` invocations.
    pub(crate) fn into_compile_errors(self) -> TokenStream {
        self.errors
            .map(syn::Error::into_compile_error)
            .unwrap_or_default()
    }
}
