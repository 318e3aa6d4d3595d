use losant_core::{api, ApplicationId, Result};

#[api]
pub trait EventApi {
    #[endpoint(method = "GET", path = "/applications/<app>/events", scope = "events.get")]
    async fn list_events(&self, #[query] app: &ApplicationId) -> Result<serde_json::Value>;

    #[endpoint(method = "POST", path = "/applications/<app>/events", scope = "events.post")]
    async fn create_event(&self, app: &ApplicationId, #[body] #[query] event: &serde_json::Value) -> Result<serde_json::Value>;
}

fn main() {}
