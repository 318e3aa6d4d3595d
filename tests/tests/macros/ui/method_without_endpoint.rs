use losant_core::{api, ApplicationId, Result};

#[api]
pub trait EventApi {
    async fn list_events(&self, app: &ApplicationId) -> Result<serde_json::Value>;
}

fn main() {}
