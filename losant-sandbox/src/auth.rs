//! Who calls, on what, and whether they may: one extractor that authenticates the
//! token (401), reads the IDs of the path (400) and checks the action's scopes (403),
//! in that order, before any body is read.

use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::Arc;

use axum::extract::{FromRequestParts, Path};
use axum::http::header;
use axum::http::request::Parts;
use losant_core::{ApplicationId, DeviceId, EventId, FileId};

use crate::error::ApiError;
use crate::scopes::ACCEPTED_SCOPES;
use crate::store::{State, Token};

/// One action of the API, as a type: the extractor [`Caller`] checks its scopes.
pub(crate) trait Action {
    /// The official name, such as `events.get`.
    const OFFICIAL: &'static str;

    /// The scopes the API accepts for the action, from the vendored description.
    fn accepted_scopes() -> &'static [&'static str] {
        accepted(Self::OFFICIAL)
    }
}

/// The scopes the API accepts for `official` (none for an action it does not list).
pub(crate) fn accepted(official: &str) -> &'static [&'static str] {
    ACCEPTED_SCOPES
        .binary_search_by(|(name, _)| (*name).cmp(official))
        .map_or(&[], |at| ACCEPTED_SCOPES[at].1)
}

macro_rules! actions {
    ($($ty:ident = $official:literal;)*) => {$(
        #[doc = concat!("`", $official, "`")]
        pub(crate) enum $ty {}

        impl Action for $ty {
            const OFFICIAL: &'static str = $official;
        }
    )*};
}

actions! {
    GetEvent = "event.get";
    PatchEvent = "event.patch";
    DeleteEvent = "event.delete";
    ListEvents = "events.get";
    PostEvent = "events.post";
    PatchEvents = "events.patch";
    MostRecentBySeverity = "events.mostRecentBySeverity";
    DeleteEvents = "events.delete";
    ExportEvents = "events.export";
    GetDevice = "device.get";
    PatchDevice = "device.patch";
    DeleteDevice = "device.delete";
    ListDevices = "devices.get";
    PostDevice = "devices.post";
    SendState = "device.sendState";
    GetState = "device.getState";
    SendCommand = "device.sendCommand";
    GetCommand = "device.getCommand";
    StateStream = "device.stateStream";
    CommandStream = "device.commandStream";
    TimeSeriesQuery = "data.timeSeriesQuery";
    LastValueQuery = "data.lastValueQuery";
    GetFile = "file.get";
    DeleteFile = "file.delete";
    UploadFile = "file.upload";
    PostFile = "files.post";
    ListFiles = "files.get";
}

/// The authenticated caller of action `A` on an application (and the event, device
/// or file the route names, if any). Its rejection is the sandbox's API error.
pub(crate) struct Caller<A> {
    pub(crate) token: Token,
    pub(crate) app: ApplicationId,
    pub(crate) event: Option<EventId>,
    pub(crate) device: Option<DeviceId>,
    pub(crate) file: Option<FileId>,
    action: PhantomData<fn() -> A>,
}

impl<A> Caller<A> {
    /// The event of the route (routes with `{event}` always have one).
    pub(crate) fn event(&self) -> Result<EventId, ApiError> {
        self.event.ok_or_else(|| ApiError::not_found("Event"))
    }

    /// The device of the route (routes with `{device}` always have one).
    pub(crate) fn device(&self) -> Result<DeviceId, ApiError> {
        self.device.ok_or_else(|| ApiError::not_found("Device"))
    }

    /// The file of the route (routes with `{file}` always have one).
    pub(crate) fn file(&self) -> Result<FileId, ApiError> {
        self.file.ok_or_else(|| ApiError::not_found("File"))
    }
}

/// The bearer token of a request; the scheme is case-insensitive (RFC 9110).
fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim_start())
}

fn parse_id<T: std::str::FromStr>(name: &str, text: &str) -> Result<T, ApiError> {
    text.parse()
        .map_err(|_| ApiError::validation(format!("{name} must match pattern ^[A-Fa-f\\d]{{24}}$")))
}

/// The ID of the path parameter `key`, when the route has one.
fn path_id<T: std::str::FromStr>(
    params: &HashMap<String, String>,
    key: &str,
    name: &str,
) -> Result<Option<T>, ApiError> {
    params.get(key).map(|text| parse_id(name, text)).transpose()
}

impl<A: Action> FromRequestParts<Arc<State>> for Caller<A> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<State>,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer(parts)
            .and_then(|token| state.token(token))
            .ok_or_else(ApiError::unauthorized)?;
        let Path(params) = Path::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(|rejection| {
                ApiError::validation(format!(
                    "the URL could not be read: {}",
                    rejection.body_text()
                ))
            })?;
        let app: ApplicationId = match params.get("app") {
            Some(app) => parse_id("applicationId", app)?,
            None => return Err(ApiError::not_found("Route")),
        };
        let event = path_id(&params, "event", "eventId")?;
        let device = path_id(&params, "device", "deviceId")?;
        let file = path_id(&params, "file", "fileId")?;
        let accepted = A::accepted_scopes();
        if !token
            .scopes
            .iter()
            .any(|scope| accepted.contains(&scope.as_str()))
        {
            return Err(ApiError::forbidden(format!(
                "The token's scopes do not allow {}; it requires one of: {}",
                A::OFFICIAL,
                accepted.join(", ")
            )));
        }
        if token.application.is_some_and(|own| own != app) {
            return Err(ApiError::forbidden(
                "The token belongs to another application",
            ));
        }
        // A device's token acts for that device only.
        if let (Some(own), Some(device)) = (token.device, device)
            && own != device
        {
            return Err(ApiError::forbidden("The token belongs to another device"));
        }
        Ok(Caller {
            token,
            app,
            event,
            device,
            file,
            action: PhantomData,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_come_from_the_description() {
        assert!(accepted("device.sendState").contains(&"all.Device"));
        assert!(!accepted("device.delete").contains(&"all.Device"));
        assert!(accepted("events.get").contains(&"all.Application.read"));
        assert!(accepted("auth.authenticateDevice").is_empty());
        assert!(accepted("no.suchAction").is_empty());
        assert_eq!(
            <SendState as Action>::accepted_scopes(),
            accepted("device.sendState")
        );
    }

    #[test]
    fn the_table_is_sorted_for_binary_search() {
        assert!(ACCEPTED_SCOPES.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(ACCEPTED_SCOPES.len(), 375);
    }
}
