//! The HTTP stack under kdeck's clients: kube's default stack (its TLS connector, timeouts,
//! base URI, retries, authentication and extra headers, each taken from kube's own
//! [`ConfigExt`]) over a hyper client whose read buffer is bounded.
//!
//! `kube::client::ClientBuilder::try_from(Config)` builds the same stack with hyper's
//! defaults, and hyper's adaptive read buffer then grows to 400 KiB on every connection
//! that reads a large list fast: about 1.4 MiB at once while the pods of all namespaces
//! load, as much as the rows of 3,000 pods. A list is streamed and decoded as it arrives,
//! so a larger buffer buys nothing but fewer reads; 64 KiB reads are still few (a list
//! page of 500 real pods is about 4 MB, some 60 reads).
//!
//! What kube's stack adds that this one leaves out: its tracing spans (kdeck logs its
//! requests itself) and the client's `valid_until` (the end of an exec plugin's client
//! certificate; kdeck builds its clients again on a 401 instead). A proxy is reached as
//! kube's stack would with its proxy features ([`super::proxy`]).

use hyper_util::client::legacy::connect::Connection;
use hyper_util::rt::TokioExecutor;
use kube::client::{Body, ClientBuilder, ConfigExt as _, retry::RetryPolicy};
use tower::retry::RetryLayer;
use tower::util::BoxService;
use tower::{BoxError, ServiceBuilder};

use super::proxy::{self, Route};

/// The stack's service, as kube's own (boxed).
pub type Stack = BoxService<http::Request<Body>, http::Response<hyper::body::Incoming>, BoxError>;

/// The most a connection's read buffer grows to (hyper's least is 8 KiB). A response's
/// head must fit in it (kube-apiserver's are well under 1 KiB); bodies of any size stream
/// through it.
pub const READ_BUFFER_MAX: usize = 64 * 1024;

/// A client builder for `config`, to which the caller adds its own layers.
pub fn client_builder(config: &kube::Config) -> anyhow::Result<ClientBuilder<Stack>> {
    match proxy::route(config)? {
        Route::Direct(tcp) => over(tcp, config),
        Route::Http(tunnel) => over(tunnel, config),
        Route::Https(tunnel) => over(tunnel, config),
        Route::Socks5(socks) => over(socks, config),
    }
}

/// The stack over `connector` (TLS to the server runs over what it connects).
fn over<C>(connector: C, config: &kube::Config) -> anyhow::Result<ClientBuilder<Stack>>
where
    C: tower::Service<http::Uri> + Clone + Send + Sync + 'static,
    C::Response: Connection + hyper::rt::Read + hyper::rt::Write + Send + Unpin + 'static,
    C::Future: Send + 'static,
    C::Error: std::error::Error + Send + Sync + 'static,
{
    let https = config.rustls_https_connector_with_connector(connector)?;
    let mut connector = hyper_timeout::TimeoutConnector::new(https);
    connector.set_connect_timeout(config.connect_timeout);
    connector.set_read_timeout(config.read_timeout);
    connector.set_write_timeout(config.write_timeout);
    connector.set_reset_reader_on_write(config.reset_reader_on_write);
    let client = hyper_util::client::legacy::Builder::new(TokioExecutor::new())
        .http1_max_buf_size(READ_BUFFER_MAX)
        .build(connector);
    let service = ServiceBuilder::new()
        .layer(config.base_uri_layer())
        .option_layer(
            config
                .default_retry
                .then(|| RetryLayer::new(RetryPolicy::server_retry())),
        )
        .option_layer(config.auth_layer()?)
        .layer(config.extra_headers_layer()?)
        .map_err(BoxError::from)
        .service(client);
    Ok(ClientBuilder::new(
        BoxService::new(service),
        config.default_namespace.clone(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    use tokio::net::TcpListener;

    /// What a client built from `config` (its server at the listener) sends first.
    async fn first_bytes(listener: TcpListener, config: &kube::Config) -> Vec<u8> {
        let client = client_builder(config).expect("a stack").build();
        let request = tokio::spawn(async move { client.apiserver_version().await });
        let (mut socket, _) = listener.accept().await.expect("the client connects");
        let mut bytes = vec![0; 4096];
        let n = socket.read(&mut bytes).await.expect("the client writes");
        bytes.truncate(n);
        request.abort();
        bytes
    }

    async fn listener_and_url(scheme: &str) -> (TcpListener, http::Uri) {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let port = listener.local_addr().expect("an address").port();
        let url = format!("{scheme}://127.0.0.1:{port}")
            .parse()
            .expect("a URL");
        (listener, url)
    }

    #[tokio::test]
    async fn requests_carry_the_configured_headers_and_credentials() {
        let (listener, url) = listener_and_url("http").await;
        let token = tempfile::NamedTempFile::new().expect("a token file");
        std::fs::write(token.path(), "stack-test-token").expect("the token written");
        let mut config = kube::Config::new(url);
        config.auth_info.token_file = Some(token.path().display().to_string());
        config.headers.push((
            http::header::USER_AGENT,
            http::HeaderValue::from_static("kdeck/test"),
        ));
        let request = String::from_utf8(first_bytes(listener, &config).await).expect("text");
        let request = request.to_ascii_lowercase();
        assert!(request.starts_with("get /version "), "{request}");
        assert!(request.contains("user-agent: kdeck/test"), "{request}");
        assert!(
            request.contains("authorization: bearer stack-test-token"),
            "{request}"
        );
    }

    #[tokio::test]
    async fn an_https_server_is_spoken_to_in_tls() {
        let (listener, url) = listener_and_url("https").await;
        let bytes = first_bytes(listener, &kube::Config::new(url)).await;
        // A TLS record of type handshake (a ClientHello), not a plain request.
        assert_eq!(bytes.first(), Some(&0x16), "{bytes:?}");
    }

    /// A request body and a response body many times the read buffer's bound go through
    /// whole: the bound limits how much is read at once, not how much a message may hold.
    #[tokio::test]
    async fn bodies_larger_than_the_read_buffer_go_through_whole() {
        const BODY: usize = 16 * READ_BUFFER_MAX + 7;
        let (listener, url) = listener_and_url("http").await;
        let server = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.expect("the client connects");
            let mut request = Vec::new();
            let mut chunk = vec![0; 8192];
            let body_start = loop {
                let n = socket.read(&mut chunk).await.expect("the request");
                assert!(n > 0, "the request ended in its head");
                request.extend_from_slice(&chunk[..n]);
                if let Some(at) = request.windows(4).position(|w| w == b"\r\n\r\n") {
                    break at + 4;
                }
            };
            while request.len() < body_start + BODY {
                let n = socket.read(&mut chunk).await.expect("the body");
                assert!(n > 0, "the body ended early");
                request.extend_from_slice(&chunk[..n]);
            }
            let received = request.len() - body_start;
            let reply = "y".repeat(BODY);
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: {}\r\n\r\n",
                reply.len()
            );
            socket.write_all(head.as_bytes()).await.expect("the head");
            socket.write_all(reply.as_bytes()).await.expect("the reply");
            received
        });
        let client = client_builder(&kube::Config::new(url))
            .expect("a stack")
            .build();
        let request = http::Request::post("/api/v1/namespaces/default/configmaps")
            .body(vec![b'x'; BODY])
            .expect("a request");
        let reply = client.request_text(request).await.expect("the reply");
        assert_eq!(reply.len(), BODY);
        assert_eq!(server.await.expect("the server"), BODY);
    }

    /// A target server that answers nothing, and a proxy in front of it that records
    /// how it was asked, then splices the two.
    async fn through_proxy(
        proxy_scheme: &str,
        user_info: &str,
        handshake: impl AsyncFnOnce(&mut tokio::net::TcpStream) -> (String, String),
    ) -> (String, String, Vec<u8>) {
        let (target, url) = listener_and_url("http").await;
        let proxy = TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let proxy_port = proxy.local_addr().expect("an address").port();
        let proxy_side = async move {
            let (mut client, _) = proxy.accept().await.expect("kdeck reaches the proxy");
            let (asked, destination) = handshake(&mut client).await;
            let mut upstream = tokio::net::TcpStream::connect(&destination)
                .await
                .expect("the target");
            tokio::spawn(async move {
                let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
            });
            (asked, destination)
        };
        let mut config = kube::Config::new(url);
        config.proxy_url = Some(
            format!("{proxy_scheme}://{user_info}127.0.0.1:{proxy_port}")
                .parse()
                .expect("a proxy URL"),
        );
        let ((asked, destination), request) =
            tokio::join!(proxy_side, first_bytes(target, &config));
        (asked, destination, request)
    }

    #[tokio::test]
    async fn an_http_proxy_is_asked_to_connect_with_the_urls_credentials() {
        let (asked, destination, request) =
            through_proxy("http", "ops%40corp:s3cret@", async |client| {
                let mut head = Vec::new();
                let mut byte = [0; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    client.read_exact(&mut byte).await.expect("the CONNECT");
                    head.push(byte[0]);
                }
                let head = String::from_utf8(head).expect("text");
                let destination = head
                    .strip_prefix("CONNECT ")
                    .and_then(|rest| rest.split(' ').next())
                    .unwrap_or_default()
                    .to_owned();
                client
                    .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                    .await
                    .expect("the answer");
                (head, destination)
            })
            .await;
        assert!(destination.starts_with("127.0.0.1:"), "{asked}");
        // "ops@corp:s3cret" in Basic credentials.
        assert!(
            asked
                .to_ascii_lowercase()
                .contains("proxy-authorization: basic b3bzqgnvcna6cznjcmv0"),
            "{asked}"
        );
        assert!(request.starts_with(b"GET /version "), "{request:?}");
    }

    #[tokio::test]
    async fn a_socks5_proxy_is_asked_with_the_urls_user_and_password() {
        let (asked, destination, request) =
            through_proxy("socks5", "ops:s3cret@", async |client| {
                let mut greeting = [0; 2];
                client
                    .read_exact(&mut greeting)
                    .await
                    .expect("the greeting");
                let mut methods = vec![0; usize::from(greeting[1])];
                client.read_exact(&mut methods).await.expect("the methods");
                assert!(methods.contains(&2), "user and password offered");
                client.write_all(&[5, 2]).await.expect("the method");
                let field = async |client: &mut tokio::net::TcpStream| {
                    let mut len = [0; 1];
                    client.read_exact(&mut len).await.expect("a length");
                    let mut bytes = vec![0; usize::from(len[0])];
                    client.read_exact(&mut bytes).await.expect("a field");
                    String::from_utf8(bytes).expect("text")
                };
                let mut version = [0; 1];
                client.read_exact(&mut version).await.expect("the version");
                let user = field(client).await;
                let password = field(client).await;
                client.write_all(&[1, 0]).await.expect("the auth answer");
                let mut request = [0; 4];
                client.read_exact(&mut request).await.expect("the request");
                assert_eq!(request[3], 1, "an IPv4 address");
                let mut address = [0; 6];
                client.read_exact(&mut address).await.expect("the address");
                let port = u16::from_be_bytes([address[4], address[5]]);
                let ip = std::net::Ipv4Addr::new(address[0], address[1], address[2], address[3]);
                client
                    .write_all(&[5, 0, 0, 1, 0, 0, 0, 0, 0, 0])
                    .await
                    .expect("the answer");
                (format!("{user}:{password}"), format!("{ip}:{port}"))
            })
            .await;
        assert_eq!(asked, "ops:s3cret");
        assert!(destination.starts_with("127.0.0.1:"), "{destination}");
        assert!(request.starts_with(b"GET /version "), "{request:?}");
    }
}
