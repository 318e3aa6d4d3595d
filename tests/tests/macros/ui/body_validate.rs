use losant_core::{api, ApplicationId, Result};

#[api]
pub trait DeviceApi {
    // `validate` is the only option of `#[body]`.
    #[endpoint(method = "PATCH", path = "/applications/<app>/devices", scope = "devices.patch")]
    async fn patch_devices(&self, app: &ApplicationId, #[body(check)] patch: &serde_json::Value) -> Result<()>;

    // An action that takes a token has a scope.
    #[endpoint(method = "GET", path = "/dashboards/<dashboard>", auth = "token")]
    async fn get_dashboard(&self, dashboard: &str) -> Result<()>;
}

fn main() {}
