use losant_core::{api, ApplicationId, EventId, Result};

#[api]
pub trait EventApi {
    #[endpoint(method = "GET", path = "/applications/<app>/events", scope = "events.get")]
    async fn list_events(&self, app: &ApplicationId, #[body] filter: &serde_json::Value) -> Result<serde_json::Value>;

    #[endpoint(method = "delete", path = "/applications/<app>/events/<event>", scope = "event.delete")]
    async fn delete_event(&self, app: &ApplicationId, event: &EventId, #[body] reason: &str) -> Result<()>;
}

fn main() {}
