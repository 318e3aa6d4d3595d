use losant_core::{api, ApplicationId, Result};

#[api]
pub trait EventApi {
    #[endpoint(method = "GET", path = "/applications/<app>/events", scope = "events.get")]
    async fn list_events(
        &self,
        app: &ApplicationId,
        #[header = "Authorization"] token: &str,
        #[header = "X Bad"] bad: &str,
    ) -> Result<serde_json::Value>;
}

fn main() {}
