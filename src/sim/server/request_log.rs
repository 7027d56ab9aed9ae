//! The request log: one record per request served, for tests to read.

use std::collections::VecDeque;
use std::sync::Mutex;

/// One request as the server saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestRecord {
    /// HTTP method, e.g. `GET`.
    pub method: String,
    /// Path without the auth prefix, with the query string, e.g. `/api/v1/pods?watch=1`.
    pub path: String,
    /// Kubernetes verb: get, list, watch, create, update, patch, delete, deletecollection
    /// (`get` for discovery and other non-resource paths).
    pub verb: String,
    /// User name, or `system:anonymous` when authentication failed.
    pub user: String,
    /// HTTP status code of the answer.
    pub status: u16,
    /// The `User-Agent` header as sent ("" when absent), e.g.
    /// `kubectl/v1.32.0 (linux/amd64) kubernetes/abc1234`: who sent the request.
    pub user_agent: String,
}

/// A bounded log of requests (the oldest are dropped past the cap).
#[derive(Debug)]
pub struct RequestLog {
    records: Mutex<VecDeque<RequestRecord>>,
    cap: usize,
}

impl Default for RequestLog {
    fn default() -> Self {
        Self {
            records: Mutex::new(VecDeque::new()),
            cap: 100_000,
        }
    }
}

impl RequestLog {
    /// Appends a record.
    pub fn record(&self, record: RequestRecord) {
        let mut records = self
            .records
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        records.push_back(record);
        while records.len() > self.cap {
            records.pop_front();
        }
    }

    /// A copy of every record kept, oldest first.
    pub fn snapshot(&self) -> Vec<RequestRecord> {
        self.records
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .cloned()
            .collect()
    }
}
