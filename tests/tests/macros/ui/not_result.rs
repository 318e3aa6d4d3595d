use losant_core::{api, ApplicationId, Result};

#[api]
pub trait EventApi {
    #[endpoint(method = "GET", path = "/applications/<app>/events", scope = "events.get")]
    async fn list_events(&self, app: &ApplicationId) -> serde_json::Value;

    #[endpoint(method = "DELETE", path = "/applications/<app>/events", scope = "events.delete")]
    async fn delete_events(&self, app: &ApplicationId);

    #[endpoint(method = "GET", path = "/applications/<app>/events/x", scope = "events.get")]
    async fn other(&self, app: &ApplicationId) -> Result<serde_json::Value, String>;
}

fn main() {}
