//! Data the client sends, it can read back: `data` at the depth bound goes through
//! every answer that echoes it (the event, its history, a listing, the most recent by
//! severity); one level more, and values the schema does not list, are refused with
//! nothing sent.

use crate::support;

use losant_events::{
    EventApi, EventLevel, EventPatch, EventPost, EventState, EventsApi, MAX_DATA_DEPTH,
};
use losant_sandbox::Sandbox;
use serde_json::{Value, json};

/// `levels` objects and arrays, alternating, around a leaf.
fn nested(levels: usize) -> Value {
    (0..levels).fold(json!("leaf"), |inner, level| {
        if level % 2 == 0 {
            json!([inner])
        } else {
            json!({ "k": inner })
        }
    })
}

fn depth(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Value::Object(fields) => 1 + fields.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

#[tokio::test]
async fn data_at_the_bound_is_read_back_from_every_echo() {
    let sandbox = Sandbox::start().await.unwrap();
    let app = sandbox.add_application("Depth");
    let token = sandbox.add_token("ci", ["all.Application"]);
    let client = support::client_builder(sandbox.base_url())
        .token(token)
        .build()
        .unwrap();
    let deepest = nested(MAX_DATA_DEPTH);
    assert_eq!(depth(&deepest), MAX_DATA_DEPTH);

    let created = client
        .post_event(
            &app,
            &EventPost::new(EventLevel::Critical, "deep").data(deepest.clone()),
        )
        .await
        .unwrap();
    let id = created.id.unwrap();
    assert_eq!(created.data.as_ref(), Some(&deepest));
    let patched = client
        .patch_event(
            &app,
            &id,
            &EventPatch::new().comment("deeper").data(deepest.clone()),
        )
        .await
        .unwrap();
    assert_eq!(patched.updates.unwrap()[0].data.as_ref(), Some(&deepest));
    let fetched = client.get_event(&app, &id).await.unwrap();
    assert_eq!(fetched.data.as_ref(), Some(&deepest));
    // The deepest echo: a listed event's update record.
    let listed = client.get_events(&app).await.unwrap();
    let item = &listed.items.unwrap()[0];
    assert_eq!(
        item.updates.as_ref().unwrap()[0].data.as_ref(),
        Some(&deepest)
    );
    let top = client.most_recent_by_severity(&app).await.unwrap();
    assert_eq!(top.event.unwrap().id, Some(id));
}

#[tokio::test]
async fn one_level_more_and_unlisted_values_are_refused_with_nothing_sent() {
    let sandbox = Sandbox::start().await.unwrap();
    let app = sandbox.add_application("Depth");
    let token = sandbox.add_token("ci", ["all.Application"]);
    let event = sandbox.add_event(
        &app,
        losant_sandbox::NewEvent::new(EventLevel::Info, "shallow"),
    );
    let client = support::client_builder(sandbox.base_url())
        .token(token)
        .build()
        .unwrap();
    let too_deep = nested(MAX_DATA_DEPTH + 1);
    let seen = sandbox.requests_seen();

    let error = client
        .post_event(
            &app,
            &EventPost::new(EventLevel::Info, "deep").data(too_deep.clone()),
        )
        .await
        .unwrap_err();
    assert!(error.is_rejected_before_sending(), "{error}");
    assert!(error.to_string().contains("`data`"), "{error}");
    let error = client
        .patch_event(&app, &event, &EventPatch::new().data(too_deep))
        .await
        .unwrap_err();
    assert!(error.is_rejected_before_sending(), "{error}");
    let error = client
        .patch_event(
            &app,
            &event,
            &EventPatch::new().state(EventState::Other("closed".into())),
        )
        .await
        .unwrap_err();
    assert!(error.is_rejected_before_sending(), "{error}");
    assert!(
        error
            .to_string()
            .contains("`closed` is not one of new, acknowledged, resolved"),
        "{error}"
    );
    assert_eq!(sandbox.requests_seen(), seen, "nothing reached the server");
    assert_eq!(
        sandbox.event(&app, &event).unwrap().updates.unwrap().len(),
        0
    );
}
