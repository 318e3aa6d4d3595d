//! Schema to shape: what each JSON Schema node becomes (a struct, an enum, a query,
//! a union, a scalar with its limits, or `serde_json::Value` and why).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::naming::{id_kind, is_secret, structure_key};
use super::{
    Context, EnumDef, EnumId, Field, Origin, Shape, StructDef, StructId, Ty, Types, UnionDef,
    ValueWhy,
};
use crate::Error;
use crate::names::{item_name, join_names, pascal};
use crate::queries::{query_def, query_schema};

pub(super) const ID_PATTERN: &str = r"^[A-Fa-f\d]{24}$";

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
        let ty = if is_secret(context.field) {
            Ty::Secret
        } else {
            Ty::String
        };
        let mut shape = Shape::new(ty);
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
