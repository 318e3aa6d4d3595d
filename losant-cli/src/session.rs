//! Signing in from the shell: `losant login` (a user) and `losant device auth` (a
//! device); the token the API answers is kept in a profile, never printed.

use std::io::{IsTerminal, Read};

use clap::ArgMatches;
use losant::auth::{DeviceCredentials, UserCredentials};
use losant::prelude::*;
use losant::{Client, DeviceId};

use crate::config::{Config, Profile};
use crate::cx::CliError;

/// A secret read from standard input (its first line) or from an environment variable.
fn secret(from_stdin: bool, variable: &str, what: &str) -> Result<String, CliError> {
    if from_stdin {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|error| {
                CliError::Other(format!("standard input could not be read: {error}"))
            })?;
        let line = text.lines().next().unwrap_or("").to_owned();
        if line.is_empty() {
            return Err(CliError::Refused(format!(
                "no {what} on standard input (nothing was sent)"
            )));
        }
        return Ok(line);
    }
    match std::env::var(variable) {
        Ok(value) if !value.is_empty() => Ok(value),
        _ => Err(CliError::Usage(format!(
            "the {what} comes from standard input (--{}-stdin) or {variable}{}",
            what.split(' ').next_back().unwrap_or(what),
            if std::io::stdin().is_terminal() {
                ""
            } else {
                " (standard input was not read without the flag)"
            }
        ))),
    }
}

/// Keeps `token` in the profile `name`, and says so on standard error.
fn keep(name: &str, url: Option<String>, profile: Profile, token: &str) -> Result<(), CliError> {
    let mut config = Config::load()?;
    let kept = config.profiles.entry(name.to_owned()).or_default();
    *kept = Profile {
        url: url.or(kept.url.take()),
        token: Some(token.to_owned()),
        // A user signing in again keeps the application the profile acts on; a device
        // brings its own.
        application_id: profile.application_id.or(kept.application_id.take()),
        ..profile
    };
    let path = config.save()?;
    eprintln!(
        "losant: signed in; the token is kept in the profile `{name}` ({})",
        path.display()
    );
    Ok(())
}

/// `losant login`.
pub(crate) async fn login(
    client: &Client,
    m: &ArgMatches,
    profile: &str,
    url: Option<String>,
) -> Result<(), CliError> {
    let email = m
        .get_one::<String>("email")
        .cloned()
        .ok_or_else(|| CliError::Usage("--email is required".to_owned()))?;
    let password = secret(m.get_flag("password-stdin"), "LOSANT_PASSWORD", "password")?;
    let mut credentials = UserCredentials::new(email.clone(), password);
    let given = m.get_one::<String>("two-factor-code");
    if let Some(code) = given {
        credentials.two_factor_code = Some(code.clone().into());
    }
    let session = match client.authenticate_user(&credentials).await {
        Ok(session) => session,
        Err(error) if given.is_none() && asks_for_code(&error) => {
            // Asked on a terminal, as the web sign-in asks; a script is told the flag.
            let Some(code) = prompt_code(m.get_flag("password-stdin"))? else {
                let mut failed = CliError::from(error);
                if let CliError::Client(message) = &mut failed {
                    message.push_str(" (give the account's code with --two-factor-code)");
                }
                return Err(failed);
            };
            credentials.two_factor_code = Some(code.into());
            client.authenticate_user(&credentials).await?
        }
        Err(error) => return Err(error.into()),
    };
    keep(
        profile,
        url,
        Profile {
            kind: Some("user".to_owned()),
            who: Some(email),
            ..Profile::default()
        },
        session.authed.token.expose(),
    )
}

/// Whether the API refused a sign-in for want of the account's two-factor code.
fn asks_for_code(error: &losant::Error) -> bool {
    let Some(api) = error.as_api() else {
        return false;
    };
    let said = format!(
        "{} {}",
        api.error_type().unwrap_or_default(),
        api.message().unwrap_or_default()
    )
    .to_lowercase();
    said.contains("factor") || said.contains("2fa") || said.contains("mfa")
}

/// The two-factor code typed on a terminal, or `None` when nobody is there to type it
/// (standard input is a pipe, or already gave the password).
fn prompt_code(password_from_stdin: bool) -> Result<Option<String>, CliError> {
    if password_from_stdin || !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return Ok(None);
    }
    eprint!("Two-factor code: ");
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|error| CliError::Other(format!("standard input could not be read: {error}")))?;
    let code = line.trim().to_owned();
    Ok((!code.is_empty()).then_some(code))
}

/// `losant device auth`.
pub(crate) async fn device_auth(
    client: &Client,
    m: &ArgMatches,
    profile: &str,
    url: Option<String>,
) -> Result<(), CliError> {
    let device: DeviceId = m
        .get_one::<String>("device-id")
        .map(|id| id.parse())
        .transpose()
        .map_err(|error| CliError::Refused(format!("--device-id: {error} (nothing was sent)")))?
        .ok_or_else(|| CliError::Usage("--device-id is required".to_owned()))?;
    let key = m
        .get_one::<String>("key")
        .cloned()
        .ok_or_else(|| CliError::Usage("--key is required".to_owned()))?;
    let secret = secret(
        m.get_flag("secret-stdin"),
        "LOSANT_DEVICE_SECRET",
        "access secret",
    )?;
    let session = client
        .authenticate_device(&DeviceCredentials::new(device, key, secret))
        .await?;
    keep(
        profile,
        url,
        Profile {
            kind: Some("device".to_owned()),
            who: Some(device.to_string()),
            application_id: Some(session.application_id.to_string()),
            ..Profile::default()
        },
        session.authed.token.expose(),
    )
}
