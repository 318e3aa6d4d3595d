use losant_core::{api, ApplicationId, Result};

pub struct NotDeserializable;

#[api]
pub trait EventApi {
    #[endpoint(method = "GET", path = "/applications/<app>/events", scope = "events.get")]
    async fn list_events(&self, app: &ApplicationId) -> Result<NotDeserializable>;
}

fn main() {}
