//! The shipped keymaps and the README's key reference: every shipped keymap parses with
//! no warnings and binds every action of every section, the arrows keymap moves on arrows
//! only, a user file's conflicts name both bindings, and the README's "Keys" block is
//! exactly the reference generated from the default keymap.

use kdeck::action::Action;
use kdeck::keymap::reference::{readme_block, replace_block};
use kdeck::keymap::{KeyChord, KeyName, Keymap, SHIPPED_KEYMAPS, Section};

fn key(k: &str) -> KeyChord {
    KeyChord::parse(k).expect("valid key")
}

#[test]
fn every_shipped_keymap_parses_cleanly_and_binds_every_action_of_every_section() {
    for (name, text) in SHIPPED_KEYMAPS {
        let mut alone = Keymap::default();
        let warnings = alone.overlay(text).expect("parses");
        assert!(warnings.is_empty(), "{name} alone: {warnings:?}");
        let (map, warnings) = Keymap::load(Some(name)).expect("loads");
        assert!(warnings.is_empty(), "{name}: {warnings:?}");
        for section in Section::ALL {
            for action in section.actions() {
                assert!(
                    !map.keys_of(&action).is_empty(),
                    "{name}: [{}] {} has no key",
                    section.name(),
                    action.name()
                );
                assert!(!action.description().is_empty(), "{action:?}");
            }
        }
    }
}

#[test]
fn the_default_keymap_names_every_action_of_every_section_itself() {
    let text = SHIPPED_KEYMAPS[0].1;
    let table: toml::Table = toml::from_str(text).expect("parses");
    for section in Section::ALL {
        let entries = table[section.name()].as_table().expect("a table");
        assert_eq!(
            entries.len(),
            section.actions().len(),
            "[{}] names every action once",
            section.name()
        );
    }
}

#[test]
fn the_arrows_keymap_moves_on_arrow_and_paging_keys_only() {
    let (map, warnings) = Keymap::load(Some("arrows")).expect("`--keymap arrows` loads");
    assert!(warnings.is_empty(), "{warnings:?}");
    let movement = [
        Action::Up,
        Action::Down,
        Action::PageUp,
        Action::PageDown,
        Action::Top,
        Action::Bottom,
    ];
    for action in &movement {
        let keys = map.keys_of(action);
        assert!(!keys.is_empty(), "{action:?}");
        for k in keys {
            assert!(
                matches!(k.code, KeyName::Named(_)) && !k.ctrl,
                "{action:?} on {k}"
            );
        }
    }
    for k in ["j", "k", "g", "G", "Ctrl-f", "Ctrl-b"] {
        assert_eq!(map.action(&key(k)), None, "{k} is free");
    }
    assert_eq!(map.action(&key("F1")), Some(&Action::Help));
    assert_eq!(map.action(&key("Down")), Some(&Action::Down));
    assert_eq!(
        map.action(&key("d")),
        Some(&Action::Describe),
        "the rest stays"
    );
}

#[test]
fn the_vim_keymap_keeps_the_views_own_keys() {
    let (map, _) = Keymap::load(Some("vim")).expect("loads");
    let logs_n = map
        .action_in(Section::Logs, &key("n"))
        .expect("n in [logs]");
    assert_eq!(logs_n.name(), "next_match");
    let yaml_n = map
        .action_in(Section::Yaml, &key("N"))
        .expect("N in [yaml]");
    assert_eq!(yaml_n.name(), "prev_match");
    let save = map
        .action_in(Section::Editor, &key("Ctrl-s"))
        .expect("Ctrl-s");
    assert_eq!(save.name(), "save");
}

#[test]
fn a_user_file_names_both_bindings_of_a_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("mine.toml");
    std::fs::write(
        &path,
        "[normal]\nquit = [\"Q\"]\n\ndelete = [\"x\"]\n\n\n\n\nscale = [\"x\"]\n[logs]\ncopy = [\"C\"]\nsave = [\"C\"]\n[editor]\nsave = [\"Ctrl-w\", \"Ctrl-o\"]\n",
    )
    .expect("write");
    let path = path.to_str().expect("utf-8");
    let (map, warnings) = Keymap::load(Some(path)).expect("loads");
    let joined = warnings.join("\n");
    assert!(
        joined.contains("key `x`: line 4 binds it to delete, line 9 to scale"),
        "{joined}"
    );
    assert!(
        joined.contains("key `C` in [logs]: line 11 binds it to copy, line 12 to save"),
        "{joined}"
    );
    assert!(
        joined.contains(
            "key `Ctrl-o` in [editor]: line 14 binds it to save, taking it from external_editor (default keymap line"
        ) && joined.contains("external_editor lost it"),
        "{joined}"
    );
    assert!(warnings.iter().all(|w| w.contains("mine.toml")), "{joined}");
    assert_eq!(warnings.len(), 3, "{joined}");
    assert_eq!(map.action(&key("x")), Some(&Action::Scale));
    assert_eq!(map.action(&key("q")), None, "quit moved to Q");
}

#[test]
fn unknown_sections_actions_and_keys_are_warnings_naming_the_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("odd.toml");
    std::fs::write(
        &path,
        "[logs]\nsave = [\"S\"]\nfly = [\"f\"]\n[tables]\nup = \"k\"\n[yaml]\nnext_match = [\"Hyper-n\"]\n",
    )
    .expect("write");
    let (map, warnings) = Keymap::load(Some(path.to_str().expect("utf-8"))).expect("loads");
    let joined = warnings.join("\n");
    assert!(
        joined.contains("line 3: unknown action \"fly\" in [logs]"),
        "{joined}"
    );
    assert!(
        joined.contains("line 4: unknown section [tables]"),
        "{joined}"
    );
    assert!(
        joined.contains("line 7: cannot read key \"Hyper-n\""),
        "{joined}"
    );
    assert_eq!(warnings.len(), 3, "{joined}");
    assert_eq!(
        map.action_in(Section::Logs, &key("S")).map(Action::name),
        Some("save".to_owned())
    );
}

#[test]
fn the_readme_key_reference_is_generated_from_the_default_keymap() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let block = readme_block(&Keymap::default_keymap());
    let updated = replace_block(&readme, &block)
        .expect("the README has <!-- keys:begin --> and <!-- keys:end --> markers");
    if updated == readme {
        return;
    }
    if std::env::var_os("KDECK_UPDATE_README").is_some_and(|v| v == "1") {
        std::fs::write(&path, updated).expect("rewrite README.md");
        eprintln!("README.md: key reference rewritten from the default keymap");
        return;
    }
    panic!(
        "the README's key reference differs from the default keymap; run \
         `KDECK_UPDATE_README=1 cargo test --test keymap_files` to rewrite it.\n\
         expected block:\n{block}"
    );
}

#[test]
fn the_readme_example_of_a_user_keymap_loads_cleanly() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let from = readme
        .find("#### Other keymaps, and your own")
        .expect("the README explains user keymaps");
    let block = readme[from..]
        .split("```toml\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a toml example");
    let mut map = Keymap::default_keymap();
    let warnings = map.overlay(block).expect("the example parses");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(map.action(&key("D")), Some(&Action::Delete));
    assert_eq!(map.action(&key("X")), None);
}
