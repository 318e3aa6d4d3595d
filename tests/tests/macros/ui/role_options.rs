use losant_core::{api, ApplicationId, Result};

#[api]
pub trait DevicesApi {
    // A near miss of `validate` gets a suggestion.
    #[endpoint(method = "PATCH", path = "/applications/<app>/devices", scope = "devices.patch")]
    async fn patch_devices(&self, app: &ApplicationId, #[body(validte)] patch: &serde_json::Value) -> Result<()>;

    // `name` wants a string literal, and says so.
    #[endpoint(method = "GET", path = "/applications/<app>/devices", scope = "devices.get")]
    async fn get_devices(&self, app: &ApplicationId, #[query(name = perPage)] per_page: Option<u32>) -> Result<()>;

    // A header name with a newline is printed escaped, on one line.
    #[endpoint(method = "GET", path = "/applications/<app>/devices/count", scope = "devices.count")]
    async fn count_devices(&self, app: &ApplicationId, #[header = "X-Trace
Id"] trace: Option<&str>) -> Result<()>;
}

fn main() {}
