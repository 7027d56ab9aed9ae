//! A command line split as a POSIX shell splits it, for the little the stand-in
//! shell runs: words, single and double quotes, backslashes, `$NAME`, `${NAME}`
//! and `$?`, comments, and lists joined by `;`, `&&` and `||`. Variables expand
//! when their command runs (`false; echo $?` prints 1). Pipes, redirections and
//! background jobs are refused with a message rather than misread.

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

/// A piece of a word: text as written, or a variable expanded when the command runs.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece {
    Text(String),
    /// A variable; unquoted, its value splits into words (and vanishes when empty).
    Var {
        name: String,
        quoted: bool,
    },
}

/// One simple command of a list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    /// How it joins the command before it.
    pub joined: Joined,
    words: Vec<Vec<Piece>>,
}

impl Command {
    /// The command's words, its variables expanded by `var` (`?` is the last status).
    pub fn expand(&self, var: &dyn Fn(&str) -> String) -> Vec<String> {
        let mut out = Vec::new();
        for word in &self.words {
            let mut current = String::new();
            // Quotes make a word even when empty (`echo ''`).
            let mut exists = word
                .iter()
                .any(|p| !matches!(p, Piece::Var { quoted: false, .. }));
            for piece in word {
                match piece {
                    Piece::Text(t) => current.push_str(t),
                    Piece::Var { name, quoted: true } => current.push_str(&var(name)),
                    Piece::Var {
                        name,
                        quoted: false,
                    } => {
                        let value = var(name);
                        let mut parts = value.split_whitespace();
                        if let Some(first) = parts.next() {
                            current.push_str(first);
                            exists = true;
                            for part in parts {
                                out.push(std::mem::take(&mut current));
                                current.push_str(part);
                            }
                        }
                    }
                }
            }
            if exists {
                out.push(current);
            }
        }
        out
    }
}

/// The words being read.
#[derive(Default)]
struct Reader {
    commands: Vec<Command>,
    words: Vec<Vec<Piece>>,
    word: Vec<Piece>,
    in_word: bool,
    joined: Option<Joined>,
}

impl Reader {
    fn text(&mut self, c: char) {
        self.in_word = true;
        if let Some(Piece::Text(t)) = self.word.last_mut() {
            t.push(c);
        } else {
            self.word.push(Piece::Text(c.to_string()));
        }
    }

    fn end_word(&mut self) {
        if self.in_word {
            self.words.push(std::mem::take(&mut self.word));
            self.in_word = false;
        }
    }

    fn end_command(&mut self) {
        self.end_word();
        if !self.words.is_empty() {
            self.commands.push(Command {
                joined: self.joined.unwrap_or(Joined::Always),
                words: std::mem::take(&mut self.words),
            });
        }
    }
}

/// Splits `line` into its commands.
pub fn parse(line: &str) -> Result<Vec<Command>, String> {
    let mut r = Reader::default();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => r.end_word(),
            '#' if !r.in_word => break,
            ';' | '\n' | '&' | '|' => {
                let next = match (c, chars.peek()) {
                    ('&', Some('&')) => Joined::IfSucceeded,
                    ('|', Some('|')) => Joined::IfFailed,
                    (';' | '\n', _) => Joined::Always,
                    ('|', _) => return Err("pipes are not simulated".into()),
                    _ => return Err("background jobs are not simulated".into()),
                };
                r.end_word();
                if next != Joined::Always {
                    chars.next();
                    if r.words.is_empty() {
                        return Err(format!("syntax error: unexpected \"{c}{c}\""));
                    }
                }
                r.end_command();
                r.joined = Some(next);
            }
            '<' | '>' => return Err("redirections are not simulated".into()),
            '\'' => {
                r.in_word = true;
                r.word.push(Piece::Text(String::new()));
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(ch) => r.text(ch),
                        None => return Err("syntax error: unterminated quoted string".into()),
                    }
                }
            }
            '"' => {
                r.in_word = true;
                r.word.push(Piece::Text(String::new()));
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(ch @ ('"' | '\\' | '$' | '`')) => r.text(ch),
                            Some(ch) => {
                                r.text('\\');
                                r.text(ch);
                            }
                            None => return Err("syntax error: unterminated quoted string".into()),
                        },
                        Some('$') => match variable(&mut chars) {
                            Some(name) => r.word.push(Piece::Var { name, quoted: true }),
                            None => r.text('$'),
                        },
                        Some(ch) => r.text(ch),
                        None => return Err("syntax error: unterminated quoted string".into()),
                    }
                }
            }
            '\\' => {
                if let Some(ch) = chars.next() {
                    r.text(ch);
                }
            }
            '$' => match variable(&mut chars) {
                Some(name) => {
                    r.in_word = true;
                    r.word.push(Piece::Var {
                        name,
                        quoted: false,
                    });
                }
                None => r.text('$'),
            },
            ch => r.text(ch),
        }
    }
    r.end_word();
    if r.words.is_empty() && r.joined.is_some_and(|j| j != Joined::Always) {
        return Err("syntax error: unexpected end of file".into());
    }
    r.end_command();
    Ok(r.commands)
}

/// The variable after a `$`: `?`, `NAME` or `{NAME}`; `None` for a lone `$`.
fn variable(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Option<String> {
    match chars.peek() {
        Some('?') => {
            chars.next();
            Some("?".into())
        }
        Some('{') => {
            chars.next();
            Some(chars.by_ref().take_while(|c| *c != '}').collect())
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
            Some(name)
        }
        _ => None,
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
        parse(line)
            .unwrap()
            .into_iter()
            .map(|c| c.expand(&var))
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
        assert_eq!(words("echo '' \"$NONE\""), [["echo", "", ""]]);
        assert_eq!(words("   # only a comment"), Vec::<Vec<String>>::new());
        assert_eq!(words("echo $"), [["echo", "$"]]);
    }

    #[test]
    fn lists_and_what_is_refused() {
        let list = parse("true && echo ok || echo no; exit 3").unwrap();
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
        assert!(parse("ls | wc").unwrap_err().contains("pipes"));
        assert!(parse("echo x > f").unwrap_err().contains("redirections"));
        assert!(parse("echo 'open").is_err());
        assert!(parse("&& x").is_err());
    }
}
