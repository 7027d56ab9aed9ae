//! The embedded cluster's HTTP API server: routing, discovery, verbs, watch streams, tables, auth and the request log.
