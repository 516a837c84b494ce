//! The macros that turn tables into model types.
//!
//! * `string_enum!` — a closed set of strings the server prints (`"Hashed"`, `"Inner"`…): a
//!   one-byte `Copy` enum. A value this version does not know is not forced into it: the reader
//!   hands it back and it is kept verbatim in the owner's `extra` under the server's key.
//! * `open_string_enum!` — the same with an `Other(String)` variant, for the node type (which
//!   must always be kept).
//! * `properties!` — a struct whose fields are PostgreSQL properties, declared as one row per
//!   property: field name (the canonical JSON key), Rust type, and the server's own key.
//!   From that row come the struct field, its doc, the key lookup used by every parser,
//!   the reader, the TEXT conversion, the canonical serialization and the JSON Schema.
//!   Adding a PostgreSQL property is adding one row. `pub struct` declares a struct with its own
//!   `extra`; `pub group` declares a group of properties that is stored boxed inside its owner
//!   (to keep nodes small) and flattened into the owner's canonical JSON. A row of a struct
//!   marked `in side` is stored in the struct's boxed side struct (declared in `boxed { side:
//!   SideType }`) yet keeps its place everywhere else (field enum, key lookup, order of the
//!   canonical JSON and schema), and gets an accessor of its own name on the struct.

/// Shared by the two string-enum macros: `Display`, `Serialize`, the JSON Schema.
macro_rules! string_enum_common {
    ($Name:ident, [$($s:literal),*]) => {
        impl $Name {
            /// Every value this version knows, as the server prints it.
            pub const KNOWN: &'static [&'static str] = &[$($s),*];
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
    };
}

/// Declares a closed enum of server strings (see the module docs).
macro_rules! string_enum {
    (
        $(#[doc = $doc:literal])*
        pub enum $Name:ident {
            $( $(#[doc = $vdoc:literal])* $Var:ident = $s:literal, )*
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $Name {
            $( $(#[doc = $vdoc])* $Var, )*
        }

        impl $Name {
            /// Every value this version knows, as the server prints it.
            pub const NAMES: &'static [&'static str] = &[$($s),*];

            /// The value as the server prints it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $Name::$Var => $s, )*
                }
            }

            /// The variant for a server string (`None` when this version does not know it).
            pub fn from_name(s: &str) -> Option<Self> {
                match s {
                    $( $s => Some($Name::$Var), )*
                    _ => None,
                }
            }
        }

        string_enum_common!($Name, [$($s),*]);

        impl $crate::model::value::FieldValue for $Name {
            fn schema(_: &mut $crate::model::value::Defs) -> serde_json::Value {
                serde_json::json!({
                    "type": "string",
                    "enum": [$($s),*],
                    "description": "A value newer servers print that planlint does not know is kept in `extra` instead.",
                })
            }
            fn read<'a, S: $crate::model::source::Source<'a>>(src: &mut S) -> Result<Self, $crate::error::Error> {
                $crate::model::value::read_str_with(src, |s| {
                    $Name::from_name(s).ok_or_else(|| $crate::model::value::clip(s))
                })?
                .map_err(|s| src.error($crate::error::ErrorKind::Invalid, format!("unknown value {s:?}")))
            }
            fn read_known<'a, S: $crate::model::source::Source<'a>>(
                src: &mut S,
            ) -> Result<Result<Self, serde_json::Value>, $crate::error::Error> {
                $crate::model::value::read_str_with(src, |s| {
                    $Name::from_name(s).ok_or_else(|| serde_json::Value::String(s.to_string()))
                })
            }
            fn from_text(text: &str) -> Result<Self, $crate::model::source::ConvError> {
                $Name::from_name(text).ok_or_else(|| $crate::model::source::ConvError::unknown_value(text))
            }
        }
    };
}

/// Declares an enum of server strings that keeps unknown values in `Other(String)`.
macro_rules! open_string_enum {
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

        string_enum_common!($Name, [$($s),*]);

        impl $crate::model::value::FieldValue for $Name {
            fn schema(_: &mut $crate::model::value::Defs) -> serde_json::Value {
                serde_json::json!({
                    "type": "string",
                    "examples": [$($s),*],
                    "description": "Any string a server prints; the known ones are listed in `examples`.",
                })
            }
            fn read<'a, S: $crate::model::source::Source<'a>>(src: &mut S) -> Result<Self, $crate::error::Error> {
                $crate::model::value::read_str_with(src, $Name::from_name)
            }
            fn from_text(text: &str) -> Result<Self, $crate::model::source::ConvError> {
                Ok($Name::from_name(text))
            }
        }
    };
}

/// Declares a struct (or group) of PostgreSQL properties (see the module docs).
///
/// ```text
/// properties! {
///     /// Doc of the struct.
///     pub struct Name / NameField / NameKey {      // or `pub group` (no `extra`, stored boxed)
///         /// Doc of the field.
///         field: Type = "Server Key",
///         rare: Type = "Other Key" in side,      // stored in the boxed side struct
///         …
///     }
///     boxed { /// doc
///             side: SideType }     // optional: the side struct of the rows marked `in side`
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
            $( $(#[doc = $doc:literal])+ $field:ident : $ty:ty = $key:literal $(in $store:ident)?, )*
        }
        $( boxed { $(#[doc = $bdoc:literal])+ $bfield:ident : $Bty:ident } )?
        groups { $( $(#[doc = $gdoc:literal])+ $gfield:ident : $Gty:ident, )* }
        members { $( $(#[doc = $mdoc:literal])+ $mfield:ident : $mty:ty, )* }
    ) => {
        properties!(@struct_fields
            {
                $(#[doc = $sdoc])*
                #[derive(Debug, Clone, Default, PartialEq)]
                #[non_exhaustive]
                pub struct $Name
            }
            {
                $( $(#[doc = $bdoc])+ pub $bfield: Option<Box<$Bty>>, )?
                $( $(#[doc = $gdoc])+ pub $gfield: Option<Box<$Gty>>, )*
                $( $(#[doc = $mdoc])+ pub $mfield: $mty, )*
                /// Properties the model does not know (or values it does not know), by the server's
                /// key, with their raw values.
                pub extra: $crate::model::value::Extra,
            }
            {
                $(
                    $(#[doc = $bdoc])+
                    #[doc = ""]
                    #[doc = concat!("Rows of [`", stringify!($Name), "`] marked `in ", stringify!($bfield), "`: set on few nodes, so stored boxed (the owner stays small); each keeps its place in the owner's table, key lookup and canonical JSON, and has an accessor of its name on the owner.")]
                    #[derive(Debug, Clone, Default, PartialEq)]
                    #[non_exhaustive]
                    pub struct $Bty
                )?
            }
            [] []
            $( [$($doc)+] [$($store)?] $field ($ty) )*
        );

        properties!(@impl $Name / $Field / $Key [extra]
            { $( [$($doc)+] $field : $ty = $key [$($store)?], )* }
            { $( [$($gdoc)+] $gfield : $Gty, )* });
    };
    // Sorts the rows of a struct into its own fields and those of its boxed side struct (rows
    // marked `in`), then declares both.
    (@struct_fields { $($head:tt)* } { $($tail:tt)* } { $($side_head:tt)* } [$($own:tt)*] [$($side:tt)*]) => {
        $($head)* { $($own)* $($tail)* }
        properties!(@side_struct { $($side_head)* } { $($side)* });
    };
    (@struct_fields $head:tt $tail:tt $side_head:tt [$($own:tt)*] $side:tt
        [$($doc:literal)+] [] $field:ident ($ty:ty) $($rest:tt)*) => {
        properties!(@struct_fields $head $tail $side_head
            [$($own)* $(#[doc = $doc])+ pub $field: Option<$ty>,] $side $($rest)*);
    };
    (@struct_fields $head:tt $tail:tt $side_head:tt $own:tt [$($side:tt)*]
        [$($doc:literal)+] [$store:ident] $field:ident ($ty:ty) $($rest:tt)*) => {
        properties!(@struct_fields $head $tail $side_head
            $own [$($side)* $(#[doc = $doc])+ pub $field: Option<$ty>,] $($rest)*);
    };
    (@side_struct { } { }) => {};
    (@side_struct { $($side_head:tt)+ } { $($side:tt)* }) => {
        $($side_head)+ { $($side)* }
    };
    // A row's value: `Option<&T>` (`@get`), its `Option<T>` slot, the side struct created on
    // demand (`@place`), or taken out of `other` (`@take`); `[]` is an own field, `[store]` a
    // field of the boxed side struct `store`.
    (@get $s:ident $field:ident []) => { $s.$field.as_ref() };
    (@get $s:ident $field:ident [$store:ident]) => {
        $s.$store.as_deref().and_then(|b| b.$field.as_ref())
    };
    (@place $s:ident $field:ident []) => { $s.$field };
    (@place $s:ident $field:ident [$store:ident]) => {
        $s.$store.get_or_insert_with(Default::default).$field
    };
    (@take $s:ident $field:ident []) => { $s.$field };
    (@take $s:ident $field:ident [$store:ident]) => {
        $s.$store.as_mut().and_then(|b| b.$field.take())
    };
    (@getter [$($doc:literal)+] $field:ident $ty:ty []) => {};
    (@getter [$($doc:literal)+] $field:ident $ty:ty [$store:ident]) => {
        $(#[doc = $doc])+
        #[doc = concat!("(Stored in `", stringify!($store), "`.)")]
        pub fn $field(&self) -> Option<&$ty> {
            properties!(@get self $field [$store])
        }
    };
    (
        $(#[doc = $sdoc:literal])*
        pub group $Name:ident / $Field:ident / $Key:ident {
            $( $(#[doc = $doc:literal])+ $field:ident : $ty:ty = $key:literal, )*
        }
    ) => {
        $(#[doc = $sdoc])*
        #[doc = ""]
        #[doc = "A group: stored boxed inside its owner, flattened into the owner's canonical JSON."]
        #[derive(Debug, Clone, Default, PartialEq)]
        #[non_exhaustive]
        pub struct $Name {
            $( $(#[doc = $doc])+ pub $field: Option<$ty>, )*
        }

        properties!(@impl $Name / $Field / $Key [group]
            { $( [$($doc)+] $field : $ty = $key [], )* }
            { });
    };
    (@extra_absorb [extra] $self:ident $other:ident) => {
        for (k, v) in $other.extra {
            $self.extra.entry(k).or_insert(v);
        }
    };
    (@extra_absorb [group] $self:ident $other:ident) => {};
    (@extra_ref [extra] $self:ident) => { Some(&$self.extra) };
    (@extra_ref [group] $self:ident) => { None };
    (@extra_mut [extra] $self:ident) => { Some(&mut $self.extra) };
    (@extra_mut [group] $self:ident) => { None };
    (@impl $Name:ident / $Field:ident / $Key:ident [$kind:ident]
        { $( [$($doc:literal)+] $field:ident : $ty:ty = $key:literal [$($store:ident)?], )* }
        { $( [$($gdoc:literal)+] $gfield:ident : $Gty:ident, )* }
    ) => {
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

        /// Accessors of the rows stored in a boxed side struct (none for most structs).
        impl $Name {
            $( properties!(@getter [$($doc)+] $field $ty [$($store)?]); )*
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
                static MAP: std::sync::OnceLock<$crate::model::KeyIndex<$Key>> =
                    std::sync::OnceLock::new();
                MAP.get_or_init(|| {
                    let mut entries = Vec::new();
                    $crate::model::index_keys(&mut entries, Self::FIELDS, $Key::Own);
                    $( $crate::model::index_keys(&mut entries, <$Gty as $crate::model::Properties>::FIELDS, $Key::$gfield); )*
                    $crate::model::KeyIndex::new(&entries)
                })
                .get(key)
            }

            fn read_key<'a, S: $crate::model::source::Source<'a>>(
                &mut self,
                key: $Key,
                src: &mut S,
            ) -> Result<Option<serde_json::Value>, $crate::error::Error> {
                match key {
                    $Key::Own(field) => match field {
                        $( $Field::$field => {
                            match <$ty as $crate::model::value::FieldValue>::read_known(src)? {
                                Ok(v) => match &mut properties!(@place self $field [$($store)?]) {
                                    Some(old) => $crate::model::value::FieldValue::merge(old, v),
                                    slot => *slot = Some(v),
                                },
                                Err(raw) => return Ok(Some(raw)),
                            }
                        } )*
                    },
                    $( $Key::$gfield(f) => {
                        return self
                            .$gfield
                            .get_or_insert_with(Default::default)
                            .read_key(<$Gty as $crate::model::Properties>::own(f), src);
                    } )*
                }
                Ok(None)
            }

            fn set_text(&mut self, key: $Key, text: &str) -> Result<(), $crate::model::source::ConvError> {
                match key {
                    $Key::Own(field) => match field {
                        $( $Field::$field => {
                            properties!(@place self $field [$($store)?]) =
                                Some(<$ty as $crate::model::value::FieldValue>::from_text(text)?);
                        } )*
                    },
                    $( $Key::$gfield(f) => self
                        .$gfield
                        .get_or_insert_with(Default::default)
                        .set_text(<$Gty as $crate::model::Properties>::own(f), text)?, )*
                }
                Ok(())
            }

            fn absorb(&mut self, #[allow(unused_mut)] mut other: Self) {
                $( if properties!(@get self $field [$($store)?]).is_none() {
                    if let Some(v) = properties!(@take other $field [$($store)?]) {
                        properties!(@place self $field [$($store)?]) = Some(v);
                    }
                } )*
                $( match (&mut self.$gfield, other.$gfield) {
                    (Some(mine), Some(theirs)) => mine.absorb(*theirs),
                    (slot @ None, theirs) => *slot = theirs,
                    _ => {}
                } )*
                properties!(@extra_absorb [$kind] self other);
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
                $( if let Some(v) = properties!(@get self $field [$($store)?]) {
                    map.serialize_entry(stringify!($field), v)?;
                } )*
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

            fn extra(&self) -> Option<&$crate::model::value::Extra> {
                properties!(@extra_ref [$kind] self)
            }

            fn extra_mut(&mut self) -> Option<&mut $crate::model::value::Extra> {
                properties!(@extra_mut [$kind] self)
            }
        }
    };
}
