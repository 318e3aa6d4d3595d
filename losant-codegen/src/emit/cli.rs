//! The command line's half of the generated code (`losant-cli/src/generated.rs`): a
//! table of every generated action as a command (its resource and action in kebab
//! case, its help, its flags) and, for each, the function that reads the flags into the
//! binding's typed arguments, makes the call and prints the answer.
//!
//! The runtime these functions call (`crate::cx`) is written by hand in `losant-cli`:
//! reading a flag of each kind, the body, a file; printing an answer, a queued job,
//! every page, a stream.

use std::fmt::Write as _;

use heck::ToKebabCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{Uses, ident, rust_type, sentence};
use crate::Error;
use crate::api::{ActionApi, Api, Arg, ArgKind, Family, ResourceApi, Returns};
use crate::types::{Shape, Ty, Types};

/// Where the generated file goes.
pub const CLI_FILE: &str = "losant-cli/src/generated.rs";

/// Flags every command may take, which no action's own flag may be named.
pub const GLOBAL_FLAGS: &[&str] = &[
    "profile",
    "token-file",
    "url",
    "timeout",
    "verbose",
    "compact",
    "pretty",
    "help",
    "all",
    "body",
];

/// How a flag's text becomes the argument (the runtime's `FlagKind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Id,
    Text,
    Int,
    Bool,
    Json,
    /// `key=value` pairs (or JSON): a list of `{key, value}` objects.
    Pairs,
    File,
    Page,
}

impl Kind {
    fn variant(self) -> TokenStream {
        let name = format_ident!("{}", format!("{self:?}"));
        quote!(FlagKind::#name)
    }

    /// The runtime's reader of this kind: `(required, optional)` method names.
    fn readers(self) -> (&'static str, &'static str) {
        match self {
            Kind::Id => ("id", "opt_id"),
            Kind::Text => ("text", "opt_text"),
            Kind::Int => ("int", "opt_int"),
            Kind::Bool => ("flag", "opt_flag"),
            Kind::Json => ("json", "opt_json"),
            Kind::Pairs => ("pairs", "opt_pairs"),
            Kind::File => ("file", "opt_file"),
            Kind::Page => ("opt_page", "opt_page"),
        }
    }
}

/// A list of `{key, value}` objects (a tag filter): given as `key=value` flags.
fn is_pairs(shape: &Shape, types: &Types) -> bool {
    let Ty::List(item) = &shape.ty else {
        return false;
    };
    let Ty::Struct(id) = item.ty else {
        return false;
    };
    let mut names: Vec<&str> = types.structs[id]
        .fields
        .iter()
        .map(|f| f.json.as_str())
        .collect();
    names.sort_unstable();
    names == ["key", "value"]
}

/// The flag kind of a value of `shape`: numbers and dates (which no action's flag
/// takes today) are JSON.
fn kind_of(shape: &Shape, types: &Types) -> Kind {
    if shape.nullable {
        return Kind::Json;
    }
    match &shape.ty {
        Ty::Id(_) => Kind::Id,
        Ty::String | Ty::Enum(_) => Kind::Text,
        Ty::Int => Kind::Int,
        Ty::Bool => Kind::Bool,
        _ if is_pairs(shape, types) => Kind::Pairs,
        _ => Kind::Json,
    }
}

/// Whether the binding takes a value of `shape` by value (the rest by reference).
fn by_value(shape: &Shape) -> bool {
    matches!(
        shape.ty,
        Ty::Bool | Ty::Int | Ty::Number | Ty::Enum(_) | Ty::Id(_) | Ty::Timestamp | Ty::Time
    ) && !shape.nullable
}

/// One flag of a command, and how its function reads it and hands it to the call.
struct FlagCode {
    /// The table entry.
    spec: TokenStream,
    /// `let` statement reading it.
    read: TokenStream,
    /// The argument of the entry method, for a required one.
    positional: Option<TokenStream>,
    /// `if let Some(..) = .. { call = call.setter(..) }`, for an optional one.
    setter: Option<TokenStream>,
}

/// The help text of an argument.
fn help(arg: &Arg, extra: &str) -> String {
    let mut text = arg
        .description
        .as_deref()
        .map_or_else(String::new, sentence);
    if let Some(default) = &arg.default {
        let default = match default {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let _ = write!(text, " The API's default: `{default}`.");
    }
    text.push_str(extra);
    text.trim().to_owned()
}

/// What a flag is: its kind, the shape of its value (none for a path, a page or a
/// file), whether the call needs it, what its help adds, and its listed values.
struct FlagOf<'a> {
    kind: Kind,
    shape: Option<&'a Shape>,
    required: bool,
    extra: &'static str,
    values: Vec<String>,
}

fn flag_of<'a>(arg: &'a Arg, types: &Types) -> Option<FlagOf<'a>> {
    let of_shape = |shape: &'a Shape, required: bool| {
        let kind = kind_of(shape, types);
        FlagOf {
            kind,
            shape: Some(shape),
            required,
            extra: match kind {
                Kind::Json => " (JSON)",
                Kind::Pairs => " (`key=value`, repeated; or JSON)",
                _ => "",
            },
            values: enum_values(shape, types),
        }
    };
    let plain = |kind: Kind, required: bool, extra: &'static str| FlagOf {
        kind,
        shape: None,
        required,
        extra,
        values: Vec::new(),
    };
    Some(match &arg.kind {
        ArgKind::Path(kind) => plain(if kind.is_some() { Kind::Id } else { Kind::Text }, true, ""),
        ArgKind::Page => plain(Kind::Page, false, " From 0; `--all` walks every page."),
        ArgKind::Query {
            shape, required, ..
        }
        | ArgKind::Part {
            shape: Some(shape),
            required,
            ..
        } => of_shape(shape, *required),
        ArgKind::Part {
            shape: None,
            required,
            ..
        } => plain(Kind::File, *required, " (the path of a file, streamed)"),
        ArgKind::Body { .. } => return None,
    })
}

fn flag_code(arg: &Arg, types: &Types, uses: &mut Uses) -> Option<FlagCode> {
    let var = ident(&format!("{}_arg", arg.ident.trim_start_matches("r#")));
    let setter = ident(&arg.ident);
    let name = arg.wire.to_kebab_case();
    let FlagOf {
        kind,
        shape,
        required,
        extra,
        values,
    } = flag_of(arg, types)?;
    let help = help(arg, extra);
    let kind_variant = kind.variant();
    let spec = quote! {
        Flag { name: #name, help: #help, kind: #kind_variant, required: #required, values: &[#(#values),*] }
    };
    let (required_reader, optional_reader) = kind.readers();
    // The owned type the flag is read into.
    let owned: TokenStream = match (&arg.kind, shape) {
        (ArgKind::Path(Some(id)), _) => {
            uses.core.insert(id);
            let id = ident(id);
            quote!(#id)
        }
        (ArgKind::Path(None), _) => quote!(String),
        (ArgKind::Page, _) => quote!(u32),
        (ArgKind::Part { shape: None, .. }, _) => {
            uses.core.insert("FilePart");
            quote!(FilePart)
        }
        (_, Some(shape)) => rust_type(shape, types, uses),
        (_, None) => return None,
    };
    let enum_conversion = shape.is_some_and(|s| matches!(s.ty, Ty::Enum(_)) && !s.nullable);
    // Files are read through the context (a progress bar on a terminal); every other
    // flag from the matches.
    let from = |reader: &str| {
        let reader = ident(reader);
        if kind == Kind::File {
            quote!(cx.#reader(m, #name)?)
        } else {
            quote!(m.#reader(#name)?)
        }
    };
    let read = match (required, enum_conversion) {
        (true, false) => {
            let value = from(required_reader);
            quote!(let #var: #owned = #value;)
        }
        (false, false) => {
            let value = from(optional_reader);
            quote!(let #var: Option<#owned> = #value;)
        }
        // A listed value: the text, checked by the parser against the list.
        (true, true) => quote!(let #var: #owned = #owned::from(m.text(#name)?.as_str());),
        (false, true) => {
            quote!(let #var: Option<#owned> = m.opt_text(#name)?.map(|text| #owned::from(text.as_str()));)
        }
    };
    let taken_by_value = match (&arg.kind, shape) {
        (ArgKind::Path(_), _) => false,
        (ArgKind::Page | ArgKind::Part { shape: None, .. }, _) => true,
        (_, Some(shape)) => by_value(shape),
        (_, None) => false,
    };
    if required {
        let positional = if taken_by_value {
            quote!(#var)
        } else {
            quote!(&#var)
        };
        return Some(FlagCode {
            spec,
            read,
            positional: Some(positional),
            setter: None,
        });
    }
    let setter = if taken_by_value {
        quote! {
            if let Some(value) = #var {
                call = call.#setter(value);
            }
        }
    } else {
        quote! {
            if let Some(value) = &#var {
                call = call.#setter(value);
            }
        }
    };
    Some(FlagCode {
        spec,
        read,
        positional: None,
        setter: Some(setter),
    })
}

/// The listed values of an enum shape (for the parser to check and complete).
fn enum_values(shape: &Shape, types: &Types) -> Vec<String> {
    match &shape.ty {
        Ty::Enum(id) => types.enums[*id].values.clone(),
        _ => Vec::new(),
    }
}

/// The command of one action: its table entry and its function.
fn command(
    api: &Api,
    family: &Family,
    resource: &ResourceApi,
    action: &ActionApi,
    uses: &mut Uses,
) -> Result<(String, TokenStream, TokenStream), Error> {
    let types = &api.types;
    let (resource_name, action_name) = action
        .official
        .split_once('.')
        .ok_or_else(|| Error::spec(format!("{}: not resource.action", action.official)))?;
    let resource_kebab = resource_name.to_kebab_case();
    let action_kebab = action_name.to_kebab_case();
    let fn_name = format_ident!("{}", action.method_name);
    let mut flags = Vec::new();
    let mut reads = Vec::new();
    let mut positional = Vec::new();
    let mut setters = Vec::new();
    let mut body = quote!(None);
    for arg in &action.args {
        if let ArgKind::Body { shape, required } = &arg.kind {
            let var = ident(&format!("{}_arg", arg.ident.trim_start_matches("r#")));
            let owned = rust_type(shape, types, uses);
            let help = help(arg, "");
            body = quote!(Some(BodySpec { required: #required, help: #help }));
            if *required {
                reads.push(quote!(let #var: #owned = m.body()?;));
                positional.push(quote!(&#var));
            } else {
                reads.push(quote!(let #var: Option<#owned> = m.opt_body()?;));
                let setter = ident(&arg.ident);
                setters.push(quote! {
                    if let Some(value) = &#var {
                        call = call.#setter(value);
                    }
                });
            }
            continue;
        }
        let Some(code) = flag_code(arg, types, uses) else {
            continue;
        };
        if GLOBAL_FLAGS.contains(&arg.wire.to_kebab_case().as_str()) {
            return Err(Error::spec(format!(
                "{}: the flag `--{}` would shadow a global flag of the command line",
                action.official,
                arg.wire.to_kebab_case()
            )));
        }
        flags.push(code.spec);
        reads.push(code.read);
        positional.extend(code.positional);
        setters.extend(code.setter);
    }
    let method = ident(&action.method_name);
    let mutable = if setters.is_empty() && !action.paginate {
        quote!()
    } else {
        quote!(mut)
    };
    let finish = answer(api, family, action, uses);
    let summary = sentence(&action.summary);
    let official = &action.official;
    let http = format!("{} {}", action.method, action.official_path);
    let paged = action.paginate;
    let stream = matches!(action.returns, Returns::Stream { .. });
    let _ = resource;
    let entry = quote! {
        Action {
            resource: #resource_kebab,
            name: #action_kebab,
            official: #official,
            http: #http,
            about: #summary,
            flags: &[#(#flags),*],
            body: #body,
            paged: #paged,
            stream: #stream,
            run: #fn_name,
        }
    };
    let doc = super::doc(&format!("`{official}`: {summary}"));
    // A command without flags, body or pages does not read its matches.
    let matches = if reads.is_empty() && !action.paginate {
        quote!(_)
    } else {
        quote!(m)
    };
    let function = quote! {
        #doc
        fn #fn_name<'a>(cx: &'a Cx, #matches: &'a ArgMatches) -> Run<'a> {
            Box::pin(async move {
                #(#reads)*
                let #mutable call = cx.api().#method(#(#positional),*);
                #(#setters)*
                #finish
            })
        }
    };
    Ok((format!("{resource_kebab} {action_kebab}"), entry, function))
}

/// What a command does with the call: print its answer as the action's answer is.
fn answer(api: &Api, family: &Family, action: &ActionApi, uses: &mut Uses) -> TokenStream {
    let _ = uses;
    let mut finish = match &action.returns {
        Returns::Unit => quote! {
            call.await?;
            Ok(())
        },
        Returns::Body(_) => quote!(cx.print(&call.await?)),
        Returns::Job => quote!(cx.job(&call.await?)),
        Returns::MaybeJob(_) => quote! {
            match call.await? {
                MaybeJob::Done(done) => cx.print(&done),
                MaybeJob::Queued(job) => cx.job(&job),
            }
        },
        Returns::Stream { .. } => quote!(cx.follow(call.await?).await),
        Returns::Enum { name, variants } => {
            let module = ident(&family.module);
            let name = ident(name);
            let arms = variants.iter().map(|(status, shape)| {
                let variant = ident(match status {
                    200 => "Ok",
                    201 => "Created",
                    202 => "Accepted",
                    204 => "NoContent",
                    _ => "Other",
                });
                match (status, shape) {
                    (_, Some(_)) => {
                        quote!(losant::#module::#name::#variant(answer) => cx.print(&answer),)
                    }
                    (202, None) => quote!(losant::#module::#name::#variant(job) => cx.job(&job),),
                    (_, None) => quote!(losant::#module::#name::#variant => Ok(()),),
                }
            });
            quote! {
                match call.await? {
                    #(#arms)*
                }
            }
        }
    };
    if action.paginate {
        finish = quote! {
            if m.all() {
                cx.print_all(call.stream()).await
            } else {
                #finish
            }
        };
    }
    let _ = api;
    finish
}

/// The whole generated file of the command line.
pub fn file(api: &Api) -> Result<TokenStream, Error> {
    let mut uses = Uses::default();
    let mut commands = Vec::new();
    for family in &api.families {
        for resource in &family.resources {
            for action in &resource.actions {
                commands.push(command(api, family, resource, action, &mut uses)?);
            }
        }
    }
    commands.sort_by(|a, b| a.0.cmp(&b.0));
    let count = commands.len();
    let entries = commands.iter().map(|(_, entry, _)| entry);
    let functions = commands.iter().map(|(_, _, function)| function);
    let core: Vec<_> = uses.core.iter().map(|name| ident(name)).collect();
    // A query's field enum goes with it in the bindings' imports; flags take queries
    // as JSON, so the command line does not name the fields.
    let field_enums: Vec<String> = api
        .types
        .queries
        .iter()
        .filter_map(crate::queries::QueryDef::field_enum)
        .collect();
    let models: Vec<_> = uses
        .models
        .iter()
        .filter(|name| !field_enums.contains(name))
        .map(|name| ident(name))
        .collect();
    let value = uses.value.then(|| {
        quote!(
            use serde_json::Value;
        )
    });
    let map = uses.map.then(|| {
        quote!(
            use std::collections::BTreeMap;
        )
    });
    let doc = super::doc(&format!(
        "The commands of the {count} generated actions of the Losant API (the event and \
         events commands are written by hand in `events.rs`), sorted by resource and action."
    ));
    Ok(quote! {
        //! The commands of every generated action: the table the command tree is built
        //! from, and one function per command that reads its flags into the binding's
        //! typed arguments, makes the call and prints the answer.

        use clap::ArgMatches;
        use losant::prelude::*;
        use losant::models::{#(#models),*};
        use losant::{MaybeJob, #(#core),*};
        #value
        #map

        use crate::cx::{Action, BodySpec, Cx, Flag, FlagKind, Flags as _, Run};

        #doc
        pub(crate) static ACTIONS: &[Action] = &[#(#entries),*];

        #(#functions)*
    })
}
