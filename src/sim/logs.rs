//! Container logs of the embedded cluster: plausible lines with real timestamps,
//! served through the pod `/log` subresource.

use std::sync::Arc;

use bytes::Bytes;
use futures::stream::BoxStream;
use jiff::Timestamp;

use super::api_error::{ApiError, ApiResult};
use super::store::Store;

/// The query parameters of `GET .../pods/NAME/log`.
#[derive(Debug, Clone, Default)]
pub struct LogRequest {
    /// `container`; required when the pod has more than one container.
    pub container: Option<String>,
    /// `follow`.
    pub follow: bool,
    /// `tailLines`.
    pub tail_lines: Option<i64>,
    /// `sinceSeconds`.
    pub since_seconds: Option<i64>,
    /// `sinceTime`.
    pub since_time: Option<Timestamp>,
    /// `timestamps`.
    pub timestamps: bool,
    /// `previous`.
    pub previous: bool,
    /// `limitBytes`.
    pub limit_bytes: Option<i64>,
}

/// The log of one container as a stream of chunks; it ends when `follow` is false
/// and the existing lines are sent, or when the pod goes away.
/// Errors are the API server's: NotFound, BadRequest (container name needed or unknown).
pub fn stream(
    store: Arc<Store>,
    namespace: &str,
    pod: &str,
    req: LogRequest,
) -> ApiResult<BoxStream<'static, Bytes>> {
    let _ = (store, namespace, pod, req);
    Err(ApiError::internal("logs are not built yet"))
}
