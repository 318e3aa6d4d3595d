use losant_core::{api, Result};

#[api]
pub trait DeviceApi {
    #[endpoint(method = "GET", path = "/a", scope = "device.get", accepts = [])]
    async fn empty(&self) -> Result<()>;

    #[endpoint(method = "GET", path = "/b", scope = "device.get", accepts = ["device.get", "all..read", "device.get"])]
    async fn malformed_and_twice(&self) -> Result<()>;

    #[endpoint(method = "GET", path = "/c", scope = "device.get", accepts = ["all.Application"])]
    async fn own_scope_missing(&self) -> Result<()>;

    #[endpoint(method = "GET", path = "/d", scope = "device.get", accepts = "device.get")]
    async fn not_a_list(&self) -> Result<()>;

    #[endpoint(method = "POST", path = "/e", scope = "auth.authenticateDevice", auth = "basic")]
    async fn unknown_auth(&self) -> Result<()>;
}

fn main() {}
