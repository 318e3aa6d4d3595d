//! What crosses the data edge is what the API means: models decode from JSON objects
//! only (an array is never a struct read by position), one-or-many bodies read an
//! array as many, and a number JSON cannot hold is refused before sending.

#![cfg(all(
    feature = "device",
    feature = "data",
    feature = "application_dashboard"
))]

use httpmock::prelude::*;
use losant::models::{
    ApplicationDashboardPost, DeviceState, DeviceStateOrStates, DeviceTag, TimeSeriesQuery,
};
use losant::prelude::*;
use losant::{ApplicationId, Client, DeviceId, Error, OneOrMany};
use serde_json::json;

const APP: ApplicationId = ApplicationId::from_static("575ec8687ae143cd83dc4a97");
const DEVICE: DeviceId = DeviceId::from_static("575ecf887ae143cd83dc4aa2");

fn client(server: &MockServer) -> Client {
    Client::builder()
        .token("data-edge-token-77a1")
        .base_url(server.base_url())
        .build()
        .unwrap()
}

#[tokio::test]
async fn an_array_answer_is_not_a_model() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).json_body(json!([]));
        })
        .await;
    let error = client(&server).get_device(&APP, &DEVICE).await.unwrap_err();
    let Error::Decode(decode) = &error else {
        panic!("{error:?}")
    };
    assert!(
        decode
            .to_string()
            .contains("invalid type: sequence, expected struct Device"),
        "{decode}"
    );
}

#[test]
fn an_array_of_states_is_many_and_goes_back_as_it_came() {
    let json = br#"[{"data":{"temp":5}}]"#;
    let states: DeviceStateOrStates = losant::json::from_slice(json).unwrap();
    let OneOrMany::Many(list) = &states.0 else {
        panic!("{states:?}")
    };
    assert_eq!(list.len(), 1);
    assert_eq!(serde_json::to_vec(&states).unwrap(), json);
    // Plain serde_json reads it the same way: the shape is the type's own.
    let plain: DeviceStateOrStates = serde_json::from_slice(json).unwrap();
    assert_eq!(plain, states);

    let one: DeviceStateOrStates = serde_json::from_str(r#"{"data":{"temp":5}}"#).unwrap();
    assert!(matches!(one.0, OneOrMany::One(DeviceState { .. })));
    // Two strings are not a tag read by position.
    assert!(serde_json::from_str::<OneOrMany<DeviceTag>>(r#"["k","v"]"#).is_err());
    assert!(losant::json::from_slice::<DeviceTag>(br#"["k","v"]"#).is_err());
}

/// The argument a call refused, or a panic with what it did instead.
fn refused<T: std::fmt::Debug>(result: losant::Result<T>) -> losant::InvalidArgument {
    match result {
        Err(Error::InvalidArgument(invalid)) => *invalid,
        other => panic!("not refused: {other:?}"),
    }
}

#[tokio::test]
async fn a_number_that_is_not_finite_is_refused_with_nothing_sent() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).json_body(json!({}));
        })
        .await;
    let client = client(&server);

    // A field with a range check.
    let mut dashboard = ApplicationDashboardPost::new("Floor 2");
    dashboard.refresh_rate = Some(f64::NAN);
    let invalid = refused(client.post_application_dashboards(&APP, &dashboard).await);
    assert_eq!(invalid.argument(), "dashboard.refreshRate");
    assert_eq!(invalid.reason(), "must be a finite number, got NaN");

    // Fields without a check of their own.
    for (query, field, got) in [
        (
            TimeSeriesQuery {
                duration: Some(f64::INFINITY),
                ..Default::default()
            },
            "query.duration",
            "inf",
        ),
        (
            TimeSeriesQuery {
                resolution: Some(f64::NEG_INFINITY),
                ..Default::default()
            },
            "query.resolution",
            "-inf",
        ),
    ] {
        let invalid = refused(client.time_series_query_data(&APP, &query).await);
        assert_eq!(invalid.argument(), field);
        assert_eq!(
            invalid.reason(),
            format!("must be a finite number, got {got}")
        );
    }
    assert_eq!(any.calls_async().await, 0);
}

#[tokio::test]
async fn tags_and_attributes_decode_in_both_forms_losant_answers() {
    let server = MockServer::start_async().await;
    let device = |tags: serde_json::Value, attributes: serde_json::Value| json!({"id": DEVICE.as_str(), "name": "Pump", "tags": tags, "attributes": attributes});
    let listed = device(
        json!([{"key": "floor", "value": "2"}, {"key": "floor", "value": "3"}]),
        json!([{"name": "voltage", "dataType": "number"}]),
    );
    let keyed = device(
        json!({"floor": ["2", "3"]}),
        json!({"voltage": {"dataType": "number"}}),
    );
    server
        .mock_async(|when, then| {
            when.method(GET).query_param("tagsAsObject", "true");
            then.status(200).json_body(keyed);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET);
            then.status(200).json_body(listed);
        })
        .await;
    let client = client(&server);
    let as_list = client.get_device(&APP, &DEVICE).await.unwrap();
    let as_object = client
        .get_device(&APP, &DEVICE)
        .tags_as_object(true)
        .attributes_as_object(true)
        .await
        .unwrap();
    for device in [&as_list, &as_object] {
        let tags = device.tags.as_ref().unwrap();
        assert_eq!(tags.len(), 2);
        assert_eq!(
            (tags[1].key.as_str(), tags[1].value.as_str()),
            ("floor", "3")
        );
        let attributes = device.attributes.as_ref().unwrap();
        assert_eq!(attributes[0].name, "voltage");
    }
}

#[tokio::test]
async fn a_state_is_sent_as_one_or_many_with_its_time_in_milliseconds() {
    let server = MockServer::start_async().await;
    let path = "/applications/575ec8687ae143cd83dc4a97/devices/575ecf887ae143cd83dc4aa2/state";
    let one = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(path)
                .body(r#"{"data":{"temp":21.5},"time":1465790400000}"#);
            then.status(200).json_body(json!({"success": true}));
        })
        .await;
    let many = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(path)
                .body(r#"[{"data":{"temp":21}},{"data":{"temp":22}}]"#);
            then.status(200).json_body(json!({"success": true}));
        })
        .await;
    let client = client(&server);
    let mut state = DeviceState::new([("temp", 21.5)]);
    state.time = Some(
        losant::Timestamp::from_millis(1_465_790_400_000)
            .unwrap()
            .into(),
    );
    client
        .send_state_device(&APP, &DEVICE, &state.into())
        .await
        .unwrap();
    let batch = vec![
        DeviceState::new([("temp", 21)]),
        DeviceState::new([("temp", 22)]),
    ];
    client
        .send_state_device(&APP, &DEVICE, &batch.into())
        .await
        .unwrap();
    one.assert_async().await;
    many.assert_async().await;

    // Losant's answers read back in each form it writes a time.
    for time in [
        "1465790400000",
        r#""2016-06-13T04:00:00.000Z""#,
        r#"{"$date":"2016-06-13T04:00:00.000Z"}"#,
    ] {
        let read: DeviceState =
            losant::json::from_slice(format!(r#"{{"data":{{}},"time":{time}}}"#).as_bytes())
                .unwrap();
        assert_eq!(read.time.unwrap().as_millis(), 1_465_790_400_000, "{time}");
    }
}

#[test]
fn credentials_are_built_from_their_parts() {
    let credentials = losant::models::DeviceCredentials::new(DEVICE, "key", "secret");
    assert_eq!(
        serde_json::to_value(&credentials).unwrap(),
        json!({"deviceId": DEVICE.as_str(), "key": "key", "secret": "secret"})
    );
}

/// A `oneOf` told apart by a tag field is an enum: each kind decodes into its own
/// struct, a kind this version does not know is kept, and each kind's limits are
/// checked when it is sent.
#[cfg(feature = "notebook")]
#[test]
fn tagged_unions_decode_by_their_tag_and_keep_unknown_kinds() {
    use losant::models::{NotebookInput, NotebookInputDeviceData, NotebookPost};

    let known: NotebookInput = serde_json::from_value(json!({
        "inputType": "deviceData", "fileName": "data.csv",
        "start": 1_700_000_000_000_i64, "end": 1_700_000_600_000_i64,
        "attributes": ["temperature"]
    }))
    .unwrap();
    let NotebookInput::DeviceData(data) = &known else {
        panic!("not decoded by its tag: {known:?}");
    };
    assert_eq!(data.file_name, "data.csv");
    assert_eq!(
        data.attributes.as_deref(),
        Some(&["temperature".to_owned()][..])
    );
    // The tag is written once, from the variant.
    let back = serde_json::to_value(&known).unwrap();
    assert_eq!(back["inputType"], "deviceData");
    assert!(back.get("fileName").is_some());

    let unknown = json!({"inputType": "satelliteFeed", "fileName": "x", "orbit": 7});
    let kept: NotebookInput = serde_json::from_value(unknown.clone()).unwrap();
    assert_eq!(kept, NotebookInput::Other(unknown.clone()));
    assert_eq!(serde_json::to_value(&kept).unwrap(), unknown);

    let mut input = NotebookInputDeviceData::new(0.into(), "data.csv", 0.into());
    input.attributes = Some(vec!["not a key!".into()]);
    let mut post = NotebookPost::new("Daily");
    post.inputs = Some(vec![NotebookInput::DeviceData(input)]);
    let error = post.validate().unwrap_err();
    assert_eq!(error.argument(), "inputs[0].attributes[0]");
}
