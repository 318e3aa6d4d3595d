use losant_core::{api, ApplicationId, Result};

#[api]
pub trait UploadApi {
    #[endpoint(method = "POST", path = "/applications/<app>/upload", scope = "file.upload")]
    async fn upload(&self, app: &ApplicationId, #[part(file)] file: &[u8]) -> Result<()>;
}

fn main() {}
