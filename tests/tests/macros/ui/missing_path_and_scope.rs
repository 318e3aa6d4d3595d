use losant_core::{api, Result};

#[api]
pub trait EventApi {
    #[endpoint(method = "GET")]
    async fn list_events(&self) -> Result<serde_json::Value>;
}

fn main() {}
