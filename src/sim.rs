//! The embedded Kubernetes cluster (`kdeck sim`, `kdeck --demo`): an API server
//! over HTTP on loopback with the controllers that make Deployments roll out.
//!
//! The dashboard never calls into this module: it talks to it over HTTP,
//! through kube-rs, like to any cluster. [`Sim`] is the library API tests and
//! `--demo` use; [`serve`] is `kdeck sim`.
//!
//! Module map:
//! - [`store`]: objects as JSON, resourceVersions, watch history and compaction.
//! - [`resources`]: the served kinds: the built-in table with the versions each release
//!   serves, [`resources::Registry`] (the release, the kinds CRDs add), [`resources::ServerVersion`];
//!   [`api_error`]: `Status` errors; [`admission`]: the admission plugins that change
//!   created pods; [`managed_fields`]: who set which field (`metadata.managedFields`).
//! - [`clock`]: simulated time (speed factor or manual).
//! - [`server`]: the HTTP API: [`server::routes`] parses every path and dispatches;
//!   [`server::auth`] (tokens, roles), [`server::discovery`], [`server::openapi`],
//!   [`server::list`] (get/list/paging), [`server::watch`], [`server::write`]
//!   (create/update/delete), [`server::patch`] (merge/JSON/strategic/apply),
//!   [`server::subresources`] (scale/status/log/eviction), [`server::selectors`],
//!   [`server::table`] (kubectl's columns), [`server::validate`] (defaults and
//!   field errors), [`server::protobuf`] (kubectl's typed request bodies),
//!   [`server::convert`] (stored form to served versions and back), [`server::request_log`].
//!   [`server::streams`] serves exec, attach and port-forward (WebSocket and SPDY).
//! - [`controllers`], [`logs`], [`scenario`]: what runs on the store (deployment,
//!   replicaset, kubelet, endpoints, events, GC, job, cronjob, CRDs, volumes, autoscaler,
//!   disruption, service accounts), container logs, starting objects.
//! - [`runtime`], [`shell`], [`images`], [`pod_network`]: what runs in the containers:
//!   the stand-in shell exec and attach reach, what each image has and serves, and the
//!   cluster network (Service names, kube-proxy's choice of endpoint, pods' HTTP pages).

pub mod admission;
pub mod api_error;
pub mod clock;
pub mod controllers;
pub mod images;
pub mod logs;
pub mod managed_fields;
pub mod pod_network;
pub mod resources;
pub mod runtime;
pub mod scenario;
pub mod server;
pub mod shell;
pub mod store;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use serde_json::json;

use self::clock::Clock;
use self::controllers::Controllers;
use self::resources::{ServerVersion, by_kind};
use self::server::ApiServer;
use self::server::auth::Users;
pub use self::server::request_log::RequestRecord;
use self::store::Store;
use crate::cli::{ScenarioName, SimArgs};

/// How to start an embedded cluster.
#[derive(Debug, Clone, Default)]
pub struct SimOptions {
    /// Address, scenario, speed (simulated seconds per real second) and scale parameters.
    pub args: SimArgs,
    /// A manual clock: time moves only through `sim.clock().advance(..)` (the speed is ignored).
    pub manual_clock: bool,
}

impl SimOptions {
    /// Options for a scenario on a free loopback port at real-time speed.
    pub fn scenario(scenario: ScenarioName) -> Self {
        Self {
            args: SimArgs {
                scenario,
                ..SimArgs::default()
            },
            manual_clock: false,
        }
    }

    /// The same options standing for another Kubernetes release (`--server-version`).
    #[must_use]
    pub fn with_server_version(mut self, version: ServerVersion) -> Self {
        self.args.server_version = version;
        self
    }

    /// The same options with another clock speed.
    #[must_use]
    pub fn with_speed(mut self, speed: f64) -> Self {
        self.args.speed = speed;
        self
    }
}

/// A running embedded cluster. Dropping it stops the server and the controllers.
pub struct Sim {
    server: ApiServer,
    store: Arc<Store>,
    users: Users,
    controllers: Option<Controllers>,
    scenario_task: Option<tokio::task::JoinHandle<()>>,
}

/// Where a seeded cluster on a manual clock starts its time.
const REPRODUCIBLE_START: jiff::Timestamp = jiff::Timestamp::constant(1_798_761_600, 0); // 2027-01-01

/// Namespaces every cluster has, created if the scenario did not.
const SYSTEM_NAMESPACES: &[&str] = &["default", "kube-system", "kube-public", "kube-node-lease"];

impl Sim {
    /// Loads the scenario, starts the controllers and serves the API (must run inside a tokio runtime).
    pub async fn start(opts: SimOptions) -> anyhow::Result<Self> {
        let clock = match (opts.manual_clock, opts.args.seed) {
            // A seeded cluster on a manual clock is the same cluster every time, dates too.
            (true, Some(_)) => Clock::manual_at(REPRODUCIBLE_START),
            (true, None) => Clock::manual(),
            (false, _) => Clock::new(opts.args.speed),
        };
        if let Some(seed) = opts.args.seed {
            fastrand::seed(seed);
        }
        let store = Arc::new(
            Store::new(clock)
                .for_release(opts.args.server_version)
                .with_name_seed(opts.args.seed),
        );
        let scenario_task = scenario::load(&store, &opts.args)
            .with_context(|| format!("cannot load the {:?} scenario", opts.args.scenario))?;
        ensure_namespaces(&store)?;
        ensure_storage_class(&store)?;
        let controllers = controllers::start_seeded(&store, opts.args.seed);
        let users = Users::new();
        let server = ApiServer::start(store.clone(), users.clone(), opts.args.addr).await?;
        Ok(Self {
            server,
            store,
            users,
            controllers: Some(controllers),
            scenario_task,
        })
    }

    /// The server's base URL, e.g. `http://127.0.0.1:40123` (requests need a token).
    pub fn url(&self) -> String {
        format!("http://{}", self.server.addr())
    }

    /// The URL that carries `user`'s token in its path: `http://127.0.0.1:PORT/kdeck-auth/TOKEN`.
    pub fn user_url(&self, user: &str) -> anyhow::Result<String> {
        let u = self
            .users
            .by_name(user)
            .with_context(|| format!("the embedded cluster has no user {user:?}"))?;
        Ok(format!(
            "{}{}{}",
            self.url(),
            server::auth::AUTH_PREFIX,
            u.token
        ))
    }

    /// The bearer token of `user` (`admin` or `viewer`).
    pub fn token(&self, user: &str) -> anyhow::Result<String> {
        self.users
            .by_name(user)
            .map(|u| u.token.clone())
            .with_context(|| format!("the embedded cluster has no user {user:?}"))
    }

    /// Issues a new token for `user` (`admin` or `viewer`), valid for `lifetime` of
    /// wall-clock time (`None`: until revoked), as a TokenRequest would.
    pub fn issue_token(
        &self,
        user: &str,
        lifetime: Option<std::time::Duration>,
    ) -> anyhow::Result<String> {
        self.users
            .issue(user, lifetime)
            .with_context(|| format!("the embedded cluster has no user {user:?}"))
    }

    /// Revokes `token`: every request that carries it from now on gets 401 Unauthorized.
    pub fn revoke_token(&self, token: &str) {
        self.users.revoke(token);
    }

    /// Keeps a token of `user` in the file `path`, a new one (valid for `lifetime`)
    /// written every half lifetime, as kubelet rotates a projected service-account
    /// token; an exec credential plugin that prints the file's token then always has a
    /// valid one. Stops when the returned task is aborted or the sim is dropped.
    pub fn rotate_token_file(
        &self,
        user: &str,
        lifetime: std::time::Duration,
        path: &Path,
    ) -> anyhow::Result<tokio::task::JoinHandle<()>> {
        let users = self.users.clone();
        let user = user.to_owned();
        let path = path.to_owned();
        let first = self.issue_token(&user, Some(lifetime))?;
        std::fs::write(&path, &first)
            .with_context(|| format!("cannot write the token file {}", path.display()))?;
        Ok(tokio::spawn(async move {
            loop {
                tokio::time::sleep(lifetime / 2).await;
                let Some(token) = users.issue(&user, Some(lifetime)) else {
                    return;
                };
                // Written aside and renamed: a reader never sees half a token.
                let fresh = path.with_extension("new");
                if std::fs::write(&fresh, token).is_err() || std::fs::rename(&fresh, &path).is_err()
                {
                    return;
                }
            }
        }))
    }

    /// A kubeconfig of one context, `kdeck-sim-token`, that authenticates with `user`
    /// (`token` for a bearer token, or `exec` for an exec credential plugin's command and
    /// arguments) against the server's plain URL (no token in the path).
    pub fn kubeconfig_for(&self, user: &serde_json::Value) -> anyhow::Result<String> {
        let config = json!({
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{"name": "kdeck-sim", "cluster": {"server": self.url()}}],
            "users": [{"name": "kdeck-token-user", "user": user}],
            "contexts": [{"name": "kdeck-sim-token", "context": {
                "cluster": "kdeck-sim", "user": "kdeck-token-user", "namespace": "default"}}],
            "current-context": "kdeck-sim-token",
        });
        serde_yaml::to_string(&config).context("cannot write the kubeconfig as YAML")
    }

    /// A kubeconfig with contexts `kdeck-sim` (admin) and `kdeck-sim-viewer`,
    /// whose current context is `user`'s (`admin` or `viewer`).
    pub fn kubeconfig_yaml(&self, user: &str) -> anyhow::Result<String> {
        let current = match user {
            "admin" => "kdeck-sim",
            "viewer" => "kdeck-sim-viewer",
            other => anyhow::bail!("the embedded cluster has no user {other:?}"),
        };
        let mut clusters = Vec::new();
        let mut users = Vec::new();
        let mut contexts = Vec::new();
        for (name, context) in [("admin", "kdeck-sim"), ("viewer", "kdeck-sim-viewer")] {
            clusters.push(json!({"name": context, "cluster": {"server": self.user_url(name)?}}));
            users.push(
                json!({"name": format!("kdeck-{name}"), "user": {"token": self.token(name)?}}),
            );
            contexts.push(json!({"name": context, "context": {
                "cluster": context, "user": format!("kdeck-{name}"), "namespace": "default"}}));
        }
        let config = json!({
            "apiVersion": "v1",
            "kind": "Config",
            "preferences": {},
            "clusters": clusters,
            "users": users,
            "contexts": contexts,
            "current-context": current,
        });
        serde_yaml::to_string(&config).context("cannot write the kubeconfig as YAML")
    }

    /// Writes the admin kubeconfig to `path` (mode 0600), creating parent directories.
    pub fn write_kubeconfig(&self, path: &Path) -> anyhow::Result<()> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        std::fs::write(path, self.kubeconfig_yaml("admin")?)
            .with_context(|| format!("cannot write the kubeconfig {}", path.display()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
                .with_context(|| format!("cannot restrict {}", path.display()))?;
        }
        Ok(())
    }

    async fn client_for(&self, user: &str) -> anyhow::Result<kube::Client> {
        let yaml = self.kubeconfig_yaml(user)?;
        let kubeconfig = kube::config::Kubeconfig::from_yaml(&yaml)
            .context("cannot parse the embedded cluster's kubeconfig")?;
        let config = kube::Config::from_custom_kubeconfig(
            kubeconfig,
            &kube::config::KubeConfigOptions::default(),
        )
        .await
        .context("cannot build a client configuration")?;
        kube::Client::try_from(config).context("cannot build a kube client")
    }

    /// A kube client for `admin`, built from the kubeconfig (the real HTTP path).
    pub async fn client(&self) -> anyhow::Result<kube::Client> {
        self.client_for("admin").await
    }

    /// A kube client for the read-only `viewer`.
    pub async fn viewer_client(&self) -> anyhow::Result<kube::Client> {
        self.client_for("viewer").await
    }

    /// The simulated clock (advance it in tests with a manual clock).
    pub fn clock(&self) -> &Clock {
        self.store.clock()
    }

    /// The object store, for test setup only (the dashboard goes through HTTP).
    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    /// How many times the controllers have settled (see [`Controllers::settled_rounds`]):
    /// a test waits for it to grow by 2 to know they have acted on everything before.
    pub fn controllers_settled(&self) -> u64 {
        self.controllers
            .as_ref()
            .map_or(0, Controllers::settled_rounds)
    }

    /// Every request served so far (method, path, verb, user, status, User-Agent).
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.server.state().log.snapshot()
    }

    /// Drops every open watch stream (and log follow), so that clients reconnect.
    pub fn disconnect_watches(&self) {
        self.server.disconnect_watches();
    }

    /// Stops the API server as its process would stop: every connection is cut and nothing
    /// answers until [`Sim::start_api_server`]. The controllers keep running, as they would
    /// in their own process.
    pub async fn stop_api_server(&mut self) {
        self.server.stop().await;
    }

    /// Serves again on the same address with the same objects, after
    /// [`Sim::stop_api_server`].
    pub async fn start_api_server(&mut self) -> anyhow::Result<()> {
        self.server.serve_again().await
    }

    /// Stops the server, the controllers and any scenario task.
    pub async fn stop(mut self) {
        self.server.stop().await;
        self.shutdown_tasks();
    }

    fn shutdown_tasks(&mut self) {
        self.controllers = None;
        if let Some(task) = self.scenario_task.take() {
            task.abort();
        }
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        self.shutdown_tasks();
    }
}

fn ensure_namespaces(store: &Store) -> anyhow::Result<()> {
    let ns = by_kind("", "Namespace").context("namespaces are not served")?;
    for name in SYSTEM_NAMESPACES {
        if store.get(ns, "", name).is_none() {
            store
                .create(
                    ns,
                    json!({"metadata": {"name": name, "labels": {"kubernetes.io/metadata.name": name}},
                        "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}),
                )
                .map_err(|e| anyhow::anyhow!("cannot create namespace {name}: {e}"))?;
        }
    }
    Ok(())
}

/// The `standard` StorageClass, the cluster's default (as kind's), provisioned at once.
fn ensure_storage_class(store: &Store) -> anyhow::Result<()> {
    let classes =
        by_kind("storage.k8s.io", "StorageClass").context("storage classes are not served")?;
    if store.get(classes, "", "standard").is_none() {
        store
            .create(
                classes,
                json!({"metadata": {"name": "standard",
                        "annotations": {controllers::volumes::DEFAULT_CLASS: "true"}},
                    "provisioner": "rancher.io/local-path", "reclaimPolicy": "Delete",
                    "volumeBindingMode": "Immediate"}),
            )
            .map_err(|e| anyhow::anyhow!("cannot create the standard StorageClass: {e}"))?;
    }
    Ok(())
}

/// Where `kdeck sim` writes its kubeconfig by default: `$XDG_STATE_HOME/kdeck/sim-kubeconfig`.
pub fn default_kubeconfig_path() -> PathBuf {
    dirs::state_dir()
        .or_else(|| dirs::home_dir().map(|h| h.join(".local/state")))
        .unwrap_or_else(std::env::temp_dir)
        .join("kdeck")
        .join("sim-kubeconfig")
}

/// Serves the embedded cluster until Ctrl-C or SIGTERM (`kdeck sim`).
pub async fn serve(args: SimArgs) -> anyhow::Result<()> {
    let path = args
        .kubeconfig_out
        .clone()
        .unwrap_or_else(default_kubeconfig_path);
    let scenario = args.scenario;
    let speed = args.speed;
    let release = args.server_version;
    let sim = Sim::start(SimOptions {
        args,
        manual_clock: false,
    })
    .await?;
    sim.write_kubeconfig(&path)?;
    // Listening before saying so: a SIGTERM right after the lines below stops it cleanly.
    let stop = StopSignals::listen()?;
    println!(
        "kdeck sim: the embedded cluster ({scenario:?} scenario, speed {speed}x, Kubernetes {}) serves {}",
        release.git_version(),
        sim.url()
    );
    println!("kubeconfig written to {}", path.display());
    println!("  export KUBECONFIG={}", path.display());
    println!("Ctrl-C stops it.");
    stop.wait().await;
    println!("kdeck sim: stopping");
    sim.stop().await;
    Ok(())
}

/// SIGINT and SIGTERM, listened for from the moment this is made.
struct StopSignals {
    interrupt: tokio::signal::unix::Signal,
    terminate: tokio::signal::unix::Signal,
}

impl StopSignals {
    fn listen() -> anyhow::Result<Self> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Self {
            interrupt: signal(SignalKind::interrupt()).context("cannot listen for Ctrl-C")?,
            terminate: signal(SignalKind::terminate()).context("cannot listen for SIGTERM")?,
        })
    }

    /// Until either arrives.
    async fn wait(mut self) {
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
        }
    }
}
