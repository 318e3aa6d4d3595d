use losant_core::{api, ApplicationId, Result};

#[api]
pub trait EventApi {
    #[endpoint(method = "GET", path = "/applications/<app>/events", scope = "events.get")]
    async fn list_events(&self, app: &ApplicationId, page: u32) -> Result<serde_json::Value>;
}

fn main() {}
