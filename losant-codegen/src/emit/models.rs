//! The model files: structs, enums, their `Validate` and `Page` impls, grouped by
//! the family that owns them, each file compiled when a family using it is.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{Uses, doc, ident, rust_type, sentence};
use crate::api::Api;
use crate::names::{camel, field_ident, pascal, split_words, variant_ident};
use crate::queries::{QueryDef, QueryKind};
use crate::types::{EnumId, Field, Limits, Origin, QueryId, Shape, StructId, Ty, Types, UnionId};

/// Which file each model goes in, and which features compile each file.
#[derive(Debug)]
pub struct Layout {
    /// Each file's models.
    pub files: BTreeMap<String, Group>,
    /// The file of each struct.
    pub struct_file: BTreeMap<StructId, String>,
    /// The file of each enum.
    pub enum_file: BTreeMap<EnumId, String>,
    /// Structs that can derive `Default`.
    pub defaults: BTreeSet<StructId>,
    /// Structs with limits to check (their own or their fields').
    pub checked: BTreeSet<StructId>,
    /// The families (modules) whose features compile each struct.
    pub struct_users: BTreeMap<StructId, BTreeSet<String>>,
    /// The same for enums.
    pub enum_users: BTreeMap<EnumId, BTreeSet<String>>,
    /// The same for advanced queries.
    pub query_users: BTreeMap<QueryId, BTreeSet<String>>,
    /// The same for tagged unions.
    pub union_users: BTreeMap<UnionId, BTreeSet<String>>,
}

/// The models of one file.
#[derive(Debug, Default)]
pub struct Group {
    /// Its structs, by name.
    pub structs: Vec<StructId>,
    /// Its enums, by name.
    pub enums: Vec<EnumId>,
    /// Its advanced queries, by name.
    pub queries: Vec<QueryId>,
    /// Its tagged unions, by name.
    pub unions: Vec<UnionId>,
    /// Other names of its structs' schemas: alias, struct.
    pub aliases: Vec<(String, StructId)>,
    /// The families (modules) whose features compile it.
    pub users: BTreeSet<String>,
}

impl Layout {
    /// Places every model.
    #[must_use]
    pub fn new(api: &Api) -> Layout {
        let types = &api.types;
        let modules: BTreeMap<&str, &str> = api
            .families
            .iter()
            .map(|f| (f.official.as_str(), f.module.as_str()))
            .collect();
        let module_of = |official: &String| {
            modules
                .get(official.as_str())
                .map_or_else(|| crate::names::snake(official), |m| (*m).to_owned())
        };
        let mut files: BTreeMap<String, Group> = BTreeMap::new();
        let mut struct_file = BTreeMap::new();
        let mut struct_users = BTreeMap::new();
        for (&id, users) in &api.users {
            let file = api.owners[&id]
                .clone()
                .unwrap_or_else(|| super::SHARED_MODELS.to_owned());
            let group = files.entry(file.clone()).or_default();
            group.structs.push(id);
            let users: BTreeSet<String> = users.iter().map(module_of).collect();
            group.users.extend(users.iter().cloned());
            struct_users.insert(id, users);
            struct_file.insert(id, file);
        }
        let mut enum_file = BTreeMap::new();
        let mut enum_users = BTreeMap::new();
        for (&id, users) in &api.enum_users {
            let name = &types.enums[id].name;
            let by_name = users
                .iter()
                .filter(|user| name.starts_with(&pascal(user)))
                .max_by_key(|user| user.len())
                .map(module_of);
            let file = by_name
                .or_else(|| {
                    (users.len() == 1)
                        .then(|| users.iter().next().map(module_of))
                        .flatten()
                })
                .unwrap_or_else(|| super::SHARED_MODELS.to_owned());
            let group = files.entry(file.clone()).or_default();
            group.enums.push(id);
            let users: BTreeSet<String> = users.iter().map(module_of).collect();
            group.users.extend(users.iter().cloned());
            enum_users.insert(id, users);
            enum_file.insert(id, file);
        }
        let query_users = place_named(
            &api.query_users,
            |id| &types.queries[id].name,
            &module_of,
            &mut files,
            |group, id| group.queries.push(id),
        );
        let union_users = place_named(
            &api.union_users,
            |id| &types.unions[id].name,
            &module_of,
            &mut files,
            |group, id| group.unions.push(id),
        );
        let names: BTreeSet<&str> = types
            .structs
            .iter()
            .map(|s| s.name.as_str())
            .chain(types.enums.iter().map(|e| e.name.as_str()))
            .collect();
        for group in files.values_mut() {
            group.sort(types);
            for &id in &group.structs {
                for root in &types.structs[id].roots {
                    let alias = pascal(root);
                    if !names.contains(alias.as_str()) {
                        group.aliases.push((alias, id));
                    }
                }
            }
        }
        Layout {
            files,
            struct_file,
            enum_file,
            defaults: defaults(types),
            checked: checked(types),
            struct_users,
            enum_users,
            query_users,
            union_users,
        }
    }

    /// Whether some models of `group` are compiled for fewer families than the file.
    fn partial(&self, group: &Group) -> bool {
        group
            .structs
            .iter()
            .any(|id| self.struct_users[id] != group.users)
            || group
                .enums
                .iter()
                .any(|id| self.enum_users[id] != group.users)
            || group
                .queries
                .iter()
                .any(|id| self.query_users[id] != group.users)
            || group
                .unions
                .iter()
                .any(|id| self.union_users[id] != group.users)
    }
}

impl Group {
    /// Orders each kind of model by name.
    fn sort(&mut self, types: &Types) {
        self.structs
            .sort_by(|a, b| types.structs[*a].name.cmp(&types.structs[*b].name));
        self.enums
            .sort_by(|a, b| types.enums[*a].name.cmp(&types.enums[*b].name));
        self.queries
            .sort_by(|a, b| types.queries[*a].name.cmp(&types.queries[*b].name));
        self.unions
            .sort_by(|a, b| types.unions[*a].name.cmp(&types.unions[*b].name));
    }
}

/// Puts each query or union in the file of the family it is named after
/// (`DeviceQuery` in `device`), else of the only family using it, else the shared
/// file; returns the families using each.
fn place_named<'a>(
    users_of: &BTreeMap<usize, BTreeSet<String>>,
    name_of: impl Fn(usize) -> &'a String,
    module_of: &dyn Fn(&String) -> String,
    files: &mut BTreeMap<String, Group>,
    add: impl Fn(&mut Group, usize),
) -> BTreeMap<usize, BTreeSet<String>> {
    let mut placed = BTreeMap::new();
    for (&id, users) in users_of {
        let users: BTreeSet<String> = users.iter().map(module_of).collect();
        let name = name_of(id);
        let file = users
            .iter()
            .filter(|user| name.starts_with(&pascal(user)))
            .max_by_key(|user| user.len())
            .cloned()
            .or_else(|| {
                (users.len() == 1)
                    .then(|| users.iter().next().cloned())
                    .flatten()
            })
            .unwrap_or_else(|| super::SHARED_MODELS.to_owned());
        let group = files.entry(file).or_default();
        add(group, id);
        group.users.extend(users.iter().cloned());
        placed.insert(id, users);
    }
    placed
}

/// Structs whose every field is optional or has a default value.
fn defaults(types: &Types) -> BTreeSet<StructId> {
    let mut set = BTreeSet::new();
    loop {
        let before = set.len();
        for (id, def) in types.structs.iter().enumerate() {
            if !set.contains(&id)
                && def
                    .fields
                    .iter()
                    .all(|f| !f.required || has_default(&f.shape, &set))
            {
                set.insert(id);
            }
        }
        if set.len() == before {
            return set;
        }
    }
}

fn has_default(shape: &Shape, defaults: &BTreeSet<StructId>) -> bool {
    shape.nullable
        || match &shape.ty {
            Ty::Bool
            | Ty::Int
            | Ty::Number
            | Ty::String
            | Ty::Secret
            | Ty::Value(_)
            | Ty::Query(_)
            | Ty::OrFalse(_)
            | Ty::List(_)
            | Ty::Map(_) => true,
            Ty::Struct(id) => defaults.contains(id),
            Ty::Timestamp
            | Ty::Time
            | Ty::Id(_)
            | Ty::Enum(_)
            | Ty::OneOrMany(_)
            | Ty::Union(_)
            | Ty::Aggregation => false,
        }
}

/// Request structs with something to check, themselves or in their fields.
fn checked(types: &Types) -> BTreeSet<StructId> {
    let mut set = BTreeSet::new();
    loop {
        let before = set.len();
        for (id, def) in types.structs.iter().enumerate() {
            if def.request
                && !set.contains(&id)
                && def.fields.iter().any(|f| needs_check(&f.shape, &set))
            {
                set.insert(id);
            }
        }
        if set.len() == before {
            return set;
        }
    }
}

/// Whether a value of `shape` has limits to check.
#[must_use]
pub fn needs_check(shape: &Shape, checked: &BTreeSet<StructId>) -> bool {
    let Limits {
        chars,
        pattern,
        items,
        unique,
        entries,
        key_pattern,
        range,
    } = &shape.limits;
    if chars.is_some()
        || pattern.is_some()
        || items.is_some()
        || *unique
        || entries.is_some()
        || key_pattern.is_some()
        || range.is_some()
    {
        return true;
    }
    match &shape.ty {
        Ty::Struct(id) => checked.contains(id),
        Ty::Enum(_) | Ty::Query(_) | Ty::Union(_) | Ty::Aggregation => true,
        Ty::List(item) | Ty::Map(item) | Ty::OneOrMany(item) => needs_check(item, checked),
        _ => false,
    }
}

/// `models/mod.rs`: each file, compiled for the families that use it.
#[must_use]
pub fn module(api: &Api, layout: &Layout) -> TokenStream {
    let all: BTreeSet<&str> = api.families.iter().map(|f| f.module.as_str()).collect();
    let items = layout.files.iter().map(|(file, group)| {
        let name = ident(file);
        let cfg = cfg_any(&group.users, &all);
        // A file every family uses, each of its models for some: without features it
        // holds nothing to re-export.
        let allow = (cfg.is_empty() && layout.partial(group))
            .then(|| quote!(#[allow(unused_imports, unreachable_pub)]));
        quote! {
            #cfg
            mod #name;
            #cfg
            #allow
            pub use #name::*;
        }
    });
    let header = doc(
        "The models of every schema the bound actions use, generated from the API's JSON \
         Schemas.\n\nEach is compiled when a family using it is enabled; the family modules \
         re-export the ones they own (`losant::device::Device` is `losant::models::Device`).",
    );
    let header = inner_doc(&header);
    quote! {
        #header
        #(#items)*
    }
}

/// `#![doc = ...]` from `#[doc = ...]` attributes.
#[must_use]
pub fn inner_doc(outer: &TokenStream) -> TokenStream {
    let text = outer.to_string();
    text.replace("# [doc", "# ! [doc")
        .parse()
        .unwrap_or_default()
}

/// `#[cfg(any(feature = "a", ...))]`, nothing when every family is listed.
#[must_use]
pub fn cfg_any(users: &BTreeSet<String>, all: &BTreeSet<&str>) -> TokenStream {
    if users.len() == all.len() {
        return quote!();
    }
    if let [user] = &users.iter().collect::<Vec<_>>()[..] {
        return quote!(#[cfg(feature = #user)]);
    }
    let features = users.iter().map(|user| quote!(feature = #user));
    quote!(#[cfg(any(#(#features),*))])
}

/// One model file.
#[must_use]
pub fn file(api: &Api, layout: &Layout, file_name: &str, group: &Group) -> TokenStream {
    let types = &api.types;
    let mut uses = Uses::default();
    let mut needs = Needs::default();
    let all: BTreeSet<&str> = api.families.iter().map(|f| f.module.as_str()).collect();
    // A model is compiled for the families using it, which may be fewer than the
    // file's: its items then carry their own `cfg`.
    let only_for = |users: &BTreeSet<String>| (users != &group.users).then(|| cfg_any(users, &all));
    let mut items = Vec::new();
    for &id in &group.enums {
        let cfg = only_for(&layout.enum_users[&id]);
        items.push(with_cfg(enum_item(types, id), cfg));
        needs.add(Needs::STRING_ENUM);
    }
    for &id in &group.queries {
        let cfg = only_for(&layout.query_users[&id]);
        let query = &types.queries[id];
        items.push(with_cfg(query_items(query), cfg));
        needs.add(Needs::QUERY);
        if query.columns {
            needs.add(Needs::TABLE_COLUMN);
        } else {
            needs.add(Needs::STRING_ENUM);
            needs.add(Needs::QUERY_FIELD);
        }
        if query.tags.is_some() {
            needs.add(Needs::TAGGED_FIELD);
        }
    }
    for &id in &group.unions {
        let cfg = only_for(&layout.union_users[&id]);
        items.push(with_cfg(union_item(types, layout, id), cfg));
        needs.add(Needs::VALIDATE);
    }
    for &id in &group.structs {
        let cfg = only_for(&layout.struct_users[&id]);
        let item = struct_item(api, layout, id, &mut uses, &mut needs);
        items.push(with_cfg(item, cfg.clone()));
        for (alias, target) in group.aliases.iter().filter(|(_, target)| *target == id) {
            let alias_ident = ident(alias);
            let target_ident = ident(&types.structs[*target].name);
            let root = types.structs[id]
                .roots
                .iter()
                .find(|r| pascal(r) == *alias)
                .cloned()
                .unwrap_or_default();
            let text = doc(&format!(
                "The `{root}` schema, the same document as [`{}`].",
                types.structs[*target].name
            ));
            items.push(with_cfg(
                quote! {
                    #text
                    pub type #alias_ident = #target_ident;
                },
                cfg.clone(),
            ));
        }
    }
    let own: BTreeSet<String> = group
        .structs
        .iter()
        .map(|&id| types.structs[id].name.clone())
        .chain(group.enums.iter().map(|&id| types.enums[id].name.clone()))
        .chain(group.unions.iter().map(|&id| types.unions[id].name.clone()))
        .chain(group.queries.iter().flat_map(|&id| {
            [
                Some(types.queries[id].name.clone()),
                types.queries[id].field_enum(),
            ]
            .into_iter()
            .flatten()
        }))
        .collect();
    let imports = uses.items(super::ModelsPath::Siblings, &own, false);
    let serde = quote!(
        use serde::{Deserialize, Serialize};
    );
    let core_imports = needs.0.iter().map(|import| {
        let path: TokenStream = import.parse().unwrap_or_default();
        quote!(use losant_core::#path;)
    });
    let title = if file_name == super::SHARED_MODELS {
        "Models used by several families.".to_owned()
    } else {
        format!("Models of the `{file_name}` family.")
    };
    let title = inner_doc(&doc(&title));
    // With some of its models left out by the features chosen, some imports go unused.
    let allow = layout
        .partial(group)
        .then(|| quote!(#![allow(unused_imports)]));
    quote! {
        #title
        #allow
        #imports
        #(#core_imports)*
        #serde
        #(#items)*
    }
}

/// `items` (a struct or enum with its impls), each under `cfg` when there is one.
fn with_cfg(items: TokenStream, cfg: Option<TokenStream>) -> TokenStream {
    let Some(cfg) = cfg else {
        return items;
    };
    let file: syn::File = match syn::parse2(items.clone()) {
        Ok(file) => file,
        // Tokens this module wrote itself: they parse, and `format` reports them if not.
        Err(_) => return items,
    };
    let attr: syn::Attribute = syn::parse_quote!(#cfg);
    let items = file.items.into_iter().map(|mut item| {
        if let Some(attrs) = item_attrs(&mut item) {
            // After the item's docs, before its derives, as written by hand.
            let at = attrs
                .iter()
                .position(|a| !a.path().is_ident("doc"))
                .unwrap_or(attrs.len());
            attrs.insert(at, attr.clone());
        }
        item
    });
    quote!(#(#items)*)
}

fn item_attrs(item: &mut syn::Item) -> Option<&mut Vec<syn::Attribute>> {
    match item {
        syn::Item::Struct(item) => Some(&mut item.attrs),
        syn::Item::Enum(item) => Some(&mut item.attrs),
        syn::Item::Impl(item) => Some(&mut item.attrs),
        syn::Item::Type(item) => Some(&mut item.attrs),
        _ => None,
    }
}

/// The `losant_core` imports a model file needs beyond its types.
#[derive(Default)]
struct Needs(BTreeSet<&'static str>);

impl Needs {
    const VALIDATE: &'static str = "Validate";
    const PAGE: &'static str = "Page";
    const STRING_ENUM: &'static str = "StringEnum";
    const QUERY: &'static str = "Query";
    const QUERY_FIELD: &'static str = "QueryField";
    const TAGGED_FIELD: &'static str = "TaggedField";
    const TABLE_COLUMN: &'static str = "TableColumn";

    fn add(&mut self, import: &'static str) {
        self.0.insert(import);
    }
}

fn enum_item(types: &Types, id: EnumId) -> TokenStream {
    let def = &types.enums[id];
    let name = ident(&def.name);
    let mut seen = BTreeSet::new();
    let variants = def.values.iter().map(|value| {
        let mut variant = variant_ident(value);
        // Values differing only in case (`asc`, `ASC`): the upper-case one is `AscUpper`.
        if seen.contains(&variant)
            && value.chars().any(|c| c.is_ascii_alphabetic())
            && !value.chars().any(|c| c.is_ascii_lowercase())
        {
            variant.push_str("Upper");
        }
        let base = variant.clone();
        let mut n = 2;
        while !seen.insert(variant.clone()) {
            variant = format!("{base}{n}");
            n += 1;
        }
        let variant = ident(&variant);
        let text = doc(&format!("`{value}`"));
        quote! {
            #text
            #[value = #value]
            #variant,
        }
    });
    let text = doc(&origin_doc(types, &def.origin, None));
    quote! {
        #text
        #[derive(Debug, Clone, PartialEq, Eq, Hash, StringEnum)]
        pub enum #name {
            #(#variants)*
            /// A value this version does not know, kept as sent.
            Other(String),
        }
    }
}

/// A tagged union: an internally tagged enum of its alternatives' structs, a last
/// variant for kinds this version does not know, and its `Validate` impl.
fn union_item(types: &Types, layout: &Layout, id: UnionId) -> TokenStream {
    let def = &types.unions[id];
    let name = ident(&def.name);
    let tag = &def.tag;
    let mut seen = BTreeSet::new();
    let mut arms: Vec<(String, Vec<TokenStream>)> = Vec::new();
    let mut unchecked = Vec::new();
    let variants: Vec<TokenStream> = def
        .variants
        .iter()
        .map(|(value, shape)| {
            let mut variant = variant_ident(value);
            while !seen.insert(variant.clone()) {
                variant.push('_');
            }
            let variant = ident(&variant);
            let mut uses = Uses::default();
            let ty = rust_type(shape, types, &mut uses);
            let text = doc(&format!("`{tag}`: `{value}`."));
            if needs_check(shape, &layout.checked) {
                // Kinds of one struct share an arm.
                let key = ty.to_string();
                match arms.iter_mut().find(|(other, _)| *other == key) {
                    Some((_, patterns)) => patterns.push(quote!(Self::#variant(value))),
                    None => arms.push((key, vec![quote!(Self::#variant(value))])),
                }
            } else {
                unchecked.push(quote!(Self::#variant(_)));
            }
            quote! {
                #text
                #[serde(rename = #value)]
                #variant(#ty),
            }
        })
        .collect();
    let mut text = origin_doc(types, &def.origin, None);
    let _ = write!(
        text,
        "\n\nOne of {} kinds, told apart by `{tag}`.",
        def.variants.len()
    );
    let text = doc(&text);
    let arms = arms
        .iter()
        .map(|(_, patterns)| quote!(#(#patterns)|* => value.check(at),));
    quote! {
        #text
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(tag = #tag)]
        pub enum #name {
            #(#variants)*
            /// A kind this version does not know, kept as JSON (the tag with it).
            #[serde(untagged)]
            Other(serde_json::Value),
        }

        impl Validate for #name {
            fn check(&self, at: &mut losant_core::validate::Checker) {
                match self {
                    #(#arms)*
                    #(#unchecked |)* Self::Other(_) => {}
                }
            }
        }
    }
}

/// An advanced query: the enum of its fields, their kinds, and the `Query` alias.
fn query_items(def: &QueryDef) -> TokenStream {
    let query = ident(&def.name);
    let schema = &def.schema;
    let Some(field_enum_name) = def.field_enum() else {
        let text = doc(&format!(
            "An advanced data table query (schema `{schema}`): conditions on the table's \
             columns (named by [`TableColumn`]) combined with `$and`, `$or` and `$nor`, \
             checked before anything is sent: see [`Query`]."
        ));
        return quote! {
            #text
            pub type #query = Query<TableColumn>;
        };
    };
    let field_enum = ident(&field_enum_name);
    let variants = def.fields.iter().map(|(field, kind)| {
        let variant = ident(&variant_ident(field));
        let what = match kind {
            QueryKind::Value => "a value".to_owned(),
            QueryKind::Id => "an ID".to_owned(),
            QueryKind::Object(keys) => {
                let keys: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
                format!("an object of {}", keys.join(", "))
            }
        };
        let text = doc(&format!("`{field}`: {what}."));
        quote! {
            #text
            #[value = #field]
            #variant,
        }
    });
    let tags = def
        .tags
        .as_ref()
        .map(|tags| quote!(const TAGS: Option<&'static str> = Some(#tags);));
    let of_kind = |wanted: fn(&QueryKind) -> bool| {
        def.fields
            .iter()
            .filter(|(_, kind)| wanted(kind))
            .collect::<Vec<_>>()
    };
    let ids = of_kind(|kind| *kind == QueryKind::Id);
    let ids = (!ids.is_empty()).then(|| {
        let names = ids.iter().map(|(field, _)| field);
        quote!(const IDS: &'static [&'static str] = &[#(#names),*];)
    });
    let objects = of_kind(|kind| matches!(kind, QueryKind::Object(_)));
    let objects = (!objects.is_empty()).then(|| {
        let entries = objects.iter().map(|(field, kind)| {
            let keys = match kind {
                QueryKind::Object(keys) => keys.as_slice(),
                _ => &[],
            };
            quote!((#field, &[#(#keys),*]))
        });
        quote!(const OBJECTS: &'static [(&'static str, &'static [&'static str])] = &[#(#entries),*];)
    });
    let tagged = def
        .tags
        .is_some()
        .then(|| quote!(impl TaggedField for #field_enum {}));
    let enum_doc = doc(&format!(
        "A field of [`{}`] (schema `{schema}`), for [`Query::field`].",
        def.name
    ));
    let words: Vec<String> = split_words(&def.name)
        .iter()
        .map(|word| word.to_lowercase())
        .collect();
    let mut about = format!("An advanced {} (schema `{schema}`).", words.join(" "));
    let _ = write!(
        about,
        "\n\nConditions on [`{field_enum_name}`] fields combined with `$and`, `$or` and \
         `$nor`, checked against the schema before anything is sent: see [`Query`]."
    );
    if let Some(tags) = &def.tags {
        let _ = write!(
            about,
            " Tag conditions (`{tags}`) come from [`Query::tag`] and [`Query::tag_key`]."
        );
    }
    let query_doc = doc(&about);
    quote! {
        #enum_doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash, StringEnum)]
        pub enum #field_enum {
            #(#variants)*
            /// A field this version does not know, kept as written (a query holding it
            /// is refused before sending).
            Other(String),
        }

        impl QueryField for #field_enum {
            const SCHEMA: &'static str = #schema;
            #tags
            #ids
            #objects
        }

        #tagged

        #query_doc
        pub type #query = Query<#field_enum>;
    }
}

/// Where a type comes from, as its doc's first paragraph.
fn origin_doc(types: &Types, origin: &Origin, description: Option<&str>) -> String {
    let mut text = match origin {
        Origin::Root(name) => format!("The `{name}` schema."),
        Origin::Field {
            parent,
            field,
            item,
        } => {
            let parent = &types.structs[*parent].name;
            if *item {
                format!("An element of `{field}` in [`{parent}`](crate::models::{parent}).")
            } else {
                format!("The `{field}` of [`{parent}`](crate::models::{parent}).")
            }
        }
        Origin::Param(action) => format!("A value of a query parameter of `{action}`."),
    };
    if let Some(description) = description.filter(|d| !d.trim().is_empty()) {
        text.push_str("\n\n");
        text.push_str(&sentence(description));
    }
    text
}

/// The Rust identifiers of a struct's fields, unique within it.
#[must_use]
pub fn field_idents(fields: &[Field]) -> Vec<String> {
    let mut seen = BTreeSet::new();
    fields
        .iter()
        .map(|field| {
            let mut name = field_ident(&field.json);
            while !seen.insert(name.clone()) {
                name.push('_');
            }
            name
        })
        .collect()
}

/// How a struct field holds its value.
enum Hold {
    /// `T`
    Plain,
    /// `Option<T>`: optional, or nullable.
    Option,
    /// `Option<Option<T>>`: optional and nullable, in a request (null clears).
    DoubleOption,
}

fn hold(field: &Field, request: bool) -> Hold {
    let nullable = field.shape.nullable && !matches!(field.shape.ty, Ty::Value(_));
    match (field.required, nullable) {
        (true, _) => Hold::Plain,
        (false, true) if request => Hold::DoubleOption,
        (false, _) => Hold::Option,
    }
}

fn struct_item(
    api: &Api,
    layout: &Layout,
    id: StructId,
    uses: &mut Uses,
    needs: &mut Needs,
) -> TokenStream {
    let types = &api.types;
    let def = &types.structs[id];
    if def.newtype {
        return newtype_item(api, layout, id, uses, needs);
    }
    let name = ident(&def.name);
    let idents = field_idents(&def.fields);
    let fields = field_items(api, layout, id, &idents, uses);
    let default = layout.defaults.contains(&id).then(|| quote!(Default,));
    let non_exhaustive = (!def.request).then(|| quote!(#[non_exhaustive]));
    let double = def
        .fields
        .iter()
        .any(|f| matches!(hold(f, def.request), Hold::DoubleOption));
    let allow = double.then(|| quote!(#[allow(clippy::option_option)]));
    let mut description = origin_doc(types, &def.origin, def.description.as_deref());
    if def.roots.len() > 1 {
        let names: Vec<String> = def.roots.iter().map(|r| format!("`{r}`")).collect();
        let _ = write!(
            description,
            "\n\nThe schemas {} are this same document.",
            names.join(", ")
        );
    }
    if def.request {
        description.push_str("\n\nSent in a request: ");
        description.push_str(if layout.checked.contains(&id) {
            "the schema's limits are checked before sending (see [`Validate`](trait@Validate))."
        } else {
            "the schema sets no limits on it."
        });
    }
    let text = doc(&description);
    let constructor = def
        .request
        .then(|| constructor(api, id, &idents, uses))
        .flatten();
    let validate = layout.checked.contains(&id).then(|| {
        needs.add(Needs::VALIDATE);
        quote!(Validate,)
    });
    let page = api.pages.get(&id).map(|info| {
        needs.add(Needs::PAGE);
        page_impl(types, &name, info, uses)
    });
    quote! {
        #text
        #[derive(Debug, Clone, PartialEq, #default Serialize, Deserialize, #validate)]
        #[serde(rename_all = "camelCase")]
        #non_exhaustive
        #allow
        pub struct #name {
            #(#fields)*
        }
        #constructor
        #page
    }
}

/// The reader of a list Losant may also answer keyed by name (`tagsAsObject`,
/// `attributesAsObject`): `tags` of `{key, value}` items and `attributes` of named
/// items.
fn keyed_form(field: &crate::types::Field, types: &crate::types::Types) -> Option<&'static str> {
    let Ty::List(item) = &field.shape.ty else {
        return None;
    };
    let Ty::Struct(id) = item.ty else {
        return None;
    };
    if field.shape.nullable {
        return None;
    }
    let has = |name: &str| types.structs[id].fields.iter().any(|f| f.json == name);
    match field.json.as_str() {
        "tags" if has("key") && has("value") => Some("losant_core::__private::keyed_tags"),
        "attributes" if has("name") => Some("losant_core::__private::keyed_named"),
        _ => None,
    }
}

/// The fields of a struct, with their serde attributes and docs.
fn field_items(
    api: &Api,
    layout: &Layout,
    id: StructId,
    idents: &[String],
    uses: &mut Uses,
) -> Vec<TokenStream> {
    let types = &api.types;
    let def = &types.structs[id];
    let mut fields = Vec::new();
    for (field, field_name) in def.fields.iter().zip(idents) {
        let ty = rust_type(&field.shape, types, uses);
        let field_ident = ident(field_name);
        let rename = (camel(field_name) != field.json).then(|| {
            let json = &field.json;
            quote!(rename = #json,)
        });
        let (ty, attrs) = match hold(field, def.request) {
            Hold::Plain => (ty, rename.map(|r| quote!(#[serde(#r)]))),
            Hold::Option => {
                let ty = if field.shape.nullable && !matches!(field.shape.ty, Ty::Value(_)) {
                    ty
                } else {
                    quote!(Option<#ty>)
                };
                let attr = match keyed_form(field, types) {
                    Some(with) => {
                        quote!(#[serde(#rename default, skip_serializing_if = "Option::is_none", deserialize_with = #with)])
                    }
                    None => {
                        quote!(#[serde(#rename default, skip_serializing_if = "Option::is_none")])
                    }
                };
                (ty, Some(attr))
            }
            Hold::DoubleOption => (
                quote!(Option<#ty>),
                Some(
                    quote!(#[serde(#rename default, skip_serializing_if = "Option::is_none", deserialize_with = "losant_core::__private::double_option")]),
                ),
            ),
        };
        let text = doc(&field_doc(field, def.request));
        let validate = layout
            .checked
            .contains(&id)
            .then(|| validate_attr(&field.shape, layout))
            .flatten();
        fields.push(quote! {
            #text
            #attrs
            #validate
            pub #field_ident: #ty,
        });
    }
    if def.open {
        uses.map = true;
        uses.value = true;
        let mut other = "other".to_owned();
        while idents.contains(&other) {
            other.push('_');
        }
        let other = ident(&other);
        fields.push(quote! {
            /// The members the schema leaves open, as sent.
            #[serde(flatten)]
            pub #other: BTreeMap<String, Value>,
        });
    }
    fields
}

/// `impl Page` for a page of a paged collection.
fn page_impl(
    types: &Types,
    name: &proc_macro2::Ident,
    info: &crate::api::PageInfo,
    uses: &mut Uses,
) -> TokenStream {
    let item = rust_type(&info.item, types, uses);
    let items = if info.items_required {
        quote!(self.items)
    } else {
        quote!(self.items.unwrap_or_default())
    };
    let total = match info.total {
        Some(true) => quote!(u64::try_from(self.total_count).ok()),
        Some(false) => quote!(self.total_count.and_then(|n| u64::try_from(n).ok())),
        None => quote!(None),
    };
    quote! {
        impl Page for #name {
            type Item = #item;

            fn into_items(self) -> Vec<#item> {
                #items
            }

            fn total_count(&self) -> Option<u64> {
                #total
            }
        }
    }
}

/// A named body that is a list or a map: a transparent wrapper that can carry the
/// schema's checks.
fn newtype_item(
    api: &Api,
    layout: &Layout,
    id: StructId,
    uses: &mut Uses,
    needs: &mut Needs,
) -> TokenStream {
    let types = &api.types;
    let def = &types.structs[id];
    let name = ident(&def.name);
    let inner = rust_type(&def.fields[0].shape, types, uses);
    let mut description = origin_doc(types, &def.origin, None);
    description.push_str(
        " Sent as the value it wraps; the schema's limits are checked before sending (see [`Validate`](trait@Validate)).",
    );
    for words in limit_words(&def.fields[0].shape) {
        let _ = write!(description, " It has {words}.");
    }
    let text = doc(&description);
    let default = layout.defaults.contains(&id).then(|| quote!(Default,));
    // One value or a list, each given as it is: `state.into()`, `vec![a, b].into()`.
    let one_or_many = match &def.fields[0].shape.ty {
        Ty::OneOrMany(item) if !def.fields[0].shape.nullable => {
            let item = rust_type(item, types, uses);
            Some(quote! {
                impl From<#item> for #name {
                    fn from(value: #item) -> Self {
                        Self(OneOrMany::One(value))
                    }
                }

                impl From<Vec<#item>> for #name {
                    fn from(values: Vec<#item>) -> Self {
                        Self(OneOrMany::Many(values))
                    }
                }
            })
        }
        _ => None,
    };
    let checked = layout.checked.contains(&id);
    if checked {
        needs.add(Needs::VALIDATE);
    }
    let derive = checked.then(|| quote!(Validate,));
    let validate = checked
        .then(|| validate_attr(&def.fields[0].shape, layout))
        .flatten();
    quote! {
        #text
        #[derive(Debug, Clone, PartialEq, #default Serialize, Deserialize, #derive)]
        #[serde(transparent)]
        pub struct #name(#validate pub #inner);

        impl From<#inner> for #name {
            fn from(value: #inner) -> Self {
                Self(value)
            }
        }

        #one_or_many
    }
}

/// Optional fields a constructor still takes, for the request models users build
/// most: the struct's name and the JSON names of the fields, after the required ones.
const CONSTRUCTOR_EXTRAS: &[(&str, &[&str])] = &[("DeviceCredentials", &["key", "secret"])];

/// `new(required fields)` for a request struct that cannot derive `Default` or has
/// required fields (and the fields [`CONSTRUCTOR_EXTRAS`] adds). Text takes
/// `impl Into<String>`, a secret `impl Into<Secret>`; a map of JSON values takes any
/// pairs (`[("temp", 21.5)]`).
fn constructor(api: &Api, id: StructId, idents: &[String], uses: &mut Uses) -> Option<TokenStream> {
    let types = &api.types;
    let def = &types.structs[id];
    if !def.fields.iter().any(|f| f.required) {
        return None;
    }
    let extras = CONSTRUCTOR_EXTRAS
        .iter()
        .find(|(name, _)| *name == def.name)
        .map_or(&[][..], |(_, fields)| *fields);
    let mut generics = Vec::new();
    let mut params = Vec::new();
    let mut inits = Vec::new();
    for (field, name) in def.fields.iter().zip(idents) {
        let field_ident = ident(name);
        let extra = extras.contains(&field.json.as_str());
        if !field.required && !extra {
            inits.push(quote!(#field_ident: None));
            continue;
        }
        let wrap = |value: TokenStream| if extra { quote!(Some(#value)) } else { value };
        match &field.shape.ty {
            Ty::Secret if !field.shape.nullable => {
                uses.core.insert("Secret");
                params.push(quote!(#field_ident: impl Into<Secret>));
                let value = wrap(quote!(#field_ident.into()));
                inits.push(quote!(#field_ident: #value));
            }
            Ty::String if !field.shape.nullable => {
                params.push(quote!(#field_ident: impl Into<String>));
                let value = wrap(quote!(#field_ident.into()));
                inits.push(quote!(#field_ident: #value));
            }
            Ty::Map(value) if matches!(value.ty, Ty::Value(_)) && !field.shape.nullable => {
                uses.value = true;
                generics.push(quote!(K: Into<String>, V: Into<Value>));
                params.push(quote!(#field_ident: impl IntoIterator<Item = (K, V)>));
                let value = wrap(
                    quote!(#field_ident.into_iter().map(|(k, v)| (k.into(), v.into())).collect()),
                );
                inits.push(quote!(#field_ident: #value));
            }
            _ => {
                let ty = rust_type(&field.shape, types, uses);
                params.push(quote!(#field_ident: #ty));
                inits.push(if extra {
                    quote!(#field_ident: Some(#field_ident))
                } else {
                    quote!(#field_ident)
                });
            }
        }
    }
    if def.open {
        let mut other = "other".to_owned();
        while idents.contains(&other) {
            other.push('_');
        }
        let other = ident(&other);
        inits.push(quote!(#other: BTreeMap::new()));
    }
    let many = (params.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let text = if extras.is_empty() {
        doc("With the fields the schema requires; the others are left out.")
    } else {
        doc(
            "With the fields the schema requires and those a caller sets most; the others are left out.",
        )
    };
    let name = ident(&def.name);
    let generics = (!generics.is_empty()).then(|| quote!(<#(#generics),*>));
    Some(quote! {
        impl #name {
            #text
            #many
            #[must_use]
            pub fn new #generics (#(#params),*) -> Self {
                Self { #(#inits),* }
            }
        }
    })
}

/// The `#[validate(...)]` attribute of a field of `shape`, or `None` when there is
/// nothing to check.
fn validate_attr(shape: &Shape, layout: &Layout) -> Option<TokenStream> {
    let checks = checks(shape, layout);
    (!checks.is_empty()).then(|| quote!(#[validate(#(#checks),*)]))
}

/// The checks of a value of `shape` (when present), in `#[validate(...)]` words.
fn checks(shape: &Shape, layout: &Layout) -> Vec<TokenStream> {
    if !needs_check(shape, &layout.checked) {
        return Vec::new();
    }
    let limits = &shape.limits;
    let mut words = Vec::new();
    match &shape.ty {
        Ty::String | Ty::Secret => {
            if let Some((min, max)) = limits.chars {
                words.push(bounds("chars", min, max));
            }
            if let Some(pattern) = limits.pattern {
                let pattern = format_ident!("{}", pattern);
                words.push(quote!(pattern = #pattern));
            }
        }
        Ty::Int | Ty::Number => {
            if let Some((min, max)) = limits.range {
                let float = matches!(shape.ty, Ty::Number);
                let mut args = Vec::new();
                for (key, bound) in [("min", min), ("max", max)] {
                    if let Some(bound) = bound {
                        let key = format_ident!("{key}");
                        let value = range_literal(bound, float);
                        args.push(quote!(#key = #value));
                    }
                }
                words.push(quote!(range(#(#args),*)));
            }
        }
        Ty::Enum(_) => words.push(quote!(listed)),
        Ty::Struct(_) | Ty::Query(_) | Ty::Union(_) | Ty::Aggregation => {
            words.push(quote!(nested));
        }
        Ty::List(item) | Ty::OneOrMany(item) => {
            if limits.unique {
                words.push(quote!(unique));
            }
            let each = checks(item, layout);
            if limits.items.is_some() || !each.is_empty() {
                let (min, max) = limits.items.unwrap_or((0, None));
                words.push(bounds("items", min, max));
            }
            if !each.is_empty() {
                words.push(quote!(each(#(#each),*)));
            }
        }
        Ty::Map(value) => {
            let (min, max) = limits.entries.unwrap_or((0, None));
            let mut entries = bounds_args(min, max);
            if let Some(pattern) = limits.key_pattern {
                let pattern = format_ident!("{}", pattern);
                entries.push(quote!(keys = #pattern));
            }
            words.push(if entries.is_empty() {
                quote!(entries)
            } else {
                quote!(entries(#(#entries),*))
            });
            let each = checks(value, layout);
            if !each.is_empty() {
                words.push(quote!(each(#(#each),*)));
            }
        }
        Ty::Bool | Ty::Timestamp | Ty::Time | Ty::Id(_) | Ty::Value(_) | Ty::OrFalse(_) => {}
    }
    words
}

/// `key(min = .., max = ..)`, leaving out a minimum of 0 and an absent maximum.
fn bounds(key: &str, min: usize, max: Option<usize>) -> TokenStream {
    let key = format_ident!("{key}");
    let args = bounds_args(min, max);
    if args.is_empty() {
        quote!(#key)
    } else {
        quote!(#key(#(#args),*))
    }
}

fn bounds_args(min: usize, max: Option<usize>) -> Vec<TokenStream> {
    let mut args = Vec::new();
    if min > 0 {
        let min = number(&min.to_string());
        args.push(quote!(min = #min));
    }
    if let Some(max) = max {
        let max = number(&max.to_string());
        args.push(quote!(max = #max));
    }
    args
}

/// A bound of a `range`, written in the field's type: `5` for an integer, `5.0` or
/// `0.5` for a number.
fn range_literal(bound: f64, float: bool) -> TokenStream {
    if !float {
        // Integer bounds of an integer field: the cast is exact.
        #[allow(clippy::cast_possible_truncation)]
        return number(&(bound as i64).to_string());
    }
    if bound.fract() == 0.0 {
        let whole = number(&format!("{bound:.0}"));
        format!("{whole}.0").parse().unwrap_or_default()
    } else {
        bound.to_string().parse().unwrap_or_default()
    }
}

/// An unsuffixed integer literal, its digits grouped by three from five digits on
/// (`131_072`), as written by hand.
fn number(digits: &str) -> TokenStream {
    let (sign, digits) = match digits.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", digits),
    };
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if digits.len() > 4 && i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push('_');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}").parse().unwrap_or_default()
}

/// A field's doc: its description, or its JSON name and limits.
fn field_doc(field: &Field, request: bool) -> String {
    let mut text = match &field.description {
        Some(description) => format!("`{}`: {}", field.json, sentence(description)),
        None => format!("`{}`", field.json),
    };
    let mut notes = limit_words(&field.shape);
    if let Ty::Value(why) = field.shape.ty {
        notes.push(format!("any JSON: {}", why.describe()));
    }
    match (&field.shape.ty, field.json.as_str()) {
        (Ty::Time, _) => notes.push(
            "a [`Time`](losant_core::Time): a `Timestamp`, a `SystemTime` or epoch milliseconds"
                .to_owned(),
        ),
        (Ty::Int | Ty::Number, "duration" | "resolution") => {
            notes.push("in milliseconds".to_owned());
        }
        _ => {}
    }
    if request && !field.required && field.shape.nullable && !matches!(field.shape.ty, Ty::Value(_))
    {
        notes.push("`Some(None)` sends `null`".to_owned());
    }
    if !notes.is_empty() {
        if field.description.is_some() {
            text.push_str(" (");
            text.push_str(&notes.join(", "));
            text.push(')');
        } else {
            text.push_str(": ");
            text.push_str(&notes.join(", "));
        }
    }
    if !text.ends_with('.') {
        text.push('.');
    }
    text
}

/// The limits in words: `1 to 255 characters`, `at most 100 items`.
fn limit_words(shape: &Shape) -> Vec<String> {
    let limits = &shape.limits;
    let mut words = Vec::new();
    let span = |(min, max): (usize, Option<usize>), unit: &str| match (min, max) {
        (0, Some(max)) => format!("at most {max} {unit}"),
        (min, None) => format!("at least {min} {unit}"),
        (min, Some(max)) if min == max => format!("exactly {min} {unit}"),
        (min, Some(max)) => format!("{min} to {max} {unit}"),
    };
    if let Some(chars) = limits.chars {
        words.push(span(chars, "characters"));
    }
    if let Some(pattern) = limits.pattern {
        words.push(format!(
            "matching [`Pattern::{pattern}`](losant_core::validate::Pattern::{pattern})"
        ));
    }
    if let Some(items) = limits.items {
        words.push(span(items, "items"));
    }
    if limits.unique {
        words.push("no item repeated".to_owned());
    }
    if let Some(entries) = limits.entries {
        words.push(span(entries, "entries"));
    }
    if let Some(pattern) = limits.key_pattern {
        words.push(format!(
            "keys matching [`Pattern::{pattern}`](losant_core::validate::Pattern::{pattern})"
        ));
    }
    if let Some(range) = limits.range {
        words.push(match range {
            (Some(min), Some(max)) => format!("from {min} to {max}"),
            (Some(min), None) => format!("at least {min}"),
            (None, Some(max)) => format!("at most {max}"),
            (None, None) => String::new(),
        });
    }
    words.retain(|w| !w.is_empty());
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_by_three_from_five_digits() {
        assert_eq!(number("7").to_string(), "7");
        assert_eq!(number("3600").to_string(), "3600");
        assert_eq!(number("32767").to_string(), "32_767");
        assert_eq!(number("131072").to_string(), "131_072");
        assert_eq!(number("-1000000").to_string(), "- 1_000_000");
    }
}
