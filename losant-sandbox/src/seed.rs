//! Seed data: what a sandbox holds when it starts.

use losant_core::ApplicationId;
use losant_events::Event;
use serde::{Deserialize, Serialize};

use crate::provision::{NewAccessKey, NewDevice};

/// What a sandbox holds when it starts. Read from JSON by the binary's `--seed FILE`:
///
/// ```json
/// {
///   "applications": [{ "id": "575ec8687ae143cd83dc4a97", "name": "My App" }],
///   "events": [{ "applicationId": "575ec8687ae143cd83dc4a97", "id": "575ed0de7ae143cd83dc4aa5",
///                "level": "info", "subject": "Power levels critical" }],
///   "tokens": [{ "token": "my-token", "name": "CI", "scopes": ["all.Application"] }],
///   "devices": [{ "applicationId": "575ec8687ae143cd83dc4a97", "id": "575ecf887ae143cd83dc4aa2",
///                 "name": "Pump 7", "tags": [{ "key": "floor", "value": "2" }] }],
///   "accessKeys": [{ "applicationId": "575ec8687ae143cd83dc4a97", "key": "my-key",
///                    "secret": "my-secret" }]
/// }
/// ```
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct Seed {
    /// Applications.
    pub applications: Vec<SeedApplication>,
    /// Events; each names its application with `applicationId`.
    pub events: Vec<Event>,
    /// API tokens.
    pub tokens: Vec<SeedToken>,
    /// Devices (`devicePost` fields); each names its application with
    /// `applicationId`, and may give its `id`.
    pub devices: Vec<NewDevice>,
    /// Access keys, with which devices sign in; each names its application with
    /// `applicationId`, and may give its `key` and `secret` (new ones otherwise) and
    /// the `deviceIds` or `deviceTags` it is for (every device otherwise).
    pub access_keys: Vec<NewAccessKey>,
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
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct SeedToken {
    /// The bearer token clients send.
    pub token: String,
    /// A name, recorded as the source of the changes the token makes.
    #[serde(default)]
    pub name: Option<String>,
    /// Granted scopes, such as `all.Application` or `event.get`.
    pub scopes: Vec<String>,
    /// The application of an application token, which works for that application
    /// only; a token without one works for every application.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_id: Option<ApplicationId>,
}

impl Seed {
    /// The seed of the quickstart and of the binary without `--seed`: the API
    /// reference's example application and event, and the token `sandbox-token` with
    /// the `all.Application` scope.
    ///
    /// # Panics
    ///
    /// Never: the demo data is a constant, which a test reads.
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
        let demo = Seed::from_json(
            &serde_json::json!({
                "applications": [{ "id": DEMO_APPLICATION, "name": "My App" }],
                "events": [event],
                "tokens": [{
                    "token": DEMO_TOKEN,
                    "name": "Sandbox token",
                    "scopes": ["all.Application"]
                }]
            })
            .to_string(),
        );
        demo.expect("the demo seed is a valid constant (tested)")
    }

    /// Reads a seed from JSON.
    pub fn from_json(json: &str) -> serde_json::Result<Self> {
        serde_json::from_str(json)
    }

    /// Checks every event as the API would take it: each names its application, has a
    /// listed level and state, a subject of 1 to 255 characters, valid tags and data at
    /// most 100 levels deep. The error names the event.
    pub fn validate(&self) -> Result<(), SeedError> {
        for (index, event) in self.events.iter().enumerate() {
            let invalid =
                |reason: String| SeedError::new(index, event.id.map(|id| id.to_string()), reason);
            if event.application_id.is_none() {
                return Err(invalid("it has no `applicationId`".to_owned()));
            }
            let json = serde_json::to_value(event).map_err(|e| invalid(e.to_string()))?;
            crate::validate::seed_event(&json).map_err(invalid)?;
        }
        for (index, device) in self.devices.iter().enumerate() {
            if device.application().is_none() {
                return Err(SeedError::device(
                    index,
                    "it has no `applicationId`".to_owned(),
                ));
            }
            device
                .check()
                .map_err(|reason| SeedError::device(index, reason))?;
        }
        for (index, key) in self.access_keys.iter().enumerate() {
            if key.application().is_none() {
                return Err(SeedError::access_key(
                    index,
                    "it has no `applicationId`".to_owned(),
                ));
            }
        }
        Ok(())
    }
}

/// An event, device or access key of a seed that the sandbox cannot hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedError {
    kind: &'static str,
    index: usize,
    id: Option<String>,
    reason: String,
}

impl SeedError {
    pub(crate) fn new(index: usize, id: Option<String>, reason: String) -> Self {
        SeedError {
            kind: "event",
            index,
            id,
            reason,
        }
    }

    pub(crate) fn device(index: usize, reason: String) -> Self {
        SeedError {
            kind: "device",
            index,
            id: None,
            reason,
        }
    }

    pub(crate) fn access_key(index: usize, reason: String) -> Self {
        SeedError {
            kind: "access key",
            index,
            id: None,
            reason,
        }
    }

    /// The position of the entry in its list of the seed (`events`, `devices`,
    /// `accessKeys`), from 0.
    #[must_use]
    pub fn index(&self) -> usize {
        self.index
    }

    /// What is wrong with it.
    #[must_use]
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl std::fmt::Display for SeedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "seed {} {}", self.kind, self.index)?;
        if let Some(id) = &self.id {
            write!(f, " ({id})")?;
        }
        write!(f, " is invalid: {}", self.reason)
    }
}

impl std::error::Error for SeedError {}

/// The demo seed's application.
pub const DEMO_APPLICATION: &str = "575ec8687ae143cd83dc4a97";
/// The demo seed's event.
pub const DEMO_EVENT: &str = "575ed0de7ae143cd83dc4aa5";
/// The demo seed's token (scope `all.Application`).
pub const DEMO_TOKEN: &str = "sandbox-token";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_seed_is_valid() {
        let demo = Seed::demo();
        assert_eq!(demo.events.len(), 1);
        assert!(demo.validate().is_ok());
    }

    #[test]
    fn an_invalid_event_is_named() {
        let seed = Seed::from_json(
            r#"{"events": [
                {"applicationId": "575ec8687ae143cd83dc4a97", "level": "info", "subject": "ok"},
                {"applicationId": "575ec8687ae143cd83dc4a97", "id": "575ed0de7ae143cd83dc4aa5", "level": "loud", "subject": "s"}
            ]}"#,
        )
        .unwrap();
        let error = seed.validate().unwrap_err();
        assert_eq!(error.index(), 1);
        assert_eq!(
            error.to_string(),
            "seed event 1 (575ed0de7ae143cd83dc4aa5) is invalid: level must be equal to one of the allowed values: info, warning, error, critical"
        );
        let device = Seed::from_json(
            r#"{"devices": [
                {"applicationId": "575ec8687ae143cd83dc4a97", "name": "ok"},
                {"applicationId": "575ec8687ae143cd83dc4a97", "name": "bad", "deviceClass": "robot"}
            ], "accessKeys": [{"key": "k", "secret": "s"}]}"#,
        )
        .unwrap();
        let error = device.validate().unwrap_err();
        assert_eq!(error.index(), 1);
        assert!(
            error
                .to_string()
                .starts_with("seed device 1 is invalid: deviceClass must be"),
            "{error}"
        );
        let keyless = Seed::from_json(r#"{"accessKeys": [{"key": "k"}]}"#).unwrap();
        assert_eq!(
            keyless.validate().unwrap_err().to_string(),
            "seed access key 0 is invalid: it has no `applicationId`"
        );
        let orphan = Seed::from_json(r#"{"events": [{"level": "info", "subject": "s"}]}"#).unwrap();
        assert_eq!(
            orphan.validate().unwrap_err().reason(),
            "it has no `applicationId`"
        );
    }
}
