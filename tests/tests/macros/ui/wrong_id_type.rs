use losant_core::{api, ApplicationId, EventId, Result};

#[api]
pub trait EventApi {
    #[endpoint(method = "GET", path = "/applications/<app>/events/<event>", scope = "event.get")]
    async fn get_event(&self, app: &ApplicationId, event: &EventId) -> Result<serde_json::Value>;
}

async fn call(api: &dyn EventApi, app: ApplicationId, event: EventId) {
    let _ = api.get_event(&event, &app).await;
}

fn main() {}
