//! What the generated bindings use compiles for a user too: actions without a
//! token (no scope), the optional token, wildcard own scopes, validated bodies and
//! string enums.

use losant_core::validate::{Checker, Pattern, Validate};
use losant_core::{api, Auth, Result, StringEnum};

#[derive(Debug, Clone, PartialEq, Eq, Hash, StringEnum)]
pub enum Level {
    #[value = "info"]
    Info,
    #[value = "STD_DEV"]
    StdDev,
    Other(String),
}

#[derive(serde::Serialize)]
pub struct Credentials {
    key: String,
    level: Level,
}

impl Validate for Credentials {
    fn check(&self, at: &mut Checker) {
        at.field("key", Some(&self.key), |at, key| at.pattern(key, Pattern::Key));
        at.field("level", Some(&self.level), |at, level| {
            at.listed(level.as_str(), level.is_known(), Level::VALUES);
        });
    }
}

#[api]
pub trait AuthApi {
    #[endpoint(method = "POST", path = "/auth/device", auth = "none")]
    async fn authenticate_device(&self, #[body(validate)] credentials: &Credentials) -> Result<serde_json::Value>;

    #[endpoint(method = "GET", path = "/dashboards/<dashboard>", auth = "optional")]
    async fn get_dashboard(&self, dashboard: &str) -> Result<serde_json::Value>;

    #[endpoint(
        method = "DELETE",
        path = "/dashboards/<dashboard>",
        scope = "dashboard.*",
        accepts = ["all.User", "dashboard.*", "dashboard.delete"]
    )]
    async fn delete_dashboard(&self, dashboard: &str) -> Result<()>;
}

fn main() {
    assert_eq!(AuthApiEndpoints::AUTHENTICATE_DEVICE.auth(), Auth::None);
    assert_eq!(AuthApiEndpoints::AUTHENTICATE_DEVICE.scope(), "");
    assert!(AuthApiEndpoints::AUTHENTICATE_DEVICE.accepted_scopes().is_empty());
    assert_eq!(AuthApiEndpoints::GET_DASHBOARD.auth(), Auth::Optional);
    assert_eq!(AuthApiEndpoints::DELETE_DASHBOARD.scope(), "dashboard.*");
    assert_eq!(Level::from("STD_DEV"), Level::StdDev);
    assert_eq!(Level::from("new").as_str(), "new");
    assert_eq!(Level::VALUES, ["info", "STD_DEV"]);
}
