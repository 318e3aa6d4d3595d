//! The command tree: every action of the API (the generated table and the event
//! commands), grouped by resource, with the global flags and the commands of the
//! command line itself (`login`, `device auth`, `config`, `completions`, `man`).
//! Completions and the man page are generated from this same tree.

use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgAction, Command};

use crate::cx::{APPLICATION_FLAG, Action, Flag, FlagKind};
use crate::{events, generated};

/// The exit codes, as `--help` lists them.
pub(crate) const EXIT_CODES: &str = "Exit codes: 0 done; 1 another failure (a file, \
standard output); 2 usage (an unknown flag, a missing one); 3 refused before anything was \
sent (a malformed ID, a body that is not JSON or breaks a limit, no token); 4 the API \
answered 4xx; 5 the API answered 5xx, or the network failed; 6 a timeout.";

/// Every action, sorted by resource and action.
pub(crate) fn actions() -> Vec<&'static Action> {
    let mut all: Vec<&'static Action> = generated::ACTIONS.iter().chain(events::ACTIONS).collect();
    all.sort_by_key(|action| (action.resource, action.name));
    all
}

/// The action of `resource` `action`, if there is one.
pub(crate) fn find(resource: &str, action: &str) -> Option<&'static Action> {
    actions()
        .into_iter()
        .find(|a| a.resource == resource && a.name == action)
}

fn flag(flag: &Flag) -> Arg {
    let value_name = match flag.kind {
        FlagKind::Id => "ID",
        FlagKind::Text if flag.values.is_empty() => "TEXT",
        FlagKind::Text => "VALUE",
        FlagKind::Int | FlagKind::Page => "N",
        FlagKind::Bool => "true|false",
        FlagKind::Json => "JSON",
        FlagKind::Pairs => "KEY=VALUE",
        FlagKind::File => "PATH",
    };
    let mut arg = Arg::new(flag.name).long(flag.name).value_name(value_name);
    // The application an action is on may come from the environment or the profile:
    // clap lets it be left out, and the command reads the fallback (see `cx::Flags::id`).
    arg = if flag.name == APPLICATION_FLAG && flag.kind == FlagKind::Id && flag.required {
        arg.help(format!(
            "{} Left out: LOSANT_APPLICATION_ID, else the profile's application (`losant config set-application`).",
            flag.help
        ))
    } else {
        arg.help(flag.help).required(flag.required)
    };
    if !flag.values.is_empty() {
        arg = arg.value_parser(PossibleValuesParser::new(flag.values));
    }
    if flag.kind == FlagKind::Pairs {
        arg = arg.action(ArgAction::Append);
    }
    if flag.kind == FlagKind::Bool {
        arg = arg.value_parser(PossibleValuesParser::new(["true", "false"]));
    }
    arg
}

/// The command of one action.
fn action_command(action: &Action) -> Command {
    let mut command = Command::new(action.name)
        .about(action.about)
        .long_about(format!(
            "{}\n\nLosant API: `{}`, `{}`.",
            action.about, action.official, action.http
        ))
        .args(action.flags.iter().map(flag));
    if let Some(body) = action.body {
        let how = if body.required {
            "Required; without --body, read from standard input."
        } else {
            "Optional (`-` reads standard input)."
        };
        command = command.arg(
            Arg::new("body")
                .long("body")
                .value_name("JSON|@FILE|-")
                .help(format!("The JSON body: {} {how}", body.help)),
        );
    }
    if action.paged {
        command =
            command.arg(Arg::new("all").long("all").action(ArgAction::SetTrue).help(
                "Every item of every page, one JSON line each, one page in memory at a time.",
            ));
    }
    if action.stream {
        command = command.after_help(
            "Each message is written as a JSON line as it arrives, until the stream ends or Ctrl-C.",
        );
    }
    command
}

/// `losant device auth`: a device signs in and its token is kept in a profile.
fn device_auth() -> Command {
    Command::new("auth")
        .about("Signs a device in with an access key and keeps its token in a profile.")
        .long_about(
            "Signs a device in with an access key (`auth.authenticateDevice`) and keeps the \
             token the API answers in the profile (`--profile`, default `default`), with the \
             device's application, so that the next commands act as the device.",
        )
        .arg(
            Arg::new("device-id")
                .long("device-id")
                .value_name("ID")
                .required(true)
                .help("The device's ID."),
        )
        .arg(
            Arg::new("key")
                .long("key")
                .value_name("KEY")
                .required(true)
                .help("The access key."),
        )
        .arg(
            Arg::new("secret-stdin")
                .long("secret-stdin")
                .action(ArgAction::SetTrue)
                .help(
                    "Read the access secret from standard input (else from LOSANT_DEVICE_SECRET).",
                ),
        )
}

/// `losant login`: a user signs in and the token is kept in a profile.
fn login() -> Command {
    Command::new("login")
        .about("Signs a user in and keeps the token in a profile.")
        .long_about(
            "Signs a user in (`auth.authenticateUser`) and keeps the token the API answers in \
             the profile (`--profile`, default `default`), readable by its owner only.",
        )
        .arg(
            Arg::new("email")
                .long("email")
                .value_name("EMAIL")
                .required(true)
                .help("The user's email."),
        )
        .arg(
            Arg::new("password-stdin")
                .long("password-stdin")
                .action(ArgAction::SetTrue)
                .help("Read the password from standard input (else from LOSANT_PASSWORD)."),
        )
        .arg(
            Arg::new("two-factor-code")
                .long("two-factor-code")
                .value_name("CODE")
                .help("The two-factor code, when the account asks for one."),
        )
}

/// `losant config`: the profiles.
fn config() -> Command {
    Command::new("config")
        .about("The profiles of the command line.")
        .subcommand_required(true)
        .subcommand(Command::new("show").about("Prints the profiles, every token masked."))
        .subcommand(Command::new("path").about("Prints where the profiles are kept."))
        .subcommand(
            Command::new("set-application")
                .about("Keeps the application the profile's commands act on.")
                .long_about(
                    "Keeps the application the profile's commands act on when \
                             `--application-id` is left out (LOSANT_APPLICATION_ID comes \
                             first). `losant device auth` keeps the device's own.",
                )
                .arg(
                    Arg::new("id")
                        .value_name("ID")
                        .required_unless_present("clear")
                        .help("The application's ID."),
                )
                .arg(
                    Arg::new("clear")
                        .long("clear")
                        .action(ArgAction::SetTrue)
                        .conflicts_with("id")
                        .help("Forget the profile's application."),
                ),
        )
}

fn global(name: &'static str, help: &'static str) -> Arg {
    Arg::new(name)
        .long(name)
        .global(true)
        .help(help)
        .help_heading("Global options")
}

/// The whole tree.
pub(crate) fn command() -> Command {
    let mut root = Command::new("losant")
        .version(env!("CARGO_PKG_VERSION"))
        .about("Every action of the Losant REST API, from the shell.")
        .long_about(
            "Every action of the Losant REST API (API 1.30.0), from the shell: \
             `losant <resource> <action> [flags]`, named after the official `resource.action` \
             in kebab case. Answers are JSON on standard output (pretty on a terminal, one line \
             in a pipe); errors go to standard error.",
        )
        .after_help(EXIT_CODES)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .arg(
            global(
                "profile",
                "The profile to use (default: LOSANT_PROFILE, else `default`).",
            )
            .value_name("NAME"),
        )
        .arg(
            global(
                "token-file",
                "Read the token from this file (over LOSANT_API_TOKEN and the profile).",
            )
            .value_name("PATH"),
        )
        .arg(
            global(
                "url",
                "The API's base URL (over LOSANT_API_URL and the profile).",
            )
            .value_name("URL"),
        )
        .arg(
            global(
                "timeout",
                "The longest a call may take, its retries included, in seconds (default: \
                 LOSANT_TIMEOUT, else 90; 0 waits forever). A stream ends only when idle.",
            )
            .value_name("SECONDS")
            .value_parser(clap::value_parser!(u64)),
        )
        .arg(
            global(
                "verbose",
                "Tell each request's method, path and status on standard error.",
            )
            .action(ArgAction::SetTrue),
        )
        .arg(global("compact", "One-line JSON, even on a terminal.").action(ArgAction::SetTrue))
        .arg(global("pretty", "Indented JSON, even in a pipe.").action(ArgAction::SetTrue));
    for run in actions().chunk_by(|a, b| a.resource == b.resource) {
        let mut group = Command::new(run[0].resource)
            .about(format!(
                "The `{}` resource.",
                run[0].official.split('.').next().unwrap_or("")
            ))
            .subcommand_required(true)
            .subcommands(run.iter().map(|action| action_command(action)));
        if run[0].resource == "device" {
            group = group.subcommand(device_auth());
        }
        root = root.subcommand(group);
    }
    root.subcommand(login())
        .subcommand(config())
        .subcommand(
            Command::new("completions")
                .about("Prints the completions of a shell.")
                .arg(
                    Arg::new("shell")
                        .required(true)
                        .value_parser(PossibleValuesParser::new([
                            "bash",
                            "zsh",
                            "fish",
                            "powershell",
                            "elvish",
                        ])),
                ),
        )
        .subcommand(Command::new("man").about("Prints the man page."))
        .subcommand(
            Command::new("commands")
                .about("Lists every action's command: `resource action official`.")
                .hide(true),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// clap's own checks of the whole tree: no flag of an action collides with a global
    /// flag or another of its own, every required flag and value name is well formed.
    #[test]
    fn the_tree_passes_clap_checks() {
        command().debug_assert();
    }

    /// Every action of the table is in the tree once, under its resource.
    #[test]
    fn every_action_is_a_subcommand_of_its_resource() {
        let tree = command();
        let mut seen = std::collections::BTreeSet::new();
        for action in crate::events::ACTIONS
            .iter()
            .chain(crate::generated::ACTIONS)
        {
            let command = tree
                .find_subcommand(action.resource)
                .and_then(|resource| resource.find_subcommand(action.name))
                .unwrap_or_else(|| panic!("{} is not in the tree", action.official));
            assert!(
                command.get_arguments().all(|arg| arg.get_id() != "all") || action.paged,
                "{}: `--all` on an action without pages",
                action.official
            );
            assert!(seen.insert(action.official), "{} twice", action.official);
        }
        assert_eq!(seen.len(), 375);
    }
}
