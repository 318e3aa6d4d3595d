//! JSON Schemas to Rust types: every object with properties becomes a struct, every
//! list of strings an enum, identical subtrees become one type.
//!
//! The rules (the ones `losant-events` follows by hand):
//! - a field is `Option` unless the schema requires it; unknown fields are ignored
//!   when decoding; enums keep values they do not know;
//! - `format: date-time` is a `Timestamp`; a 24-hexadecimal pattern is the typed ID
//!   its field names ([`id_kind`]), or `ResourceId` when the name does not say;
//! - `oneOf`/`anyOf` of a type and `null` is that type, nullable; of strings, a
//!   string (an enum when each lists its values); of a type and a list of it,
//!   `OneOrMany`; anything else is `serde_json::Value`, counted in [`ValueCounts`];
//! - the limits of a request body (lengths, patterns, item and entry counts, ranges,
//!   listed values) are kept on the shape, for the generated `Validate` impls.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{Map, Value};

use crate::Error;
use crate::names::{item_name, join_names, pascal};
use crate::queries::{QueryDef, query_def, query_schema};

/// Index of a struct in [`Types::structs`].
pub type StructId = usize;
/// Index of an enum in [`Types::enums`].
pub type EnumId = usize;
/// Index of an advanced query in [`Types::queries`].
pub type QueryId = usize;
/// Index of a tagged union in [`Types::unions`].
pub type UnionId = usize;

/// Why a place is `serde_json::Value`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ValueWhy {
    /// `oneOf`/`anyOf` of different shapes.
    Polymorphic,
    /// A scalar of several JSON types (`["string", "number", "boolean", "null"]`).
    ScalarUnion,
    /// An object whose properties the schema leaves open.
    OpenObject,
    /// A schema without any type.
    Untyped,
    /// A schema the description gets wrong (a list inside `anyOf`).
    Malformed,
}

impl ValueWhy {
    /// How the note and the docs name it.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            ValueWhy::Polymorphic => "polymorphic (`oneOf`/`anyOf` of different shapes)",
            ValueWhy::ScalarUnion => "a scalar of several JSON types",
            ValueWhy::OpenObject => "an object with open properties",
            ValueWhy::Untyped => "a schema without a type",
            ValueWhy::Malformed => "a malformed schema",
        }
    }
}

/// The type of a value.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    /// `bool`
    Bool,
    /// `i64`
    Int,
    /// `f64`
    Number,
    /// `String`
    String,
    /// `losant_core::Timestamp`
    Timestamp,
    /// `losant_core::Time`: a date or epoch milliseconds, sent as milliseconds.
    Time,
    /// A typed ID, by its Rust name (`DeviceId`, `ResourceId`).
    Id(&'static str),
    /// `serde_json::Value`.
    Value(ValueWhy),
    /// A generated struct.
    Struct(StructId),
    /// A generated string enum.
    Enum(EnumId),
    /// A typed advanced query (`losant_core::query::Query` over a generated field enum).
    Query(QueryId),
    /// A generated enum of objects told apart by a tag field.
    Union(UnionId),
    /// `losant_core::OrFalse<T>`: a value, or `false` for none.
    OrFalse(Box<Shape>),
    /// `losant_core::Aggregation`: a time series aggregation (a function's name or
    /// object, or the time at a value).
    Aggregation,
    /// `Vec<T>`
    List(Box<Shape>),
    /// `BTreeMap<String, T>`, keys matching the pattern.
    Map(Box<Shape>),
    /// `losant_core::OneOrMany<T>`
    OneOrMany(Box<Shape>),
}

/// A type with its limits.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    /// The type.
    pub ty: Ty,
    /// Whether `null` is a value of it.
    pub nullable: bool,
    /// The schema's limits on it.
    pub limits: Limits,
}

impl Shape {
    fn new(ty: Ty) -> Self {
        Shape {
            ty,
            nullable: false,
            limits: Limits::default(),
        }
    }

    fn value(why: ValueWhy) -> Self {
        Shape::new(Ty::Value(why))
    }
}

/// The limits of a schema, the ones a request body is checked against.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Limits {
    /// Characters: `minLength`, `maxLength`.
    pub chars: Option<(usize, Option<usize>)>,
    /// `pattern`, by the name of its `losant_core::validate::Pattern` variant.
    pub pattern: Option<&'static str>,
    /// Items: `minItems`, `maxItems`.
    pub items: Option<(usize, Option<usize>)>,
    /// `uniqueItems`.
    pub unique: bool,
    /// Entries of a map: `minProperties`, `maxProperties`.
    pub entries: Option<(usize, Option<usize>)>,
    /// The pattern keys of a map match.
    pub key_pattern: Option<&'static str>,
    /// `minimum`, `maximum`.
    pub range: Option<(Option<f64>, Option<f64>)>,
}

impl Limits {
    /// Whether there is nothing to check.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == Limits::default()
    }
}

/// A field of a struct.
#[derive(Debug, Clone)]
pub struct Field {
    /// The name in JSON.
    pub json: String,
    /// Its shape.
    pub shape: Shape,
    /// Whether the schema requires it.
    pub required: bool,
    /// The schema's description of it.
    pub description: Option<String>,
}

/// Where a type was first met, for its documentation.
#[derive(Debug, Clone)]
pub enum Origin {
    /// The schema of that name.
    Root(String),
    /// A field of a struct (`item`: one item of that field's list, `entry`: one value
    /// of that field's map).
    Field {
        /// The struct.
        parent: StructId,
        /// The field's JSON name.
        field: String,
        /// One item or entry of the field rather than the field.
        item: bool,
    },
    /// A query parameter.
    Param(String),
}

/// A generated struct.
#[derive(Debug)]
pub struct StructDef {
    /// The final name.
    pub name: String,
    /// Names it could take, best first after sorting: `(priority, length, name)`.
    candidates: BTreeSet<(u8, usize, String)>,
    /// Where it was met under each candidate name (the first place).
    origins: BTreeMap<String, Origin>,
    /// Its fields, in schema order.
    pub fields: Vec<Field>,
    /// The keys of `patternProperties`/`additionalProperties` it also takes.
    pub open: bool,
    /// The schemas that are exactly this struct.
    pub roots: BTreeSet<String>,
    /// Where it was met first.
    pub origin: Origin,
    /// The schema's title or description.
    pub description: Option<String>,
    /// Reachable from a request body or options: validated, not `non_exhaustive`.
    pub request: bool,
    /// A named wrapper of its one field's value (a body that is a list or a map),
    /// serialized as that value.
    pub newtype: bool,
}

impl StructDef {
    /// Records names the struct could take, each with the place it was met under it.
    fn add_names(&mut self, names: [Option<(u8, usize, String)>; 3], origin: &Origin) {
        for candidate in names.into_iter().flatten() {
            self.origins
                .entry(candidate.2.clone())
                .or_insert_with(|| origin.clone());
            self.candidates.insert(candidate);
        }
    }
}

/// A `oneOf` of objects that one required field tells apart (`inputType`: each
/// alternative lists one value of it): an internally tagged enum whose variants are
/// the alternatives without that field, and a last variant keeping unknown kinds.
#[derive(Debug)]
pub struct UnionDef {
    /// The final name: the shortest of the places it was met under.
    pub name: String,
    candidates: BTreeSet<(usize, String)>,
    /// The JSON name of the tag field.
    pub tag: String,
    /// Each tag value and the struct of its alternative.
    pub variants: Vec<(String, Shape)>,
    /// Where it was met first.
    pub origin: Origin,
}

/// A generated string enum.
#[derive(Debug)]
pub struct EnumDef {
    /// The final name.
    pub name: String,
    /// The values, in schema order.
    pub values: Vec<String>,
    /// The names of the fields holding it, with how often each does.
    short: BTreeMap<String, usize>,
    qualified: BTreeSet<(usize, String)>,
    /// Where it was met under each name it could take (the first place).
    origins: BTreeMap<String, Origin>,
    /// Where it was met under its final name.
    pub origin: Origin,
}

/// How many places are `serde_json::Value`, by why.
pub type ValueCounts = BTreeMap<ValueWhy, usize>;

/// Every generated type.
#[derive(Debug, Default)]
pub struct Types {
    /// The structs, in creation order.
    pub structs: Vec<StructDef>,
    /// The enums, in creation order.
    pub enums: Vec<EnumDef>,
    /// The advanced queries, in creation order.
    pub queries: Vec<QueryDef>,
    /// The tagged unions, in creation order.
    pub unions: Vec<UnionDef>,
    union_keys: HashMap<String, UnionId>,
    query_keys: HashMap<String, QueryId>,
    struct_keys: HashMap<String, StructId>,
    enum_keys: HashMap<String, EnumId>,
    /// The shape of each schema built as a root.
    pub roots: BTreeMap<String, Shape>,
    /// The `Value` places met, by why (each place once, however often it is reached).
    pub values: ValueCounts,
    value_places: BTreeSet<(String, ValueWhy)>,
}

/// What a shape is being built for.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    /// The name its types would take (`DeviceAttribute`).
    pub name: String,
    /// The JSON name of the field it is (`attributes`), `""` at a root.
    pub field: &'a str,
    /// The ID kind of an `id` field here.
    pub own_id: Option<&'static str>,
    /// Where a type made here is first met.
    pub origin: Origin,
    /// A place name for the `Value` count (`device.attributes[].system`).
    pub place: String,
    /// Priority of the names made here (0: a schema's own name).
    pub priority: u8,
    /// The name a struct made here takes when every other name it could take is
    /// taken: `InstanceMembersItem` for an element of `members` in `Instance`.
    pub fallback: Option<String>,
}

/// The ID kinds and the field names that say them: the 39 kinds of the API's path
/// parameters, plus the names that mean one of them (`gatewayId` is a device).
/// Longest stems first, so `resourceJobId` is a resource job, not a job.
const ID_STEMS: &[(&str, &str)] = &[
    (
        "ApplicationCertificateAuthority",
        "ApplicationCertificateAuthorityId",
    ),
    ("ApplicationCertificate", "ApplicationCertificateId"),
    ("InstanceNotificationRule", "NotificationRuleId"),
    ("InstanceCustomNode", "InstanceCustomNodeId"),
    ("ApplicationTemplate", "ApplicationTemplateId"),
    ("EmbeddedDeployment", "EmbeddedDeploymentId"),
    ("ExperienceEndpoint", "ExperienceEndpointId"),
    ("NotificationRule", "NotificationRuleId"),
    ("InstanceAuditLog", "InstanceAuditLogId"),
    ("ExperienceDomain", "ExperienceDomainId"),
    ("EdgeDeployment", "EdgeDeploymentId"),
    ("ApplicationKey", "ApplicationKeyId"),
    ("ExperienceGroup", "ExperienceGroupId"),
    ("ExperienceSlug", "ExperienceSlugId"),
    ("ExperienceUser", "ExperienceUserId"),
    ("ExperienceView", "ExperienceViewId"),
    ("InstanceSandbox", "InstanceSandboxId"),
    ("DataTableRow", "DataTableRowId"),
    ("DeviceRecipe", "DeviceRecipeId"),
    ("Organization", "OrganizationId"),
    ("Integration", "IntegrationId"),
    ("PrivateFile", "PrivateFileId"),
    ("ResourceJob", "ResourceJobId"),
    ("Application", "ApplicationId"),
    ("OauthToken", "OauthTokenId"),
    ("Credential", "CredentialId"),
    ("Dashboard", "DashboardId"),
    ("DataTable", "DataTableId"),
    ("ApiToken", "ApiTokenId"),
    ("AuditLog", "AuditLogId"),
    ("Notebook", "NotebookId"),
    ("Instance", "InstanceId"),
    ("Webhook", "WebhookId"),
    ("Gateway", "DeviceId"),
    ("Device", "DeviceId"),
    ("Event", "EventId"),
    ("Flow", "FlowId"),
    ("File", "FileId"),
    ("User", "UserId"),
    ("Org", "OrganizationId"),
];

/// The 39 ID kinds of the API by the path parameter that carries them.
pub const PATH_ID_KINDS: &[(&str, &str)] = &[
    ("apiTokenId", "ApiTokenId"),
    (
        "applicationCertificateAuthorityId",
        "ApplicationCertificateAuthorityId",
    ),
    ("applicationCertificateId", "ApplicationCertificateId"),
    ("applicationId", "ApplicationId"),
    ("applicationKeyId", "ApplicationKeyId"),
    ("auditLogId", "AuditLogId"),
    ("credentialId", "CredentialId"),
    ("dashboardId", "DashboardId"),
    ("dataTableId", "DataTableId"),
    ("deviceId", "DeviceId"),
    ("deviceRecipeId", "DeviceRecipeId"),
    ("edgeDeploymentId", "EdgeDeploymentId"),
    ("embeddedDeploymentId", "EmbeddedDeploymentId"),
    ("eventId", "EventId"),
    ("experienceDomainId", "ExperienceDomainId"),
    ("experienceEndpointId", "ExperienceEndpointId"),
    ("experienceGroupId", "ExperienceGroupId"),
    ("experienceSlugId", "ExperienceSlugId"),
    ("experienceUserId", "ExperienceUserId"),
    ("experienceViewId", "ExperienceViewId"),
    ("fileId", "FileId"),
    ("flowId", "FlowId"),
    ("instanceAuditLogId", "InstanceAuditLogId"),
    ("instanceCustomNodeId", "InstanceCustomNodeId"),
    ("instanceId", "InstanceId"),
    ("instanceSandboxId", "InstanceSandboxId"),
    ("integrationId", "IntegrationId"),
    ("inviteId", "InviteId"),
    ("jobId", "JobId"),
    ("notebookId", "NotebookId"),
    ("notificationRuleId", "NotificationRuleId"),
    ("oauthTokenId", "OauthTokenId"),
    ("orgId", "OrganizationId"),
    ("privateFileId", "PrivateFileId"),
    ("resourceJobId", "ResourceJobId"),
    ("rowId", "DataTableRowId"),
    ("templateId", "ApplicationTemplateId"),
    ("userId", "UserId"),
    ("webhookId", "WebhookId"),
];

/// Every ID type's name (`DeviceId`, ..., `ResourceId`).
pub fn id_kinds() -> impl Iterator<Item = &'static str> {
    ID_STEMS
        .iter()
        .chain(PATH_ID_KINDS)
        .map(|(_, kind)| *kind)
        .chain(["ResourceId"])
}

/// The ID type of a field holding 24 hexadecimal digits: the kind its name ends with
/// (`sourceApplicationId`, `experienceGroupIds`), `own` for `id`, `ResourceId` when
/// the name does not say (`createdById`, `resourceId`, `parentId`).
#[must_use]
pub fn id_kind(field: &str, own: Option<&'static str>) -> &'static str {
    if field == "id" || field == "_id" {
        return own.unwrap_or("ResourceId");
    }
    if let Some((_, kind)) = PATH_ID_KINDS.iter().find(|(name, _)| *name == field) {
        return kind;
    }
    let stem = field
        .strip_suffix("Ids")
        .or_else(|| field.strip_suffix("Id"))
        .map(pascal);
    stem.and_then(|stem| {
        ID_STEMS
            .iter()
            .find(|(kind_stem, _)| stem.ends_with(kind_stem))
            .map(|(_, kind)| *kind)
    })
    .unwrap_or("ResourceId")
}

const ID_PATTERN: &str = r"^[A-Fa-f\d]{24}$";

/// The `losant_core::validate::Pattern` variant of a schema pattern.
#[must_use]
pub fn pattern_variant(source: &str) -> Option<&'static str> {
    Some(match source {
        r"^[A-Fa-f\d]{24}$" => "Id",
        "^[0-9a-zA-Z_-]{1,255}$" => "Key",
        "^[0-9a-zA-Z_-]{1,255}" => "KeyPrefix",
        "^[A-Za-z0-9_-]+$" => "Word",
        r"^(?!\.{1,2}$)[0-9a-zA-Z_.-]{1,255}$" => "FileName",
        "^[0-9a-z-]*$" => "Slug",
        r"^(0|([1-9]\d*))\.(0|([1-9]\d*))\.(0|([1-9]\d*))$" => "Version",
        r"^data:image/(jpg|jpeg|png|svg\+xml);base64,[0-9a-zA-Z+/=]*$" => "ImageDataUrl",
        ".*{{.+}}.*" => "Template",
        "^(?=.*[A-Z])(?=.*[^A-Za-z0-9])(?=.*[0-9])(?=.*[a-z]).{12,}$" => "StrongPassword",
        "^.{1,255}$" => "Line255",
        "^.*$" => "Line",
        ".*" => "Any",
        _ => return None,
    })
}

/// The keys of a schema that document it without changing the type it makes.
const DOCUMENTATION_KEYS: &[&str] = &["$schema", "title", "description"];

/// A schema without its documentation, as text: two schemas that differ only in
/// titles and descriptions make the same type, so they are one struct.
fn structure_key(node: &Map<String, Value>) -> String {
    fn strip(schema: &Value) -> Value {
        let Value::Object(node) = schema else {
            return schema.clone();
        };
        node.iter()
            .filter(|(key, _)| !DOCUMENTATION_KEYS.contains(&key.as_str()))
            .map(|(key, value)| {
                let value = match (key.as_str(), value) {
                    // Maps from a name (which may be `title`) to a schema.
                    ("properties" | "patternProperties", Value::Object(named)) => Value::Object(
                        named
                            .iter()
                            .map(|(name, schema)| (name.clone(), strip(schema)))
                            .collect(),
                    ),
                    ("oneOf" | "anyOf" | "allOf", Value::Array(schemas)) => {
                        Value::Array(schemas.iter().map(strip).collect())
                    }
                    ("items" | "additionalProperties", schema) => strip(schema),
                    (_, value) => value.clone(),
                };
                (key.clone(), value)
            })
            .collect::<Map<String, Value>>()
            .into()
    }
    strip(&Value::Object(node.clone())).to_string()
}

/// Whether each alternative only lists required fields (`{"required": [...]}`).
fn only_required(alternatives: &Value) -> bool {
    alternatives.as_array().is_some_and(|list| {
        list.iter().all(|alternative| {
            alternative
                .as_object()
                .is_some_and(|keys| keys.keys().all(|key| key == "required"))
        })
    })
}

/// Whether the alternatives are a time series aggregation's: one is the object form
/// whose `type` is `TIMEATVALUE`.
fn is_aggregation(alternatives: &[&Value]) -> bool {
    alternatives.iter().any(|alternative| {
        alternative.pointer("/properties/type/enum") == Some(&Value::from(vec!["TIMEATVALUE"]))
    })
}

/// The field that tells the alternatives apart, when they are objects that each
/// require it and list values of it, no value listed twice.
fn discriminator<'a>(alternatives: &[&'a Value]) -> Option<&'a str> {
    let first = alternatives.first()?.get("properties")?.as_object()?;
    if alternatives.len() < 2 {
        return None;
    }
    first.keys().map(String::as_str).find(|&field| {
        let mut values = BTreeSet::new();
        alternatives.iter().all(|alternative| {
            let required = alternative
                .get("required")
                .and_then(Value::as_array)
                .is_some_and(|r| r.iter().any(|name| name.as_str() == Some(field)));
            let value = alternative
                .get("properties")
                .and_then(|p| p.get(field))
                .and_then(|t| t.get("enum"))
                .and_then(Value::as_array)
                .filter(|listed| !listed.is_empty());
            required
                && value.is_some_and(|listed| {
                    listed
                        .iter()
                        .all(|value| value.as_str().is_some_and(|v| values.insert(v)))
                })
        })
    })
}

/// Of `false` and another schema, the other.
fn or_false<'a>(a: &'a Value, b: &'a Value) -> Option<&'a Value> {
    let is_false = |v: &Value| v.get("enum") == Some(&Value::from(vec![false]));
    match (is_false(a), is_false(b)) {
        (true, false) => Some(b),
        (false, true) => Some(a),
        _ => None,
    }
}

fn usize_of(node: &Map<String, Value>, key: &str) -> Option<usize> {
    node.get(key)
        .and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
}

fn bounds(node: &Map<String, Value>, min: &str, max: &str) -> Option<(usize, Option<usize>)> {
    let (lo, hi) = (usize_of(node, min), usize_of(node, max));
    (lo.is_some_and(|lo| lo > 0) || hi.is_some()).then(|| (lo.unwrap_or(0), hi))
}

impl Types {
    /// Builds the shape of the schema `name` as a root (its struct takes the schema's
    /// name).
    pub fn root(
        &mut self,
        schemas: &BTreeMap<String, Value>,
        name: &str,
        own_id: Option<&'static str>,
    ) -> Result<Shape, Error> {
        if let Some(shape) = self.roots.get(name) {
            return Ok(shape.clone());
        }
        let context = Context {
            name: pascal(name),
            field: "",
            own_id,
            origin: Origin::Root(name.to_owned()),
            place: name.to_owned(),
            priority: 0,
            fallback: None,
        };
        let shape = if name.starts_with("advanced") {
            self.query(schemas, name)?
        } else {
            self.shape(schemas, &schemas[name], &context)?
        };
        if let Ty::Struct(id) = shape.ty {
            self.structs[id].roots.insert(name.to_owned());
        }
        self.roots.insert(name.to_owned(), shape.clone());
        Ok(shape)
    }

    /// The typed query of the advanced query schema `name`.
    fn query(&mut self, schemas: &BTreeMap<String, Value>, name: &str) -> Result<Shape, Error> {
        if let Some(&id) = self.query_keys.get(name) {
            return Ok(Shape::new(Ty::Query(id)));
        }
        let node = schemas.get(name).ok_or_else(|| {
            Error::spec(format!("a reference to `{name}`, which is not described"))
        })?;
        self.queries.push(query_def(name, node)?);
        let id = self.queries.len() - 1;
        self.query_keys.insert(name.to_owned(), id);
        Ok(Shape::new(Ty::Query(id)))
    }

    fn count(&mut self, context: &Context<'_>, why: ValueWhy) {
        if self.value_places.insert((context.place.clone(), why)) {
            *self.values.entry(why).or_default() += 1;
        }
    }

    /// The shape of `node`.
    pub fn shape(
        &mut self,
        schemas: &BTreeMap<String, Value>,
        node: &Value,
        context: &Context<'_>,
    ) -> Result<Shape, Error> {
        let Some(node) = node.as_object() else {
            return Err(Error::spec(format!(
                "{}: a schema that is not an object",
                context.place
            )));
        };
        // A reference to an advanced query, or a body's inline copy of one.
        if let Some(name) = query_schema(node)
            && schemas.contains_key(name)
        {
            return self.query(schemas, name);
        }
        if let Some(name) = node
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/definitions/"))
        {
            if !schemas.contains_key(name) {
                return Err(Error::spec(format!(
                    "{}: a reference to `{name}`, which is not described",
                    context.place
                )));
            }
            return self.root(schemas, name, None);
        }
        if let Some(alternatives) = node.get("oneOf").or_else(|| node.get("anyOf")) {
            // An object whose alternatives only say which fields are required (one of
            // two credentials) is that object: the server checks the combination.
            if node.contains_key("properties") && only_required(alternatives) {
                let mut object = node.clone();
                object.remove("oneOf");
                object.remove("anyOf");
                return self.shape(schemas, &Value::Object(object), context);
            }
            return self.alternatives(schemas, alternatives, context);
        }
        match node.get("type") {
            Some(Value::Array(types)) => {
                let non_null: Vec<&Value> = types
                    .iter()
                    .filter(|t| t.as_str() != Some("null"))
                    .collect();
                if let [single] = non_null[..]
                    && non_null.len() < types.len()
                {
                    let mut only = node.clone();
                    only.insert("type".to_owned(), single.clone());
                    let mut shape = self.shape(schemas, &Value::Object(only), context)?;
                    shape.nullable = true;
                    return Ok(shape);
                }
                if let [single] = non_null[..] {
                    let mut only = node.clone();
                    only.insert("type".to_owned(), single.clone());
                    return self.shape(schemas, &Value::Object(only), context);
                }
                self.count(context, ValueWhy::ScalarUnion);
                Ok(Shape::value(ValueWhy::ScalarUnion))
            }
            Some(Value::String(ty)) => self.typed(schemas, node, ty, context),
            _ => {
                if let Some(Value::Array(values)) = node.get("enum")
                    && !values.is_empty()
                    && values.iter().all(Value::is_string)
                {
                    return self.typed(schemas, node, "string", context);
                }
                if node.contains_key("properties") {
                    return self.typed(schemas, node, "object", context);
                }
                let why = if node.contains_key("enum") {
                    ValueWhy::ScalarUnion
                } else {
                    ValueWhy::Untyped
                };
                self.count(context, why);
                Ok(Shape::value(why))
            }
        }
    }

    fn alternatives(
        &mut self,
        schemas: &BTreeMap<String, Value>,
        alternatives: &Value,
        context: &Context<'_>,
    ) -> Result<Shape, Error> {
        let Some(list) = alternatives.as_array() else {
            self.count(context, ValueWhy::Polymorphic);
            return Ok(Shape::value(ValueWhy::Polymorphic));
        };
        if !list.iter().all(Value::is_object) {
            // A malformed list (an array inside `anyOf`): no shape can be trusted.
            self.count(context, ValueWhy::Polymorphic);
            return Ok(Shape::value(ValueWhy::Polymorphic));
        }
        // A nested `oneOf` that only groups alternatives is its alternatives.
        let mut flat: Vec<&Value> = Vec::new();
        for alternative in list {
            match alternative.as_object() {
                Some(node) if node.len() == 1 => {
                    match node.get("oneOf").or_else(|| node.get("anyOf")) {
                        Some(Value::Array(inner)) if inner.iter().all(Value::is_object) => {
                            flat.extend(inner);
                        }
                        _ => flat.push(alternative),
                    }
                }
                _ => flat.push(alternative),
            }
        }
        let is_null = |v: &&Value| v.get("type").and_then(Value::as_str) == Some("null");
        let nullable = flat.iter().any(is_null);
        let non_null: Vec<&Value> = flat.into_iter().filter(|v| !is_null(v)).collect();
        let mut shape = match non_null[..] {
            [] => {
                self.count(context, ValueWhy::Polymorphic);
                return Ok(Shape::value(ValueWhy::Polymorphic));
            }
            [single] => self.shape(schemas, single, context)?,
            _ if is_date_or_epoch(&non_null) => Shape::new(Ty::Time),
            _ if is_aggregation(&non_null) => Shape::new(Ty::Aggregation),
            _ if discriminator(&non_null).is_some() => {
                let tag = discriminator(&non_null).unwrap_or_default();
                self.union(schemas, &non_null, tag, context)?
            }
            [a, b] if or_false(a, b).is_some() => {
                let value = or_false(a, b).unwrap_or(a);
                let value = self.shape(schemas, value, context)?;
                Shape::new(Ty::OrFalse(Box::new(value)))
            }
            _ if non_null
                .iter()
                .all(|v| v.get("type").and_then(Value::as_str) == Some("string")) =>
            {
                self.strings(schemas, &non_null, context)?
            }
            [a, b] if one_or_many(a, b).is_some() => {
                let single = one_or_many(a, b).unwrap_or(a);
                let item = self.shape(schemas, single, context)?;
                Shape::new(Ty::OneOrMany(Box::new(item)))
            }
            _ => {
                self.count(context, ValueWhy::Polymorphic);
                return Ok(Shape::value(ValueWhy::Polymorphic));
            }
        };
        shape.nullable |= nullable;
        Ok(shape)
    }

    /// The union of `alternatives`, told apart by `tag`.
    fn union(
        &mut self,
        schemas: &BTreeMap<String, Value>,
        alternatives: &[&Value],
        tag: &str,
        context: &Context<'_>,
    ) -> Result<Shape, Error> {
        let key = format!(
            "{tag}|{}",
            alternatives
                .iter()
                .filter_map(|a| a.as_object())
                .map(structure_key)
                .collect::<Vec<_>>()
                .join("|")
        );
        let mut variants = Vec::new();
        for alternative in alternatives {
            let Some(node) = alternative.as_object() else {
                continue;
            };
            let values: Vec<String> = node
                .get("properties")
                .and_then(|p| p.get(tag))
                .and_then(|t| t.get("enum"))
                .and_then(Value::as_array)
                .map(|listed| {
                    listed
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default();
            let value = values.first().cloned().unwrap_or_default();
            // The variant is the alternative without its tag, which the enum holds.
            let mut node = node.clone();
            if let Some(Value::Object(properties)) = node.get_mut("properties") {
                properties.remove(tag);
            }
            if let Some(Value::Array(required)) = node.get_mut("required") {
                required.retain(|name| name.as_str() != Some(tag));
            }
            let name = format!("{}{}", context.name, pascal(&value));
            let variant_context = Context {
                name: name.clone(),
                fallback: Some(name),
                ..context.clone()
            };
            let shape = self.shape(schemas, &Value::Object(node), &variant_context)?;
            // An alternative for several kinds is one variant per kind, of one struct.
            variants.extend(values.into_iter().map(|value| (value, shape.clone())));
        }
        // Met again: the variants' structs have the names of this place too (shaped
        // above), and so has the union.
        let candidate = (context.name.len(), context.name.clone());
        if let Some(&id) = self.union_keys.get(&key) {
            self.unions[id].candidates.insert(candidate);
            return Ok(Shape::new(Ty::Union(id)));
        }
        let id = self.unions.len();
        self.union_keys.insert(key, id);
        self.unions.push(UnionDef {
            name: String::new(),
            candidates: BTreeSet::from([candidate]),
            tag: tag.to_owned(),
            variants,
            origin: context.origin.clone(),
        });
        Ok(Shape::new(Ty::Union(id)))
    }

    /// Several string alternatives: an enum of all their values when each lists
    /// them, a string otherwise.
    fn strings(
        &mut self,
        schemas: &BTreeMap<String, Value>,
        alternatives: &[&Value],
        context: &Context<'_>,
    ) -> Result<Shape, Error> {
        let mut values = Vec::new();
        for alternative in alternatives {
            match alternative.get("enum").and_then(Value::as_array) {
                Some(listed) => {
                    for value in listed {
                        if !values.contains(value) {
                            values.push(value.clone());
                        }
                    }
                }
                None => return Ok(Shape::new(Ty::String)),
            }
        }
        let mut merged = Map::new();
        merged.insert("type".to_owned(), Value::String("string".to_owned()));
        merged.insert("enum".to_owned(), Value::Array(values));
        self.shape(schemas, &Value::Object(merged), context)
    }

    fn typed(
        &mut self,
        schemas: &BTreeMap<String, Value>,
        node: &Map<String, Value>,
        ty: &str,
        context: &Context<'_>,
    ) -> Result<Shape, Error> {
        Ok(match ty {
            "string" => self.string(node, context)?,
            "integer" | "number" => {
                let range =
                    (node.contains_key("minimum") || node.contains_key("maximum")).then(|| {
                        (
                            node.get("minimum").and_then(Value::as_f64),
                            node.get("maximum").and_then(Value::as_f64),
                        )
                    });
                let mut shape = Shape::new(if ty == "integer" { Ty::Int } else { Ty::Number });
                shape.limits.range = range;
                shape
            }
            "boolean" => Shape::new(Ty::Bool),
            "null" => {
                self.count(context, ValueWhy::Untyped);
                Shape::value(ValueWhy::Untyped)
            }
            "array" => {
                let item_context = context.item();
                let item = match node.get("items") {
                    Some(items) if items.is_object() => {
                        self.shape(schemas, items, &item_context)?
                    }
                    _ => {
                        self.count(&item_context, ValueWhy::Untyped);
                        Shape::value(ValueWhy::Untyped)
                    }
                };
                let mut shape = Shape::new(Ty::List(Box::new(item)));
                shape.limits.items = bounds(node, "minItems", "maxItems");
                shape.limits.unique = node.get("uniqueItems") == Some(&Value::Bool(true));
                shape
            }
            "object" => self.object(schemas, node, context)?,
            other => {
                return Err(Error::spec(format!(
                    "{}: unknown type `{other}`",
                    context.place
                )));
            }
        })
    }

    fn string(&mut self, node: &Map<String, Value>, context: &Context<'_>) -> Result<Shape, Error> {
        if let Some(Value::Array(values)) = node.get("enum") {
            let values: Vec<String> = values
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect();
            if !values.is_empty() {
                return Ok(Shape::new(Ty::Enum(self.enumeration(values, context))));
            }
        }
        if node.get("format").and_then(Value::as_str) == Some("date-time") {
            return Ok(Shape::new(Ty::Timestamp));
        }
        let pattern = node.get("pattern").and_then(Value::as_str);
        if pattern == Some(ID_PATTERN) {
            return Ok(Shape::new(Ty::Id(id_kind(context.field, context.own_id))));
        }
        let mut shape = Shape::new(Ty::String);
        shape.limits.chars = bounds(node, "minLength", "maxLength");
        if let Some(source) = pattern {
            shape.limits.pattern = Some(pattern_variant(source).ok_or_else(|| {
                Error::spec(format!(
                    "{}: the pattern `{source}` has no `losant_core::validate::Pattern`: add it there and to `pattern_variant`",
                    context.place
                ))
            })?);
        }
        Ok(shape)
    }

    fn enumeration(&mut self, values: Vec<String>, context: &Context<'_>) -> EnumId {
        // The same values in any order are one enum.
        let mut sorted = values.clone();
        sorted.sort();
        let key = serde_json::to_string(&sorted).unwrap_or_default();
        let field_name = if context.origin_is_item() {
            item_name(context.field)
        } else {
            pascal(context.field)
        };
        let qualified = context.name.clone();
        let id = match self.enum_keys.get(&key) {
            Some(&id) => id,
            None => {
                self.enums.push(EnumDef {
                    name: String::new(),
                    values,
                    short: BTreeMap::new(),
                    qualified: BTreeSet::new(),
                    origins: BTreeMap::new(),
                    origin: context.origin.clone(),
                });
                self.enum_keys.insert(key, self.enums.len() - 1);
                self.enums.len() - 1
            }
        };
        let def = &mut self.enums[id];
        if !field_name.is_empty() {
            def.origins
                .entry(field_name.clone())
                .or_insert_with(|| context.origin.clone());
            *def.short.entry(field_name).or_default() += 1;
        }
        def.origins
            .entry(qualified.clone())
            .or_insert_with(|| context.origin.clone());
        def.qualified.insert((qualified.len(), qualified));
        id
    }

    fn object(
        &mut self,
        schemas: &BTreeMap<String, Value>,
        node: &Map<String, Value>,
        context: &Context<'_>,
    ) -> Result<Shape, Error> {
        let properties = node.get("properties").and_then(Value::as_object);
        if let Some(meant) = properties.and_then(misnested_schema) {
            // A schema written inside `properties` (one in the API's description):
            // the object it describes is what was meant.
            return self.shape(schemas, &meant, context);
        }
        if properties.is_some_and(|p| p.values().any(|v| !v.is_object())) {
            self.count(context, ValueWhy::Malformed);
            return Ok(Shape::value(ValueWhy::Malformed));
        }
        let pattern_properties = node.get("patternProperties").and_then(Value::as_object);
        let additional = node.get("additionalProperties").filter(|v| v.is_object());
        let Some(properties) = properties.filter(|p| !p.is_empty()) else {
            return self.map(schemas, node, context);
        };

        // An `id` of this object is of the kind the context says only when the
        // object is the schema's own document (or an item of a collection).
        let has_own_id = properties
            .get("id")
            .and_then(|id| id.get("pattern"))
            .and_then(Value::as_str)
            == Some(ID_PATTERN);
        let mut key = structure_key(node);
        if has_own_id {
            key.push('|');
            key.push_str(context.own_id.unwrap_or("ResourceId"));
        }
        let candidate = (context.priority, context.name.len(), context.name.clone());
        // A schema's title names what it is ("Advanced Device Query") wherever it
        // is copied: as good a name as a schema's own.
        let titled = node
            .get("title")
            .and_then(Value::as_str)
            .map(pascal)
            .filter(|title| !title.is_empty())
            .map(|title| (context.priority.min(1), 0, title));
        // The last resort when every other name is taken, rather than a number.
        let fallback = context
            .fallback
            .as_ref()
            .map(|name| (u8::MAX, name.len(), name.clone()));
        let names = [Some(candidate), titled, fallback];
        if let Some(&id) = self.struct_keys.get(&key) {
            self.structs[id].add_names(names, &context.origin);
            return Ok(Shape::new(Ty::Struct(id)));
        }
        let id = self.structs.len();
        self.struct_keys.insert(key, id);
        self.structs.push(StructDef {
            name: String::new(),
            origins: BTreeMap::new(),
            candidates: BTreeSet::new(),
            fields: Vec::new(),
            open: pattern_properties.is_some_and(|p| !p.is_empty()) || additional.is_some(),
            roots: BTreeSet::new(),
            origin: context.origin.clone(),
            description: node
                .get("description")
                .or_else(|| node.get("title"))
                .and_then(Value::as_str)
                .map(str::to_owned),
            request: false,
            newtype: false,
        });
        self.structs[id].add_names(names, &context.origin);
        let fields = self.fields(schemas, node, properties, id, context)?;
        self.structs[id].fields = fields;
        Ok(Shape::new(Ty::Struct(id)))
    }

    /// The fields of the struct `id`, in schema order.
    fn fields(
        &mut self,
        schemas: &BTreeMap<String, Value>,
        node: &Map<String, Value>,
        properties: &Map<String, Value>,
        id: StructId,
        context: &Context<'_>,
    ) -> Result<Vec<Field>, Error> {
        let required: BTreeSet<&str> = node
            .get("required")
            .and_then(Value::as_array)
            .map(|names| names.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut fields = Vec::with_capacity(properties.len());
        for (json, schema) in properties {
            let field_context = Context {
                name: join_names(&context.name, &pascal(json)),
                field: json,
                // The document's own kind reaches its `id`, and the `id` of the
                // items of a collection document.
                own_id: if json == "id" || (json == "items" && context.priority == 0) {
                    context.own_id
                } else {
                    None
                },
                origin: Origin::Field {
                    parent: id,
                    field: json.clone(),
                    item: false,
                },
                place: format!("{}.{json}", context.place),
                priority: context.priority.max(1),
                fallback: None,
            };
            let field_context = Context {
                // A list or a map names its items after the parent and the field
                // (`DeviceTag` for `tags`), not after the field itself.
                name: if schema.get("type").and_then(Value::as_str) == Some("array")
                    || (schema.get("patternProperties").is_some()
                        && schema
                            .get("properties")
                            .and_then(Value::as_object)
                            .is_none_or(Map::is_empty))
                {
                    context.name.clone()
                } else {
                    field_context.name.clone()
                },
                ..field_context
            };
            let mut shape = self.shape(schemas, schema, &field_context)?;
            // The `start` and `end` of a query or an export are epoch milliseconds.
            if matches!(json.as_str(), "start" | "end") && shape.ty == Ty::Number {
                shape.ty = Ty::Time;
            }
            fields.push(Field {
                json: json.clone(),
                shape,
                required: required.contains(json.as_str()),
                description: schema
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            });
        }
        Ok(fields)
    }

    /// A struct named after the schema `name` wrapping `shape` (a list or a map sent
    /// as a body), so that it can carry the schema's checks.
    pub fn newtype(&mut self, name: &str, shape: Shape) -> Shape {
        let key = format!("newtype|{name}");
        if let Some(&id) = self.struct_keys.get(&key) {
            return Shape::new(Ty::Struct(id));
        }
        let id = self.structs.len();
        let type_name = pascal(name);
        self.structs.push(StructDef {
            name: String::new(),
            candidates: BTreeSet::from([(0, type_name.len(), type_name.clone())]),
            origins: BTreeMap::from([(type_name, Origin::Root(name.to_owned()))]),
            fields: vec![Field {
                json: String::new(),
                shape,
                required: true,
                description: None,
            }],
            open: false,
            roots: BTreeSet::from([name.to_owned()]),
            origin: Origin::Root(name.to_owned()),
            description: None,
            request: false,
            newtype: true,
        });
        self.struct_keys.insert(key, id);
        Shape::new(Ty::Struct(id))
    }

    /// An object without properties: a map when the schema gives its values one
    /// schema, an open object otherwise.
    fn map(
        &mut self,
        schemas: &BTreeMap<String, Value>,
        node: &Map<String, Value>,
        context: &Context<'_>,
    ) -> Result<Shape, Error> {
        let pattern_properties = node.get("patternProperties").and_then(Value::as_object);
        let additional = node.get("additionalProperties").filter(|v| v.is_object());
        // A map: one pattern for its keys, one schema for its values.
        let value_schema = match (pattern_properties, additional) {
            (Some(patterns), _) if patterns.len() == 1 => patterns.iter().next(),
            (None, Some(schema)) => Some((&String::new(), schema)),
            _ => None,
        };
        let Some((key_pattern, value_schema)) = value_schema else {
            self.count(context, ValueWhy::OpenObject);
            return Ok(Shape::value(ValueWhy::OpenObject));
        };
        let entry_context = context.entry();
        let value = self.shape(schemas, value_schema, &entry_context)?;
        let mut shape = Shape::new(Ty::Map(Box::new(value)));
        shape.limits.entries = bounds(node, "minProperties", "maxProperties");
        if !key_pattern.is_empty() {
            let variant = pattern_variant(key_pattern).ok_or_else(|| {
                Error::spec(format!(
                    "{}: unknown key pattern `{key_pattern}`",
                    context.place
                ))
            })?;
            if variant != "Any" && variant != "Line" {
                shape.limits.key_pattern = Some(variant);
            }
        }
        Ok(shape)
    }

    /// Marks every struct reachable from `shape` as part of a request.
    pub fn mark_request(&mut self, shape: &Shape) {
        let mut stack = vec![shape.clone()];
        while let Some(shape) = stack.pop() {
            match shape.ty {
                Ty::Struct(id) if !self.structs[id].request => {
                    self.structs[id].request = true;
                    stack.extend(self.structs[id].fields.iter().map(|f| f.shape.clone()));
                }
                Ty::List(item) | Ty::Map(item) | Ty::OneOrMany(item) => stack.push(*item),
                Ty::Union(id) => {
                    stack.extend(self.unions[id].variants.iter().map(|(_, v)| v.clone()));
                }
                _ => {}
            }
        }
    }

    /// Names each union after the field holding it in its parent's final name
    /// (`FlowCustomNodeConfig` + `fields` is `FlowCustomNodeConfigField`), or after
    /// the shortest place it was met, and its variants' structs after it
    /// (`FlowCustomNodeConfigFieldCheckbox`) when those names are free.
    fn name_unions(&mut self, taken: &mut BTreeSet<String>) {
        // A struct several unions hold is named by the first.
        let mut renamed = BTreeSet::new();
        for id in 0..self.unions.len() {
            let union = &self.unions[id];
            let by_parent = match &union.origin {
                Origin::Field {
                    parent,
                    field,
                    item,
                } => {
                    let child = if *item {
                        item_name(field)
                    } else {
                        pascal(field)
                    };
                    Some(join_names(&self.structs[*parent].name, &child))
                }
                _ => None,
            };
            let base = by_parent
                .or_else(|| union.candidates.first().map(|(_, name)| name.clone()))
                .unwrap_or_default();
            let mut name = base.clone();
            let mut n = 2;
            while !taken.insert(name.clone()) {
                name = format!("{base}{n}");
                n += 1;
            }
            let variants = &self.unions[id].variants;
            for (value, shape) in variants {
                let Ty::Struct(variant) = shape.ty else {
                    continue;
                };
                // A struct for two kinds is named after both (`DeviceIdOrDeviceTag`),
                // one for more is the generic form.
                let kinds: Vec<&String> = variants
                    .iter()
                    .filter(|(_, other)| *other == *shape)
                    .map(|(kind, _)| kind)
                    .collect();
                let wanted = match kinds[..] {
                    [_] => format!("{name}{}", pascal(value)),
                    [a, b] => format!("{name}{}Or{}", pascal(a), pascal(b)),
                    _ => format!("{name}Generic"),
                };
                if self.structs[variant].name == wanted || !renamed.insert(variant) {
                    continue;
                }
                if !taken.contains(&wanted) {
                    taken.remove(&self.structs[variant].name);
                    taken.insert(wanted.clone());
                    self.structs[variant].name = wanted;
                }
            }
            self.unions[id].name = name;
        }
    }

    /// Gives every type its final name: a struct the best of the names it was met
    /// under (a schema's own name first, then the shortest), an enum its field's
    /// name when no other enum wants it, else the shortest qualified one. A name
    /// already taken, or in `reserved`, goes to the next candidate, then gets a
    /// number.
    pub fn assign_names(&mut self, reserved: &BTreeSet<&str>) {
        let mut taken: BTreeSet<String> = reserved.iter().map(|s| (*s).to_owned()).collect();
        // The queries' names come from their schemas; the structs and enums yield.
        taken.extend(
            self.queries
                .iter()
                .flat_map(|query| [Some(query.name.clone()), query.field_enum()])
                .flatten(),
        );
        let mut order: Vec<StructId> = (0..self.structs.len()).collect();
        order.sort_by(|&a, &b| {
            self.structs[a]
                .candidates
                .first()
                .cmp(&self.structs[b].candidates.first())
        });
        for id in order {
            let names: Vec<String> = self.structs[id]
                .candidates
                .iter()
                .map(|(_, _, name)| name.clone())
                .collect();
            let name = pick(&names, &mut taken);
            let def = &mut self.structs[id];
            if let Some(origin) = def.origins.get(&name) {
                def.origin = origin.clone();
            }
            def.name = name;
        }
        self.name_unions(&mut taken);
        // A field name (`SortField`) goes to the enum that field holds most often, when
        // one holds it more often than any other: the list of values most families
        // share gets the neutral name, the others keep their qualified one.
        let mut wanted: HashMap<&str, Vec<usize>> = HashMap::new();
        for def in &self.enums {
            for (short, &uses) in &def.short {
                wanted.entry(short.as_str()).or_default().push(uses);
            }
        }
        let wins = |short: &str, uses: usize| {
            let counts = &wanted[short];
            counts.iter().filter(|&&other| other >= uses).count() == 1
        };
        let shorts: Vec<Option<String>> = self
            .enums
            .iter()
            .map(|def| {
                // The field name this enum wins, the most used one first.
                def.short
                    .iter()
                    .filter(|(short, uses)| wins(short, **uses))
                    .max_by(|(a, x), (b, y)| x.cmp(y).then_with(|| b.cmp(a)))
                    .map(|(short, _)| short.clone())
            })
            .collect();
        let mut order: Vec<EnumId> = (0..self.enums.len()).collect();
        order.sort_by(|&a, &b| {
            self.enums[a]
                .qualified
                .first()
                .cmp(&self.enums[b].qualified.first())
        });
        for id in order {
            let mut names: Vec<String> = shorts[id].iter().cloned().collect();
            names.extend(
                self.enums[id]
                    .qualified
                    .iter()
                    .map(|(_, name)| name.clone()),
            );
            let name = pick(&names, &mut taken);
            let def = &mut self.enums[id];
            if let Some(origin) = def.origins.get(&name) {
                def.origin = origin.clone();
            }
            def.name = name;
        }
    }
}

impl<'a> Context<'a> {
    /// The context of one item of the list this context's field holds.
    fn item(&self) -> Context<'a> {
        Context {
            name: join_names(&self.name, &item_name(self.field)),
            field: self.field,
            own_id: self.own_id,
            origin: match &self.origin {
                Origin::Field { parent, field, .. } => Origin::Field {
                    parent: *parent,
                    field: field.clone(),
                    item: true,
                },
                other => other.clone(),
            },
            place: format!("{}[]", self.place),
            priority: self.priority.max(1),
            fallback: (!self.field.is_empty())
                .then(|| format!("{}Item", join_names(&self.name, &pascal(self.field)))),
        }
    }

    /// The context of one value of the map this context's field holds: named like
    /// an item, without the document's own ID kind.
    fn entry(&self) -> Context<'a> {
        Context {
            own_id: None,
            place: format!("{}{{}}", self.place),
            fallback: None,
            ..self.item()
        }
    }

    fn origin_is_item(&self) -> bool {
        matches!(self.origin, Origin::Field { item: true, .. })
    }
}

/// `oneOf: [string, number, {"$date": string}]`: how Losant takes a date or epoch
/// milliseconds (a device state's `time`).
fn is_date_or_epoch(alternatives: &[&Value]) -> bool {
    let ty = |v: &Value| v.get("type").and_then(Value::as_str).map(str::to_owned);
    let mut kinds: Vec<String> = alternatives.iter().filter_map(|v| ty(v)).collect();
    kinds.sort();
    let date_object = alternatives.iter().any(|v| {
        v.get("properties")
            .and_then(Value::as_object)
            .is_some_and(|p| p.len() == 1 && p.contains_key("$date"))
    });
    kinds == ["number", "object", "string"] && date_object
}

/// The first free name of `names`, or the first with the smallest free number.
fn pick(names: &[String], taken: &mut BTreeSet<String>) -> String {
    let name = names
        .iter()
        .find(|name| !taken.contains(name.as_str()))
        .cloned()
        .unwrap_or_else(|| {
            let base = &names[0];
            // As many numbers as names taken: one of them is free.
            (2..=taken.len() + 2)
                .map(|n| format!("{base}{n}"))
                .find(|name| !taken.contains(name))
                .unwrap_or_default()
        });
    taken.insert(name.clone());
    name
}

/// The schema meant when a whole schema was written as an object's `properties`
/// (`"properties": {"title": "...", "type": "object", "properties": {...}}`).
fn misnested_schema(properties: &Map<String, Value>) -> Option<Value> {
    let nested = properties.get("properties")?.as_object()?;
    let is_schema = properties.get("type").and_then(Value::as_str) == Some("object")
        && nested.values().all(Value::is_object)
        && properties.values().any(|v| !v.is_object());
    is_schema.then(|| Value::Object(properties.clone()))
}

/// `Some(single)` when the two schemas are a value and a list of such values.
fn one_or_many<'a>(a: &'a Value, b: &'a Value) -> Option<&'a Value> {
    let is_list_of = |list: &Value, single: &Value| {
        list.get("type").and_then(Value::as_str) == Some("array")
            && list.get("items").is_some_and(|items| items == single)
    };
    if is_list_of(b, a) {
        Some(a)
    } else if is_list_of(a, b) {
        Some(b)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn build(schemas: &[(&str, Value)]) -> Types {
        let schemas: BTreeMap<String, Value> = schemas
            .iter()
            .map(|(n, v)| ((*n).to_owned(), v.clone()))
            .collect();
        let mut types = Types::default();
        for name in schemas.keys() {
            types.root(&schemas, name, Some("DeviceId")).unwrap();
        }
        types.assign_names(&BTreeSet::new());
        types
    }

    #[test]
    fn id_kinds_come_from_field_names() {
        assert_eq!(id_kind("id", Some("DeviceId")), "DeviceId");
        assert_eq!(id_kind("id", None), "ResourceId");
        assert_eq!(id_kind("applicationId", None), "ApplicationId");
        assert_eq!(id_kind("sourceApplicationId", None), "ApplicationId");
        assert_eq!(id_kind("experienceGroupIds", None), "ExperienceGroupId");
        assert_eq!(id_kind("gatewayId", None), "DeviceId");
        assert_eq!(id_kind("resourceJobId", None), "ResourceJobId");
        assert_eq!(id_kind("orgId", None), "OrganizationId");
        assert_eq!(id_kind("rowId", None), "DataTableRowId");
        assert_eq!(id_kind("createdById", None), "ResourceId");
        assert_eq!(id_kind("parentId", None), "ResourceId");
        assert_eq!(PATH_ID_KINDS.len(), 39);
    }

    #[test]
    fn identical_subtrees_are_one_type_named_by_the_best_place() {
        let tag = json!({"type": "object", "properties": {"key": {"type": "string"}}, "required": ["key"]});
        let types = build(&[
            (
                "device",
                json!({"type": "object", "properties": {"id": {"type": "string", "pattern": ID_PATTERN}, "tags": {"type": "array", "items": tag}}}),
            ),
            (
                "devices",
                json!({"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "string", "pattern": ID_PATTERN}, "tags": {"type": "array", "items": tag}}}}}}),
            ),
        ]);
        let names: BTreeSet<&str> = types.structs.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, BTreeSet::from(["Device", "DeviceTag", "Devices"]));
        let devices = types.structs.iter().find(|s| s.name == "Devices").unwrap();
        let Ty::List(item) = &devices.fields[0].shape.ty else {
            panic!()
        };
        let Ty::Struct(id) = item.ty else { panic!() };
        assert_eq!(types.structs[id].name, "Device");
        let device = &types.structs[id];
        assert_eq!(device.fields[0].shape.ty, Ty::Id("DeviceId"));
    }

    #[test]
    fn schemas_that_differ_only_in_documentation_are_one_type() {
        let member = |description: &str| {
            json!({"description": description, "type": "object",
                "properties": {"role": {"type": "string", "description": description}}})
        };
        let types = build(&[
            ("member", member("One member")),
            (
                "members",
                json!({"type": "object", "properties": {
                    "items": {"type": "array", "items": member("A member of a list")}
                }}),
            ),
            // A property named like a documentation key is structure, not documentation.
            (
                "note",
                json!({"type": "object", "properties": {"description": {"type": "string"}}}),
            ),
            (
                "other",
                json!({"type": "object", "properties": {"title": {"type": "string"}}}),
            ),
        ]);
        let names: BTreeSet<&str> = types.structs.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            BTreeSet::from(["Member", "Members", "Note", "Other"])
        );
    }

    #[test]
    fn an_item_whose_names_are_taken_is_named_after_its_list() {
        let types = build(&[
            (
                "instanceMember",
                json!({"type": "object", "properties": {"email": {"type": "string"}}}),
            ),
            (
                "instance",
                json!({"type": "object", "properties": {"members": {"type": "array", "items":
                    {"type": "object", "properties": {"userId": {"type": "string"}}}}}}),
            ),
        ]);
        let names: BTreeSet<&str> = types.structs.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            BTreeSet::from(["Instance", "InstanceMember", "InstanceMembersItem"])
        );
    }

    #[test]
    fn alternatives_follow_the_rules() {
        let schemas: BTreeMap<String, Value> = BTreeMap::from([(
            "thing".to_owned(),
            json!({"type": "object", "properties": {
                "parentId": {"oneOf": [{"type": "string", "pattern": ID_PATTERN}, {"type": "null"}]},
                "level": {"oneOf": [{"type": "string", "enum": ["a", "b"]}, {"type": "string", "enum": ["c"]}]},
                "state": {"oneOf": [{"type": "object", "properties": {"x": {"type": "number"}}}, {"type": "array", "items": {"type": "object", "properties": {"x": {"type": "number"}}}}]},
                "block": {"oneOf": [{"type": "object", "properties": {"x": {"type": "number"}}}, {"type": "string"}]},
                "scalar": {"type": ["string", "number", "boolean", "null"]},
                "when": {"type": "string", "format": "date-time"},
                "name": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[0-9a-zA-Z_-]{1,255}$"},
                "meta": {"type": "object", "patternProperties": {"^[0-9a-zA-Z_-]{1,255}$": {"type": "string", "maxLength": 5}}}
            }}),
        )]);
        let mut types = Types::default();
        types.root(&schemas, "thing", None).unwrap();
        types.assign_names(&BTreeSet::new());
        let thing = &types.structs[0];
        let shape = |name: &str| &thing.fields.iter().find(|f| f.json == name).unwrap().shape;
        assert_eq!(shape("parentId").ty, Ty::Id("ResourceId"));
        assert!(shape("parentId").nullable);
        let Ty::Enum(level) = shape("level").ty else {
            panic!()
        };
        assert_eq!(types.enums[level].values, ["a", "b", "c"]);
        assert_eq!(types.enums[level].name, "Level");
        assert!(matches!(shape("state").ty, Ty::OneOrMany(_)));
        assert_eq!(shape("block").ty, Ty::Value(ValueWhy::Polymorphic));
        assert_eq!(shape("scalar").ty, Ty::Value(ValueWhy::ScalarUnion));
        assert_eq!(shape("when").ty, Ty::Timestamp);
        assert_eq!(shape("name").limits.chars, Some((1, Some(255))));
        assert_eq!(shape("name").limits.pattern, Some("Key"));
        let Ty::Map(value) = &shape("meta").ty else {
            panic!()
        };
        assert_eq!(shape("meta").limits.key_pattern, Some("Key"));
        assert_eq!(value.limits.chars, Some((0, Some(5))));
        assert_eq!(types.values[&ValueWhy::Polymorphic], 1);
        assert_eq!(types.values[&ValueWhy::ScalarUnion], 1);
    }

    #[test]
    fn unions_the_api_uses_have_types() {
        let schemas: BTreeMap<String, Value> = BTreeMap::from([(
            "thing".to_owned(),
            json!({"type": "object", "properties": {
                "disabledAt": {"oneOf": [{"type": "boolean", "enum": [false]}, {"type": "string", "format": "date-time"}]},
                "aggregation": {"oneOf": [
                    {"type": "string", "enum": ["MEAN"]},
                    {"type": "object", "properties": {"type": {"type": "string", "enum": ["TIMEATVALUE"]}}}
                ]},
                "config": {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
                    "oneOf": [{"required": ["a"]}, {"required": ["b"]}]},
                "inputs": {"type": "array", "items": {"oneOf": [
                    {"type": "object", "required": ["kind"], "properties": {
                        "kind": {"type": "string", "enum": ["file"]}, "path": {"type": "string"}}},
                    {"type": "object", "required": ["kind", "url"], "properties": {
                        "kind": {"type": "string", "enum": ["url"]}, "url": {"type": "string"}}}
                ]}},
                "scopes": {"type": "array", "items": {"oneOf": [
                    {"oneOf": [{"type": "string", "enum": ["a"]}, {"type": "string", "enum": ["b"]}]},
                    {"type": "string", "enum": ["c"]}
                ]}}
            }}),
        )]);
        let mut types = Types::default();
        types.root(&schemas, "thing", None).unwrap();
        types.assign_names(&BTreeSet::new());
        let thing = types.structs.iter().find(|s| s.name == "Thing").unwrap();
        let shape = |name: &str| &thing.fields.iter().find(|f| f.json == name).unwrap().shape;
        let Ty::OrFalse(value) = &shape("disabledAt").ty else {
            panic!("{:?}", shape("disabledAt"))
        };
        assert_eq!(value.ty, Ty::Timestamp);
        assert_eq!(shape("aggregation").ty, Ty::Aggregation);
        assert!(matches!(shape("config").ty, Ty::Struct(_)));
        let Ty::List(scope) = &shape("scopes").ty else {
            panic!("{:?}", shape("scopes"))
        };
        let Ty::Enum(scope) = scope.ty else {
            panic!("{scope:?}")
        };
        assert_eq!(types.enums[scope].values, ["a", "b", "c"]);
        let Ty::List(input) = &shape("inputs").ty else {
            panic!("{:?}", shape("inputs"))
        };
        let Ty::Union(input) = input.ty else {
            panic!("{input:?}")
        };
        let union = &types.unions[input];
        assert_eq!(
            (union.name.as_str(), union.tag.as_str()),
            ("ThingInput", "kind")
        );
        let kinds: Vec<(&str, &str)> = union
            .variants
            .iter()
            .map(|(value, shape)| match shape.ty {
                Ty::Struct(id) => (value.as_str(), types.structs[id].name.as_str()),
                _ => panic!("{shape:?}"),
            })
            .collect();
        assert_eq!(
            kinds,
            [("file", "ThingInputFile"), ("url", "ThingInputUrl")]
        );
        // The tag is the enum's, not a field of its variants.
        let Ty::Struct(url) = union.variants[1].1.ty else {
            panic!()
        };
        assert!(types.structs[url].fields.iter().all(|f| f.json != "kind"));
        assert!(types.values.is_empty(), "{:?}", types.values);
    }

    #[test]
    fn an_unknown_pattern_stops_the_generator() {
        let schemas = BTreeMap::from([(
            "thing".to_owned(),
            json!({"type": "object", "properties": {"x": {"type": "string", "pattern": "^[a-c]+$"}}}),
        )]);
        let error = Types::default().root(&schemas, "thing", None).unwrap_err();
        assert!(error.to_string().contains("^[a-c]+$"), "{error}");
    }
}
