//! The `:` command line: pane aliases as in kubectl and k9s, namespace and context
//! switches, quit; with Tab completion. The user's own words are [`Aliases`].

mod aliases;

pub use self::aliases::Aliases;
use crate::cluster::Kind;
use crate::cluster::registry::Catalog;
use crate::cluster::registry::catalog::LookupError;

/// A parsed `:` command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Show a pane.
    Pane(Kind),
    /// Switch to a namespace (`:ns NAME`; `all` or `-A` for all namespaces).
    Namespace(String),
    /// Open the context picker (`:ctx`) or switch (`:ctx NAME`).
    Context(Option<String>),
    /// Quit.
    Quit,
    /// The monitoring cockpit (`:monitor`, `:pulses` as in k9s), of the Deployments named
    /// (`:monitor web,api`) or all in the namespace.
    Monitor(Vec<String>),
    /// Open the canary dialog on the selected Deployment (`:canary`, like `c`).
    Canary,
    /// Create objects from YAML, starting from a template of the kind (`:create deploy`;
    /// without a kind, the pane's).
    Create(Option<Kind>),
    /// Create objects from the YAML of a file (`:create ./app.yaml`, like
    /// `kubectl create -f`), through the same editor, check, dry run and diff.
    CreateFrom(std::path::PathBuf),
    /// A shell in the selected pod or container, or a workload's first ready pod (`:shell`).
    Shell,
    /// The port-forwards (`:pf`, as in k9s).
    Forwards,
    /// The revisions of the selected Deployment, or of the one named, two of them
    /// compared side by side (`:history [NAME]`).
    History(Option<String>),
    /// A throwaway debug pod (`:run [IMAGE] [-- ARGS]`, like `kubectl run --rm -it`).
    Run {
        /// The image (`None`: the configured one, busybox).
        image: Option<String>,
        /// What follows `--` (the container's args).
        args: Vec<String>,
    },
}

/// The command words that name no kind.
const COMMAND_WORDS: &[&str] = &[
    "ctx", "context", "contexts", "canary", "monitor", "pulses", "create", "shell", "pf", "run",
    "history", "quit", "q",
];

/// Every built-in word: the names of kdeck's typed kinds (from the registry), then the
/// other commands. (The server's own kinds come from its [`Catalog`].)
pub fn command_words() -> impl Iterator<Item = &'static str> {
    Kind::all()
        .flat_map(Kind::names)
        .chain(COMMAND_WORDS.iter().copied())
}

/// The kind `word` names in `catalog`, or the error `:` shows.
fn kind_named(word: &str, catalog: &Catalog) -> Result<Kind, String> {
    catalog.lookup(word).map_err(|e| match e {
        LookupError::Ambiguous(names) => format!(
            ":{word} names several kinds; say which: {}",
            names
                .iter()
                .map(|n| format!(":{n}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        LookupError::Unknown => match suggestion(word, catalog) {
            Some(near) => format!("unknown command :{word}: did you mean :{near}?"),
            None => format!("unknown command :{word} (Tab completes; :q quits)"),
        },
    })
}

/// Parses a command line (without the `:`); kinds are looked up in `catalog`, the
/// kinds the server serves.
pub fn parse(line: &str, catalog: &Catalog) -> Result<Command, String> {
    let mut words = line.split_whitespace();
    let Some(word) = words.next() else {
        return Err("empty command: try :pods, :deploy, :ns NAME, :ctx or :q".to_owned());
    };
    if word == "run" {
        let rest = line.trim_start().strip_prefix("run").unwrap_or_default();
        return parse_run(&quoted_words(rest)?);
    }
    let arg = words.next().map(str::to_owned);
    if words.next().is_some() {
        return Err(format!("too many words in :{line}"));
    }
    match word {
        "q" | "q!" | "quit" | "exit" => Ok(Command::Quit),
        "ctx" | "context" | "contexts" => Ok(Command::Context(arg)),
        "monitor" | "mon" | "pulses" | "pulse" | "pu" => Ok(Command::Monitor(
            arg.iter()
                .flat_map(|a| a.split(','))
                .filter(|n| !n.is_empty())
                .map(str::to_owned)
                .collect(),
        )),
        "shell" | "sh" | "exec" => match arg {
            None => Ok(Command::Shell),
            Some(arg) => Err(format!(
                ":shell takes no argument (got {arg:?}): it opens the selected pod or workload"
            )),
        },
        "pf" | "portforward" | "portforwards" | "port-forward" | "port-forwards" => match arg {
            None => Ok(Command::Forwards),
            Some(arg) => Err(format!(
                ":pf takes no argument (got {arg:?}): F starts a forward on a pod, Service or Deployment"
            )),
        },
        "history" => Ok(Command::History(arg)),
        "canary" => match arg {
            None => Ok(Command::Canary),
            Some(arg) => Err(format!(
                ":canary takes no argument (got {arg:?}): its dialog asks for the image"
            )),
        },
        "create" => match arg {
            None => Ok(Command::Create(None)),
            Some(word) => match catalog.lookup(&word) {
                Ok(k) => Ok(Command::Create(Some(k))),
                Err(_) if looks_like_a_file(&word) => Ok(Command::CreateFrom(file_path(&word))),
                Err(_) => Err(format!(
                    ":create {word}: unknown kind (try :create deploy, or a file: :create ./app.yaml)"
                )),
            },
        },
        _ => {
            let kind = kind_named(word, catalog)?;
            match (kind, arg) {
                (Kind::Namespace, Some(ns)) => Ok(Command::Namespace(ns)),
                (_, Some(arg)) => Err(format!(":{word} takes no argument (got {arg:?})")),
                (kind, None) => Ok(Command::Pane(kind)),
            }
        }
    }
}

/// Words split on spaces, as a shell would with its quotes: `'a b'` and `"a b"` are one
/// word (no escapes).
fn quoted_words(text: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut quote: Option<char> = None;
    for c in text.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (None, '\'' | '"') => {
                quote = Some(c);
                word.get_or_insert_default();
            }
            (None, c) if c.is_whitespace() => words.extend(word.take()),
            (_, c) => word.get_or_insert_default().push(c),
        }
    }
    if let Some(q) = quote {
        return Err(format!("a {q} is not closed"));
    }
    words.extend(word);
    Ok(words)
}

/// `:run [IMAGE] [-- ARGS]`: the words after `run`.
fn parse_run(words: &[String]) -> Result<Command, String> {
    let (before, args) = match words.iter().position(|w| w == "--") {
        Some(at) => (&words[..at], &words[at + 1..]),
        None => (words, &[][..]),
    };
    let image = match before {
        [] => None,
        [image] => Some(image.clone()),
        _ => {
            return Err(format!(
                ":run IMAGE [-- ARGS]: one image, then -- before what it runs (got {})",
                before.join(" ")
            ));
        }
    };
    Ok(Command::Run {
        image,
        args: args.to_vec(),
    })
}

/// Whether a `:create` argument names a file rather than a kind.
fn looks_like_a_file(word: &str) -> bool {
    word.contains('/')
        || [".yaml", ".yml", ".json"]
            .iter()
            .any(|ext| word.to_ascii_lowercase().ends_with(ext))
}

/// The path a `:create` argument names, `~/` being the home directory.
fn file_path(word: &str) -> std::path::PathBuf {
    match (word.strip_prefix("~/"), dirs::home_dir()) {
        (Some(rest), Some(home)) => home.join(rest),
        _ => std::path::PathBuf::from(word),
    }
}

/// Completes `line`: a command word (a kind the server serves, or one of the user's
/// `aliases`), or the argument of
/// `:ns` / `:ctx` from `namespaces` and `contexts`. Returns the new line and the
/// candidates when more than one remains.
pub fn complete(
    line: &str,
    namespaces: &[&str],
    contexts: &[String],
    aliases: &Aliases,
    catalog: &Catalog,
) -> (String, Vec<String>) {
    if let Some((word, partial)) = line.split_once(' ') {
        let partial = partial.trim_start();
        let choices: Vec<String> = match word {
            "ns" | "namespace" | "namespaces" => {
                namespaces.iter().map(|s| (*s).to_owned()).collect()
            }
            "ctx" | "context" | "contexts" => contexts.to_vec(),
            _ => return (line.to_owned(), Vec::new()),
        };
        let (done, candidates) = complete_word(partial, choices.iter().map(String::as_str));
        return (format!("{word} {done}"), candidates);
    }
    let qualified = catalog.qualified_words();
    let mut words: Vec<&str> = command_words().chain(catalog.words()).collect();
    words.extend(qualified.iter().map(String::as_str));
    words.extend(aliases.words());
    complete_word(line, words.into_iter())
}

fn complete_word<'a>(
    partial: &str,
    choices: impl Iterator<Item = &'a str>,
) -> (String, Vec<String>) {
    let mut matching: Vec<&str> = choices.filter(|c| c.starts_with(partial)).collect();
    matching.sort_unstable();
    matching.dedup();
    match matching.as_slice() {
        [] => (partial.to_owned(), Vec::new()),
        [one] => ((*one).to_owned(), Vec::new()),
        many => {
            let mut prefix = many[0].to_owned();
            for m in &many[1..] {
                let common = prefix
                    .chars()
                    .zip(m.chars())
                    .take_while(|(a, b)| a == b)
                    .count();
                prefix = prefix.chars().take(common).collect();
            }
            (prefix, many.iter().map(|s| (*s).to_owned()).collect())
        }
    }
}

/// The command word nearest to `word` (a typo: at most two edits, or a word it starts
/// or ends with, e.g. `deploys` or `xdeploy`).
fn suggestion(word: &str, catalog: &Catalog) -> Option<&'static str> {
    let lower = word.to_lowercase();
    command_words()
        .chain(catalog.words())
        .filter(|w| w.len() > 1)
        .map(|w| {
            let distance = if lower.starts_with(w) || lower.ends_with(w) {
                lower.chars().count() - w.chars().count()
            } else {
                edit_distance(&lower, w)
            };
            (distance, w)
        })
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, w)| (*d, std::cmp::Reverse(w.len())))
        .map(|(_, w)| w)
}

/// Levenshtein distance (commands are short: the quadratic table is nothing).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != *cb);
            current.push(substitute.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_aliases_and_arguments() {
        assert_eq!(parse("po", &Catalog::typed()), Ok(Command::Pane(Kind::Pod)));
        assert_eq!(
            parse("create ./web.yaml", &Catalog::typed()),
            Ok(Command::CreateFrom("./web.yaml".into()))
        );
        assert_eq!(
            parse("create app.YML", &Catalog::typed()),
            Ok(Command::CreateFrom("app.YML".into()))
        );
        assert!(parse("create bogus", &Catalog::typed()).is_err());
        assert_eq!(
            parse("deploy", &Catalog::typed()),
            Ok(Command::Pane(Kind::Deployment))
        );
        assert_eq!(
            parse("eps", &Catalog::typed()),
            Ok(Command::Pane(Kind::EndpointSlice))
        );
        assert_eq!(
            parse("ns kube-system", &Catalog::typed()),
            Ok(Command::Namespace("kube-system".into()))
        );
        assert_eq!(parse("ctx", &Catalog::typed()), Ok(Command::Context(None)));
        assert_eq!(parse("q", &Catalog::typed()), Ok(Command::Quit));
        assert_eq!(
            parse("pulses", &Catalog::typed()),
            Ok(Command::Monitor(Vec::new()))
        );
        assert_eq!(
            parse("monitor web,prod/api", &Catalog::typed()),
            Ok(Command::Monitor(vec!["web".into(), "prod/api".into()]))
        );
        assert!(
            parse("bogus", &Catalog::typed())
                .unwrap_err()
                .contains("unknown command")
        );
        assert_eq!(
            parse("bogus", &Catalog::typed()).unwrap_err(),
            "unknown command :bogus (Tab completes; :q quits)"
        );
        assert!(parse("po x", &Catalog::typed()).is_err());
    }

    #[test]
    fn completes_words_and_arguments() {
        assert_eq!(
            complete("deplo", &[], &[], &Aliases::default(), &Catalog::typed()).0,
            "deploy"
        );
        let (line, candidates) = complete("e", &[], &[], &Aliases::default(), &Catalog::typed());
        assert_eq!(line, "e");
        assert!(candidates.contains(&"ev".to_owned()) && candidates.contains(&"eps".to_owned()));
        assert_eq!(
            complete(
                "ns kube-s",
                &["default", "kube-system"],
                &[],
                &Aliases::default(),
                &Catalog::typed()
            )
            .0,
            "ns kube-system"
        );
        assert_eq!(
            complete(
                "ctx de",
                &[],
                &["demo".to_owned()],
                &Aliases::default(),
                &Catalog::typed()
            )
            .0,
            "ctx demo"
        );
    }

    #[test]
    fn unknown_commands_get_the_nearest_word() {
        let did_you_mean = |w: &str| parse(w, &Catalog::typed()).unwrap_err();
        assert_eq!(
            did_you_mean("deplyo"),
            "unknown command :deplyo: did you mean :deploy?"
        );
        assert!(did_you_mean("pdos").ends_with("did you mean :pods?"));
        assert!(did_you_mean("secret2").ends_with("did you mean :secrets?"));
        // As kubectl takes `get Services`, names are matched in any case.
        assert_eq!(
            parse("Services", &Catalog::typed()),
            Ok(Command::Pane(Kind::Service))
        );
        assert!(did_you_mean("ctz").ends_with("did you mean :ctx?"));
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn history_of_the_selected_deployment_or_of_one_named() {
        let typed = Catalog::typed();
        assert_eq!(parse("history", &typed), Ok(Command::History(None)));
        assert_eq!(
            parse("history web", &typed),
            Ok(Command::History(Some("web".into())))
        );
        assert!(command_words().any(|w| w == "history"), "Tab completes it");
    }

    #[test]
    fn shell_pf_and_run_with_its_image_and_quoted_args() {
        assert_eq!(parse("shell", &Catalog::typed()), Ok(Command::Shell));
        assert_eq!(parse("pf", &Catalog::typed()), Ok(Command::Forwards));
        assert_eq!(
            parse("run", &Catalog::typed()),
            Ok(Command::Run {
                image: None,
                args: vec![]
            })
        );
        assert_eq!(
            parse("run alpine:3 -- sh -c 'echo hi'", &Catalog::typed()),
            Ok(Command::Run {
                image: Some("alpine:3".into()),
                args: vec!["sh".into(), "-c".into(), "echo hi".into()]
            })
        );
        assert!(
            parse("run busybox sh", &Catalog::typed()).is_err(),
            "-- comes before the command"
        );
        assert!(
            parse("run busybox -- sh -c 'x", &Catalog::typed()).is_err(),
            "an open quote"
        );
    }
}
