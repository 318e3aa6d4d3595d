//! Application files: `files.post` makes one (pending), `file.upload` takes its
//! content as a multipart form (the `file` part, read as it arrives, within the
//! application's bound), `file.get` and `files.get` show them, `file.delete` removes
//! one.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Multipart, Query, State as AxumState};
use axum::http::StatusCode;
use axum::response::Response;
use losant_core::{ApplicationId, FileId};
use serde_json::{Map, Value, json};

use crate::auth::{Caller, DeleteFile, GetFile, ListFiles, PostFile, UploadFile};
use crate::checks;
use crate::error::ApiError;
use crate::respond::{JsonBody, json};
use crate::store::{Application, State, StoredFile, lock};

type Shared = Arc<State>;

fn application(state: &State, app: &ApplicationId) -> Result<Arc<Mutex<Application>>, ApiError> {
    state
        .application(app)
        .ok_or_else(|| ApiError::not_found("Application"))
}

pub(crate) async fn create(
    AxumState(state): AxumState<Shared>,
    caller: Caller<PostFile>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let fields = checks::file_post(&body.unwrap_or_default()).map_err(ApiError::validation)?;
    let application = application(&state, &caller.app)?;
    let id = FileId::from_bytes(state.next_id());
    let now = crate::store::now().to_string();
    let mut doc = Map::new();
    doc.insert("id".to_owned(), json!(id));
    doc.insert("applicationId".to_owned(), json!(caller.app));
    doc.insert("creationDate".to_owned(), json!(now));
    doc.insert("lastUpdated".to_owned(), json!(now));
    doc.insert("authorId".to_owned(), json!(caller.token.id));
    doc.insert("authorType".to_owned(), json!("apiToken"));
    doc.insert("parentDirectory".to_owned(), json!("/"));
    doc.insert("status".to_owned(), json!("pending"));
    for (key, value) in fields {
        doc.insert(key, value);
    }
    let answer = Value::Object(doc.clone());
    lock(&application)
        .files
        .insert(id, StoredFile { doc, content: None });
    Ok(json(StatusCode::CREATED, answer, 0).await)
}

pub(crate) async fn get(
    AxumState(state): AxumState<Shared>,
    caller: Caller<GetFile>,
) -> Result<Response, ApiError> {
    let id = caller.file()?;
    let application = application(&state, &caller.app)?;
    let file = lock(&application)
        .files
        .get(&id)
        .map(|file| Value::Object(file.doc.clone()))
        .ok_or_else(|| ApiError::not_found("File"))?;
    Ok(json(StatusCode::OK, file, 0).await)
}

pub(crate) async fn list(
    AxumState(state): AxumState<Shared>,
    caller: Caller<ListFiles>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let application = application(&state, &caller.app)?;
    let directory = params.get("directory");
    let items: Vec<Value> = lock(&application)
        .files
        .values()
        .filter(|file| {
            directory.is_none_or(|dir| {
                file.doc.get("parentDirectory").and_then(Value::as_str) == Some(dir)
            })
        })
        .map(|file| Value::Object(file.doc.clone()))
        .collect();
    let body = json!({
        "items": items,
        "count": items.len(),
        "totalCount": items.len(),
        "perPage": items.len().max(1),
        "page": 0,
        "applicationId": caller.app,
    });
    Ok(json(StatusCode::OK, body, 0).await)
}

pub(crate) async fn delete(
    AxumState(state): AxumState<Shared>,
    caller: Caller<DeleteFile>,
) -> Result<Response, ApiError> {
    let id = caller.file()?;
    let application = application(&state, &caller.app)?;
    {
        let mut application = lock(&application);
        let removed = application
            .files
            .remove(&id)
            .ok_or_else(|| ApiError::not_found("File"))?;
        application.file_bytes -= removed.content.map_or(0, |c| c.len());
    }
    Ok(json(StatusCode::OK, json!({"success": true}), 0).await)
}

/// Reads the `file` part of an upload as it arrives, refusing it as soon as it would
/// take the application over `room` bytes.
async fn read_file_part(
    multipart: &mut Multipart,
    room: usize,
) -> Result<(bytes::Bytes, Option<String>), ApiError> {
    let unreadable = |error: axum::extract::multipart::MultipartError| {
        ApiError::validation(format!("the form could not be read: {}", error.body_text()))
    };
    while let Some(mut field) = multipart.next_field().await.map_err(unreadable)? {
        if field.name() != Some("file") {
            continue;
        }
        let content_type = field.content_type().map(str::to_owned);
        let mut content = bytes::BytesMut::new();
        while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
            if content.len() + chunk.len() > room {
                return Err(ApiError::limit_exceeded(format!(
                    "the application's files would take more than the {room} bytes left to it"
                )));
            }
            content.extend_from_slice(&chunk);
        }
        return Ok((content.freeze(), content_type));
    }
    Err(ApiError::validation("the form has no `file` part"))
}

pub(crate) async fn upload(
    AxumState(state): AxumState<Shared>,
    caller: Caller<UploadFile>,
    mut multipart: Multipart,
) -> Result<Response, ApiError> {
    let id = caller.file()?;
    let application = application(&state, &caller.app)?;
    let room = {
        let application = lock(&application);
        let held = application
            .files
            .get(&id)
            .ok_or_else(|| ApiError::not_found("File"))?
            .content
            .as_ref()
            .map_or(0, bytes::Bytes::len);
        // The file's current content is replaced: its bytes are room too.
        state
            .max_application_bytes
            .saturating_sub(application.file_bytes - held)
    };
    let (content, content_type) = read_file_part(&mut multipart, room).await?;
    let answer = {
        let mut application = lock(&application);
        let application = &mut *application;
        let file = application
            .files
            .get_mut(&id)
            .ok_or_else(|| ApiError::not_found("File"))?;
        let old = file.content.as_ref().map_or(0, bytes::Bytes::len);
        application.file_bytes = application.file_bytes - old + content.len();
        file.doc.insert("fileSize".to_owned(), json!(content.len()));
        file.doc.insert("status".to_owned(), json!("completed"));
        file.doc.insert(
            "lastUpdated".to_owned(),
            json!(crate::store::now().to_string()),
        );
        if let Some(content_type) = content_type {
            file.doc
                .insert("contentType".to_owned(), json!(content_type));
        }
        file.content = Some(content);
        Value::Object(file.doc.clone())
    };
    Ok(json(StatusCode::OK, answer, 0).await)
}
