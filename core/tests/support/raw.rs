//! Raw documents as JSON-shaped values, read without planlint: YAML with yaml-rust2, XML with
//! quick-xml's events into a generic tree. Test helpers: they panic on malformed input.
#![allow(dead_code)]

use serde_json::{Map, Number, Value};

/// A YAML document as JSON: mappings, sequences, bare numbers and booleans typed, quoted
/// strings as strings, an empty value (`Triggers: `) as null.
pub fn yaml(text: &str) -> Value {
    let docs = yaml_rust2::YamlLoader::load_from_str(text).expect("well-formed YAML");
    docs.first().map_or(Value::Null, yaml_value)
}

fn yaml_value(y: &yaml_rust2::Yaml) -> Value {
    use yaml_rust2::Yaml;
    match y {
        Yaml::Real(s) => s
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map_or_else(|| Value::String(s.clone()), Value::Number),
        Yaml::Integer(i) => Value::Number((*i).into()),
        Yaml::String(s) => Value::String(s.clone()),
        Yaml::Boolean(b) => Value::Bool(*b),
        Yaml::Array(a) => Value::Array(a.iter().map(yaml_value).collect()),
        Yaml::Hash(h) => Value::Object(
            h.iter()
                .map(|(k, v)| (k.as_str().unwrap_or("?").to_string(), yaml_value(v)))
                .collect(),
        ),
        _ => Value::Null,
    }
}

/// Elements whose children are the members of a list (besides lists of `<Item>`s).
const XML_LISTS: &[&str] = &[
    "Plans",
    "Workers",
    "Triggers",
    "Target-Tables",
    "Grouping-Sets",
    "Group-Keys",
    "Hash-Keys",
];

/// An element being read: its name, its children (name, value), its text.
type Element = (String, Vec<(String, Value)>, String);

/// An XML document as JSON: elements with children become objects (a repeated name collects
/// its values in an array), list elements and `<Item>` lists arrays, text strings (blank text
/// of an element printed open and closed: an empty string). The root `<explain>` is an array
/// of its `<Query>` elements, or (auto_explain) an object.
pub fn xml(text: &str) -> Value {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => stack.push((
                String::from_utf8_lossy(e.local_name().as_ref()).into_owned(),
                Vec::new(),
                String::new(),
            )),
            Event::Empty(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if let Some(top) = stack.last_mut() {
                    top.1.push((name, Value::String(String::new())));
                }
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    top.2.push_str(&t.xml10_content().unwrap());
                }
            }
            Event::GeneralRef(r) => {
                let s = match r.resolve_char_ref().unwrap() {
                    Some(c) => c.to_string(),
                    None => quick_xml::escape::resolve_predefined_entity(&r.decode().unwrap())
                        .unwrap()
                        .to_string(),
                };
                if let Some(top) = stack.last_mut() {
                    top.2.push_str(&s);
                }
            }
            Event::End(_) => {
                let (name, children, text) = stack.pop().unwrap();
                let list = XML_LISTS.contains(&name.as_str())
                    || (!children.is_empty() && children.iter().all(|(n, _)| n == "Item"))
                    || (name == "explain" && children.first().is_some_and(|(n, _)| n == "Query"));
                let value = if children.is_empty() {
                    if text.trim().is_empty() && text.contains('\n') {
                        Value::String(String::new())
                    } else {
                        Value::String(text)
                    }
                } else if list {
                    Value::Array(children.into_iter().map(|(_, v)| v).collect())
                } else {
                    let mut map = Map::new();
                    for (n, v) in children {
                        match map.get_mut(&n) {
                            None => {
                                map.insert(n, v);
                            }
                            Some(Value::Array(a)) => a.push(v),
                            Some(old) => {
                                let first = old.take();
                                *old = Value::Array(vec![first, v]);
                            }
                        }
                    }
                    Value::Object(map)
                };
                match stack.last_mut() {
                    Some(top) => top.1.push((name, value)),
                    None => return value,
                }
            }
            Event::Eof => panic!("unexpected end of the XML document"),
            _ => {}
        }
    }
}
