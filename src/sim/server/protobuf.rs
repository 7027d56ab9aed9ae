//! Decoding of Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`)
//! into the JSON form the rest of the server works on.
//!
//! kubectl's typed clients (`kubectl create deployment|configmap|secret|namespace|
//! service|serviceaccount`, `kubectl drain`'s evictions) send protobuf and nothing
//! else, so a server that wants them to work must read it. Only the kinds and fields
//! those clients send are described (in `schema`); unknown fields are skipped. Answers
//! are always JSON, which every client accepts.

mod schema;

use base64::Engine as _;
use serde_json::{Map, Value, json};

use crate::sim::api_error::{ApiError, ApiResult};

/// The 4-byte prefix of every Kubernetes protobuf message.
pub const MAGIC: &[u8] = b"k8s\0";

/// The type of one protobuf field.
#[derive(Clone, Copy, Debug)]
pub enum Ty {
    /// A string; empty strings are dropped like JSON's `omitempty`.
    Str,
    /// Bytes, written as base64.
    Bytes,
    /// An integer that is left out when zero (a non-pointer Go field with `omitempty`).
    Int,
    /// An integer kept even when zero (a pointer Go field, e.g. `replicas`).
    IntPtr,
    /// A boolean; false is dropped.
    Bool,
    /// A boolean kept even when false (a pointer Go field, e.g. `suspend`).
    BoolPtr,
    /// A nested message.
    Msg(&'static [Field]),
    /// `map<string, string>`.
    MapStr,
    /// `map<string, bytes>` (secret data), values base64.
    MapBytes,
    /// `map<string, Quantity>`.
    MapQuantity,
    /// `metav1.Time`: seconds and nanos, written as RFC 3339.
    Time,
    /// `intstr.IntOrString`.
    IntOrString,
}

/// One field of a message: number, JSON name, type, repeated or not.
#[derive(Clone, Copy, Debug)]
pub struct Field {
    /// Field number.
    pub no: u64,
    /// JSON name.
    pub name: &'static str,
    /// Type.
    pub ty: Ty,
    /// Whether the field is a list.
    pub repeated: bool,
}

fn bad(what: &str) -> ApiError {
    ApiError::bad_request(format!("cannot decode the protobuf body: {what}"))
}

fn varint(buf: &[u8], pos: &mut usize) -> ApiResult<u64> {
    let mut out: u64 = 0;
    for shift in (0..64).step_by(7) {
        let b = *buf.get(*pos).ok_or_else(|| bad("truncated varint"))?;
        *pos += 1;
        out |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Ok(out);
        }
    }
    Err(bad("varint too long"))
}

/// One raw field value.
enum Raw<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
}

/// Splits a message into (field number, raw value) pairs, skipping fixed-width ones.
fn fields(buf: &[u8]) -> ApiResult<Vec<(u64, Raw<'_>)>> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < buf.len() {
        let key = varint(buf, &mut pos)?;
        let (no, wire) = (key >> 3, key & 7);
        match wire {
            0 => out.push((no, Raw::Varint(varint(buf, &mut pos)?))),
            2 => {
                let len = usize::try_from(varint(buf, &mut pos)?).map_err(|_| bad("length"))?;
                let end = pos
                    .checked_add(len)
                    .filter(|e| *e <= buf.len())
                    .ok_or_else(|| bad("truncated field"))?;
                out.push((no, Raw::Bytes(&buf[pos..end])));
                pos = end;
            }
            1 => pos += 8,
            5 => pos += 4,
            _ => return Err(bad("unsupported wire type")),
        }
    }
    Ok(out)
}

fn text(b: &[u8]) -> ApiResult<String> {
    String::from_utf8(b.to_vec()).map_err(|_| bad("a string is not UTF-8"))
}

fn map_entry(b: &[u8]) -> ApiResult<(String, &[u8])> {
    let mut key = String::new();
    let mut value: &[u8] = &[];
    for (no, raw) in fields(b)? {
        match (no, raw) {
            (1, Raw::Bytes(k)) => key = text(k)?,
            (2, Raw::Bytes(v)) => value = v,
            _ => {}
        }
    }
    Ok((key, value))
}

/// Decodes a message of the given schema; `None` means "leave the field out".
fn decode_value(ty: Ty, raw: &Raw<'_>) -> ApiResult<Option<Value>> {
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    Ok(match (ty, raw) {
        (Ty::Str, Raw::Bytes(b)) => Some(json!(text(b)?)).filter(|v| v != ""),
        (Ty::Bytes, Raw::Bytes(b)) => Some(json!(b64(b))),
        // Go's int32/int64 arrive sign-extended to 64 bits.
        #[expect(
            clippy::cast_possible_wrap,
            reason = "two's complement is the wire form"
        )]
        (Ty::Int, Raw::Varint(v)) => Some(json!(*v as i64)).filter(|v| v != 0),
        #[expect(
            clippy::cast_possible_wrap,
            reason = "two's complement is the wire form"
        )]
        (Ty::IntPtr, Raw::Varint(v)) => Some(json!(*v as i64)),
        (Ty::Bool, Raw::Varint(v)) => (*v != 0).then_some(json!(true)),
        (Ty::BoolPtr, Raw::Varint(v)) => Some(json!(*v != 0)),
        (Ty::Msg(schema), Raw::Bytes(b)) => Some(decode_message(b, schema)?),
        (Ty::Time, Raw::Bytes(b)) => {
            let mut secs = 0_i64;
            for (no, raw) in fields(b)? {
                if let (1, Raw::Varint(v)) = (no, raw) {
                    #[expect(
                        clippy::cast_possible_wrap,
                        reason = "two's complement is the wire form"
                    )]
                    {
                        secs = v as i64;
                    }
                }
            }
            if secs == 0 {
                None
            } else {
                jiff::Timestamp::from_second(secs)
                    .ok()
                    .map(|t| json!(crate::sim::clock::format_time(t)))
            }
        }
        (Ty::IntOrString, Raw::Bytes(b)) => {
            let (mut kind, mut int, mut s) = (0, 0_i64, String::new());
            for (no, raw) in fields(b)? {
                match (no, raw) {
                    (1, Raw::Varint(v)) => kind = v,
                    #[expect(
                        clippy::cast_possible_wrap,
                        reason = "two's complement is the wire form"
                    )]
                    (2, Raw::Varint(v)) => int = v as i64,
                    (3, Raw::Bytes(b)) => s = text(b)?,
                    _ => {}
                }
            }
            Some(if kind == 1 { json!(s) } else { json!(int) })
        }
        _ => return Err(bad("a field has an unexpected wire type")),
    })
}

/// Decodes one message with its schema into a JSON object.
pub fn decode_message(buf: &[u8], schema: &[Field]) -> ApiResult<Value> {
    let mut obj = Map::new();
    for (no, raw) in fields(buf)? {
        let Some(field) = schema.iter().find(|f| f.no == no) else {
            continue;
        };
        match field.ty {
            Ty::MapStr | Ty::MapBytes | Ty::MapQuantity => {
                let Raw::Bytes(entry_bytes) = raw else {
                    return Err(bad("a map entry has an unexpected wire type"));
                };
                let (map_key, map_value) = map_entry(entry_bytes)?;
                let value = match field.ty {
                    Ty::MapBytes => {
                        json!(base64::engine::general_purpose::STANDARD.encode(map_value))
                    }
                    Ty::MapQuantity => {
                        let quantity =
                            fields(map_value)?
                                .into_iter()
                                .find_map(|(n, r)| match (n, r) {
                                    (1, Raw::Bytes(s)) => Some(s),
                                    _ => None,
                                });
                        json!(text(quantity.unwrap_or_default())?)
                    }
                    _ => json!(text(map_value)?),
                };
                let entry = obj.entry(field.name).or_insert_with(|| json!({}));
                if let Some(m) = entry.as_object_mut() {
                    m.insert(map_key, value);
                }
            }
            _ => {
                // Repeated elements keep their zero values (an empty string in a list is data).
                let value = if field.repeated {
                    decode_value(field.ty, &raw)?.or_else(|| match field.ty {
                        Ty::Str => Some(json!("")),
                        Ty::Int => Some(json!(0)),
                        _ => None,
                    })
                } else {
                    decode_value(field.ty, &raw)?
                };
                let Some(value) = value else { continue };
                if field.repeated {
                    let entry = obj.entry(field.name).or_insert_with(|| json!([]));
                    if let Some(list) = entry.as_array_mut() {
                        list.push(value);
                    }
                } else {
                    obj.insert(field.name.to_string(), value);
                }
            }
        }
    }
    Ok(Value::Object(obj))
}

/// Decodes a whole request body: the `k8s\0` envelope, its type, and the object.
pub fn decode(body: &[u8]) -> ApiResult<Value> {
    let rest = body
        .strip_prefix(MAGIC)
        .ok_or_else(|| bad("the k8s magic prefix is missing"))?;
    let (mut api_version, mut kind, mut raw): (String, String, &[u8]) =
        (String::new(), String::new(), &[]);
    for (no, value) in fields(rest)? {
        match (no, value) {
            (1, Raw::Bytes(type_meta)) => {
                for (n, v) in fields(type_meta)? {
                    match (n, v) {
                        (1, Raw::Bytes(s)) => api_version = text(s)?,
                        (2, Raw::Bytes(s)) => kind = text(s)?,
                        _ => {}
                    }
                }
            }
            (2, Raw::Bytes(b)) => raw = b,
            _ => {}
        }
    }
    let top = schema::for_kind(&api_version, &kind).ok_or_else(|| {
        let mut e = ApiError::bad_request(format!(
            "the embedded cluster cannot decode {kind} ({api_version}) from protobuf; send JSON"
        ));
        e.code = 415;
        e.reason = "UnsupportedMediaType";
        e
    })?;
    let mut obj = decode_message(raw, top)?;
    obj["apiVersion"] = json!(api_version);
    obj["kind"] = json!(kind);
    Ok(obj)
}

#[cfg(test)]
mod tests;
