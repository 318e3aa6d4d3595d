use losant_core::{api, ApplicationId, Client, DeviceId, Result};

#[api]
pub trait DeviceApi {
    #[endpoint(method = "DELETE", path = "/applications/<app>/devices/<device>", scope = "device.delete")]
    async fn delete_device(&self, app: &ApplicationId, device: &DeviceId, #[query] include_data: Option<bool>) -> Result<()>;
}

async fn calls(client: Client, app: ApplicationId, device: DeviceId) -> Result<()> {
    // A required argument left out.
    client.delete_device(&app).await?;
    // An optional one passed in place: it is set by name.
    client.delete_device(&app, &device, Some(true)).await?;
    // A setter takes the value, not an `Option`.
    client.delete_device(&app, &device).include_data(Some(true)).await?;
    // A call is sent by `.await`; it is not a `Future` itself.
    tokio::spawn(client.delete_device(&app, &device));
    Ok(())
}

fn main() {}
