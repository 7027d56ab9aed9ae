//! The one request handler: strips the auth prefix, authenticates, parses the
//! Kubernetes path into a target, authorizes, dispatches to the verb and logs.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::auth::{self, User};
use super::request_log::RequestRecord;
use super::streams::upgrade::PendingUpgrade;
use super::{
    ServerState, access_review, convert, delete, discovery, list, openapi, patch, protobuf,
    shown_time, subresources, watch, wire, write,
};
use crate::sim::api_error::{ApiError, ApiResult};
use crate::sim::managed_fields::Manager;
use crate::sim::resources::{Registry, ResourceType};

/// The axum router of the API server.
pub fn router(state: Arc<ServerState>) -> Router {
    Router::new().fallback(handle).with_state(state)
}

/// A resource URL: `/api/v1/namespaces/NS/pods/NAME/log` and its shorter forms.
#[derive(Clone, Debug)]
pub struct ResourcePath {
    /// The type named by the URL.
    pub rt: &'static ResourceType,
    /// The version of the URL (objects are converted to and from it).
    pub version: String,
    /// The namespace segment, if any.
    pub namespace: Option<String>,
    /// The object name, if any.
    pub name: Option<String>,
    /// The subresource (`status`, `scale`, `log`, ...), if any.
    pub subresource: Option<String>,
}

/// What a URL names.
#[derive(Debug)]
enum Target {
    Version,
    Health,
    ApiVersions,
    GroupList,
    Group(String),
    GroupResources(String, String),
    OpenApi(String),
    Resource(ResourcePath),
}

/// One API request after routing and authentication.
pub struct ApiRequest {
    /// The server state.
    pub state: Arc<ServerState>,
    /// The URL's resource.
    pub path: ResourcePath,
    /// The query parameters.
    pub query: HashMap<String, String>,
    /// The request headers.
    pub headers: HeaderMap,
    /// The request body.
    pub body: Bytes,
    /// Who asks.
    pub user: User,
    /// The Kubernetes verb.
    pub verb: &'static str,
    /// The connection and raw query, for the requests that become streams (exec, attach, port-forward).
    pub upgrade: PendingUpgrade,
    /// Cancelled when the streams open when this request arrived must end (taken before
    /// the request was authenticated, so a watch authenticated just before
    /// [`ApiServer::disconnect_watches`](super::ApiServer::disconnect_watches) is cut too,
    /// as a server cutting its connections cuts the requests under way).
    pub streams_cancel: CancellationToken,
}

impl ApiRequest {
    /// A query parameter.
    pub fn param(&self, key: &str) -> Option<&str> {
        self.query.get(key).map(String::as_str)
    }

    /// A boolean query parameter (`1`, `true`).
    pub fn flag(&self, key: &str) -> bool {
        matches!(self.param(key), Some("1" | "true" | "True"))
    }

    /// Whether `fieldValidation=Strict` was asked (kubectl's default): unknown fields are errors.
    pub fn strict_fields(&self) -> bool {
        self.param("fieldValidation") == Some("Strict")
    }

    /// Who writes, for managedFields: the `fieldManager` parameter, else the program
    /// name of the User-Agent; on the `status` or `scale` subresource, its entry; for a
    /// server-side apply, the owner of what it applies.
    pub fn manager(&self) -> Manager {
        let manager = Manager::of_request(self.param("fieldManager"), user_agent(&self.headers));
        let manager = match self.path.subresource.as_deref() {
            Some(sub @ ("status" | "scale")) => manager.on(sub),
            _ => manager,
        };
        let applied = (self.verb == "patch"
            && self.content_type().starts_with("application/apply-patch"))
        .then(|| parse_body(&self.body).ok())
        .flatten();
        match applied {
            Some(config) => manager.applying(self.path.rt.kind, &config),
            None => manager,
        }
    }

    /// Whether `dryRun=All` was asked.
    pub fn dry_run(&self) -> bool {
        self.param("dryRun").is_some_and(|v| v == "All")
    }

    /// The request namespace for namespaced types (`default` is never assumed here).
    pub fn namespace(&self) -> Option<&str> {
        self.path.namespace.as_deref()
    }

    /// The object name of the URL; BadRequest when absent.
    pub fn name(&self) -> ApiResult<&str> {
        self.path
            .name
            .as_deref()
            .ok_or_else(|| ApiError::bad_request("a resource name is required"))
    }

    /// The body parsed as an object: JSON, YAML, or the Kubernetes protobuf envelope,
    /// its timestamps back in simulated time (see [`shown_time`]).
    pub fn body_json(&self) -> ApiResult<Value> {
        let mut body =
            if self.content_type().contains("protobuf") || self.body.starts_with(protobuf::MAGIC) {
                protobuf::decode(&self.body)?
            } else {
                parse_body(&self.body)?
            };
        shown_time::simulated(self.state.store.clock(), &mut body);
        Ok(body)
    }

    /// What a Table of this request's kind is of.
    pub fn table_of(&self) -> super::table::TableOf<'_> {
        super::table::TableOf {
            rt: self.path.rt,
            version: &self.path.version,
            release: self.state.store.registry().release(),
        }
    }

    /// A stored object as the URL's version serves it.
    pub fn served<'a>(&self, stored: &'a Value) -> std::borrow::Cow<'a, Value> {
        convert::to_served(self.path.rt, &self.path.version, stored)
    }

    /// An object of the URL's version in the stored form.
    pub fn stored(&self, sent: Value) -> Value {
        convert::to_stored(self.path.rt, &self.path.version, sent)
    }

    /// A JSON answer holding an object (or Status, Table...), in the URL's version, its
    /// timestamps as shown to clients.
    pub fn answer(&self, code: StatusCode, value: &Value) -> Response {
        json(
            code,
            &shown_time::shown(self.state.store.clock(), &self.served(value)),
        )
    }

    /// The media type of the body, without parameters.
    pub fn content_type(&self) -> &str {
        self.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map_or("application/json", |v| {
                v.split(';').next().unwrap_or(v).trim()
            })
    }

    /// Whether the client asked for a `meta.k8s.io` Table.
    pub fn wants_table(&self) -> bool {
        self.headers
            .get_all(header::ACCEPT)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|v| v.contains("as=Table"))
    }
}

/// Parses a request body as JSON, falling back to YAML (for apply patches and hand-made requests).
pub fn parse_body(body: &[u8]) -> ApiResult<Value> {
    if body.is_empty() {
        return Err(ApiError::bad_request("the request body is empty"));
    }
    serde_json::from_slice(body).or_else(|json_err| {
        serde_yaml::from_slice(body).map_err(|_| {
            ApiError::bad_request(format!(
                "the body of the request was in an unknown format: {json_err}"
            ))
        })
    })
}

/// A JSON answer, objects in it as the real server's encoder writes them ([`wire`]).
pub fn json(code: StatusCode, value: &Value) -> Response {
    json_bytes(code, wire::to_vec(value))
}

/// A JSON answer already serialized.
pub fn json_bytes(code: StatusCode, body: Vec<u8>) -> Response {
    (
        code,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

/// The `Status` answer of an error.
pub fn error(e: &ApiError) -> Response {
    let code = StatusCode::from_u16(e.code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    json(code, &e.to_status())
}

async fn handle(
    State(state): State<Arc<ServerState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    upgrade: PendingUpgrade,
    body: Bytes,
) -> Response {
    let streams_cancel = state.watch_token();
    let (path_token, path) = auth::split_auth_prefix(uri.path());
    let path = path.to_string();
    let logged_path = match uri.query() {
        Some(q) => format!("{path}?{q}"),
        None => path.clone(),
    };
    let query = Query::<HashMap<String, String>>::try_from_uri(&uri)
        .map(|q| q.0)
        .unwrap_or_default();
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let user = auth::authenticate(&state.users, path_token, authorization);
    let user_agent = user_agent(&headers).to_string();
    let target = parse_target(state.store.registry(), &path);
    let verb = match &target {
        Ok(Target::Resource(p)) => verb_of(&method, p, &query),
        _ => "get",
    };
    // Like system:public-info-viewer: version and health need no credentials.
    let public = matches!(target, Ok(Target::Version | Target::Health)) && method == Method::GET;
    let response = match (user.as_ref(), target) {
        (Err(_), Ok(target)) if public => serve_non_resource(&state, &headers, target),
        (Err(e), _) => error(e),
        (Ok(_), Err(e)) => error(&e),
        (Ok(user), Ok(target)) => {
            let answer = match target {
                Target::Resource(path) => {
                    let req = ApiRequest {
                        state: state.clone(),
                        path,
                        query,
                        headers,
                        body,
                        user: user.clone(),
                        verb,
                        upgrade,
                        streams_cancel,
                    };
                    serve_resource(&req)
                }
                other if method == Method::GET => Ok(serve_non_resource(&state, &headers, other)),
                _ => Err(ApiError::method_not_allowed(format!(
                    "the server does not allow this method on the requested resource: {method}"
                ))),
            };
            answer.unwrap_or_else(|e| error(&e))
        }
    };
    state.log.record(RequestRecord {
        method: method.to_string(),
        path: logged_path,
        verb: verb.to_string(),
        user: user.map_or_else(|_| "system:anonymous".to_string(), |u| u.name),
        status: response.status().as_u16(),
        user_agent,
    });
    response
}

/// The `User-Agent` header ("" when absent or not text).
pub fn user_agent(headers: &HeaderMap) -> &str {
    headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

fn serve_non_resource(state: &ServerState, headers: &HeaderMap, target: Target) -> Response {
    let registry = state.store.registry();
    match target {
        Target::Version => json(StatusCode::OK, &discovery::version(registry)),
        Target::Health => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            Body::from("ok"),
        )
            .into_response(),
        Target::ApiVersions => discovery::aggregated::respond(registry, headers, true)
            .unwrap_or_else(|| json(StatusCode::OK, &discovery::api_versions())),
        Target::GroupList => discovery::aggregated::respond(registry, headers, false)
            .unwrap_or_else(|| json(StatusCode::OK, &discovery::group_list(registry))),
        Target::Group(group) => discovery::group(registry, &group).map_or_else(
            || error(&ApiError::path_not_found()),
            |g| json(StatusCode::OK, &g),
        ),
        Target::GroupResources(group, version) => {
            discovery::resource_list(registry, &group, &version).map_or_else(
                || error(&ApiError::path_not_found()),
                |l| json(StatusCode::OK, &l),
            )
        }
        Target::OpenApi(rest) => openapi::serve(registry, &rest),
        Target::Resource(_) => error(&ApiError::path_not_found()),
    }
}

fn serve_resource(req: &ApiRequest) -> ApiResult<Response> {
    let p = &req.path;
    if matches!(p.rt.group, "authorization.k8s.io" | "authentication.k8s.io")
        && req.verb == "create"
    {
        return access_review::create(req);
    }
    // Namespaced types are only listed and watched across namespaces.
    if p.rt.namespaced && p.namespace.is_none() && !matches!(req.verb, "list" | "watch") {
        return Err(ApiError::path_not_found());
    }
    auth::authorize(
        &req.user,
        req.verb,
        p.rt,
        p.subresource.as_deref(),
        p.name.as_deref(),
        p.namespace.as_deref(),
    )?;
    if crate::sim::metrics::serves(p.rt) {
        return crate::sim::metrics::serve(req);
    }
    if let Some(sub) = p.subresource.clone() {
        return subresources::serve(req, &sub);
    }
    match req.verb {
        "get" => list::get(req),
        "list" => list::list(req),
        "watch" => watch::watch(req),
        "create" => write::create(req),
        "update" => write::update(req),
        "patch" => patch::patch(req),
        "delete" => delete::delete(req),
        "deletecollection" => delete::delete_collection(req),
        _ => Err(ApiError::method_not_allowed(
            "the server does not allow this method on the requested resource",
        )),
    }
}

fn verb_of(method: &Method, p: &ResourcePath, query: &HashMap<String, String>) -> &'static str {
    let watch = matches!(
        query.get("watch").map(String::as_str),
        Some("1" | "true" | "True")
    );
    // Streams are created, whether the client upgrades a GET (WebSocket) or a POST (SPDY):
    // RBAC asks for `create` on pods/exec, pods/attach and pods/portforward.
    if matches!(
        p.subresource.as_deref(),
        Some("exec" | "attach" | "portforward")
    ) {
        return "create";
    }
    match *method {
        Method::GET if p.name.is_some() => "get",
        Method::GET if watch => "watch",
        Method::GET => "list",
        Method::POST => "create",
        Method::PUT => "update",
        Method::PATCH => "patch",
        Method::DELETE if p.name.is_some() => "delete",
        Method::DELETE => "deletecollection",
        _ => "unknown",
    }
}

fn parse_target(registry: &Registry, path: &str) -> ApiResult<Target> {
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let resource = |group: &str, version: &str, rest: &[&str]| -> ApiResult<Target> {
        parse_resource(registry, group, version, rest).map(Target::Resource)
    };
    match segs.as_slice() {
        ["version"] => Ok(Target::Version),
        ["healthz" | "readyz" | "livez", ..] => Ok(Target::Health),
        ["openapi", rest @ ..] => Ok(Target::OpenApi(rest.join("/"))),
        ["api"] => Ok(Target::ApiVersions),
        ["api", "v1"] => Ok(Target::GroupResources(String::new(), "v1".into())),
        ["api", "v1", rest @ ..] => resource("", "v1", rest),
        ["apis"] => Ok(Target::GroupList),
        ["apis", group] => Ok(Target::Group((*group).to_string())),
        ["apis", group, version] => Ok(Target::GroupResources(
            (*group).to_string(),
            (*version).to_string(),
        )),
        ["apis", group, version, rest @ ..] => resource(group, version, rest),
        _ => Err(ApiError::path_not_found()),
    }
}

fn parse_resource(
    registry: &Registry,
    group: &str,
    version: &str,
    rest: &[&str],
) -> ApiResult<ResourcePath> {
    let lookup = |plural: &str| {
        registry
            .served(group, version, plural)
            .ok_or_else(ApiError::path_not_found)
    };
    let owned = |s: &&str| (*s).to_string();
    let version = version.to_string();
    let (namespace, rest): (Option<String>, Vec<&str>) = match rest {
        ["namespaces", ns, plural, tail @ ..]
            if registry
                .served(group, &version, plural)
                .is_some_and(|r| r.namespaced) =>
        {
            let mut v = vec![*plural];
            v.extend_from_slice(tail);
            (Some((*ns).to_string()), v)
        }
        // `/api/v1/namespaces/NAME/status` is a subresource of the namespace itself.
        _ => (None, rest.to_vec()),
    };
    match rest.as_slice() {
        [plural] => Ok(ResourcePath {
            rt: lookup(plural)?,
            version,
            namespace,
            name: None,
            subresource: None,
        }),
        [plural, name] => Ok(ResourcePath {
            rt: lookup(plural)?,
            version,
            namespace,
            name: Some(owned(name)),
            subresource: None,
        }),
        [plural, name, sub] => {
            let rt = lookup(plural)?;
            if !rt.has_subresource(sub) {
                return Err(ApiError::path_not_found());
            }
            Ok(ResourcePath {
                rt,
                version,
                namespace,
                name: Some(owned(name)),
                subresource: Some(owned(sub)),
            })
        }
        _ => Err(ApiError::path_not_found()),
    }
}

#[cfg(test)]
mod tests;
