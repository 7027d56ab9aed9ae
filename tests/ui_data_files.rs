//! Every shipped keymap and theme parses, binds only real actions / defines every role,
//! and keeps the promises the help and the README make.

use kdeck::action::Action;
use kdeck::keymap::{DEFAULT_KEYMAP, KeyChord, Keymap, VIM_KEYMAP};
use kdeck::theme::{ROLES, SHIPPED_THEMES, Theme};

fn key(k: &str) -> KeyChord {
    KeyChord::parse(k).expect("valid key")
}

#[test]
fn default_keymap_binds_every_action_without_warnings() {
    let mut map = Keymap::default();
    let warnings = map.overlay(DEFAULT_KEYMAP).expect("default keymap parses");
    assert!(warnings.is_empty(), "{warnings:?}");
    for action in Action::bindable() {
        assert!(!map.keys_of(&action).is_empty(), "{action:?} has no key");
    }
    assert_eq!(map.action(&key("j")), Some(&Action::Down));
    assert_eq!(map.action(&key("G")), Some(&Action::Bottom));
    assert_eq!(map.action(&key(":")), Some(&Action::CommandMode));
    assert_eq!(map.action(&key("X")), Some(&Action::Delete));
    assert_eq!(map.help().len(), Action::bindable().len());
}

#[test]
fn vim_keymap_overlays_cleanly() {
    let (map, warnings) = Keymap::load(Some("vim")).expect("vim keymap loads");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(
        Keymap::default()
            .overlay(VIM_KEYMAP)
            .expect("parses")
            .is_empty()
    );
    assert_eq!(map.action(&key("Ctrl-u")), Some(&Action::PageUp));
    assert_eq!(map.action(&key("l")), Some(&Action::Enter));
    assert_eq!(
        map.action(&key("q")),
        Some(&Action::Quit),
        "untouched bindings stay"
    );
}

#[test]
fn delete_is_never_on_ctrl_d_or_ctrl_k() {
    for name in ["default", "vim"] {
        let (map, _) = Keymap::load(Some(name)).expect("loads");
        for k in ["Ctrl-d", "Ctrl-k"] {
            assert!(
                map.action(&key(k)).is_none_or(|a| !a.is_mutation()),
                "{name}: {k} must not mutate"
            );
        }
    }
}

#[test]
fn a_user_keymap_file_with_a_syntax_error_names_the_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("keys.toml");
    std::fs::write(&path, "[normal]\nquit = [\"x\"]\nup = \"k\n").expect("write");
    let err = Keymap::load(Some(path.to_str().expect("utf-8"))).expect_err("bad file");
    let msg = format!("{err:#}");
    assert!(msg.contains("keys.toml") && msg.contains("line 3"), "{msg}");
    std::fs::write(&path, "[normal]\nquit = [\"x\"]\nlaunch = [\"l\"]\n").expect("write");
    let (map, warnings) = Keymap::load(Some(path.to_str().expect("utf-8"))).expect("loads");
    assert_eq!(map.action(&key("x")), Some(&Action::Quit));
    assert_eq!(map.action(&key("q")), None);
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("launch") && w.contains("line 3")),
        "{warnings:?}"
    );
}

#[test]
fn every_shipped_theme_defines_every_role() {
    for (name, text) in SHIPPED_THEMES {
        let table: toml::Table = toml::from_str(text).expect("theme parses");
        let colors = table["colors"].as_table().expect("[colors]");
        for role in ROLES {
            assert!(colors.contains_key(*role), "{name} lacks {role}");
        }
        assert_eq!(colors.len(), ROLES.len(), "{name} has unknown roles");
        let mut theme = Theme::monochrome();
        assert!(theme.overlay(text).expect("colours parse").is_empty());
        theme.monochrome = false;
        assert_eq!(Theme::shipped(name).as_ref(), Some(&theme));
    }
}

#[test]
fn sixteen_colour_theme_uses_ansi_names_only() {
    let text = SHIPPED_THEMES
        .iter()
        .find(|(n, _)| *n == "16color")
        .map(|(_, t)| *t)
        .expect("16color ships");
    let table: toml::Table = toml::from_str(text).expect("parses");
    let ansi = [
        "reset",
        "black",
        "red",
        "green",
        "yellow",
        "blue",
        "magenta",
        "cyan",
        "gray",
        "darkgray",
        "lightred",
        "lightgreen",
        "lightyellow",
        "lightblue",
        "lightmagenta",
        "lightcyan",
        "white",
    ];
    for (role, value) in table["colors"].as_table().expect("[colors]") {
        let v = value.as_str().expect("string");
        assert!(
            ansi.contains(&v),
            "16color {role} = {v} is not an ANSI name"
        );
    }
}

#[test]
fn a_user_theme_names_only_what_it_changes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("mine.toml");
    std::fs::write(&path, "base = \"light\"\n[colors]\naccent = \"magenta\"\n").expect("write");
    let (theme, warnings) = Theme::load(Some(path.to_str().expect("utf-8")), false).expect("loads");
    assert!(warnings.is_empty());
    let light = Theme::shipped("light").expect("light ships");
    assert_eq!(theme.accent, ratatui::style::Color::Magenta);
    assert_eq!(theme.fg, light.fg);
    std::fs::write(&path, "[colors]\n\nstatus_ok = \"greenish\"\n").expect("write");
    let err = format!(
        "{:#}",
        Theme::load(Some(path.to_str().expect("utf-8")), false).expect_err("bad colour")
    );
    assert!(err.contains("line 3") && err.contains("status_ok"), "{err}");
    let (mono, _) = Theme::load(Some("light"), true).expect("NO_COLOR");
    assert!(mono.monochrome);
}
