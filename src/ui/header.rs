//! The header: context, cluster URL, namespace, server version, connection state, the
//! READ-ONLY badge, and the breadcrumb.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::State;

/// Draws the header into `area` (3 rows).
pub fn draw(state: &State, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let key = Style::new()
        .fg(theme.header_key)
        .add_modifier(Modifier::BOLD);
    let val = Style::new().fg(theme.header_fg);
    let conn = &state.connection;
    let connection_state = state.connection_state();
    let state_style = match connection_state.as_str() {
        "live" => theme.health(crate::cluster::Health::Ok),
        "syncing" => theme.health(crate::cluster::Health::Warn),
        _ => theme.error(),
    };
    let mut first = vec![
        Span::styled("Context: ", key),
        Span::styled(conn.context.as_str(), val),
        Span::raw("  "),
        Span::styled("Cluster: ", key),
        Span::styled(display_url(&conn.server), val),
    ];
    if state.readonly {
        first.push(Span::raw("  "));
        first.push(Span::styled(" READ-ONLY ", theme.badge_readonly()));
    }
    let mut second = vec![
        Span::styled("Namespace: ", key),
        Span::styled(state.namespace.as_deref().unwrap_or("all"), val),
        Span::raw("  "),
        Span::styled("Version: ", key),
        Span::styled(conn.server_version.as_deref().unwrap_or("?"), val),
        Span::raw("  "),
        Span::styled("State: ", key),
        Span::styled(connection_state.clone(), state_style),
    ];
    // Open ports on this machine stay visible wherever the user is.
    let forwards = state.forwards.active();
    if forwards > 0 {
        second.push(Span::raw("  "));
        second.push(Span::styled("Port-forwards: ", key));
        second.push(Span::styled(
            forwards.to_string(),
            theme.health(crate::cluster::Health::Ok),
        ));
    }
    let crumbs = state.breadcrumb();
    let mut third = Vec::new();
    for (i, crumb) in crumbs.iter().enumerate() {
        if i > 0 {
            third.push(Span::styled(" > ", theme.muted_style()));
        }
        let style = if i + 1 == crumbs.len() {
            Style::new().fg(theme.accent).add_modifier(Modifier::BOLD)
        } else {
            theme.muted_style()
        };
        third.push(Span::styled(crumb.as_str(), style));
    }
    let lines = vec![Line::from(first), Line::from(second), Line::from(third)];
    frame.render_widget(
        Paragraph::new(lines).style(Style::new().fg(theme.header_fg).bg(theme.header_bg)),
        area,
    );
}

/// The server URL without its path: a path may carry a credential (the embedded cluster
/// puts its token there), and the header is often on a shared screen.
pub fn display_url(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    match rest.split_once('/') {
        Some((host, path)) if !path.is_empty() => format!("{scheme}://{host}/…"),
        Some((host, _)) => format!("{scheme}://{host}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::display_url;

    #[test]
    fn urls_lose_their_path() {
        assert_eq!(
            display_url("https://10.0.0.1:6443"),
            "https://10.0.0.1:6443"
        );
        assert_eq!(
            display_url("http://127.0.0.1:4/kdeck-auth/admin-secret"),
            "http://127.0.0.1:4/…"
        );
    }
}
