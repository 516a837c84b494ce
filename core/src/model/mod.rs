//! The typed plan tree: one model for every format and every PostgreSQL version.
//!
//! A [`Plan`] owns its nodes in an arena (`plan.nodes`, in the server's order: depth-first,
//! parents before children), so a [`NodeId`] is the node's pre-order index: the root is 0.
//! Every property the server prints is a typed field (`Option`: absent is not zero) named after
//! the server's key in snake case (`Rows Removed by Filter` → `rows_removed_by_filter`);
//! properties the model does not know are kept in `extra`.
//! The canonical JSON form (see [`Plan::to_json`]) is the contract the CLI and the bindings share.

#[macro_use]
mod macros;
mod enums;
mod node;
mod plan;
mod schema;
pub mod source;
pub mod value;

use std::hash::Hash;

use serde_json::Value;

pub use enums::*;
pub use node::*;
pub use plan::*;
pub use schema::plan_schema;

use source::{ConvError, Item, Source};
use value::{Defs, Extra, clip};

use crate::error::{Error, ErrorKind};

/// Index of a node in [`Plan::nodes`] (its position in the server's depth-first order).
pub type NodeId = usize;

/// Metadata of one property: what the server calls it and what the model calls it.
#[derive(Debug, Clone, Copy)]
pub struct FieldInfo<F: 'static> {
    /// The field.
    pub field: F,
    /// The field's name in Rust and in the canonical JSON (`rows_removed_by_filter`).
    pub name: &'static str,
    /// The server's JSON/YAML key and, for simple properties, TEXT label (`Rows Removed by Filter`).
    pub key: &'static str,
    /// One-line description.
    pub doc: &'static str,
    /// JSON Schema of the canonical value.
    pub schema: fn(&mut Defs) -> Value,
}

impl<F> FieldInfo<F> {
    /// The XML element name of the key (every character outside `[A-Za-z0-9._-]` becomes `-`).
    pub fn xml_name(&self) -> String {
        xml_name(self.key)
    }
}

/// The XML element name PostgreSQL uses for a key.
pub fn xml_name(key: &str) -> String {
    key.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// A struct of PostgreSQL properties (implemented by the `properties!` macro).
pub trait Properties: Default + 'static {
    /// The struct's own fields.
    type Field: Copy + Eq + Hash + 'static;
    /// Where a server key lands: an own field or a field of a group.
    type Key: Copy + Eq + Hash + 'static;
    /// The struct's own fields, in canonical order.
    const FIELDS: &'static [FieldInfo<Self::Field>];
    /// Finds where a server key (JSON/YAML spelling or XML element name) lands.
    fn lookup(key: &str) -> Option<Self::Key>;
    /// Reads the value that comes next in `src` into the field for `key`; a value this version
    /// does not know comes back as `Some(raw)` for the caller to keep in `extra`.
    fn read_key<'a, S: Source<'a>>(
        &mut self,
        key: Self::Key,
        src: &mut S,
    ) -> Result<Option<Value>, Error>;
    /// Sets the field for `key` from its TEXT spelling.
    fn set_text(&mut self, key: Self::Key, text: &str) -> Result<(), ConvError>;
    /// Takes every field of `other` that `self` does not have yet.
    fn absorb(&mut self, other: Self);
    /// Every `(server key, canonical name)` pair the struct knows, groups included.
    fn key_names() -> Vec<(&'static str, &'static str)>;
    /// The key of an own field.
    fn own(field: Self::Field) -> Self::Key;
    /// Writes the fields that are present, in canonical order (groups flattened), without `extra`.
    fn serialize_fields<M: serde::ser::SerializeMap>(&self, map: &mut M) -> Result<(), M::Error>;
    /// Adds the JSON Schema of every field (groups flattened) to `out`.
    fn schema_properties(defs: &mut Defs, out: &mut serde_json::Map<String, Value>);
    /// Unknown properties (`None` for a group, which has none of its own).
    fn extra(&self) -> Option<&Extra>;
    /// Unknown properties, mutable (`None` for a group).
    fn extra_mut(&mut self) -> Option<&mut Extra>;
}

/// Adds every key of `fields` (and its XML spelling) to a lookup table's entries.
pub(crate) fn index_keys<F: Copy, K: Copy>(
    entries: &mut Vec<(&'static str, K)>,
    fields: &'static [FieldInfo<F>],
    wrap: impl Fn(F) -> K,
) {
    for f in fields {
        entries.push((f.key, wrap(f.field)));
        let xml = xml_name(f.key);
        if xml != f.key {
            entries.push((Box::leak(xml.into_boxed_str()), wrap(f.field)));
        }
    }
}

/// A server key → field table (what [`Properties::lookup`] answers from), built once per type.
///
/// Open addressing over a hash of the key's length and its first and last eight bytes (two
/// loads and a multiply, where a general hasher walks every byte): every parser looks up every
/// key of every node here, so this is on the hot path of JSON, YAML and XML parsing. Four
/// times as many slots as keys keep probe sequences short.
pub(crate) struct KeyIndex<K> {
    /// `(key, field)`; `""` marks an empty slot (no server key is empty).
    slots: Box<[(&'static str, Option<K>)]>,
    /// How far the hash is shifted right to index `slots` (64 − log2 of its length).
    shift: u32,
}

impl<K: Copy> KeyIndex<K> {
    /// A table of `entries` (a repeated key keeps its last field, as a map's `insert` would).
    pub(crate) fn new(entries: &[(&'static str, K)]) -> Self {
        let bits = (entries.len().max(1) * 4)
            .next_power_of_two()
            .trailing_zeros();
        let mut slots = vec![("", None); 1 << bits].into_boxed_slice();
        let shift = 64 - bits;
        for &(key, field) in entries {
            let mut i = (key_hash(key.as_bytes()) >> shift) as usize;
            loop {
                match slots[i] {
                    (k, _) if k.is_empty() || k == key => {
                        slots[i] = (key, Some(field));
                        break;
                    }
                    _ => i = (i + 1) & (slots.len() - 1),
                }
            }
        }
        KeyIndex { slots, shift }
    }

    /// The field of a server key.
    #[inline]
    pub(crate) fn get(&self, key: &str) -> Option<K> {
        if key.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut i = (key_hash(key.as_bytes()) >> self.shift) as usize;
        loop {
            let (k, field) = self.slots[i];
            if k.len() == key.len() && same_bytes(k.as_bytes(), key.as_bytes()) {
                return field;
            }
            if k.is_empty() {
                return None;
            }
            i = (i + 1) & mask;
        }
    }
}

/// Whether two byte strings are equal, compared a word at a time without a call (keys and XML
/// names are 4–30 bytes: `memcmp`'s setup would cost more than the comparison).
#[inline(always)]
pub(crate) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n < 8 || b.len() != n {
        return a == b;
    }
    let word = |s: &[u8], at: usize| u64::from_le_bytes(s[at..at + 8].try_into().expect("8 bytes"));
    let mut i = 0;
    while i + 8 < n {
        if word(a, i) != word(b, i) {
            return false;
        }
        i += 8;
    }
    word(a, n - 8) == word(b, n - 8)
}

/// The hash of [`KeyIndex`]: length, first and last eight bytes (overlapping for short keys).
#[inline]
fn key_hash(b: &[u8]) -> u64 {
    let n = b.len();
    let word = |at: usize| u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"));
    let half = |at: usize| {
        u64::from(u32::from_le_bytes(
            b[at..at + 4].try_into().expect("4 bytes"),
        ))
    };
    let (head, tail) = if n >= 8 {
        (word(0), word(n - 8))
    } else if n >= 4 {
        (half(0), half(n - 4))
    } else {
        let mut v = 0u64;
        for &c in b {
            v = v << 8 | u64::from(c);
        }
        (v, 0)
    };
    (head ^ tail.rotate_left(31) ^ n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// How deep a property the model does not know may nest (it is kept in `extra` as generic JSON).
pub(crate) const MAX_EXTRA_DEPTH: usize = 64;

/// Reads one property into `target`: a known key into its typed field, anything else into `extra`.
pub(crate) fn read_property<'a, T: Properties, S: Source<'a>>(
    target: &mut T,
    key: &str,
    src: &mut S,
) -> Result<(), Error> {
    read_field(target, key, T::lookup(key), src)
}

/// Reads one property whose field is already looked up ([`Source::next_field`]): a known key
/// into its typed field, anything else into `extra`.
pub(crate) fn read_field<'a, T: Properties, S: Source<'a>>(
    target: &mut T,
    key: &str,
    field: Option<T::Key>,
    src: &mut S,
) -> Result<(), Error> {
    let unknown = match field {
        Some(k) => target.read_key(k, src).map_err(|mut e| {
            if e.kind == ErrorKind::Invalid && !e.message.starts_with('"') {
                e.message = format!("{:?}: {}", key, e.message);
            }
            e
        })?,
        None => Some(src.any(MAX_EXTRA_DEPTH)?),
    };
    if let (Some(v), Some(extra)) = (unknown, target.extra_mut()) {
        insert_extra(extra, key, v);
    }
    Ok(())
}

/// Keeps an unknown property; a repeated key collects its values in an array.
pub(crate) fn insert_extra(extra: &mut Extra, key: &str, value: Value) {
    match extra.get_mut(key) {
        None => {
            extra.insert(key.to_string(), value);
        }
        Some(Value::Array(items)) => items.push(value),
        Some(old) => {
            let first = std::mem::take(old);
            *old = Value::Array(vec![first, value]);
        }
    }
}

/// Reads an object of properties into a new `T`.
pub(crate) fn read_object<'a, T: Properties, S: Source<'a>>(src: &mut S) -> Result<T, Error> {
    let mut out = T::default();
    src.begin_object()?;
    while let Some((key, field)) = src.next_field::<T>()? {
        read_field(&mut out, &key, field, src)?;
    }
    Ok(out)
}

/// Reads an array of objects into a list of `T`.
pub(crate) fn read_object_list<'a, T: Properties, S: Source<'a>>(
    src: &mut S,
) -> Result<Vec<T>, Error> {
    value::read_list(src, read_object::<T, S>)
}

/// The JSON Schema reference of a properties struct, registering its definition on first use.
pub(crate) fn object_schema<T: Properties>(
    name: &str,
    description: &str,
    defs: &mut Defs,
    extend: impl FnOnce(&mut Defs, &mut serde_json::Map<String, Value>),
) -> Value {
    if !defs.contains_key(name) {
        defs.insert(name.to_string(), Value::Null); // placeholder: breaks recursion
        let mut props = serde_json::Map::new();
        T::schema_properties(defs, &mut props);
        extend(defs, &mut props);
        props.insert(
            "extra".into(),
            serde_json::json!({
                "type": "object",
                "description": "Properties the model does not know, by the server's own key, with their raw values.",
            }),
        );
        defs.insert(
            name.to_string(),
            serde_json::json!({
                "type": "object",
                "description": description,
                "properties": props,
                "additionalProperties": false,
            }),
        );
    }
    serde_json::json!({ "$ref": format!("#/$defs/{name}") })
}

/// Implements `Serialize` and `FieldValue` for a properties struct used as a nested object.
macro_rules! object_value {
    ($T:ident, $desc:literal) => {
        impl serde::Serialize for $T {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap;
                let mut map = s.serialize_map(None)?;
                $crate::model::Properties::serialize_fields(self, &mut map)?;
                if !self.extra.is_empty() {
                    map.serialize_entry("extra", &self.extra)?;
                }
                map.end()
            }
        }

        impl $crate::model::value::FieldValue for $T {
            fn schema(defs: &mut $crate::model::value::Defs) -> serde_json::Value {
                $crate::model::object_schema::<$T>(stringify!($T), $desc, defs, |_, _| {})
            }
            fn read<'a, S: $crate::model::source::Source<'a>>(
                src: &mut S,
            ) -> Result<Self, $crate::error::Error> {
                $crate::model::read_object(src)
            }
            fn from_text(_: &str) -> Result<Self, $crate::model::source::ConvError> {
                Err($crate::model::source::ConvError::new(concat!(
                    stringify!($T),
                    " has no one-line TEXT spelling"
                )))
            }
        }
    };
}

/// Implements `FieldValue` for `Vec<T>` of a properties struct (a JSON array of objects).
macro_rules! object_list_value {
    ($T:ident) => {
        impl $crate::model::value::FieldValue for Vec<$T> {
            fn schema(defs: &mut $crate::model::value::Defs) -> serde_json::Value {
                serde_json::json!({
                    "type": "array",
                    "items": <$T as $crate::model::value::FieldValue>::schema(defs),
                })
            }
            fn read<'a, S: $crate::model::source::Source<'a>>(
                src: &mut S,
            ) -> Result<Self, $crate::error::Error> {
                $crate::model::read_object_list(src)
            }
            fn from_text(_: &str) -> Result<Self, $crate::model::source::ConvError> {
                Err($crate::model::source::ConvError::new(concat!(
                    "a list of ",
                    stringify!($T),
                    " has no one-line TEXT spelling"
                )))
            }
            fn merge(&mut self, later: Self) {
                self.extend(later);
            }
        }
    };
}

pub(crate) use {object_list_value, object_value};

/// Reads a `StrayKey` item: PostgreSQL 11.0–11.6 wrote `"Subplans Removed": N` inside `Plans`.
pub(crate) fn stray_key_error<'a, S: Source<'a>>(src: &S, item: &Item<'_>) -> Error {
    let key = match item {
        Item::StrayKey(k) => clip(k),
        _ => String::new(),
    };
    src.error(
        ErrorKind::Syntax,
        format!("unexpected key {key:?} inside a list"),
    )
}
