use losant_core::{api, ApplicationId, EventId, Result};

#[api]
pub trait EventApi {
    #[endpoint(method = "GET", path = "/applications/<app>/events/<event>", scope = "event")]
    async fn get_event(&self, app: &ApplicationId, event: &EventId, extra: u32) -> Result<serde_json::Value>;

    #[endpoint(method = "PUTT", path = "/applications/<ap>/events/<event>", scope = "event.patch")]
    async fn patch_event(&self, app: &ApplicationId, event: &EventId) -> Result<serde_json::Value>;

    #[endpoint(method = "DELETE", path = "/applications/<app>/events/<event>", scope = "event.delete", idempotnt = true)]
    fn delete_event(&self, app: &ApplicationId, event: &EventId) -> Result<()>;
}

fn main() {}
