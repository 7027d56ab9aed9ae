//! The YAML view's own keys (the `[yaml]` section of keymaps): search jumps and the
//! display toggles. The keymap's movement keys scroll the view; `/` searches.

use super::YamlView;
use crate::action::Action;
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

impl YamlView {
    /// Runs one of the view's own commands; returns what the status line should say.
    pub fn run(&mut self, command: YamlCommand) -> Option<&'static str> {
        match command {
            YamlCommand::NextMatch | YamlCommand::PrevMatch => {
                if self.search.is_none() {
                    return Some("no search: / searches");
                }
                if !self.jump(command == YamlCommand::NextMatch) {
                    return Some("no match");
                }
            }
            YamlCommand::ToggleManagedFields => {
                self.options.managed_fields = !self.options.managed_fields;
                self.rebuild();
            }
            YamlCommand::ToggleStatus => {
                self.options.hide_status = !self.options.hide_status;
                self.rebuild();
            }
            YamlCommand::RevealSecrets => {
                if self.key.kind != Kind::Secret {
                    return Some("only a Secret has values to reveal");
                }
                self.options.reveal_secrets = !self.options.reveal_secrets;
                self.rebuild();
            }
        }
        None
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
