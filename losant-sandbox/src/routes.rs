//! The router: the routes of the Event API and the layers around them.

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
use crate::{event, events};

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
