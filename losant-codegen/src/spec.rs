//! The vendored API description, read as it is: `apiInfo.json`, the JSON Schemas and
//! the accepted-scope lists of `all-endpoints.json`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use crate::Error;

/// The whole description.
#[derive(Debug)]
pub struct Spec {
    /// The directory it was read from.
    pub dir: PathBuf,
    /// Every resource by its official name, in name order.
    pub resources: BTreeMap<String, Resource>,
    /// Every JSON Schema by name (`device` for `schemas/device.json`).
    pub schemas: BTreeMap<String, Value>,
    /// Per `resource.action`: what `all-endpoints.json` adds.
    pub extras: BTreeMap<String, Extra>,
    /// An example document per schema name, from `apiExamples.json`.
    pub examples: BTreeMap<String, Value>,
}

/// A resource of `apiInfo.json`.
#[derive(Debug, Deserialize)]
pub struct Resource {
    /// Its path, a URI template (`/applications/{applicationId}/devices/{deviceId}`).
    pub path: String,
    /// Its path parameters.
    #[serde(default)]
    pub params: Vec<Param>,
    /// Its actions by name.
    pub actions: BTreeMap<String, Action>,
}

/// An action of a resource.
#[derive(Debug, Deserialize)]
pub struct Action {
    /// The HTTP method.
    pub method: String,
    /// The path after the resource's (absent: the resource's path itself).
    #[serde(default)]
    pub path: String,
    /// One line saying what it does.
    #[serde(default)]
    pub summary: String,
    /// The action's own scope (absent for the actions that take no token).
    #[serde(default)]
    pub auth: Option<Vec<String>>,
    /// Its parameters besides the resource's path parameters.
    #[serde(default)]
    pub params: Vec<Param>,
    /// The responses by status code.
    #[serde(default)]
    pub responses: BTreeMap<String, ResponseSpec>,
}

/// One parameter.
#[derive(Debug, Clone, Deserialize)]
pub struct Param {
    /// The name on the wire.
    pub name: String,
    /// Where it goes: `path`, `query`, `body`.
    #[serde(rename = "in")]
    pub location: String,
    /// What it is.
    #[serde(default)]
    pub description: Option<String>,
    /// Whether the call needs it.
    #[serde(default)]
    pub required: bool,
    /// Its JSON type, when a scalar (`string`, `object`, ...).
    #[serde(default, rename = "type")]
    pub ty: Option<String>,
    /// The values it takes, when listed.
    #[serde(default, rename = "enum")]
    pub values: Option<Vec<Value>>,
    /// Its schema, when it has one (`{"$ref": "#/definitions/X"}`).
    #[serde(default)]
    pub schema: Option<Value>,
    /// Its default value.
    #[serde(default)]
    pub default: Option<Value>,
    /// An example value.
    #[serde(default)]
    pub example: Option<Value>,
}

/// One response of an action.
#[derive(Debug, Deserialize)]
pub struct ResponseSpec {
    /// When the API answers it.
    #[serde(default)]
    pub description: String,
    /// The body's schema (`{"$ref": "#/definitions/X"}`), when there is a body.
    #[serde(default)]
    pub schema: Option<Value>,
    /// For a stream of server-sent events: each message name and its data's schema.
    #[serde(default, rename = "sseEvents")]
    pub sse_events: BTreeMap<String, SseEvent>,
}

/// One kind of message of a stream of server-sent events.
#[derive(Debug, Deserialize)]
pub struct SseEvent {
    /// What it is.
    #[serde(default)]
    pub description: String,
    /// Its data's schema.
    pub schema: Value,
}

/// What `all-endpoints.json` says of one action beyond `apiInfo.json`.
#[derive(Debug, Deserialize)]
pub struct Extra {
    /// The resource.
    pub resource: String,
    /// The action.
    pub action: String,
    /// Every scope the API accepts for it (empty: it takes no token).
    pub accepted_scopes: Vec<String>,
    /// It answers with server-sent events.
    pub sse_stream: bool,
    /// It takes a multipart upload.
    pub multipart: bool,
}

#[derive(Deserialize)]
struct EndpointsFile {
    endpoints: Vec<Extra>,
}

impl Spec {
    /// Reads the description in `dir` (`spec/losant-1.30.0`).
    pub fn load(dir: &Path) -> Result<Spec, Error> {
        let resources: BTreeMap<String, Resource> = read_json(&dir.join("apiInfo.json"))?;
        let endpoints: EndpointsFile = read_json(&dir.join("all-endpoints.json"))?;
        let extras = endpoints
            .endpoints
            .into_iter()
            .map(|extra| (format!("{}.{}", extra.resource, extra.action), extra))
            .collect();
        let mut schemas = BTreeMap::new();
        let schema_dir = dir.join("schemas");
        let entries = fs::read_dir(&schema_dir).map_err(|e| Error::io(&schema_dir, &e))?;
        for entry in entries {
            let path = entry.map_err(|e| Error::io(&schema_dir, &e))?.path();
            if let Some(name) = path.file_stem().and_then(|stem| stem.to_str())
                && path.extension().is_some_and(|ext| ext == "json")
            {
                schemas.insert(name.to_owned(), read_json(&path)?);
            }
        }
        let spec = Spec {
            dir: dir.to_owned(),
            resources,
            schemas,
            extras,
            examples: read_json(&dir.join("apiExamples.json"))?,
        };
        spec.check()?;
        Ok(spec)
    }

    /// Every action has its accepted scopes, every schema named exists.
    fn check(&self) -> Result<(), Error> {
        for (resource_name, resource) in &self.resources {
            for (action_name, action) in &resource.actions {
                let official = format!("{resource_name}.{action_name}");
                if !self.extras.contains_key(&official) {
                    return Err(Error::spec(format!(
                        "{official} has no record in all-endpoints.json"
                    )));
                }
                let refs = action
                    .params
                    .iter()
                    .filter_map(|p| p.schema.as_ref())
                    .chain(action.responses.values().filter_map(|r| r.schema.as_ref()))
                    .chain(
                        action
                            .responses
                            .values()
                            .flat_map(|r| r.sse_events.values().map(|event| &event.schema)),
                    );
                for schema in refs {
                    let name = schema_ref(schema).ok_or_else(|| {
                        Error::spec(format!("{official}: a schema that is not a `$ref`"))
                    })?;
                    if !self.schemas.contains_key(name) {
                        return Err(Error::spec(format!(
                            "{official} names the schema `{name}`, which is not in schemas/"
                        )));
                    }
                }
            }
        }
        Ok(())
    }

    /// The schema a `$ref` names.
    #[must_use]
    pub fn schema(&self, name: &str) -> &Value {
        &self.schemas[name]
    }
}

/// The name in a `{"$ref": "#/definitions/name"}`.
#[must_use]
pub fn schema_ref(schema: &Value) -> Option<&str> {
    schema.get("$ref")?.as_str()?.strip_prefix("#/definitions/")
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, Error> {
    let text = fs::read_to_string(path).map_err(|e| Error::io(path, &e))?;
    serde_json::from_str(&text).map_err(|e| Error::spec(format!("{}: {e}", path.display())))
}
