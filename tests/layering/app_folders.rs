//! The units of `src/app` and which names which: a sub-module `app/x.rs` with its folder
//! `app/x/` is one unit of the folder `x`; each of app's direct files without a folder
//! (`state.rs`, `msg.rs`, ...) is one unit of the folder `app`. Names re-exported by
//! `app.rs` (`app::State`) count as naming the unit they come from.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

use super::source_scan::{code_only, named_paths, use_tree_paths};

/// The folder of app's direct files.
pub const APP_FOLDER: &str = "app";

/// The units of `src/app`, the folder each belongs to, and the other units each names.
pub struct AppGraph {
    /// Unit name (the module's name under `app`) to its folder.
    pub folder: BTreeMap<String, String>,
    /// Unit name to the other units its files name.
    pub names: BTreeMap<String, BTreeSet<String>>,
}

impl AppGraph {
    /// The graph read from this crate's `src/app`.
    pub fn read() -> Self {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let app = src.join("app");
        let mut folder = BTreeMap::new();
        for entry in std::fs::read_dir(&app).expect("src/app is readable") {
            let path = entry.expect("a folder entry").path();
            if path.extension().is_some_and(|e| e == "rs") {
                let unit = stem(&path);
                let home = if app.join(&unit).is_dir() {
                    unit.clone()
                } else {
                    APP_FOLDER.to_owned()
                };
                folder.insert(unit, home);
            }
        }
        let reexports = reexports(&src.join("app.rs"));
        let mut files = Vec::new();
        collect(&app, &mut files);
        let mut names = BTreeMap::<String, BTreeSet<String>>::new();
        for file in files {
            let module = module_path(&file, &src);
            let own = module[1].clone();
            let text = std::fs::read_to_string(&file).expect("a readable source file");
            let named = names.entry(own.clone()).or_default();
            for path in named_paths(&code_only(&text)) {
                let mut full: Vec<String> = match path.supers {
                    None => Vec::new(),
                    Some(supers) => {
                        let mut base = module.clone();
                        base.extend(std::iter::repeat_n(String::new(), path.inline_depth));
                        base.truncate(base.len().saturating_sub(supers));
                        base
                    }
                };
                full.extend(path.segments.into_iter().filter(|s| s != "self"));
                if full.first().map(String::as_str) != Some("app") {
                    continue;
                }
                let units = match full.get(1) {
                    Some(name) if folder.contains_key(name) => vec![name.clone()],
                    Some(name) if reexports.contains_key(name) => vec![reexports[name].clone()],
                    // `app::*` or `app` itself: everything app re-exports.
                    Some(name) if name == "*" => reexports.values().cloned().collect(),
                    None => reexports.values().cloned().collect(),
                    Some(name) => panic!(
                        "{}: cannot tell which unit `app::{name}` is (not a module of app, \
                         nor re-exported by app.rs)",
                        file.display()
                    ),
                };
                named.extend(units.into_iter().filter(|unit| *unit != own));
            }
        }
        Self { folder, names }
    }

    /// The units reachable from `unit` by one or more steps.
    fn reachable(&self, unit: &str) -> BTreeSet<&str> {
        let mut seen = BTreeSet::new();
        let mut queue: VecDeque<&str> = self.next(unit).collect();
        while let Some(at) = queue.pop_front() {
            if seen.insert(at) {
                queue.extend(self.next(at));
            }
        }
        seen
    }

    fn next<'g>(&'g self, unit: &str) -> impl Iterator<Item = &'g str> {
        self.names
            .get(unit)
            .into_iter()
            .flatten()
            .map(String::as_str)
    }

    /// The sub-view folders (every folder but `app`) whose unit lies on an import cycle
    /// with a unit of another folder, each with the shortest such cycle.
    pub fn cyclic_folders(&self) -> BTreeMap<String, Vec<String>> {
        let mut cyclic = BTreeMap::new();
        for (unit, home) in &self.folder {
            if home == APP_FOLDER || !self.reachable(unit).contains(unit.as_str()) {
                continue;
            }
            // A sub-view folder is one unit, so any cycle through it leaves the folder.
            cyclic.insert(home.clone(), self.shortest_cycle(unit));
        }
        cyclic
    }

    /// The shortest cycle from `unit` back to itself, each unit shown as `x/` (a folder)
    /// or `x.rs` (one of app's direct files).
    fn shortest_cycle(&self, unit: &str) -> Vec<String> {
        let mut came_from = BTreeMap::<&str, &str>::new();
        let mut queue = VecDeque::from([unit]);
        'search: while let Some(at) = queue.pop_front() {
            for next in self.next(at) {
                if came_from.contains_key(next) {
                    continue;
                }
                came_from.insert(next, at);
                if next == unit {
                    break 'search;
                }
                queue.push_back(next);
            }
        }
        let mut cycle = vec![self.shown(unit)];
        let mut at = came_from[unit];
        while at != unit {
            cycle.push(self.shown(at));
            at = came_from[at];
        }
        cycle.push(self.shown(unit));
        cycle.reverse();
        cycle
    }

    fn shown(&self, unit: &str) -> String {
        if self.folder[unit] == APP_FOLDER {
            format!("{unit}.rs")
        } else {
            format!("{unit}/")
        }
    }

    /// The units that the sub-view folder `home` names directly, shown as in a cycle.
    pub fn named_by(&self, home: &str) -> Vec<String> {
        self.next(home).map(|unit| self.shown(unit)).collect()
    }
}

/// What `app.rs` re-exports (`pub use msg::{Effect, Msg}`): item name to its unit.
fn reexports(app_rs: &Path) -> BTreeMap<String, String> {
    let code = code_only(&std::fs::read_to_string(app_rs).expect("src/app.rs is readable"));
    let mut found = BTreeMap::new();
    for (at, _) in code.match_indices("pub use ") {
        for path in use_tree_paths(&code[at + "pub use ".len()..]) {
            if let [unit, .., item] = path.as_slice() {
                found.insert(item.clone(), unit.clone());
            }
        }
    }
    found
}

/// The module path of a file under `src` (`src/app/dialog/scale.rs` is
/// `["app", "dialog", "scale"]`).
fn module_path(file: &Path, src: &Path) -> Vec<String> {
    let relative = file.strip_prefix(src).expect("a file under src");
    relative
        .with_extension("")
        .components()
        .map(|part| part.as_os_str().to_string_lossy().into_owned())
        .collect()
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .expect("a file name")
        .to_string_lossy()
        .into_owned()
}

/// Every `.rs` file under `dir`.
pub fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a readable folder") {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}
