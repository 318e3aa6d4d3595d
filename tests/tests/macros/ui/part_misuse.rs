use losant_core::{api, ApplicationId, FilePart, Result};

#[api]
pub trait UploadApi {
    // A JSON body and a form in one request.
    #[endpoint(method = "POST", path = "/applications/<app>/import", scope = "application.import")]
    async fn body_and_part(&self, app: &ApplicationId, #[body] options: &serde_json::Value, #[part(file)] bundle: FilePart) -> Result<()>;

    // A GET carries no form.
    #[endpoint(method = "GET", path = "/applications/<app>/files", scope = "files.get")]
    async fn part_on_get(&self, app: &ApplicationId, #[part] name: &str) -> Result<()>;

    // Two arguments for one part name.
    #[endpoint(method = "POST", path = "/applications/<app>/upload", scope = "file.upload")]
    async fn twice(&self, app: &ApplicationId, #[part(file, name = "file")] a: FilePart, #[part(file)] file: FilePart) -> Result<()>;

    // A key misspelt, `json` and `file` together, `validate` on a file.
    #[endpoint(method = "POST", path = "/applications/<app>/upload2", scope = "file.upload")]
    async fn keys(
        &self,
        app: &ApplicationId,
        #[part(fil)] a: FilePart,
        #[part(json, file)] b: FilePart,
        #[part(file, validate)] c: FilePart,
        #[part = 3] d: &str,
    ) -> Result<()>;
}

fn main() {}
