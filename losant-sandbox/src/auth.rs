//! Who calls, on what, and whether they may: one extractor that authenticates the
//! token (401), reads the IDs of the path (400) and checks the action's scopes (403),
//! in that order, before any body is read.

use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::Arc;

use axum::extract::{FromRequestParts, Path};
use axum::http::header;
use axum::http::request::Parts;
use losant_core::{ApplicationId, EventId};

use crate::error::ApiError;
use crate::store::{State, Token};

/// One action of the API, as a type: the extractor [`Caller`] checks its scopes.
pub(crate) trait Action {
    /// The resource, such as `events`.
    const RESOURCE: &'static str;
    /// The action, such as `get`.
    const NAME: &'static str;
    /// Whether the `.read` scope groups allow it.
    const READ: bool;

    /// The scopes the API accepts for the action (API 1.30): the `all.*` groups with
    /// their `.bounded` forms (and `.read` forms for reads), `resource.*` and the
    /// action's own scope.
    fn accepted_scopes() -> Vec<String> {
        let mut scopes = Vec::with_capacity(11);
        for group in ["all.Application", "all.Organization", "all.User"] {
            scopes.push(group.to_owned());
            scopes.push(format!("{group}.bounded"));
            if Self::READ {
                scopes.push(format!("{group}.read"));
            }
        }
        scopes.push(format!("{}.*", Self::RESOURCE));
        scopes.push(format!("{}.{}", Self::RESOURCE, Self::NAME));
        scopes
    }
}

macro_rules! actions {
    ($($(#[$doc:meta])* $ty:ident = $resource:literal . $name:literal, read: $read:literal;)*) => {$(
        $(#[$doc])*
        pub(crate) enum $ty {}

        impl Action for $ty {
            const RESOURCE: &'static str = $resource;
            const NAME: &'static str = $name;
            const READ: bool = $read;
        }
    )*};
}

actions! {
    /// `event.get`
    GetEvent = "event"."get", read: true;
    /// `event.patch`
    PatchEvent = "event"."patch", read: false;
    /// `event.delete`
    DeleteEvent = "event"."delete", read: false;
    /// `events.get`
    ListEvents = "events"."get", read: true;
    /// `events.post`
    PostEvent = "events"."post", read: false;
    /// `events.patch`
    PatchEvents = "events"."patch", read: false;
    /// `events.mostRecentBySeverity`
    MostRecentBySeverity = "events"."mostRecentBySeverity", read: true;
    /// `events.delete`
    DeleteEvents = "events"."delete", read: true;
    /// `events.export`
    ExportEvents = "events"."export", read: true;
}

/// The authenticated caller of action `A` on an application (and an event, on routes
/// that name one). Its rejection is the sandbox's API error.
pub(crate) struct Caller<A> {
    pub(crate) token: Token,
    pub(crate) app: ApplicationId,
    pub(crate) event: Option<EventId>,
    action: PhantomData<fn() -> A>,
}

impl<A> Caller<A> {
    /// The event of the route (routes with `{event}` always have one).
    pub(crate) fn event(&self) -> Result<EventId, ApiError> {
        self.event.ok_or_else(|| ApiError::not_found("Event"))
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
        let event = params
            .get("event")
            .map(|event| parse_id("eventId", event))
            .transpose()?;
        let accepted = A::accepted_scopes();
        if !token.scopes.iter().any(|scope| accepted.contains(scope)) {
            return Err(ApiError::forbidden(format!(
                "The token's scopes do not allow this action; it requires one of: {}",
                accepted.join(", ")
            )));
        }
        if token.application.is_some_and(|own| own != app) {
            return Err(ApiError::forbidden(
                "The token belongs to another application",
            ));
        }
        Ok(Caller {
            token,
            app,
            event,
            action: PhantomData,
        })
    }
}
