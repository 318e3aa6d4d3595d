use losant_core::{api, ApplicationId, Result};

#[api]
pub trait EventApi {
    #[endpoint(method = "GET", path = "/applications/<app>/events", scope = "events.get", method = "POST")]
    async fn list_events(&self, app: &ApplicationId) -> Result<serde_json::Value>;
}

fn main() {}
