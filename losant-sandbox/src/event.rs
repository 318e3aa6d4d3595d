//! The single event: `GET`, `PATCH` and `DELETE` on
//! `/applications/{applicationId}/events/{eventId}`.

use std::sync::Arc;

use axum::extract::State as AxumState;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use crate::auth::{Caller, DeleteEvent, GetEvent, PatchEvent};
use crate::error::ApiError;
use crate::mutate::{Patch, apply_patch, check_bound};
use crate::respond::{JsonBody, json};
use crate::store::{State, lock};
use crate::validate;

type Shared = Arc<State>;

pub(crate) async fn get(
    AxumState(state): AxumState<Shared>,
    caller: Caller<GetEvent>,
) -> Result<Response, ApiError> {
    let id = caller.event()?;
    let application = state
        .application(&caller.app)
        .ok_or_else(|| ApiError::not_found("Application"))?;
    let event = lock(&application)
        .event(&id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("Event"))?;
    let len = event.len();
    Ok(json(StatusCode::OK, event, len).await)
}

pub(crate) async fn patch(
    AxumState(state): AxumState<Shared>,
    caller: Caller<PatchEvent>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let id = caller.event()?;
    let body = body.unwrap_or_default();
    let fields = validate::event_patch(&body).map_err(ApiError::validation)?;
    let patch = Patch::new(fields);
    let application = state
        .application(&caller.app)
        .ok_or_else(|| ApiError::not_found("Application"))?;
    let patched = {
        let mut application = lock(&application);
        let sequence = *application
            .index
            .get(&id)
            .ok_or_else(|| ApiError::not_found("Event"))?;
        let old = application.events[&sequence].clone();
        let new = apply_patch(&old, &patch, &caller.token);
        check_bound(&state, &application, old.len(), new.len())?;
        application.replace(sequence, new);
        application.events[&sequence].clone()
    };
    let len = patched.len();
    Ok(json(StatusCode::OK, patched, len).await)
}

pub(crate) async fn delete(
    AxumState(state): AxumState<Shared>,
    caller: Caller<DeleteEvent>,
) -> Result<Response, ApiError> {
    let id = caller.event()?;
    let application = state
        .application(&caller.app)
        .ok_or_else(|| ApiError::not_found("Application"))?;
    let removed = lock(&application).remove(&id);
    match removed {
        Some(_) => Ok(json(StatusCode::OK, json!({"success": true}), 0).await),
        None => Err(ApiError::not_found("Event")),
    }
}
