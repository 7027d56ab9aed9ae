//! Start-up: the config, theme and keymap, the connection and its first checks (before
//! the terminal is taken, so a bad kubeconfig prints a plain message), then the loop.

use std::io::IsTerminal as _;
use std::time::Duration;

use anyhow::Context as _;

use super::frame_trace::FrameTrace;
use crate::app::State;
use crate::app::monitor::MonitorView;
use crate::app::state::Screen;
use crate::cli::{DashboardArgs, exit_code};
use crate::cluster::registry::Catalog;
use crate::cluster::{Cluster, ConnectOptions, Kind};
use crate::command_line::{self as command, Command};
use crate::config::Config;
use crate::keymap::Keymap;
use crate::theme::Theme;
use crate::tui::Tui;

/// Runs the dashboard until the user quits.
pub async fn run(mut args: DashboardArgs) -> anyhow::Result<()> {
    let config = Config::load().map_err(exit_code::with(exit_code::CONFIG))?;
    config.apply_to(&mut args);
    let depth = crate::theme::ColorDepth::from_env();
    let (theme, mut warnings) = Theme::for_terminal(args.theme.as_deref(), depth)
        .map_err(exit_code::with(exit_code::CONFIG))?;
    let (keymap, keymap_warnings) =
        Keymap::load(args.keymap.as_deref()).map_err(exit_code::with(exit_code::CONFIG))?;
    warnings.extend(keymap_warnings);
    let (aliases, alias_warnings) = command::Aliases::new(&config.aliases);
    warnings.extend(alias_warnings);
    warnings.extend(crate::logging::problem());
    // Parsed now for what needs no server (the monitor makes the session read-only); a
    // kind the server serves beyond kdeck's own is looked up again after discovery.
    let command = args
        .command
        .as_deref()
        .map(|c| command::parse(&aliases.expand(c), &Catalog::typed()));
    // The monitor is for a screen nobody watches over: it can never change the cluster.
    let monitor = match (&args.monitor, &command) {
        (Some(chosen), _) => Some(monitor_choice(chosen)),
        (None, Some(Ok(Command::Monitor(chosen)))) => Some(chosen.clone()),
        _ => None,
    };
    if args.monitor.is_some() {
        args.readonly = true;
    }
    if let Some(Ok(other)) = &command
        && !matches!(other, Command::Pane(_) | Command::Monitor(_))
    {
        return Err(exit_code::with(exit_code::CONFIG)(anyhow::anyhow!(
            "--command takes a pane or monitor, e.g. --command deploy"
        )));
    }
    let _demo = if args.demo {
        Some(super::demo::start(&mut args).await?)
    } else {
        None
    };
    let opts = ConnectOptions {
        kubeconfig: args.kubeconfig.clone(),
        context: args.context.clone(),
        namespace: args.namespace.clone(),
        readonly: args.readonly,
    };
    // Connect before taking over the terminal, so a bad kubeconfig prints a plain message.
    let cluster = Cluster::connect(&opts).await?;
    // Ask once before taking over the terminal: a kubeconfig that points nowhere gets a
    // plain message naming it, not a dashboard that never fills.
    let version = tokio::time::timeout(CONNECT_TIMEOUT, cluster.server_version())
        .await
        .map_err(|_| {
            anyhow::anyhow!(
                "the API server {} (context {:?}) did not answer within {} s",
                cluster.server(),
                cluster.context(),
                CONNECT_TIMEOUT.as_secs()
            )
        })
        .and_then(|answer| answer)
        .with_context(|| format!("kubeconfig {}", kubeconfig_name(&opts)))?;
    // `/version` needs no credentials: ask for something that does, so a rejected token
    // is said here in one line (exit 1), not shown as a dashboard that never fills.
    tokio::time::timeout(CONNECT_TIMEOUT, cluster.check_credentials())
        .await
        .map_err(|_| {
            anyhow::anyhow!(
                "the API server {} (context {:?}) did not answer within {} s",
                cluster.server(),
                cluster.context(),
                CONNECT_TIMEOUT.as_secs()
            )
        })
        .and_then(|answer| answer)
        .with_context(|| format!("kubeconfig {}", kubeconfig_name(&opts)))?;
    // What the server serves, before the first frame: `:` completes it from the start.
    let (catalog, discovery_failed) =
        match tokio::time::timeout(CONNECT_TIMEOUT, cluster.discover()).await {
            Ok(Ok(ids)) => (Catalog::of_resources(&ids), None),
            Ok(Err(e)) => (Catalog::typed(), Some(format!("{e:#}"))),
            Err(_) => (
                Catalog::typed(),
                Some("discovery did not answer".to_owned()),
            ),
        };
    let kind = match (command, args.command.as_deref()) {
        (None | Some(Ok(Command::Monitor(_))), _) => Kind::Pod,
        (Some(Ok(Command::Pane(kind))), _) => catalog.resolve(kind),
        (_, Some(c)) => match command::parse(&aliases.expand(c), &catalog) {
            Ok(Command::Pane(kind)) => kind,
            Ok(_) => Kind::Pod,
            Err(e) => Err(exit_code::with(exit_code::CONFIG)(anyhow::anyhow!(
                "--command: {e}"
            )))?,
        },
        (_, None) => Kind::Pod,
    };
    let namespace = (!args.all_namespaces).then(|| cluster.namespace().to_owned());
    let mut state = State::new(kind, namespace, keymap, theme);
    state.catalog = catalog;
    if let Some(why) = discovery_failed {
        warnings.push(format!("{why}: `:` knows kdeck's own kinds only"));
    }
    if let Some(chosen) = monitor {
        state.screens = vec![Screen::Monitor(MonitorView::new(chosen))];
    }
    state.readonly = args.readonly || cluster.readonly();
    state.ascii =
        args.ascii || crate::ui::ascii::locale_wants_ascii(|name| std::env::var(name).ok());
    state.connection.context = cluster.context().to_owned();
    state.connection.server = cluster.server().to_owned();
    state.connection.server_version = Some(version);
    state.connection.contexts = context_names(args.kubeconfig.as_deref());
    state.warnings = warnings;
    state.log_settings = config.log_settings();
    state.shell_commands = config.shell_commands();
    state.debug_image.clone_from(&config.shell.debug_image);
    state.aliases = aliases;
    let trace = match &args.trace_frames {
        Some(path) => Some(FrameTrace::create(path)?),
        None => None,
    };
    if !std::io::stdout().is_terminal() {
        return Err(exit_code::with(exit_code::TERMINAL)(anyhow::anyhow!(
            "stdout is not a terminal: the dashboard draws on one (kdeck sim runs without)"
        )));
    }
    let mut tui = Tui::enter().map_err(|e| {
        exit_code::with(exit_code::TERMINAL)(anyhow::anyhow!("cannot set up the terminal: {e}"))
    })?;
    let result = super::event_loop::run(&mut tui, state, cluster, opts, trace).await;
    drop(tui);
    result
}

/// The Deployments `--monitor=web,prod/api` names (empty: all in the namespace).
fn monitor_choice(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .collect()
}

/// How long the first answer of the API server may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

/// The kubeconfig file(s) in use, for messages.
fn kubeconfig_name(opts: &ConnectOptions) -> String {
    match (&opts.kubeconfig, std::env::var_os("KUBECONFIG")) {
        (Some(path), _) => path.display().to_string(),
        (None, Some(env)) if !env.is_empty() => env.to_string_lossy().into_owned(),
        (None, _) => "~/.kube/config".to_owned(),
    }
}

/// The context names of the kubeconfig, for `:ctx` (empty if it cannot be read).
fn context_names(path: Option<&std::path::Path>) -> Vec<String> {
    Cluster::contexts(path)
        .map(|c| c.into_iter().map(|c| c.name).collect())
        .unwrap_or_default()
}
