//! The key reference in markdown, generated from a keymap so that the README cannot
//! drift from the keys kdeck really binds (a test compares the two).

use std::fmt::Write as _;

use super::{Keymap, Section};

/// The README block's first line.
pub const BEGIN_MARKER: &str = "<!-- keys:begin -->";
/// The README block's last line.
pub const END_MARKER: &str = "<!-- keys:end -->";

/// One markdown table per section: key(s), action name, description.
pub fn markdown(keymap: &Keymap) -> String {
    let mut out = String::new();
    for section in Section::ALL {
        let lines = keymap.help_of(section);
        if lines.is_empty() {
            continue;
        }
        let _ = writeln!(out, "#### {} (`[{}]`)\n", section.title(), section.name());
        out.push_str("| key | action | does |\n|---|---|---|\n");
        for (keys, name, description) in lines {
            let keys: Vec<String> = keys.split(' ').map(code).collect();
            let _ = writeln!(
                out,
                "| {} | `{name}` | {} |",
                keys.join(" "),
                description.replace('|', "\\|")
            );
        }
        out.push('\n');
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

/// The block as it belongs in the README, markers included.
pub fn readme_block(keymap: &Keymap) -> String {
    format!("{BEGIN_MARKER}\n{}{END_MARKER}", markdown(keymap))
}

/// `text` with its block between the markers replaced by `block`; `None` when the
/// markers are missing.
pub fn replace_block(text: &str, block: &str) -> Option<String> {
    let start = text.find(BEGIN_MARKER)?;
    let end = text[start..].find(END_MARKER)? + start + END_MARKER.len();
    Some(format!("{}{block}{}", &text[..start], &text[end..]))
}

/// A key as an inline code span that survives a markdown table (`|`, a backtick).
fn code(key: &str) -> String {
    match key {
        "|" => "`\\|`".to_owned(),
        "`" => "`` ` ``".to_owned(),
        other => format!("`{other}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_section_gets_a_table_and_every_bound_action_a_row() {
        let map = Keymap::default_keymap();
        let text = markdown(&map);
        for section in Section::ALL {
            assert!(
                text.contains(&format!("(`[{}]`)", section.name())),
                "{text}"
            );
        }
        assert!(text.contains("| `k` `Up` | `up` | up |"), "{text}");
        assert!(text.contains("| `Ctrl-s` | `save` |"), "{text}");
        let rows = text.lines().filter(|l| l.starts_with("| `")).count();
        let actions: usize = Section::ALL.iter().map(|s| map.help_of(*s).len()).sum();
        assert_eq!(rows, actions);
    }

    #[test]
    fn the_block_is_replaced_between_its_markers_only() {
        let text = format!("a\n{BEGIN_MARKER}\nold\n{END_MARKER}\nb\n");
        assert_eq!(replace_block(&text, "NEW").as_deref(), Some("a\nNEW\nb\n"));
        assert_eq!(replace_block("no markers", "NEW"), None);
    }
}
