//! Answers whose shape depends on the status: done now (200) or queued as a
//! background job (202).

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::endpoint::Endpoint;
use crate::error::Result;
use crate::response::{FromResponse, Response, decode};

/// A background job the server queued (schema `jobEnqueuedResult`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct JobEnqueued {
    /// `true`: the job was queued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_queued: Option<bool>,
    /// The job's ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_id: Option<String>,
    /// `true` when the request was accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success: Option<bool>,
}

/// The answer of an operation the server either does at once (200, `T`) or queues as a
/// background job (202, [`JobEnqueued`]), such as bulk updates of many events.
#[derive(Debug, Clone, PartialEq)]
pub enum MaybeJob<T> {
    /// Done: the 200 answer.
    Done(T),
    /// Queued: the 202 answer.
    Queued(JobEnqueued),
}

impl<T> MaybeJob<T> {
    /// The result when the operation was done at once.
    pub fn done(self) -> Option<T> {
        match self {
            MaybeJob::Done(value) => Some(value),
            MaybeJob::Queued(_) => None,
        }
    }

    /// The job when the operation was queued.
    pub fn job(&self) -> Option<&JobEnqueued> {
        match self {
            MaybeJob::Done(_) => None,
            MaybeJob::Queued(job) => Some(job),
        }
    }
}

impl<T: DeserializeOwned> FromResponse for MaybeJob<T> {
    fn from_response(endpoint: &'static Endpoint, response: &Response) -> Result<Self> {
        if response.status() == 202 {
            decode(endpoint, response).map(MaybeJob::Queued)
        } else {
            decode(endpoint, response).map(MaybeJob::Done)
        }
    }
}
