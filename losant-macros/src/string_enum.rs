//! `#[derive(StringEnum)]`: an enum of known string values plus `Other(String)`.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Expr, ExprLit, Fields, Lit, LitStr, Meta};

/// Expands the derive, or reports every misuse at its place.
pub(crate) fn derive(input: TokenStream) -> TokenStream {
    let input: DeriveInput = match syn::parse2(input) {
        Ok(input) => input,
        Err(error) => return error.to_compile_error(),
    };
    match expand(&input) {
        Ok(tokens) => tokens,
        Err(errors) => {
            let errors = errors.iter().map(syn::Error::to_compile_error);
            quote!(#(#errors)*)
        }
    }
}

fn expand(input: &DeriveInput) -> Result<TokenStream, Vec<syn::Error>> {
    let name = &input.ident;
    let Data::Enum(data) = &input.data else {
        return Err(vec![syn::Error::new(
            name.span(),
            "`StringEnum` derives on an enum of unit variants with `#[value = \"...\"]` and an `Other(String)` variant",
        )]);
    };
    let krate = crate_path(input)?;
    let known = known_variants(name, data)?;
    let idents: Vec<_> = known.iter().map(|(ident, _)| *ident).collect();
    let values: Vec<_> = known.iter().map(|(_, value)| value).collect();
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    Ok(quote! {
        #[automatically_derived]
        impl #impl_generics #name #ty_generics #where_clause {
            /// Every value this version knows, in declaration order.
            pub const VALUES: &'static [&'static str] = &[#(#values),*];

            /// Whether the value is one this version knows (an `Other` holding a
            /// known value counts as known).
            #[must_use]
            pub fn is_known(&self) -> bool {
                match self {
                    Self::Other(value) => Self::VALUES.contains(&value.as_str()),
                    _ => true,
                }
            }

            /// The value as sent on the wire.
            #[must_use]
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#idents => #values,)*
                    Self::Other(value) => value,
                }
            }
        }

        #[automatically_derived]
        impl #impl_generics #krate::validate::Listed for #name #ty_generics #where_clause {
            const VALUES: &'static [&'static str] = Self::VALUES;

            fn as_str(&self) -> &str {
                Self::as_str(self)
            }

            fn is_known(&self) -> bool {
                Self::is_known(self)
            }
        }

        #[automatically_derived]
        impl ::core::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#values => Self::#idents,)*
                    other => Self::Other(::std::borrow::ToOwned::to_owned(other)),
                }
            }
        }

        #[automatically_derived]
        impl ::core::str::FromStr for #name {
            type Err = ::core::convert::Infallible;

            fn from_str(value: &str) -> ::core::result::Result<Self, Self::Err> {
                ::core::result::Result::Ok(<Self as ::core::convert::From<&str>>::from(value))
            }
        }

        #[automatically_derived]
        impl ::core::fmt::Display for #name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        #[automatically_derived]
        impl #krate::__private::serde::Serialize for #name {
            fn serialize<S: #krate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        #[automatically_derived]
        impl<'de> #krate::__private::serde::Deserialize<'de> for #name {
            fn deserialize<D: #krate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                #krate::__private::deserialize_str_with(deserializer, |value: &str| {
                    <Self as ::core::convert::From<&str>>::from(value)
                })
            }
        }
    })
}

/// The unit variants with their values; every misuse is reported.
fn known_variants<'a>(
    name: &syn::Ident,
    data: &'a syn::DataEnum,
) -> Result<Vec<(&'a syn::Ident, LitStr)>, Vec<syn::Error>> {
    let mut errors = Vec::new();
    let mut known: Vec<(&syn::Ident, LitStr)> = Vec::new();
    let mut other = None;
    for variant in &data.variants {
        let ident = &variant.ident;
        match &variant.fields {
            Fields::Unit => match value_of(variant) {
                Ok(value) => {
                    if known.iter().any(|(_, seen)| seen.value() == value.value()) {
                        errors.push(syn::Error::new(
                            value.span(),
                            format!("the value `{}` is listed twice", value.value()),
                        ));
                    }
                    known.push((ident, value));
                }
                Err(error) => errors.push(error),
            },
            Fields::Unnamed(fields) if ident == "Other" && fields.unnamed.len() == 1 => {
                let ty = &fields.unnamed[0].ty;
                if !is_string(ty) {
                    errors.push(syn::Error::new_spanned(
                        ty,
                        "`Other` keeps a value this version does not know as text: write `Other(String)`",
                    ));
                }
                other = Some(ident);
            }
            fields => errors.push(syn::Error::new_spanned(
                quote!(#ident #fields),
                "a `StringEnum` variant is a unit variant with `#[value = \"...\"]`, or `Other(String)`",
            )),
        }
    }
    if other.is_none() {
        errors.push(syn::Error::new(
            name.span(),
            "add the variant `Other(String)`: it keeps the values this version does not know",
        ));
    }
    if errors.is_empty() {
        Ok(known)
    } else {
        Err(errors)
    }
}

/// Whether a type is written `String` (or `std::string::String`).
fn is_string(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(path) if path.qself.is_none()
        && path.path.segments.last().is_some_and(|s| s.ident == "String" && s.arguments.is_none()))
}

/// The variant's `#[value = "..."]`.
fn value_of(variant: &syn::Variant) -> Result<LitStr, syn::Error> {
    let mut found = None;
    for attr in &variant.attrs {
        if !attr.path().is_ident("value") {
            continue;
        }
        match &attr.meta {
            Meta::NameValue(nv) => match &nv.value {
                Expr::Lit(ExprLit {
                    lit: Lit::Str(lit), ..
                }) if found.is_none() => found = Some(lit.clone()),
                Expr::Lit(ExprLit {
                    lit: Lit::Str(_), ..
                }) => {
                    return Err(syn::Error::new(
                        attr.span(),
                        "a variant has one `#[value = \"...\"]`",
                    ));
                }
                other => {
                    return Err(syn::Error::new(
                        other.span(),
                        "expected a string: `#[value = \"on-wire value\"]`",
                    ));
                }
            },
            other => {
                return Err(syn::Error::new(
                    other.span(),
                    "expected `#[value = \"on-wire value\"]`",
                ));
            }
        }
    }
    found.ok_or_else(|| {
        syn::Error::new(
            variant.ident.span(),
            format!(
                "add `#[value = \"...\"]` to `{}`: the string sent on the wire",
                variant.ident
            ),
        )
    })
}

/// `#[string_enum(crate = path)]`, else `::losant_core`.
fn crate_path(input: &DeriveInput) -> Result<TokenStream, Vec<syn::Error>> {
    let mut path = None;
    for attr in input
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("string_enum"))
    {
        let parsed = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("crate") {
                let value: syn::Path = meta.value()?.parse()?;
                path = Some(quote!(#value));
                Ok(())
            } else {
                Err(meta.error("expected `crate = path::to::losant_core`"))
            }
        });
        if let Err(error) = parsed {
            return Err(vec![error]);
        }
    }
    Ok(path.unwrap_or_else(|| quote_spanned!(Span::call_site()=> ::losant_core)))
}
