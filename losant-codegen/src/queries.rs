//! Advanced query schemas (`advancedDeviceQuery`, …) as typed queries: each becomes
//! an enum of its fields for `losant_core::query::Query`, with the kind of each field
//! read from the condition forms the schema gives it.
//!
//! Every advanced query schema writes its fields in one of four forms, which
//! `losant_core::query::FieldKind` checks: a plain value (`oneOf` of a scalar and an
//! object of operators), an ID (`oneOf` of an ID-or-null and one operator), tags (the
//! forms with `$tagKey`), or an object (`type`, `key`, `config`). A field in any
//! other form is an error here, so a new form in a later description is bound
//! deliberately, not checked wrongly.

use serde_json::{Map, Value};

use crate::Error;
use crate::names::pascal;

/// The schema of data table row queries, whose fields are the table's own columns
/// (`patternProperties`): a query over `losant_core::TableColumn`.
pub const TABLE_QUERY: &str = "advancedQuery";

/// One advanced query schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryDef {
    /// The schema's name: `advancedDeviceQuery`.
    pub schema: String,
    /// The query type's name: `DeviceQuery`.
    pub name: String,
    /// The fields but the tags field, in the schema's order, with their kinds.
    pub fields: Vec<(String, QueryKind)>,
    /// The field holding tag conditions (`tags`, `deviceTags`).
    pub tags: Option<String>,
    /// The fields are a data table's columns (any column name, each a value), not
    /// listed.
    pub columns: bool,
}

impl QueryDef {
    /// The name of the field enum: `DeviceQueryField`; `None` for a table's columns.
    #[must_use]
    pub fn field_enum(&self) -> Option<String> {
        (!self.columns).then(|| format!("{}Field", self.name))
    }
}

/// The form of a field's conditions (`losant_core::query::FieldKind` without tags,
/// which a query holds apart).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryKind {
    /// A value or operators on values.
    Value,
    /// An ID or one operator on IDs.
    Id,
    /// An object with these keys (`type` among them), or `$eq` / `$ne` of one.
    Object(Vec<String>),
}

/// The advanced query schema a schema node is, when it is one: a `$ref` to it, or an
/// inline copy (a body's `deviceQuery`), whose `$and` items refer to it.
#[must_use]
pub fn query_schema(node: &Map<String, Value>) -> Option<&str> {
    fn reference(node: &Map<String, Value>) -> Option<&str> {
        node.get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/definitions/"))
    }
    let name = reference(node).or_else(|| {
        node.get("properties")?
            .get("$and")?
            .get("items")?
            .as_object()
            .and_then(reference)
    })?;
    (name.starts_with("advanced") && name.ends_with("Query")).then_some(name)
}

/// Reads the schema `schema` (its root `node`) as a query.
pub fn query_def(schema: &str, node: &Value) -> Result<QueryDef, Error> {
    let properties = node
        .get("properties")
        .and_then(Value::as_object)
        .ok_or_else(|| Error::spec(format!("{schema}: an advanced query without properties")))?;
    let mut fields = Vec::new();
    let mut tags = None;
    for (field, form) in properties {
        if matches!(field.as_str(), "$and" | "$or" | "$nor") {
            continue;
        }
        match kind(form) {
            Some(Kind::Tags) if tags.is_none() => tags = Some(field.clone()),
            Some(Kind::Field(kind)) => fields.push((field.clone(), kind)),
            _ => {
                return Err(Error::spec(format!(
                    "{schema}.{field}: a query field in a form the generator does not know"
                )));
            }
        }
    }
    let columns = schema == TABLE_QUERY;
    if columns {
        let forms = node.get("patternProperties").and_then(Value::as_object);
        let value_columns = forms.is_some_and(|forms| {
            forms.len() == 1
                && forms.iter().all(|(pattern, form)| {
                    pattern == "^[0-9a-zA-Z_-]{1,255}$"
                        && matches!(kind(form), Some(Kind::Field(QueryKind::Value)))
                })
        });
        if !value_columns || !fields.is_empty() {
            return Err(Error::spec(format!(
                "{schema}: the columns of a table query in a form the generator does not know"
            )));
        }
    }
    let name = if columns {
        "DataTableQuery".to_owned()
    } else {
        pascal(schema.strip_prefix("advanced").unwrap_or(schema))
    };
    Ok(QueryDef {
        schema: schema.to_owned(),
        name,
        fields,
        tags,
        columns,
    })
}

enum Kind {
    Tags,
    Field(QueryKind),
}

/// Whether one of the condition forms of `form` (an alternative of its `oneOf`, at any
/// depth, or the item of a list of them) is an object with a `$tagKey`: a tag
/// condition.
fn names_tag_key(form: &Value) -> bool {
    form.get("properties")
        .and_then(Value::as_object)
        .is_some_and(|properties| properties.contains_key("$tagKey"))
        || form.get("items").is_some_and(names_tag_key)
        || form
            .get("oneOf")
            .and_then(Value::as_array)
            .is_some_and(|forms| forms.iter().any(names_tag_key))
}

/// The kind of a field from its `oneOf` of condition forms.
fn kind(form: &Value) -> Option<Kind> {
    if names_tag_key(form) {
        return Some(Kind::Tags);
    }
    let first = form.get("oneOf")?.get(0)?;
    if first
        .get("oneOf")
        .and_then(|inner| inner.get(0))
        .and_then(|id| id.get("pattern"))
        .and_then(Value::as_str)
        == Some("^[A-Fa-f\\d]{24}$")
    {
        return Some(Kind::Field(QueryKind::Id));
    }
    match first.get("type")? {
        Value::String(object) if object == "object" => {
            let keys: Vec<String> = first
                .get("properties")?
                .as_object()?
                .keys()
                .cloned()
                .collect();
            keys.iter()
                .any(|key| key == "type")
                .then_some(Kind::Field(QueryKind::Object(keys)))
        }
        Value::Array(types) if types.len() == 4 => Some(Kind::Field(QueryKind::Value)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn scalar() -> Value {
        json!({"oneOf": [
            {"type": ["string", "number", "boolean", "null"]},
            {"type": "object", "properties": {"$eq": {}}}
        ]})
    }

    fn id() -> Value {
        json!({"oneOf": [
            {"oneOf": [{"type": "string", "pattern": "^[A-Fa-f\\d]{24}$"}, {"type": "null"}]},
            {"type": "object"}
        ]})
    }

    #[test]
    fn fields_take_their_kind_from_their_forms() {
        let schema = json!({
            "properties": {
                "$and": {"type": "array", "items": {"$ref": "#/definitions/advancedWidgetQuery"}},
                "id": id(),
                "name": scalar(),
                "widgetTags": {"oneOf": [{"type": "object", "properties": {"$tagKey": {}}}]},
                "nodes": {"oneOf": [{"type": "object", "properties": {"type": {}, "config": {}}}]},
            }
        });
        let def = query_def("advancedWidgetQuery", &schema).unwrap();
        assert_eq!(def.name, "WidgetQuery");
        assert_eq!(def.field_enum().as_deref(), Some("WidgetQueryField"));
        assert_eq!(def.tags.as_deref(), Some("widgetTags"));
        assert_eq!(
            def.fields,
            [
                ("id".to_owned(), QueryKind::Id),
                ("name".to_owned(), QueryKind::Value),
                (
                    "nodes".to_owned(),
                    QueryKind::Object(vec!["config".to_owned(), "type".to_owned()])
                ),
            ]
        );
    }

    #[test]
    fn only_a_tag_condition_form_makes_tags() {
        // The tag forms nest: a `oneOf` of null, `$tagKey`/`$tagValue`, or a key map.
        let nested = json!({"oneOf": [{"oneOf": [
            {"type": "null"},
            {"type": "object", "properties": {"$tagKey": {}, "$tagValue": {}}}
        ]}]});
        assert!(matches!(kind(&nested), Some(Kind::Tags)));
        // A value whose text mentions `$tagKey` is still a value.
        let mut mention = scalar();
        mention["description"] = json!("compare with \"$tagKey\" conditions");
        mention["oneOf"][1]["properties"]["$eq"] = json!({"enum": ["$tagKey"]});
        assert!(matches!(
            kind(&mention),
            Some(Kind::Field(QueryKind::Value))
        ));
    }

    #[test]
    fn a_table_query_is_over_its_columns() {
        let schema = json!({
            "properties": {"$and": {}, "$or": {}, "$nor": {}},
            "patternProperties": {"^[0-9a-zA-Z_-]{1,255}$": scalar()}
        });
        let def = query_def(TABLE_QUERY, &schema).unwrap();
        assert_eq!(def.name, "DataTableQuery");
        assert!(def.columns && def.field_enum().is_none());
        let odd = json!({"patternProperties": {"^[a-z]+$": scalar()}});
        assert!(query_def(TABLE_QUERY, &odd).is_err());
    }

    #[test]
    fn an_unknown_form_is_an_error() {
        let schema = json!({"properties": {"size": {"type": "integer"}}});
        let error = query_def("advancedWidgetQuery", &schema).unwrap_err();
        assert!(
            error.to_string().contains("advancedWidgetQuery.size"),
            "{error}"
        );
    }

    #[test]
    fn references_and_inline_copies_are_recognised() {
        let reference = json!({"$ref": "#/definitions/advancedDeviceQuery"});
        assert_eq!(
            query_schema(reference.as_object().unwrap()),
            Some("advancedDeviceQuery")
        );
        let copy = json!({"title": "Advanced Device Query", "properties": {
            "$and": {"type": "array", "items": {"$ref": "#/definitions/advancedDeviceQuery"}}
        }});
        assert_eq!(
            query_schema(copy.as_object().unwrap()),
            Some("advancedDeviceQuery")
        );
        let other = json!({"$ref": "#/definitions/devicePatch"});
        assert_eq!(query_schema(other.as_object().unwrap()), None);
    }
}
