//! A command line split as a POSIX shell splits it, for the little the stand-in
//! shell runs: words, single and double quotes, backslashes, `$NAME`, `${NAME}`
//! and `$?`, comments, and lists joined by `;`, `&&` and `||`. Pipes, redirections
//! and background jobs are refused with a message rather than misread.

/// When a command of a list runs, after the one before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Joined {
    /// Always (the first command, or after `;` or a newline).
    Always,
    /// After `&&`: only if the one before succeeded.
    IfSucceeded,
    /// After `||`: only if the one before failed.
    IfFailed,
}

/// One simple command of a list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    /// How it joins the command before it.
    pub joined: Joined,
    /// Its words after expansion.
    pub words: Vec<String>,
}

/// Splits `line` into its commands; `var` expands `$NAME` (and `?`).
pub fn parse(line: &str, var: &dyn Fn(&str) -> String) -> Result<Vec<Command>, String> {
    let mut commands = Vec::new();
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut joined = Joined::Always;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '#' if !in_word => break,
            ';' | '\n' | '&' | '|' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
                let next = match (c, chars.peek()) {
                    ('&', Some('&')) => Joined::IfSucceeded,
                    ('|', Some('|')) => Joined::IfFailed,
                    (';' | '\n', _) => Joined::Always,
                    ('|', _) => return Err("pipes are not simulated".into()),
                    _ => return Err("background jobs are not simulated".into()),
                };
                if next != Joined::Always {
                    chars.next();
                    if words.is_empty() {
                        return Err(format!("syntax error: unexpected \"{c}{c}\""));
                    }
                }
                end_command(&mut words, joined, &mut commands);
                joined = next;
            }
            '<' | '>' => return Err("redirections are not simulated".into()),
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(ch) => word.push(ch),
                        None => return Err("syntax error: unterminated quoted string".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(ch @ ('"' | '\\' | '$' | '`')) => word.push(ch),
                            Some(ch) => {
                                word.push('\\');
                                word.push(ch);
                            }
                            None => return Err("syntax error: unterminated quoted string".into()),
                        },
                        Some('$') => word.push_str(&expand(&mut chars, var)),
                        Some(ch) => word.push(ch),
                        None => return Err("syntax error: unterminated quoted string".into()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(ch) = chars.next() {
                    word.push(ch);
                }
            }
            '$' => {
                let value = expand(&mut chars, var);
                // An unquoted expansion splits into words and vanishes when empty.
                let mut parts = value.split_whitespace().peekable();
                if let Some(first) = parts.next() {
                    word.push_str(first);
                    in_word = true;
                    for part in parts {
                        words.push(std::mem::take(&mut word));
                        word.push_str(part);
                    }
                }
            }
            ch => {
                in_word = true;
                word.push(ch);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    if words.is_empty() && joined != Joined::Always {
        return Err("syntax error: unexpected end of file".into());
    }
    end_command(&mut words, joined, &mut commands);
    Ok(commands)
}

fn end_command(words: &mut Vec<String>, joined: Joined, commands: &mut Vec<Command>) {
    if !words.is_empty() {
        commands.push(Command {
            joined,
            words: std::mem::take(words),
        });
    }
}

/// What follows a `$`: `?`, `NAME` or `{NAME}`; a lone `$` stays.
fn expand(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    var: &dyn Fn(&str) -> String,
) -> String {
    match chars.peek() {
        Some('?') => {
            chars.next();
            var("?")
        }
        Some('{') => {
            chars.next();
            let name: String = chars.by_ref().take_while(|c| *c != '}').collect();
            var(&name)
        }
        Some(c) if c.is_ascii_alphabetic() || *c == '_' => {
            let mut name = String::new();
            while let Some(c) = chars
                .peek()
                .filter(|c| c.is_ascii_alphanumeric() || **c == '_')
            {
                name.push(*c);
                chars.next();
            }
            var(&name)
        }
        _ => "$".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<Vec<String>> {
        let var = |n: &str| match n {
            "?" => "3".to_string(),
            "HOST" => "web-1".to_string(),
            "TWO" => "a b".to_string(),
            _ => String::new(),
        };
        parse(line, &var)
            .unwrap()
            .into_iter()
            .map(|c| c.words)
            .collect()
    }

    #[test]
    fn words_quotes_and_variables() {
        assert_eq!(words("echo  hello   world"), [["echo", "hello", "world"]]);
        assert_eq!(
            words("echo 'a  b' \"c $HOST\" d\\ e"),
            [["echo", "a  b", "c web-1", "d e"]]
        );
        assert_eq!(
            words("echo $? ${HOST} $TWO $NONE x"),
            [["echo", "3", "web-1", "a", "b", "x"]]
        );
        assert_eq!(words("echo ''"), [["echo", ""]]);
        assert_eq!(words("   # only a comment"), Vec::<Vec<String>>::new());
        assert_eq!(words("echo $"), [["echo", "$"]]);
    }

    #[test]
    fn lists_and_what_is_refused() {
        let var = |_: &str| String::new();
        let list = parse("true && echo ok || echo no; exit 3", &var).unwrap();
        let joins: Vec<Joined> = list.iter().map(|c| c.joined).collect();
        assert_eq!(
            joins,
            [
                Joined::Always,
                Joined::IfSucceeded,
                Joined::IfFailed,
                Joined::Always
            ]
        );
        assert!(parse("ls | wc", &var).unwrap_err().contains("pipes"));
        assert!(
            parse("echo x > f", &var)
                .unwrap_err()
                .contains("redirections")
        );
        assert!(parse("echo 'open", &var).is_err());
        assert!(parse("&& x", &var).is_err());
    }
}
