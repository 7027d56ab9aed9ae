//! The proxy a kubeconfig's `proxy-url` (or `HTTPS_PROXY`, unless `NO_PROXY` covers the
//! server: kube's config loader reads both) names, as kubectl reaches it: an `http://` or
//! `https://` proxy by CONNECT, with Basic credentials from the URL's user part; a
//! `socks5://` one (`ssh -D` on a bastion) by a SOCKS5 handshake, with its user and
//! password. Each wraps the plain TCP connector; TLS to the API server runs inside it.

use http::{HeaderValue, Uri};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::connect::proxy::{SocksV5, Tunnel};
use kube::client::ConfigExt as _;

/// How the stack's connections reach the server.
pub enum Route {
    /// Straight to it.
    Direct(HttpConnector),
    /// Through an HTTP proxy, by CONNECT.
    Http(Tunnel<HttpConnector>),
    /// Through an HTTPS proxy, by CONNECT inside TLS to the proxy.
    Https(Tunnel<hyper_rustls::HttpsConnector<HttpConnector>>),
    /// Through a SOCKS5 proxy.
    Socks5(SocksV5<HttpConnector>),
}

/// The route `config` asks for.
pub fn route(config: &kube::Config) -> anyhow::Result<Route> {
    let mut tcp = HttpConnector::new();
    tcp.enforce_http(false);
    let Some(proxy) = config.proxy_url.clone() else {
        return Ok(Route::Direct(tcp));
    };
    let credentials = user_info(&proxy);
    Ok(match proxy.scheme_str() {
        Some("http") => Route::Http(with_basic_auth(Tunnel::new(proxy, tcp), credentials)),
        Some("https") => {
            let to_proxy = config.rustls_https_connector_with_connector(tcp)?;
            Route::Https(with_basic_auth(Tunnel::new(proxy, to_proxy), credentials))
        }
        Some("socks5") => {
            let socks = SocksV5::new(proxy, tcp);
            Route::Socks5(match credentials {
                Some((user, password)) => socks.with_auth(user, password),
                None => socks,
            })
        }
        _ => anyhow::bail!(
            "the proxy {proxy} (proxy-url or HTTPS_PROXY) is not one kdeck speaks: \
             use an http://, https:// or socks5:// URL"
        ),
    })
}

/// The user and password in `uri`'s authority (`user:password@host`), percent-decoded.
fn user_info(uri: &Uri) -> Option<(String, String)> {
    let (info, _) = uri.authority()?.as_str().rsplit_once('@')?;
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    let (user, password) = info.split_once(':').unwrap_or((info, ""));
    Some((decode(user), decode(password)))
}

fn with_basic_auth<C>(tunnel: Tunnel<C>, credentials: Option<(String, String)>) -> Tunnel<C> {
    use base64::Engine as _;
    let Some((user, password)) = credentials else {
        return tunnel;
    };
    let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    match HeaderValue::from_str(&format!("Basic {token}")) {
        Ok(value) => tunnel.with_auth(value),
        Err(_) => tunnel,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_come_percent_decoded_from_the_url() {
        let uri: Uri = "http://ops%40corp:p%3Ass@proxy.internal:3128"
            .parse()
            .expect("a URL");
        assert_eq!(
            user_info(&uri),
            Some(("ops@corp".to_owned(), "p:ss".to_owned()))
        );
        let bare: Uri = "http://proxy.internal:3128".parse().expect("a URL");
        assert_eq!(user_info(&bare), None);
    }

    #[test]
    fn an_unknown_scheme_is_refused_naming_the_ones_spoken() {
        let mut config = kube::Config::new("https://10.0.0.1:6443".parse().expect("a URL"));
        config.proxy_url = Some("socks4://proxy.internal:1080".parse().expect("a URL"));
        let Err(e) = route(&config) else {
            panic!("socks4 is not spoken");
        };
        assert!(e.to_string().contains("socks5://"), "{e}");
    }
}
