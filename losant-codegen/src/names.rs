//! The naming rules: official names to Rust names.
//!
//! - A method is `<action>_<resource>` in snake case: `device.get` is `get_device`,
//!   `devices.get` is `get_devices`, `device.sendState` is `send_state_device`,
//!   `data.timeSeriesQuery` is `time_series_query_data`. Resource names are unique
//!   and no action name ends the way another resource's name begins, so the names
//!   are unique across the API (the generator checks it).
//! - A resource's trait is `<Resource>Api` (`DeviceApi`, `DevicesApi`).
//! - A family is a resource and its collection (`device` with `devices`), named
//!   after the single resource in snake case: its module and its cargo feature.
//! - A schema's model is the schema's name in upper camel case (`devicePatch` is
//!   `DevicePatch`); a nested object is named after its parent and its field
//!   (`Device` + `attributes` is `DeviceAttribute`).

use heck::{ToSnakeCase, ToUpperCamelCase};

/// `deviceId` → `device_id`.
#[must_use]
pub fn snake(name: &str) -> String {
    name.to_snake_case()
}

/// `deviceId` → `DeviceId`.
#[must_use]
pub fn pascal(name: &str) -> String {
    name.to_upper_camel_case()
}

/// serde's `camelCase` of a snake case Rust identifier, the name serde and the macro
/// give it on the wire: `tag_filter` → `tagFilter`, `r#type` → `type`.
#[must_use]
pub fn camel(snake_ident: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake_ident.trim_start_matches("r#").chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// `device_id` → `DEVICE_ID`.
#[must_use]
pub fn shouty(snake_name: &str) -> String {
    snake_name.to_ascii_uppercase()
}

/// The Rust method of `resource.action`: `<action>_<resource>` in snake case.
#[must_use]
pub fn method_name(resource: &str, action: &str) -> String {
    format!("{}_{}", snake(action), snake(resource))
}

/// The trait of a resource: `<Resource>Api`.
#[must_use]
pub fn trait_name(resource: &str) -> String {
    format!("{}Api", pascal(resource))
}

/// The singular of an English plural as the API's names use them (`devices`,
/// `authorities`, `sandboxes`), or `None` when `word` does not read as one.
pub fn singular(word: &str) -> Option<String> {
    if let Some(stem) = word.strip_suffix("ies") {
        return Some(format!("{stem}y"));
    }
    for ending in ["sses", "xes", "ches", "shes"] {
        if let Some(stem) = word.strip_suffix(ending) {
            return Some(format!("{stem}{}", &ending[..ending.len() - 2]));
        }
    }
    if word.ends_with("ss") || word.ends_with("us") || word.ends_with("is") {
        return None;
    }
    word.strip_suffix('s').map(str::to_owned)
}

/// The name of one item of a list field (`tags` → `Tag`), in upper camel case.
#[must_use]
pub fn item_name(field: &str) -> String {
    let pascal_field = pascal(field);
    let words = split_words(&pascal_field);
    let Some((last, rest)) = words.split_last() else {
        return "Item".to_owned();
    };
    let last = singular(last).unwrap_or_else(|| (*last).to_owned());
    let mut name: String = rest.concat();
    name.push_str(&last);
    name
}

/// Words of an upper camel case name: `DeviceAttributeTags` → `Device`, `Attribute`,
/// `Tags`.
#[must_use]
pub fn split_words(name: &str) -> Vec<&str> {
    let mut words = Vec::new();
    let mut start = 0;
    let bytes = name.as_bytes();
    for i in 1..bytes.len() {
        let boundary = bytes[i].is_ascii_uppercase()
            && (bytes[i - 1].is_ascii_lowercase() || bytes[i - 1].is_ascii_digit());
        if boundary {
            words.push(&name[start..i]);
            start = i;
        }
    }
    if start < name.len() {
        words.push(&name[start..]);
    }
    words
}

/// `parent` followed by `child` without repeating the words they share at the
/// seam: `DeviceAttribute` + `AttributeTags` is `DeviceAttributeTags`, `Device` +
/// `DeviceClass` is `DeviceClass`.
#[must_use]
pub fn join_names(parent: &str, child: &str) -> String {
    let parent_words = split_words(parent);
    let child_words = split_words(child);
    let longest = parent_words.len().min(child_words.len());
    let overlap = (1..=longest)
        .rev()
        .find(|&n| parent_words[parent_words.len() - n..] == child_words[..n])
        .unwrap_or(0);
    if overlap == child_words.len() {
        // The child adds nothing after the seam (`FlowErrorsError` + `Error`): keep
        // every word, so that the name differs from the parent's.
        return format!("{parent}{child}");
    }
    if overlap == parent_words.len() {
        // The child repeats the whole parent (`Device` + `DeviceClass`): the parent's
        // words are in it already.
        return child_words.concat();
    }
    let mut name = parent_words.concat();
    name.push_str(&child_words[overlap..].concat());
    name
}

const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// A snake case Rust identifier for a JSON name: characters that cannot be in one
/// become `_`, a leading digit gets a `n` before it, keywords are written raw
/// (`r#type`) and `self`, `crate`, `super` get a trailing `_`.
#[must_use]
pub fn field_ident(json_name: &str) -> String {
    let cleaned: String = json_name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let mut name = snake(&cleaned);
    if name.is_empty() {
        "value".clone_into(&mut name);
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'n');
    }
    if matches!(name.as_str(), "self" | "crate" | "super") {
        name.push('_');
    } else if KEYWORDS.contains(&name.as_str()) {
        name.insert_str(0, "r#");
    }
    name
}

/// An upper camel case Rust identifier for an enum value (`STD_DEV` → `StdDev`,
/// `svg+xml` → `SvgXml`, `""` → `Empty`, `1h` → `V1h`).
#[must_use]
pub fn variant_ident(value: &str) -> String {
    let cleaned: String = value
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    let mut name = pascal(&cleaned);
    if name.is_empty() {
        if value.is_empty() { "Empty" } else { "Symbol" }.clone_into(&mut name);
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    if name == "Self" || name == "Other" {
        name.push_str("Value");
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_case_is_serdes() {
        assert_eq!(camel("device_id"), "deviceId");
        assert_eq!(camel("tag_filter"), "tagFilter");
        assert_eq!(camel("r#type"), "type");
        assert_eq!(camel("n1h"), "n1h");
    }

    #[test]
    fn methods_put_the_action_before_the_resource() {
        assert_eq!(method_name("device", "get"), "get_device");
        assert_eq!(method_name("devices", "get"), "get_devices");
        assert_eq!(method_name("device", "sendState"), "send_state_device");
        assert_eq!(
            method_name("data", "timeSeriesQuery"),
            "time_series_query_data"
        );
        assert_eq!(
            method_name("applicationApiTokens", "post"),
            "post_application_api_tokens"
        );
        assert_eq!(trait_name("applicationApiToken"), "ApplicationApiTokenApi");
    }

    #[test]
    fn plurals_become_singular() {
        assert_eq!(singular("devices").as_deref(), Some("device"));
        assert_eq!(
            singular("applicationCertificateAuthorities").as_deref(),
            Some("applicationCertificateAuthority")
        );
        assert_eq!(
            singular("instanceSandboxes").as_deref(),
            Some("instanceSandbox")
        );
        assert_eq!(singular("status"), None);
        assert_eq!(singular("class"), None);
        assert_eq!(singular("data"), None);
        assert_eq!(item_name("tags"), "Tag");
        assert_eq!(item_name("childAttributes"), "ChildAttribute");
        assert_eq!(item_name("data"), "Data");
        assert_eq!(item_name("entries"), "Entry");
    }

    #[test]
    fn nested_names_do_not_repeat_words() {
        assert_eq!(join_names("Device", "Attribute"), "DeviceAttribute");
        assert_eq!(join_names("Device", "DeviceClass"), "DeviceClass");
        assert_eq!(
            join_names("DeviceAttribute", "AttributeTags"),
            "DeviceAttributeTags"
        );
        assert_eq!(
            join_names("DeviceAttribute", "System"),
            "DeviceAttributeSystem"
        );
        assert_eq!(split_words("ApiToken2Fa"), ["Api", "Token2", "Fa"]);
    }

    #[test]
    fn identifiers_are_valid_rust() {
        assert_eq!(field_ident("deviceId"), "device_id");
        assert_eq!(field_ident("type"), "r#type");
        assert_eq!(field_ident("$and"), "and");
        assert_eq!(field_ident("self"), "self_");
        assert_eq!(field_ident("1h"), "n1h");
        assert_eq!(field_ident("Content-Type"), "content_type");
        assert_eq!(variant_ident("STD_DEV"), "StdDev");
        assert_eq!(variant_ident("svg+xml"), "SvgXml");
        assert_eq!(variant_ident(""), "Empty");
        assert_eq!(variant_ident("1h"), "V1h");
        assert_eq!(variant_ident("edgeCompute"), "EdgeCompute");
        assert_eq!(variant_ident("other"), "OtherValue");
    }
}
