//! The `losant` binary run as a user runs it, against the embedded sandbox: the device
//! workflow from the shell, every action's command, help and completions, the config,
//! and bad input refused with a clear message, its exit code, and nothing sent.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use assert_cmd::Command;
use losant::{ApplicationId, DeviceId};
use losant_sandbox::{AccessKeyCredentials, NewAccessKey, NewDevice, Sandbox};

struct World {
    sandbox: Sandbox,
    app: ApplicationId,
    pump: DeviceId,
    key: AccessKeyCredentials,
    /// An application token with `all.Application`.
    token: String,
    config: PathBuf,
}

async fn world(name: &str) -> World {
    let sandbox = Sandbox::start().await.unwrap();
    let app = sandbox.add_application("Greenhouse");
    let pump = sandbox.add_device(&app, NewDevice::new("Pump 7").tag("floor", "2"));
    sandbox.add_device(&app, NewDevice::new("Pump 8").tag("floor", "2"));
    sandbox.add_device(&app, NewDevice::new("Fan 1").tag("floor", "3"));
    let key = sandbox.add_access_key(&app, NewAccessKey::all_devices());
    let token = sandbox.add_application_token(&app, "shell", ["all.Application"]);
    let config = std::env::temp_dir().join(format!("losant-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&config);
    World {
        sandbox,
        app,
        pump,
        key,
        token,
        config,
    }
}

impl World {
    /// `losant` pointed at the sandbox, with its own config directory and no token
    /// from the environment.
    fn losant(&self) -> Command {
        let mut command = Command::cargo_bin("losant").unwrap();
        command
            .env("LOSANT_API_URL", self.sandbox.base_url())
            .env("LOSANT_CONFIG_DIR", &self.config)
            .env_remove("LOSANT_API_TOKEN")
            .env_remove("LOSANT_PROFILE")
            .env_remove("LOSANT_APPLICATION_ID")
            .env_remove("LOSANT_PASSWORD")
            .env_remove("LOSANT_DEVICE_SECRET");
        command
    }

    /// `losant` with the application token.
    fn admin(&self) -> Command {
        let mut command = self.losant();
        command.env("LOSANT_API_TOKEN", &self.token);
        command
    }
}

/// Runs a blocking command off the runtime the sandbox serves on.
async fn run(mut command: Command) -> std::process::Output {
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_device_workflow_from_the_shell() {
    let w = world("workflow").await;
    let (app, pump) = (w.app.to_string(), w.pump.to_string());

    // The device signs in; its token is kept in the profile `dev`, owner-only.
    let mut auth = w.losant();
    auth.args([
        "device",
        "auth",
        "--device-id",
        &pump,
        "--key",
        w.key.key(),
        "--secret-stdin",
        "--profile",
        "dev",
    ])
    .write_stdin(format!("{}\n", w.key.secret()));
    let out = run(auth).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let config = std::fs::read_to_string(w.config.join("config.json")).unwrap();
    assert!(config.contains("\"kind\": \"device\""), "{config}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(w.config.join("config.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // It sends a reading, then a batch, from standard input.
    let device = |args: &[&str]| {
        let mut command = w.losant();
        command.args(args).args([
            "--profile",
            "dev",
            "--application-id",
            &app,
            "--device-id",
            &pump,
        ]);
        command
    };
    let mut one = device(&["device", "send-state"]);
    one.write_stdin(r#"{"data":{"temperature":20.5}}"#);
    let out = run(one).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim(), r#"{"success":true}"#);
    let mut batch = device(&["device", "send-state"]);
    batch.write_stdin(
        r#"[{"data":{"temperature":21},"time":"2026-01-05T10:00:00.000Z"},
            {"data":{"temperature":23},"time":"2026-01-05T10:01:00.000Z"},
            {"data":{"temperature":22},"time":1767607320000}]"#,
    );
    assert!(run(batch).await.status.success());

    // It reads its state back; the back end queries the series and lists devices.
    let mut state = device(&["device", "get-state", "--limit", "2"]);
    state.arg("--compact");
    let out = run(state).await;
    let states: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(states.as_array().unwrap().len(), 2, "{states}");
    assert_eq!(states[0]["data"]["temperature"], 20.5);

    let mut series = w.admin();
    series.args(["data", "time-series-query", "--application-id", &app, "--compact", "--body"]).arg(
        r#"{"start":1767607200000,"end":1767607379999,"resolution":180000,"aggregation":"MAX","attributes":["temperature"]}"#,
    );
    let out = run(series).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let series: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        series["devices"][&pump]["points"][0]["data"]["temperature"],
        23
    );

    let mut all = w.admin();
    all.args([
        "devices",
        "get",
        "--application-id",
        &app,
        "--tag-filter",
        "floor=2",
        "--per-page",
        "1",
        "--all",
    ]);
    let out = run(all).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let names: Vec<String> = text(&out.stdout)
        .lines()
        .map(|line| {
            serde_json::from_str::<serde_json::Value>(line).unwrap()["name"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        names,
        ["Pump 7", "Pump 8"],
        "one JSON line per item, across pages"
    );

    // The back end streams the state while the device sends it; Ctrl-C ends cleanly.
    #[cfg(unix)]
    stream_while_sending(&w, &app, &pump).await;
}

/// `losant device state-stream` in the background while the device sends its state:
/// the reading comes out as a JSON line, and SIGINT ends the command with success.
#[cfg(unix)]
async fn stream_while_sending(w: &World, app: &str, pump: &str) {
    let send_state = || {
        let mut command = w.losant();
        command
            .args(["device", "send-state", "--profile", "dev"])
            .args(["--application-id", app, "--device-id", pump])
            .write_stdin(r#"{"data":{"temperature":30}}"#);
        command
    };
    let binary = assert_cmd::cargo::cargo_bin("losant");
    let mut stream = std::process::Command::new(binary)
        .args([
            "device",
            "state-stream",
            "--application-id",
            app,
            "--device-id",
            pump,
        ])
        .env("LOSANT_API_URL", w.sandbox.base_url())
        .env("LOSANT_CONFIG_DIR", &w.config)
        .env("LOSANT_API_TOKEN", &w.token)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = stream.stdout.take().unwrap();
    let first_line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        line
    });
    // Sent until the stream has one (it may not be connected at the first send); a
    // busy machine may take a while to connect it, hence the minute.
    for _ in 0..600 {
        if first_line.is_finished() {
            break;
        }
        assert!(run(send_state()).await.status.success());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let line = first_line.await.unwrap();
    assert!(!line.is_empty(), "the stream ended without a message");
    let reading: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(reading["data"]["temperature"], 30);
    // The shell's own `kill`: what a user's Ctrl-C sends.
    let interrupted = std::process::Command::new("sh")
        .args(["-c", "kill -INT \"$0\"", &stream.id().to_string()])
        .status()
        .unwrap();
    assert!(interrupted.success());
    let ended = tokio::task::spawn_blocking(move || stream.wait().unwrap())
        .await
        .unwrap();
    assert!(ended.success(), "Ctrl-C ends the stream cleanly: {ended:?}");
}

/// A command the CLI must refuse before sending anything.
struct Refused<'a> {
    /// The arguments, separated by spaces.
    args: String,
    stdin: Option<&'a str>,
    /// Whether the application token is in the environment.
    token: bool,
    code: i32,
    /// What the message on standard error says.
    says: &'a str,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_refused_with_its_exit_code_and_nothing_sent() {
    let w = world("bad").await;
    let (app, pump) = (w.app.to_string(), w.pump.to_string());
    let before = w.sandbox.requests_seen();
    let device = format!("--application-id {app} --device-id {pump}");
    let cases = [
        Refused {
            args: format!("device get --application-id not-an-id --device-id {pump}"),
            stdin: None,
            token: true,
            code: 3,
            says: "--application-id: invalid ApplicationId `not-an-id`",
        },
        Refused {
            args: format!("devices get --application-id {app} --per-page ten"),
            stdin: None,
            token: true,
            code: 3,
            says: "--per-page: `ten` is not a whole number",
        },
        Refused {
            args: format!("device patch {device} --body {{not-json"),
            stdin: None,
            token: true,
            code: 3,
            says: "the body is not what the action takes",
        },
        Refused {
            args: format!("device patch {device}"),
            stdin: Some(r#"{"name": 7}"#),
            token: true,
            code: 3,
            says: "at `name`",
        },
        Refused {
            args: format!(
                r#"device patch {device} --body {{"name":"{}"}}"#,
                "x".repeat(256)
            ),
            stdin: None,
            token: true,
            code: 3,
            says: "device.name",
        },
        Refused {
            args: format!("device get {device} --colour red"),
            stdin: None,
            token: true,
            code: 2,
            says: "unexpected argument '--colour'",
        },
        Refused {
            args: format!("device get {device}"),
            stdin: None,
            token: false,
            code: 3,
            says: "needs an API token",
        },
    ];
    for case in cases {
        let mut command = if case.token { w.admin() } else { w.losant() };
        command.args(case.args.split(' '));
        if let Some(stdin) = case.stdin {
            command.write_stdin(stdin);
        }
        let out = run(command).await;
        let (args, stderr) = (&case.args, text(&out.stderr));
        assert_eq!(out.status.code(), Some(case.code), "{args}: {stderr}");
        assert!(stderr.contains(case.says), "{args}: {stderr}");
        assert!(
            !stderr.contains(&w.token),
            "{args}: the token is in: {stderr}"
        );
    }
    assert_eq!(w.sandbox.requests_seen(), before, "nothing was sent");

    // An answer of the API: a 404 is exit code 4, with Losant's type and message.
    let mut missing = w.admin();
    missing.args([
        "device",
        "get",
        "--application-id",
        &app,
        "--device-id",
        "575ecf887ae143cd83dc4aff",
    ]);
    let out = run(missing).await;
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("NotFound: Device was not found"),
        "{}",
        text(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_action_has_its_command() {
    let w = world("commands").await;
    let mut list = w.losant();
    list.arg("commands");
    let out = run(list).await;
    let commands: Vec<String> = text(&out.stdout).lines().map(str::to_owned).collect();
    // `resource.action` is `<action>_<resource>` in snake case; two event methods keep
    // their names from before the rule.
    let snake = |name: &str| {
        let mut out = String::new();
        for c in name.chars() {
            if c.is_ascii_uppercase() {
                out.push('_');
                out.push(c.to_ascii_lowercase());
            } else {
                out.push(c);
            }
        }
        out
    };
    let mut methods: Vec<String> = commands
        .iter()
        .map(|line| {
            let official = line.split(' ').nth(2).unwrap();
            match official {
                "events.post" => "post_event".to_owned(),
                "events.mostRecentBySeverity" => "most_recent_by_severity".to_owned(),
                official => {
                    let (resource, action) = official.split_once('.').unwrap();
                    format!("{}_{}", snake(action), snake(resource))
                }
            }
        })
        .collect();
    methods.sort();
    let mut endpoints: Vec<String> = losant::endpoints()
        .iter()
        .map(|e| e.name().to_owned())
        .collect();
    endpoints.sort();
    assert_eq!(methods, endpoints);
    assert_eq!(methods.len(), 375);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_completions_and_the_man_page_come_from_one_tree() {
    let w = world("help").await;
    for (args, snapshot) in [
        (&["device", "get", "--help"][..], "device-get-help.txt"),
        (&["devices", "get", "--help"][..], "devices-get-help.txt"),
        (&["file", "upload", "--help"][..], "file-upload-help.txt"),
    ] {
        let mut help = w.losant();
        help.args(args).env("COLUMNS", "100");
        let out = run(help).await;
        assert!(out.status.success());
        snapbox::assert_data_eq!(
            text(&out.stdout),
            snapbox::Data::read_from(
                &PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                    .join("tests/snapshots")
                    .join(snapshot),
                None
            )
        );
    }
    for shell in ["bash", "zsh", "fish"] {
        let mut completions = w.losant();
        completions.args(["completions", shell]);
        let out = run(completions).await;
        assert!(out.status.success(), "{shell}");
        let script = text(&out.stdout);
        assert!(script.contains("send-state"), "{shell}: {script:.200}");
        assert!(script.contains("time-series-query"), "{shell}");
    }
    let mut man = w.losant();
    man.arg("man");
    let out = run(man).await;
    assert!(
        text(&out.stdout).starts_with(".ie"),
        "{:.100}",
        text(&out.stdout)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verbose_tells_requests_without_the_token_and_config_show_masks_it() {
    let w = world("verbose").await;
    let app = w.app.to_string();
    let mut get = w.admin();
    get.args([
        "devices",
        "get",
        "--application-id",
        &app,
        "--verbose",
        "--compact",
    ]);
    let out = run(get).await;
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!("GET /applications/{app}/devices -> 200")),
        "{stderr}"
    );
    assert!(!stderr.contains(&w.token) && !text(&out.stdout).contains(&w.token));

    let mut auth = w.losant();
    auth.args([
        "device",
        "auth",
        "--device-id",
        w.pump.as_ref(),
        "--key",
        w.key.key(),
    ])
    .env("LOSANT_DEVICE_SECRET", w.key.secret());
    assert!(run(auth).await.status.success());
    let mut show = w.losant();
    show.args(["config", "show"]);
    let out = run(show).await;
    let shown = text(&out.stdout);
    assert!(shown.contains("[REDACTED]"), "{shown}");
    let kept = std::fs::read_to_string(w.config.join("config.json")).unwrap();
    let token =
        serde_json::from_str::<serde_json::Value>(&kept).unwrap()["profiles"]["default"]["token"]
            .as_str()
            .unwrap()
            .to_owned();
    assert!(!shown.contains(&token), "{shown}");
}

/// `--application-id` left out: `LOSANT_APPLICATION_ID`, else the profile's application
/// (kept by `device auth` or `config set-application`); the flag wins over both, and
/// without any the command is refused with nothing sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_application_comes_from_the_flag_the_environment_or_the_profile() {
    let w = world("application").await;
    let (app, pump) = (w.app.to_string(), w.pump.to_string());
    let other_app = "575ec8687ae143cd83dc4a97";
    let get_pump = |mut command: Command| {
        command.args(["device", "get", "--device-id", &pump, "--compact"]);
        command
    };
    let name_of = |out: &std::process::Output| {
        assert!(out.status.success(), "{}", text(&out.stderr));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()["name"].clone()
    };

    // None of the three: a usage error that says where an application comes from.
    let before = w.sandbox.requests_seen();
    let out = run(get_pump(w.admin())).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--application-id is required")
            && stderr.contains("LOSANT_APPLICATION_ID")
            && stderr.contains("losant config set-application"),
        "{stderr}"
    );
    // A malformed one from the environment is refused, naming where it came from.
    let mut malformed = get_pump(w.admin());
    malformed.env("LOSANT_APPLICATION_ID", "greenhouse");
    let out = run(malformed).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains(
            "--application-id from LOSANT_APPLICATION_ID: invalid ApplicationId `greenhouse`"
        ),
        "{stderr}"
    );
    let mut keep_malformed = w.admin();
    keep_malformed.args(["config", "set-application", "greenhouse"]);
    let out = run(keep_malformed).await;
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(!w.config.join("config.json").exists(), "nothing was kept");
    assert_eq!(w.sandbox.requests_seen(), before, "nothing was sent");

    // From the environment.
    let mut from_env = get_pump(w.admin());
    from_env.env("LOSANT_APPLICATION_ID", &app);
    assert_eq!(name_of(&run(from_env).await), "Pump 7");

    // From the profile, kept by `config set-application`; the flag wins over it, and
    // the environment over the profile.
    let mut keep = w.admin();
    keep.args(["config", "set-application", &app]);
    let out = run(keep).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(name_of(&run(get_pump(w.admin())).await), "Pump 7");
    let mut flag_wins = get_pump(w.admin());
    flag_wins.args(["--application-id", other_app]);
    let out = run(flag_wins).await;
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
    let mut env_wins = get_pump(w.admin());
    env_wins.env("LOSANT_APPLICATION_ID", other_app);
    let out = run(env_wins).await;
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));

    // `--clear` forgets it.
    let mut clear = w.admin();
    clear.args(["config", "set-application", "--clear"]);
    assert!(run(clear).await.status.success());
    assert_eq!(run(get_pump(w.admin())).await.status.code(), Some(2));

    // A device's profile acts on the device's application, kept by `device auth`.
    let mut auth = w.losant();
    auth.args([
        "device",
        "auth",
        "--device-id",
        &pump,
        "--key",
        w.key.key(),
        "--profile",
        "dev",
    ])
    .env("LOSANT_DEVICE_SECRET", w.key.secret());
    assert!(run(auth).await.status.success());
    let mut send = w.losant();
    send.args([
        "device",
        "send-state",
        "--profile",
        "dev",
        "--device-id",
        &pump,
    ])
    .write_stdin(r#"{"data":{"temperature":19}}"#);
    let out = run(send).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim(), r#"{"success":true}"#);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_streams_the_file_of_the_flag() {
    let w = world("upload").await;
    let app = w.app.to_string();
    let mut post = w.admin();
    post.args([
        "files",
        "post",
        "--application-id",
        &app,
        "--compact",
        "--body",
        r#"{"name":"readings.csv","type":"file"}"#,
    ]);
    let made: serde_json::Value = serde_json::from_slice(&run(post).await.stdout).unwrap();
    let id = made["id"].as_str().unwrap().to_owned();
    let path = w.config.with_extension("csv");
    std::fs::write(&path, "time,temperature\n10:00,21.5\n").unwrap();
    let mut upload = w.admin();
    upload
        .args([
            "file",
            "upload",
            "--application-id",
            &app,
            "--file-id",
            &id,
            "--compact",
            "--file",
        ])
        .arg(&path);
    let out = run(upload).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let uploaded: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(uploaded["fileSize"], 28);
    assert_eq!(uploaded["status"], "completed");
    assert!(
        out.stderr.is_empty(),
        "no progress bar in a pipe: {}",
        text(&out.stderr)
    );
    std::fs::remove_file(&path).unwrap();
}

/// A stand-in for `POST /auth/user` (the sandbox has no users): `ada@example.com`, with
/// the password `correct horse`, is asked for her two-factor code, and signed in with
/// `code`, answering `token`. The mocks: asked for the code, and signed in.
async fn auth_user_stand_in<'a>(
    server: &'a httpmock::MockServer,
    code: &str,
    token: &str,
) -> (httpmock::Mock<'a>, httpmock::Mock<'a>) {
    use httpmock::prelude::*;
    let needs_code = server
        .mock_async(|when, then| {
            when.method(POST).path("/auth/user").json_body(
                serde_json::json!({"email": "ada@example.com", "password": "correct horse"}),
            );
            then.status(401).json_body(serde_json::json!({
                "type": "Unauthorized",
                "message": "Two factor code required"
            }));
        })
        .await;
    let signed_in = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/auth/user")
                .json_body(serde_json::json!({
                    "email": "ada@example.com",
                    "password": "correct horse",
                    "twoFactorCode": code
                }));
            then.status(200).json_body(serde_json::json!({
                "userId": "575ec8687ae143cd83dc4a97",
                "token": token
            }));
        })
        .await;
    (needs_code, signed_in)
}

/// `losant login` against a stand-in for `POST /auth/user` (the sandbox has no users):
/// the password from standard input, the token kept owner-only and never printed, and
/// an account that asks for its two-factor code told how to give it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_keeps_the_user_token_and_asks_for_the_two_factor_code() {
    use httpmock::prelude::*;
    let server = MockServer::start_async().await;
    let user_token = "eyJ.user-token-of-the-stand-in.sig";
    let (needs_code, signed_in) = auth_user_stand_in(&server, "123456", user_token).await;
    let config = std::env::temp_dir().join(format!("losant-cli-login-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&config);
    let login = |code: Option<&str>| {
        let mut command = Command::cargo_bin("losant").unwrap();
        command
            .args([
                "login",
                "--email",
                "ada@example.com",
                "--password-stdin",
                "--url",
                &server.base_url(),
            ])
            .env("LOSANT_CONFIG_DIR", &config)
            .env_remove("LOSANT_API_TOKEN")
            .env_remove("LOSANT_PROFILE")
            .write_stdin("correct horse\n");
        if let Some(code) = code {
            command.args(["--two-factor-code", code]);
        }
        command
    };

    // In a pipe nobody can type the code: the refusal says how to give it.
    let out = run(login(None)).await;
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("Two factor code required"), "{stderr}");
    assert!(stderr.contains("--two-factor-code"), "{stderr}");
    assert!(
        !config.join("config.json").exists(),
        "nothing kept from a refusal"
    );
    needs_code.assert_calls_async(1).await;

    let out = run(login(Some("123456"))).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    signed_in.assert_calls_async(1).await;
    assert!(!text(&out.stdout).contains(user_token) && !text(&out.stderr).contains(user_token));
    let kept: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(config.join("config.json")).unwrap())
            .unwrap();
    let profile = &kept["profiles"]["default"];
    assert_eq!(profile["token"], user_token);
    assert_eq!(profile["kind"], "user");
    assert_eq!(profile["who"], "ada@example.com");
    assert_eq!(profile["url"], server.base_url().as_str());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(config.join("config.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let _ = std::fs::remove_dir_all(&config);
}

/// A body from a file (`--body @path`), and a change the API queues as a job (202):
/// the command says so on standard error and prints the job.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_from_a_file_and_a_queued_job() {
    let w = world("job").await;
    let app = w.app.to_string();
    let body = w.config.with_extension("json");
    std::fs::write(&body, r#"{"state": "acknowledged", "comment": "on it"}"#).unwrap();
    let event = w.sandbox.add_event(
        &w.app,
        losant_sandbox::NewEvent::new(losant::events::EventLevel::Warning, "Humidity high"),
    );
    let mut patch = w.admin();
    patch
        .args([
            "events",
            "patch",
            "--application-id",
            &app,
            "--email",
            "ops@example.com",
            "--compact",
            "--body",
        ])
        .arg(format!("@{}", body.display()));
    let out = run(patch).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("queued as job"), "{stderr}");
    let job: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(job["jobQueued"], true, "{job}");

    // Without `--email` the change is made at once, from the same file.
    let mut patch = w.admin();
    patch
        .args([
            "events",
            "patch",
            "--application-id",
            &app,
            "--compact",
            "--body",
        ])
        .arg(format!("@{}", body.display()));
    let out = run(patch).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let changed = w.sandbox.event(&w.app, &event).unwrap();
    assert_eq!(
        changed.state,
        Some(losant::events::EventState::Acknowledged)
    );
    std::fs::remove_file(&body).unwrap();

    // A body file that is not there is refused before anything is sent.
    let before = w.sandbox.requests_seen();
    let mut missing = w.admin();
    missing.args([
        "events",
        "patch",
        "--application-id",
        &app,
        "--body",
        "@/nonexistent/body.json",
    ]);
    let out = run(missing).await;
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("/nonexistent/body.json"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(w.sandbox.requests_seen(), before);
}

/// A server that takes the connection and never answers: `--timeout` ends the call
/// with exit code 6 (the default would wait 90 s).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_past_its_timeout_ends_with_exit_code_6() {
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", silent.local_addr().unwrap());
    std::thread::spawn(move || {
        // Held open, never read nor answered, until the test process ends.
        let held: Vec<_> = silent.incoming().map_while(Result::ok).collect();
        drop(held);
    });
    let config = std::env::temp_dir().join(format!("losant-cli-timeout-{}", std::process::id()));
    let mut get = Command::cargo_bin("losant").unwrap();
    get.args(["device", "get", "--timeout", "1", "--url", &url])
        .args(["--application-id", "575ec8687ae143cd83dc4a97"])
        .args(["--device-id", "575ecf887ae143cd83dc4a98"])
        .env("LOSANT_CONFIG_DIR", &config)
        .env("LOSANT_API_TOKEN", "a-token-of-the-test")
        .env_remove("LOSANT_PROFILE");
    let out = run(get).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(6), "{stderr}");
    assert!(
        stderr.contains("timed out") || stderr.contains("timeout"),
        "{stderr}"
    );
    assert!(!stderr.contains("a-token-of-the-test"), "{stderr}");

    let mut bad = Command::cargo_bin("losant").unwrap();
    bad.args(["device", "get", "--timeout", "soon"]);
    assert_eq!(run(bad).await.status.code(), Some(2));
}

/// A pseudo-terminal: the command's standard input, output and error are its terminal
/// side; the test reads what is shown and types through the other side.
#[cfg(unix)]
mod terminal {
    use std::fs::File;
    use std::io::{Read, Write};
    use std::os::unix::fs::OpenOptionsExt;
    use std::process::{Child, Stdio};
    use std::sync::mpsc;
    use std::time::Duration;

    use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};
    use rustix::termios::{Winsize, tcsetwinsize};

    /// A command running on a terminal, and what it has shown so far.
    pub(crate) struct OnTerminal {
        pub(crate) child: Child,
        keys: File,
        shown: mpsc::Receiver<Vec<u8>>,
        pub(crate) screen: String,
    }

    /// Starts `command` with a terminal of 24 rows and 100 columns as its standard
    /// input, output and error.
    pub(crate) fn spawn(mut command: std::process::Command) -> OnTerminal {
        let main = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY).unwrap();
        grantpt(&main).unwrap();
        unlockpt(&main).unwrap();
        let name = ptsname(&main, Vec::new()).unwrap();
        let side = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(rustix::fs::OFlags::NOCTTY.bits().cast_signed())
            .open(name.to_str().unwrap())
            .unwrap();
        tcsetwinsize(
            &side,
            Winsize {
                ws_row: 24,
                ws_col: 100,
                ws_xpixel: 0,
                ws_ypixel: 0,
            },
        )
        .unwrap();
        let child = command
            .stdin(Stdio::from(side.try_clone().unwrap()))
            .stdout(Stdio::from(side.try_clone().unwrap()))
            .stderr(Stdio::from(side))
            .spawn()
            .unwrap();
        // The command's copies are the only ones left: once it exits, reading ends.
        let mut screen = File::from(main);
        let keys = screen.try_clone().unwrap();
        let (send, shown) = mpsc::channel();
        std::thread::spawn(move || {
            let mut chunk = [0u8; 4096];
            while let Ok(n @ 1..) = screen.read(&mut chunk) {
                if send.send(chunk[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        OnTerminal {
            child,
            keys,
            shown,
            screen: String::new(),
        }
    }

    impl OnTerminal {
        /// Waits until the screen shows `text` (the bound only ends a test that
        /// would otherwise hang: on a busy machine it may take seconds).
        pub(crate) fn wait_for(&mut self, text: &str) {
            while !self.screen.contains(text) {
                match self.shown.recv_timeout(Duration::from_secs(120)) {
                    Ok(chunk) => self.screen.push_str(&String::from_utf8_lossy(&chunk)),
                    Err(ended) => panic!(
                        "`{text}` never shown ({ended}); the screen: {}",
                        self.screen
                    ),
                }
            }
        }

        /// Types a line.
        pub(crate) fn type_line(&mut self, line: &str) {
            writeln!(self.keys, "{line}").unwrap();
        }

        /// Waits for the command to end, and everything it showed.
        pub(crate) fn finish(mut self) -> (std::process::ExitStatus, String) {
            let status = self.child.wait().unwrap();
            while let Ok(chunk) = self.shown.recv_timeout(Duration::from_secs(120)) {
                self.screen.push_str(&String::from_utf8_lossy(&chunk));
            }
            (status, self.screen)
        }
    }
}

/// On a terminal, a login whose account asks for its two-factor code prompts for it,
/// and signs in with what is typed; the token is kept, never shown.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_terminal_login_prompts_for_the_two_factor_code() {
    use httpmock::prelude::*;
    let server = MockServer::start_async().await;
    let user_token = "eyJ.token-typed-for.sig";
    let (needs_code, signed_in) = auth_user_stand_in(&server, "654321", user_token).await;
    let config = std::env::temp_dir().join(format!("losant-cli-prompt-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&config);
    let mut login = std::process::Command::new(env!("CARGO_BIN_EXE_losant"));
    login
        .args([
            "login",
            "--email",
            "ada@example.com",
            "--url",
            &server.base_url(),
        ])
        .env("LOSANT_CONFIG_DIR", &config)
        .env("LOSANT_PASSWORD", "correct horse")
        .env_remove("LOSANT_API_TOKEN")
        .env_remove("LOSANT_PROFILE");
    let (status, screen) = tokio::task::spawn_blocking(move || {
        let mut terminal = terminal::spawn(login);
        terminal.wait_for("Two-factor code: ");
        terminal.type_line("654321");
        terminal.finish()
    })
    .await
    .unwrap();
    assert!(status.success(), "{screen}");
    assert!(screen.contains("signed in"), "{screen}");
    assert!(!screen.contains(user_token), "{screen}");
    needs_code.assert_calls_async(1).await;
    signed_in.assert_calls_async(1).await;
    let kept: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(config.join("config.json")).unwrap())
            .unwrap();
    assert_eq!(kept["profiles"]["default"]["token"], user_token);
    let _ = std::fs::remove_dir_all(&config);
}

/// On a terminal, an upload shows its progress bar on standard error and the answer is
/// indented JSON.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_terminal_an_upload_shows_its_progress_and_pretty_json() {
    let w = world("upload-terminal").await;
    let app = w.app.to_string();
    let mut post = w.admin();
    post.args([
        "files",
        "post",
        "--application-id",
        &app,
        "--compact",
        "--body",
    ])
    .arg(r#"{"name":"readings.csv","type":"file"}"#);
    let made: serde_json::Value = serde_json::from_slice(&run(post).await.stdout).unwrap();
    let id = made["id"].as_str().unwrap().to_owned();
    let path = w.config.with_extension("csv");
    let size = 3 * 1024 * 1024;
    std::fs::write(&path, vec![b'7'; size]).unwrap();
    let mut upload = std::process::Command::new(env!("CARGO_BIN_EXE_losant"));
    upload
        .env("LOSANT_API_URL", w.sandbox.base_url())
        .env("LOSANT_CONFIG_DIR", &w.config)
        .env("LOSANT_API_TOKEN", &w.token)
        .env_remove("LOSANT_PROFILE")
        .env_remove("LOSANT_APPLICATION_ID")
        .args([
            "file",
            "upload",
            "--application-id",
            &app,
            "--file-id",
            &id,
            "--file",
        ])
        .arg(&path);
    let (status, screen) = tokio::task::spawn_blocking(move || terminal::spawn(upload).finish())
        .await
        .unwrap();
    assert!(status.success(), "{screen}");
    // The bar: `{bar} {bytes}/{total_bytes} {bytes_per_sec}`, drawn at least once.
    assert!(screen.contains("/3.00 MiB"), "no progress bar: {screen:?}");
    // Indented JSON, one field a line.
    assert!(
        screen.contains("\"fileSize\": 3145728,") && screen.contains("\n  \""),
        "{screen:?}"
    );
    std::fs::remove_file(&path).unwrap();
}
