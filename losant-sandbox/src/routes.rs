//! The router: the routes the sandbox serves and the layers around them.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State as AxumState};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutLayer};

use crate::error::{ApiError, limit_heads, losant_shape};
use crate::server::ServerLimits;
use crate::store::{State, lock};
use crate::{data, device, devices, event, events, files, signin};

type Shared = Arc<State>;

/// Every route, with (from the outside in) Losant's error shape on every answer, the
/// request counter and injected faults, the head limits, the request timeout, the body
/// limit and the body timeout.
pub(crate) fn router(state: Shared, limits: &ServerLimits) -> Router {
    Router::new()
        .route(
            "/applications/{app}/events/{event}",
            get(event::get).patch(event::patch).delete(event::delete),
        )
        .route(
            "/applications/{app}/events",
            get(events::list)
                .post(events::create)
                .patch(events::bulk_patch),
        )
        .route(
            "/applications/{app}/events/mostRecentBySeverity",
            get(events::most_recent_by_severity),
        )
        .route(
            "/applications/{app}/events/delete",
            post(events::delete_by_query),
        )
        .route("/applications/{app}/events/export", post(events::export))
        .route("/auth/device", post(signin::authenticate_device))
        .route(
            "/applications/{app}/devices",
            get(devices::list).post(devices::create),
        )
        .route(
            "/applications/{app}/devices/{device}",
            get(device::get).patch(device::patch).delete(device::delete),
        )
        .route(
            "/applications/{app}/devices/{device}/state",
            get(device::get_state).post(device::send_state),
        )
        .route(
            "/applications/{app}/devices/{device}/command",
            get(device::get_command).post(device::send_command),
        )
        .route(
            "/applications/{app}/devices/{device}/stateStream",
            get(device::state_stream),
        )
        .route(
            "/applications/{app}/devices/{device}/commandStream",
            get(device::command_stream),
        )
        .route(
            "/applications/{app}/data/time-series-query",
            post(data::time_series),
        )
        .route(
            "/applications/{app}/data/last-value-query",
            post(data::last_value),
        )
        .route(
            "/applications/{app}/files",
            get(files::list).post(files::create),
        )
        .route(
            "/applications/{app}/file/{file}",
            get(files::get).delete(files::delete),
        )
        .route(
            "/applications/{app}/file/{file}/upload",
            post(files::upload),
        )
        .fallback(
            |method: axum::http::Method, uri: axum::http::Uri| async move {
                ApiError::not_served(&method, uri.path())
            },
        )
        .layer(RequestBodyTimeoutLayer::new(limits.body_timeout))
        .layer(DefaultBodyLimit::max(limits.max_body_bytes))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            limits.request_timeout,
        ))
        .layer(middleware::from_fn(limit_heads))
        .layer(middleware::from_fn_with_state(Arc::clone(&state), faults))
        .layer(middleware::from_fn(losant_shape))
        .with_state(state)
}

/// Counts requests, then applies the injected latency and failures.
async fn faults(AxumState(state): AxumState<Shared>, request: Request, next: Next) -> Response {
    state.requests.fetch_add(1, Ordering::SeqCst);
    let (latency, fail) = {
        let mut faults = lock(&state.faults);
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
