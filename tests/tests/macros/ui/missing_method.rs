use losant_core::{api, ApplicationId, Result};

#[api]
pub trait EventApi {
    #[endpoint(path = "/applications/<app>/events", scope = "events.get")]
    async fn list_events(&self, app: &ApplicationId) -> Result<serde_json::Value>;
}

fn main() {}
