//! Serde for stored bytes (uploaded files): base64 text in snapshots.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use bytes::Bytes;
use serde::{Deserialize, Deserializer, Serializer};

fn decode<'de, D: Deserializer<'de>>(text: &str) -> Result<Bytes, D::Error> {
    STANDARD
        .decode(text)
        .map(Bytes::from)
        .map_err(serde::de::Error::custom)
}

/// `Option<Bytes>` as base64 text or `null`.
pub(crate) mod option {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(v: &Option<Bytes>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(b) => s.serialize_some(&STANDARD.encode(b)),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Bytes>, D::Error> {
        match Option::<String>::deserialize(d)? {
            Some(t) => decode::<D>(&t).map(Some),
            None => Ok(None),
        }
    }
}

/// `HashMap<String, Bytes>` as a map of base64 texts.
pub(crate) mod map {
    use std::collections::HashMap;

    use serde::ser::SerializeMap;

    use super::*;

    pub(crate) fn serialize<S: Serializer>(
        v: &HashMap<String, Bytes>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        // Sorted, so that two snapshots of one workspace are the same text.
        let mut keys: Vec<&String> = v.keys().collect();
        keys.sort();
        let mut m = s.serialize_map(Some(v.len()))?;
        for k in keys {
            if let Some(b) = v.get(k) {
                m.serialize_entry(k, &STANDARD.encode(b))?;
            }
        }
        m.end()
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<HashMap<String, Bytes>, D::Error> {
        HashMap::<String, String>::deserialize(d)?
            .into_iter()
            .map(|(k, t)| decode::<D>(&t).map(|b| (k, b)))
            .collect()
    }
}
