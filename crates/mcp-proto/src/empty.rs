//! [`Empty`]: the `{}` payload.

use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// An empty object payload (`{}`), as in `sendUserMessage`'s result or `ping`'s.
///
/// Writes `{}`. Reads `{}`, `null` and any object (extra members a newer peer adds are
/// ignored), so an "empty" answer never fails to decode.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Empty {}

impl Serialize for Empty {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        s.serialize_map(Some(0))?.end()
    }
}

impl<'de> Deserialize<'de> for Empty {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Empty;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object or null")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Empty, E> {
                Ok(Empty {})
            }
            fn visit_none<E: de::Error>(self) -> Result<Empty, E> {
                Ok(Empty {})
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Empty, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Empty {})
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_null_and_objects_writes_braces() {
        assert_eq!(serde_json::from_str::<Empty>("null").unwrap(), Empty {});
        assert_eq!(
            serde_json::from_str::<Empty>(r#"{"new":1}"#).unwrap(),
            Empty {}
        );
        assert!(serde_json::from_str::<Empty>("[]").is_err());
        assert_eq!(serde_json::to_string(&Empty {}).unwrap(), "{}");
    }
}
