//! `#[derive(Validate)]` on a user's own model: every check kind, the JSON names
//! serde gives the fields, optional and doubly optional fields, flattened members,
//! newtypes and custom checks.

use std::collections::BTreeMap;

use losant_core::validate::{Checker, Validate};
use losant_core::{OneOrMany, StringEnum};
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Debug, Clone, PartialEq, StringEnum)]
enum Kind {
    #[value = "sensor"]
    Sensor,
    Other(String),
}

#[derive(Default, Deserialize, Validate)]
#[serde(rename_all = "camelCase")]
struct Tag {
    #[validate(pattern = Key)]
    tag_key: String,
}

#[derive(Default, Deserialize, Validate)]
#[serde(rename_all = "camelCase")]
struct Extra {
    #[validate(range(min = 1, max = 3))]
    retry_count: Option<i64>,
}

#[allow(clippy::option_option)]
#[derive(Default, Deserialize, Validate)]
#[serde(rename_all = "camelCase")]
struct Model {
    #[validate(chars(min = 1, max = 4))]
    device_name: String,
    #[serde(rename = "desc")]
    #[validate(chars(max = 2))]
    description: Option<String>,
    #[validate(chars(min = 2))]
    parent_id: Option<Option<String>>,
    #[validate(range(min = 0.5, max = 2.0))]
    ratio: Option<f64>,
    #[validate(listed)]
    kind: Option<Kind>,
    #[validate(items(max = 2), unique, each(chars(min = 1)))]
    labels: Option<Vec<String>>,
    #[validate(items, each(chars(max = 1)))]
    maybe: Vec<Option<String>>,
    #[validate(entries(max = 1, keys = Key), each(nested))]
    tags_by_name: BTreeMap<String, Tag>,
    #[validate]
    tags: Vec<Tag>,
    #[validate(depth = 2)]
    data: Option<Value>,
    #[validate(with = even)]
    count: u32,
    #[serde(flatten)]
    #[validate(nested)]
    extra: Extra,
    unchecked: Option<String>,
}

// `with` passes the field by reference, whatever its type.
#[allow(clippy::trivially_copy_pass_by_ref)]
fn even(value: &u32, at: &mut Checker) {
    if !value.is_multiple_of(2) {
        at.fail(format!("must be even, got {value}"));
    }
}

#[derive(Validate)]
struct States(#[validate(items(min = 1), each(nested))] OneOrMany<Tag>);

fn valid() -> Model {
    Model {
        device_name: "pump".into(),
        ..Model::default()
    }
}

fn breach(model: &Model) -> (String, String) {
    let error = model.validate().unwrap_err();
    (error.argument().to_owned(), error.reason().to_owned())
}

#[test]
fn a_valid_model_passes_and_unchecked_fields_are_left_alone() {
    let mut model = valid();
    model.unchecked = Some("x".repeat(10_000));
    model.parent_id = Some(None);
    model.maybe = vec![None, Some("a".into())];
    assert!(model.validate().is_ok());
}

#[test]
fn each_check_names_the_json_path_of_its_field() {
    type Change = Box<dyn Fn(&mut Model)>;
    let cases: Vec<(Change, &str, &str)> = vec![
        (
            Box::new(|m| m.device_name = String::new()),
            "deviceName",
            "must be 1 to 4 characters, got 0",
        ),
        (
            Box::new(|m| m.description = Some("abc".into())),
            "desc",
            "must be at most 2 characters, got 3",
        ),
        (
            Box::new(|m| m.parent_id = Some(Some("a".into()))),
            "parentId",
            "must be at least 2 characters, got 1",
        ),
        (
            Box::new(|m| m.ratio = Some(2.5)),
            "ratio",
            "must be at most 2, got 2.5",
        ),
        (
            Box::new(|m| m.ratio = Some(f64::NAN)),
            "ratio",
            "must be a finite number, got NaN",
        ),
        (
            Box::new(|m| m.kind = Some(Kind::Other("pump".into()))),
            "kind",
            "`pump` is not one of sensor",
        ),
        (
            Box::new(|m| m.labels = Some(vec!["a".into(), "b".into(), "c".into()])),
            "labels",
            "must have at most 2 items, got 3",
        ),
        (
            Box::new(|m| m.labels = Some(vec!["a".into(), "a".into()])),
            "labels[1]",
            "repeats an earlier item",
        ),
        (
            Box::new(|m| m.labels = Some(vec![String::new()])),
            "labels[0]",
            "must be at least 1 characters, got 0",
        ),
        (
            Box::new(|m| m.maybe = vec![None, Some("ab".into())]),
            "maybe[1]",
            "must be at most 1 characters, got 2",
        ),
        (
            Box::new(|m| {
                m.tags_by_name = BTreeMap::from([("a b".into(), Tag::default())]);
            }),
            "tagsByName",
            "key \"a b\" must match ^[0-9a-zA-Z_-]{1,255}$",
        ),
        (
            Box::new(|m| {
                m.tags_by_name = BTreeMap::from([("a".into(), Tag::default())]);
            }),
            "tagsByName[\"a\"].tagKey",
            "must match ^[0-9a-zA-Z_-]{1,255}$",
        ),
        (
            Box::new(|m| {
                m.tags = vec![
                    Tag {
                        tag_key: "ok".into(),
                    },
                    Tag::default(),
                ];
            }),
            "tags[1].tagKey",
            "must match ^[0-9a-zA-Z_-]{1,255}$",
        ),
        (
            Box::new(|m| m.data = Some(json!([[[1]]]))),
            "data",
            "nests arrays and objects more than 2 levels deep: the API would store it but its answers could not be decoded",
        ),
        (Box::new(|m| m.count = 3), "count", "must be even, got 3"),
        (
            Box::new(|m| m.extra.retry_count = Some(4)),
            "retryCount",
            "must be at most 3, got 4",
        ),
    ];
    for (change, path, reason) in cases {
        let mut model = valid();
        change(&mut model);
        assert_eq!(breach(&model), (path.to_owned(), reason.to_owned()));
    }
}

#[test]
fn the_first_breach_in_declaration_order_is_reported() {
    let mut model = valid();
    model.count = 1;
    model.device_name = String::new();
    assert_eq!(breach(&model).0, "deviceName");
}

#[test]
fn a_newtype_is_checked_as_the_value_it_wraps() {
    assert!(
        States(OneOrMany::One(Tag {
            tag_key: "a".into()
        }))
        .validate()
        .is_ok()
    );
    let error = States(OneOrMany::Many(vec![])).validate().unwrap_err();
    assert_eq!(
        (error.argument(), error.reason()),
        ("", "must have at least 1 items, got 0")
    );
    let error = States(OneOrMany::Many(vec![
        Tag {
            tag_key: "a".into(),
        },
        Tag::default(),
    ]))
    .validate()
    .unwrap_err();
    assert_eq!(error.argument(), "[1].tagKey");
}
