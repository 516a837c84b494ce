//! A serde `Serializer` that builds Python objects directly (no JSON text in between), and a
//! `SerializeMap` that picks one entry out of a properties struct.
//!
//! The canonical JSON is defined by the core's `Serialize` impls; serializing the same values
//! into Python objects gives `to_dict()` exactly the keys, order and values of that JSON
//! (maps become `dict`, sequences `list`, integers `int`, floats `float`, `null` `None`).

use pyo3::IntoPyObjectExt;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use serde::ser::{self, Serialize};
use std::cell::RefCell;
use std::collections::HashMap;

/// A serialization error (a Python exception raised while building the objects).
#[derive(Debug)]
pub struct Error(pub PyErr);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Error(PyValueError::new_err(msg.to_string()))
    }
}

impl From<PyErr> for Error {
    fn from(e: PyErr) -> Self {
        Error(e)
    }
}

/// Converts any serializable value into Python objects.
pub fn to_py<'py, T: Serialize + ?Sized>(
    py: Python<'py>,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    let keys = Keys::default();
    value.serialize(ToPy { py, keys: &keys }).map_err(|e| e.0)
}

/// The dict keys made during one conversion, reused: a plan repeats the same few dozen keys on
/// every node, and one shared key object saves an allocation and a hash per entry.
#[derive(Default)]
pub struct Keys<'py> {
    map: RefCell<HashMap<Box<str>, Bound<'py, PyString>>>,
}

/// Keys beyond this many are not remembered (unknown properties can have any name).
const MAX_KEYS: usize = 512;

impl<'py> Keys<'py> {
    /// The key object for `s`.
    fn get(&self, py: Python<'py>, s: &str) -> Bound<'py, PyString> {
        if let Some(k) = self.map.borrow().get(s) {
            return k.clone();
        }
        let k = PyString::new(py, s);
        let mut map = self.map.borrow_mut();
        if map.len() < MAX_KEYS {
            map.insert(s.into(), k.clone());
        }
        k
    }
}

/// The serializer: each call returns the Python object for one value.
#[derive(Clone, Copy)]
pub struct ToPy<'py, 'c> {
    /// The interpreter.
    pub py: Python<'py>,
    /// The keys made so far.
    pub keys: &'c Keys<'py>,
}

type Res<'py> = Result<Bound<'py, PyAny>, Error>;

impl<'py> ToPy<'py, '_> {
    fn obj<T: IntoPyObject<'py>>(self, v: T) -> Res<'py> {
        Ok(v.into_bound_py_any(self.py)?)
    }
}

/// A list being built.
pub struct Seq<'py, 'c> {
    to: ToPy<'py, 'c>,
    items: Vec<Bound<'py, PyAny>>,
}

/// A dict being built.
pub struct Map<'py, 'c> {
    to: ToPy<'py, 'c>,
    dict: Bound<'py, PyDict>,
    key: Option<Bound<'py, PyAny>>,
}

/// A dict holding one variant's payload (`{"Variant": value}`, serde's external tagging).
pub struct Tagged<'py, S> {
    variant: &'static str,
    inner: S,
    py: Python<'py>,
}

impl<'py, 'c> ser::Serializer for ToPy<'py, 'c> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    type SerializeSeq = Seq<'py, 'c>;
    type SerializeTuple = Seq<'py, 'c>;
    type SerializeTupleStruct = Seq<'py, 'c>;
    type SerializeTupleVariant = Tagged<'py, Seq<'py, 'c>>;
    type SerializeMap = Map<'py, 'c>;
    type SerializeStruct = Map<'py, 'c>;
    type SerializeStructVariant = Tagged<'py, Map<'py, 'c>>;

    fn serialize_bool(self, v: bool) -> Res<'py> {
        self.obj(v)
    }
    fn serialize_i8(self, v: i8) -> Res<'py> {
        self.obj(v)
    }
    fn serialize_i16(self, v: i16) -> Res<'py> {
        self.obj(v)
    }
    fn serialize_i32(self, v: i32) -> Res<'py> {
        self.obj(v)
    }
    fn serialize_i64(self, v: i64) -> Res<'py> {
        self.obj(v)
    }
    fn serialize_u8(self, v: u8) -> Res<'py> {
        self.obj(v)
    }
    fn serialize_u16(self, v: u16) -> Res<'py> {
        self.obj(v)
    }
    fn serialize_u32(self, v: u32) -> Res<'py> {
        self.obj(v)
    }
    fn serialize_u64(self, v: u64) -> Res<'py> {
        self.obj(v)
    }
    fn serialize_f32(self, v: f32) -> Res<'py> {
        self.obj(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Res<'py> {
        self.obj(v)
    }
    fn serialize_char(self, v: char) -> Res<'py> {
        self.obj(v.to_string())
    }
    fn serialize_str(self, v: &str) -> Res<'py> {
        self.obj(v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Res<'py> {
        self.obj(v)
    }
    fn serialize_none(self) -> Res<'py> {
        Ok(self.py.None().into_bound(self.py))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Res<'py> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Res<'py> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Res<'py> {
        self.serialize_none()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Res<'py> {
        self.obj(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Res<'py> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Res<'py> {
        let dict = PyDict::new(self.py);
        dict.set_item(variant, value.serialize(self)?)?;
        Ok(dict.into_any())
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Seq<'py, 'c>, Error> {
        Ok(Seq {
            to: self,
            items: Vec::with_capacity(len.unwrap_or(0)),
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Seq<'py, 'c>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Seq<'py, 'c>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Tagged<'py, Seq<'py, 'c>>, Error> {
        Ok(Tagged {
            variant,
            inner: self.serialize_seq(Some(len))?,
            py: self.py,
        })
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Map<'py, 'c>, Error> {
        Ok(Map {
            to: self,
            dict: PyDict::new(self.py),
            key: None,
        })
    }
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Map<'py, 'c>, Error> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Tagged<'py, Map<'py, 'c>>, Error> {
        Ok(Tagged {
            variant,
            inner: self.serialize_map(Some(len))?,
            py: self.py,
        })
    }
}

impl<'py> ser::SerializeSeq for Seq<'py, '_> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.items.push(value.serialize(self.to)?);
        Ok(())
    }
    fn end(self) -> Res<'py> {
        Ok(PyList::new(self.to.py, self.items)?.into_any())
    }
}

impl<'py> ser::SerializeTuple for Seq<'py, '_> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Res<'py> {
        ser::SerializeSeq::end(self)
    }
}

impl<'py> ser::SerializeTupleStruct for Seq<'py, '_> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Res<'py> {
        ser::SerializeSeq::end(self)
    }
}

impl<'py> ser::SerializeTupleVariant for Tagged<'py, Seq<'py, '_>> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(&mut self.inner, value)
    }
    fn end(self) -> Res<'py> {
        let dict = PyDict::new(self.py);
        dict.set_item(self.variant, ser::SerializeSeq::end(self.inner)?)?;
        Ok(dict.into_any())
    }
}

impl<'py> ser::SerializeMap for Map<'py, '_> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        let (py, keys) = (self.to.py, self.to.keys);
        self.key = Some(match key.serialize(StrOnly(|s: &str| keys.get(py, s))) {
            Ok(k) => k.into_any(),
            Err(NotAString) => key.serialize(self.to)?,
        });
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let key = self
            .key
            .take()
            .ok_or_else(|| <Error as ser::Error>::custom("a map value without a key"))?;
        self.dict.set_item(key, value.serialize(self.to)?)?;
        Ok(())
    }
    fn end(self) -> Res<'py> {
        Ok(self.dict.into_any())
    }
}

impl<'py> ser::SerializeStruct for Map<'py, '_> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.dict.set_item(key, value.serialize(self.to)?)?;
        Ok(())
    }
    fn end(self) -> Res<'py> {
        Ok(self.dict.into_any())
    }
}

impl<'py> ser::SerializeStructVariant for Tagged<'py, Map<'py, '_>> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        ser::SerializeStruct::serialize_field(&mut self.inner, key, value)
    }
    fn end(self) -> Res<'py> {
        let dict = PyDict::new(self.py);
        dict.set_item(self.variant, self.inner.dict)?;
        Ok(dict.into_any())
    }
}

/// A `SerializeMap` that keeps the value of one key and skips every other entry: reads one
/// field of a properties struct through its canonical serialization
/// (`Properties::serialize_fields`), groups flattened, without building the others.
pub struct Pick<'py, 'k> {
    py: Python<'py>,
    keys: Keys<'py>,
    /// The key wanted.
    want: &'k str,
    /// Whether the key just passed to `serialize_key` is the one wanted.
    hit: bool,
    /// The value found.
    pub found: Option<Bound<'py, PyAny>>,
}

impl<'py, 'k> Pick<'py, 'k> {
    /// A picker for `want`.
    pub fn new(py: Python<'py>, want: &'k str) -> Self {
        Pick {
            py,
            keys: Keys::default(),
            want,
            hit: false,
            found: None,
        }
    }
}

impl<'py> ser::SerializeMap for Pick<'py, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        let want = self.want;
        self.hit =
            self.found.is_none() && key.serialize(StrOnly(|s: &str| s == want)).unwrap_or(false);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        if self.hit {
            let to = ToPy {
                py: self.py,
                keys: &self.keys,
            };
            self.found = Some(value.serialize(to)?);
            self.hit = false;
        }
        Ok(())
    }
    fn end(self) -> Result<(), Error> {
        Ok(())
    }
}

/// Applies a function to a value serialized as a string (map keys: field names); fails on
/// anything else.
struct StrOnly<F>(F);

/// `StrOnly` fails on anything but a string; the error carries no information.
#[derive(Debug)]
struct NotAString;

impl std::fmt::Display for NotAString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not a string key")
    }
}

impl std::error::Error for NotAString {}

impl ser::Error for NotAString {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        NotAString
    }
}

macro_rules! not_a_string {
    ($($f:ident($t:ty)),*) => {
        $( fn $f(self, _: $t) -> Result<R, NotAString> { Err(NotAString) } )*
    };
}

impl<R, F: FnOnce(&str) -> R> ser::Serializer for StrOnly<F> {
    type Ok = R;
    type Error = NotAString;
    type SerializeSeq = ser::Impossible<R, NotAString>;
    type SerializeTuple = ser::Impossible<R, NotAString>;
    type SerializeTupleStruct = ser::Impossible<R, NotAString>;
    type SerializeTupleVariant = ser::Impossible<R, NotAString>;
    type SerializeMap = ser::Impossible<R, NotAString>;
    type SerializeStruct = ser::Impossible<R, NotAString>;
    type SerializeStructVariant = ser::Impossible<R, NotAString>;

    fn serialize_str(self, v: &str) -> Result<R, NotAString> {
        Ok((self.0)(v))
    }
    not_a_string!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_char(char),
        serialize_bytes(&[u8]),
        serialize_unit_struct(&'static str)
    );
    fn serialize_none(self) -> Result<R, NotAString> {
        Err(NotAString)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<R, NotAString> {
        Err(NotAString)
    }
    fn serialize_unit(self) -> Result<R, NotAString> {
        Err(NotAString)
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<R, NotAString> {
        Err(NotAString)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: &T,
    ) -> Result<R, NotAString> {
        Err(NotAString)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<R, NotAString> {
        Err(NotAString)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, NotAString> {
        Err(NotAString)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, NotAString> {
        Err(NotAString)
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, NotAString> {
        Err(NotAString)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, NotAString> {
        Err(NotAString)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, NotAString> {
        Err(NotAString)
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, NotAString> {
        Err(NotAString)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, NotAString> {
        Err(NotAString)
    }
}
