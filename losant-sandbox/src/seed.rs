//! Seed data: what a sandbox holds when it starts.

use losant_core::ApplicationId;
use losant_events::Event;
use serde::{Deserialize, Serialize};

/// What a sandbox holds when it starts. Read from JSON by the binary's `--seed FILE`:
///
/// ```json
/// {
///   "applications": [{ "id": "575ec8687ae143cd83dc4a97", "name": "My App" }],
///   "events": [{ "applicationId": "575ec8687ae143cd83dc4a97", "id": "575ed0de7ae143cd83dc4aa5",
///                "level": "info", "subject": "Power levels critical" }],
///   "tokens": [{ "token": "my-token", "name": "CI", "scopes": ["all.Application"] }]
/// }
/// ```
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct Seed {
    /// Applications.
    pub applications: Vec<SeedApplication>,
    /// Events; each names its application with `applicationId`.
    pub events: Vec<Event>,
    /// API tokens.
    pub tokens: Vec<SeedToken>,
}

/// An application of a [`Seed`].
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct SeedApplication {
    /// Its ID.
    pub id: ApplicationId,
    /// Its name.
    #[serde(default)]
    pub name: String,
}

/// A token of a [`Seed`].
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct SeedToken {
    /// The bearer token clients send.
    pub token: String,
    /// A name, recorded as the source of the changes the token makes.
    #[serde(default)]
    pub name: Option<String>,
    /// Granted scopes, such as `all.Application` or `event.get`.
    pub scopes: Vec<String>,
}

impl Seed {
    /// The seed of the quickstart and of the binary without `--seed`: the API
    /// reference's example application and event, and the token `sandbox-token` with
    /// the `all.Application` scope.
    #[must_use]
    pub fn demo() -> Self {
        let event = serde_json::json!({
            "applicationId": DEMO_APPLICATION,
            "creationDate": "2016-06-13T04:00:00.000Z",
            "deviceId": "575ecf887ae143cd83dc4aa2",
            "deviceName": "My Device",
            "eventId": DEMO_EVENT,
            "eventTags": { "customKey": "customValue" },
            "id": DEMO_EVENT,
            "lastUpdated": "2016-06-13T04:00:00.000Z",
            "level": "info",
            "message": "Power levels on device 432 have surpassed critical thresholds",
            "sourceId": "575ed70c7ae143cd83dc4aa9",
            "sourceName": "hello@example.com",
            "sourceType": "user",
            "state": "new",
            "subject": "Power levels critical",
            "updates": []
        });
        Seed {
            applications: vec![SeedApplication {
                id: DEMO_APPLICATION.parse().unwrap_or_else(|_| unreachable!()),
                name: "My App".to_owned(),
            }],
            events: vec![serde_json::from_value(event).unwrap_or_default()],
            tokens: vec![SeedToken {
                token: DEMO_TOKEN.to_owned(),
                name: Some("Sandbox token".to_owned()),
                scopes: vec!["all.Application".to_owned()],
            }],
        }
    }

    /// Reads a seed from JSON.
    pub fn from_json(json: &str) -> serde_json::Result<Self> {
        serde_json::from_str(json)
    }
}

/// The demo seed's application.
pub const DEMO_APPLICATION: &str = "575ec8687ae143cd83dc4a97";
/// The demo seed's event.
pub const DEMO_EVENT: &str = "575ed0de7ae143cd83dc4aa5";
/// The demo seed's token (scope `all.Application`).
pub const DEMO_TOKEN: &str = "sandbox-token";
