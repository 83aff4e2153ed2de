//! Shell command lines as a build file holds them (a Dockerfile `RUN`, a Makefile recipe): commands split
//! into words, each word keeping where it is in the file, and the few word-level readings rules need
//! (quotes removed, a whole-word variable reference, an environment assignment).

use super::Span;

/// A shell word: its bytes in the file, or (from a variable's expansion) only its text.
#[derive(Debug, Clone)]
pub struct Word {
    pub text: String,
    pub site: Option<Span>,
}

/// Splits `text[start..end]` into commands of words: whitespace and backslash-newline separate words;
/// `&&`, `||`, `;`, `|`, `&`, parentheses and newlines separate commands; `#` at a word start comments to
/// the end of the line. Quotes and `$(...)` / `${...}` stay inside one word.
pub fn commands(text: &str, start: usize, end: usize) -> Vec<Vec<Word>> {
    let b = text.as_bytes();
    let mut cmds: Vec<Vec<Word>> = vec![vec![]];
    let mut i = start;
    let push_word = |cmds: &mut Vec<Vec<Word>>, s: usize, e: usize| {
        cmds.last_mut().expect("one command").push(Word {
            text: text[s..e].to_string(),
            site: Some(Span { start: s, end: e }),
        });
    };
    while i < end {
        let c = b[i];
        if c == b'\\' && i + 1 < end && b[i + 1] == b'\n' {
            i += 2;
            continue;
        }
        if c == b' ' || c == b'\t' || c == b'\r' {
            i += 1;
            continue;
        }
        if matches!(c, b'\n' | b';' | b'&' | b'|' | b'(' | b')' | b'`') {
            cmds.push(vec![]);
            i += 1;
            continue;
        }
        if c == b'#' {
            while i < end && b[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        let s = i;
        while i < end {
            let c = b[i];
            match c {
                b' ' | b'\t' | b'\n' | b'\r' | b';' | b'&' | b'|' | b'(' | b')' | b'`' => break,
                b'\\' => i = (i + 2).min(end),
                b'\'' => {
                    i += 1;
                    while i < end && b[i] != b'\'' {
                        i += 1;
                    }
                    i = (i + 1).min(end);
                }
                b'"' => {
                    i += 1;
                    while i < end && b[i] != b'"' {
                        i += if b[i] == b'\\' { 2 } else { 1 };
                    }
                    i = (i + 1).min(end);
                }
                b'$' if i + 1 < end && (b[i + 1] == b'(' || b[i + 1] == b'{') => {
                    let (open, close) = (b[i + 1], if b[i + 1] == b'(' { b')' } else { b'}' });
                    let mut depth = 0;
                    i += 1;
                    while i < end {
                        if b[i] == open {
                            depth += 1;
                        } else if b[i] == close {
                            depth -= 1;
                            if depth == 0 {
                                i += 1;
                                break;
                            }
                        }
                        i += 1;
                    }
                }
                _ => i += 1,
            }
        }
        push_word(&mut cmds, s, i.min(end));
    }
    cmds.retain(|c| !c.is_empty());
    cmds
}

/// A word without its quotes and backslashes (good enough to read flags).
pub fn unquote(w: &str) -> String {
    let mut out = String::new();
    let mut q: Option<char> = None;
    let mut chars = w.chars();
    while let Some(c) = chars.next() {
        match (q, c) {
            (None, '\'' | '"') => q = Some(c),
            (Some(o), c) if c == o => q = None,
            (Some('"') | None, '\\') => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// `$(NAME)` / `${NAME}` / `$NAME` when the whole word is one variable reference.
pub fn var_ref(w: &str) -> Option<&str> {
    let inner = w
        .strip_prefix("$(")
        .and_then(|r| r.strip_suffix(')'))
        .or_else(|| w.strip_prefix("${").and_then(|r| r.strip_suffix('}')))
        .or_else(|| w.strip_prefix('$'))?;
    (!inner.is_empty() && inner.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .then_some(inner)
}

pub fn is_assignment(w: &str) -> bool {
    w.split_once('=').is_some_and(|(k, _)| {
        !k.is_empty()
            && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !k.starts_with(|c: char| c.is_ascii_digit())
    })
}

/// The unquoted words of `text`, commands run together.
pub fn words(text: &str) -> Vec<String> {
    commands(text, 0, text.len())
        .into_iter()
        .flatten()
        .map(|t| unquote(&t.text))
        .collect()
}

/// The words of `value` where it stands in `text` at `at` (a variable's definition read in place, so an
/// edit can target them); empty unless it is there and is one command.
pub fn in_place(text: &str, value: &str, at: usize) -> Vec<Word> {
    if text.get(at..at + value.len()) != Some(value) {
        return vec![];
    }
    let mut cmds = commands(text, at, at + value.len());
    if cmds.len() != 1 {
        return vec![];
    }
    cmds.pop().expect("one command")
}
