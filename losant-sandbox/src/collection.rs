//! The events collection: listing with filters, sort, pages and advanced queries;
//! creation under the 15-per-15-seconds limit; bulk updates; deletion by query;
//! most recent by severity; export.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Path, Query, State as AxumState};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use losant_core::ApplicationId;
use losant_events::{Event, EventLevel, EventState};
use serde_json::{Value, json};

use crate::routes::{
    ApiError, accepted_scopes, apply_patch, authenticate, check_scopes, parse_json,
};
use crate::state::{Application, State, Token};
use crate::validate;

type Shared = Arc<State>;
type Params = Query<HashMap<String, String>>;

/// Authenticates (401), checks the ID (400) and the scopes (403), then runs `action`
/// on the application (404 when it does not exist).
fn with_collection<T>(
    state: &State,
    headers: &HeaderMap,
    (action_name, read): (&str, bool),
    app: &str,
    action: impl FnOnce(&mut Application, &Token) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let mut store = state.lock();
    let token = authenticate(&store, headers)?;
    let app: ApplicationId = app
        .parse()
        .map_err(|_| ApiError::validation("applicationId must match pattern ^[A-Fa-f\\d]{24}$"))?;
    check_scopes(&token, &accepted_scopes("events", action_name, read))?;
    let application = store
        .applications
        .get_mut(&app)
        .ok_or_else(|| ApiError::not_found("Application"))?;
    action(application, &token)
}

/// The filters of a request: subject glob, state and advanced query.
struct Filters {
    subject_glob: Option<String>,
    state: Option<String>,
    query: Option<Value>,
}

fn filters(params: &HashMap<String, String>) -> Result<Filters, ApiError> {
    if let Some(field) = params.get("filterField")
        && field != "subject"
    {
        return Err(ApiError::validation(
            "filterField must be equal to one of the allowed values: subject",
        ));
    }
    let state = params.get("state").cloned();
    if let Some(state) = &state
        && !["new", "acknowledged", "resolved"].contains(&state.as_str())
    {
        return Err(ApiError::validation(
            "state must be equal to one of the allowed values: new, acknowledged, resolved",
        ));
    }
    let query = match params.get("query") {
        None => None,
        Some(text) => {
            let query: Value = serde_json::from_str(text)
                .map_err(|e| ApiError::validation(format!("query is not valid JSON: {e}")))?;
            check_query(&query)?;
            Some(query)
        }
    };
    Ok(Filters {
        subject_glob: params.get("filter").cloned(),
        state,
        query,
    })
}

const QUERY_FIELDS: &[&str] = &[
    "id",
    "creationDate",
    "lastUpdated",
    "sourceId",
    "sourceType",
    "level",
    "state",
    "subject",
    "deviceId",
    "experienceUserId",
    "experienceGroupId",
    "eventTags",
];
const OPERATORS: &[&str] = &[
    "$eq",
    "$ne",
    "$gt",
    "$lt",
    "$gte",
    "$lte",
    "$startsWith",
    "$endsWith",
    "$contains",
    "$in",
    "$nin",
];

/// Checks an advanced query against the schema: known fields, operators and
/// combinators only (400 naming the first unknown one).
fn check_query(query: &Value) -> Result<(), ApiError> {
    let Value::Object(clauses) = query else {
        return Err(ApiError::validation("query must be object"));
    };
    for (key, value) in clauses {
        match key.as_str() {
            "$and" | "$or" | "$nor" => {
                let Value::Array(items) = value else {
                    return Err(ApiError::validation(format!("query/{key} must be array")));
                };
                if items.len() > 100 {
                    return Err(ApiError::validation(format!(
                        "query/{key} must NOT have more than 100 items"
                    )));
                }
                items.iter().try_for_each(check_query)?;
            }
            field if QUERY_FIELDS.contains(&field) => {
                if let Value::Object(operators) = value
                    && field != "eventTags"
                    && let Some(unknown) = operators
                        .keys()
                        .find(|op| !OPERATORS.contains(&op.as_str()))
                {
                    return Err(ApiError::validation(format!(
                        "query/{field} must NOT have additional properties: {unknown}"
                    )));
                }
            }
            other => {
                return Err(ApiError::validation(format!(
                    "query must NOT have additional properties: {other}"
                )));
            }
        }
    }
    Ok(())
}

fn compare(a: &Value, b: &Value) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64()?.partial_cmp(&y.as_f64()?),
        // Dates compare as dates: "…:23Z" and "…:23.100Z" are not in text order.
        (Value::String(x), Value::String(y)) => match (
            chrono::DateTime::parse_from_rfc3339(x),
            chrono::DateTime::parse_from_rfc3339(y),
        ) {
            (Ok(x), Ok(y)) => Some(x.cmp(&y)),
            _ => Some(x.cmp(y)),
        },
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

fn text(value: &Value) -> Option<&str> {
    value.as_str()
}

/// Whether one field's value satisfies a condition (a value, or operators).
fn condition(actual: &Value, condition: &Value) -> bool {
    let Value::Object(operators) = condition else {
        return actual == condition;
    };
    operators
        .iter()
        .all(|(operator, operand)| match operator.as_str() {
            "$eq" => actual == operand,
            "$ne" => actual != operand,
            "$gt" => compare(actual, operand) == Some(std::cmp::Ordering::Greater),
            "$lt" => compare(actual, operand) == Some(std::cmp::Ordering::Less),
            "$gte" => compare(actual, operand).is_some_and(std::cmp::Ordering::is_ge),
            "$lte" => compare(actual, operand).is_some_and(std::cmp::Ordering::is_le),
            "$startsWith" => text(actual)
                .zip(text(operand))
                .is_some_and(|(a, o)| a.starts_with(o)),
            "$endsWith" => text(actual)
                .zip(text(operand))
                .is_some_and(|(a, o)| a.ends_with(o)),
            "$contains" => text(actual)
                .zip(text(operand))
                .is_some_and(|(a, o)| a.contains(o)),
            "$in" => operand
                .as_array()
                .is_some_and(|values| values.contains(actual)),
            "$nin" => operand
                .as_array()
                .is_some_and(|values| !values.contains(actual)),
            _ => false,
        })
}

/// Whether an event (as JSON) matches an advanced query.
fn matches_query(event: &Value, query: &Value) -> bool {
    let Value::Object(clauses) = query else {
        return false;
    };
    clauses.iter().all(|(key, value)| {
        let items = || value.as_array().into_iter().flatten();
        match key.as_str() {
            "$and" => items().all(|q| matches_query(event, q)),
            "$or" => items().any(|q| matches_query(event, q)),
            "$nor" => !items().any(|q| matches_query(event, q)),
            field => condition(event.get(field).unwrap_or(&Value::Null), value),
        }
    })
}

/// `*` matches any text; case-insensitive.
fn glob(pattern: &str, text: &str) -> bool {
    let pattern = pattern.to_lowercase();
    let text = text.to_lowercase();
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || !text[first.len()..].ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    true
}

impl Filters {
    fn matches(&self, event: &Event) -> bool {
        if let Some(pattern) = &self.subject_glob
            && !glob(pattern, event.subject.as_deref().unwrap_or_default())
        {
            return false;
        }
        if let Some(state) = &self.state
            && event.state.as_ref().map(EventState::as_str) != Some(state.as_str())
        {
            return false;
        }
        match &self.query {
            None => true,
            Some(query) => matches_query(&serde_json::to_value(event).unwrap_or_default(), query),
        }
    }
}

fn number(params: &HashMap<String, String>, key: &str, default: u64) -> Result<u64, ApiError> {
    params.get(key).map_or(Ok(default), |value| {
        value
            .parse()
            .map_err(|_| ApiError::validation(format!("{key} must be a non-negative integer")))
    })
}

pub(crate) async fn list(
    AxumState(state): AxumState<Shared>,
    Path(app): Path<String>,
    Query(params): Params,
    headers: HeaderMap,
) -> Result<axum::Json<Value>, ApiError> {
    with_collection(&state, &headers, ("get", true), &app, |application, _| {
        let filters = filters(&params)?;
        let sort_field = params
            .get("sortField")
            .map_or("creationDate", String::as_str);
        if ![
            "subject",
            "id",
            "creationDate",
            "lastUpdated",
            "level",
            "state",
            "deviceId",
        ]
        .contains(&sort_field)
        {
            return Err(ApiError::validation(format!(
                "sortField must be equal to one of the allowed values, not {sort_field}"
            )));
        }
        let direction = params.get("sortDirection").map_or("desc", String::as_str);
        if !["asc", "desc"].contains(&direction) {
            return Err(ApiError::validation(
                "sortDirection must be equal to one of the allowed values: asc, desc",
            ));
        }
        let page = number(&params, "page", 0)?;
        let per_page = number(&params, "perPage", 100)?.clamp(1, 1000);
        // Stable: events with equal keys keep their creation order.
        let mut matching: Vec<(Value, &Event)> = application
            .events
            .values()
            .filter(|event| filters.matches(event))
            .map(|event| {
                let key = serde_json::to_value(event)
                    .ok()
                    .and_then(|v| v.get(sort_field).cloned())
                    .unwrap_or(Value::Null);
                (key, event)
            })
            .collect();
        matching.sort_by(|(a, _), (b, _)| {
            let order = compare(a, b).unwrap_or(std::cmp::Ordering::Equal);
            if direction == "asc" {
                order
            } else {
                order.reverse()
            }
        });
        let total = matching.len() as u64;
        let items: Vec<&Event> = matching
            .into_iter()
            .skip(usize::try_from(page * per_page).unwrap_or(usize::MAX))
            .take(usize::try_from(per_page).unwrap_or(usize::MAX))
            .map(|(_, event)| event)
            .collect();
        let mut body = json!({
            "items": items,
            "count": items.len(),
            "totalCount": total,
            "perPage": per_page,
            "page": page,
            "sortField": sort_field,
            "sortDirection": direction,
            "applicationId": app,
        });
        if let Some(filter) = &filters.subject_glob {
            body["filter"] = json!(filter);
            body["filterField"] = json!("subject");
        }
        if let Some(state) = &filters.state {
            body["state"] = json!(state);
        }
        if let Some(query) = filters.query {
            body["query"] = query;
        }
        Ok(axum::Json(body))
    })
}

pub(crate) async fn create(
    AxumState(state): AxumState<Shared>,
    Path(app): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let limit = *state.lock_creation_limit();
    let created = with_collection(
        &state,
        &headers,
        ("post", false),
        &app,
        |application, token| {
            if let Some((count, window)) = limit {
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
            let body = parse_json(&body)?;
            validate::event_post(&body).map_err(ApiError::validation)?;
            Ok((body, token.clone()))
        },
    )?;
    let (created, token) = created;
    let app_id: ApplicationId = app
        .parse()
        .map_err(|_| ApiError::validation("applicationId"))?;
    let mut event: Event = serde_json::from_value(created)
        .map_err(|e| ApiError::validation(format!("body is not a valid event: {e}")))?;
    event.source_type = Some(losant_events::SourceType::ApiToken);
    event.source_id = Some(token.id);
    event.source_name = Some(token.name);
    let sandbox_event = crate::NewEvent::from(event);
    let id = crate::insert_event(&state, &app_id, sandbox_event);
    let stored = state
        .lock()
        .applications
        .get(&app_id)
        .and_then(|application| application.event(&id).cloned())
        .ok_or_else(|| ApiError::not_found("Event"))?;
    Ok((StatusCode::CREATED, axum::Json(stored)).into_response())
}

fn job(state: &State) -> Response {
    let id: String = state.next_id().chars().rev().take(21).collect();
    (
        StatusCode::ACCEPTED,
        axum::Json(json!({"jobQueued": true, "jobId": id, "success": true})),
    )
        .into_response()
}

/// Whether the caller asked to be told by email or callback: the job form.
fn queued(params: &HashMap<String, String>) -> bool {
    params.contains_key("email") || params.contains_key("callbackUrl")
}

pub(crate) async fn bulk_patch(
    AxumState(state): AxumState<Shared>,
    Path(app): Path<String>,
    Query(params): Params,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    with_collection(
        &state,
        &headers,
        ("patch", false),
        &app,
        |application, token| {
            let filters = filters(&params)?;
            let body = parse_json(&body)?;
            let patch = validate::event_patch(&body).map_err(ApiError::validation)?;
            for event in application
                .events
                .values_mut()
                .filter(|event| filters.matches(event))
            {
                apply_patch(event, patch, token);
            }
            Ok(())
        },
    )?;
    if queued(&params) {
        return Ok(job(&state));
    }
    Ok(axum::Json(json!({"success": true})).into_response())
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

pub(crate) async fn most_recent_by_severity(
    AxumState(state): AxumState<Shared>,
    Path(app): Path<String>,
    Query(params): Params,
    headers: HeaderMap,
) -> Result<axum::Json<Value>, ApiError> {
    with_collection(
        &state,
        &headers,
        ("mostRecentBySeverity", true),
        &app,
        |application, _| {
            let filters = filters(&params)?;
            let matching: Vec<&Event> = application
                .events
                .values()
                .filter(|e| filters.matches(e))
                .collect();
            let new_count = matching
                .iter()
                .filter(|e| e.state == Some(EventState::New))
                .count();
            let top = matching
                .iter()
                .max_by_key(|e| (severity(e.level.as_ref()), e.creation_date))
                .copied();
            Ok(axum::Json(json!({"event": top, "newCount": new_count})))
        },
    )
}

pub(crate) async fn delete_by_query(
    AxumState(state): AxumState<Shared>,
    Path(app): Path<String>,
    Query(params): Params,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let removed = with_collection(
        &state,
        &headers,
        ("delete", true),
        &app,
        |application, _| {
            let query = if body.is_empty() {
                None
            } else {
                let query = parse_json(&body)?;
                check_query(&query)?;
                Some(query)
            };
            let filters = Filters {
                subject_glob: None,
                state: None,
                query,
            };
            let doomed: Vec<_> = application
                .events
                .values()
                .filter(|event| filters.matches(event))
                .filter_map(|event| event.id)
                .collect();
            for id in &doomed {
                application.remove(id);
            }
            Ok(doomed.len())
        },
    )?;
    if queued(&params) {
        return Ok(job(&state));
    }
    Ok(axum::Json(json!({"removed": removed})).into_response())
}

pub(crate) async fn export(
    AxumState(state): AxumState<Shared>,
    Path(app): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    with_collection(&state, &headers, ("export", true), &app, |_, _| {
        if !body.is_empty() {
            let body = parse_json(&body)?;
            if let Some(query) = body.get("query") {
                check_query(query)?;
            }
        }
        Ok(())
    })?;
    Ok(job(&state))
}

#[cfg(test)]
mod tests {
    use super::{glob, matches_query};
    use serde_json::json;

    #[test]
    fn globs_match_case_insensitively() {
        assert!(glob("power*", "Power levels critical"));
        assert!(glob("*critical", "Power levels critical"));
        assert!(glob("p*l*l", "Power levels critical level"));
        assert!(!glob("power", "Power levels"));
        assert!(glob("Power levels", "power LEVELS"));
    }

    #[test]
    fn dates_compare_as_dates() {
        use serde_json::Value;
        let whole = Value::from("2026-01-01T00:00:23Z");
        let later = Value::from("2026-01-01T00:00:23.100Z");
        assert_eq!(
            super::compare(&whole, &later),
            Some(std::cmp::Ordering::Less)
        );
    }

    #[test]
    fn advanced_queries_evaluate_every_operator() {
        let event = json!({"level": "critical", "subject": "Pump 7 stalled", "creationDate": "2026-01-02T00:00:00.000Z"});
        let yes = [
            json!({"level": "critical"}),
            json!({"level": {"$in": ["error", "critical"]}}),
            json!({"level": {"$nin": ["info"]}, "subject": {"$startsWith": "Pump"}}),
            json!({"subject": {"$endsWith": "stalled", "$contains": "7"}}),
            json!({"creationDate": {"$gte": "2026-01-01T00:00:00.000Z", "$lt": "2026-02-01T00:00:00.000Z"}}),
            json!({"$or": [{"level": "info"}, {"level": {"$ne": "info"}}]}),
            json!({"$nor": [{"level": "info"}]}),
            json!({"$and": [{"level": {"$gt": "a"}}, {"level": {"$lte": "critical"}}]}),
        ];
        for query in yes {
            assert!(matches_query(&event, &query), "{query}");
        }
        for query in [
            json!({"level": "info"}),
            json!({"$and": [{"level": "critical"}, {"subject": "x"}]}),
        ] {
            assert!(!matches_query(&event, &query), "{query}");
        }
    }
}
