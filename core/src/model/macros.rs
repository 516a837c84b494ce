//! The two macros that turn tables into model types.
//!
//! * `string_enum!` — a closed set of strings the server prints (`"Hash Join"`, `"Hashed"`…),
//!   with an `Other` variant that keeps values this version does not know.
//! * `properties!` — a struct whose fields are PostgreSQL properties, declared as one row per
//!   property: field name (the canonical JSON key), Rust type, and the server's own key.
//!   From that row come the struct field, its doc, the key lookup used by every parser,
//!   the reader, the TEXT conversion, the canonical serialization and the JSON Schema.
//!   Adding a PostgreSQL property is adding one row.

/// Declares an enum of server strings with an `Other(String)` fallback.
macro_rules! string_enum {
    (
        $(#[doc = $doc:literal])*
        pub enum $Name:ident {
            $( $(#[doc = $vdoc:literal])* $Var:ident = $s:literal, )*
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $Name {
            $( $(#[doc = $vdoc])* $Var, )*
            /// A value this version of planlint does not know, kept verbatim.
            Other(String),
        }

        impl $Name {
            /// Every value this version knows, as the server prints it.
            pub const KNOWN: &'static [&'static str] = &[$($s),*];

            /// The value as the server prints it.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $Name::$Var => $s, )*
                    $Name::Other(s) => s,
                }
            }

            /// The variant for a server string (`Other` when unknown).
            pub fn from_name(s: &str) -> Self {
                match s {
                    $( $s => $Name::$Var, )*
                    other => $Name::Other(other.to_string()),
                }
            }
        }

        impl std::fmt::Display for $Name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $Name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl $crate::model::value::FieldValue for $Name {
            fn schema(_: &mut $crate::model::value::Defs) -> serde_json::Value {
                serde_json::json!({
                    "type": "string",
                    "description": concat!("Known values: ", $("\"", $s, "\", ",)* "or any other string a newer server prints."),
                    "examples": [$($s),*],
                })
            }
            fn read<'a, S: $crate::model::source::Source<'a>>(src: &mut S) -> Result<Self, $crate::error::Error> {
                <String as $crate::model::value::FieldValue>::read(src).map(|s| $Name::from_name(&s))
            }
            fn from_text(text: &str) -> Result<Self, $crate::model::source::ConvError> {
                Ok($Name::from_name(text))
            }
        }
    };
}

/// Declares a struct of PostgreSQL properties (see the module docs).
///
/// ```text
/// properties! {
///     /// Doc of the struct.
///     pub struct Name / NameField / NameKey {
///         /// Doc of the field.
///         field: Type = "Server Key",
///         …
///     }
///     groups { /// doc
///              field: GroupType, … }   // flattened into the canonical JSON, boxed in memory
///     members { /// doc
///               field: Type, … }       // not properties: not read, not serialized
/// }
/// ```
macro_rules! properties {
    (
        $(#[doc = $sdoc:literal])*
        pub struct $Name:ident / $Field:ident / $Key:ident {
            $( $(#[doc = $doc:literal])+ $field:ident : $ty:ty = $key:literal, )*
        }
        groups { $( $(#[doc = $gdoc:literal])+ $gfield:ident : $Gty:ident, )* }
        members { $( $(#[doc = $mdoc:literal])+ $mfield:ident : $mty:ty, )* }
    ) => {
        $(#[doc = $sdoc])*
        #[derive(Debug, Clone, Default, PartialEq)]
        #[non_exhaustive]
        pub struct $Name {
            $( $(#[doc = $doc])+ pub $field: Option<$ty>, )*
            $( $(#[doc = $gdoc])+ pub $gfield: Option<Box<$Gty>>, )*
            $( $(#[doc = $mdoc])+ pub $mfield: $mty, )*
            /// Properties the model does not know, by the server's key, with their raw values.
            pub extra: $crate::model::value::Extra,
        }

        #[doc = concat!("The properties of [`", stringify!($Name), "`] itself, one variant per field.")]
        #[allow(non_camel_case_types)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $Field {
            $( $(#[doc = $doc])+ $field, )*
        }

        #[doc = concat!("Where a server key lands in [`", stringify!($Name), "`]: one of its own fields or a field of one of its groups.")]
        #[allow(non_camel_case_types)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $Key {
            /// A field of the struct itself.
            Own($Field),
            $( $(#[doc = $gdoc])+ $gfield(<$Gty as $crate::model::Properties>::Field), )*
        }

        impl $crate::model::Properties for $Name {
            type Field = $Field;
            type Key = $Key;

            const FIELDS: &'static [$crate::model::FieldInfo<$Field>] = &[
                $( $crate::model::FieldInfo {
                    field: $Field::$field,
                    name: stringify!($field),
                    key: $key,
                    doc: concat!($($doc),+),
                    schema: <$ty as $crate::model::value::FieldValue>::schema,
                }, )*
            ];

            fn lookup(key: &str) -> Option<$Key> {
                static MAP: std::sync::OnceLock<rustc_hash::FxHashMap<&'static str, $Key>> =
                    std::sync::OnceLock::new();
                MAP.get_or_init(|| {
                    let mut map = rustc_hash::FxHashMap::default();
                    $crate::model::index_keys(&mut map, Self::FIELDS, $Key::Own);
                    $( $crate::model::index_keys(&mut map, <$Gty as $crate::model::Properties>::FIELDS, $Key::$gfield); )*
                    map
                })
                .get(key)
                .copied()
            }

            fn read_key<'a, S: $crate::model::source::Source<'a>>(
                &mut self,
                key: $Key,
                src: &mut S,
            ) -> Result<(), $crate::error::Error> {
                match key {
                    $Key::Own(field) => match field {
                        $( $Field::$field => {
                            let v = <$ty as $crate::model::value::FieldValue>::read(src)?;
                            match &mut self.$field {
                                Some(old) => $crate::model::value::FieldValue::merge(old, v),
                                slot => *slot = Some(v),
                            }
                        } )*
                    },
                    $( $Key::$gfield(f) => self
                        .$gfield
                        .get_or_insert_with(Default::default)
                        .read_key(<$Gty as $crate::model::Properties>::own(f), src)?, )*
                }
                Ok(())
            }

            fn set_text(&mut self, key: $Key, text: &str) -> Result<(), $crate::model::source::ConvError> {
                match key {
                    $Key::Own(field) => match field {
                        $( $Field::$field => {
                            self.$field = Some(<$ty as $crate::model::value::FieldValue>::from_text(text)?);
                        } )*
                    },
                    $( $Key::$gfield(f) => self
                        .$gfield
                        .get_or_insert_with(Default::default)
                        .set_text(<$Gty as $crate::model::Properties>::own(f), text)?, )*
                }
                Ok(())
            }

            fn absorb(&mut self, other: Self) {
                $( if self.$field.is_none() { self.$field = other.$field; } )*
                $( match (&mut self.$gfield, other.$gfield) {
                    (Some(mine), Some(theirs)) => mine.absorb(*theirs),
                    (slot @ None, theirs) => *slot = theirs,
                    _ => {}
                } )*
                for (k, v) in other.extra {
                    self.extra.entry(k).or_insert(v);
                }
            }

            fn key_names() -> Vec<(&'static str, &'static str)> {
                #[allow(unused_mut)]
                let mut out: Vec<(&'static str, &'static str)> =
                    Self::FIELDS.iter().map(|f| (f.key, f.name)).collect();
                $( out.extend(<$Gty as $crate::model::Properties>::key_names()); )*
                out
            }

            fn own(field: $Field) -> $Key {
                $Key::Own(field)
            }

            fn serialize_fields<M: serde::ser::SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
                $( if let Some(v) = &self.$field { map.serialize_entry(stringify!($field), v)?; } )*
                $( if let Some(g) = &self.$gfield { g.serialize_fields(map)?; } )*
                Ok(())
            }

            fn schema_properties(defs: &mut $crate::model::value::Defs, out: &mut serde_json::Map<String, serde_json::Value>) {
                for f in Self::FIELDS {
                    let mut s = (f.schema)(defs);
                    if let Some(obj) = s.as_object_mut() {
                        if !obj.contains_key("$ref") {
                            let mut d = format!("{} Server key: \"{}\".", f.doc.trim(), f.key);
                            if let Some(serde_json::Value::String(more)) = obj.get("description") {
                                d.push(' ');
                                d.push_str(more);
                            }
                            obj.insert("description".into(), d.into());
                        }
                    }
                    out.insert(f.name.to_string(), s);
                }
                $( <$Gty as $crate::model::Properties>::schema_properties(defs, out); )*
            }

            fn extra(&self) -> &$crate::model::value::Extra {
                &self.extra
            }

            fn extra_mut(&mut self) -> &mut $crate::model::value::Extra {
                &mut self.extra
            }
        }
    };
}
