//! The devices collection, `/applications/{applicationId}/devices`: listing with a
//! name filter, device classes, tag filters, a parent, an advanced query, sorting and
//! pages; and creation.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::extract::{Query, State as AxumState};
use axum::http::StatusCode;
use axum::response::Response;
use losant_core::DeviceId;
use serde_json::{Value, json};

use crate::auth::{Caller, ListDevices, PostDevice};
use crate::checks::{self, DEVICE_CLASSES};
use crate::error::ApiError;
use crate::fleet::{MAX_DEVICES, StoredDevice, View, new_device};
use crate::listing::Listing;
use crate::query::{DEVICE_QUERY, Queried, check_query, glob, matches_query};
use crate::respond::{JsonBody, json};
use crate::store::{State, lock};

type Shared = Arc<State>;
type Params = Query<HashMap<String, String>>;

const SORT_FIELDS: &[&str] = &[
    "name",
    "id",
    "creationDate",
    "lastUpdated",
    "connectionStatus",
    "deletedAt",
    "ancestorId",
];

/// The values of a parameter sent as one value (`key=v`) or as a list, which the
/// official clients write with indexed brackets (`key[0]=v&key[1]=w`).
fn listed(params: &HashMap<String, String>, key: &str) -> Vec<String> {
    if let Some(value) = params.get(key) {
        return vec![value.clone()];
    }
    let mut items: BTreeMap<usize, String> = BTreeMap::new();
    for (name, value) in params {
        if let Some(index) = name
            .strip_prefix(key)
            .and_then(|rest| rest.strip_prefix('['))
            .and_then(|rest| rest.strip_suffix(']'))
            .and_then(|index| index.parse().ok())
        {
            items.insert(index, value.clone());
        }
    }
    items.into_values().collect()
}

/// `tagFilter[0][key]=floor&tagFilter[0][value]=2`: key and value conditions.
fn tag_filter(params: &HashMap<String, String>) -> Vec<(Option<String>, Option<String>)> {
    let mut filters: BTreeMap<usize, (Option<String>, Option<String>)> = BTreeMap::new();
    for (name, value) in params {
        let Some(rest) = name.strip_prefix("tagFilter[") else {
            continue;
        };
        let Some((index, field)) = rest.split_once("][") else {
            continue;
        };
        let Ok(index) = index.parse::<usize>() else {
            continue;
        };
        let entry = filters.entry(index).or_default();
        match field {
            "key]" => entry.0 = Some(value.clone()),
            "value]" => entry.1 = Some(value.clone()),
            _ => {}
        }
    }
    filters.into_values().collect()
}

/// The filters of a listing.
struct Filters {
    glob: Option<String>,
    classes: Vec<String>,
    tags: Vec<(Option<String>, Option<String>)>,
    parent: Option<String>,
    query: Option<Value>,
}

impl Filters {
    fn of(params: &HashMap<String, String>) -> Result<Self, ApiError> {
        if let Some(field) = params.get("filterField")
            && field != "name"
        {
            return Err(ApiError::validation(
                "filterField must be equal to one of the allowed values: name",
            ));
        }
        let classes = listed(params, "deviceClass");
        if let Some(bad) = classes
            .iter()
            .find(|c| !DEVICE_CLASSES.contains(&c.as_str()))
        {
            return Err(ApiError::validation(format!(
                "deviceClass must be equal to one of the allowed values: {} (not {bad})",
                DEVICE_CLASSES.join(", ")
            )));
        }
        let query = match params.get("query") {
            None => None,
            Some(text) => {
                let query: Value = serde_json::from_str(text)
                    .map_err(|e| ApiError::validation(format!("query is not valid JSON: {e}")))?;
                check_query(&DEVICE_QUERY, "query", &query).map_err(ApiError::validation)?;
                Some(query)
            }
        };
        Ok(Filters {
            glob: params.get("filter").filter(|f| !f.is_empty()).cloned(),
            classes,
            tags: tag_filter(params),
            parent: params.get("parentId").cloned(),
            query,
        })
    }

    fn matches(&self, device: &StoredDevice) -> bool {
        let text = |field: &str| device.doc.get(field).and_then(Value::as_str).unwrap_or("");
        if let Some(pattern) = &self.glob
            && !glob(pattern, text("name"))
        {
            return false;
        }
        if !self.classes.is_empty() && !self.classes.iter().any(|c| c == text("deviceClass")) {
            return false;
        }
        let tags = device.tag_pairs();
        let tagged = self.tags.iter().all(|(key, value)| {
            tags.iter().any(|(k, v)| {
                key.as_ref().is_none_or(|key| key == k)
                    && value.as_ref().is_none_or(|value| value == v)
            })
        });
        if !tagged {
            return false;
        }
        if let Some(parent) = &self.parent
            && text("parentId") != parent
        {
            return false;
        }
        self.query
            .as_ref()
            .is_none_or(|query| matches_query(&DEVICE_QUERY, device, query))
    }
}

pub(crate) async fn list(
    AxumState(state): AxumState<Shared>,
    caller: Caller<ListDevices>,
    Query(params): Params,
) -> Result<Response, ApiError> {
    let filters = Filters::of(&params)?;
    let view = View::of(&params);
    let listing = Listing::of(&params, SORT_FIELDS, "name", true)?;
    let application = state
        .application(&caller.app)
        .ok_or_else(|| ApiError::not_found("Application"))?;
    let (items, total) = {
        let application = lock(&application);
        let matching: Vec<(Value, &StoredDevice)> = application
            .fleet
            .devices
            .values()
            .filter(|device| filters.matches(device))
            .map(|device| (Queried::field(device, &listing.sort_field), device))
            .collect();
        let (page, total) = listing.page_of(matching);
        let items: Vec<Value> = page
            .into_iter()
            .map(|device| device.to_json(view))
            .collect();
        (items, total)
    };
    let mut body = json!({
        "items": items,
        "count": items.len(),
        "totalCount": total,
        "perPage": listing.per_page,
        "page": listing.page,
        "sortField": listing.sort_field,
        "sortDirection": listing.direction(),
        "applicationId": caller.app,
    });
    if let Some(filter) = &filters.glob {
        body["filter"] = json!(filter);
        body["filterField"] = json!("name");
    }
    if let Some(parent) = &filters.parent {
        body["parentId"] = json!(parent);
    }
    if let Some(query) = filters.query {
        body["query"] = query;
    }
    let len = body["count"].as_u64().map_or(0, |count| count * 256);
    let len = usize::try_from(len).unwrap_or(usize::MAX);
    Ok(json(StatusCode::OK, body, len).await)
}

pub(crate) async fn create(
    AxumState(state): AxumState<Shared>,
    caller: Caller<PostDevice>,
    Query(params): Params,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let fields = checks::device(&body.unwrap_or_default(), true).map_err(ApiError::validation)?;
    let view = View::of(&params);
    let application = state
        .application(&caller.app)
        .ok_or_else(|| ApiError::not_found("Application"))?;
    let id = DeviceId::from_bytes(state.next_id());
    let device = new_device(id, caller.app, fields, crate::store::now());
    let answer = device.to_json(view);
    {
        let mut application = lock(&application);
        if application.fleet.devices.len() >= MAX_DEVICES {
            return Err(ApiError::limit_exceeded(format!(
                "the application holds {MAX_DEVICES} devices, the most the sandbox keeps"
            )));
        }
        application.fleet.insert(state.next_sequence(), id, device);
    }
    Ok(json(StatusCode::CREATED, answer, 0).await)
}
