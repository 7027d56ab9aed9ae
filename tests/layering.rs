//! The layering the README's module map promises, read from the sources: which
//! top-level module of `src/` may name which (`crate::x` paths and `use crate::{x, ...}`
//! groups, tests inside `src/` included), and that no import cycle runs through two
//! top-level modules. A newcomer can then read `action`, `keymap`, `config` and `cluster`
//! without `app`, and `app` without `ui` or `runtime`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Each top-level module of `src/` (a `name.rs` with its `name/` folder) and the other
/// top-level modules its files name.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph = BTreeMap::<String, BTreeSet<String>>::new();
    let mut files = Vec::new();
    collect(&src, &mut files);
    for file in files {
        let relative = file.strip_prefix(&src).expect("a file under src");
        let first = relative
            .components()
            .next()
            .expect("a path")
            .as_os_str()
            .to_string_lossy();
        let module = first.trim_end_matches(".rs").to_owned();
        if module == "lib" || module == "main" {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("a readable source file");
        let named = graph.entry(module.clone()).or_default();
        for other in named_modules(&text) {
            if other != module {
                named.insert(other);
            }
        }
    }
    graph
}

fn collect(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a readable folder") {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// The top-level modules `text` names through `crate::`, comments left out.
fn named_modules(text: &str) -> BTreeSet<String> {
    // A `//` comment (doc comments included) runs to the end of its line.
    let code: String = text
        .lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    let mut named = BTreeSet::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        match rest.strip_prefix('{') {
            Some(group) => named.extend(group_heads(group)),
            None => {
                named.insert(identifier(rest));
            }
        }
    }
    named.remove("");
    named
}

/// The first segment of each path in a `use crate::{...}` group (`body` starts just
/// inside its brace).
fn group_heads(body: &str) -> Vec<String> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut expecting_head = true;
    for (at, c) in body.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => expecting_head = true,
            c if expecting_head && depth == 0 && (c.is_alphanumeric() || c == '_') => {
                heads.push(identifier(&body[at..]));
                expecting_head = false;
            }
            _ => {}
        }
    }
    heads
}

fn identifier(text: &str) -> String {
    text.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

#[test]
fn the_scanner_reads_paths_and_groups() {
    let text = "use crate::app::State; // crate::ui in a comment\n\
                use crate::{\n    cluster::Kind, // crate::runtime\n    theme::{Theme, Roles},\n    config,\n};\n\
                let x = crate::keymap::Keymap::default();\n";
    let named: Vec<String> = named_modules(text).into_iter().collect();
    assert_eq!(named, ["app", "cluster", "config", "keymap", "theme"]);
}

#[test]
fn the_leaf_and_lower_modules_name_no_app_and_app_names_no_ui() {
    let graph = imports();
    let rules: [(&str, &[&str]); 5] = [
        (
            "action",
            &["app", "ui", "runtime", "cluster", "keymap", "config"],
        ),
        ("keymap", &["app", "ui", "runtime"]),
        ("config", &["app", "ui", "runtime"]),
        ("cluster", &["app", "ui", "runtime"]),
        ("app", &["ui", "runtime"]),
    ];
    let mut broken = Vec::new();
    for (module, forbidden) in rules {
        let named = graph.get(module).expect("the module exists");
        for other in forbidden {
            if named.contains(*other) {
                broken.push(format!("{module} names {other}"));
            }
        }
    }
    assert!(broken.is_empty(), "layering broken: {broken:?}");
}

/// The first cycle found from `module` (depth first: a module met again on the current
/// path closes one).
fn visit<'g>(
    module: &'g str,
    graph: &'g BTreeMap<String, BTreeSet<String>>,
    path: &mut Vec<&'g str>,
    done: &mut BTreeSet<&'g str>,
) -> Option<Vec<String>> {
    if let Some(at) = path.iter().position(|m| *m == module) {
        let mut cycle: Vec<String> = path[at..].iter().map(|m| (*m).to_owned()).collect();
        cycle.push(module.to_owned());
        return Some(cycle);
    }
    if !done.insert(module) {
        return None;
    }
    path.push(module);
    for next in graph.get(module).into_iter().flatten() {
        if let Some(cycle) = visit(next, graph, path, done) {
            return Some(cycle);
        }
    }
    path.pop();
    None
}

#[test]
fn no_import_cycle_runs_through_two_top_level_modules() {
    let graph = imports();
    let mut done = BTreeSet::new();
    for module in graph.keys() {
        let cycle = visit(module, &graph, &mut Vec::new(), &mut done);
        assert!(
            cycle.is_none(),
            "an import cycle: {}",
            cycle.unwrap_or_default().join(" -> ")
        );
    }
}
