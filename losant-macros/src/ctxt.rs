//! Error accumulator: every mistake in one trait is reported in the same build.

use std::fmt::Display;

use proc_macro2::Span;
use quote::ToTokens;

/// Collects errors instead of stopping at the first one. It must be finished with
/// [`check`](Ctxt::check): dropping it with errors still in it is a bug of this crate
/// (an error the user would never see), and panics, as serde's `Ctxt` does.
pub(crate) struct Ctxt {
    errors: Option<Vec<syn::Error>>,
}

impl Ctxt {
    pub(crate) fn new() -> Self {
        Ctxt {
            errors: Some(Vec::new()),
        }
    }

    fn errors(&mut self) -> &mut Vec<syn::Error> {
        self.errors
            .as_mut()
            .expect("the error accumulator was used after `check`")
    }

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
        self.errors().push(error);
    }

    /// How many errors have been recorded so far.
    pub(crate) fn count(&self) -> usize {
        self.errors.as_ref().map_or(0, Vec::len)
    }

    /// Whether nothing has been recorded.
    pub(crate) fn is_ok(&self) -> bool {
        self.count() == 0
    }

    /// Takes the recorded errors, combined into one.
    pub(crate) fn check(mut self) -> syn::Result<()> {
        let mut errors = self.errors.take().unwrap_or_default().into_iter();
        let Some(mut combined) = errors.next() else {
            return Ok(());
        };
        for error in errors {
            combined.combine(error);
        }
        Err(combined)
    }
}

impl Drop for Ctxt {
    fn drop(&mut self) {
        assert!(
            std::thread::panicking() || self.errors.as_ref().is_none_or(Vec::is_empty),
            "errors were recorded but never reported: call `Ctxt::check`"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::Ctxt;

    #[test]
    fn every_error_is_reported_in_order() {
        let mut cx = Ctxt::new();
        assert!(cx.is_ok());
        cx.error(proc_macro2::Span::call_site(), "first");
        cx.error(proc_macro2::Span::call_site(), "second");
        assert_eq!(cx.count(), 2);
        let errors: Vec<String> = cx
            .check()
            .unwrap_err()
            .into_iter()
            .map(|e| e.to_string())
            .collect();
        assert_eq!(errors, ["first", "second"]);
        assert!(Ctxt::new().check().is_ok());
    }

    #[test]
    #[should_panic(expected = "never reported")]
    fn dropping_unreported_errors_is_a_bug() {
        let mut cx = Ctxt::new();
        cx.error(proc_macro2::Span::call_site(), "lost");
        drop(cx);
    }
}
