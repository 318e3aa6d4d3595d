use losant_core::{api, ApplicationId, Result};

#[api]
pub trait DevicesApi {
    #[endpoint(method = "GET", path = "/applications/<app>/devices", scope = "devices.get")]
    async fn get_devices<'x>(&self, app: &'x ApplicationId) -> Result<()>;
}

fn main() {}
