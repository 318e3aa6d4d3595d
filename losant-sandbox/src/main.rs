//! `losant-sandbox`: serves the in-memory Losant API on a local port.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use losant_core::ApplicationId;
use losant_sandbox::{NewAccessKey, NewDevice, Sandbox, Seed};

/// An in-memory Losant API (events, devices and their sign-in, state, commands,
/// live streams, data queries, files) for offline development and tests.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// JSON file of applications, events, tokens, devices and access keys (default:
    /// the demo data).
    #[arg(long)]
    seed: Option<PathBuf>,
    /// Adds a device of this name to the first application (repeat for more).
    #[arg(long = "device", value_name = "NAME")]
    devices: Vec<String>,
    /// Adds an access key for every device of the first application, and prints its
    /// key and secret (the secret is shown this once).
    #[arg(long)]
    access_key: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let seed = match &args.seed {
        None => Seed::demo(),
        Some(path) => {
            let read = std::fs::read_to_string(path)
                .map_err(|e| e.to_string())
                .and_then(|json| Seed::from_json(&json).map_err(|e| e.to_string()));
            match read {
                Ok(seed) => seed,
                Err(error) => {
                    eprintln!(
                        "losant-sandbox: cannot read seed {}: {error}",
                        path.display()
                    );
                    return ExitCode::FAILURE;
                }
            }
        }
    };
    let tokens: Vec<(String, Vec<String>)> = seed
        .tokens
        .iter()
        .map(|t| (t.token.clone(), t.scopes.clone()))
        .collect();
    let sandbox = match Sandbox::bind(SocketAddr::new(args.host, args.port), seed).await {
        Ok(sandbox) => sandbox,
        Err(error) if error.kind() == std::io::ErrorKind::InvalidData => {
            eprintln!("losant-sandbox: cannot load the seed: {error}");
            return ExitCode::FAILURE;
        }
        Err(error) => {
            eprintln!(
                "losant-sandbox: cannot listen on {}:{}: {error}",
                args.host, args.port
            );
            return ExitCode::FAILURE;
        }
    };
    println!("Losant sandbox listening on {}", sandbox.base_url());
    for (token, scopes) in tokens {
        println!("Token: {token} (scopes: {})", scopes.join(", "));
    }
    let mut applications: Vec<(ApplicationId, String)> =
        sandbox.applications().into_iter().collect();
    applications.sort();
    for (id, name) in &applications {
        println!("Application: {id} ({name})");
    }
    if !args.devices.is_empty() || args.access_key {
        let Some((app, _)) = applications.first() else {
            eprintln!("losant-sandbox: --device and --access-key need an application in the seed");
            return ExitCode::FAILURE;
        };
        for name in &args.devices {
            let device = NewDevice::new(name.as_str());
            if let Err(reason) = device.check() {
                eprintln!("losant-sandbox: cannot add the device {name:?}: {reason}");
                return ExitCode::FAILURE;
            }
            let id = sandbox.add_device(app, device);
            println!("Device: {id} ({name})");
        }
        if args.access_key {
            let key = sandbox.add_access_key(app, NewAccessKey::all_devices());
            println!(
                "Access key: {} secret: {} (the secret is not shown again)",
                key.key(),
                key.secret()
            );
        }
    }
    println!("Press Ctrl-C to stop.");
    if let Err(error) = tokio::signal::ctrl_c().await {
        eprintln!("losant-sandbox: cannot wait for Ctrl-C: {error}");
    }
    sandbox.stop().await;
    ExitCode::SUCCESS
}
