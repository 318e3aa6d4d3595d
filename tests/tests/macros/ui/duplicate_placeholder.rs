use losant_core::{api, ApplicationId, Result};

#[api]
pub trait EventApi {
    #[endpoint(method = "GET", path = "/applications/<app>/events/<app>", scope = "event.get")]
    async fn get_event(&self, app: &ApplicationId) -> Result<serde_json::Value>;
}

fn main() {}
