use losant_core::{api, ApplicationId, Result};

#[api]
pub trait EventApi {
    #[endpoint(methd = "GET", path = "/applications/<app>/events", scope = "events.get")]
    async fn list_events(&self, app: &ApplicationId) -> Result<serde_json::Value>;

    #[endpoint(method = "GET", path = "/applications/<app>/events/x", scope = "events.get", retries = "3")]
    async fn other(&self, app: &ApplicationId) -> Result<serde_json::Value>;
}

fn main() {}
