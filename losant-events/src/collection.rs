//! Models of the events collection (`/applications/{applicationId}/events`).

use losant_core::{ApplicationId, Page};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::{Event, EventState};
use crate::options::{SortDirection, SortField};

/// A page of events (schema `events`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Events {
    /// The events of this page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<Event>>,
    /// How many events this page holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    /// How many events match in all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_count: Option<u64>,
    /// Events per page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_page: Option<u64>,
    /// This page's number, from 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u64>,
    /// The subject filter applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    /// The field of that filter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter_field: Option<String>,
    /// The sort field applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort_field: Option<SortField>,
    /// The sort direction applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort_direction: Option<SortDirection>,
    /// The state filter applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<EventState>,
    /// The application.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_id: Option<ApplicationId>,
    /// The advanced query applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<Value>,
}

impl Page for Events {
    type Item = Event;

    fn into_items(self) -> Vec<Event> {
        self.items.unwrap_or_default()
    }

    fn total_count(&self) -> Option<u64> {
        self.total_count
    }
}

/// The most recent event of the highest severity, with the number of new events
/// (schema `eventPlusNewCount`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct EventPlusNewCount {
    /// The event, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<Event>,
    /// How many events are in the `new` state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_count: Option<u64>,
}

/// The answer of a deletion by query done at once (schema `eventsDeleted`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EventsDeleted {
    /// How many events were removed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removed: Option<u64>,
}
