//! The description as the bindings see it: families of resources, their actions,
//! each action's arguments and answer, and the models they use.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use crate::Error;
use crate::names::{method_name, pascal, singular, snake, trait_name};
use crate::spec::{Action, Param, Spec, schema_ref};
use crate::types::{Context, Origin, PATH_ID_KINDS, Shape, StructId, Ty, Types};

/// The actions bound by hand in `losant-events`, with their Rust names: not
/// generated, listed with the others.
pub const HAND_BOUND: &[(&str, &str, &str)] = &[
    ("event.delete", "EventApi", "delete_event"),
    ("event.get", "EventApi", "get_event"),
    ("event.patch", "EventApi", "patch_event"),
    ("events.delete", "EventsApi", "delete_events"),
    ("events.export", "EventsApi", "export_events"),
    ("events.get", "EventsApi", "get_events"),
    (
        "events.mostRecentBySeverity",
        "EventsApi",
        "most_recent_by_severity",
    ),
    ("events.patch", "EventsApi", "patch_events"),
    ("events.post", "EventsApi", "post_event"),
];

/// The family bound by hand.
pub const HAND_FAMILY: &str = "event";

/// The actions that may be called without a token but use one when given (a
/// dashboard may be public or private): `auth = "optional"`.
const OPTIONAL_TOKEN: &[&str] = &["dashboard.get", "dashboard.validateContext"];

/// How a call authenticates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// With the token.
    Token,
    /// Without one.
    None,
    /// With the token when the client has one.
    Optional,
}

/// The whole API.
#[derive(Debug)]
pub struct Api {
    /// Families in name order.
    pub families: Vec<Family>,
    /// Every model.
    pub types: Types,
    /// Actions left out, with why.
    pub skipped: Vec<(String, &'static str)>,
    /// The structs that are pages of a paged collection, with the shape of an item.
    pub pages: BTreeMap<StructId, PageInfo>,
    /// The family each model is written in (`None`: the shared file).
    pub owners: BTreeMap<StructId, Option<String>>,
    /// The families that use each model, transitively.
    pub users: BTreeMap<StructId, BTreeSet<String>>,
    /// The same for enums.
    pub enum_users: BTreeMap<usize, BTreeSet<String>>,
    /// The same for advanced queries.
    pub query_users: BTreeMap<usize, BTreeSet<String>>,
    /// The same for tagged unions.
    pub union_users: BTreeMap<usize, BTreeSet<String>>,
    /// Every action of the description (`resource.action`, the hand-bound ones
    /// included) with the scopes the API accepts for it: what the sandbox checks.
    pub accepted_scopes: BTreeMap<String, Vec<String>>,
}

/// How a page lists its items.
#[derive(Debug, Clone)]
pub struct PageInfo {
    /// The item's shape.
    pub item: Shape,
    /// Whether `items` is required.
    pub items_required: bool,
    /// Whether `totalCount` exists, and is required.
    pub total: Option<bool>,
}

/// A resource and its collection.
#[derive(Debug)]
pub struct Family {
    /// The official name of the single resource (`device`).
    pub official: String,
    /// The module and feature name (`device`).
    pub module: String,
    /// Its resources, single first.
    pub resources: Vec<ResourceApi>,
}

/// One resource: one trait.
#[derive(Debug)]
pub struct ResourceApi {
    /// Official name (`devices`).
    pub official: String,
    /// The trait (`DevicesApi`).
    pub trait_name: String,
    /// The resource's path, as the API documents it.
    pub path: String,
    /// Its actions, in name order.
    pub actions: Vec<ActionApi>,
}

/// One action: one method.
#[derive(Debug)]
pub struct ActionApi {
    /// `resource.action`.
    pub official: String,
    /// The API reference's example of the body and of the answer, as
    /// `(what, schema name, pretty JSON)`, where it has one short enough to read.
    pub examples: Vec<(&'static str, String, String)>,
    /// The Rust method.
    pub method_name: String,
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path template with `<argument>` placeholders.
    pub path: String,
    /// The path as the API documents it.
    pub official_path: String,
    /// The summary.
    pub summary: String,
    /// The action's own scope (`None`: it takes no token).
    pub scope: Option<String>,
    /// Every scope the API accepts.
    pub accepts: Vec<String>,
    /// How it authenticates.
    pub auth: Auth,
    /// Accepted by the `.read` groups.
    pub read: bool,
    /// Safe to repeat.
    pub idempotent: bool,
    /// The arguments after `&self`.
    pub args: Vec<Arg>,
    /// The answer.
    pub returns: Returns,
    /// Walks every page (`<method>_stream`).
    pub paginate: bool,
    /// The statuses outside 2xx the API documents, with when.
    pub errors: Vec<(String, String)>,
}

/// One argument.
#[derive(Debug)]
pub struct Arg {
    /// The Rust name.
    pub ident: String,
    /// The name on the wire.
    pub wire: String,
    /// The official description.
    pub description: Option<String>,
    /// The server's default, when documented.
    pub default: Option<Value>,
    /// What it is.
    pub kind: ArgKind,
}

/// The role and type of an argument.
#[derive(Debug)]
pub enum ArgKind {
    /// A path placeholder: a typed ID (`Some`) or a string.
    Path(Option<&'static str>),
    /// A query parameter of its own.
    Query {
        /// Its shape.
        shape: Shape,
        /// Needed by the call.
        required: bool,
        /// Sent as one JSON-encoded value.
        json: bool,
    },
    /// The page number of a paged collection.
    Page,
    /// The JSON body.
    Body {
        /// Its shape.
        shape: Shape,
        /// Needed by the call.
        required: bool,
    },
    /// A part of a multipart form.
    Part {
        /// Its shape: `None` for a file.
        shape: Option<Shape>,
        /// Needed by the call.
        required: bool,
        /// An object, sent JSON-encoded.
        json: bool,
    },
}

/// What a call answers.
#[derive(Debug)]
pub enum Returns {
    /// Nothing to decode (204).
    Unit,
    /// One body.
    Body(Shape),
    /// The queued job (202).
    Job,
    /// A body (200 or 201) or the queued job (202).
    MaybeJob(Shape),
    /// A stream of server-sent events: the name of its messages and their data.
    Stream {
        /// The `event:` name of its messages (`deviceState`).
        event: String,
        /// What each message's data decodes into.
        shape: Shape,
    },
    /// Several answers, one variant each: status, body.
    Enum {
        /// The enum's name.
        name: String,
        /// Each answer.
        variants: Vec<(u16, Option<Shape>)>,
    },
}

impl Api {
    /// Reads the bindings out of the description.
    pub fn build(spec: &Spec) -> Result<Api, Error> {
        let mut types = Types::default();
        let own_ids = own_id_kinds(spec);
        let mut families: BTreeMap<String, Family> = BTreeMap::new();
        let skipped = Vec::new();
        let mut pages = BTreeMap::new();
        let mut method_names: BTreeMap<String, String> = HAND_BOUND
            .iter()
            .map(|(official, _, name)| ((*name).to_owned(), (*official).to_owned()))
            .collect();
        let mut family_uses: Vec<(String, Shape)> = Vec::new();

        for (resource_name, resource) in &spec.resources {
            let family_name = family_of(resource_name, spec);
            if family_name == HAND_FAMILY {
                continue;
            }
            let mut actions = Vec::new();
            for (action_name, action) in &resource.actions {
                let official = format!("{resource_name}.{action_name}");
                let extra = &spec.extras[&official];
                let built = ActionBuilder {
                    spec,
                    types: &mut types,
                    own_ids: &own_ids,
                    resource_name,
                    resource_params: &resource.params,
                    resource_path: &resource.path,
                    action_name,
                    action,
                    accepts: &extra.accepted_scopes,
                }
                .build()?;
                if let Some(previous) =
                    method_names.insert(built.method_name.clone(), official.clone())
                {
                    return Err(Error::spec(format!(
                        "{official} and {previous} would both be `{}`: the naming rule needs a case for them",
                        built.method_name
                    )));
                }
                for shape in built.shapes() {
                    family_uses.push((family_name.clone(), shape.clone()));
                }
                if built.paginate
                    && let Returns::Body(Shape {
                        ty: Ty::Struct(id), ..
                    }) = &built.returns
                {
                    pages.insert(*id, page_info(&types, *id)?);
                }
                actions.push(built);
            }
            let family = families
                .entry(family_name.clone())
                .or_insert_with(|| Family {
                    official: family_name.clone(),
                    module: snake(&family_name),
                    resources: Vec::new(),
                });
            family.resources.push(ResourceApi {
                official: resource_name.clone(),
                trait_name: trait_name(resource_name),
                path: resource.path.clone(),
                actions,
            });
        }
        for family in families.values_mut() {
            family.resources.sort_by_key(|r| r.official.len());
        }

        // The core's names, and its ID types (`IntegrationId`), which a field's enum
        // would otherwise be named after and shadowed by.
        let reserved: BTreeSet<&str> = RESERVED_NAMES
            .iter()
            .copied()
            .chain(crate::types::id_kinds())
            .collect();
        types.assign_names(&reserved);
        let mut api = Api {
            families: families.into_values().collect(),
            types,
            skipped,
            pages,
            owners: BTreeMap::new(),
            users: BTreeMap::new(),
            enum_users: BTreeMap::new(),
            query_users: BTreeMap::new(),
            union_users: BTreeMap::new(),
            accepted_scopes: spec
                .extras
                .iter()
                .map(|(official, extra)| (official.clone(), extra.accepted_scopes.clone()))
                .collect(),
        };
        api.place_models(&family_uses);
        Ok(api)
    }

    /// Which families use each model, and in which file it is written: the family
    /// whose name starts its schema's name (`devicePatch` in `device`), else the only
    /// family using it, else the shared file.
    fn place_models(&mut self, uses: &[(String, Shape)]) {
        for (family, shape) in uses {
            let mut stack = vec![shape.clone()];
            while let Some(shape) = stack.pop() {
                match shape.ty {
                    Ty::Struct(id) if self.users.entry(id).or_default().insert(family.clone()) => {
                        stack.extend(
                            self.types.structs[id]
                                .fields
                                .iter()
                                .map(|f| f.shape.clone()),
                        );
                    }
                    Ty::Enum(id) => {
                        self.enum_users
                            .entry(id)
                            .or_default()
                            .insert(family.clone());
                    }
                    Ty::Union(id)
                        if self
                            .union_users
                            .entry(id)
                            .or_default()
                            .insert(family.clone()) =>
                    {
                        stack.extend(
                            self.types.unions[id]
                                .variants
                                .iter()
                                .map(|(_, variant)| variant.clone()),
                        );
                    }
                    Ty::Query(id) => {
                        self.query_users
                            .entry(id)
                            .or_default()
                            .insert(family.clone());
                    }
                    Ty::List(item) | Ty::Map(item) | Ty::OneOrMany(item) => stack.push(*item),
                    _ => {}
                }
            }
        }
        let modules: Vec<(String, String)> = self
            .families
            .iter()
            .map(|f| (f.official.clone(), f.module.clone()))
            .collect();
        for (&id, users) in &self.users {
            let def = &self.types.structs[id];
            let by_name = def
                .roots
                .iter()
                .chain(std::iter::once(&def.name))
                .find_map(|root| {
                    modules
                        .iter()
                        .filter(|(official, _)| {
                            root.starts_with(official.as_str())
                                || def.name.starts_with(&pascal(official))
                        })
                        .max_by_key(|(official, _)| official.len())
                        .map(|(_, module)| module.clone())
                });
            let owner = by_name
                .filter(|module| users.iter().any(|user| snake(user) == *module))
                .or_else(|| {
                    (users.len() == 1).then(|| snake(users.iter().next().unwrap_or(&String::new())))
                });
            self.owners.insert(id, owner);
        }
    }

    /// Every action generated.
    pub fn actions(&self) -> impl Iterator<Item = (&Family, &ResourceApi, &ActionApi)> {
        self.families.iter().flat_map(|family| {
            family.resources.iter().flat_map(move |resource| {
                resource
                    .actions
                    .iter()
                    .map(move |action| (family, resource, action))
            })
        })
    }
}

/// Names a model may not take: what the generated files import.
pub const RESERVED_NAMES: &[&str] = &[
    "Value",
    "Map",
    "BTreeMap",
    "Result",
    "Error",
    "Timestamp",
    "Time",
    "OneOrMany",
    "OrFalse",
    "Aggregation",
    "AggregationFunction",
    "AggregationValue",
    "Query",
    "QueryField",
    "TaggedField",
    "TableColumn",
    "Validate",
    "Checker",
    "Pattern",
    "Page",
    "MaybeJob",
    "JobEnqueued",
    "Serialize",
    "Deserialize",
    "Option",
    "Vec",
    "String",
    "Box",
    "Endpoint",
];

/// The family of a resource: itself, or its single resource when it is a
/// collection (`devices` → `device`).
#[must_use]
pub fn family_of(resource: &str, spec: &Spec) -> String {
    singular(resource)
        .filter(|single| spec.resources.contains_key(single))
        .unwrap_or_else(|| resource.to_owned())
}

/// The ID kind of each resource's own documents: the kind of its last path
/// parameter (`device` → `DeviceId`), for the collection too.
fn own_id_kinds(spec: &Spec) -> BTreeMap<String, &'static str> {
    let mut kinds = BTreeMap::new();
    for (name, resource) in &spec.resources {
        if let Some(kind) = resource
            .params
            .iter()
            .rfind(|p| p.location == "path")
            .and_then(|p| path_kind(&p.name))
        {
            kinds.insert(name.clone(), kind);
        }
    }
    for name in spec.resources.keys() {
        let single = family_of(name, spec);
        if let Some(&kind) = kinds.get(&single) {
            kinds.entry(name.clone()).or_insert(kind);
        }
    }
    kinds
}

fn path_kind(name: &str) -> Option<&'static str> {
    PATH_ID_KINDS
        .iter()
        .find(|(param, _)| *param == name)
        .map(|(_, kind)| *kind)
}

fn page_info(types: &Types, id: StructId) -> Result<PageInfo, Error> {
    let def = &types.structs[id];
    let items = def.fields.iter().find(|f| f.json == "items");
    let Some(Shape {
        ty: Ty::List(item), ..
    }) = items.map(|f| &f.shape)
    else {
        return Err(Error::spec(format!(
            "the page `{}` has no `items` list",
            def.name
        )));
    };
    let total = def
        .fields
        .iter()
        .find(|f| f.json == "totalCount")
        .map(|f| f.required);
    Ok(PageInfo {
        item: (**item).clone(),
        items_required: items.is_some_and(|f| f.required),
        total,
    })
}

struct ActionBuilder<'a> {
    spec: &'a Spec,
    types: &'a mut Types,
    own_ids: &'a BTreeMap<String, &'static str>,
    resource_name: &'a str,
    resource_params: &'a [Param],
    resource_path: &'a str,
    action_name: &'a str,
    action: &'a Action,
    accepts: &'a [String],
}

impl ActionBuilder<'_> {
    fn build(mut self) -> Result<ActionApi, Error> {
        let official = format!("{}.{}", self.resource_name, self.action_name);
        let method_name = method_name(self.resource_name, self.action_name);
        let official_path = join_path(self.resource_path, &self.action.path);
        let mut args = Vec::new();
        let path = self.path_args(&official_path, &mut args)?;

        let scope = self.action.auth.as_ref().and_then(|a| a.first().cloned());
        let auth = if self.accepts.is_empty() {
            if OPTIONAL_TOKEN.contains(&official.as_str()) {
                Auth::Optional
            } else {
                Auth::None
            }
        } else {
            Auth::Token
        };
        // A `.read` group (`all.Application.read`) allows it.
        let read = self
            .accepts
            .iter()
            .any(|scope| scope.rsplit('.').next() == Some("read"));
        let method = self.action.method.to_ascii_uppercase();
        let idempotent = matches!(method.as_str(), "GET" | "PUT" | "DELETE") || read;

        let params: Vec<&Param> = self
            .action
            .params
            .iter()
            .filter(|p| p.location != "path")
            .collect();
        let paged = params
            .iter()
            .any(|p| p.location == "query" && p.name == "page");
        let returns = self.returns(&method_name)?;
        let paginate = paged
            && matches!(&returns, Returns::Body(Shape { ty: Ty::Struct(id), .. })
                if self.types.structs[*id].fields.iter().any(|f| f.json == "items"));

        self.params(&method_name, &params, &mut args)?;

        let errors = self
            .action
            .responses
            .iter()
            .filter(|(status, _)| !status.starts_with('2'))
            .map(|(status, response)| (status.clone(), response.description.clone()))
            .collect();
        let examples = self.examples();
        Ok(ActionApi {
            examples,
            official,
            method_name,
            method,
            path,
            official_path,
            summary: self.action.summary.clone(),
            scope,
            accepts: self.accepts.to_vec(),
            auth,
            read,
            idempotent,
            args,
            returns,
            paginate,
            errors,
        })
    }

    /// The query and body arguments, in the description's order (the order the
    /// official clients write the query in).
    fn params(
        &mut self,
        method_name: &str,
        params: &[&Param],
        args: &mut Vec<Arg>,
    ) -> Result<(), Error> {
        for param in params {
            match param.location.as_str() {
                "query" if param.name == "page" => args.push(Arg {
                    ident: "page".to_owned(),
                    wire: "page".to_owned(),
                    description: param.description.clone(),
                    default: None,
                    kind: ArgKind::Page,
                }),
                "query" => {
                    let json = param.ty.as_deref() == Some("object");
                    let shape = self.param_shape(param, method_name)?;
                    if !param.required {
                        self.types.mark_request(&shape);
                    }
                    args.push(Arg {
                        ident: crate::names::field_ident(&param.name),
                        wire: param.name.clone(),
                        description: param.description.clone(),
                        default: param.default.clone(),
                        kind: ArgKind::Query {
                            shape,
                            required: param.required,
                            json,
                        },
                    });
                }
                "body" => {
                    let mut shape = self.param_shape(param, method_name)?;
                    if let (Ty::List(_) | Ty::Map(_) | Ty::OneOrMany(_), Some(name)) =
                        (&shape.ty, param.schema.as_ref().and_then(schema_ref))
                    {
                        shape = self.types.newtype(name, shape);
                    }
                    self.types.mark_request(&shape);
                    args.push(Arg {
                        ident: crate::names::field_ident(&param.name),
                        wire: param.name.clone(),
                        description: param.description.clone(),
                        default: None,
                        kind: ArgKind::Body {
                            shape,
                            required: param.required,
                        },
                    });
                }
                "multipart" => {
                    let file = param.ty.as_deref() == Some("file");
                    let json = param.ty.as_deref() == Some("object");
                    let shape = if file {
                        None
                    } else {
                        let shape = self.param_shape(param, method_name)?;
                        self.types.mark_request(&shape);
                        Some(shape)
                    };
                    args.push(Arg {
                        ident: crate::names::field_ident(&param.name),
                        wire: param.name.clone(),
                        description: param.description.clone(),
                        default: param.default.clone(),
                        kind: ArgKind::Part {
                            shape,
                            required: param.required,
                            json,
                        },
                    });
                }
                other => {
                    return Err(Error::spec(format!(
                        "{method_name}: a parameter in `{other}`"
                    )));
                }
            }
        }
        Ok(())
    }

    /// The path arguments, in template order, and the template with `<argument>`
    /// placeholders.
    fn path_args(&self, official_path: &str, args: &mut Vec<Arg>) -> Result<String, Error> {
        let mut path = String::new();
        let mut rest = official_path;
        while let Some(open) = rest.find('{') {
            let close = rest[open..]
                .find('}')
                .map(|c| open + c)
                .ok_or_else(|| Error::spec(format!("unclosed placeholder in {official_path}")))?;
            let name = &rest[open + 1..close];
            let ident = crate::names::field_ident(name);
            path.push_str(&rest[..open]);
            path.push('<');
            path.push_str(&ident);
            path.push('>');
            let description = self
                .resource_params
                .iter()
                .chain(&self.action.params)
                .find(|p| p.name == name)
                .and_then(|p| p.description.clone());
            args.push(Arg {
                ident,
                wire: name.to_owned(),
                description,
                default: None,
                kind: ArgKind::Path(path_kind(name)),
            });
            rest = &rest[close + 1..];
        }
        path.push_str(rest);
        Ok(path)
    }

    /// The shape of a query or body parameter.
    fn param_shape(&mut self, param: &Param, method_name: &str) -> Result<Shape, Error> {
        if let Some(schema) = &param.schema {
            let name = schema_ref(schema)
                .ok_or_else(|| Error::spec(format!("{method_name}: an inline parameter schema")))?;
            return self
                .types
                .root(&self.spec.schemas, name, self.own_ids.get(name).copied());
        }
        let schema = match (&param.values, param.ty.as_deref()) {
            (Some(values), _) if values.iter().all(Value::is_string) => {
                json!({"type": "string", "enum": values})
            }
            _ => json!({"type": scalar_type(param)}),
        };
        let context = Context {
            name: format!("{}{}", pascal(method_name), pascal(&param.name)),
            field: &param.name,
            own_id: None,
            origin: Origin::Param(format!("{}.{}", self.resource_name, self.action_name)),
            place: format!("{}.{}?{}", self.resource_name, self.action_name, param.name),
            priority: 2,
            fallback: None,
        };
        self.types.shape(&self.spec.schemas, &schema, &context)
    }

    /// The reference's examples of the body and of the first 2xx answer, when it
    /// has them and they fit in a screen (at most 40 lines).
    fn examples(&self) -> Vec<(&'static str, String, String)> {
        let body = self
            .action
            .params
            .iter()
            .find(|p| p.location == "body")
            .and_then(|p| p.schema.as_ref())
            .and_then(schema_ref);
        let answer = self
            .action
            .responses
            .iter()
            .find(|(status, _)| status.starts_with('2'))
            .and_then(|(_, response)| response.schema.as_ref())
            .and_then(schema_ref);
        [("body", body), ("answer", answer)]
            .into_iter()
            .filter_map(|(what, name)| {
                let name = name?;
                let example = self.spec.examples.get(name)?;
                let text = serde_json::to_string_pretty(example).ok()?;
                (text.lines().count() <= 40).then(|| (what, name.to_owned(), text))
            })
            .collect()
    }

    fn returns(&mut self, method_name: &str) -> Result<Returns, Error> {
        if let Some(stream) = self.stream()? {
            return Ok(stream);
        }
        let mut variants = Vec::new();
        for (status, response) in &self.action.responses {
            let Ok(code) = status.parse::<u16>() else {
                continue;
            };
            if !(200..300).contains(&code) {
                continue;
            }
            let shape = match response.schema.as_ref().and_then(schema_ref) {
                // No body, or the queued job (`losant_core::JobEnqueued`).
                None | Some("jobEnqueuedResult") => None,
                Some(name) => Some(
                    self.types.root(
                        &self.spec.schemas,
                        name,
                        self.own_ids
                            .get(name)
                            .copied()
                            .or_else(|| self.own_ids.get(self.resource_name).copied()),
                    )?,
                ),
            };
            let job = response.schema.as_ref().and_then(schema_ref) == Some("jobEnqueuedResult");
            variants.push((code, shape, job));
        }
        Ok(match &variants[..] {
            [(_, None, true)] => Returns::Job,
            [] | [(_, None, false)] => Returns::Unit,
            [(_, Some(shape), _)] => Returns::Body(shape.clone()),
            [(_, Some(shape), false), (202, None, true)] => Returns::MaybeJob(shape.clone()),
            _ => Returns::Enum {
                name: format!("{}Response", pascal(method_name)),
                variants: variants
                    .into_iter()
                    .map(|(code, shape, _)| (code, shape))
                    .collect(),
            },
        })
    }
}

impl ActionBuilder<'_> {
    /// The stream a `200` with `sseEvents` answers: one kind of message, whose data
    /// is a struct (another form stops the generator).
    fn stream(&mut self) -> Result<Option<Returns>, Error> {
        let Some(ok) = self.action.responses.get("200") else {
            return Ok(None);
        };
        let mut events = ok.sse_events.iter();
        let Some((event, kind)) = events.next() else {
            return Ok(None);
        };
        let official = format!("{}.{}", self.resource_name, self.action_name);
        if events.next().is_some() {
            return Err(Error::spec(format!(
                "{official}: a stream of several kinds of messages, which the generator does not bind"
            )));
        }
        let name = schema_ref(&kind.schema).ok_or_else(|| {
            Error::spec(format!(
                "{official}: the `{event}` messages' schema is not a `$ref`"
            ))
        })?;
        let shape = self.types.root(&self.spec.schemas, name, None)?;
        if !matches!(shape.ty, Ty::Struct(_)) || shape.nullable {
            return Err(Error::spec(format!(
                "{official}: the `{event}` messages are not objects"
            )));
        }
        Ok(Some(Returns::Stream {
            event: event.clone(),
            shape,
        }))
    }
}

impl ActionApi {
    /// Every shape the action's signature names.
    #[must_use]
    pub fn shapes(&self) -> Vec<&Shape> {
        let mut shapes = Vec::new();
        for arg in &self.args {
            match &arg.kind {
                ArgKind::Query { shape, .. }
                | ArgKind::Body { shape, .. }
                | ArgKind::Part {
                    shape: Some(shape), ..
                } => shapes.push(shape),
                _ => {}
            }
        }
        match &self.returns {
            Returns::Body(shape) | Returns::MaybeJob(shape) | Returns::Stream { shape, .. } => {
                shapes.push(shape);
            }
            Returns::Enum { variants, .. } => {
                shapes.extend(variants.iter().filter_map(|(_, s)| s.as_ref()));
            }
            Returns::Unit | Returns::Job => {}
        }
        shapes
    }
}

/// The JSON type of a scalar query parameter: the spec types every one `string`;
/// its default or example says when it is a flag or a number.
fn scalar_type(param: &Param) -> &'static str {
    match param.default.as_ref().or(param.example.as_ref()) {
        Some(Value::Bool(_)) => "boolean",
        Some(Value::Number(n)) if n.is_u64() || n.is_i64() => "integer",
        Some(Value::Number(_)) => "number",
        _ => "string",
    }
}

/// The resource's path followed by the action's (`/` alone adds nothing).
fn join_path(resource: &str, action: &str) -> String {
    match action {
        "" | "/" => resource.to_owned(),
        action => format!("{resource}{action}"),
    }
}
