use losant_core::{api, ApplicationId, Result};

#[api]
pub trait EventApi {
    #[endpoint(method = "POST", path = "/applications/<app>/events", scope = "events.post")]
    async fn create_event(
        &self,
        app: &ApplicationId,
        #[body] event: &serde_json::Value,
        #[body] extra: &serde_json::Value,
    ) -> Result<serde_json::Value>;
}

fn main() {}
