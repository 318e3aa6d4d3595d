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
//!
//! This module holds the types' model; `shape.rs` converts each schema node to a
//! shape, `naming.rs` decides which subtrees are one type and what each is called.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::queries::QueryDef;

mod naming;
mod shape;

pub use naming::{PATH_ID_KINDS, id_kind, id_kinds};
pub use shape::pattern_variant;

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
    /// `losant_core::Secret`: a string that `Debug` never shows (a token, a password).
    Secret,
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

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::shape::ID_PATTERN;
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
