//! Signing in and carrying on: [`Authenticate`] turns `auth.authenticateDevice` and
//! `auth.authenticateUser` into a client that acts as the device or the user.

use losant_core::{ApplicationId, Client, DeviceId, OrganizationId, Result, UserId, async_trait};

use crate::auth::{AuthApi, AuthedDevice, AuthedUser, DeviceCredentials, UserCredentials};

/// A device signed in: who it is, and a client that acts as it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DeviceSession {
    /// The device.
    pub device_id: DeviceId,
    /// Its application.
    pub application_id: ApplicationId,
    /// A handle on the client that signed in (same connection pool and settings),
    /// sending the device's token.
    pub client: Client,
    /// The whole answer: the device's class, its MQTT topics, its token (a
    /// [`Secret`](losant_core::Secret), never shown by `Debug`).
    pub authed: AuthedDevice,
}

/// A user signed in: who they are, and a client that acts as them.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct UserSession {
    /// The user.
    pub user_id: UserId,
    /// The organization the token is for, when one was asked.
    pub org_id: Option<OrganizationId>,
    /// A handle on the client that signed in, sending the user's token.
    pub client: Client,
    /// The whole answer, the token included (a [`Secret`](losant_core::Secret)).
    pub authed: AuthedUser,
}

/// Signs in with a device's access key or a user's password, and gives a client that
/// carries on with the token the API answered. The client signing in needs no token
/// of its own ([`ClientBuilder::without_token`](losant_core::ClientBuilder::without_token));
/// the new client shares its connection pool and settings
/// ([`Client::with_token`]).
///
/// ```no_run
/// # async fn run() -> losant::Result<()> {
/// use losant::prelude::*;
/// use losant::{Client, DeviceId};
/// use losant::auth::DeviceCredentials;
///
/// let anonymous = Client::builder().without_token().build()?;
/// let device_id: DeviceId = "575ecf887ae143cd83dc4aa2".parse()?;
/// let credentials = DeviceCredentials::new(device_id, "access-key", "access-secret");
/// let session = anonymous.authenticate_device(&credentials).await?;
/// let state = session
///     .client
///     .get_state_device(&session.application_id, &session.device_id)
///     .await?;
/// # Ok(()) }
/// ```
#[async_trait]
pub trait Authenticate {
    /// `auth.authenticateDevice`, then a client with the device's token.
    async fn authenticate_device(&self, credentials: &DeviceCredentials) -> Result<DeviceSession>;

    /// `auth.authenticateUser`, then a client with the user's token.
    async fn authenticate_user(&self, credentials: &UserCredentials) -> Result<UserSession>;
}

#[async_trait]
impl Authenticate for Client {
    async fn authenticate_device(&self, credentials: &DeviceCredentials) -> Result<DeviceSession> {
        let authed = self.authenticate_device_auth(credentials).await?;
        Ok(DeviceSession {
            device_id: authed.device_id,
            application_id: authed.application_id,
            client: self.with_token(authed.token.expose())?,
            authed,
        })
    }

    async fn authenticate_user(&self, credentials: &UserCredentials) -> Result<UserSession> {
        let authed = self.authenticate_user_auth(credentials).await?;
        Ok(UserSession {
            user_id: authed.user_id,
            org_id: authed.org_id,
            client: self.with_token(authed.token.expose())?,
            authed,
        })
    }
}
