//! A command line split as a POSIX shell splits it, for the little the stand-in
//! shell runs: words, single and double quotes, backslashes, `$NAME`, `${NAME}`
//! and `$?`, comments, lists joined by `;`, `&&` and `||`, and `for NAME in WORDS;
//! do LIST; done` loops (the tutorials' `for loop in 1 2 3 4; do curl ...; done`).
//! Variables expand when their command runs (`false; echo $?` prints 1). Pipes,
//! redirections and background jobs are refused with a message rather than misread.

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

impl Command {
    /// Whether its first word is `word`, as written (no quotes, no variables).
    fn starts_with(&self, word: &str) -> bool {
        matches!(self.words.first().map(Vec::as_slice), Some([Piece::Text(t)]) if t == word)
    }

    /// The command without its first word (what follows `do`), joined as `joined`.
    fn rest(&self, joined: Joined) -> Option<Self> {
        (self.words.len() > 1).then(|| Self {
            joined,
            words: self.words[1..].to_vec(),
        })
    }
}

/// A step of a command list: a simple command, or a `for` loop over words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// A command, run when its `joined` says.
    Simple(Command),
    /// `for NAME in WORDS; do BODY; done`, run when `joined` says.
    For {
        /// How the loop joins the step before it.
        joined: Joined,
        /// The loop variable.
        name: String,
        /// The words it takes in turn (expanded when the loop starts).
        items: Command,
        /// What runs for each.
        body: Vec<Step>,
    },
}

/// Splits `line` into its steps, loops gathered.
pub fn steps(line: &str) -> Result<Vec<Step>, String> {
    gather(parse(line)?)
}

/// The steps of `commands`, each `for ...; do` gathered with its body up to its `done`.
fn gather(commands: Vec<Command>) -> Result<Vec<Step>, String> {
    let unfinished = || "syntax error: unexpected end of file (expecting \"done\")".to_string();
    let mut steps = Vec::new();
    let mut commands = commands.into_iter();
    while let Some(command) = commands.next() {
        if command.starts_with("done") {
            return Err("syntax error: unexpected \"done\"".into());
        }
        if !command.starts_with("for") {
            steps.push(Step::Simple(command));
            continue;
        }
        let name = match (command.words.get(1), command.words.get(2)) {
            (Some(name), Some(word_in)) if word_in.as_slice() == [Piece::Text("in".into())] => {
                match name.as_slice() {
                    [Piece::Text(name)]
                        if name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
                    {
                        name.clone()
                    }
                    _ => return Err("syntax error: bad for loop variable".into()),
                }
            }
            _ => return Err("syntax error: bad for loop variable".into()),
        };
        let items = Command {
            joined: Joined::Always,
            words: command.words[3..].to_vec(),
        };
        let first = commands.next().ok_or_else(unfinished)?;
        if !first.starts_with("do") {
            return Err("syntax error: \"do\" expected".into());
        }
        let mut body: Vec<Command> = first.rest(Joined::Always).into_iter().collect();
        // Up to the `done` that closes this loop (inner loops have their own).
        let mut depth = usize::from(body.first().is_some_and(|c| c.starts_with("for")));
        loop {
            let next = commands.next().ok_or_else(unfinished)?;
            if next.starts_with("for") {
                depth += 1;
            } else if next.starts_with("done") {
                if depth == 0 {
                    break;
                }
                depth -= 1;
            }
            body.push(next);
        }
        steps.push(Step::For {
            joined: command.joined,
            name,
            items,
            body: gather(body)?,
        });
    }
    Ok(steps)
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

    #[test]
    fn for_loops_gather_their_bodies() {
        let looped =
            steps("for loop in 1 2 $TWO; do curl -I x; echo $loop; done; echo end").unwrap();
        let [
            Step::For {
                name, items, body, ..
            },
            Step::Simple(end),
        ] = looped.as_slice()
        else {
            panic!("{looped:?}");
        };
        assert_eq!(name, "loop");
        let var = |n: &str| {
            if n == "TWO" {
                "a b".into()
            } else {
                String::new()
            }
        };
        assert_eq!(items.expand(&var), ["1", "2", "a", "b"]);
        assert_eq!(body.len(), 2);
        assert_eq!(end.expand(&var), ["echo", "end"]);
        let nested = steps("for a in 1 2; do for b in x y; do echo $a$b; done; done").unwrap();
        let [Step::For { body, .. }] = nested.as_slice() else {
            panic!("{nested:?}");
        };
        assert!(matches!(body.as_slice(), [Step::For { .. }]), "{body:?}");
        assert!(
            steps("for i in 1 2; do echo $i")
                .unwrap_err()
                .contains("expecting \"done\"")
        );
        assert!(
            steps("for i in 1; echo")
                .unwrap_err()
                .contains("\"do\" expected")
        );
        assert!(steps("done").unwrap_err().contains("unexpected \"done\""));
        assert!(steps("for 'x y' in 1; do echo; done").is_err());
    }
}
