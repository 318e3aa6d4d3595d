//! The transport every command calls the bindings on: the `losant` client, telling
//! each request's method, path and status on standard error with `--verbose` (never
//! a header: the token stays out).

use losant::{Client, Opened, Request, Response, Result, Transport, async_trait};

/// The client, and whether requests are told.
pub(crate) struct Api {
    client: Client,
    verbose: bool,
}

impl Api {
    pub(crate) fn new(client: Client, verbose: bool) -> Self {
        Api { client, verbose }
    }

    fn tell(&self, line: &str, answer: std::result::Result<u16, &losant::Error>) {
        if !self.verbose {
            return;
        }
        match answer {
            Ok(status) => eprintln!("losant: {line} -> {status}"),
            Err(error) => match error.status() {
                Some(status) => eprintln!("losant: {line} -> {status}"),
                None => eprintln!("losant: {line} -> no answer"),
            },
        }
    }
}

/// `GET /applications/…/devices/…`: what `--verbose` tells of a request.
fn describe(request: &Request) -> String {
    format!("{} {}", request.method().as_str(), request.path())
}

#[async_trait]
impl Transport for Api {
    async fn send(&self, request: Request) -> Result<Response> {
        let line = describe(&request);
        let answer = self.client.send(request).await;
        self.tell(&line, answer.as_ref().map(Response::status));
        answer
    }

    async fn open(&self, request: Request) -> Result<Opened> {
        let line = describe(&request);
        let opened = self.client.open(request).await;
        self.tell(
            &line,
            opened.as_ref().map(|opened| match opened {
                Opened::Answer(answer) => answer.status(),
                Opened::Stream { .. } => 200,
            }),
        );
        opened
    }
}
