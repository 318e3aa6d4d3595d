//! `losant`: every action of the Losant REST API from the shell, on the `losant` crate
//! (no HTTP code of its own: every call gets the library's typed IDs, limit checks,
//! retries, scopes and redaction).
//!
//! `losant <resource> <action> [flags]`; `losant --help` lists the resources, and each
//! command's `--help` its flags, from the API description's own text.

mod api;
mod config;
mod cx;
mod events;
mod generated;
mod session;
mod tree;

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use clap::ArgMatches;
use losant::Client;

use crate::api::Api;
use crate::config::{Config, DEFAULT_PROFILE};
use crate::cx::{CliError, Cx, DefaultApplication};

fn main() -> ExitCode {
    let matches = match tree::command().try_get_matches() {
        Ok(matches) => matches,
        Err(error) => {
            // Help and the version go to standard output and end well; a usage error
            // goes to standard error with exit code 2.
            let _ = error.print();
            return if error.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("losant: the runtime could not start: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(&matches)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("losant: {error}");
            ExitCode::from(error.exit_code())
        }
    }
}

/// The overall timeout of a call when neither `--timeout` nor `LOSANT_TIMEOUT` says.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(90);

/// The longest one attempt may take (the library's default), within the overall timeout.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);

/// The settings every command shares: the profile, the base URL, the token.
struct Settings {
    profile: String,
    url: Option<String>,
    token: Option<String>,
    /// The overall timeout of a call; `None` waits forever.
    timeout: Option<Duration>,
    /// The application `--application-id` falls back to.
    application: Option<DefaultApplication>,
}

/// An environment variable's value, unless it is unset or empty.
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

/// The profile: `--profile`, else `LOSANT_PROFILE`, else `default`.
fn profile_name(m: &ArgMatches) -> String {
    m.get_one::<String>("profile")
        .cloned()
        .or_else(|| env("LOSANT_PROFILE"))
        .unwrap_or_else(|| DEFAULT_PROFILE.to_owned())
}

impl Settings {
    /// `--profile` (else `LOSANT_PROFILE`, else `default`); the URL from `--url`, else
    /// `LOSANT_API_URL`, else the profile; the token from `--token-file`, else
    /// `LOSANT_API_TOKEN`, else the profile; the default application from
    /// `LOSANT_APPLICATION_ID`, else the profile.
    fn of(m: &ArgMatches) -> Result<Settings, CliError> {
        let profile = profile_name(m);
        let config = Config::load()?;
        let kept = config.profiles.get(&profile).cloned().unwrap_or_default();
        let url = m
            .get_one::<String>("url")
            .cloned()
            .or_else(|| env("LOSANT_API_URL"))
            .or(kept.url);
        let application = match env("LOSANT_APPLICATION_ID") {
            Some(id) => Some(DefaultApplication {
                id,
                from: "LOSANT_APPLICATION_ID".to_owned(),
            }),
            None => kept.application_id.map(|id| DefaultApplication {
                id,
                from: format!("the profile `{profile}`"),
            }),
        };
        let token = match m.get_one::<String>("token-file") {
            Some(path) => Some(read_token(Path::new(path))?),
            None => env("LOSANT_API_TOKEN").or(kept.token),
        };
        let seconds = match m.get_one::<u64>("timeout") {
            Some(seconds) => Some(*seconds),
            None => env("LOSANT_TIMEOUT")
                .map(|text| {
                    text.parse::<u64>().map_err(|_| {
                        CliError::Usage(format!(
                            "LOSANT_TIMEOUT: `{text}` is not a number of seconds"
                        ))
                    })
                })
                .transpose()?,
        };
        let timeout = match seconds {
            Some(0) => None,
            Some(seconds) => Some(Duration::from_secs(seconds)),
            None => Some(DEFAULT_TIMEOUT),
        };
        Ok(Settings {
            profile,
            url,
            token,
            timeout,
            application,
        })
    }

    /// The client of these settings (one without a token when there is none: it
    /// serves the actions that take none, and refuses the others before sending).
    fn client(&self) -> Result<Client, CliError> {
        let mut builder =
            Client::builder().user_agent(concat!("losant-cli/", env!("CARGO_PKG_VERSION")));
        builder = match &self.token {
            Some(token) => builder.token(token.clone()),
            None => builder.without_token(),
        };
        if let Some(url) = &self.url {
            builder = builder.base_url(url.clone());
        }
        // One attempt keeps the library's 30 s within a longer whole; `--timeout 0`
        // lifts both (an upload read as it is sent has no attempt timeout anyway).
        builder = builder
            .overall_timeout(self.timeout)
            .attempt_timeout(self.timeout.map(|overall| overall.min(ATTEMPT_TIMEOUT)));
        builder.build().map_err(CliError::from)
    }
}

/// The token in a file: its first line.
fn read_token(path: &Path) -> Result<String, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| CliError::Refused(format!("--token-file {}: {error}", path.display())))?;
    let token = text.lines().next().unwrap_or("").trim().to_owned();
    if token.is_empty() {
        return Err(CliError::Refused(format!(
            "--token-file {}: the file holds no token",
            path.display()
        )));
    }
    Ok(token)
}

async fn run(m: &ArgMatches) -> Result<(), CliError> {
    let Some((name, sub)) = m.subcommand() else {
        return Err(CliError::Usage(
            "a command is needed; see `losant --help`".to_owned(),
        ));
    };
    match name {
        "completions" => {
            let shell = sub
                .get_one::<String>("shell")
                .map_or("bash", String::as_str);
            let shell: clap_complete::Shell = shell
                .parse()
                .map_err(|_| CliError::Usage(format!("no completions for the shell `{shell}`")))?;
            clap_complete::generate(
                shell,
                &mut tree::command(),
                "losant",
                &mut std::io::stdout(),
            );
            return Ok(());
        }
        "man" => {
            return clap_mangen::Man::new(tree::command())
                .render(&mut std::io::stdout())
                .map_err(|error| {
                    CliError::Other(format!("the man page could not be written: {error}"))
                });
        }
        "commands" => {
            for action in tree::actions() {
                println!("{} {} {}", action.resource, action.name, action.official);
            }
            return Ok(());
        }
        "config" => return config_command(&profile_name(m), sub),
        _ => {}
    }
    let settings = Settings::of(m)?;
    if let Some(application) = settings.application.clone() {
        cx::set_default_application(application);
    }
    let client = settings.client()?;
    if name == "login" {
        return session::login(&client, sub, &settings.profile, settings.url.clone()).await;
    }
    let Some((action_name, action_matches)) = sub.subcommand() else {
        return Err(CliError::Usage(format!(
            "`losant {name}` needs an action; see `losant {name} --help`"
        )));
    };
    if name == "device" && action_name == "auth" {
        return session::device_auth(
            &client,
            action_matches,
            &settings.profile,
            settings.url.clone(),
        )
        .await;
    }
    let action = tree::find(name, action_name)
        .ok_or_else(|| CliError::Usage(format!("no command `losant {name} {action_name}`")))?;
    let stdout = std::io::stdout().is_terminal();
    let pretty = m.get_flag("pretty") || (stdout && !m.get_flag("compact"));
    let cx = Cx::new(
        Api::new(client, m.get_flag("verbose")),
        pretty,
        std::io::stderr().is_terminal(),
    );
    let ran = (action.run)(&cx, action_matches).await;
    match ran {
        // A call refused for want of a token: say where one comes from.
        Err(CliError::Refused(message))
            if settings.token.is_none() && message.contains("needs an API token") =>
        {
            Err(CliError::Refused(format!(
                "{message}; give one with LOSANT_API_TOKEN, --token-file, or a profile (`losant login`, `losant device auth`)"
            )))
        }
        ran => ran,
    }
}

fn config_command(profile: &str, m: &ArgMatches) -> Result<(), CliError> {
    match m.subcommand() {
        Some(("path", _)) => {
            println!("{}", config::path()?.display());
            Ok(())
        }
        Some(("set-application", sub)) => {
            let id = match sub.get_one::<String>("id") {
                Some(id) => Some(
                    id.parse::<losant::ApplicationId>()
                        .map_err(|error| CliError::Refused(format!("{error} (nothing was kept)")))?
                        .to_string(),
                ),
                None => None,
            };
            let mut config = Config::load()?;
            let kept = config.profiles.entry(profile.to_owned()).or_default();
            kept.application_id.clone_from(&id);
            let path = config.save()?;
            match id {
                Some(id) => eprintln!(
                    "losant: the profile `{profile}` acts on the application {id} ({})",
                    path.display()
                ),
                None => eprintln!(
                    "losant: the profile `{profile}` has no application ({})",
                    path.display()
                ),
            }
            Ok(())
        }
        _ => {
            let shown = serde_json::to_string_pretty(&Config::load()?.masked())
                .map_err(|error| CliError::Other(error.to_string()))?;
            println!("{shown}");
            Ok(())
        }
    }
}
