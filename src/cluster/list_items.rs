//! A List document read as its bytes arrive: each element of its `items` is handed over
//! whole as soon as its last byte is in, and the other members (`metadata` with the
//! continue token and resourceVersion) are kept. At no time is more than one item's text
//! held, where reading the body first holds the whole page (2.3 MB for 500 real pods)
//! two or three times over, and then all its objects decoded at once.
//!
//! Only the document's structure is checked here (strings, nesting); each item's text is
//! decoded by the caller, and the `metadata` by [`ListItems::list_meta`].

use futures::{AsyncBufRead, AsyncBufReadExt as _};
use serde::Deserialize;
use serde::de::{DeserializeOwned, Error as _};

/// Where the reader is in the List document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum At {
    /// Before the opening `{`.
    Start,
    /// Before a member's key, or the closing `}`.
    Key,
    /// Inside a member's key.
    KeyText,
    /// After a key, before its `:`.
    Colon,
    /// Before a member's value.
    Value,
    /// Inside a member's value other than `items`.
    InValue,
    /// Inside `items`, before an item or the closing `]`.
    Item,
    /// Inside an item.
    InItem,
    /// After an item, before `,` or `]`.
    AfterItem,
    /// After a member's value, before `,` or `}`.
    AfterValue,
    /// After the closing `}`.
    End,
}

/// The nesting and string state of one JSON value being scanned.
#[derive(Debug, Default, Clone, Copy)]
struct Scan {
    depth: u32,
    in_string: bool,
    escaped: bool,
    /// A number or literal (`true`, `null`...) at the top: it ends before a delimiter.
    scalar: bool,
}

/// What a byte did to the value being scanned.
enum Step {
    /// The value goes on.
    More,
    /// The value ended with this byte.
    EndsHere,
    /// The value ended just before this byte (a number or literal).
    EndedBefore,
}

impl Scan {
    fn step(&mut self, b: u8, first: bool) -> Step {
        if self.in_string {
            if self.escaped {
                self.escaped = false;
            } else if b == b'\\' {
                self.escaped = true;
            } else if b == b'"' {
                self.in_string = false;
                if self.depth == 0 {
                    return Step::EndsHere;
                }
            }
            return Step::More;
        }
        if first {
            self.scalar = !matches!(b, b'{' | b'[' | b'"');
        }
        match b {
            b'"' => self.in_string = true,
            b'{' | b'[' => self.depth += 1,
            b'}' | b']' | b',' | b' ' | b'\n' | b'\r' | b'\t' if self.scalar => {
                return Step::EndedBefore;
            }
            b'}' | b']' => {
                self.depth = self.depth.saturating_sub(1);
                if self.depth == 0 {
                    return Step::EndsHere;
                }
            }
            _ => {}
        }
        Step::More
    }
}

/// The List's own metadata: where the next page starts, and the version it was read at.
#[derive(Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", default)]
pub struct ListMeta {
    /// The version of the list, to watch from.
    pub resource_version: String,
    /// The token of the next page; empty on the last one.
    #[serde(rename = "continue")]
    pub next: String,
}

/// The reader of one List document fed chunk by chunk.
#[derive(Debug)]
pub struct ListItems {
    at: At,
    scan: Scan,
    /// The current key, or the text of the current value (an item, or `metadata`).
    text: Vec<u8>,
    /// Whether the member being read is `items` / `metadata`.
    member: Member,
    metadata: Vec<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Member {
    Items,
    Metadata,
    Other,
}

/// The document is not a JSON object with an `items` array.
#[derive(Debug, thiserror::Error)]
#[error("not a list: {0}")]
pub struct NotAList(&'static str);

impl Default for ListItems {
    fn default() -> Self {
        Self {
            at: At::Start,
            scan: Scan::default(),
            text: Vec::new(),
            member: Member::Other,
            metadata: Vec::new(),
        }
    }
}

impl ListItems {
    /// Reads `chunk`, handing the text of each item completed in it to `item`.
    pub fn feed<E: From<NotAList>>(
        &mut self,
        chunk: &[u8],
        mut item: impl FnMut(&[u8]) -> Result<(), E>,
    ) -> Result<(), E> {
        // Bytes of a value are copied in runs, not one at a time.
        let mut run_start: Option<usize> = matches!(self.at, At::InItem | At::InValue).then_some(0);
        let mut i = 0;
        while i < chunk.len() {
            let b = chunk[i];
            match self.at {
                At::InItem | At::InValue => {
                    let step = self.scan.step(b, false);
                    match step {
                        Step::More => {}
                        Step::EndsHere | Step::EndedBefore => {
                            let end = if matches!(step, Step::EndsHere) {
                                i + 1
                            } else {
                                i
                            };
                            let start = run_start.take().unwrap_or(i);
                            self.text.extend_from_slice(&chunk[start..end]);
                            self.value_done(&mut item)?;
                            if matches!(step, Step::EndedBefore) {
                                // The delimiter is read again in the new place.
                                continue;
                            }
                        }
                    }
                }
                _ if b.is_ascii_whitespace() && self.at != At::KeyText => {}
                At::Start if b == b'{' => self.at = At::Key,
                At::Key if b == b'"' => {
                    self.text.clear();
                    self.scan = Scan::default();
                    self.scan.in_string = true;
                    self.at = At::KeyText;
                }
                At::KeyText => {
                    if matches!(self.scan.step(b, false), Step::EndsHere) {
                        self.member = match self.text.as_slice() {
                            b"items" => Member::Items,
                            b"metadata" => Member::Metadata,
                            _ => Member::Other,
                        };
                        self.at = At::Colon;
                    } else {
                        self.text.push(b);
                    }
                }
                At::Colon if b == b':' => self.at = At::Value,
                At::Value if self.member == Member::Items => {
                    if b != b'[' {
                        return Err(NotAList("its items are not an array").into());
                    }
                    self.at = At::Item;
                }
                At::Value | At::Item => {
                    if self.at == At::Item && b == b']' {
                        self.at = At::AfterValue;
                    } else {
                        self.at = if self.at == At::Item {
                            At::InItem
                        } else {
                            At::InValue
                        };
                        self.text.clear();
                        self.scan = Scan::default();
                        run_start = Some(i);
                        if matches!(self.scan.step(b, true), Step::EndsHere) {
                            // Cannot happen for a first byte; kept total for clarity.
                            self.text.push(b);
                            run_start = None;
                            self.value_done(&mut item)?;
                        }
                    }
                }
                At::AfterItem if b == b',' => self.at = At::Item,
                At::AfterItem if b == b']' => self.at = At::AfterValue,
                At::AfterValue if b == b',' => self.at = At::Key,
                At::Key | At::AfterValue if b == b'}' => self.at = At::End,
                At::End => return Err(NotAList("text after the end").into()),
                _ => return Err(NotAList("unexpected character").into()),
            }
            i += 1;
        }
        if let Some(start) = run_start {
            self.text.extend_from_slice(&chunk[start..]);
        }
        Ok(())
    }

    fn value_done<E>(&mut self, item: &mut impl FnMut(&[u8]) -> Result<(), E>) -> Result<(), E> {
        if self.at == At::InItem {
            self.at = At::AfterItem;
            item(&self.text)?;
        } else {
            self.at = At::AfterValue;
            if self.member == Member::Metadata {
                self.metadata = std::mem::take(&mut self.text);
            }
        }
        self.text.clear();
        Ok(())
    }

    /// Whether the whole document was read.
    pub fn complete(&self) -> bool {
        self.at == At::End
    }

    /// The List's metadata (empty fields if it had none).
    pub fn list_meta(&self) -> Result<ListMeta, serde_json::Error> {
        if self.metadata.is_empty() {
            return Ok(ListMeta::default());
        }
        serde_json::from_slice(&self.metadata)
    }
}

/// Why a List's text could not be read.
#[derive(Debug)]
pub enum ItemError {
    /// Its structure is not a List's.
    NotAList(NotAList),
    /// An item could not be decoded.
    Decode(serde_json::Error),
}

impl From<NotAList> for ItemError {
    fn from(e: NotAList) -> Self {
        Self::NotAList(e)
    }
}

impl From<serde_json::Error> for ItemError {
    fn from(e: serde_json::Error) -> Self {
        Self::Decode(e)
    }
}

impl From<ItemError> for kube::Error {
    fn from(e: ItemError) -> Self {
        match e {
            ItemError::NotAList(e) => kube::Error::SerdeError(serde_json::Error::custom(e)),
            ItemError::Decode(e) => kube::Error::SerdeError(e),
        }
    }
}

impl ListItems {
    /// The items completed by the next bytes of `body`, each decoded as a `T`; `None` once
    /// the body ended (an error if the List did not).
    pub async fn read_next<T: DeserializeOwned>(
        &mut self,
        body: &mut (impl AsyncBufRead + Unpin + ?Sized),
    ) -> kube::Result<Option<Vec<T>>> {
        loop {
            let chunk = body.fill_buf().await.map_err(kube::Error::ReadEvents)?;
            if chunk.is_empty() {
                if !self.complete() {
                    let cut = serde_json::Error::custom("the list ended part way");
                    return Err(kube::Error::SerdeError(cut));
                }
                return Ok(None);
            }
            let mut objects = Vec::new();
            let read = self.feed::<ItemError>(chunk, |text| {
                objects.push(serde_json::from_slice(text)?);
                Ok(())
            });
            let length = chunk.len();
            body.consume_unpin(length);
            read?;
            if !objects.is_empty() {
                return Ok(Some(objects));
            }
        }
    }
}

/// Reads the List `body` to its end, decoding each item as a `T` for `each` as soon as it
/// is in; returns the List's metadata.
pub async fn read_each<T: DeserializeOwned>(
    body: impl AsyncBufRead,
    mut each: impl FnMut(T),
) -> kube::Result<ListMeta> {
    let mut body = std::pin::pin!(body);
    let mut items = ListItems::default();
    while let Some(objects) = items.read_next(&mut body).await? {
        objects.into_iter().for_each(&mut each);
    }
    items.list_meta().map_err(kube::Error::SerdeError)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The items of `doc` fed in chunks of `size` bytes, and its metadata.
    fn split(doc: &str, size: usize) -> (Vec<String>, ListMeta, bool) {
        let mut reader = ListItems::default();
        let mut items = Vec::new();
        for chunk in doc.as_bytes().chunks(size) {
            reader
                .feed::<NotAList>(chunk, |text| {
                    items.push(String::from_utf8(text.to_vec()).expect("utf-8"));
                    Ok(())
                })
                .expect("a list");
        }
        (
            items,
            reader.list_meta().expect("metadata"),
            reader.complete(),
        )
    }

    const DOC: &str = r#"{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"42","continue":"abc=="},
      "items":[ {"metadata":{"name":"a}\"[{"},"spec":{"x":[1,2,{"y":"]"}]}} ,
                {"metadata":{"name":"b\\"},"n":-1.5e3,"t":true,"z":null},{}
      ]}"#;

    #[test]
    fn items_come_whole_whatever_the_chunks() {
        let expected = [
            r#"{"metadata":{"name":"a}\"[{"},"spec":{"x":[1,2,{"y":"]"}]}}"#,
            r#"{"metadata":{"name":"b\\"},"n":-1.5e3,"t":true,"z":null}"#,
            "{}",
        ];
        for size in [1, 2, 3, 7, 64, DOC.len()] {
            let (items, meta, complete) = split(DOC, size);
            assert_eq!(items, expected, "chunks of {size}");
            assert_eq!(meta.resource_version, "42");
            assert_eq!(meta.next, "abc==");
            assert!(complete);
        }
    }

    #[test]
    fn metadata_after_the_items_and_scalars_at_the_top() {
        let doc = r#"{"items":[{"a":1}],"count":12,"ok":false,"metadata":{"resourceVersion":"7"}}"#;
        for size in [1, 5, doc.len()] {
            let (items, meta, complete) = split(doc, size);
            assert_eq!(items, [r#"{"a":1}"#]);
            assert_eq!(meta.resource_version, "7");
            assert_eq!(meta.next, "");
            assert!(complete);
        }
    }

    #[test]
    fn an_empty_list_and_a_cut_one() {
        let (items, _, complete) = split(r#"{"metadata":{},"items":[]}"#, 4);
        assert!(items.is_empty());
        assert!(complete);
        let (items, _, complete) = split(r#"{"items":[{"a":1},{"b":"#, 4);
        assert_eq!(items, [r#"{"a":1}"#]);
        assert!(!complete, "a body cut short is not a whole list");
    }

    #[test]
    fn what_is_not_a_list_is_refused() {
        for doc in ["[1,2]", r#"{"items":[1]}x"#, r#"{"a" 1}"#] {
            let mut reader = ListItems::default();
            let got = reader.feed::<NotAList>(doc.as_bytes(), |_| Ok(()));
            assert!(got.is_err(), "{doc}");
        }
    }
}
