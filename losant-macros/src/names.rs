//! How names are turned into other names: raw identifiers, query keys, constants.

use syn::Ident;
use syn::ext::IdentExt;

/// The identifier without a raw prefix: `r#type` → `type`. Every name the user wrote
/// is compared and printed through this.
pub(crate) fn unraw(ident: &Ident) -> String {
    ident.unraw().to_string()
}

/// `sort_field` → `sortField`: Losant's query parameters are lower camel case.
pub(crate) fn camel_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.trim_start_matches('_').chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// `get_event` → `GET_EVENT`, spanned on the method's name: the metadata constant.
pub(crate) fn const_ident(method: &Ident) -> Ident {
    Ident::new(&unraw(method).to_ascii_uppercase(), method.span())
}

/// `get_event` → `GetEvent`, spanned on the method's name: the call type.
pub(crate) fn call_ident(method: &Ident) -> Ident {
    let mut out = String::new();
    for word in unraw(method).split('_').filter(|w| !w.is_empty()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    Ident::new(&out, method.span())
}

/// `get_event` → `run_get_event`: the trait method a call runs through.
pub(crate) fn run_ident(method: &Ident) -> Ident {
    Ident::new(&format!("run_{}", unraw(method)), method.span())
}

/// `EventApi` → `as_event_api`: the method of the trait's upcasting supertrait.
pub(crate) fn as_dyn_method(trait_ident: &Ident) -> Ident {
    let mut out = String::from("as");
    for c in unraw(trait_ident).chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    Ident::new(&out, trait_ident.span())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn call_names() {
        let name: Ident = syn::parse_str("send_state_device").unwrap();
        assert_eq!(call_ident(&name).to_string(), "SendStateDevice");
        assert_eq!(run_ident(&name).to_string(), "run_send_state_device");
        let raw: Ident = syn::parse_str("r#move").unwrap();
        assert_eq!(call_ident(&raw).to_string(), "Move");
        let api: Ident = syn::parse_str("DevicesApi").unwrap();
        assert_eq!(as_dyn_method(&api).to_string(), "as_devices_api");
    }

    #[test]
    fn query_names_are_lower_camel_case() {
        assert_eq!(camel_case("per_page"), "perPage");
        assert_eq!(camel_case("sort_field"), "sortField");
        assert_eq!(camel_case("filter"), "filter");
        assert_eq!(camel_case("_private_name"), "privateName");
    }

    #[test]
    fn raw_identifiers_lose_their_prefix() {
        let raw: Ident = syn::parse_str("r#type").unwrap();
        assert_eq!(unraw(&raw), "type");
        assert_eq!(const_ident(&raw).to_string(), "TYPE");
    }
}
