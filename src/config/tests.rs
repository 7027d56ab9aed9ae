use std::collections::BTreeSet;

use super::*;

/// The default file with every `# key = value` and `# [section]` line uncommented.
fn uncommented_default() -> String {
    let setting = regex::Regex::new(r"^# ([a-z_]+ = .+|\[[a-z_]+\])$").unwrap();
    DEFAULT_CONFIG
        .lines()
        .filter_map(|line| setting.captures(line).map(|c| c[1].to_owned()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every key path of a TOML table: `theme`, `logs`, `logs.tail_lines`, ...
fn key_paths(table: &toml::Table, prefix: &str, out: &mut BTreeSet<String>) {
    for (key, value) in table {
        let path = format!("{prefix}{key}");
        if let toml::Value::Table(inner) = value {
            key_paths(inner, &format!("{path}."), out);
        }
        out.insert(path);
    }
}

#[test]
fn the_commented_default_file_is_the_default_config() {
    let text = uncommented_default();
    let parsed: Config = toml::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(parsed, Config::default());
    assert_eq!(parsed.log_settings(), LogSettings::default());
    // The commented file itself is a valid (empty) config.
    assert_eq!(
        toml::from_str::<Config>(DEFAULT_CONFIG).unwrap(),
        Config::default()
    );
}

#[test]
fn every_field_of_config_is_in_the_default_file() {
    let mut full = Config::default();
    // A map field only shows its key when it has an entry.
    full.aliases.insert("x".into(), "pods".into());
    let serialized: toml::Table = toml::from_str(&toml::to_string(&full).unwrap()).unwrap();
    let mut fields = BTreeSet::new();
    key_paths(&serialized, "", &mut fields);
    fields.remove("aliases.x");
    let documented_text: toml::Table = toml::from_str(&uncommented_default()).unwrap();
    let mut documented = BTreeSet::new();
    key_paths(&documented_text, "", &mut documented);
    assert_eq!(fields, documented, "config/default.toml and Config differ");
    // And each key has a line saying what it does just above it.
    let lines: Vec<&str> = DEFAULT_CONFIG.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if line.starts_with("# ") && line.contains(" = ") && !line.contains("  ") {
            let above = lines[i - 1];
            assert!(
                above.starts_with("# ") && !above.contains(" = "),
                "no description above {line:?}"
            );
        }
    }
}

#[test]
fn reads_fields_rejects_unknown_and_lets_the_command_line_win() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    assert_eq!(Config::load_from(&path).unwrap(), Config::default());
    std::fs::write(
        &path,
        "namespace = \"all\"\ntheme = \"light\"\nreadonly = true\ncommand = \"deploy\"\n",
    )
    .unwrap();
    let config = Config::load_from(&path).unwrap();
    let mut args = DashboardArgs {
        theme: Some("16color".into()),
        ..DashboardArgs::default()
    };
    config.apply_to(&mut args);
    assert!(args.all_namespaces && args.readonly);
    assert_eq!(args.command.as_deref(), Some("deploy"));
    assert_eq!(args.theme.as_deref(), Some("16color"));
    assert_eq!(config.log_settings().tail_lines, 200);
    let mut args = DashboardArgs::default();
    Config::default().apply_to(&mut args);
    assert_eq!(
        (args.theme, args.namespace, args.keymap, args.command),
        (None, None, None, None),
        "auto, unset and default leave the command line's defaults"
    );
    std::fs::write(
        &path,
        "[logs]\ntail_lines = 50\nmax_lines = 1000\nsince_seconds = 600\n",
    )
    .unwrap();
    let logs = Config::load_from(&path).unwrap().log_settings();
    assert_eq!((logs.tail_lines, logs.caps.max_lines), (50, 1000));
    assert_eq!(logs.since_seconds, Some(600));
    std::fs::write(&path, "command = \"deplyo\"\n").unwrap();
    let err = Config::load_from(&path).unwrap_err().to_string();
    assert!(
        err.contains("config.toml") && err.contains("did you mean :deploy"),
        "{err}"
    );
    std::fs::write(&path, "command = \"d\"\n[aliases]\nd = \"deploy\"\n").unwrap();
    assert!(
        Config::load_from(&path).is_ok(),
        "an alias is a command too"
    );
    std::fs::write(&path, "\ncolour = 1\n").unwrap();
    let err = Config::load_from(&path).unwrap_err().to_string();
    assert!(
        err.contains("config.toml") && err.contains("line 2"),
        "{err}"
    );
}

#[test]
fn shell_commands_are_split_on_spaces_and_none_means_the_default() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(
        &path,
        "[shell]\ncommands = [\"/bin/zsh -l\", \" \", \"/bin/sh\"]\ndebug_image = \"alpine:3\"\n",
    )
    .unwrap();
    let config = Config::load_from(&path).unwrap();
    assert_eq!(
        config.shell_commands(),
        [vec!["/bin/zsh", "-l"], vec!["/bin/sh"]]
    );
    assert_eq!(config.shell.debug_image, "alpine:3");
    let defaults = Config::default().shell_commands();
    assert_eq!(defaults, [vec!["/bin/bash"], vec!["/bin/sh"]]);
    std::fs::write(&path, "[shell]\ncommands = []\n").unwrap();
    assert_eq!(Config::load_from(&path).unwrap().shell_commands(), defaults);
    std::fs::write(&path, "[shell]\nshells = []\n").unwrap();
    assert!(
        Config::load_from(&path).is_err(),
        "an unknown key is refused"
    );
}
