//! Multipart uploads: the [`FilePart`] a caller hands an upload action, and the
//! [`Form`] a request carries, sent the way Losant's official clients send one
//! (`multipart/form-data`; a text part as it is, an object part JSON-encoded, a file
//! part with its filename and content type).
//!
//! A file part is read as it is sent, never held whole: from bytes already in memory,
//! from a file on disk (opened anew for each attempt, so the call may be retried), or
//! from any stream of bytes (sent once: a call whose form holds one makes a single
//! attempt). [`FilePart::on_progress`] reports the bytes handed to the connection.
//!
//! ```no_run
//! # fn run() -> std::io::Result<()> {
//! use losant_core::FilePart;
//!
//! let readings = FilePart::path("readings.csv")?
//!     .on_progress(|progress| eprintln!("{} of {:?} bytes", progress.sent(), progress.total()));
//! let inline = FilePart::bytes("time,temperature\n").file_name("inline.csv");
//! # let _ = (readings, inline);
//! # Ok(()) }
//! ```

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use bytes::{Bytes, BytesMut};
use futures_util::stream::{self, BoxStream, Stream, StreamExt};

use crate::endpoint::Endpoint;
use crate::error::InvalidArgument;

/// How much of a file or of bytes in memory one chunk of the body holds.
const CHUNK: usize = 64 * 1024;

/// The content type of a file part whose kind is not known.
const OCTET_STREAM: &str = "application/octet-stream";

/// How far an upload has come: the bytes of one file part handed to the connection so
/// far, and its whole size when known. A retried attempt starts again from zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    sent: u64,
    total: Option<u64>,
}

impl Progress {
    /// The bytes of the part sent so far.
    #[must_use]
    pub fn sent(&self) -> u64 {
        self.sent
    }

    /// The part's size, when known (bytes and files; a stream when it was given).
    #[must_use]
    pub fn total(&self) -> Option<u64> {
        self.total
    }
}

type ProgressFn = Arc<dyn Fn(Progress) + Send + Sync>;

/// A stream of the bytes of a file part.
type PartStream = BoxStream<'static, std::io::Result<Bytes>>;

/// Where a file part's bytes come from.
#[derive(Clone)]
enum Source {
    /// In memory.
    Bytes(Bytes),
    /// A file, opened when each attempt sends it.
    Path { path: PathBuf, len: u64 },
    /// A stream, which can be sent once: the first attempt takes it.
    Stream {
        stream: Arc<Mutex<Option<PartStream>>>,
        len: Option<u64>,
    },
}

/// The file of an upload: its bytes, its filename and its content type.
///
/// The filename is the file's own name for [`path`](Self::path), else the part's
/// name (as the official clients name a file given as a string), unless set with
/// [`file_name`](Self::file_name); the content type is the one set with
/// [`content_type`](Self::content_type), else the one the filename's extension
/// tells, else `application/octet-stream`.
#[derive(Clone)]
#[must_use]
pub struct FilePart {
    source: Source,
    file_name: Option<String>,
    content_type: Option<String>,
    progress: Option<ProgressFn>,
}

impl FilePart {
    /// A file whose bytes are in memory. It can be sent again, so a call holding
    /// it is retried as any other.
    pub fn bytes(bytes: impl Into<Bytes>) -> Self {
        FilePart::new(Source::Bytes(bytes.into()))
    }

    /// The file at `path`, read as it is sent (in chunks of 64 KiB: never held
    /// whole) and opened anew for each attempt, so a call holding it is retried as
    /// any other. Its filename is the path's last component.
    ///
    /// Fails when `path` is not a file that can be read.
    pub fn path(path: impl AsRef<Path>) -> std::io::Result<Self> {
        let path = path.as_ref();
        let metadata = std::fs::metadata(path)?;
        if !metadata.is_file() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("{} is not a file", path.display()),
            ));
        }
        let file_name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned());
        let mut part = FilePart::new(Source::Path {
            path: path.to_owned(),
            len: metadata.len(),
        });
        part.file_name = file_name;
        Ok(part)
    }

    /// Any stream of bytes, read as it is sent. A stream can be sent only once: a
    /// call holding one makes a single attempt (it is not retried), and a second
    /// send of the same part fails before anything is sent. Give its size with
    /// [`with_len`](Self::with_len) when known: the request then has a
    /// `Content-Length` and the progress a total.
    pub fn stream<S>(stream: S) -> Self
    where
        S: Stream<Item = std::io::Result<Bytes>> + Send + 'static,
    {
        FilePart::new(Source::Stream {
            stream: Arc::new(Mutex::new(Some(stream.boxed()))),
            len: None,
        })
    }

    fn new(source: Source) -> Self {
        FilePart {
            source,
            file_name: None,
            content_type: None,
            progress: None,
        }
    }

    /// Sets the size of a [`stream`](Self::stream) (the other sources know theirs,
    /// and ignore it). A stream that ends at another size fails the upload.
    pub fn with_len(mut self, len: u64) -> Self {
        if let Source::Stream { len: known, .. } = &mut self.source {
            *known = Some(len);
        }
        self
    }

    /// Sets the filename the part carries.
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// Sets the part's content type (such as `application/zip`); a value that is
    /// not a media type refuses the call before anything is sent.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// Calls `report` as the part's bytes are handed to the connection: after each
    /// chunk, and once with nothing sent when an attempt starts.
    pub fn on_progress(mut self, report: impl Fn(Progress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(report));
        self
    }

    /// The size in bytes, when known.
    #[must_use]
    pub fn len(&self) -> Option<u64> {
        match &self.source {
            Source::Bytes(bytes) => Some(bytes.len() as u64),
            Source::Path { len, .. } => Some(*len),
            Source::Stream { len, .. } => *len,
        }
    }

    /// Whether the part is known to hold no bytes.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == Some(0)
    }

    /// The filename set or taken from the path, if any (the part's name is sent
    /// otherwise).
    #[must_use]
    pub fn name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    /// The content type sent for a part of this filename: the one set, else the one
    /// the extension of `file_name` tells, else `application/octet-stream`.
    #[must_use]
    pub fn content_type_for(&self, file_name: &str) -> String {
        match &self.content_type {
            Some(set) => set.clone(),
            None => mime_guess::from_path(file_name)
                .first_raw()
                .unwrap_or(OCTET_STREAM)
                .to_owned(),
        }
    }

    /// Whether the part can be sent again (bytes and files; not a stream).
    #[must_use]
    pub fn is_resendable(&self) -> bool {
        !matches!(self.source, Source::Stream { .. })
    }

    /// Reads the whole part into memory, for a test double that checks what it was
    /// given. A stream is taken by this (it cannot be sent afterwards).
    pub async fn read_to_bytes(&self) -> std::io::Result<Bytes> {
        let mut body = self.open().await?;
        let mut all = BytesMut::new();
        while let Some(chunk) = body.next().await {
            all.extend_from_slice(&chunk?);
        }
        Ok(all.freeze())
    }

    /// The part's bytes as a stream, for one attempt.
    async fn open(&self) -> std::io::Result<PartStream> {
        match &self.source {
            Source::Bytes(bytes) => Ok(chunks(bytes.clone()).boxed()),
            Source::Path { path, .. } => {
                let file = tokio::fs::File::open(path).await?;
                Ok(read_file(file).boxed())
            }
            Source::Stream { stream, .. } => stream
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take()
                .ok_or_else(|| {
                    std::io::Error::other("the stream was already sent, and cannot be sent again")
                }),
        }
    }

    /// The reqwest part of this file under the part name `name`, for one attempt.
    async fn to_reqwest(
        &self,
        endpoint: &'static Endpoint,
        argument: &str,
        name: &str,
    ) -> Result<reqwest::multipart::Part, InvalidArgument> {
        let refuse = |reason: String| InvalidArgument::new(argument, reason).of(endpoint);
        let file_name = self.file_name.clone().unwrap_or_else(|| name.to_owned());
        let content_type = self.content_type_for(&file_name);
        let body = self
            .open()
            .await
            .map_err(|error| refuse(format!("the part `{name}` could not be read: {error}")))?;
        let len = self.len();
        let body = match &self.progress {
            None => body,
            Some(report) => with_progress(body, Arc::clone(report), len).boxed(),
        };
        let body = reqwest::Body::wrap_stream(body);
        let part = match (&self.source, len) {
            (Source::Stream { .. }, Some(len)) => {
                reqwest::multipart::Part::stream_with_length(body, len)
            }
            (Source::Stream { .. }, None) => reqwest::multipart::Part::stream(body),
            (_, len) => reqwest::multipart::Part::stream_with_length(body, len.unwrap_or(0)),
        };
        part.file_name(file_name)
            .mime_str(&content_type)
            .map_err(|_| refuse(format!("`{content_type}` is not a media type")))
    }
}

impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = match &self.source {
            Source::Bytes(_) => "bytes",
            Source::Path { .. } => "file",
            Source::Stream { .. } => "stream",
        };
        f.debug_struct("FilePart")
            .field("source", &source)
            .field("len", &self.len())
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish_non_exhaustive()
    }
}

/// `bytes` in chunks, so that progress is reported as they are sent.
fn chunks(bytes: Bytes) -> impl Stream<Item = std::io::Result<Bytes>> + Send {
    stream::unfold(bytes, |mut rest| async move {
        if rest.is_empty() {
            return None;
        }
        let chunk = rest.split_to(rest.len().min(CHUNK));
        Some((Ok(chunk), rest))
    })
}

/// The bytes of `file`, a chunk at a time; an error ends the stream.
fn read_file(file: tokio::fs::File) -> impl Stream<Item = std::io::Result<Bytes>> + Send {
    use tokio::io::AsyncReadExt;
    stream::unfold(Some(file), |file| async move {
        let mut file = file?;
        let mut buffer = BytesMut::with_capacity(CHUNK);
        match file.read_buf(&mut buffer).await {
            Ok(0) => None,
            Ok(_) => Some((Ok(buffer.freeze()), Some(file))),
            Err(error) => Some((Err(error), None)),
        }
    })
}

/// `body`, reporting each chunk to `report`: once with nothing sent first.
fn with_progress(
    body: PartStream,
    report: ProgressFn,
    total: Option<u64>,
) -> impl Stream<Item = std::io::Result<Bytes>> + Send {
    report(Progress { sent: 0, total });
    let mut sent = 0u64;
    body.inspect(move |chunk| {
        if let Ok(chunk) = chunk {
            sent += chunk.len() as u64;
            report(Progress { sent, total });
        }
    })
}

/// What a `#[part(file)]` argument may be: a [`FilePart`], a reference to one (sent
/// as a copy, which shares its bytes) or an `Option` of one (`None` sends no part).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a file part",
    label = "not a `FilePart`",
    note = "`#[part(file)]` arguments take a `losant_core::FilePart`, a reference to one or an `Option` of one"
)]
pub trait FileArg {
    /// The part, or `None` to leave it out.
    fn into_file_part(self) -> Option<FilePart>;
}

impl FileArg for FilePart {
    fn into_file_part(self) -> Option<FilePart> {
        Some(self)
    }
}

impl FileArg for &FilePart {
    fn into_file_part(self) -> Option<FilePart> {
        Some(self.clone())
    }
}

impl<T: FileArg> FileArg for Option<T> {
    fn into_file_part(self) -> Option<FilePart> {
        self.and_then(FileArg::into_file_part)
    }
}

/// One part of a [`Form`].
#[derive(Debug, Clone)]
pub enum PartValue {
    /// A text part: a string as it is, a number or a flag as JavaScript writes it,
    /// an object part JSON-encoded.
    Text(String),
    /// A file part.
    File(FilePart),
}

/// The multipart form of an upload: its parts in order, each with the argument it
/// came from.
#[derive(Debug, Clone, Default)]
pub struct Form {
    parts: Vec<(String, &'static str, PartValue)>,
}

impl Form {
    /// Adds a part, named `name` on the wire, from the argument `argument`.
    pub(crate) fn push(&mut self, argument: &str, name: &'static str, value: PartValue) {
        self.parts.push((argument.to_owned(), name, value));
    }

    /// The parts in order, by their names on the wire.
    pub fn parts(&self) -> impl Iterator<Item = (&'static str, &PartValue)> {
        self.parts.iter().map(|(_, name, value)| (*name, value))
    }

    /// The text of the text part `name`, if the form has one.
    #[must_use]
    pub fn text(&self, name: &str) -> Option<&str> {
        self.parts().find_map(|(have, value)| match value {
            PartValue::Text(text) if have == name => Some(text.as_str()),
            _ => None,
        })
    }

    /// The file part `name`, if the form has one.
    #[must_use]
    pub fn file(&self, name: &str) -> Option<&FilePart> {
        self.parts().find_map(|(have, value)| match value {
            PartValue::File(file) if have == name => Some(file),
            _ => None,
        })
    }

    /// Whether every part can be sent again (no part is a stream).
    #[must_use]
    pub fn is_resendable(&self) -> bool {
        self.parts().all(|(_, value)| match value {
            PartValue::Text(_) => true,
            PartValue::File(file) => file.is_resendable(),
        })
    }

    /// Whether a part is read as it is sent (a file or a stream), rather than held
    /// in memory: such a body may take longer to send than one attempt's timeout.
    #[must_use]
    pub fn streams(&self) -> bool {
        self.parts().any(|(_, value)| {
            matches!(value, PartValue::File(FilePart { source, .. }) if !matches!(source, Source::Bytes(_)))
        })
    }

    /// The reqwest form, for one attempt: each file opened (a file that cannot be
    /// read refuses the call, naming its argument).
    pub(crate) async fn to_reqwest(
        &self,
        endpoint: &'static Endpoint,
    ) -> Result<reqwest::multipart::Form, InvalidArgument> {
        let mut form = reqwest::multipart::Form::new();
        for (argument, name, value) in &self.parts {
            let part = match value {
                PartValue::Text(text) => reqwest::multipart::Part::text(text.clone()),
                PartValue::File(file) => file.to_reqwest(endpoint, argument, name).await?,
            };
            form = form.part(*name, part);
        }
        Ok(form)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    #[tokio::test]
    async fn bytes_are_read_in_chunks_with_progress() {
        let data = Bytes::from(vec![7u8; CHUNK * 2 + 10]);
        let seen = Arc::new(AtomicU64::new(u64::MAX));
        let last = Arc::clone(&seen);
        let part = FilePart::bytes(data.clone()).on_progress(move |progress| {
            assert_eq!(progress.total(), Some(data.len() as u64));
            last.store(progress.sent(), Ordering::SeqCst);
        });
        let body = part.open().await.unwrap();
        let sizes: Vec<usize> = with_progress(body, part.progress.clone().unwrap(), part.len())
            .map(|chunk| chunk.unwrap().len())
            .collect()
            .await;
        assert_eq!(sizes, [CHUNK, CHUNK, 10]);
        assert_eq!(seen.load(Ordering::SeqCst), (CHUNK * 2 + 10) as u64);
    }

    #[tokio::test]
    async fn a_stream_is_sent_once() {
        let part = FilePart::stream(stream::iter([Ok(Bytes::from_static(b"ab"))])).with_len(2);
        assert!(!part.is_resendable());
        assert_eq!(part.len(), Some(2));
        let copy = part.clone();
        assert_eq!(&part.read_to_bytes().await.unwrap()[..], b"ab");
        let again = copy.read_to_bytes().await.unwrap_err();
        assert!(again.to_string().contains("already sent"), "{again}");
    }

    #[test]
    fn content_types_follow_the_filename_unless_set() {
        let part = FilePart::bytes("x");
        assert_eq!(part.content_type_for("bundle.zip"), "application/zip");
        assert_eq!(part.content_type_for("readings.csv"), "text/csv");
        assert_eq!(part.content_type_for("file"), OCTET_STREAM);
        let set = FilePart::bytes("x").content_type("text/plain");
        assert_eq!(set.content_type_for("bundle.zip"), "text/plain");
    }

    #[test]
    fn a_directory_is_not_a_file_part() {
        let error = FilePart::path(std::env::temp_dir()).unwrap_err();
        assert!(error.to_string().contains("is not a file"), "{error}");
    }
}
