use losant_core::{api, ApplicationId, Result};

#[api]
pub trait EventApi {
    #[endpoint(method = "GET", path = "/applications/<app>/events", scope = "events.get")]
    async fn list_events(app: &ApplicationId) -> Result<serde_json::Value>;

    #[endpoint(method = "GET", path = "/applications/<app>/events/a", scope = "events.get")]
    async fn by_value(self, app: &ApplicationId) -> Result<serde_json::Value>;

    #[endpoint(method = "GET", path = "/applications/<app>/events/b", scope = "events.get")]
    async fn by_mut(&mut self, app: &ApplicationId) -> Result<serde_json::Value>;
}

fn main() {}
