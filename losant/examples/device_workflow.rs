//! The device workflow, offline against the embedded sandbox: a device signs in with
//! an access key and carries on with its own token, sends an hour of readings in
//! batches, and the back end queries the time series, reads the last value and
//! listens to the device's state live while the device sends it.
//!
//! ```sh
//! cargo run --example device_workflow
//! ```

use std::process::ExitCode;
use std::time::Duration;

use losant::auth::DeviceCredentials;
use losant::data::{LastValueQuery, TimeSeriesQuery};
use losant::device::{DeviceState, DeviceStateOrStates};
use losant::prelude::*;
use losant::{Aggregation, AggregationFunction, ApplicationId, Client, DeviceId, OneOrMany, Time};
use losant_sandbox::{NewAccessKey, NewDevice, Sandbox};
use serde_json::json;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("device_workflow failed: {error}");
            ExitCode::FAILURE
        }
    }
}

/// A temperature that drifts through the hour.
fn temperature(minute: i64) -> f64 {
    // A small whole number of minutes: exact as f64.
    #[allow(clippy::cast_precision_loss)]
    let minute = minute as f64;
    20.0 + (minute / 10.0).sin() * 2.5
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    // The sandbox holds an application with one device and an access key; in
    // production these come from the Losant console.
    let sandbox = Sandbox::start().await?;
    let app = sandbox.add_application("Greenhouse");
    let device_id = sandbox.add_device(
        &app,
        NewDevice::new("Greenhouse sensor")
            .tag("zone", "north")
            .attribute("temperature", "number"),
    );
    let key = sandbox.add_access_key(&app, NewAccessKey::all_devices());
    let back_end_token = sandbox.add_application_token(&app, "back end", ["all.Application"]);

    // The device signs in: a client without a token, then one with the device's.
    let anonymous = Client::builder()
        .without_token()
        .base_url(sandbox.base_url())
        .build()?;
    let credentials = DeviceCredentials::new(device_id, key.key(), key.secret());
    let session = anonymous.authenticate_device(&credentials).await?;
    println!(
        "device {} signed in to application {}",
        session.device_id, session.application_id
    );
    let now = Time::now().as_millis();
    send_an_hour(&session.client, &app, &device_id, now).await?;

    // The back end, with its own token, reads the hour back and listens live.
    let back_end = Client::builder()
        .token(back_end_token)
        .base_url(sandbox.base_url())
        .build()?;
    read_the_hour(&back_end, &app, &device_id, now).await?;
    listen_live(&back_end, session.client, app, device_id).await?;
    sandbox.stop().await;
    Ok(())
}

/// An hour of readings up to `now`, one a minute, sent in batches of 15.
async fn send_an_hour(
    device: &Client,
    app: &ApplicationId,
    id: &DeviceId,
    now: i64,
) -> losant::Result<()> {
    let hour_ago = now - 3_600_000;
    for batch in 0..4 {
        let states: Vec<DeviceState> = (0..15)
            .map(|i| {
                let minute = batch * 15 + i;
                let mut state = DeviceState::new([("temperature", json!(temperature(minute)))]);
                state.time = Some(Time::from_millis(hour_ago + minute * 60_000));
                state
            })
            .collect();
        let states = DeviceStateOrStates(OneOrMany::Many(states));
        device.send_state_device(app, id, &states).await?;
    }
    println!("sent 60 readings in 4 batches");
    Ok(())
}

/// The hour averaged over 15 minutes, and the last value.
async fn read_the_hour(
    back_end: &Client,
    app: &ApplicationId,
    id: &DeviceId,
    now: i64,
) -> losant::Result<()> {
    let query = TimeSeriesQuery {
        start: Some(Time::from_millis(now - 3_600_000)),
        end: Some(Time::from_millis(now)),
        resolution: Some(900_000.0),
        aggregation: Some(Aggregation::Function(AggregationFunction::Mean)),
        attributes: Some(vec!["temperature".to_owned()]),
        device_ids: Some(vec![*id]),
        ..Default::default()
    };
    let series = back_end.time_series_query_data(app, &query).await?;
    for (device_id, device) in &series.devices {
        println!(
            "{} ({device_id}), mean temperature per 15 minutes:",
            device.name
        );
        for point in &device.points {
            let celsius = point.data["temperature"].as_f64().unwrap_or_default();
            println!("  {}  {celsius:.2}", point.time);
        }
    }
    let last = back_end
        .last_value_query_data(
            app,
            &LastValueQuery {
                attribute: Some("temperature".to_owned()),
                device_ids: Some(vec![*id]),
                ..Default::default()
            },
        )
        .await?;
    if let Some(value) = last.get(id.as_str()) {
        let celsius = value.data["temperature"].as_f64().unwrap_or_default();
        println!("last temperature: {celsius:.2} at {}", value.time);
    }
    Ok(())
}

/// The back end listens while the device sends three more readings.
async fn listen_live(
    back_end: &Client,
    device: Client,
    app: ApplicationId,
    id: DeviceId,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut live = back_end
        .state_stream_device(&app, &id)
        .keep_alive_interval(1)
        .await?;
    let sender = tokio::spawn(async move {
        for reading in [21.5, 21.7, 22.0] {
            let state = DeviceStateOrStates(OneOrMany::One(DeviceState::new([(
                "temperature",
                json!(reading),
            )])));
            device.send_state_device(&app, &id, &state).await?;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok::<(), losant::Error>(())
    });
    for _ in 0..3 {
        match tokio::time::timeout(Duration::from_secs(10), live.try_next()).await {
            Ok(Ok(Some(state))) => {
                let at = state.time.and_then(Time::to_timestamp);
                let at = at.map_or_else(|| "?".to_owned(), |t| t.to_string());
                println!("live: temperature {} at {at}", state.data["temperature"]);
            }
            Ok(Ok(None)) => return Err("the stream ended".into()),
            Ok(Err(error)) => return Err(error.into()),
            Err(_) => return Err("no reading arrived within 10 s".into()),
        }
    }
    sender.await??;
    Ok(())
}
