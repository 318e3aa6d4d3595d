//! Changes to stored events: adding one, applying a patch with its change record, and
//! the bound every change is held to.

use std::collections::BTreeMap;
use std::sync::Arc;

use losant_core::{ApplicationId, DeviceId, EventId};
use losant_events::{
    Change, DeviceIdChange, Event, EventLevel, EventState, EventUpdate, SourceType,
};
use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::store::{Application, Shared, State, StoredEvent, StoredUpdate, Token, lock};

/// Most entries of an event's history (the schema's bound): the oldest go first.
const MAX_UPDATES: usize = 100;

/// Refuses a change that would make the application hold more than the sandbox's bound.
pub(crate) fn check_bound(
    state: &State,
    application: &Application,
    removed: usize,
    added: usize,
) -> Result<(), ApiError> {
    let after = application
        .bytes
        .saturating_sub(removed)
        .saturating_add(added);
    if after > state.max_application_bytes {
        return Err(ApiError::limit_exceeded(format!(
            "the application's events would take {after} bytes, more than the {} it may hold",
            state.max_application_bytes
        )));
    }
    Ok(())
}

/// Fills in a new event's ID, times, state and source when missing, and stores it
/// (refused when the application would go over its bound).
pub(crate) fn insert_event(
    state: &State,
    app: &ApplicationId,
    mut event: Event,
) -> Result<EventId, ApiError> {
    let id = event
        .id
        .or(event.event_id)
        .unwrap_or_else(|| EventId::from_bytes(state.next_id()));
    let now = crate::store::now();
    event.id = Some(id);
    event.event_id = Some(id);
    event.application_id = Some(*app);
    event.creation_date.get_or_insert(now);
    event.last_updated.get_or_insert(now);
    event.state.get_or_insert(EventState::New);
    event.source_type.get_or_insert(SourceType::User);
    event.updates.get_or_insert_with(Vec::new);
    let stored = StoredEvent::new(event);
    let sequence = state.next_sequence();
    let application = state.application_or_new(*app);
    let mut application = lock(&application);
    let replaced = application.event(&id).map_or(0, |old| old.len());
    check_bound(state, &application, replaced, stored.len())?;
    application.insert(sequence, id, stored);
    Ok(id)
}

fn change<T: Clone + PartialEq>(slot: &mut Option<T>, new: Option<T>) -> Option<Change<T>> {
    let new = new?;
    if slot.as_ref() == Some(&new) {
        return None;
    }
    let old = slot.replace(new.clone());
    Some(Change::new(old, Some(new)))
}

/// A validated patch: its fields, and its `data` parsed once and shared by every event
/// it reaches.
pub(crate) struct Patch<'a> {
    fields: &'a Map<String, Value>,
    data: Option<Shared>,
}

impl<'a> Patch<'a> {
    pub(crate) fn new(fields: &'a Map<String, Value>) -> Self {
        Patch {
            fields,
            data: fields.get("data").cloned().map(Shared::new),
        }
    }

    fn text(&self, key: &str) -> Option<&'a str> {
        self.fields.get(key).and_then(Value::as_str)
    }
}

/// `event` with the patch applied and the change recorded in its history.
pub(crate) fn apply_patch(event: &StoredEvent, patch: &Patch<'_>, token: &Token) -> StoredEvent {
    let mut event = event.clone();
    let head = &mut event.head;
    let now = crate::store::now();
    let mut update = EventUpdate::default();
    update.source_type = Some(SourceType::ApiToken);
    update.source_id = Some(token.id.clone());
    update.source_name = Some(token.name.clone());
    update.creation_date = Some(now);
    update.comment = patch.text("comment").map(str::to_owned);
    update.state_change = change(&mut head.state, patch.text("state").map(EventState::from));
    update.level_change = change(&mut head.level, patch.text("level").map(EventLevel::from));
    update.subject_change = change(&mut head.subject, patch.text("subject").map(str::to_owned));
    if let Some(device) = patch.fields.get("deviceId") {
        let new: Option<DeviceId> = device.as_str().and_then(|id| id.parse().ok());
        if new != head.device_id {
            let mut device_change = DeviceIdChange::default();
            device_change.old = head.device_id;
            device_change.old_device_name = head.device_name.take();
            device_change.new = new;
            head.device_id = new;
            update.device_id_change = Some(device_change);
        }
    }
    if let Some(Value::Object(tags)) = patch.fields.get("eventTags") {
        let new: BTreeMap<String, String> = tags
            .iter()
            .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_owned())))
            .collect();
        let old = head.event_tags.take().unwrap_or_default();
        let mut changes = BTreeMap::new();
        for key in old.keys().chain(new.keys()) {
            let (before, after) = (old.get(key), new.get(key));
            if before != after {
                changes.insert(key.clone(), Change::new(before.cloned(), after.cloned()));
            }
        }
        if !changes.is_empty() && head.disable_tag_change_tracking != Some(true) {
            update.tags_change = Some(changes);
        }
        head.event_tags = Some(new);
    }
    update.state.clone_from(&head.state);
    head.last_updated = Some(now);
    event.head_changed();
    event
        .updates
        .push(Arc::new(StoredUpdate::new(update, patch.data.clone())));
    if event.updates.len() > MAX_UPDATES {
        let excess = event.updates.len() - MAX_UPDATES;
        event.updates.drain(..excess);
    }
    event
}

/// Applies `patch` to every event of `application` that `matches`, all or none: when
/// the result would go over the bound, nothing changes. Returns how many changed.
pub(crate) fn patch_matching(
    state: &State,
    application: &mut Application,
    patch: &Patch<'_>,
    token: &Token,
    matches: impl Fn(&StoredEvent) -> bool,
) -> Result<usize, ApiError> {
    let patched: Vec<(u64, usize, StoredEvent)> = application
        .events
        .iter()
        .filter(|(_, event)| matches(event))
        .map(|(sequence, event)| (*sequence, event.len(), apply_patch(event, patch, token)))
        .collect();
    let removed = patched.iter().map(|(_, old, _)| old).sum();
    let added = patched.iter().map(|(_, _, new)| new.len()).sum();
    check_bound(state, application, removed, added)?;
    let count = patched.len();
    for (sequence, _, event) in patched {
        application.replace(sequence, event);
    }
    Ok(count)
}
