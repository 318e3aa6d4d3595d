use losant_core::{api, ApplicationId, Result};

pub struct Unencodable;

#[api]
pub trait EventApi {
    #[endpoint(method = "GET", path = "/applications/<app>/things/<thing>", scope = "thing.get")]
    async fn get_thing(&self, app: &ApplicationId, thing: &Unencodable) -> Result<serde_json::Value>;
}

fn main() {}
