//! The `losant-sandbox` binary: starts, prints its URL and tokens, and answers the
//! three operations for any HTTP client, refusing calls outside a token's scopes.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

struct Server {
    child: Child,
    url: String,
    printed: Vec<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(args: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_losant-sandbox"))
        .args(["--port", "0"])
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut printed = Vec::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        let done = line.starts_with("Press Ctrl-C");
        printed.push(line);
        if done {
            break;
        }
    }
    let url = printed[0]
        .strip_prefix("Losant sandbox listening on ")
        .unwrap_or_else(|| panic!("{printed:?}"))
        .to_owned();
    Server {
        child,
        url,
        printed,
    }
}

#[tokio::test]
async fn the_demo_server_answers_the_three_operations() {
    let server = start(&[]);
    assert!(
        server
            .printed
            .iter()
            .any(|l| l == "Token: sandbox-token (scopes: all.Application)"),
        "{:?}",
        server.printed
    );
    let event_url = format!(
        "{}/applications/575ec8687ae143cd83dc4a97/events/575ed0de7ae143cd83dc4aa5",
        server.url
    );
    let http = http_client();

    let got = http
        .get(&event_url)
        .bearer_auth("sandbox-token")
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), 200);
    let event: serde_json::Value = serde_json::from_slice(&got.bytes().await.unwrap()).unwrap();
    assert_eq!(event["subject"], "Power levels critical");

    let patched = http
        .patch(&event_url)
        .bearer_auth("sandbox-token")
        .body(r#"{"state":"acknowledged","comment":"Looking into this issue"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), 200);
    let event: serde_json::Value = serde_json::from_slice(&patched.bytes().await.unwrap()).unwrap();
    assert_eq!(event["state"], "acknowledged");
    assert_eq!(
        event["updates"][0]["stateChange"],
        serde_json::json!({"old": "new", "new": "acknowledged"})
    );

    let deleted = http
        .delete(&event_url)
        .bearer_auth("sandbox-token")
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 200);
    assert_eq!(deleted.text().await.unwrap(), r#"{"success":true}"#);

    let gone = http
        .get(&event_url)
        .bearer_auth("sandbox-token")
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), 404);
    assert_eq!(
        gone.text().await.unwrap(),
        r#"{"message":"Event was not found","type":"NotFound"}"#
    );

    let anonymous = http.get(&event_url).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
}

#[tokio::test]
async fn a_seed_file_sets_the_data_and_the_token_scopes() {
    let path =
        std::env::temp_dir().join(format!("losant-sandbox-seed-{}.json", std::process::id()));
    std::fs::write(
        &path,
        r#"{
          "applications": [{"id": "5f00000000000000000000aa", "name": "Seeded"}],
          "events": [{"applicationId": "5f00000000000000000000aa", "id": "5f00000000000000000000bb",
                      "level": "critical", "subject": "Seeded event"}],
          "tokens": [{"token": "reader", "scopes": ["event.get"]}]
        }"#,
    )
    .unwrap();
    let server = start(&["--seed", path.to_str().unwrap()]);
    let event_url = format!(
        "{}/applications/5f00000000000000000000aa/events/5f00000000000000000000bb",
        server.url
    );
    let http = http_client();

    let got = http
        .get(&event_url)
        .bearer_auth("reader")
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), 200);
    let event: serde_json::Value = serde_json::from_slice(&got.bytes().await.unwrap()).unwrap();
    assert_eq!(event["level"], "critical");
    assert_eq!(event["state"], "new");

    for request in [
        http.patch(&event_url).body(r#"{"state":"resolved"}"#),
        http.delete(&event_url),
    ] {
        let refused = request.bearer_auth("reader").send().await.unwrap();
        assert_eq!(refused.status(), 403);
        let body: serde_json::Value =
            serde_json::from_slice(&refused.bytes().await.unwrap()).unwrap();
        assert_eq!(body["type"], "Forbidden");
    }
    let _ = std::fs::remove_file(path);
}

#[test]
fn a_broken_seed_file_is_a_clear_error() {
    let output = Command::new(env!("CARGO_BIN_EXE_losant-sandbox"))
        .args(["--port", "0", "--seed", "/nonexistent/seed.json"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot read seed /nonexistent/seed.json"),
        "{stderr}"
    );
}

#[test]
fn a_seed_with_an_invalid_event_is_reported_not_dropped() {
    let path = std::env::temp_dir().join(format!(
        "losant-sandbox-bad-seed-{}.json",
        std::process::id()
    ));
    std::fs::write(
        &path,
        r#"{"events": [{"applicationId": "5f00000000000000000000aa", "id": "5f00000000000000000000bb",
                        "level": "loud", "subject": "Seeded event"}]}"#,
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_losant-sandbox"))
        .args(["--port", "0", "--seed", path.to_str().unwrap()])
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&path);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("seed event 0 (5f00000000000000000000bb) is invalid: level must be equal to one of the allowed values"),
        "{stderr}"
    );
}

#[tokio::test]
async fn devices_and_an_access_key_from_the_command_line_sign_in() {
    let server = start(&["--device", "Pump 7", "--device", "Fan 1", "--access-key"]);
    let devices: Vec<&str> = server
        .printed
        .iter()
        .filter_map(|line| line.strip_prefix("Device: "))
        .collect();
    assert_eq!(devices.len(), 2, "{:?}", server.printed);
    assert!(devices[0].ends_with(" (Pump 7)"), "{devices:?}");
    let pump = &devices[0][..24];
    let key_line = server
        .printed
        .iter()
        .find_map(|line| line.strip_prefix("Access key: "))
        .unwrap_or_else(|| panic!("{:?}", server.printed));
    let mut words = key_line.split(' ');
    let key = words.next().unwrap();
    assert_eq!(words.next(), Some("secret:"));
    let secret = words.next().unwrap();

    let http = http_client();
    let signed_in = http
        .post(format!("{}/auth/device", server.url))
        .body(format!(
            r#"{{"deviceId":"{pump}","key":"{key}","secret":"{secret}"}}"#
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 200);
    let authed: serde_json::Value =
        serde_json::from_slice(&signed_in.bytes().await.unwrap()).unwrap();
    assert_eq!(authed["deviceId"], pump);
    assert_eq!(authed["applicationId"], "575ec8687ae143cd83dc4a97");
    let token = authed["token"].as_str().unwrap();
    let state = http
        .post(format!(
            "{}/applications/575ec8687ae143cd83dc4a97/devices/{pump}/state",
            server.url
        ))
        .bearer_auth(token)
        .body(r#"{"data":{"temperature":21.5}}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(state.status(), 200);

    let wrong = http
        .post(format!("{}/auth/device", server.url))
        .body(format!(
            r#"{{"deviceId":"{pump}","key":"{key}","secret":"nope"}}"#
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
}

/// A plain reqwest client: reqwest is built without a crypto provider of its own, so
/// the one the losant client uses is installed first.
fn http_client() -> reqwest::Client {
    losant_core::install_crypto_provider();
    reqwest::Client::new()
}
