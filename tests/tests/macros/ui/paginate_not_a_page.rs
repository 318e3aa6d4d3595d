use losant_core::{api, ApplicationId, Result};

/// An answer that is not a page of items.
#[derive(serde::Deserialize)]
pub struct Summary {
    pub count: u64,
}

#[api]
pub trait DevicesApi {
    #[endpoint(method = "GET", path = "/applications/<app>/devices", scope = "devices.get", paginate = "page")]
    async fn get_devices(&self, app: &ApplicationId, #[query] page: Option<u32>) -> Result<Summary>;
}

fn main() {}
