use losant_core::{endpoint, ApplicationId, Result};

pub trait EventApi {
    #[endpoint(method = "GET", path = "/applications/<app>/events", scope = "events.get")]
    async fn list_events(&self, app: &ApplicationId) -> Result<serde_json::Value>;
}

fn main() {}
