//! The HTTP servers pods run in the simulation: what each image answers (see
//! [`Server`]) and the line the request leaves in the container's log, in the
//! image's own format (nginx's access log, hello-app's `Serving request:`).
//!
//! Every page names the pod that served it, so that a Service's spreading shows.

use std::fmt::Write as _;

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Container, Pod};

use crate::sim::images::Server;
use crate::sim::store::Store;

/// A request as a pod's server receives it.
#[derive(Clone, Debug)]
pub struct Request {
    /// `GET`, `HEAD`...
    pub method: String,
    /// Path and query.
    pub path: String,
    /// The client's `User-Agent`.
    pub user_agent: String,
    /// The address the request came from (a pod IP, or 127.0.0.1 for a port-forward).
    pub client_ip: String,
}

/// A server's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// The `Server` header, if the server sends one.
    pub server: Option<String>,
    /// The `Content-Type`.
    pub content_type: &'static str,
    /// The body (not sent in answer to HEAD).
    pub body: String,
}

impl Answer {
    /// The answer as HTTP/1.1 bytes, dated `date` (shown time); without the body for HEAD.
    pub fn to_http(&self, date: Timestamp, keep_alive: bool, head_only: bool) -> Vec<u8> {
        let reason = match self.status {
            200 => "OK",
            400 => "Bad Request",
            404 => "Not Found",
            405 => "Not Allowed",
            _ => "Unknown",
        };
        let mut head = format!("HTTP/1.1 {} {reason}\r\n", self.status);
        if let Some(server) = &self.server {
            let _ = write!(head, "Server: {server}\r\n");
        }
        let _ = write!(
            head,
            "Date: {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: {}\r\n\r\n",
            date.strftime("%a, %d %b %Y %H:%M:%S GMT"),
            self.content_type,
            self.body.len(),
            if keep_alive { "keep-alive" } else { "close" }
        );
        let mut out = head.into_bytes();
        if !head_only {
            out.extend_from_slice(self.body.as_bytes());
        }
        out
    }
}

/// Where the pod's index page lives in nginx images.
pub const NGINX_INDEX: &str = "/usr/share/nginx/html/index.html";

/// The nginx welcome page of `pod`.
pub fn nginx_index(pod: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n</head>\n<body>\n\
         <h1>Welcome to nginx!</h1>\n<p>If you see this page, the nginx web server is successfully \
         installed and working. Further configuration is required.</p>\n\
         <p>Served by pod <b>{pod}</b> (kdeck's embedded cluster).</p>\n\
         <p><em>Thank you for using nginx.</em></p>\n</body>\n</html>\n"
    )
}

fn nginx_error(status: u16, version: &str) -> String {
    let title = if status == 404 {
        "404 Not Found"
    } else {
        "405 Not Allowed"
    };
    format!(
        "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n\
         <hr><center>nginx/{version}</center>\r\n</body>\r\n</html>\r\n"
    )
}

/// The ports a container declares.
fn declared_ports(container: &Container) -> Vec<u16> {
    container
        .ports
        .iter()
        .flatten()
        .filter_map(|p| u16::try_from(p.container_port).ok())
        .collect()
}

/// The running container of `pod` whose server listens on `port`.
pub fn container_on_port(pod: &Pod, port: u16) -> Option<Container> {
    let running = |name: &str| {
        pod.status
            .as_ref()
            .and_then(|s| s.container_statuses.as_ref())
            .into_iter()
            .flatten()
            .any(|c| c.name == name && c.state.as_ref().is_some_and(|s| s.running.is_some()))
    };
    pod.spec
        .as_ref()?
        .containers
        .iter()
        .find(|c| {
            let image = c.image.as_deref().unwrap_or_default();
            Server::of(image).listens_on(port, &declared_ports(c)) && running(&c.name)
        })
        .cloned()
}

/// What `pod` answers to `request` on `port` (writing the request to its log), or
/// `None` when nothing listens there.
pub fn answer(store: &Store, pod: &Pod, port: u16, request: &Request) -> Option<Answer> {
    let container = container_on_port(pod, port)?;
    let name = pod.metadata.name.clone().unwrap_or_default();
    let image = container.image.clone().unwrap_or_default();
    let server = Server::of(&image);
    let get = matches!(request.method.as_str(), "GET" | "HEAD");
    let answer = match &server {
        Server::Nginx { version } => {
            let (status, body) = match request.path.as_str() {
                _ if !get => (405, nginx_error(405, version)),
                "/" | "/index.html" => (200, nginx_index(&name)),
                _ => (404, nginx_error(404, version)),
            };
            Answer {
                status,
                server: Some(format!("nginx/{version}")),
                content_type: "text/html",
                body,
            }
        }
        Server::HelloApp { version } => {
            let version = if version.matches('.').count() < 2 {
                format!("{version}.0")
            } else {
                version.clone()
            };
            Answer {
                status: 200,
                server: None,
                content_type: "text/plain; charset=utf-8",
                body: format!("Hello, world!\nVersion: {version}\nHostname: {name}\n"),
            }
        }
        Server::App | Server::Nothing => Answer {
            status: 200,
            server: None,
            content_type: "text/plain; charset=utf-8",
            body: format!("{image} answered from pod {name}\n"),
        },
    };
    let (status, bytes) = (answer.status, answer.body.len());
    let line = |at: Timestamp| match &server {
        Server::Nginx { .. } => format!(
            "{} - - [{}] \"{} {} HTTP/1.1\" {} {bytes} \"-\" \"{}\" \"-\"",
            request.client_ip,
            at.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            request.method,
            request.path,
            status,
            request.user_agent
        ),
        Server::HelloApp { .. } => format!(
            "{} Serving request: {}",
            at.strftime("%Y/%m/%d %H:%M:%S"),
            request.path
        ),
        Server::App | Server::Nothing => format!(
            "{} INFO request method={} path={} status={} bytes={bytes} client={}",
            at.strftime("%Y/%m/%d %H:%M:%S"),
            request.method,
            request.path,
            status,
            request.client_ip
        ),
    };
    let uid = pod.metadata.uid.as_deref().unwrap_or_default();
    store
        .runtime()
        .written
        .write(store.clock(), uid, &container.name, line);
    Some(answer)
}
