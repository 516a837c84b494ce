//! The pull interface through which the structured formats (JSON, YAML, XML) feed the model.
//!
//! PostgreSQL's JSON, YAML and XML output share one property model (same keys, same nesting),
//! so one builder reads all three: each format implements [`Source`], and the model's types
//! read themselves from it (see [`FieldValue`](super::value::FieldValue)).
//! A `Source` is a cursor over one document; the reader asks for what it expects next
//! (an object, an array, a scalar), which is how XML — whose syntax does not tell objects
//! from arrays — can answer too.

use std::borrow::Cow;

use crate::error::{Error, ErrorKind};
use crate::model::Properties;

/// A key of an object and the field of `T` it lands in, if `T` knows it.
pub type Field<'a, T> = (Cow<'a, str>, Option<<T as Properties>::Key>);

/// A scalar value as it appears in the document.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar<'a> {
    /// A string (already unescaped).
    Str(Cow<'a, str>),
    /// A number, as its raw text (so that nothing is lost before the field's type is known).
    Num(&'a str),
    /// A boolean.
    Bool(bool),
    /// `null` (or an empty XML element).
    Null,
}

impl Scalar<'_> {
    /// The scalar as text (numbers and booleans as printed).
    pub fn as_text(&self) -> Cow<'_, str> {
        match self {
            Scalar::Str(s) => Cow::Borrowed(s.as_ref()),
            Scalar::Num(n) => Cow::Borrowed(n),
            Scalar::Bool(true) => Cow::Borrowed("true"),
            Scalar::Bool(false) => Cow::Borrowed("false"),
            Scalar::Null => Cow::Borrowed(""),
        }
    }
}

/// What the next value of a [`Source`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Peek {
    /// An object (JSON `{`, a YAML mapping).
    Object,
    /// An array (JSON `[`, a YAML sequence).
    Array,
    /// An element with child elements: an object or an array, as the reader decides (XML).
    Container,
    /// A scalar.
    Scalar,
}

/// What [`Source::next_item`] found.
#[derive(Debug, Clone, PartialEq)]
pub enum Item<'a> {
    /// Another element follows; read it.
    Value,
    /// The array is finished.
    End,
    /// A `"key": value` pair sitting inside an array (PostgreSQL 11.0–11.6 printed
    /// `Subplans Removed` inside `Plans`); the value follows and belongs to the enclosing object.
    StrayKey(Cow<'a, str>),
}

/// A cursor over one structured EXPLAIN document.
pub trait Source<'a> {
    /// Enters the object that comes next.
    fn begin_object(&mut self) -> Result<(), Error>;
    /// The next key of the current object, or `None` when the object is finished.
    fn next_key(&mut self) -> Result<Option<Cow<'a, str>>, Error>;
    /// The next key of the current object with the field of `T` it lands in (`None` for a key
    /// `T` does not know, which then comes spelled as JSON spells it); `None` when the object
    /// is finished. A known key may come as the document spells it (an XML element name).
    fn next_field<T: Properties>(&mut self) -> Result<Option<Field<'a, T>>, Error>
    where
        Self: Sized,
    {
        Ok(self.next_key()?.map(|key| {
            let field = T::lookup(&key);
            (key, field)
        }))
    }
    /// Enters the array that comes next.
    fn begin_array(&mut self) -> Result<(), Error>;
    /// Whether the current array has another element.
    fn next_item(&mut self) -> Result<Item<'a>, Error>;
    /// Reads the scalar that comes next.
    fn scalar(&mut self) -> Result<Scalar<'a>, Error>;
    /// The text of the scalar that comes next, read, when the source has it as plain untyped
    /// text (XML element text read by a fast path); `None`, with nothing read, otherwise (read
    /// it with [`Source::scalar`]). Typed fields convert this text themselves, so that it is
    /// not first typed as JSON would type it only to be converted again.
    fn plain_text(&mut self) -> Option<&'a str> {
        None
    }
    /// What comes next, without consuming it.
    fn peek(&mut self) -> Result<Peek, Error>;
    /// Reads whatever value comes next as generic JSON (for properties the model does not
    /// know); nesting deeper than `depth_left` is an error.
    fn any(&mut self, depth_left: usize) -> Result<serde_json::Value, Error>;
    /// An error positioned at the value that was read last (or comes next).
    fn error(&self, kind: ErrorKind, message: String) -> Error;
}

/// A conversion failure, positioned by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConvError {
    /// What went wrong.
    pub message: String,
    /// The value is well-formed but not one this version knows (keep it in `extra`).
    pub unknown_value: bool,
}

impl ConvError {
    /// A conversion error with a message.
    pub fn new(message: impl Into<String>) -> Self {
        ConvError {
            message: message.into(),
            unknown_value: false,
        }
    }

    /// A value of a closed set that this version does not know.
    pub fn unknown_value(value: &str) -> Self {
        ConvError {
            message: format!("unknown value {:?}", super::value::clip(value)),
            unknown_value: true,
        }
    }
}
