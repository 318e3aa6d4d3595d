use losant_core::{api, ApplicationId, EventId, Result};

#[api]
pub trait EventApi {
    #[endpoint(method = "GET", path = "/applications/<app>/events/<evnt>", scope = "event.get")]
    async fn get_event(&self, app: &ApplicationId, event: &EventId) -> Result<serde_json::Value>;
}

fn main() {}
