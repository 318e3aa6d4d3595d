//! `losant-sandbox`: serves the in-memory Losant API on a local port.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use losant_sandbox::{Sandbox, Seed};

/// An in-memory Losant API (the Event resource) for offline development and tests.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// JSON file of applications, events and tokens (default: the demo data).
    #[arg(long)]
    seed: Option<PathBuf>,
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
    for (id, name) in sandbox.applications() {
        println!("Application: {id} ({name})");
    }
    println!("Press Ctrl-C to stop.");
    if let Err(error) = tokio::signal::ctrl_c().await {
        eprintln!("losant-sandbox: cannot wait for Ctrl-C: {error}");
    }
    sandbox.stop().await;
    ExitCode::SUCCESS
}
