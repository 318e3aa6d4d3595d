//! What crosses the data edge is what the API means: models decode from JSON objects
//! only (an array is never a struct read by position), one-or-many bodies read an
//! array as many, and a number JSON cannot hold is refused before sending.

#![cfg(all(
    feature = "device",
    feature = "data",
    feature = "application_dashboard"
))]

use httpmock::prelude::*;
use losant::device::GetDeviceOptions;
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
    let error = client(&server)
        .get_device(&APP, &DEVICE, &GetDeviceOptions::default())
        .await
        .unwrap_err();
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
                start: Some(f64::INFINITY),
                ..Default::default()
            },
            "query.start",
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
