//! List then watch a typed kind, speaking kube-runtime's watcher events (Init,
//! InitApply, InitDone, Apply, Delete) so the watches' batching, states and retries
//! apply unchanged; but each list page is read as its bytes arrive, one item decoded at
//! a time ([`ListItems`]), where kube's watcher reads each page's whole body, copies it
//! twice and decodes all its objects before handing over the first. The watch itself is
//! kube's (one event a line). The stream ends after its first error; the caller starts
//! a new one, which lists again.

use std::pin::Pin;

use futures::AsyncBufRead;
use futures::stream::{self, BoxStream, StreamExt as _};
use kube::api::{Api, ListParams, WatchEvent, WatchParams};
use kube::runtime::watcher::{self, Event};
use kube::{Resource, ResourceExt as _};
use serde::de::DeserializeOwned;

use super::super::list_items::ListItems;
use super::PAGE_SIZE;

type Item<K> = watcher::Result<Event<K>>;
type Body = Pin<Box<dyn AsyncBufRead + Send>>;
type Events<K> = BoxStream<'static, kube::Result<WatchEvent<K>>>;

/// How long the server keeps a watch open before the stream starts another.
const WATCH_TIMEOUT_SECS: u32 = 290;

enum Step<K> {
    /// Asking for a page: its continue token (`None`: the first page).
    List(Option<String>),
    /// Reading a page's body.
    Page {
        body: Body,
        items: ListItems,
        first: bool,
    },
    /// Watching from a resourceVersion.
    Watch(String),
    /// Reading a watch's events; the resourceVersion seen last.
    Watching(Events<K>, String),
    /// The stream ended (after an error).
    Done,
}

/// Lists (page by page, `PAGE_SIZE` objects a page) then watches what `api` names.
pub fn stream<K>(api: Api<K>) -> BoxStream<'static, Item<K>>
where
    K: Resource<DynamicType = ()> + Clone + DeserializeOwned + std::fmt::Debug + Send + 'static,
{
    stream::unfold(Step::List(None), move |step| {
        let api = api.clone();
        async move {
            let (events, next) = advance(&api, step).await?;
            Some((stream::iter(events), next))
        }
    })
    .flatten()
    .boxed()
}

/// One move of the stream: the events it makes and where it goes next (`None`: it ended).
async fn advance<K>(api: &Api<K>, step: Step<K>) -> Option<(Vec<Item<K>>, Step<K>)>
where
    K: Resource<DynamicType = ()> + Clone + DeserializeOwned + std::fmt::Debug + Send + 'static,
{
    let failed = |e| Some((vec![Err(e)], Step::Done));
    match step {
        Step::Done => None,
        Step::List(token) => {
            let first = token.is_none();
            match open_page(api, token).await {
                Err(e) => failed(watcher::Error::InitialListFailed(e)),
                Ok(body) => {
                    let events = if first {
                        vec![Ok(Event::Init)]
                    } else {
                        Vec::new()
                    };
                    let items = ListItems::default();
                    Some((events, Step::Page { body, items, first }))
                }
            }
        }
        Step::Page {
            mut body,
            mut items,
            first,
        } => match items.read_next(&mut body).await {
            Err(e) => failed(watcher::Error::InitialListFailed(e)),
            Ok(Some(objects)) => {
                let events = objects
                    .into_iter()
                    .map(|o| Ok(Event::InitApply(o)))
                    .collect();
                Some((events, Step::Page { body, items, first }))
            }
            Ok(None) => {
                let meta = match items.list_meta() {
                    Ok(meta) => meta,
                    Err(e) => {
                        return failed(watcher::Error::InitialListFailed(kube::Error::SerdeError(
                            e,
                        )));
                    }
                };
                if meta.next.is_empty() {
                    Some((
                        vec![Ok(Event::InitDone)],
                        Step::Watch(meta.resource_version),
                    ))
                } else {
                    Some((Vec::new(), Step::List(Some(meta.next))))
                }
            }
        },
        Step::Watch(from) => {
            // Bookmarks (on by default) move the version on where nothing changes.
            let params = WatchParams::default().timeout(WATCH_TIMEOUT_SECS);
            match api.watch(&params, &from).await {
                Err(e) => failed(watcher::Error::WatchStartFailed(e)),
                Ok(events) => Some((Vec::new(), Step::Watching(events.boxed(), from))),
            }
        }
        Step::Watching(mut events, mut at) => match events.next().await {
            // The server ended the watch (its timeout): watch again from where it was.
            None => Some((Vec::new(), Step::Watch(at))),
            Some(Err(e)) => failed(watcher::Error::WatchFailed(e)),
            Some(Ok(event)) => {
                let out = match event {
                    WatchEvent::Added(o) | WatchEvent::Modified(o) => {
                        at = o.resource_version().unwrap_or(at);
                        vec![Ok(Event::Apply(o))]
                    }
                    WatchEvent::Deleted(o) => {
                        at = o.resource_version().unwrap_or(at);
                        vec![Ok(Event::Delete(o))]
                    }
                    WatchEvent::Bookmark(b) => {
                        at = b.metadata.resource_version;
                        Vec::new()
                    }
                    WatchEvent::Error(status) => {
                        return failed(watcher::Error::WatchError(status));
                    }
                };
                Some((out, Step::Watching(events, at)))
            }
        },
    }
}

/// The body of one list page, as it arrives.
async fn open_page<K>(api: &Api<K>, token: Option<String>) -> kube::Result<Body>
where
    K: Resource<DynamicType = ()> + Clone + DeserializeOwned + std::fmt::Debug,
{
    let params = ListParams {
        limit: Some(PAGE_SIZE),
        continue_token: token,
        ..ListParams::default()
    };
    let request = kube::core::Request::new(api.resource_url())
        .list(&params)
        .map_err(kube::Error::BuildRequest)?;
    let client = api.clone().into_client();
    let body = client.request_stream(request).await?;
    Ok(Box::pin(body))
}
