//! `losant/tests/models.rs`: the round trip of every model against its schema, one
//! line per schema (the checks themselves are in `losant/tests/support`, written
//! by hand from the schemas).

use proc_macro2::TokenStream;
use quote::quote;

use super::models::inner_doc;
use super::{Uses, doc, ident, rust_type};
use crate::api::Api;
use crate::types::Ty;

/// Where the test goes.
pub const MODELS_TEST: &str = "losant/tests/models.rs";

/// The test file.
#[must_use]
pub fn models(api: &Api) -> TokenStream {
    let mut uses = Uses::default();
    let mut checks = Vec::new();
    for (name, shape) in &api.types.roots {
        if matches!(shape.ty, Ty::Value(_)) {
            continue;
        }
        let ty = rust_type(shape, &api.types, &mut uses);
        checks.push(quote!(report.round_trip::<#ty>(#name);));
    }
    uses.core.insert("JobEnqueued");
    checks.push(quote!(report.round_trip::<JobEnqueued>("jobEnqueuedResult");));
    let count = checks.len();
    let features = api.families.iter().map(|f| {
        let feature = &f.module;
        quote!(feature = #feature)
    });
    let core: Vec<_> = uses.core.iter().map(|name| ident(name)).collect();
    let map = uses.map.then(|| {
        quote!(
            use std::collections::BTreeMap;
        )
    });
    let value = uses.value.then(|| {
        quote!(
            use serde_json::Value;
        )
    });
    let header = inner_doc(&doc(
        "Every model against its schema: an instance of the schema with every property \
         present decodes into the model and encodes back to the same JSON, and the API \
         reference's example of it, when there is one, decodes.",
    ));
    quote! {
        #header
        #![cfg(all(#(#features),*))]

        mod support;

        use losant::models::*;
        use losant::{#(#core),*};
        #map
        #value

        #[test]
        #[allow(clippy::too_many_lines)]
        fn every_model_round_trips_an_instance_of_its_schema() {
            let mut report = support::Report::default();
            #(#checks)*
            let (schemas, examples) = report.finish();
            assert_eq!(schemas, #count);
            assert!(examples > 0);
        }
    }
}
