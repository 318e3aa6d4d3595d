//! The single device, `/applications/{applicationId}/devices/{deviceId}`: get, patch
//! and delete; its state and commands (send and read back); and its two live streams
//! of server-sent events, fed as states and commands arrive.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Query, State as AxumState};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{Stream, StreamExt};
use losant_core::ApplicationId;
use serde_json::{Value, json};
use tokio::sync::broadcast;

use crate::auth::{
    Caller, CommandStream, DeleteDevice, GetCommand, GetDevice, GetState, PatchDevice, SendCommand,
    SendState, StateStream,
};
use crate::checks;
use crate::error::ApiError;
use crate::fleet::{StoredDevice, View};
use crate::respond::{JsonBody, json};
use crate::store::{Application, State, lock};

type Shared = Arc<State>;
type Params = Query<HashMap<String, String>>;

/// Most states or commands one read answers.
const MAX_LIMIT: u64 = 10_000;
/// The longest keep-alive interval a stream takes, in seconds.
const MAX_KEEP_ALIVE: u64 = 3_600;

fn application(state: &State, app: &ApplicationId) -> Result<Arc<Mutex<Application>>, ApiError> {
    state
        .application(app)
        .ok_or_else(|| ApiError::not_found("Application"))
}

/// Runs `f` on the route's device (404 when there is none).
fn with_device<A, T>(
    state: &State,
    caller: &Caller<A>,
    f: impl FnOnce(&mut StoredDevice) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let id = caller.device()?;
    let application = application(state, &caller.app)?;
    let mut application = lock(&application);
    let device = application
        .fleet
        .get_mut(&id)
        .ok_or_else(|| ApiError::not_found("Device"))?;
    f(device)
}

fn success() -> Value {
    json!({"success": true})
}

pub(crate) async fn get(
    AxumState(state): AxumState<Shared>,
    caller: Caller<GetDevice>,
    Query(params): Params,
) -> Result<Response, ApiError> {
    let view = View::of(&params);
    let device = with_device(&state, &caller, |device| Ok(device.to_json(view)))?;
    Ok(json(StatusCode::OK, device, 0).await)
}

pub(crate) async fn patch(
    AxumState(state): AxumState<Shared>,
    caller: Caller<PatchDevice>,
    Query(params): Params,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let fields = checks::device(&body.unwrap_or_default(), false).map_err(ApiError::validation)?;
    let view = View::of(&params);
    let now = crate::store::now();
    let device = with_device(&state, &caller, |device| {
        for (key, value) in fields {
            device.doc.insert(key, value);
        }
        device
            .doc
            .insert("lastUpdated".to_owned(), Value::String(now.to_string()));
        Ok(device.to_json(view))
    })?;
    Ok(json(StatusCode::OK, device, 0).await)
}

pub(crate) async fn delete(
    AxumState(state): AxumState<Shared>,
    caller: Caller<DeleteDevice>,
) -> Result<Response, ApiError> {
    let id = caller.device()?;
    let application = application(&state, &caller.app)?;
    let removed = lock(&application).fleet.remove(&id);
    match removed {
        Some(_) => Ok(json(StatusCode::OK, success(), 0).await),
        None => Err(ApiError::not_found("Device")),
    }
}

pub(crate) async fn send_state(
    AxumState(state): AxumState<Shared>,
    caller: Caller<SendState>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let body = body.ok_or_else(|| ApiError::validation("body must be object or array"))?;
    let now = crate::store::now().as_millis();
    let readings = checks::readings(&body, now).map_err(ApiError::validation)?;
    let max = state.max_states_per_device;
    with_device(&state, &caller, |device| {
        device.record_states(readings, max);
        Ok(())
    })?;
    Ok(json(StatusCode::OK, success(), 0).await)
}

pub(crate) async fn send_command(
    AxumState(state): AxumState<Shared>,
    caller: Caller<SendCommand>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let now = crate::store::now().as_millis();
    let command = checks::command(&body.unwrap_or_default(), now).map_err(ApiError::validation)?;
    with_device(&state, &caller, |device| {
        device.record_command(command);
        Ok(())
    })?;
    Ok(json(StatusCode::OK, success(), 0).await)
}

/// The time window and order of a read of states or commands: `since` (after), or
/// `start`, or `end` minus `duration`, up to `end` (default now); `limit` entries
/// (default 1), newest first unless `sortDirection=asc`.
struct Window {
    from: Option<i64>,
    after: bool,
    to: i64,
    limit: usize,
    ascending: bool,
}

impl Window {
    fn of(params: &HashMap<String, String>) -> Result<Self, ApiError> {
        let number = |key: &str| -> Result<Option<i64>, ApiError> {
            params
                .get(key)
                .map(|v| {
                    v.parse::<i64>()
                        .map_err(|_| ApiError::validation(format!("{key} must be a number")))
                })
                .transpose()
        };
        let limit = number("limit")?.unwrap_or(1);
        let limit = u64::try_from(limit)
            .map_err(|_| ApiError::validation("limit must be at least 0"))?
            .min(MAX_LIMIT);
        let ascending = match params.get("sortDirection").map(String::as_str) {
            None | Some("desc") => false,
            Some("asc") => true,
            Some(_) => {
                return Err(ApiError::validation(
                    "sortDirection must be equal to one of the allowed values: asc, desc",
                ));
            }
        };
        let to = number("end")?.unwrap_or_else(|| crate::store::now().as_millis());
        let since = number("since")?;
        let from = match (since, number("start")?, number("duration")?) {
            (Some(since), _, _) => Some(since),
            (None, Some(start), _) => Some(start),
            (None, None, Some(duration)) => Some(to.saturating_sub(duration)),
            (None, None, None) => None,
        };
        Ok(Window {
            from,
            after: since.is_some(),
            to,
            limit: usize::try_from(limit).unwrap_or(usize::MAX),
            ascending,
        })
    }

    /// The entries (in time order, each with its time) within the window, ordered
    /// and limited, as a JSON array.
    fn answer<'a, T: 'a>(
        &self,
        entries: impl DoubleEndedIterator<Item = (i64, &'a T)>,
        show: impl Fn(&T) -> Value,
    ) -> Value {
        let inside = |time: i64| {
            time <= self.to
                && self.from.is_none_or(|from| {
                    if self.after {
                        time > from
                    } else {
                        time >= from
                    }
                })
        };
        let within = entries
            .filter(|(time, _)| inside(*time))
            .map(|(_, entry)| show(entry));
        Value::Array(if self.ascending {
            within.take(self.limit).collect()
        } else {
            within.rev().take(self.limit).collect()
        })
    }
}

pub(crate) async fn get_state(
    AxumState(state): AxumState<Shared>,
    caller: Caller<GetState>,
    Query(params): Params,
) -> Result<Response, ApiError> {
    let window = Window::of(&params)?;
    let states = with_device(&state, &caller, |device| {
        Ok(window.answer(
            device.states.iter().map(|r| (r.time, r)),
            crate::fleet::Reading::to_json,
        ))
    })?;
    Ok(json(StatusCode::OK, states, 0).await)
}

pub(crate) async fn get_command(
    AxumState(state): AxumState<Shared>,
    caller: Caller<GetCommand>,
    Query(params): Params,
) -> Result<Response, ApiError> {
    let window = Window::of(&params)?;
    let commands = with_device(&state, &caller, |device| {
        Ok(window.answer(
            device.commands.iter().map(|c| (c.time, c)),
            crate::fleet::Command::to_json,
        ))
    })?;
    Ok(json(StatusCode::OK, commands, 0).await)
}

/// The keep-alive interval a stream asked for (`keepAliveInterval`, in seconds), else
/// the sandbox's.
fn keep_alive(state: &State, params: &HashMap<String, String>) -> Result<Duration, ApiError> {
    match params.get("keepAliveInterval") {
        None => Ok(state.keep_alive),
        Some(text) => match text.parse::<u64>() {
            Ok(seconds) if (1..=MAX_KEEP_ALIVE).contains(&seconds) => {
                Ok(Duration::from_secs(seconds))
            }
            _ => Err(ApiError::validation(format!(
                "keepAliveInterval must be a number of seconds from 1 to {MAX_KEEP_ALIVE}"
            ))),
        },
    }
}

/// A stream of server-sent events named `name`, one per message of `feed`, with a
/// comment every `interval` while nothing else is sent; it ends when the sandbox
/// stops. A reader that falls behind the feed skips what it missed.
fn event_stream(
    state: &State,
    name: &'static str,
    feed: broadcast::Receiver<Arc<str>>,
    interval: Duration,
) -> Response {
    let mut stopping = state.stopping.subscribe();
    let stopped = async move {
        // An error means the sandbox is gone: the stream ends either way.
        let _ = stopping.wait_for(|stopping| *stopping).await;
    };
    let messages = futures_util::stream::unfold(feed, |mut feed| async move {
        loop {
            match feed.recv().await {
                Ok(message) => return Some((message, feed)),
                Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    let events: std::pin::Pin<Box<dyn Stream<Item = Result<Event, Infallible>> + Send>> = Box::pin(
        messages
            .map(move |message| Ok(Event::default().event(name).data(&*message)))
            .take_until(stopped),
    );
    Sse::new(events)
        .keep_alive(KeepAlive::new().interval(interval).text("keepalive"))
        .into_response()
}

pub(crate) async fn state_stream(
    AxumState(state): AxumState<Shared>,
    caller: Caller<StateStream>,
    Query(params): Params,
) -> Result<Response, ApiError> {
    let interval = keep_alive(&state, &params)?;
    let feed = with_device(&state, &caller, |device| Ok(device.state_feed.subscribe()))?;
    Ok(event_stream(&state, "deviceState", feed, interval))
}

pub(crate) async fn command_stream(
    AxumState(state): AxumState<Shared>,
    caller: Caller<CommandStream>,
    Query(params): Params,
) -> Result<Response, ApiError> {
    let interval = keep_alive(&state, &params)?;
    let feed = with_device(&state, &caller, |device| {
        Ok(device.command_feed.subscribe())
    })?;
    Ok(event_stream(&state, "deviceCommand", feed, interval))
}
