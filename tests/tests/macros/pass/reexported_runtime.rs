//! A crate that re-exports the runtime under another path names it with
//! `#[api(crate = ...)]`; the generated code then never names `losant_core`.
#![deny(warnings)]

mod sdk {
    pub use losant_core as losant;
}

mod bindings {
    use crate::sdk::losant::{api, Result};

    /// Actions that take no token.
    #[api(crate = crate::sdk::losant)]
    pub trait AuthApi {
        /// Authenticates a device.
        #[endpoint(method = "POST", path = "/auth/device", scope = "auth.authenticateDevice", auth = "none", accepts = ["auth.authenticateDevice"])]
        async fn authenticate_device(&self, #[body] credentials: &serde_json::Value) -> Result<serde_json::Value>;
    }
}

fn main() {
    use bindings::AuthApiEndpoints;
    let endpoint = &AuthApiEndpoints::AUTHENTICATE_DEVICE;
    assert_eq!(endpoint.auth(), losant_core::Auth::None);
    assert_eq!(endpoint.accepted_scopes(), ["auth.authenticateDevice"]);
    fn is_api<T: bindings::AuthApi>() {}
    is_api::<losant_core::Client>();
}
