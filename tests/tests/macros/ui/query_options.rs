use losant_core::{api, ApplicationId, Result};

#[api]
pub trait EventsApi {
    #[endpoint(method = "GET", path = "/applications/<app>/events", scope = "events.get")]
    async fn get_events(&self, app: &ApplicationId, #[query(jsn)] query: Option<&serde_json::Value>) -> Result<serde_json::Value>;
}

fn main() {}
