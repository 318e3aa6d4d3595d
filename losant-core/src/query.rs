//! Losant's advanced queries, typed: [`Query`] builds the `$and` / `$or` / `$nor` trees
//! of field conditions that the `advanced…Query` schemas describe, over the fields one
//! schema names ([`QueryField`]), and checks them against that schema before sending.
//!
//! Every advanced query schema takes the same condition forms, by the kind of the
//! field ([`FieldKind`]): a value or operators on a plain field, an ID or one
//! operator on an ID field, tag conditions on the tags field, and an object (or
//! `$eq` / `$ne` of one) on the object fields of flow queries.

use std::fmt;
use std::marker::PhantomData;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::InvalidArgument;
use crate::validate::{Checker, Listed, Pattern, Validate, nests_deeper};

/// Most subqueries of `$and` / `$or` / `$nor`, and values of `$in` / `$nin`.
pub const MAX_QUERY_ITEMS: usize = 100;

/// Deepest nesting of arrays and objects in a query. The API echoes queries inside
/// larger documents (an export job, a saved view), and a JSON decoder stops at 127
/// levels, so 100 leave room for every echo.
pub const MAX_QUERY_DEPTH: usize = 100;

/// Longest tag key and tag value in a tag condition, in characters.
pub const MAX_TAG_CHARS: usize = 255;

/// Longest `type` of an object condition, and longest text in its `config`.
const MAX_OBJECT_TYPE_CHARS: usize = 255;
const MAX_CONFIG_TEXT_CHARS: usize = 1024;

/// What conditions a field of an advanced query takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FieldKind {
    /// A string, number, boolean or `null`, or an object of operators (`$eq`, `$ne`,
    /// `$gt`, `$lt`, `$gte`, `$lte`, `$startsWith`, `$endsWith`, `$contains`, `$ci`,
    /// `$in`, `$nin`).
    Value,
    /// An ID (24 hexadecimal digits) or `null`, or an object of exactly one operator
    /// (`$eq` … `$lte` of an ID or `null`, `$in` / `$nin` of IDs).
    Id,
    /// Tag conditions: `null`, `{"$tagKey": .., "$tagValue": ..}` or
    /// `{"<tag key>": ..}`, or `$eq` / `$ne` of one of those.
    Tags,
    /// An object with a required `type` and the listed keys (of `type`, `key` and
    /// `config`), or `$eq` / `$ne` of one.
    Object(&'static [&'static str]),
}

/// The fields of one advanced query schema, as an enum of listed values (the field
/// enums the generated families and `losant-events` define).
///
/// [`Listed::VALUES`] holds every field but the tags field, which the builder sets
/// through [`Query::tag`] and [`Query::tag_key`].
pub trait QueryField: Listed + Clone + fmt::Debug + PartialEq {
    /// The schema's name (`advancedDeviceQuery`), as errors name it.
    const SCHEMA: &'static str;
    /// The field holding tag conditions, when the schema has one.
    const TAGS: Option<&'static str> = None;
    /// The fields whose values are IDs.
    const IDS: &'static [&'static str] = &[];
    /// The fields whose values are objects, with the keys each object takes.
    const OBJECTS: &'static [(&'static str, &'static [&'static str])] = &[];

    /// The kind of the field `name`, or `None` when the schema does not have it.
    #[must_use]
    fn kind_of(name: &str) -> Option<FieldKind> {
        if Self::TAGS == Some(name) {
            return Some(FieldKind::Tags);
        }
        if Self::IDS.contains(&name) {
            return Some(FieldKind::Id);
        }
        if let Some((_, keys)) = Self::OBJECTS.iter().find(|(field, _)| *field == name) {
            return Some(FieldKind::Object(keys));
        }
        Self::VALUES.contains(&name).then_some(FieldKind::Value)
    }
}

/// The name of a data table's column: the fields of a data table query
/// (`advancedQuery`), which are the table's own columns, each taking the conditions
/// of a [`FieldKind::Value`]. A name is 1 to 255 of 0-9, a-z, A-Z, `_` and `-`; a
/// query on another is refused before sending.
///
/// ```
/// use losant_core::{Query, TableColumn};
///
/// type TableQuery = Query<TableColumn>;
///
/// let hot = TableQuery::and([
///     TableQuery::field(TableColumn::new("temperature")).gt(30),
///     TableQuery::field(TableColumn::new("site")).eq("north"),
/// ]);
/// assert_eq!(
///     hot.to_json().to_string(),
///     r#"{"$and":[{"temperature":{"$gt":30}},{"site":{"$eq":"north"}}]}"#
/// );
/// let odd = TableQuery::from(TableQuery::field(TableColumn::new("a b")).eq(1));
/// assert!(odd.validate().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TableColumn(String);

impl TableColumn {
    /// The column `name`.
    pub fn new(name: impl Into<String>) -> Self {
        TableColumn(name.into())
    }
}

impl From<&str> for TableColumn {
    fn from(name: &str) -> Self {
        TableColumn::new(name)
    }
}

impl From<String> for TableColumn {
    fn from(name: String) -> Self {
        TableColumn(name)
    }
}

impl Listed for TableColumn {
    /// Columns are the table's own: none is listed.
    const VALUES: &'static [&'static str] = &[];

    fn as_str(&self) -> &str {
        &self.0
    }

    fn is_known(&self) -> bool {
        Pattern::Key.matches(&self.0)
    }
}

impl QueryField for TableColumn {
    const SCHEMA: &'static str = "advancedQuery";

    fn kind_of(name: &str) -> Option<FieldKind> {
        Pattern::Key.matches(name).then_some(FieldKind::Value)
    }
}

/// The fields of a schema that has a tags field: what [`Query::tag`] and
/// [`Query::tag_key`] need. Implement it only where [`QueryField::TAGS`] is `Some`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` queries have no tag conditions",
    label = "this query's schema has no tags field",
    note = "`Query::tag` and `Query::tag_key` exist for the schemas with a tags field (devices' `tags`, events' `eventTags`, ...)"
)]
pub trait TaggedField: QueryField {}

/// An advanced query over the fields `F` (schema [`QueryField::SCHEMA`]): field
/// conditions combined with `$and`, `$or` and `$nor`. Sent as one JSON-encoded query
/// value (listings, bulk updates) or inside a JSON body (exports, bulk deletions).
///
/// Whatever built it (the builder, [`raw`](Self::raw) JSON, or configuration read
/// with serde), a query is checked against its schema before it is sent: known fields
/// and operators only, the operand forms of each field's [`FieldKind`], at most
/// [`MAX_QUERY_ITEMS`] items per list, non-empty texts, and at most
/// [`MAX_QUERY_DEPTH`] levels of nesting. A query that breaks a rule fails the call
/// with [`crate::Error::InvalidArgument`] before anything is sent;
/// [`validate`](Self::validate) checks it without a call.
pub struct Query<F> {
    clauses: Map<String, Value>,
    /// The first operand that could not be turned into JSON, reported by `validate`.
    unserializable: Option<String>,
    fields: PhantomData<fn() -> F>,
}

/// The conditions on one field, built operator by operator; becomes a [`Query`].
#[must_use]
pub struct FieldQuery<F> {
    field: F,
    operators: Map<String, Value>,
    unserializable: Option<String>,
}

impl<F> Clone for Query<F> {
    fn clone(&self) -> Self {
        Query {
            clauses: self.clauses.clone(),
            unserializable: self.unserializable.clone(),
            fields: PhantomData,
        }
    }
}

impl<F> Default for Query<F> {
    /// The query that every item matches (`{}`).
    fn default() -> Self {
        Query::raw(Map::new())
    }
}

impl<F> PartialEq for Query<F> {
    fn eq(&self, other: &Self) -> bool {
        self.clauses == other.clauses && self.unserializable == other.unserializable
    }
}

impl<F> fmt::Debug for Query<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Query")
            .field("clauses", &self.clauses)
            .field("unserializable", &self.unserializable)
            .finish_non_exhaustive()
    }
}

impl<F: Clone> Clone for FieldQuery<F> {
    fn clone(&self) -> Self {
        FieldQuery {
            field: self.field.clone(),
            operators: self.operators.clone(),
            unserializable: self.unserializable.clone(),
        }
    }
}

impl<F: fmt::Debug> fmt::Debug for FieldQuery<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FieldQuery")
            .field("field", &self.field)
            .field("operators", &self.operators)
            .field("unserializable", &self.unserializable)
            .finish()
    }
}

impl<F> Query<F> {
    /// Any JSON object, as the API takes it: for what the builder does not cover. It
    /// is checked against the schema like a built query.
    #[must_use]
    pub fn raw(query: Map<String, Value>) -> Self {
        Query {
            clauses: query,
            unserializable: None,
            fields: PhantomData,
        }
    }

    /// The query as JSON.
    #[must_use]
    pub fn to_json(&self) -> Value {
        Value::Object(self.clauses.clone())
    }

    fn clause(key: &str, value: Value) -> Self {
        let mut clauses = Map::new();
        clauses.insert(key.to_owned(), value);
        Query::raw(clauses)
    }

    fn combine<I: IntoIterator<Item = Q>, Q: Into<Query<F>>>(operator: &str, queries: I) -> Self {
        let mut unserializable = None;
        let items = queries
            .into_iter()
            .map(|query| {
                let query = query.into();
                if unserializable.is_none() {
                    unserializable = query.unserializable;
                }
                Value::Object(query.clauses)
            })
            .collect();
        Query {
            unserializable,
            ..Self::clause(operator, Value::Array(items))
        }
    }

    /// Every subquery holds (`$and`).
    #[must_use]
    pub fn and<I: IntoIterator<Item = Q>, Q: Into<Query<F>>>(queries: I) -> Self {
        Self::combine("$and", queries)
    }

    /// At least one subquery holds (`$or`).
    #[must_use]
    pub fn or<I: IntoIterator<Item = Q>, Q: Into<Query<F>>>(queries: I) -> Self {
        Self::combine("$or", queries)
    }

    /// No subquery holds (`$nor`).
    #[must_use]
    pub fn nor<I: IntoIterator<Item = Q>, Q: Into<Query<F>>>(queries: I) -> Self {
        Self::combine("$nor", queries)
    }
}

impl<F: QueryField> Query<F> {
    /// Conditions on `field`: chain operators, such as `.gte(a).lt(b)`.
    pub fn field(field: F) -> FieldQuery<F> {
        FieldQuery {
            field,
            operators: Map::new(),
            unserializable: None,
        }
    }

    /// Checks the query against its schema (see the type's documentation); the
    /// error's argument is `query` and its reason names where in the query the rule
    /// broke (`` `$and[1].level.$in` holds 101 values ``).
    pub fn validate(&self) -> Result<(), InvalidArgument> {
        self.breach()
            .map_or(Ok(()), |reason| Err(InvalidArgument::new("query", reason)))
    }

    /// The first rule the query breaks, said with where in the query.
    fn breach(&self) -> Option<String> {
        if let Some(reason) = &self.unserializable {
            return Some(reason.clone());
        }
        // The query object itself is the first level.
        if self
            .clauses
            .values()
            .any(|child| nests_deeper(child, MAX_QUERY_DEPTH - 1))
        {
            let mut at = Checker::default();
            at.depth(&Value::Object(self.clauses.clone()), MAX_QUERY_DEPTH);
            return at.finish().err().map(|breach| breach.reason().to_owned());
        }
        check_query::<F>("", &self.clauses).err()
    }
}

impl<F: QueryField> Query<F> {
    /// Items with the tag `key` set to `value` (`{"tags": {key: value}}`, by the
    /// schema's tags field). Only for schemas with one ([`TaggedField`]).
    #[must_use]
    pub fn tag(key: impl Into<String>, value: impl Into<String>) -> Self
    where
        F: TaggedField,
    {
        let mut tags = Map::new();
        tags.insert(key.into(), Value::String(value.into()));
        Self::clause(F::TAGS.unwrap_or_default(), Value::Object(tags))
    }

    /// Items with a tag named `key`, whatever its value
    /// (`{"tags": {"$tagKey": key}}`).
    #[must_use]
    pub fn tag_key(key: impl Into<String>) -> Self
    where
        F: TaggedField,
    {
        let mut tags = Map::new();
        tags.insert("$tagKey".to_owned(), Value::String(key.into()));
        Self::clause(F::TAGS.unwrap_or_default(), Value::Object(tags))
    }
}

impl<F: QueryField> Validate for Query<F> {
    /// The rules of [`Query::validate`], reported at the field holding the query
    /// (an export's `query`, a time series query's `deviceQuery`).
    fn check(&self, at: &mut Checker) {
        if let Some(reason) = self.breach() {
            at.fail(reason);
        }
    }
}

impl<F: QueryField> Serialize for Query<F> {
    /// Serializes the query, or fails with the first broken rule.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if let Some(reason) = self.breach() {
            return Err(serde::ser::Error::custom(format_args!("`query` {reason}")));
        }
        self.clauses.serialize(serializer)
    }
}

impl<'de, F: QueryField> Deserialize<'de> for Query<F> {
    /// Reads a query from its JSON form, checked against the schema.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let query = Query::raw(Map::deserialize(deserializer)?);
        match query.breach() {
            Some(reason) => Err(serde::de::Error::custom(reason)),
            None => Ok(query),
        }
    }
}

impl<F: Listed> FieldQuery<F> {
    /// Sets `operator` to `value` as JSON, keeping the first value that cannot be.
    fn set<T: Serialize>(mut self, operator: &str, value: T) -> Self {
        match serde_json::to_value(value) {
            Ok(value) => {
                self.operators.insert(operator.to_owned(), value);
            }
            Err(error) => {
                self.unserializable.get_or_insert_with(|| {
                    format!(
                        "the operand of `{}.{operator}` cannot be turned into JSON: {error}",
                        self.field.as_str()
                    )
                });
            }
        }
        self
    }

    /// Sets `operator` to the list of `values`.
    fn set_list<I: IntoIterator<Item = T>, T: Serialize>(self, operator: &str, values: I) -> Self {
        self.set(operator, values.into_iter().collect::<Vec<T>>())
    }

    /// Equal to (`$eq`).
    pub fn eq<T: Serialize>(self, value: T) -> Self {
        self.set("$eq", value)
    }

    /// Not equal to (`$ne`).
    pub fn ne<T: Serialize>(self, value: T) -> Self {
        self.set("$ne", value)
    }

    /// Greater than (`$gt`).
    pub fn gt<T: Serialize>(self, value: T) -> Self {
        self.set("$gt", value)
    }

    /// Less than (`$lt`).
    pub fn lt<T: Serialize>(self, value: T) -> Self {
        self.set("$lt", value)
    }

    /// Greater than or equal to (`$gte`).
    pub fn gte<T: Serialize>(self, value: T) -> Self {
        self.set("$gte", value)
    }

    /// Less than or equal to (`$lte`).
    pub fn lte<T: Serialize>(self, value: T) -> Self {
        self.set("$lte", value)
    }

    /// Starts with `text` (`$startsWith`).
    pub fn starts_with(self, text: impl Into<String>) -> Self {
        self.set("$startsWith", text.into())
    }

    /// Ends with `text` (`$endsWith`).
    pub fn ends_with(self, text: impl Into<String>) -> Self {
        self.set("$endsWith", text.into())
    }

    /// Contains `text` (`$contains`).
    pub fn contains(self, text: impl Into<String>) -> Self {
        self.set("$contains", text.into())
    }

    /// Compares texts ignoring case (`$ci`).
    pub fn case_insensitive(self, ignore_case: bool) -> Self {
        self.set("$ci", ignore_case)
    }

    /// One of `values` (`$in`).
    pub fn is_in<I: IntoIterator<Item = T>, T: Serialize>(self, values: I) -> Self {
        self.set_list("$in", values)
    }

    /// None of `values` (`$nin`).
    pub fn not_in<I: IntoIterator<Item = T>, T: Serialize>(self, values: I) -> Self {
        self.set_list("$nin", values)
    }
}

impl<F: Listed> From<FieldQuery<F>> for Query<F> {
    fn from(field: FieldQuery<F>) -> Self {
        Query {
            unserializable: field.unserializable,
            ..Self::clause(field.field.as_str(), Value::Object(field.operators))
        }
    }
}

/// `prefix` joined to `key` as a path: `$and[1].level`.
fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_owned()
    } else {
        format!("{prefix}.{key}")
    }
}

fn check_query<F: QueryField>(at: &str, clauses: &Map<String, Value>) -> Result<(), String> {
    for (key, value) in clauses {
        let here = join(at, key);
        match key.as_str() {
            "$and" | "$or" | "$nor" => {
                let Value::Array(items) = value else {
                    return Err(format!("`{here}` must be a list of queries"));
                };
                check_count(&here, items.len(), "subqueries")?;
                for (i, item) in items.iter().enumerate() {
                    let Value::Object(inner) = item else {
                        return Err(format!("`{here}[{i}]` must be a query object"));
                    };
                    check_query::<F>(&format!("{here}[{i}]"), inner)?;
                }
            }
            field => match F::kind_of(field) {
                Some(FieldKind::Value) => check_condition(&here, value)?,
                Some(FieldKind::Id) => check_id_condition(&here, value)?,
                Some(FieldKind::Tags) => check_tags_condition(&here, value)?,
                Some(FieldKind::Object(keys)) => check_object_condition(&here, value, keys)?,
                None => return Err(unknown_field::<F>(field, &here)),
            },
        }
    }
    Ok(())
}

fn unknown_field<F: QueryField>(field: &str, at: &str) -> String {
    if F::VALUES.is_empty() {
        return format!(
            "`{field}` at `{at}` is not a column name (1 to 255 of 0-9, a-z, A-Z, `_` and `-`)"
        );
    }
    let mut expected = F::VALUES.join(", ");
    if let Some(tags) = F::TAGS {
        expected.push_str(", ");
        expected.push_str(tags);
    }
    format!(
        "unknown field `{field}` at `{at}` (schema `{}`): expected one of {expected}, $and, $or, $nor",
        F::SCHEMA
    )
}

fn check_count(at: &str, count: usize, what: &str) -> Result<(), String> {
    if count > MAX_QUERY_ITEMS {
        return Err(format!(
            "`{at}` holds {count} {what}, at most {MAX_QUERY_ITEMS}"
        ));
    }
    Ok(())
}

fn is_scalar(value: &Value) -> bool {
    !matches!(value, Value::Array(_) | Value::Object(_))
}

/// A plain field's condition: a value, or an object of operators.
fn check_condition(at: &str, condition: &Value) -> Result<(), String> {
    let Value::Object(operators) = condition else {
        if is_scalar(condition) {
            return Ok(());
        }
        return Err(format!(
            "`{at}` must be a string, number, boolean, null or an object of operators"
        ));
    };
    for (operator, operand) in operators {
        let here = format!("{at}.{operator}");
        match operator.as_str() {
            "$eq" | "$ne" | "$gt" | "$lt" | "$gte" | "$lte" => {
                if !is_scalar(operand) {
                    return Err(format!(
                        "`{here}` must be a string, number, boolean or null"
                    ));
                }
            }
            "$startsWith" | "$endsWith" | "$contains" => match operand {
                Value::String(text) if !text.is_empty() => {}
                _ => return Err(format!("`{here}` needs a non-empty text")),
            },
            "$ci" => {
                if !operand.is_boolean() {
                    return Err(format!("`{here}` must be `true` or `false`"));
                }
            }
            "$in" | "$nin" => {
                let Value::Array(values) = operand else {
                    return Err(format!("`{here}` must be a list of values"));
                };
                check_count(&here, values.len(), "values")?;
                if values.iter().any(|v| !is_scalar(v) || v.is_null()) {
                    return Err(format!(
                        "`{here}` may hold only strings, numbers and booleans"
                    ));
                }
            }
            other => {
                return Err(format!(
                    "unknown operator `{other}` at `{at}`: expected $eq, $ne, $gt, $lt, $gte, $lte, $startsWith, $endsWith, $contains, $ci, $in or $nin"
                ));
            }
        }
    }
    Ok(())
}

fn is_id(value: &Value) -> bool {
    value.as_str().is_some_and(|text| Pattern::Id.matches(text))
}

/// An ID field's condition: an ID or `null`, or one operator on IDs.
fn check_id_condition(at: &str, condition: &Value) -> Result<(), String> {
    let Value::Object(operators) = condition else {
        if condition.is_null() || is_id(condition) {
            return Ok(());
        }
        return Err(format!(
            "`{at}` must be an ID (24 hexadecimal digits), null or an object of one operator"
        ));
    };
    let mut operators = operators.iter();
    let (Some((operator, operand)), None) = (operators.next(), operators.next()) else {
        return Err(format!(
            "`{at}` takes exactly one operator (an ID field's condition)"
        ));
    };
    let here = format!("{at}.{operator}");
    match operator.as_str() {
        "$eq" | "$ne" | "$gt" | "$lt" | "$gte" | "$lte" => {
            if !(operand.is_null() || is_id(operand)) {
                return Err(format!(
                    "`{here}` must be an ID (24 hexadecimal digits) or null"
                ));
            }
        }
        "$in" | "$nin" => {
            let Value::Array(ids) = operand else {
                return Err(format!("`{here}` must be a list of IDs"));
            };
            check_count(&here, ids.len(), "values")?;
            if !ids.iter().all(is_id) {
                return Err(format!(
                    "`{here}` may hold only IDs (24 hexadecimal digits)"
                ));
            }
        }
        other => {
            return Err(format!(
                "unknown operator `{other}` at `{at}`: an ID field takes $eq, $ne, $gt, $lt, $gte, $lte, $in or $nin"
            ));
        }
    }
    Ok(())
}

/// `form`, or `{"$eq": form}` / `{"$ne": form}`: the operand and where it is.
fn unwrap_eq_ne<'a>(at: &str, condition: &'a Value) -> (String, &'a Value) {
    if let Value::Object(fields) = condition
        && fields.len() == 1
        && let Some((operator, form)) = fields.iter().next()
        && (operator == "$eq" || operator == "$ne")
    {
        return (format!("{at}.{operator}"), form);
    }
    (at.to_owned(), condition)
}

/// A tag condition: a tag form, or `$eq` / `$ne` of one.
fn check_tags_condition(at: &str, condition: &Value) -> Result<(), String> {
    let (at, form) = unwrap_eq_ne(at, condition);
    check_tag_form(&at, form)
}

/// `null`, `{"$tagKey": v, "$tagValue": v}` or `{"<tag key>": v, ...}`.
fn check_tag_form(at: &str, form: &Value) -> Result<(), String> {
    let fields = match form {
        Value::Null => return Ok(()),
        Value::Object(fields) => fields,
        _ => {
            return Err(format!(
                "`{at}` must be null or an object of tag conditions"
            ));
        }
    };
    let by_parts = fields.keys().any(|key| key.starts_with('$'));
    for (key, value) in fields {
        let here = format!("{at}.{key}");
        if by_parts {
            if key != "$tagKey" && key != "$tagValue" {
                return Err(format!(
                    "unknown key `{key}` at `{at}`: a tag condition takes `$tagKey` and `$tagValue`, or tag keys"
                ));
            }
        } else if !Pattern::KeyPrefix.matches(key) {
            return Err(format!(
                "`{key}` at `{at}` is not a tag key (0-9, a-z, A-Z, `_` and `-`)"
            ));
        }
        check_tag_value(&here, value)?;
    }
    Ok(())
}

fn check_text(at: &str, text: &str, max: usize) -> Result<(), String> {
    if text.chars().count() > max {
        return Err(format!("`{at}` is longer than {max} characters"));
    }
    Ok(())
}

/// A text of up to 255 characters, `null`, or `{"$in": [...]}` / `{"$nin": [...]}`.
fn check_tag_value(at: &str, value: &Value) -> Result<(), String> {
    let wrong = || format!("`{at}` takes a text, null, or `$in` / `$nin` with a list of texts");
    match value {
        Value::Null => Ok(()),
        Value::String(text) => check_text(at, text, MAX_TAG_CHARS),
        Value::Object(fields) if fields.len() == 1 => {
            let Some((operator, Value::Array(texts))) = fields
                .iter()
                .next()
                .filter(|(operator, _)| *operator == "$in" || *operator == "$nin")
            else {
                return Err(wrong());
            };
            let here = format!("{at}.{operator}");
            check_count(&here, texts.len(), "values")?;
            texts.iter().try_for_each(|text| match text {
                Value::String(text) => check_text(&here, text, MAX_TAG_CHARS),
                _ => Err(format!("`{here}` may hold only texts")),
            })
        }
        _ => Err(wrong()),
    }
}

/// An object field's condition: the object, or `$eq` / `$ne` of it.
fn check_object_condition(
    at: &str,
    condition: &Value,
    keys: &[&'static str],
) -> Result<(), String> {
    let (at, form) = unwrap_eq_ne(at, condition);
    let Value::Object(fields) = form else {
        return Err(format!("`{at}` must be an object, or `$eq` / `$ne` of one"));
    };
    if !fields.contains_key("type") {
        return Err(format!("`{at}` needs a `type`"));
    }
    for (key, value) in fields {
        let here = format!("{at}.{key}");
        match key.as_str() {
            known if !keys.contains(&known) => {
                return Err(format!(
                    "unknown key `{key}` at `{at}`: expected one of {}",
                    keys.join(", ")
                ));
            }
            "type" => match value {
                Value::String(text) => check_text(&here, text, MAX_OBJECT_TYPE_CHARS)?,
                _ => return Err(format!("`{here}` must be a text")),
            },
            "key" => match value {
                Value::String(text) if Pattern::Key.matches(text) => {}
                _ => {
                    return Err(format!(
                        "`{here}` must be 1 to 255 of 0-9, a-z, A-Z, `_` and `-`"
                    ));
                }
            },
            "config" => check_config(&here, value)?,
            _ => {}
        }
    }
    Ok(())
}

/// A `config` object: keys of 0-9, a-z, A-Z, `_` and `-`, scalar values.
fn check_config(at: &str, config: &Value) -> Result<(), String> {
    let Value::Object(entries) = config else {
        return Err(format!("`{at}` must be an object"));
    };
    for (key, value) in entries {
        let here = format!("{at}.{key}");
        if !Pattern::Key.matches(key) {
            return Err(format!(
                "`{key}` at `{at}` is not a config key (0-9, a-z, A-Z, `_` and `-`)"
            ));
        }
        match value {
            Value::String(text) => check_text(&here, text, MAX_CONFIG_TEXT_CHARS)?,
            Value::Array(_) | Value::Object(_) => {
                return Err(format!(
                    "`{here}` must be a string, number, boolean or null"
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::StringEnum;

    #[derive(Debug, Clone, PartialEq, StringEnum)]
    #[string_enum(crate = crate)]
    enum Field {
        #[value = "id"]
        Id,
        #[value = "name"]
        Name,
        #[value = "triggers"]
        Triggers,
        Other(String),
    }

    impl QueryField for Field {
        const SCHEMA: &'static str = "advancedTestQuery";
        const TAGS: Option<&'static str> = Some("tags");
        const IDS: &'static [&'static str] = &["id"];
        const OBJECTS: &'static [(&'static str, &'static [&'static str])] =
            &[("triggers", &["type", "key", "config"])];
    }

    impl TaggedField for Field {}

    type TestQuery = Query<Field>;

    fn raw(value: Value) -> TestQuery {
        let Value::Object(fields) = value else {
            panic!("not an object: {value}")
        };
        Query::raw(fields)
    }

    const ID: &str = "575ecf887ae143cd83dc4aa2";

    #[test]
    fn the_builder_writes_the_api_forms() {
        let query = TestQuery::and([
            TestQuery::field(Field::Name)
                .starts_with("pump")
                .case_insensitive(true)
                .into(),
            TestQuery::field(Field::Id).is_in([ID]).into(),
            TestQuery::tag("floor", "2"),
            TestQuery::or([TestQuery::tag_key("zone")]),
        ]);
        assert_eq!(
            serde_json::to_value(&query).unwrap(),
            json!({"$and": [
                {"name": {"$startsWith": "pump", "$ci": true}},
                {"id": {"$in": [ID]}},
                {"tags": {"floor": "2"}},
                {"$or": [{"tags": {"$tagKey": "zone"}}]},
            ]})
        );
        assert!(query.validate().is_ok());
        assert_eq!(TestQuery::default().to_json(), json!({}));
    }

    #[test]
    fn each_kind_is_held_to_its_forms() {
        let refused = [
            (
                json!({"color": "red"}),
                "unknown field `color` at `color` (schema `advancedTestQuery`): expected one of id, name, triggers, tags",
            ),
            (
                json!({"name": {"$like": "x"}}),
                "unknown operator `$like` at `name`",
            ),
            (json!({"name": {"$in": [null]}}), "may hold only strings"),
            (
                json!({"name": {"$contains": ""}}),
                "`name.$contains` needs a non-empty text",
            ),
            (json!({"id": "not-an-id"}), "`id` must be an ID"),
            (
                json!({"id": {"$gte": ID, "$lt": ID}}),
                "`id` takes exactly one operator",
            ),
            (
                json!({"id": {"$in": [ID, "x"]}}),
                "`id.$in` may hold only IDs",
            ),
            (json!({"id": {"$startsWith": "57"}}), "an ID field takes"),
            (json!({"tags": {"$gt": "a"}}), "unknown key `$gt`"),
            (
                json!({"tags": {"zone": "x".repeat(256)}}),
                "longer than 255",
            ),
            (
                json!({"triggers": {"key": "k"}}),
                "`triggers` needs a `type`",
            ),
            (
                json!({"triggers": {"$ne": {"type": "x", "color": 1}}}),
                "unknown key `color` at `triggers.$ne`",
            ),
            (
                json!({"triggers": {"type": "x", "key": "a b"}}),
                "`triggers.key` must be 1 to 255",
            ),
            (
                json!({"triggers": {"type": "x", "config": {"a": [1]}}}),
                "`triggers.config.a` must be a string",
            ),
            (json!({"$or": [{"id": 5}]}), "`$or[0].id` must be an ID"),
        ];
        for (query, message) in refused {
            let error = raw(query.clone()).validate().unwrap_err();
            assert_eq!(error.argument(), "query");
            assert!(error.reason().contains(message), "{query}: {error}");
        }
        let accepted = [
            json!({"id": null}),
            json!({"id": ID, "name": 5}),
            json!({"id": {"$ne": null}}),
            json!({"tags": {"$eq": {"$tagKey": "zone", "$tagValue": {"$in": ["a"]}}}}),
            json!({"triggers": {"$eq": {"type": "timer", "key": "k-1", "config": {"a": "b", "n": 1}}}}),
        ];
        for query in accepted {
            assert!(raw(query.clone()).validate().is_ok(), "{query}");
        }
    }

    #[test]
    fn counts_depth_and_operands_are_checked() {
        struct Unserializable;
        impl Serialize for Unserializable {
            fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom("no JSON form"))
            }
        }
        let wide =
            TestQuery::or((0..=MAX_QUERY_ITEMS).map(|i| TestQuery::field(Field::Name).eq(i)));
        let error = wide.validate().unwrap_err();
        assert!(
            error.reason().contains("`$or` holds 101 subqueries"),
            "{error}"
        );
        let deep =
            (0..MAX_QUERY_DEPTH).fold(json!({"name": "x"}), |inner, _| json!({"$and": [inner]}));
        let error = raw(deep).validate().unwrap_err();
        assert!(error.reason().contains("levels deep"), "{error}");
        let query = TestQuery::and([TestQuery::field(Field::Name).eq(Unserializable)]);
        let error = serde_json::to_string(&query).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("`name.$eq` cannot be turned into JSON"),
            "{error}"
        );
    }

    #[test]
    fn a_query_in_a_body_is_reported_at_its_field() {
        let mut at = Checker::default();
        at.nested("deviceQuery", Some(&raw(json!({"id": "x"}))));
        let error = at.finish().unwrap_err();
        assert_eq!(error.argument(), "deviceQuery");
        assert!(error.reason().starts_with("`id` must be an ID"), "{error}");
    }

    #[test]
    fn a_table_query_takes_any_column_name() {
        let query: Query<TableColumn> =
            serde_json::from_str(r#"{"$or":[{"temp-1":{"$gte":3}},{"site_2":"north"}]}"#).unwrap();
        assert!(query.validate().is_ok());
        let error = Query::<TableColumn>::raw(
            json!({"$and": [{"bad column": 1}]})
                .as_object()
                .unwrap()
                .clone(),
        )
        .validate()
        .unwrap_err();
        assert!(
            error
                .reason()
                .contains("`bad column` at `$and[0].bad column` is not a column name"),
            "{error}"
        );
        let error = Query::<TableColumn>::raw(
            json!({"temp": {"$tagKey": "x"}})
                .as_object()
                .unwrap()
                .clone(),
        )
        .validate()
        .unwrap_err();
        assert!(
            error.reason().contains("unknown operator `$tagKey`"),
            "{error}"
        );
    }

    #[test]
    fn queries_read_with_serde_are_checked() {
        let query: TestQuery = serde_json::from_str(r#"{"name":{"$in":["a"]}}"#).unwrap();
        assert_eq!(query, TestQuery::field(Field::Name).is_in(["a"]).into());
        let error = serde_json::from_str::<TestQuery>(r#"{"id":"x"}"#).unwrap_err();
        assert!(error.to_string().contains("`id` must be an ID"), "{error}");
    }
}
