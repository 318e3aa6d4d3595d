use losant_core::{api, ApplicationId, Result};

#[api]
pub trait EventApi {
    #[endpoint(method = "GET", path = "/applications/<app>/events", scope = "events")]
    async fn list_events(&self, app: &ApplicationId) -> Result<serde_json::Value>;

    #[endpoint(method = "GET", path = "/applications/<app>/events/summary", scope = "events.get.all")]
    async fn summary(&self, app: &ApplicationId) -> Result<serde_json::Value>;
}

fn main() {}
