use losant_core::{api, ApplicationId, Result};

#[derive(serde::Serialize)]
pub struct Unchecked {
    name: String,
}

#[api]
pub trait DeviceApi {
    // `validate` needs the body to implement `losant_core::Validate`.
    #[endpoint(method = "POST", path = "/applications/<app>/devices", scope = "devices.post")]
    async fn post_device(&self, app: &ApplicationId, #[body(validate)] device: &Unchecked) -> Result<()>;
}

fn main() {}
