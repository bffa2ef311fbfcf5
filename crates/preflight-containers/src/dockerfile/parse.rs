//! A Dockerfile as a list of instructions with their lines.
//!
//! No maintained Rust crate reads the whole grammar BuildKit accepts (heredocs in particular),
//! so this is a line grammar following the Dockerfile reference:
//! - parser directives (`# syntax=...`, `# escape=...`) are read only before the first
//!   comment, blank line or instruction; `escape` changes the continuation character;
//! - a line whose last non-blank character is the escape character continues on the next line;
//!   comment lines and blank lines inside a continued instruction are dropped;
//! - a heredoc (`RUN <<EOF`, `COPY <<-"EOF" /dst`, several on one line) takes the lines after
//!   the instruction up to its delimiter (tabs stripped first for `<<-`);
//! - keywords are case-insensitive; arguments are kept as written, so the shell form and the
//!   JSON form are told apart by the instruction's reader.
//!
//! Every input parses: problems (an unterminated heredoc, a line that is not UTF-8) are
//! recorded with their line and the rest of the file is still read.

use std::sync::LazyLock;

use regex::Regex;

/// A heredoc marker: `<<`, an optional `-`, and a delimiter, bare or quoted.
static HEREDOC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"<<(-?)(?:"([A-Za-z0-9_.-]+)"|'([A-Za-z0-9_.-]+)'|([A-Za-z_][A-Za-z0-9_.-]*))"#)
        .expect("valid heredoc pattern")
});

/// One instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    /// The keyword in upper case (`FROM`, `RUN`, ...).
    pub keyword: String,
    /// The 1-based line the instruction starts on.
    pub line: u32,
    /// The arguments after the keyword, continuation lines joined.
    pub args: String,
    /// The heredocs the instruction reads, in order.
    pub heredocs: Vec<Heredoc>,
}

/// The body of a heredoc.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    /// The delimiter word.
    pub delimiter: String,
    /// The body lines with their 1-based line numbers.
    pub lines: Vec<(u32, String)>,
}

/// A problem found while reading, with its 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The 1-based line.
    pub line: u32,
    /// What is wrong.
    pub message: String,
}

/// A parsed Dockerfile.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dockerfile {
    /// The instructions in file order.
    pub instructions: Vec<Instruction>,
    /// What could not be read as written.
    pub problems: Vec<Problem>,
}

/// Parses the bytes of a Dockerfile.
pub fn parse(bytes: &[u8]) -> Dockerfile {
    let mut out = Dockerfile::default();
    let lines: Vec<String> = bytes
        .split(|&b| b == b'\n')
        .enumerate()
        .map(|(i, raw)| {
            let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
            match std::str::from_utf8(raw) {
                Ok(text) => text.to_string(),
                Err(_) => {
                    out.problems.push(Problem {
                        line: line_number(i),
                        message:
                            "the line is not valid UTF-8; it was read with replacement characters"
                                .to_string(),
                    });
                    String::from_utf8_lossy(raw).into_owned()
                }
            }
        })
        .collect();
    let (escape, mut i) = directives(&lines);
    while i < lines.len() {
        let trimmed = lines[i].trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            i += 1;
            continue;
        }
        let start = i;
        let mut logical = String::new();
        loop {
            let (content, continues) = strip_continuation(&lines[i], escape);
            logical.push_str(content);
            i += 1;
            if !continues {
                break;
            }
            while i < lines.len() && {
                let t = lines[i].trim_start();
                t.is_empty() || t.starts_with('#')
            } {
                i += 1;
            }
            if i >= lines.len() {
                break;
            }
        }
        let logical = logical.trim_start();
        let (keyword, args) = match logical.find(char::is_whitespace) {
            Some(at) => (&logical[..at], logical[at..].trim()),
            None => (logical, ""),
        };
        let keyword = keyword.to_ascii_uppercase();
        let mut heredocs = Vec::new();
        if matches!(keyword.as_str(), "RUN" | "COPY" | "ADD") && !args.starts_with('[') {
            for marker in HEREDOC.captures_iter(args) {
                let strip_tabs = &marker[1] == "-";
                let delimiter = marker
                    .get(2)
                    .or_else(|| marker.get(3))
                    .or_else(|| marker.get(4))
                    .map(|m| m.as_str().to_string())
                    .unwrap_or_default();
                let mut body = Vec::new();
                let mut closed = false;
                while i < lines.len() {
                    let line = &lines[i];
                    let candidate = if strip_tabs {
                        line.trim_start_matches('\t')
                    } else {
                        line.as_str()
                    };
                    i += 1;
                    if candidate == delimiter {
                        closed = true;
                        break;
                    }
                    body.push((line_number(i - 1), line.clone()));
                }
                if !closed {
                    out.problems.push(Problem {
                        line: line_number(start),
                        message: format!("the heredoc `{delimiter}` never ends"),
                    });
                }
                heredocs.push(Heredoc {
                    delimiter,
                    lines: body,
                });
            }
        }
        out.instructions.push(Instruction {
            keyword,
            line: line_number(start),
            args: args.to_string(),
            heredocs,
        });
    }
    out
}

fn line_number(index: usize) -> u32 {
    u32::try_from(index + 1).unwrap_or(u32::MAX)
}

/// The escape character the directives choose, and the index of the first line after them.
fn directives(lines: &[String]) -> (char, usize) {
    let mut escape = '\\';
    for (i, line) in lines.iter().enumerate() {
        let Some(rest) = line.trim_start().strip_prefix('#') else {
            return (escape, i);
        };
        let Some((key, value)) = rest.split_once('=') else {
            return (escape, i);
        };
        let key = key.trim();
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric()) {
            return (escape, i);
        }
        if key.eq_ignore_ascii_case("escape") {
            match value.trim() {
                "`" => escape = '`',
                "\\" => escape = '\\',
                _ => {}
            }
        }
    }
    (escape, lines.len())
}

/// The line without its continuation mark, and whether it had one.
fn strip_continuation(line: &str, escape: char) -> (&str, bool) {
    let trimmed = line.trim_end_matches([' ', '\t']);
    match trimmed.strip_suffix(escape) {
        Some(content) => (content, true),
        None => (line, false),
    }
}

/// Splits shell-form arguments into words, honouring single and double quotes and the escape
/// character, as `ENV`, `ARG`, `COPY` and `FROM` read them. Quotes are removed.
pub fn words(args: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = args.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') | (None, '\\') => {
                if let Some(next) = chars.next() {
                    word.push(next);
                }
                in_word = true;
            }
            (Some(_), c) => word.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        out.push(word);
    }
    out
}

/// The strings of a JSON-form argument list (`["a", "b"]`), if the arguments are one.
pub fn json_form(args: &str) -> Option<Vec<String>> {
    if !args.starts_with('[') {
        return None;
    }
    serde_json::from_str::<Vec<String>>(args).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keywords(d: &Dockerfile) -> Vec<(&str, u32)> {
        d.instructions
            .iter()
            .map(|i| (i.keyword.as_str(), i.line))
            .collect()
    }

    #[test]
    fn continuations_comments_and_case() {
        let d = parse(
            b"# syntax=docker/dockerfile:1\nfrom python:3.12 AS base\nRUN apt-get update \\\n  # a comment inside\n\n  && apt-get install -y curl\nENV A=1\n",
        );
        assert_eq!(keywords(&d), [("FROM", 2), ("RUN", 3), ("ENV", 7)]);
        assert_eq!(
            d.instructions[1].args,
            "apt-get update   && apt-get install -y curl"
        );
        assert!(d.problems.is_empty());
    }

    #[test]
    fn escape_directive_changes_the_continuation_character() {
        let d = parse(
            b"# escape=`\nFROM mcr.example.com/windows\nRUN dir c:\\ `\n  && echo hi\nUSER app\n",
        );
        assert_eq!(keywords(&d), [("FROM", 2), ("RUN", 3), ("USER", 5)]);
        assert_eq!(d.instructions[1].args, "dir c:\\   && echo hi");
    }

    #[test]
    fn directives_after_an_instruction_are_comments() {
        let d = parse(b"FROM a:1\n# escape=`\nRUN x \\\n y\n");
        assert_eq!(keywords(&d), [("FROM", 1), ("RUN", 3)]);
    }

    #[test]
    fn heredocs_take_their_bodies() {
        let d = parse(
            b"FROM a:1\nRUN <<EOF bash\ncurl -fsSL https://get.example.com | sh\nEOF\nCOPY <<-\"ONE\" <<TWO /dst/\n\tfirst\n\tONE\nsecond\nTWO\nUSER app\n",
        );
        assert_eq!(
            keywords(&d),
            [("FROM", 1), ("RUN", 2), ("COPY", 5), ("USER", 10)]
        );
        let run = &d.instructions[1];
        assert_eq!(run.heredocs.len(), 1);
        assert_eq!(run.heredocs[0].lines[0].0, 3);
        let copy = &d.instructions[2];
        assert_eq!(copy.heredocs.len(), 2);
        assert_eq!(copy.heredocs[0].delimiter, "ONE");
        assert_eq!(copy.heredocs[1].lines, vec![(8, "second".to_string())]);
    }

    #[test]
    fn an_unterminated_heredoc_is_a_problem_not_a_panic() {
        let d = parse(b"FROM a:1\nRUN <<EOF\necho\n");
        assert_eq!(d.problems.len(), 1);
        assert_eq!(d.problems[0].line, 2);
    }

    #[test]
    fn non_utf8_lines_are_problems() {
        let d = parse(b"FROM a:1\nRUN echo \xff\xfe\nUSER app\n");
        assert_eq!(keywords(&d), [("FROM", 1), ("RUN", 2), ("USER", 3)]);
        assert_eq!(d.problems[0].line, 2);
    }

    #[test]
    fn a_trailing_continuation_at_the_end_of_the_file() {
        let d = parse(b"FROM a:1\nRUN echo \\");
        assert_eq!(keywords(&d), [("FROM", 1), ("RUN", 2)]);
    }

    #[test]
    fn words_honour_quotes() {
        assert_eq!(words(r#"A="x y" B='z' C=p\ q"#), ["A=x y", "B=z", "C=p q"]);
        assert_eq!(
            json_form(r#"["a", "b c"]"#),
            Some(vec!["a".into(), "b c".into()])
        );
        assert_eq!(json_form("[broken"), None);
    }
}
