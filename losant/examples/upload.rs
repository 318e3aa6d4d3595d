//! A file uploaded offline to the embedded sandbox: made with `files.post`, then its
//! content sent as a multipart form by `file.upload`, read from disk as it is sent
//! (never held whole), with the progress reported along the way.
//!
//! ```sh
//! cargo run --example upload
//! ```

use std::io::Write as _;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use losant::file::{FilePost, FileType};
use losant::prelude::*;
use losant::{Client, FileId, FilePart};
use losant_sandbox::Sandbox;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("upload failed: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::start().await?;
    let app = sandbox.add_application("Greenhouse");
    let token = sandbox.add_token("upload example", ["all.Application"]);
    let client = Client::builder()
        .token(token)
        .base_url(sandbox.base_url())
        .build()?;

    // A CSV export of about 2 MB on disk.
    let path =
        std::env::temp_dir().join(format!("losant-upload-example-{}.csv", std::process::id()));
    {
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path)?);
        writeln!(file, "time,temperature")?;
        for minute in 0..80_000 {
            writeln!(
                file,
                "2026-12-05T{:02}:{:02}:00Z,{}",
                minute / 60 % 24,
                minute % 60,
                20 + minute % 7
            )?;
        }
    }

    // The file's record first, then its content.
    let created = client
        .post_files(&app, &FilePost::new("readings.csv", FileType::File))
        .await?;
    let id: FileId = created["id"]
        .as_str()
        .ok_or("no file ID in the answer")?
        .parse()?;
    println!(
        "created file {id} ({})",
        created["status"].as_str().unwrap_or("?")
    );

    let quarters = Arc::new(AtomicU64::new(0));
    let reported = Arc::clone(&quarters);
    let part = FilePart::path(&path)?.on_progress(move |progress| {
        let Some(total) = progress.total().filter(|t| *t > 0) else {
            return;
        };
        // Report each quarter once.
        let quarter = progress.sent() * 4 / total;
        if quarter > reported.load(Ordering::Relaxed) {
            reported.store(quarter, Ordering::Relaxed);
            println!("  sent {} of {total} bytes", progress.sent());
        }
    });
    let uploaded = client.upload_file(&app, &id, part).await?;
    println!(
        "uploaded {}: {} bytes of {}, {}",
        uploaded.name.as_deref().unwrap_or_default(),
        uploaded.file_size.unwrap_or_default(),
        uploaded.content_type.as_deref().unwrap_or_default(),
        uploaded.status.as_ref().map_or("?", |s| s.as_str()),
    );

    let on_disk = std::fs::metadata(&path)?.len();
    let stored = sandbox
        .file_content(&app, &id)
        .map_or(0, |bytes| bytes.len());
    std::fs::remove_file(&path)?;
    if stored as u64 != on_disk || quarters.load(Ordering::Relaxed) != 4 {
        return Err(format!("the sandbox holds {stored} bytes of {on_disk}").into());
    }
    sandbox.stop().await;
    Ok(())
}
