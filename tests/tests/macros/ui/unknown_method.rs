use losant_core::{api, ApplicationId, Result};

#[api]
pub trait EventApi {
    #[endpoint(method = "PTACH", path = "/applications/<app>/events", scope = "events.patch")]
    async fn patch_events(&self, app: &ApplicationId) -> Result<serde_json::Value>;

    #[endpoint(method = "FETCH", path = "/applications/<app>/events", scope = "events.get")]
    async fn fetch_events(&self, app: &ApplicationId) -> Result<serde_json::Value>;
}

fn main() {}
