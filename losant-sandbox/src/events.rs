//! The events collection (`/applications/{applicationId}/events`): listing with
//! filters, sort, pages and advanced queries; creation under the 15-per-15-seconds
//! limit; bulk updates; deletion by query; most recent by severity; export.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Query, State as AxumState};
use axum::http::StatusCode;
use axum::response::Response;
use losant_core::ApplicationId;
use losant_events::{Event, EventLevel, EventState, SourceType};
use serde::Serialize;
use serde_json::{Value, json};

use crate::auth::{
    Caller, DeleteEvents, ExportEvents, ListEvents, MostRecentBySeverity, PatchEvents, PostEvent,
};
use crate::error::ApiError;
use crate::listing::Listing;
use crate::mutate::{Patch, insert_event, patch_matching};
use crate::query::{EVENT_QUERY, Filters, SORT_FIELDS, check_query};
use crate::respond::{JsonBody, json};
use crate::store::{Application, State, StoredEvent, lock};
use crate::validate;

type Shared = Arc<State>;
type Params = Query<HashMap<String, String>>;

/// The application of the request (404 when it does not exist).
fn application(
    state: &State,
    app: &ApplicationId,
) -> Result<Arc<std::sync::Mutex<Application>>, ApiError> {
    state
        .application(app)
        .ok_or_else(|| ApiError::not_found("Application"))
}

/// One page of events, as the API answers it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EventsPage {
    items: Vec<Arc<StoredEvent>>,
    count: usize,
    total_count: usize,
    per_page: u64,
    page: u64,
    sort_field: String,
    sort_direction: String,
    application_id: ApplicationId,
    #[serde(skip_serializing_if = "Option::is_none")]
    filter: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    filter_field: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    query: Option<Value>,
}

pub(crate) async fn list(
    AxumState(state): AxumState<Shared>,
    caller: Caller<ListEvents>,
    Query(params): Params,
) -> Result<Response, ApiError> {
    let filters = Filters::from_params(&params)?;
    let listing = Listing::of(&params, SORT_FIELDS, "creationDate", false)?;
    let application = application(&state, &caller.app)?;
    let (items, total) = {
        let application = lock(&application);
        let matching: Vec<(Value, Arc<StoredEvent>)> = application
            .events
            .values()
            .filter(|event| filters.matches(event))
            .map(|event| (event.field(&listing.sort_field), Arc::clone(event)))
            .collect();
        listing.page_of(matching)
    };
    let len = items.iter().map(|event| event.len() + 1).sum();
    let body = EventsPage {
        count: items.len(),
        items,
        total_count: total,
        per_page: listing.per_page,
        page: listing.page,
        sort_direction: listing.direction().to_owned(),
        sort_field: listing.sort_field,
        application_id: caller.app,
        filter_field: filters.subject_glob.is_some().then_some("subject"),
        filter: filters.subject_glob,
        state: filters.state,
        query: filters.query,
    };
    Ok(json(StatusCode::OK, body, len).await)
}

pub(crate) async fn create(
    AxumState(state): AxumState<Shared>,
    caller: Caller<PostEvent>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let body = body.unwrap_or_default();
    validate::event_post(&body).map_err(ApiError::validation)?;
    let mut event: Event = serde_json::from_value(body)
        .map_err(|e| ApiError::validation(format!("body is not a valid event: {e}")))?;
    event.source_type = Some(SourceType::ApiToken);
    event.source_id = Some(caller.token.id.clone());
    event.source_name = Some(caller.token.name.clone());
    let application = application(&state, &caller.app)?;
    // Only an accepted creation counts against the limit.
    let limit = *lock(&state.creation_limit);
    if let Some((count, window)) = limit {
        let mut application = lock(&application);
        let now = Instant::now();
        while application
            .recent_creations
            .front()
            .is_some_and(|at| now.duration_since(*at) >= window)
        {
            application.recent_creations.pop_front();
        }
        if application.recent_creations.len() >= count {
            return Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "RateLimit",
                "Over rate limit, request throttled",
            ));
        }
        application.recent_creations.push_back(now);
    }
    let created = insert_event(&state, &caller.app, event).and_then(|id| {
        lock(&application)
            .event(&id)
            .cloned()
            .ok_or_else(|| ApiError::not_found("Event"))
    });
    let created = match created {
        Ok(created) => created,
        Err(error) => {
            // Refused after all: it does not count.
            lock(&application).recent_creations.pop_back();
            return Err(error);
        }
    };
    let len = created.len();
    Ok(json(StatusCode::CREATED, created, len).await)
}

async fn job(state: &State) -> Response {
    let id: String = losant_core::EventId::from_bytes(state.next_id())
        .as_str()
        .chars()
        .rev()
        .take(21)
        .collect();
    json(
        StatusCode::ACCEPTED,
        json!({"jobQueued": true, "jobId": id, "success": true}),
        0,
    )
    .await
}

/// Whether the caller asked to be told by email or callback: the job form.
fn queued(params: &HashMap<String, String>) -> bool {
    params.contains_key("email") || params.contains_key("callbackUrl")
}

pub(crate) async fn bulk_patch(
    AxumState(state): AxumState<Shared>,
    caller: Caller<PatchEvents>,
    Query(params): Params,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let filters = Filters::from_params(&params)?;
    let body = body.unwrap_or_default();
    let fields = validate::event_patch(&body).map_err(ApiError::validation)?;
    let patch = Patch::new(fields);
    let application = application(&state, &caller.app)?;
    patch_matching(
        &state,
        &mut lock(&application),
        &patch,
        &caller.token,
        |event| filters.matches(event),
    )?;
    if queued(&params) {
        return Ok(job(&state).await);
    }
    Ok(json(StatusCode::OK, json!({"success": true}), 0).await)
}

fn severity(level: Option<&EventLevel>) -> u8 {
    match level {
        Some(EventLevel::Critical) => 4,
        Some(EventLevel::Error) => 3,
        Some(EventLevel::Warning) => 2,
        Some(EventLevel::Info) => 1,
        _ => 0,
    }
}

/// The answer of `mostRecentBySeverity`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EventPlusNewCount {
    event: Option<Arc<StoredEvent>>,
    new_count: usize,
}

pub(crate) async fn most_recent_by_severity(
    AxumState(state): AxumState<Shared>,
    caller: Caller<MostRecentBySeverity>,
    Query(params): Params,
) -> Result<Response, ApiError> {
    let filters = Filters::from_params(&params)?;
    let application = application(&state, &caller.app)?;
    let answer = {
        let application = lock(&application);
        let matching: Vec<&Arc<StoredEvent>> = application
            .events
            .values()
            .filter(|e| filters.matches(e))
            .collect();
        let new_count = matching
            .iter()
            .filter(|e| e.head.state == Some(EventState::New))
            .count();
        let event = matching
            .iter()
            .max_by_key(|e| (severity(e.head.level.as_ref()), e.head.creation_date))
            .map(|e| Arc::clone(e));
        EventPlusNewCount { event, new_count }
    };
    let len = answer.event.as_ref().map_or(0, |e| e.len());
    Ok(json(StatusCode::OK, answer, len).await)
}

pub(crate) async fn delete_by_query(
    AxumState(state): AxumState<Shared>,
    caller: Caller<DeleteEvents>,
    Query(params): Params,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    if let Some(query) = &body {
        check_query(&EVENT_QUERY, "query", query).map_err(ApiError::validation)?;
    }
    let filters = Filters {
        query: body,
        ..Filters::default()
    };
    let application = application(&state, &caller.app)?;
    let removed = {
        let mut application = lock(&application);
        let doomed: Vec<_> = application
            .events
            .values()
            .filter(|event| filters.matches(event))
            .filter_map(|event| event.head.id)
            .collect();
        for id in &doomed {
            application.remove(id);
        }
        doomed.len()
    };
    if queued(&params) {
        return Ok(job(&state).await);
    }
    Ok(json(StatusCode::OK, json!({"removed": removed}), 0).await)
}

pub(crate) async fn export(
    AxumState(state): AxumState<Shared>,
    caller: Caller<ExportEvents>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    if let Some(body) = &body {
        validate::events_export(body).map_err(ApiError::validation)?;
    }
    application(&state, &caller.app)?;
    Ok(job(&state).await)
}
