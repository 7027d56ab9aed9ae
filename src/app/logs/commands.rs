//! The keys of the logs view. Its own keys (the keymap's `[logs]` section, [`LogsCommand`])
//! come first while it is shown; the `[normal]` movement keys scroll it, `bottom` (`G`/End)
//! follows again, `back` (Esc) closes what is open.

use super::sources::pod_containers;
use super::{LogEffect, LogPrompt, LogScope, LogsView, PromptPurpose, restart_stream};
use crate::action::Action;
use crate::app::line_matcher::LineMatcher;
use crate::app::rows::Stores;
use crate::keymap::Keymap;

pub use crate::action::LogsCommand;

/// Footer hints: the first key of each (as the keymap binds it) and a word.
pub fn hints(keymap: &Keymap) -> Vec<(String, &'static str)> {
    let words = [
        (Action::LogsKey(LogsCommand::PickContainer), "container"),
        (Action::LogsKey(LogsCommand::TogglePrevious), "previous"),
        (Action::LogsKey(LogsCommand::ToggleTimestamps), "time"),
        (Action::LogsKey(LogsCommand::ToggleWrap), "wrap"),
        (Action::LogsKey(LogsCommand::Search), "search"),
        (Action::LogsKey(LogsCommand::Filter), "filter"),
        (Action::LogsKey(LogsCommand::Save), "save"),
        (Action::LogsKey(LogsCommand::Copy), "copy"),
        (Action::Bottom, "follow"),
    ];
    words
        .into_iter()
        .filter_map(|(action, word)| {
            let key = keymap.keys_of(&action).into_iter().next()?;
            Some((key.to_string(), word))
        })
        .collect()
}

/// What the view did with an action or a prompt's key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handled {
    /// Not the view's to handle.
    NotMine,
    /// Done.
    Done,
    /// Done; the status line says this.
    Said(String),
    /// A prompt was submitted: the status line says this (`None`: clear it).
    Submitted(Option<String>),
}

/// A key typed on the view's prompt line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptEdit {
    /// A character.
    Char(char),
    /// Pasted text.
    Text(String),
    /// Backspace.
    Backspace,
    /// Ctrl-u: the line emptied.
    Clear,
    /// Esc: the prompt closed.
    Cancel,
    /// Enter.
    Submit,
}

impl LogsView {
    /// Handles `action` on a page of `page` rows (the pod rows in `stores` say which
    /// containers the picker offers).
    pub fn action(
        &mut self,
        action: &Action,
        stores: &Stores,
        page: usize,
        effects: &mut Vec<LogEffect>,
    ) -> Handled {
        on_action(self, action, stores, page, effects)
    }

    /// A key typed on the prompt line; `NotMine` when no prompt is open.
    pub fn prompt_input(
        &mut self,
        edit: PromptEdit,
        page: usize,
        effects: &mut Vec<LogEffect>,
    ) -> Handled {
        let Some(prompt) = self.prompt.as_mut() else {
            return Handled::NotMine;
        };
        match edit {
            PromptEdit::Char(c) => prompt.text.push(c),
            PromptEdit::Text(text) => prompt.text.push_str(&text),
            PromptEdit::Backspace => {
                prompt.text.pop();
            }
            PromptEdit::Clear => prompt.text.clear(),
            PromptEdit::Cancel => self.prompt = None,
            PromptEdit::Submit => {
                let LogPrompt { purpose, text } = self.prompt.take().unwrap_or(LogPrompt {
                    purpose: PromptPurpose::Search,
                    text: String::new(),
                });
                return Handled::Submitted(submit(self, purpose, &text, page, effects));
            }
        }
        Handled::Done
    }
}

fn on_action(
    view: &mut LogsView,
    action: &Action,
    stores: &Stores,
    page: usize,
    effects: &mut Vec<LogEffect>,
) -> Handled {
    if let Some(selected) = view.picker {
        let containers = pod_containers(stores, &view.namespace, &pod_of(view));
        match action {
            Action::Up => view.picker = Some(selected.saturating_sub(1)),
            Action::Down => {
                view.picker = Some((selected + 1).min(containers.len().saturating_sub(1)));
            }
            Action::Enter => {
                view.picker = None;
                if let Some(name) = containers.get(selected)
                    && view.sources.first().is_some_and(|s| s.container != *name)
                {
                    view.sources[0].container.clone_from(name);
                    clear(view);
                    restart_stream(view, 0, effects);
                }
            }
            Action::Back => view.picker = None,
            // Quit, help and commands still work; other keys wait for the picker.
            Action::Quit | Action::Help | Action::CommandMode => return Handled::NotMine,
            _ => {}
        }
        return Handled::Done;
    }
    match action {
        Action::Up => view.scroll(-1, page),
        Action::Down => view.scroll(1, page),
        Action::PageUp => view.scroll(-(page as isize), page),
        Action::PageDown => view.scroll(page as isize, page),
        Action::Top => view.scroll(isize::MIN, page),
        Action::Bottom => view.scroll(isize::MAX, page),
        Action::FilterMode => open_prompt(view, PromptPurpose::Search),
        Action::Back if view.filter.is_some() => {
            view.filter = None;
            view.refilter();
        }
        Action::Back if view.search.is_some() => {
            view.search = None;
            view.current_match = None;
        }
        Action::LogsKey(command) => {
            if let Some(message) = command_key(view, *command, page, effects) {
                return Handled::Said(message);
            }
        }
        _ => return Handled::NotMine,
    }
    Handled::Done
}

fn pod_of(view: &LogsView) -> String {
    view.sources
        .first()
        .map(|s| s.pod.clone())
        .unwrap_or_default()
}

fn clear(view: &mut LogsView) {
    view.buffer = super::buffer::LogBuffer::new(view.settings.caps);
    view.filtered.clear();
    view.current_match = None;
    view.resume();
}

fn open_prompt(view: &mut LogsView, purpose: PromptPurpose) {
    let text = match purpose {
        PromptPurpose::Search => view.search.as_ref().map(|m| m.text.clone()),
        PromptPurpose::Filter => view.filter.as_ref().map(|m| m.text.clone()),
        PromptPurpose::Save => Some(default_save_path(view)),
    };
    view.prompt = Some(LogPrompt {
        purpose,
        text: text.unwrap_or_default(),
    });
}

/// `kdeck-<pod or workload>.log` in the current directory.
fn default_save_path(view: &LogsView) -> String {
    let name = match &view.scope {
        LogScope::Pod { pod } => pod.clone(),
        LogScope::Workload { name, .. } => name.clone(),
    };
    format!("kdeck-{name}.log")
}

/// Runs a view key; returns a message for the status line, if any.
fn command_key(
    view: &mut LogsView,
    command: LogsCommand,
    page: usize,
    effects: &mut Vec<LogEffect>,
) -> Option<String> {
    match command {
        LogsCommand::PickContainer => {
            if view.multi_pod() {
                return Some("this view follows every container of every pod".to_owned());
            }
            view.picker = Some(0);
        }
        LogsCommand::TogglePrevious => {
            if view.multi_pod() {
                return Some("the previous log is one pod's: open a pod's logs".to_owned());
            }
            view.previous = !view.previous;
            clear(view);
            restart_stream(view, 0, effects);
        }
        LogsCommand::ToggleTimestamps => view.timestamps = !view.timestamps,
        LogsCommand::ToggleWrap => view.wrap = !view.wrap,
        LogsCommand::Search => open_prompt(view, PromptPurpose::Search),
        LogsCommand::Filter => open_prompt(view, PromptPurpose::Filter),
        LogsCommand::Save => open_prompt(view, PromptPurpose::Save),
        LogsCommand::NextMatch => return jump(view, true, page),
        LogsCommand::PrevMatch => return jump(view, false, page),
        LogsCommand::Copy => {
            let text = super::line_text::screen_text(view, page);
            let lines = text.lines().count();
            effects.push(LogEffect::CopyText(text));
            return Some(format!("copying {lines} lines…"));
        }
    }
    None
}

/// Moves the current match to the next newer (`forward`) or older one and shows it.
fn jump(view: &mut LogsView, forward: bool, page: usize) -> Option<String> {
    let Some(search) = &view.search else {
        return Some("no search: / to search".to_owned());
    };
    let len = view.visible_len();
    let from = match view.current_match {
        Some(seq) => view.position_of(seq),
        None => len,
    };
    let candidates: Box<dyn Iterator<Item = usize>> = if forward {
        Box::new(from.saturating_add(1)..len)
    } else {
        Box::new((0..from.min(len)).rev())
    };
    for i in candidates {
        let Some(seq) = view.visible_seq(i) else {
            continue;
        };
        if view
            .buffer
            .get(seq)
            .is_some_and(|e| !e.note && search.is_match(&e.text))
        {
            view.current_match = Some(seq);
            view.pause(page);
            let top = i.saturating_sub(page / 2);
            view.top = view.visible_seq(top).unwrap_or(seq);
            return None;
        }
    }
    Some(format!("no more matches of {:?}", search.text))
}

fn submit(
    view: &mut LogsView,
    purpose: PromptPurpose,
    text: &str,
    page: usize,
    effects: &mut Vec<LogEffect>,
) -> Option<String> {
    match purpose {
        PromptPurpose::Save => {
            if text.trim().is_empty() {
                return Some("save: no file name given".to_owned());
            }
            let contents = super::line_text::save_text(view);
            effects.push(LogEffect::SaveText {
                path: text.trim().into(),
                text: contents,
            });
            None
        }
        PromptPurpose::Search | PromptPurpose::Filter => {
            let matcher = match LineMatcher::parse(text) {
                Ok(m) => m,
                Err(e) => return Some(e),
            };
            if purpose == PromptPurpose::Filter {
                view.filter = matcher;
                view.refilter();
                view.current_match = None;
                view.resume();
                return None;
            }
            view.search = matcher;
            view.current_match = None;
            if view.search.is_some() {
                return jump(view, false, page);
            }
            None
        }
    }
}
