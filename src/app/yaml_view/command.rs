//! The YAML view's own keys (the `[yaml]` section of keymaps): search jumps and the
//! display toggles. The keymap's movement keys scroll the view; `/` searches.

use super::shown;
use crate::action::Action;
use crate::app::state::State;
use crate::cluster::Kind;
use crate::keymap::Keymap;

pub use crate::action::YamlCommand;

/// The view's hint line, with the keys the keymap binds.
pub fn hints(keymap: &Keymap) -> String {
    let own = |c| Action::YamlView(c);
    keymap.hint_text(&[
        (&[Action::FilterMode], "search"),
        (
            &[own(YamlCommand::NextMatch), own(YamlCommand::PrevMatch)],
            "next/prev",
        ),
        (&[own(YamlCommand::ToggleManagedFields)], "managedFields"),
        (&[own(YamlCommand::ToggleStatus)], "status"),
        (&[own(YamlCommand::RevealSecrets)], "reveal"),
        (&[Action::Edit, Action::EditExternal], "edit"),
    ])
}

/// Runs `command` on the YAML view shown (nothing when none is).
pub fn run(state: &mut State, command: YamlCommand) {
    let Some(view) = shown(state) else {
        return;
    };
    match command {
        YamlCommand::NextMatch | YamlCommand::PrevMatch => {
            if view.search.is_none() {
                state.status = Some("no search: / searches".to_owned());
            } else if !view.jump(command == YamlCommand::NextMatch) {
                state.status = Some("no match".to_owned());
            }
        }
        YamlCommand::ToggleManagedFields => {
            view.options.managed_fields = !view.options.managed_fields;
            view.rebuild();
        }
        YamlCommand::ToggleStatus => {
            view.options.hide_status = !view.options.hide_status;
            view.rebuild();
        }
        YamlCommand::RevealSecrets => {
            if view.key.kind == Kind::Secret {
                view.options.reveal_secrets = !view.options.reveal_secrets;
                view.rebuild();
            } else {
                state.status = Some("only a Secret has values to reveal".to_owned());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keymap::{KeyChord, Section};

    #[test]
    fn the_hint_line_shows_the_keys_the_keymap_binds() {
        let mut keymap = Keymap::default_keymap();
        assert_eq!(
            hints(&keymap),
            "/ search · n/N next/prev · M managedFields · z status · x reveal · e/E edit"
        );
        let warnings = keymap.overlay("[yaml]\ntoggle_status = \"Z\"\n").unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert!(hints(&keymap).contains("Z status"), "{}", hints(&keymap));
        assert_eq!(
            keymap.action_for(Section::Yaml, &KeyChord::parse("Z").unwrap().key_event()),
            Some(&Action::YamlView(YamlCommand::ToggleStatus))
        );
    }
}
