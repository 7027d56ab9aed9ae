//! `kdeck theme import`: a k9s skin (YAML, `k9s.body.fgColor`, `k9s.frame.border`, ...)
//! as a kdeck theme (TOML roles). Each role is read from the first skin key of its list
//! that holds a colour; every other key of the skin comes back as a note, never dropped
//! in silence.

mod named_colors;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use self::named_colors::{rgb_of, to_theme_color};

/// Each kdeck role and the k9s keys (under `k9s.`) it is read from, first found wins.
const MAPPING: &[(&str, &[&str])] = &[
    ("fg", &["body.fgColor"]),
    ("bg", &["body.bgColor"]),
    // Column titles are muted text in kdeck.
    ("muted", &["views.table.header.fgColor"]),
    ("accent", &["frame.title.fgColor", "body.logoColor"]),
    ("border", &["frame.border.fgColor"]),
    ("border_focused", &["frame.border.focusColor"]),
    ("selection_fg", &["views.table.cursorFgColor"]),
    ("selection_bg", &["views.table.cursorBgColor"]),
    // k9s draws healthy rows in the table's colour.
    ("status_ok", &["views.table.fgColor"]),
    (
        "status_warn",
        &["frame.status.pendingColor", "frame.status.modifyColor"],
    ),
    ("status_err", &["frame.status.errorColor"]),
    (
        "status_dim",
        &["frame.status.killColor", "frame.status.completedColor"],
    ),
    ("header_fg", &["info.fgColor"]),
    ("header_bg", &["body.bgColor"]),
    ("header_key", &["info.sectionColor"]),
    // The crumbs are k9s's coloured labels, as the READ-ONLY badge is kdeck's.
    ("badge_readonly_fg", &["frame.crumbs.fgColor"]),
    ("badge_readonly_bg", &["frame.crumbs.bgColor"]),
    (
        "progress_new",
        &["frame.status.addColor", "frame.status.newColor"],
    ),
    ("progress_old", &["frame.status.completedColor"]),
];

/// A converted skin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedTheme {
    /// The theme file's text (TOML).
    pub toml: String,
    /// What was not imported, one line per skin key, for stderr.
    pub notes: Vec<String>,
}

/// Converts the skin `yaml` into a theme named `name`; `source` names the skin file in
/// the theme's header. Fails when the YAML does not parse or has no `k9s:` section.
pub fn convert(yaml: &str, name: &str, source: &str) -> Result<ImportedTheme, String> {
    let root: serde_yaml::Value = serde_yaml::from_str(yaml).map_err(|e| e.to_string())?;
    let serde_yaml::Value::Mapping(root) = root else {
        return Err("not a k9s skin: the file is not a YAML mapping".to_owned());
    };
    let mut notes = Vec::new();
    let mut leaves = BTreeMap::new();
    let mut found_k9s = false;
    for (key, value) in &root {
        match key.as_str() {
            Some("k9s") => {
                found_k9s = true;
                flatten(value, "", &mut leaves);
            }
            // Palettes that skins define at the top for YAML anchors (`red: &red ...`).
            Some(other) => notes.push(format!(
                "{other}: outside k9s:, not a skin setting (its value arrives where it is used)"
            )),
            None => notes.push(format!("{key:?}: not a skin key")),
        }
    }
    if !found_k9s {
        return Err("not a k9s skin: no `k9s:` section".to_owned());
    }
    let mut colors: Vec<(&str, String, &str)> = Vec::new();
    let mut used = std::collections::BTreeSet::new();
    let mut bad = std::collections::BTreeSet::new();
    for (role, keys) in MAPPING {
        for key in *keys {
            let Some(value) = leaves.get(*key) else {
                continue;
            };
            if let Some(color) = value.as_deref().and_then(to_theme_color) {
                colors.push((role, color, key));
                used.insert(*key);
                break;
            }
            bad.insert(*key);
        }
    }
    for (key, value) in &leaves {
        if used.contains(key.as_str()) {
            continue;
        }
        let shown = value.as_deref().unwrap_or("(not a colour string)");
        notes.push(if bad.contains(key.as_str()) {
            format!(
                "k9s.{key} = {shown:?}: not a colour kdeck knows; that role keeps the base theme's"
            )
        } else if MAPPING.iter().any(|(_, keys)| keys.contains(&key.as_str())) {
            format!("k9s.{key}: not used (its role came from an earlier key)")
        } else {
            format!("k9s.{key}: no kdeck role for it; not imported")
        });
    }
    let bg = colors.iter().find(|(role, ..)| *role == "bg");
    let light = bg.is_some_and(|(_, c, _)| {
        matches!(c.as_str(), "white" | "gray")
            || rgb_of(c).is_some_and(|(r, g, b)| luminance(r, g, b) > 0.5)
    });
    let base = if light { "light" } else { "dark" };
    let mut toml = format!(
        "# kdeck theme {name:?}, imported from the k9s skin {source} by `kdeck theme import`.\n\
         # Roles the skin does not set come from the base theme.\nbase = \"{base}\"\n\n[colors]\n"
    );
    for (role, color, key) in &colors {
        let _ = writeln!(toml, "{role} = \"{color}\" # k9s.{key}");
    }
    Ok(ImportedTheme { toml, notes })
}

/// Leaf values under `value`, by dotted path; `None` for a leaf that is not a string.
fn flatten(value: &serde_yaml::Value, prefix: &str, out: &mut BTreeMap<String, Option<String>>) {
    match value {
        serde_yaml::Value::Mapping(map) => {
            for (key, inner) in map {
                let key = key
                    .as_str()
                    .map_or_else(|| format!("{key:?}"), str::to_owned);
                let path = if prefix.is_empty() {
                    key
                } else {
                    format!("{prefix}.{key}")
                };
                flatten(inner, &path, out);
            }
        }
        serde_yaml::Value::String(s) => {
            out.insert(prefix.to_owned(), Some(s.clone()));
        }
        _ => {
            out.insert(prefix.to_owned(), None);
        }
    }
}

/// Relative luminance, 0 (black) to 1 (white), to pick the base theme.
fn luminance(r: u8, g: u8, b: u8) -> f64 {
    (0.2126 * f64::from(r) + 0.7152 * f64::from(g) + 0.0722 * f64::from(b)) / 255.0
}

#[cfg(test)]
mod tests {
    use super::*;

    const SKIN: &str = "
blue: &blue dodgerblue
k9s:
  body:
    fgColor: '#f8f8f2'
    bgColor: default
    logoColor: *blue
  frame:
    border:
      fgColor: '#44475a'
      focusColor: *blue
    status:
      errorColor: red
      pendingColor: notacolour
      modifyColor: orange
  views:
    yaml:
      keyColor: pink
    charts:
      defaultDialColors: [red, blue]
";

    #[test]
    fn maps_roles_and_lists_what_it_left_out() {
        let imported = convert(SKIN, "mine", "skin.yaml").unwrap();
        let toml = &imported.toml;
        assert!(toml.contains("base = \"dark\""), "{toml}");
        assert!(
            toml.contains("fg = \"#f8f8f2\" # k9s.body.fgColor"),
            "{toml}"
        );
        assert!(toml.contains("bg = \"reset\""), "{toml}");
        assert!(toml.contains("border_focused = \"#1e90ff\""), "{toml}");
        assert!(
            toml.contains("accent = \"#1e90ff\" # k9s.body.logoColor"),
            "{toml}"
        );
        assert!(toml.contains("status_err = \"lightred\""), "{toml}");
        // pendingColor is no colour: status_warn falls back to modifyColor.
        assert!(toml.contains("status_warn = \"#ffa500\" # k9s.frame.status.modifyColor"));
        let notes = imported.notes.join("\n");
        for expected in [
            "blue: outside k9s:",
            "k9s.frame.status.pendingColor = \"notacolour\": not a colour",
            "k9s.views.yaml.keyColor: no kdeck role",
            "k9s.views.charts.defaultDialColors: no kdeck role",
        ] {
            assert!(notes.contains(expected), "{expected:?} in\n{notes}");
        }
        let mut theme = crate::theme::Theme::dark();
        assert_eq!(theme.overlay(toml).unwrap(), Vec::<String>::new());
    }

    #[test]
    fn roles_are_real_and_light_skins_get_the_light_base() {
        for (role, _) in MAPPING {
            assert!(crate::theme::ROLES.contains(role), "{role}");
        }
        let light = convert(
            "k9s:\n  body:\n    bgColor: white\n    fgColor: black\n",
            "l",
            "x",
        )
        .unwrap();
        assert!(light.toml.contains("base = \"light\""));
        let light = convert("k9s:\n  body:\n    bgColor: '#fdf6e3'\n", "l", "x").unwrap();
        assert!(light.toml.contains("base = \"light\""), "{}", light.toml);
        assert!(
            convert("other: 1\n", "x", "x")
                .unwrap_err()
                .contains("no `k9s:`")
        );
        assert!(convert("[1, 2]\n", "x", "x").is_err());
    }
}
