//! The HTTP side: routes, authentication, scope checks and Losant's error shape.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Request, State as AxumState};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use losant_core::{ApplicationId, DeviceId, EventId};
use losant_events::{
    Change, DeviceIdChange, Event, EventLevel, EventState, EventUpdate, SourceType,
};
use serde_json::{Value, json};

use crate::state::{State, Store, Token};
use crate::validate;

type Shared = Arc<State>;

/// A Losant-shaped error answer: `{"type": ..., "message": ...}`.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    kind: &'static str,
    message: String,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, kind: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            kind,
            message: message.into(),
        }
    }

    pub(crate) fn validation(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "Validation", message)
    }

    pub(crate) fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "NotFound",
            format!("{what} was not found"),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            axum::Json(json!({"type": self.kind, "message": self.message})),
        )
            .into_response()
    }
}

/// The scopes the API reference lists for `resource.action`: the `all.*` groups (with
/// their `.read` forms for reads), `resource.*` and the action's own scope.
pub(crate) fn accepted_scopes(resource: &str, action: &str, read: bool) -> Vec<String> {
    let mut scopes = Vec::with_capacity(8);
    for group in ["all.Application", "all.Organization", "all.User"] {
        scopes.push(group.to_owned());
        if read {
            scopes.push(format!("{group}.read"));
        }
    }
    scopes.push(format!("{resource}.*"));
    scopes.push(format!("{resource}.{action}"));
    scopes
}

/// A request body as JSON (400 when it is not).
pub(crate) fn parse_json(body: &[u8]) -> Result<Value, ApiError> {
    serde_json::from_slice(body)
        .map_err(|e| ApiError::validation(format!("body is not valid JSON: {e}")))
}

pub(crate) fn router(state: Shared) -> Router {
    Router::new()
        .route(
            "/applications/{app}/events/{event}",
            get(get_event).patch(patch_event).delete(delete_event),
        )
        .route(
            "/applications/{app}/events",
            get(crate::collection::list)
                .post(crate::collection::create)
                .patch(crate::collection::bulk_patch),
        )
        .route(
            "/applications/{app}/events/mostRecentBySeverity",
            get(crate::collection::most_recent_by_severity),
        )
        .route(
            "/applications/{app}/events/delete",
            axum::routing::post(crate::collection::delete_by_query),
        )
        .route(
            "/applications/{app}/events/export",
            axum::routing::post(crate::collection::export),
        )
        .fallback(|| async {
            ApiError::new(StatusCode::NOT_FOUND, "NotFound", "Route was not found")
        })
        .layer(middleware::from_fn_with_state(Arc::clone(&state), faults))
        .with_state(state)
}

/// Counts requests, then applies the injected latency and failures.
async fn faults(AxumState(state): AxumState<Shared>, request: Request, next: Next) -> Response {
    state.requests.fetch_add(1, Ordering::SeqCst);
    let (latency, fail) = {
        let mut faults = state.lock_faults();
        let fail = (faults.fail_next > 0).then(|| {
            faults.fail_next -= 1;
            faults.fail_status
        });
        (faults.latency, fail)
    };
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    if let Some(status) = fail {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
        return ApiError::new(status, "SandboxFault", "failure injected by the sandbox")
            .into_response();
    }
    next.run(request).await
}

/// The known token of the request (401 otherwise).
pub(crate) fn authenticate(store: &Store, headers: &HeaderMap) -> Result<Token, ApiError> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .and_then(|token| store.tokens.get(token))
        .cloned()
        .ok_or_else(|| ApiError::new(StatusCode::UNAUTHORIZED, "Unauthorized", "Unauthorized"))
}

/// Refuses a token none of whose scopes is in `accepted` (403).
pub(crate) fn check_scopes(token: &Token, accepted: &[String]) -> Result<(), ApiError> {
    if token.scopes.iter().any(|s| accepted.contains(s)) {
        return Ok(());
    }
    Err(ApiError::new(
        StatusCode::FORBIDDEN,
        "Forbidden",
        format!(
            "The token's scopes do not allow this action; it requires one of: {}",
            accepted.join(", ")
        ),
    ))
}

fn ids(app: &str, event: &str) -> Result<(ApplicationId, EventId), ApiError> {
    let app = app
        .parse()
        .map_err(|_| ApiError::validation("applicationId must match pattern ^[A-Fa-f\\d]{24}$"))?;
    let event = event
        .parse()
        .map_err(|_| ApiError::validation("eventId must match pattern ^[A-Fa-f\\d]{24}$"))?;
    Ok((app, event))
}

/// Authenticates (401), checks the IDs (400) and the scopes (403), then runs `action`
/// on the application (404 when it does not exist).
fn with_application<T>(
    state: &State,
    headers: &HeaderMap,
    (action_name, read): (&str, bool),
    (app, event): (&str, &str),
    action: impl FnOnce(&mut crate::state::Application, &EventId, &Token) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let mut store = state.lock();
    let token = authenticate(&store, headers)?;
    let (app_id, event_id) = ids(app, event)?;
    check_scopes(&token, &accepted_scopes("event", action_name, read))?;
    let application = store
        .applications
        .get_mut(&app_id)
        .ok_or_else(|| ApiError::not_found("Application"))?;
    action(application, &event_id, &token)
}

async fn get_event(
    AxumState(state): AxumState<Shared>,
    Path((app, event)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<axum::Json<Event>, ApiError> {
    with_application(
        &state,
        &headers,
        ("get", true),
        (&app, &event),
        |application, id, _| {
            application
                .event(id)
                .cloned()
                .map(axum::Json)
                .ok_or_else(|| ApiError::not_found("Event"))
        },
    )
}

async fn delete_event(
    AxumState(state): AxumState<Shared>,
    Path((app, event)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<axum::Json<Value>, ApiError> {
    with_application(
        &state,
        &headers,
        ("delete", false),
        (&app, &event),
        |application, id, _| {
            application
                .remove(id)
                .map(|_| axum::Json(json!({"success": true})))
                .ok_or_else(|| ApiError::not_found("Event"))
        },
    )
}

async fn patch_event(
    AxumState(state): AxumState<Shared>,
    Path((app, event)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<axum::Json<Event>, ApiError> {
    with_application(
        &state,
        &headers,
        ("patch", false),
        (&app, &event),
        |application, id, token| {
            let body = parse_json(&body)?;
            let patch = validate::event_patch(&body).map_err(ApiError::validation)?;
            let stored = application
                .event_mut(id)
                .ok_or_else(|| ApiError::not_found("Event"))?;
            apply_patch(stored, patch, token);
            Ok(axum::Json(stored.clone()))
        },
    )
}

fn change<T: Clone + PartialEq>(slot: &mut Option<T>, new: Option<T>) -> Option<Change<T>> {
    let new = new?;
    if slot.as_ref() == Some(&new) {
        return None;
    }
    let old = slot.replace(new.clone());
    Some(Change::new(old, Some(new)))
}

/// Applies a validated patch and records the change in `updates`.
pub(crate) fn apply_patch(
    event: &mut Event,
    patch: &serde_json::Map<String, Value>,
    token: &Token,
) {
    let text = |key: &str| patch.get(key).and_then(Value::as_str);
    let now = crate::state::now();
    let mut update = EventUpdate::default();
    update.source_type = Some(SourceType::ApiToken);
    update.source_id = Some(token.id.clone());
    update.source_name = Some(token.name.clone());
    update.creation_date = Some(now);
    update.comment = text("comment").map(str::to_owned);
    update.data = patch.get("data").cloned();
    update.state_change = change(&mut event.state, text("state").map(EventState::from));
    update.level_change = change(&mut event.level, text("level").map(EventLevel::from));
    update.subject_change = change(&mut event.subject, text("subject").map(str::to_owned));
    if let Some(device) = patch.get("deviceId") {
        let new: Option<DeviceId> = device.as_str().and_then(|id| id.parse().ok());
        if new != event.device_id {
            let mut device_change = DeviceIdChange::default();
            device_change.old = event.device_id;
            device_change.old_device_name = event.device_name.take();
            device_change.new = new;
            event.device_id = new;
            update.device_id_change = Some(device_change);
        }
    }
    if let Some(Value::Object(tags)) = patch.get("eventTags") {
        let new: BTreeMap<String, String> = tags
            .iter()
            .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_owned())))
            .collect();
        let old = event.event_tags.take().unwrap_or_default();
        let mut changes = BTreeMap::new();
        for key in old.keys().chain(new.keys()) {
            let (before, after) = (old.get(key), new.get(key));
            if before != after {
                changes.insert(key.clone(), Change::new(before.cloned(), after.cloned()));
            }
        }
        if !changes.is_empty() && event.disable_tag_change_tracking != Some(true) {
            update.tags_change = Some(changes);
        }
        event.event_tags = Some(new);
    }
    update.state.clone_from(&event.state);
    event.last_updated = Some(now);
    let updates = event.updates.get_or_insert_with(Vec::new);
    updates.push(update);
    // The schema keeps at most 100 entries: the oldest go first.
    if updates.len() > 100 {
        let excess = updates.len() - 100;
        updates.drain(..excess);
    }
}
