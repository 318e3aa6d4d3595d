use losant_core::{api, ApplicationId, Result};

#[api]
pub trait EventsApi {
    #[endpoint(method = "GET", path = "/applications/<app>/events", scope = "events.get", paginate = "pgae")]
    async fn get_events(&self, app: &ApplicationId, #[query] page: Option<u32>) -> Result<serde_json::Value>;

    #[endpoint(method = "GET", path = "/applications/<app>/devices", scope = "devices.get", paginate = "app")]
    async fn get_devices(&self, app: &ApplicationId, #[query] page: Option<u32>) -> Result<serde_json::Value>;
}

fn main() {}
