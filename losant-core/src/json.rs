//! The JSON the client reads and writes, held to what the API means by it.
//!
//! [`from_slice`] decodes as `serde_json` does, but a struct only from a JSON
//! object: serde's derive also accepts an array of the fields in order, so `[]`
//! would be a model with every field `None`, and `[{"data":{}}]` a device state whose
//! `data` is the first element. [`to_vec`] and [`to_value`] encode as `serde_json`
//! does, but refuse a number that is not finite (NaN, ±infinity), which `serde_json`
//! writes as `null`, naming the field where it was found, and write a whole number
//! held as a float as JavaScript writes it (`600000`, where `serde_json` writes
//! `600000.0`).
//!
//! The client decodes every answer and encodes every body and query argument with
//! them.
//!
//! ```
//! #[derive(Debug, serde::Deserialize, serde::Serialize)]
//! struct Reading {
//!     temp: Option<f64>,
//! }
//!
//! let reading: Reading = losant_core::json::from_slice(br#"{"temp": 21.5}"#)?;
//! assert!(losant_core::json::from_slice::<Reading>(b"[21.5]").is_err());
//!
//! let nan = Reading { temp: Some(f64::NAN) };
//! let error = losant_core::json::to_vec(&nan).unwrap_err();
//! assert_eq!(error.argument(), "temp");
//! assert_eq!(error.reason(), "must be a finite number, got NaN");
//! # Ok::<(), serde_json::Error>(())
//! ```

use std::cell::RefCell;

/// `value` as an integer when it is a whole number, which JavaScript's
/// `JSON.stringify` writes without a fraction (`600000`, not `600000.0`), and within
/// the range of `i64` (JavaScript writes larger ones in full up to 10²¹; these are
/// left to `serde_json`, which writes `1e20`). `-0` is written `0`, as JavaScript
/// writes it.
// A whole number of magnitude below 2^63 converts to i64 exactly.
#[allow(clippy::cast_possible_truncation)]
fn integral(value: f64) -> Option<i64> {
    (value.fract() == 0.0 && value.abs() < 9_223_372_036_854_775_808.0).then_some(value as i64)
}
use std::fmt;

use serde::de::{self, DeserializeOwned, DeserializeSeed, Visitor};
use serde::ser::{self, Serialize};

use crate::error::InvalidArgument;
use crate::validate::{Step, path_of};

/// Decodes `bytes` as JSON, taking structs from JSON objects only.
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> serde_json::Result<T> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = T::deserialize(ObjectsOnly(&mut deserializer))?;
    deserializer.end()?;
    Ok(value)
}

/// Encodes `value` as JSON, refusing a number that is not finite. The error names
/// the field (`data.readings[2]`) and says what was found.
pub fn to_vec<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, InvalidArgument> {
    let mut out = Vec::with_capacity(128);
    let found = Found::default();
    let written = value.serialize(Finite {
        inner: &mut serde_json::Serializer::new(&mut out),
        found: &found,
    });
    match written {
        Ok(()) => Ok(out),
        Err(error) => Err(found.into_error(&error)),
    }
}

/// Turns `value` into a [`serde_json::Value`], refusing a number that is not
/// finite, as [`to_vec`] does.
pub fn to_value<T: Serialize + ?Sized>(value: &T) -> Result<serde_json::Value, InvalidArgument> {
    let found = Found::default();
    value
        .serialize(Finite {
            inner: serde_json::value::Serializer,
            found: &found,
        })
        .map_err(|error| found.into_error(&error))
}

// ---------------------------------------------------------------------------------
// Decoding: structs from objects only.

/// A deserializer, visitor, access or seed that hands structs to `serde_json` as
/// maps, and wraps whatever it passes on so that nested values are held to the same.
struct ObjectsOnly<T>(T);

macro_rules! forward_deserialize {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {
        $(
            #[inline]
            fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
                self.0.$method($($arg,)* ObjectsOnly(visitor))
            }
        )*
    };
}

impl<'de, D: de::Deserializer<'de>> de::Deserializer<'de> for ObjectsOnly<D> {
    type Error = D::Error;

    /// The one change: a struct is read as a map, which refuses an array.
    #[inline]
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_map(ObjectsOnly(visitor))
    }

    forward_deserialize! {
        deserialize_any();
        deserialize_bool();
        deserialize_i8();
        deserialize_i16();
        deserialize_i32();
        deserialize_i64();
        deserialize_i128();
        deserialize_u8();
        deserialize_u16();
        deserialize_u32();
        deserialize_u64();
        deserialize_u128();
        deserialize_f32();
        deserialize_f64();
        deserialize_char();
        deserialize_str();
        deserialize_string();
        deserialize_bytes();
        deserialize_byte_buf();
        deserialize_option();
        deserialize_unit();
        deserialize_unit_struct(name: &'static str);
        deserialize_newtype_struct(name: &'static str);
        deserialize_seq();
        deserialize_tuple(len: usize);
        deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_map();
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
        deserialize_identifier();
        deserialize_ignored_any();
    }

    #[inline]
    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

macro_rules! forward_visit {
    ($($method:ident($ty:ty);)*) => {
        $(
            #[inline]
            fn $method<E: de::Error>(self, value: $ty) -> Result<V::Value, E> {
                self.0.$method(value)
            }
        )*
    };
}

impl<'de, V: Visitor<'de>> Visitor<'de> for ObjectsOnly<V> {
    type Value = V::Value;

    #[inline]
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }

    forward_visit! {
        visit_bool(bool);
        visit_i8(i8);
        visit_i16(i16);
        visit_i32(i32);
        visit_i64(i64);
        visit_i128(i128);
        visit_u8(u8);
        visit_u16(u16);
        visit_u32(u32);
        visit_u64(u64);
        visit_u128(u128);
        visit_f32(f32);
        visit_f64(f64);
        visit_char(char);
        visit_str(&str);
        visit_borrowed_str(&'de str);
        visit_string(String);
        visit_bytes(&[u8]);
        visit_borrowed_bytes(&'de [u8]);
        visit_byte_buf(Vec<u8>);
    }

    #[inline]
    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_none()
    }

    #[inline]
    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_unit()
    }

    #[inline]
    fn visit_some<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
        self.0.visit_some(ObjectsOnly(deserializer))
    }

    #[inline]
    fn visit_newtype_struct<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<V::Value, D::Error> {
        self.0.visit_newtype_struct(ObjectsOnly(deserializer))
    }

    #[inline]
    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.0.visit_seq(ObjectsOnly(seq))
    }

    #[inline]
    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.0.visit_map(ObjectsOnly(map))
    }

    #[inline]
    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.0.visit_enum(ObjectsOnly(data))
    }
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for ObjectsOnly<S> {
    type Value = S::Value;

    #[inline]
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        self.0.deserialize(ObjectsOnly(deserializer))
    }
}

impl<'de, A: de::SeqAccess<'de>> de::SeqAccess<'de> for ObjectsOnly<A> {
    type Error = A::Error;

    #[inline]
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(ObjectsOnly(seed))
    }

    #[inline]
    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: de::MapAccess<'de>> de::MapAccess<'de> for ObjectsOnly<A> {
    type Error = A::Error;

    /// Keys are names, not structs: they go through as they are.
    #[inline]
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.0.next_key_seed(seed)
    }

    #[inline]
    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.0.next_value_seed(ObjectsOnly(seed))
    }

    #[inline]
    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: de::EnumAccess<'de>> de::EnumAccess<'de> for ObjectsOnly<A> {
    type Error = A::Error;
    type Variant = ObjectsOnly<A::Variant>;

    #[inline]
    fn variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<(T::Value, Self::Variant), A::Error> {
        let (value, variant) = self.0.variant_seed(seed)?;
        Ok((value, ObjectsOnly(variant)))
    }
}

impl<'de, A: de::VariantAccess<'de>> de::VariantAccess<'de> for ObjectsOnly<A> {
    type Error = A::Error;

    #[inline]
    fn unit_variant(self) -> Result<(), A::Error> {
        self.0.unit_variant()
    }

    #[inline]
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        self.0.newtype_variant_seed(ObjectsOnly(seed))
    }

    #[inline]
    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.0.tuple_variant(len, ObjectsOnly(visitor))
    }

    #[inline]
    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.0.struct_variant(fields, ObjectsOnly(visitor))
    }
}

// ---------------------------------------------------------------------------------
// Encoding: finite numbers only.

/// The non-finite number found, if any: what it was, and the path to it, filled in
/// on the way out of the serializers (nothing is kept while all goes well).
#[derive(Default)]
struct Found(RefCell<Option<(f64, Vec<Step>)>>);

impl Found {
    /// Records the number where it was found.
    fn number(&self, value: f64) {
        *self.0.borrow_mut() = Some((value, Vec::new()));
    }

    /// Adds the step the failure came out of, when it was a non-finite number.
    fn step(&self, step: impl FnOnce() -> Step) {
        if let Some((_, path)) = self.0.borrow_mut().as_mut() {
            path.push(step());
        }
    }

    /// The error for a serialization that failed with `error`.
    fn into_error(self, error: &dyn fmt::Display) -> InvalidArgument {
        let Some((value, steps)) = self.0.into_inner() else {
            return InvalidArgument::new("", error.to_string());
        };
        // The steps were added on the way out: innermost first.
        let path = path_of(steps.iter().rev());
        InvalidArgument::new(path, format!("must be a finite number, got {value}"))
    }
}

/// A serializer or compound that refuses non-finite numbers, recording where.
struct Finite<'a, S> {
    inner: S,
    found: &'a Found,
}

/// A value to serialize with a [`Finite`] serializer.
struct FiniteValue<'a, T: ?Sized> {
    value: &'a T,
    found: &'a Found,
}

impl<T: Serialize + ?Sized> Serialize for FiniteValue<'_, T> {
    fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(Finite {
            inner: serializer,
            found: self.found,
        })
    }
}

impl<'a, S> Finite<'a, S> {
    fn value<'v, T: ?Sized>(&self, value: &'v T) -> FiniteValue<'v, T>
    where
        'a: 'v,
    {
        FiniteValue {
            value,
            found: self.found,
        }
    }

    fn float<E: ser::Error>(&self, value: f64) -> Result<(), E> {
        if value.is_finite() {
            return Ok(());
        }
        self.found.number(value);
        Err(E::custom(format_args!(
            "a number that is not finite ({value})"
        )))
    }
}

macro_rules! forward_serialize {
    ($($method:ident($ty:ty);)*) => {
        $(
            fn $method(self, value: $ty) -> Result<S::Ok, S::Error> {
                self.inner.$method(value)
            }
        )*
    };
}

impl<'a, S: ser::Serializer> ser::Serializer for Finite<'a, S> {
    type Ok = S::Ok;
    type Error = S::Error;
    type SerializeSeq = Finite<'a, Indexed<S::SerializeSeq>>;
    type SerializeTuple = Finite<'a, Indexed<S::SerializeTuple>>;
    type SerializeTupleStruct = Finite<'a, Indexed<S::SerializeTupleStruct>>;
    type SerializeTupleVariant = Finite<'a, Indexed<S::SerializeTupleVariant>>;
    type SerializeMap = Finite<'a, Indexed<S::SerializeMap>>;
    type SerializeStruct = Finite<'a, S::SerializeStruct>;
    type SerializeStructVariant = Finite<'a, S::SerializeStructVariant>;

    forward_serialize! {
        serialize_bool(bool);
        serialize_i8(i8);
        serialize_i16(i16);
        serialize_i32(i32);
        serialize_i64(i64);
        serialize_i128(i128);
        serialize_u8(u8);
        serialize_u16(u16);
        serialize_u32(u32);
        serialize_u64(u64);
        serialize_u128(u128);
        serialize_char(char);
        serialize_str(&str);
        serialize_bytes(&[u8]);
        serialize_unit_struct(&'static str);
    }

    fn serialize_f32(self, value: f32) -> Result<S::Ok, S::Error> {
        self.float(f64::from(value))?;
        match integral(f64::from(value)) {
            Some(integer) => self.inner.serialize_i64(integer),
            None => self.inner.serialize_f32(value),
        }
    }

    fn serialize_f64(self, value: f64) -> Result<S::Ok, S::Error> {
        self.float(value)?;
        match integral(value) {
            Some(integer) => self.inner.serialize_i64(integer),
            None => self.inner.serialize_f64(value),
        }
    }

    fn serialize_none(self) -> Result<S::Ok, S::Error> {
        self.inner.serialize_none()
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<S::Ok, S::Error> {
        let value = self.value(value);
        self.inner.serialize_some(&value)
    }

    fn serialize_unit(self) -> Result<S::Ok, S::Error> {
        self.inner.serialize_unit()
    }

    fn serialize_unit_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
    ) -> Result<S::Ok, S::Error> {
        self.inner.serialize_unit_variant(name, index, variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<S::Ok, S::Error> {
        let value = self.value(value);
        self.inner.serialize_newtype_struct(name, &value)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<S::Ok, S::Error> {
        let found = self.found;
        let value = self.value(value);
        self.inner
            .serialize_newtype_variant(name, index, variant, &value)
            .inspect_err(|_| found.step(|| Step::Field(variant)))
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq, S::Error> {
        let seq = self.inner.serialize_seq(len)?;
        Ok(Finite::indexed(seq, self.found))
    }

    fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple, S::Error> {
        let tuple = self.inner.serialize_tuple(len)?;
        Ok(Finite::indexed(tuple, self.found))
    }

    fn serialize_tuple_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleStruct, S::Error> {
        let tuple = self.inner.serialize_tuple_struct(name, len)?;
        Ok(Finite::indexed(tuple, self.found))
    }

    fn serialize_tuple_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleVariant, S::Error> {
        let tuple = self
            .inner
            .serialize_tuple_variant(name, index, variant, len)?;
        Ok(Finite::indexed(tuple, self.found))
    }

    fn serialize_map(self, len: Option<usize>) -> Result<Self::SerializeMap, S::Error> {
        let map = self.inner.serialize_map(len)?;
        Ok(Finite::indexed(map, self.found))
    }

    fn serialize_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStruct, S::Error> {
        let fields = self.inner.serialize_struct(name, len)?;
        Ok(Finite {
            inner: fields,
            found: self.found,
        })
    }

    fn serialize_struct_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStructVariant, S::Error> {
        let fields = self
            .inner
            .serialize_struct_variant(name, index, variant, len)?;
        Ok(Finite {
            inner: fields,
            found: self.found,
        })
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

/// A compound whose elements are counted, for the path.
struct Indexed<C> {
    compound: C,
    next: usize,
}

impl<'a, C> Finite<'a, Indexed<C>> {
    fn indexed(compound: C, found: &'a Found) -> Self {
        Finite {
            inner: Indexed { compound, next: 0 },
            found,
        }
    }

    /// Serializes element number `next` with `write`, naming it on failure.
    fn element<E>(&mut self, write: impl FnOnce(&mut C, &Found) -> Result<(), E>) -> Result<(), E> {
        let index = self.inner.next;
        self.inner.next += 1;
        write(&mut self.inner.compound, self.found)
            .inspect_err(|_| self.found.step(|| Step::Index(index)))
    }
}

macro_rules! indexed_compound {
    ($($trait:ident::$method:ident;)*) => {
        $(
            impl<C: ser::$trait> ser::$trait for Finite<'_, Indexed<C>> {
                type Ok = C::Ok;
                type Error = C::Error;

                fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), C::Error> {
                    self.element(|compound, found| compound.$method(&FiniteValue { value, found }))
                }

                fn end(self) -> Result<C::Ok, C::Error> {
                    self.inner.compound.end()
                }
            }
        )*
    };
}

indexed_compound! {
    SerializeSeq::serialize_element;
    SerializeTuple::serialize_element;
    SerializeTupleStruct::serialize_field;
    SerializeTupleVariant::serialize_field;
}

impl<C: ser::SerializeMap> ser::SerializeMap for Finite<'_, Indexed<C>> {
    type Ok = C::Ok;
    type Error = C::Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), C::Error> {
        self.inner.compound.serialize_key(&FiniteValue {
            value: key,
            found: self.found,
        })
    }

    /// A value given apart from its key is named by its position.
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), C::Error> {
        self.element(|compound, found| compound.serialize_value(&FiniteValue { value, found }))
    }

    /// A value given with its key (what maps and derived code do) is named by it.
    fn serialize_entry<K: Serialize + ?Sized, V: Serialize + ?Sized>(
        &mut self,
        key: &K,
        value: &V,
    ) -> Result<(), C::Error> {
        let found = self.found;
        self.inner
            .compound
            .serialize_entry(key, &FiniteValue { value, found })
            .inspect_err(|_| {
                found.step(|| {
                    let key = serde_json::to_value(key).ok();
                    Step::Key(match key {
                        Some(serde_json::Value::String(key)) => key,
                        Some(other) => other.to_string(),
                        None => String::from("?"),
                    })
                });
            })
    }

    fn end(self) -> Result<C::Ok, C::Error> {
        self.inner.compound.end()
    }
}

macro_rules! field_compound {
    ($($trait:ident;)*) => {
        $(
            impl<C: ser::$trait> ser::$trait for Finite<'_, C> {
                type Ok = C::Ok;
                type Error = C::Error;

                fn serialize_field<T: Serialize + ?Sized>(
                    &mut self,
                    name: &'static str,
                    value: &T,
                ) -> Result<(), C::Error> {
                    let found = self.found;
                    self.inner
                        .serialize_field(name, &FiniteValue { value, found })
                        .inspect_err(|_| found.step(|| Step::Field(name)))
                }

                fn skip_field(&mut self, name: &'static str) -> Result<(), C::Error> {
                    self.inner.skip_field(name)
                }

                fn end(self) -> Result<C::Ok, C::Error> {
                    self.inner.end()
                }
            }
        )*
    };
}

field_compound! {
    SerializeStruct;
    SerializeStructVariant;
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Serialize};

    use super::*;

    #[derive(Debug, Default, PartialEq, Deserialize, Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Reading {
        refresh_rate: Option<f64>,
        values: Vec<f32>,
        by_name: BTreeMap<String, f64>,
        nested: Option<Box<Reading>>,
        pair: Option<(u8, f64)>,
    }

    #[test]
    fn structs_come_from_objects_only_at_any_depth() {
        let ok: Reading =
            from_slice(br#"{"values":[1],"byName":{},"nested":{"values":[],"byName":{}}}"#)
                .unwrap();
        assert_eq!(ok.values, [1.0]);
        for bad in [
            &b"[]"[..],
            br"[null, [], {}]",
            br#"{"values":[],"byName":{},"nested":[null,[],{}]}"#,
        ] {
            let error = from_slice::<Reading>(bad).unwrap_err();
            assert!(
                error
                    .to_string()
                    .contains("invalid type: sequence, expected struct Reading"),
                "{error}"
            );
        }
        // Tuples, lists and maps of structs are read as before.
        let list: Vec<Reading> =
            from_slice(br#"[{"values":[],"byName":{},"pair":[1, 2.5]}]"#).unwrap();
        assert_eq!(list[0].pair, Some((1, 2.5)));
        assert!(from_slice::<Reading>(br#"{"values":[],"byName":{}} x"#).is_err());
    }

    #[test]
    fn whole_numbers_are_written_as_javascript_writes_them() {
        let reading = Reading {
            refresh_rate: Some(600_000.0),
            values: vec![1.5, 2.0, -0.0, 0.1],
            by_name: BTreeMap::from([
                ("big".into(), 1e300),
                ("edge".into(), 9_007_199_254_740_992.0),
            ]),
            ..Reading::default()
        };
        let text = String::from_utf8(to_vec(&reading).unwrap()).unwrap();
        assert_eq!(
            text,
            r#"{"refreshRate":600000,"values":[1.5,2,0,0.1],"byName":{"big":1e+300,"edge":9007199254740992},"nested":null,"pair":null}"#
        );
        let value = to_value(&reading).unwrap();
        assert_eq!(value["refreshRate"], serde_json::json!(600_000));
        assert!(value["refreshRate"].is_i64());
        assert_eq!(value["values"][0], serde_json::json!(1.5));
    }

    #[test]
    fn a_non_finite_number_is_refused_where_it_is() {
        let cases: [(Reading, &str, &str); 5] = [
            (
                Reading {
                    refresh_rate: Some(f64::NAN),
                    ..Reading::default()
                },
                "refreshRate",
                "NaN",
            ),
            (
                Reading {
                    values: vec![1.0, f32::INFINITY],
                    ..Reading::default()
                },
                "values[1]",
                "inf",
            ),
            (
                Reading {
                    by_name: BTreeMap::from([("a".into(), 1.0), ("b c".into(), f64::NEG_INFINITY)]),
                    ..Reading::default()
                },
                "byName[\"b c\"]",
                "-inf",
            ),
            (
                Reading {
                    nested: Some(Box::new(Reading {
                        pair: Some((1, f64::NAN)),
                        ..Reading::default()
                    })),
                    ..Reading::default()
                },
                "nested.pair[1]",
                "NaN",
            ),
            (
                Reading {
                    nested: Some(Box::new(Reading {
                        refresh_rate: Some(f64::INFINITY),
                        ..Reading::default()
                    })),
                    ..Reading::default()
                },
                "nested.refreshRate",
                "inf",
            ),
        ];
        for (reading, path, got) in cases {
            for error in [
                to_vec(&reading).unwrap_err(),
                to_value(&reading).unwrap_err(),
            ] {
                assert_eq!(error.argument(), path);
                assert_eq!(
                    error.reason(),
                    format!("must be a finite number, got {got}")
                );
            }
        }
    }

    #[test]
    fn finite_values_are_written_as_serde_json_writes_them() {
        let reading = Reading {
            refresh_rate: Some(600_000.25),
            values: vec![0.5],
            by_name: BTreeMap::from([("a".into(), -1.5)]),
            nested: None,
            pair: Some((3, 1e300)),
        };
        assert_eq!(
            to_vec(&reading).unwrap(),
            serde_json::to_vec(&reading).unwrap()
        );
        assert_eq!(
            to_value(&reading).unwrap(),
            serde_json::to_value(&reading).unwrap()
        );
        let value = serde_json::json!({"k": [1, "x", null, {"y": true}]});
        assert_eq!(to_vec(&value).unwrap(), serde_json::to_vec(&value).unwrap());
    }
}
