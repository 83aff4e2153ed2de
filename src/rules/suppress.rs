//! `//gofixrt:ignore CODE reason` (on a statement's line, or alone on the line above it) and
//! `//gofixrt:file-ignore CODE` (anywhere in the file header). Go's directive syntax forbids a hyphen in the
//! tool name, hence `gofixrt`.
//! Build files write the same directives after `#` (`parse_hash_comments`).

use crate::rules::fix::TextRange;

#[derive(Debug, Clone)]
pub struct Directive {
    /// 1-based line of the directive.
    pub line: usize,
    /// The line whose statement it governs (its own line when trailing; the next code line when alone).
    pub target_line: usize,
    pub codes: Vec<String>,
    pub file_level: bool,
    pub range: TextRange,
    pub used: bool,
}

pub fn parse(src: &str) -> Vec<Directive> {
    if memchr::memmem::find(src.as_bytes(), b"//gofixrt:").is_none() {
        return vec![];
    }
    parse_with(
        src,
        |line| {
            line.find("//gofixrt:")
                .map(|pos| (pos, &line[pos + "//gofixrt:".len()..]))
        },
        |line| line.trim_start().starts_with("//"),
    )
}

/// `# gofixrt:ignore CODE reason` / `#gofixrt:file-ignore CODE`: a standalone directive governs the next
/// line that is not a comment, a trailing one its own line.
pub fn parse_hash_comments(text: &str) -> Vec<Directive> {
    if memchr::memmem::find(text.as_bytes(), b"gofixrt:").is_none() {
        return vec![];
    }
    parse_with(
        text,
        |line| {
            line.match_indices('#').find_map(|(pos, _)| {
                let rest = line[pos + 1..].trim_start_matches([' ', '\t']);
                rest.strip_prefix("gofixrt:").map(|r| (pos, r))
            })
        },
        |line| line.trim_start().starts_with('#'),
    )
}

/// The directives of a file in any comment syntax: `marker` finds `gofixrt:` on a line (the comment's
/// start and the text after the colon), `is_comment` tells a whole-line comment. A standalone directive
/// governs the next line that is not a comment, a trailing one its own line.
pub fn parse_with(
    src: &str,
    marker: impl Fn(&str) -> Option<(usize, &str)>,
    is_comment: impl Fn(&str) -> bool,
) -> Vec<Directive> {
    let lines: Vec<&str> = src.split('\n').collect();
    let mut offset = 0;
    let mut out = vec![];
    for (i, line) in lines.iter().enumerate() {
        if let Some((pos, rest)) = marker(line) {
            let (verb, args) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            if verb == "ignore" || verb == "file-ignore" {
                let codes: Vec<String> = args
                    .split_whitespace()
                    .next()
                    .map(|c| {
                        c.split(',')
                            .filter(|s| !s.is_empty())
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default();
                let standalone = line[..pos].trim().is_empty();
                let mut target = i + 1;
                if standalone {
                    let mut j = i + 1;
                    while j < lines.len() && is_comment(lines[j]) {
                        j += 1;
                    }
                    target = j + 1;
                }
                out.push(Directive {
                    line: i + 1,
                    target_line: target,
                    codes,
                    file_level: verb == "file-ignore",
                    range: TextRange::new(offset + pos, offset + line.len()),
                    used: false,
                });
            }
        }
        offset += line.len() + 1;
    }
    out
}

/// Marks and returns whether a diagnostic of `code`/`name` on `line`, in a statement starting on
/// `stmt_line`, is suppressed.
pub fn suppresses(
    dirs: &mut [Directive],
    code: &str,
    name: &str,
    line: usize,
    stmt_line: usize,
) -> bool {
    for d in dirs.iter_mut() {
        let names_it = d
            .codes
            .iter()
            .any(|c| c.eq_ignore_ascii_case(code) || c == name);
        let here = d.file_level || d.target_line == line || d.target_line == stmt_line;
        if names_it && here {
            d.used = true;
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standalone_and_trailing() {
        let src = "package m\n\nfunc f() {\n\t//gofixrt:ignore R3a keep the yield\n\truntime.Gosched()\n\truntime.GC() //gofixrt:ignore R3b,R1 admin endpoint\n}\n";
        let mut d = parse(src);
        assert_eq!(d.len(), 2);
        assert_eq!((d[0].line, d[0].target_line), (4, 5));
        assert_eq!(d[1].codes, vec!["R3b", "R1"]);
        assert!(suppresses(&mut d, "R3a", "gosched-call", 5, 5));
        assert!(!suppresses(&mut d, "R3b", "gc-call", 5, 5));
        assert!(suppresses(&mut d, "R3b", "gc-call", 6, 6));
    }
}
