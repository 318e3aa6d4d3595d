//! The device workflow of Losant's own client READMEs, through the `losant` crate as a
//! user calls it, against the embedded sandbox: a device signs in with an access key
//! and carries on with its token (sends its state, one reading and a batch, reads it
//! back, queries its history and its last value, listens live), within the scopes
//! the API gives a device; the back end manages devices, lists them by tag and query,
//! sends commands and uploads a file.

#![cfg(all(
    feature = "device",
    feature = "data",
    feature = "auth",
    feature = "file"
))]

use std::time::Duration;

use losant::auth::DeviceCredentials;
use losant::data::{LastValueQuery, TimeSeriesQuery};
use losant::device::{
    DataType, DeviceCommand, DevicePatch, DevicePost, DeviceQuery, DeviceQueryField, DeviceState,
    DeviceStateOrStates, DeviceTag, DevicesTagFilter,
};
use losant::file::{FilePost, FileType};
use losant::models::DeviceAttributePost;
use losant::prelude::*;
use losant::{
    Aggregation, AggregationFunction, ApplicationId, Client, DeviceId, FileId, FilePart, OneOrMany,
    Time, Timestamp,
};
use losant_sandbox::{AccessKeyCredentials, NewAccessKey, NewDevice, Sandbox};
use serde_json::json;

struct World {
    sandbox: Sandbox,
    app: ApplicationId,
    pump: DeviceId,
    fan: DeviceId,
    key: AccessKeyCredentials,
    /// A client with an application token (`all.Application`).
    admin: Client,
}

async fn world() -> World {
    let sandbox = Sandbox::builder()
        .keep_alive(Duration::from_millis(50))
        .start()
        .await
        .unwrap();
    let app = sandbox.add_application("Greenhouse");
    let pump = sandbox.add_device(
        &app,
        NewDevice::new("Pump 7")
            .tag("floor", "2")
            .attribute("temperature", "number"),
    );
    let fan = sandbox.add_device(&app, NewDevice::new("Fan 1").tag("floor", "3"));
    let key = sandbox.add_access_key(&app, NewAccessKey::all_devices());
    let token = sandbox.add_application_token(&app, "back end", ["all.Application"]);
    let admin = Client::builder()
        .token(token)
        .base_url(sandbox.base_url())
        .build()
        .unwrap();
    World {
        sandbox,
        app,
        pump,
        fan,
        key,
        admin,
    }
}

fn anonymous(sandbox: &Sandbox) -> Client {
    Client::builder()
        .without_token()
        .base_url(sandbox.base_url())
        .build()
        .unwrap()
}

fn reading(temperature: f64, at: Timestamp) -> DeviceState {
    let mut state = DeviceState::new([("temperature", json!(temperature))]);
    state.time = Some(Time::from(at));
    state
}

#[tokio::test]
async fn a_device_signs_in_sends_its_state_and_reads_it_back() {
    let w = world().await;
    let credentials = DeviceCredentials::new(w.pump, w.key.key(), w.key.secret());
    let session = anonymous(&w.sandbox)
        .authenticate_device(&credentials)
        .await
        .unwrap();
    assert_eq!(session.device_id, w.pump);
    assert_eq!(session.application_id, w.app);
    let device = session.client;

    // One reading at now, then a batch of three with their own times: a date string
    // (a `Timestamp`) and epoch milliseconds both reach the server as the API takes them.
    let one = DeviceStateOrStates(OneOrMany::One(DeviceState::new([(
        "temperature",
        json!(20.5),
    )])));
    device
        .send_state_device(&w.app, &w.pump, &one)
        .await
        .unwrap();
    let base: Timestamp = "2026-01-05T10:00:00.000Z".parse().unwrap();
    let at = |minutes: i64| Timestamp::from_millis(base.as_millis() + minutes * 60_000).unwrap();
    let batch = DeviceStateOrStates(OneOrMany::Many(vec![
        reading(21.0, at(0)),
        reading(23.0, at(1)),
        reading(22.0, at(2)),
    ]));
    device
        .send_state_device(&w.app, &w.pump, &batch)
        .await
        .unwrap();
    let raw = json!([{"time": "2026-01-05T10:03:00.000Z", "data": {"temperature": 25}},
                     {"time": base.as_millis() + 4 * 60_000, "data": {"temperature": 24}}]);
    let raw: DeviceStateOrStates = serde_json::from_value(raw).unwrap();
    device
        .send_state_device(&w.app, &w.pump, &raw)
        .await
        .unwrap();

    // The newest first, by default one.
    let latest = device.get_state_device(&w.app, &w.pump).await.unwrap();
    assert_eq!(latest.len(), 1);
    assert_eq!(latest[0].data["temperature"], json!(20.5));
    let window = device
        .get_state_device(&w.app, &w.pump)
        .start(base.as_millis())
        .end(at(4).as_millis())
        .limit(10)
        .sort_direction(losant::device::SortDirection::Asc)
        .await
        .unwrap();
    let values: Vec<_> = window
        .iter()
        .map(|s| s.data["temperature"].clone())
        .collect();
    // Whole numbers go on the wire as JavaScript writes them.
    assert_eq!(
        values,
        [json!(21), json!(23), json!(22), json!(25), json!(24)]
    );
    assert_eq!(window[3].time.map(Time::as_millis), Some(at(3).as_millis()));
    assert_eq!(w.sandbox.states(&w.app, &w.pump).len(), 6);
}

#[tokio::test]
async fn the_history_is_queried_by_resolution_and_last_value() {
    let w = world().await;
    let base: Timestamp = "2026-01-05T10:00:00.000Z".parse().unwrap();
    let at = |seconds: i64| Timestamp::from_millis(base.as_millis() + seconds * 1000).unwrap();
    // Two 5-minute buckets: 1, 2, 6 in the first, 10 and 20 in the second.
    let states = [(0, 1.0), (60, 2.0), (240, 6.0), (300, 10.0), (420, 20.0)];
    let batch = DeviceStateOrStates(OneOrMany::Many(
        states.iter().map(|(s, t)| reading(*t, at(*s))).collect(),
    ));
    w.admin
        .send_state_device(&w.app, &w.pump, &batch)
        .await
        .unwrap();
    let fan = DeviceStateOrStates(OneOrMany::One(reading(99.0, at(30))));
    w.admin
        .send_state_device(&w.app, &w.fan, &fan)
        .await
        .unwrap();

    let query = |function| TimeSeriesQuery {
        start: Some(Time::from(base)),
        end: Some(Time::from(at(599))),
        resolution: Some(300_000.0),
        aggregation: Some(Aggregation::Function(function)),
        attributes: Some(vec!["temperature".to_owned()]),
        device_tags: Some(vec![DevicesTagFilter {
            key: Some("floor".to_owned()),
            value: Some("2".to_owned()),
        }]),
        ..Default::default()
    };
    let cases = [
        (AggregationFunction::Mean, [json!(3), json!(15)]),
        (AggregationFunction::Min, [json!(1), json!(10)]),
        (AggregationFunction::Max, [json!(6), json!(20)]),
        (AggregationFunction::Sum, [json!(9), json!(30)]),
        (AggregationFunction::Count, [json!(3), json!(2)]),
        (AggregationFunction::First, [json!(1), json!(10)]),
        (AggregationFunction::Last, [json!(6), json!(20)]),
    ];
    for (function, expected) in cases {
        let series = w
            .admin
            .time_series_query_data(&w.app, &query(function.clone()))
            .await
            .unwrap();
        assert_eq!(series.resolution, Some(300_000.0));
        assert_eq!(series.start, base);
        assert_eq!(series.devices.len(), 1, "only the device on floor 2");
        let pump = &series.devices[w.pump.as_str()];
        assert_eq!(pump.name, "Pump 7");
        assert_eq!(pump.tags["floor"], ["2"]);
        let times: Vec<Timestamp> = pump.points.iter().map(|p| p.time).collect();
        assert_eq!(times, [base, at(300)], "{function:?}");
        let values: Vec<_> = pump
            .points
            .iter()
            .map(|p| p.data["temperature"].clone())
            .collect();
        assert_eq!(values, expected, "{function:?}");
    }

    let last = w
        .admin
        .last_value_query_data(
            &w.app,
            &LastValueQuery {
                attribute: Some("temperature".to_owned()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(last[w.pump.as_str()].data["temperature"], json!(20));
    assert_eq!(last[w.pump.as_str()].time, at(420));
    assert_eq!(last[w.fan.as_str()].data["temperature"], json!(99));
}

#[tokio::test]
async fn a_device_token_acts_within_the_scopes_the_api_gives_a_device() {
    let w = world().await;
    let credentials = DeviceCredentials::new(w.pump, w.key.key(), w.key.secret());
    let session = anonymous(&w.sandbox)
        .authenticate_device(&credentials)
        .await
        .unwrap();
    let device = session.client;
    // `all.Device` does not allow deleting devices.
    let error = device.delete_device(&w.app, &w.pump).await.unwrap_err();
    assert_eq!(error.status(), Some(403), "{error}");
    assert!(error.to_string().contains("device.delete"), "{error}");
    // Nor acting for another device.
    let other = DeviceStateOrStates(OneOrMany::One(DeviceState::new([(
        "temperature",
        json!(1),
    )])));
    let error = device
        .send_state_device(&w.app, &w.fan, &other)
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(403), "{error}");
    // A wrong secret is refused, as an unknown device is, without saying which.
    for credentials in [
        DeviceCredentials::new(w.pump, w.key.key(), "not-the-secret"),
        DeviceCredentials::new(
            "575ecf887ae143cd83dc4aff".parse().unwrap(),
            w.key.key(),
            w.key.secret(),
        ),
    ] {
        let error = anonymous(&w.sandbox)
            .authenticate_device(&credentials)
            .await
            .unwrap_err();
        assert_eq!(error.status(), Some(401), "{error}");
        assert!(!error.to_string().contains(w.key.secret()), "{error}");
    }
    // A key for other devices does not sign this one in.
    let narrow = w
        .sandbox
        .add_access_key(&w.app, NewAccessKey::for_tag("floor", "3"));
    let error = anonymous(&w.sandbox)
        .authenticate_device(&DeviceCredentials::new(
            w.pump,
            narrow.key(),
            narrow.secret(),
        ))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(401), "{error}");
}

#[tokio::test]
async fn the_state_streams_live_while_another_task_sends_it() {
    let w = world().await;
    let credentials = DeviceCredentials::new(w.pump, w.key.key(), w.key.secret());
    let session = anonymous(&w.sandbox)
        .authenticate_device(&credentials)
        .await
        .unwrap();
    let mut states = w
        .admin
        .state_stream_device(&w.app, &w.pump)
        .keep_alive_interval(1)
        .await
        .unwrap();
    let (app, pump, device) = (w.app, w.pump, session.client);
    let sender = tokio::spawn(async move {
        for temperature in [30, 31, 32] {
            let state = DeviceStateOrStates(OneOrMany::One(DeviceState::new([(
                "temperature",
                json!(temperature),
            )])));
            device.send_state_device(&app, &pump, &state).await.unwrap();
        }
    });
    let mut seen = Vec::new();
    while seen.len() < 3 {
        let state = states
            .try_next()
            .await
            .unwrap()
            .expect("the stream stays open");
        seen.push(state.data["temperature"].clone());
    }
    assert_eq!(seen, [json!(30), json!(31), json!(32)]);
    sender.await.unwrap();
}

#[tokio::test]
async fn commands_are_sent_streamed_and_read_back() {
    let w = world().await;
    let mut commands = w.admin.command_stream_device(&w.app, &w.fan).await.unwrap();
    let mut command = DeviceCommand::new("setSpeed");
    command.payload = Some(json!({"rpm": 900}));
    w.admin
        .send_command_device(&w.app, &w.fan, &command)
        .await
        .unwrap();
    let live = commands.try_next().await.unwrap().unwrap();
    assert_eq!(live.name, "setSpeed");
    assert_eq!(live.payload, Some(json!({"rpm": 900})));
    let stored = w.admin.get_command_device(&w.app, &w.fan).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].name, "setSpeed");
}

#[tokio::test]
async fn devices_are_managed_and_listed_by_tag_query_sort_and_page() {
    let w = world().await;
    let mut post = DevicePost::new("Pump 8");
    post.tags = Some(vec![DeviceTag::new("floor", "2")]);
    post.attributes = Some(vec![DeviceAttributePost::new(
        DataType::Number,
        "temperature",
    )]);
    let created = w.admin.post_devices(&w.app, &post).await.unwrap();
    let id = created.id.unwrap();
    assert_eq!(created.name.as_deref(), Some("Pump 8"));

    let patch = DevicePatch {
        description: Some("north wall".to_owned()),
        ..Default::default()
    };
    let patched = w.admin.patch_device(&w.app, &id, &patch).await.unwrap();
    assert_eq!(patched.description.as_deref(), Some("north wall"));

    // Floor 2, by tag filter, newest name first, one per page.
    let floor = [DevicesTagFilter {
        key: Some("floor".to_owned()),
        value: Some("2".to_owned()),
    }];
    let page = w
        .admin
        .get_devices(&w.app)
        .tag_filter(&floor)
        .sort_direction(losant::device::SortDirection::Desc)
        .per_page(1)
        .await
        .unwrap();
    assert_eq!(page.total_count, Some(2));
    assert_eq!(page.items.unwrap()[0].name.as_deref(), Some("Pump 8"));
    let names: Vec<String> = w
        .admin
        .get_devices(&w.app)
        .tag_filter(&floor)
        .per_page(1)
        .stream()
        .map_ok(|d| d.name.unwrap_or_default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(names, ["Pump 7", "Pump 8"]);

    // An advanced query: names starting with "pump", case-insensitively, not on floor 3.
    let query = DeviceQuery::and([
        DeviceQuery::field(DeviceQueryField::Name)
            .starts_with("pump")
            .case_insensitive(true)
            .into(),
        DeviceQuery::tag("floor", "2"),
    ]);
    let found = w.admin.get_devices(&w.app).query(&query).await.unwrap();
    assert_eq!(found.count, Some(2));
    let glob = w.admin.get_devices(&w.app).filter("fan*").await.unwrap();
    assert_eq!(glob.items.map(|items| items.len()), Some(1));

    w.admin.delete_device(&w.app, &id).await.unwrap();
    let error = w.admin.get_device(&w.app, &id).await.unwrap_err();
    assert!(error.is_not_found(), "{error}");
    assert!(
        error.to_string().contains("Device was not found"),
        "{error}"
    );
}

#[tokio::test]
async fn a_file_is_created_then_uploaded() {
    let w = world().await;
    let made = w
        .admin
        .post_files(&w.app, &FilePost::new("readings.csv", FileType::File))
        .await
        .unwrap();
    let id: FileId = made["id"].as_str().unwrap().parse().unwrap();
    assert_eq!(made["status"], "pending");
    let content = "time,temperature\n10:00,21.5\n".repeat(1000);
    let uploaded = w
        .admin
        .upload_file(
            &w.app,
            &id,
            FilePart::bytes(content.clone()).file_name("readings.csv"),
        )
        .await
        .unwrap();
    assert_eq!(
        uploaded.file_size,
        Some(f64::from(u32::try_from(content.len()).unwrap()))
    );
    assert_eq!(uploaded.content_type.as_deref(), Some("text/csv"));
    assert_eq!(
        w.sandbox.file_content(&w.app, &id).as_deref(),
        Some(content.as_bytes())
    );
    let read = w.admin.get_file(&w.app, &id).await.unwrap();
    assert_eq!(
        read.status.map(|s| s.as_str().to_owned()).as_deref(),
        Some("completed")
    );
}

#[tokio::test]
async fn an_action_the_sandbox_does_not_serve_answers_501() {
    let w = world().await;
    let error = w.admin.get_webhooks(&w.app).await.unwrap_err();
    assert_eq!(error.status(), Some(501), "{error}");
    assert_eq!(error.api_error_type(), Some("NotImplemented"));
    assert!(
        error
            .to_string()
            .contains("/webhooks is not served by the sandbox"),
        "{error}"
    );
}
