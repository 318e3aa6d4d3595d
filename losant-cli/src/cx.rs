//! What every command runs with: the table entry a command is built from ([`Action`],
//! [`Flag`]), the context it reads its flags and prints its answer through ([`Cx`]),
//! and the error it ends with ([`CliError`], whose kind is the exit code).

use std::fmt;
use std::future::Future;
use std::io::{IsTerminal, Read, Write};
use std::pin::Pin;
use std::str::FromStr;
use std::sync::{Arc, OnceLock};

use clap::ArgMatches;
use futures_util::{Stream, StreamExt};
use losant::{FilePart, JobEnqueued};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::api::Api;

/// The future of a command.
pub(crate) type Run<'a> = Pin<Box<dyn Future<Output = Result<(), CliError>> + 'a>>;

/// One action of the API as a command: `losant <resource> <action> [flags]`.
pub(crate) struct Action {
    /// The resource, in kebab case (`device`, `application-api-token`).
    pub(crate) resource: &'static str,
    /// The action, in kebab case (`get`, `send-state`).
    pub(crate) name: &'static str,
    /// The official `resource.action`.
    pub(crate) official: &'static str,
    /// The method and path, as the API documents them.
    pub(crate) http: &'static str,
    /// The summary: the command's help.
    pub(crate) about: &'static str,
    pub(crate) flags: &'static [Flag],
    /// The JSON body the action takes, if any.
    pub(crate) body: Option<BodySpec>,
    /// A paged collection: `--all` walks every page.
    pub(crate) paged: bool,
    /// A stream of server-sent events: each message a line until interrupted.
    pub(crate) stream: bool,
    pub(crate) run: for<'a> fn(&'a Cx, &'a ArgMatches) -> Run<'a>,
}

/// One flag of a command.
pub(crate) struct Flag {
    /// In kebab case, without the dashes.
    pub(crate) name: &'static str,
    pub(crate) help: &'static str,
    pub(crate) kind: FlagKind,
    pub(crate) required: bool,
    /// The values it takes, when listed.
    pub(crate) values: &'static [&'static str],
}

/// How a flag's text becomes an argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FlagKind {
    /// A typed ID: 24 hexadecimal characters.
    Id,
    /// Text (or one of the listed values).
    Text,
    /// A whole number.
    Int,
    /// `true` or `false`.
    Bool,
    /// A JSON value.
    Json,
    /// `key=value`, repeated, or a JSON list of `{"key", "value"}` objects.
    Pairs,
    /// The path of a file, streamed.
    File,
    /// A page number, from 0.
    Page,
}

/// The body of an action.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BodySpec {
    pub(crate) required: bool,
    pub(crate) help: &'static str,
}

/// How a command failed; each kind has its exit code.
#[derive(Debug)]
pub(crate) enum CliError {
    /// The command line is wrong (exit 2; most are clap's own).
    Usage(String),
    /// Refused before anything was sent: a flag's value, the body, the token (exit 3).
    Refused(String),
    /// The API answered 4xx (exit 4).
    Client(String),
    /// The API answered 5xx, or the network failed (exit 5).
    Server(String),
    /// A timeout fired (exit 6).
    Timeout(String),
    /// Anything else: a file that could not be written, ... (exit 1).
    Other(String),
}

impl CliError {
    /// The process's exit code for this error.
    pub(crate) fn exit_code(&self) -> u8 {
        match self {
            CliError::Other(_) => 1,
            CliError::Usage(_) => 2,
            CliError::Refused(_) => 3,
            CliError::Client(_) => 4,
            CliError::Server(_) => 5,
            CliError::Timeout(_) => 6,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Usage(message)
            | CliError::Refused(message)
            | CliError::Client(message)
            | CliError::Server(message)
            | CliError::Timeout(message)
            | CliError::Other(message) => f.write_str(message),
        }
    }
}

impl From<losant::Error> for CliError {
    fn from(error: losant::Error) -> Self {
        // The message of the API's error holds Losant's `type` and `message`.
        let message = error.to_string();
        if error.is_rejected_before_sending() || matches!(error, losant::Error::Config(_)) {
            return CliError::Refused(message);
        }
        if matches!(error, losant::Error::Timeout(_)) {
            return CliError::Timeout(message);
        }
        match error.status() {
            Some(400..=499) => CliError::Client(message),
            _ => CliError::Server(message),
        }
    }
}

/// The flag that, left out, is filled in from `LOSANT_APPLICATION_ID` or the profile's
/// application (see [`DefaultApplication`]).
pub(crate) const APPLICATION_FLAG: &str = "application-id";

/// The application a command acts on when `--application-id` is left out, and where it
/// comes from (`LOSANT_APPLICATION_ID`, or a profile: `losant device auth` keeps the
/// device's, `losant config set-application` any).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DefaultApplication {
    /// The ID as it was given (parsed when a command needs it, so that a malformed one
    /// is refused naming where it came from).
    pub(crate) id: String,
    /// Where it comes from, for errors: `LOSANT_APPLICATION_ID`, or ``the profile `dev` ``.
    pub(crate) from: String,
}

/// The default application of this run, set once before the command runs.
static DEFAULT_APPLICATION: OnceLock<DefaultApplication> = OnceLock::new();

/// Sets the application `--application-id` falls back to (once per process: the first
/// setting stays).
pub(crate) fn set_default_application(default: DefaultApplication) {
    let _ = DEFAULT_APPLICATION.set(default);
}

/// `--application-id` left out: the default application, parsed, or a usage error that
/// says where one comes from.
fn default_application<T: FromStr>() -> Result<T, CliError>
where
    T::Err: fmt::Display,
{
    let Some(default) = DEFAULT_APPLICATION.get() else {
        return Err(CliError::Usage(format!(
            "--{APPLICATION_FLAG} is required: give it, set LOSANT_APPLICATION_ID, or keep \
             an application in the profile (`losant config set-application ID`)"
        )));
    };
    default.id.parse().map_err(|error| {
        CliError::Refused(format!(
            "--{APPLICATION_FLAG} from {}: {error} (nothing was sent)",
            default.from
        ))
    })
}

/// A flag's value refused, naming the flag.
fn refused(flag: &str, why: impl fmt::Display) -> CliError {
    CliError::Refused(format!("--{flag}: {why} (nothing was sent)"))
}

/// The context of a command: the client, and how answers are printed.
pub(crate) struct Cx {
    api: Api,
    /// Pretty JSON (a terminal) or one line (a pipe).
    pretty: bool,
    /// A progress bar for uploads (standard error is a terminal).
    progress: bool,
}

impl Cx {
    pub(crate) fn new(api: Api, pretty: bool, progress: bool) -> Self {
        Cx {
            api,
            pretty,
            progress,
        }
    }

    /// The client the bindings are called on.
    pub(crate) fn api(&self) -> &Api {
        &self.api
    }

    /// The file at the flag's path, streamed as it is sent, with a progress bar on a
    /// terminal.
    pub(crate) fn file(&self, m: &ArgMatches, flag: &str) -> Result<FilePart, CliError> {
        let path = required(m, flag)?;
        let part =
            FilePart::path(path).map_err(|error| refused(flag, format!("{path}: {error}")))?;
        if !self.progress {
            return Ok(part);
        }
        let bar = indicatif::ProgressBar::new(part.len().unwrap_or(0));
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {bytes}/{total_bytes} {bytes_per_sec}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        let bar = Arc::new(bar);
        Ok(part.on_progress(move |progress| {
            bar.set_position(progress.sent());
            if progress
                .total()
                .is_some_and(|total| progress.sent() >= total)
            {
                bar.finish_and_clear();
            }
        }))
    }

    /// The file at the flag's path, when given.
    pub(crate) fn opt_file(
        &self,
        m: &ArgMatches,
        flag: &str,
    ) -> Result<Option<FilePart>, CliError> {
        match raw(m, flag) {
            None => Ok(None),
            Some(_) => self.file(m, flag).map(Some),
        }
    }

    /// Prints an answer: pretty JSON on a terminal, one line in a pipe.
    pub(crate) fn print<T: Serialize>(&self, value: &T) -> Result<(), CliError> {
        let value = json_of(value)?;
        let text = if self.pretty {
            serde_json::to_string_pretty(&value)
        } else {
            serde_json::to_string(&value)
        }
        .map_err(|error| CliError::Other(format!("the answer could not be written: {error}")))?;
        write_line(&text)
    }

    /// Prints a job the API queued, saying so on standard error.
    pub(crate) fn job(&self, job: &JobEnqueued) -> Result<(), CliError> {
        let id = job.job_id.as_deref().unwrap_or("(no ID)");
        eprintln!("losant: queued as job {id}: the work goes on in the background");
        self.print(job)
    }

    /// Prints every item of every page, one JSON line each, one page in memory at a
    /// time.
    pub(crate) async fn print_all<T: Serialize>(
        &self,
        mut items: impl Stream<Item = losant::Result<T>> + Unpin,
    ) -> Result<(), CliError> {
        while let Some(item) = items.next().await {
            write_line(&json_of(&item?)?.to_string())?;
        }
        Ok(())
    }

    /// Prints each message of a stream as a JSON line until the stream ends or the
    /// process is interrupted (Ctrl-C ends it cleanly).
    pub(crate) async fn follow<T: Serialize>(
        &self,
        stream: impl Stream<Item = losant::Result<T>> + Unpin,
    ) -> Result<(), CliError> {
        let interrupted = tokio::signal::ctrl_c();
        tokio::pin!(interrupted);
        let printing = self.print_all(stream);
        tokio::pin!(printing);
        tokio::select! {
            printed = &mut printing => printed,
            _ = &mut interrupted => Ok(()),
        }
    }
}

/// Reading a command's flags and body: what the generated commands call on their
/// matches. A value that does not parse is refused naming its flag, with nothing sent.
pub(crate) trait Flags {
    /// A typed ID.
    fn id<T: FromStr>(&self, flag: &str) -> Result<T, CliError>
    where
        T::Err: fmt::Display;
    /// Text.
    fn text(&self, flag: &str) -> Result<String, CliError>;
    /// Text, when given.
    fn opt_text(&self, flag: &str) -> Result<Option<String>, CliError>;
    /// A whole number.
    fn int(&self, flag: &str) -> Result<i64, CliError>;
    /// A whole number, when given.
    fn opt_int(&self, flag: &str) -> Result<Option<i64>, CliError>;
    /// `true` or `false`, when given.
    fn opt_flag(&self, flag: &str) -> Result<Option<bool>, CliError>;
    /// A page number, when given.
    fn opt_page(&self, flag: &str) -> Result<Option<u32>, CliError>;
    /// A JSON value decoded into its typed model (the error names the JSON path).
    fn json<T: DeserializeOwned>(&self, flag: &str) -> Result<T, CliError>;
    /// A JSON value, when given.
    fn opt_json<T: DeserializeOwned>(&self, flag: &str) -> Result<Option<T>, CliError>;
    /// `key=value` pairs (the flag repeated) or one JSON list, when given.
    fn opt_pairs<T: DeserializeOwned>(&self, flag: &str) -> Result<Option<T>, CliError>;
    /// The body: `--body '<json>'`, `--body @file.json`, `--body -` or, without
    /// `--body`, standard input when it is not a terminal.
    fn body<T: DeserializeOwned>(&self) -> Result<T, CliError>;
    /// The body, when given (`--body`; standard input only with `--body -`).
    fn opt_body<T: DeserializeOwned>(&self) -> Result<Option<T>, CliError>;
    /// Whether `--all` was given: every page, one item a line.
    fn all(&self) -> bool;
}

fn raw<'m>(m: &'m ArgMatches, flag: &str) -> Option<&'m String> {
    m.try_get_one::<String>(flag).ok().flatten()
}

fn missing(flag: &str) -> CliError {
    CliError::Usage(format!("--{flag} is required"))
}

fn required<'m>(m: &'m ArgMatches, flag: &str) -> Result<&'m String, CliError> {
    raw(m, flag).ok_or_else(|| missing(flag))
}

const WHOLE_NUMBER: &str = "a whole number";

fn parse<T: FromStr>(flag: &str, text: &str) -> Result<T, CliError>
where
    T::Err: fmt::Display,
{
    text.parse().map_err(|error| refused(flag, error))
}

/// A number or a flag: the standard library's error does not show the value, this does.
fn parse_as<T: FromStr>(flag: &str, text: &str, what: &str) -> Result<T, CliError>
where
    T::Err: fmt::Display,
{
    text.parse()
        .map_err(|error| refused(flag, format!("`{text}` is not {what} ({error})")))
}

fn opt_parse_as<T: FromStr>(m: &ArgMatches, flag: &str, what: &str) -> Result<Option<T>, CliError>
where
    T::Err: fmt::Display,
{
    raw(m, flag)
        .map(|text| parse_as(flag, text, what))
        .transpose()
}

impl Flags for ArgMatches {
    fn id<T: FromStr>(&self, flag: &str) -> Result<T, CliError>
    where
        T::Err: fmt::Display,
    {
        match raw(self, flag) {
            Some(text) => parse(flag, text),
            None if flag == APPLICATION_FLAG => default_application(),
            None => Err(missing(flag)),
        }
    }

    fn text(&self, flag: &str) -> Result<String, CliError> {
        required(self, flag).cloned()
    }

    fn opt_text(&self, flag: &str) -> Result<Option<String>, CliError> {
        Ok(raw(self, flag).cloned())
    }

    fn int(&self, flag: &str) -> Result<i64, CliError> {
        parse_as(flag, required(self, flag)?, WHOLE_NUMBER)
    }

    fn opt_int(&self, flag: &str) -> Result<Option<i64>, CliError> {
        opt_parse_as(self, flag, WHOLE_NUMBER)
    }

    fn opt_flag(&self, flag: &str) -> Result<Option<bool>, CliError> {
        opt_parse_as(self, flag, "`true` or `false`")
    }

    fn opt_page(&self, flag: &str) -> Result<Option<u32>, CliError> {
        opt_parse_as(self, flag, "a page number (0 or more)")
    }

    fn json<T: DeserializeOwned>(&self, flag: &str) -> Result<T, CliError> {
        decode(&format!("--{flag}"), required(self, flag)?.as_bytes())
    }

    fn opt_json<T: DeserializeOwned>(&self, flag: &str) -> Result<Option<T>, CliError> {
        raw(self, flag)
            .map(|text| decode(&format!("--{flag}"), text.as_bytes()))
            .transpose()
    }

    fn opt_pairs<T: DeserializeOwned>(&self, flag: &str) -> Result<Option<T>, CliError> {
        let Ok(Some(values)) = self.try_get_many::<String>(flag) else {
            return Ok(None);
        };
        let values: Vec<&String> = values.collect();
        if let [only] = values.as_slice()
            && only.trim_start().starts_with('[')
        {
            return decode(&format!("--{flag}"), only.as_bytes()).map(Some);
        }
        let pairs: Result<Vec<serde_json::Value>, CliError> = values
            .iter()
            .map(|pair| {
                let (key, value) = pair
                    .split_once('=')
                    .ok_or_else(|| refused(flag, format!("`{pair}` is not `key=value`")))?;
                Ok(serde_json::json!({"key": key, "value": value}))
            })
            .collect();
        let pairs = serde_json::Value::Array(pairs?);
        decode(&format!("--{flag}"), pairs.to_string().as_bytes()).map(Some)
    }

    fn body<T: DeserializeOwned>(&self) -> Result<T, CliError> {
        read_body(self, true)?.ok_or_else(|| {
            CliError::Usage(
                "this command needs a body: --body '<json>', --body @file.json, or JSON on standard input"
                    .to_owned(),
            )
        })
    }

    fn opt_body<T: DeserializeOwned>(&self) -> Result<Option<T>, CliError> {
        read_body(self, false)
    }

    fn all(&self) -> bool {
        self.try_get_one::<bool>("all")
            .ok()
            .flatten()
            .copied()
            .unwrap_or(false)
    }
}

fn read_body<T: DeserializeOwned>(
    m: &ArgMatches,
    stdin_by_default: bool,
) -> Result<Option<T>, CliError> {
    let text = match raw(m, "body").map(String::as_str) {
        Some("-") => read_stdin()?,
        Some(path) if path.starts_with('@') => std::fs::read(&path[1..])
            .map_err(|error| refused("body", format!("{}: {error}", &path[1..])))?,
        Some(json) => json.as_bytes().to_vec(),
        None if stdin_by_default && !std::io::stdin().is_terminal() => read_stdin()?,
        None => return Ok(None),
    };
    decode("the body", &text).map(Some)
}

/// An answer as JSON, whole numbers written as the API writes them (`8`, not `8.0`).
fn json_of<T: Serialize>(value: &T) -> Result<serde_json::Value, CliError> {
    losant::json::to_value(value)
        .map_err(|error| CliError::Other(format!("the answer could not be written: {error}")))
}

/// Decodes JSON into `T`, naming the JSON path of a field that does not fit.
fn decode<T: DeserializeOwned>(what: &str, bytes: &[u8]) -> Result<T, CliError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let not_it = |at: String, error: &serde_json::Error| {
        CliError::Refused(format!(
            "{what} is not what the action takes{at}: {error} (nothing was sent)"
        ))
    };
    let value: T = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let at = if path == "." {
            String::new()
        } else {
            format!(" at `{path}`")
        };
        not_it(at, error.inner())
    })?;
    deserializer
        .end()
        .map_err(|error| not_it(String::new(), &error))?;
    Ok(value)
}

fn read_stdin() -> Result<Vec<u8>, CliError> {
    let mut text = Vec::new();
    std::io::stdin()
        .read_to_end(&mut text)
        .map_err(|error| CliError::Other(format!("standard input could not be read: {error}")))?;
    Ok(text)
}

/// Writes a line to standard output; a closed pipe ends the command quietly.
fn write_line(text: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(error) => Err(CliError::Other(format!("standard output: {error}"))),
    }
}
