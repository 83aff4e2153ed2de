//! Go language versions and the two per-file gates of go-semantics §7.3.

use std::fmt;

/// A Go 1.N language version; only the minor number matters for gating (patch releases never gate APIs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GoVersion(pub u32);

impl GoVersion {
    /// Parses `1.22`, `1.22.3`, `1.23rc1`, `go1.21`; the language version is `1.N` (§7.1).
    pub fn parse(s: &str) -> Option<GoVersion> {
        let s = s.trim().trim_start_matches("go");
        let rest = s.strip_prefix("1.")?;
        let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        digits.parse().ok().map(GoVersion)
    }
}

impl fmt::Display for GoVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "1.{}", self.0)
    }
}

/// The versions a transform gates on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileVersions {
    /// The governing go.mod `go` line (1.16 when absent).
    pub module: GoVersion,
    /// The minimum implied by the file's `//go:build` line, if any.
    pub build: Option<GoVersion>,
    /// `G_rt`: the oldest toolchain (and runtime) that can build the file.
    pub rt: GoVersion,
    /// `G_api`: the language/API version the compiler and `stdversion` apply to the file.
    pub api: GoVersion,
}

impl FileVersions {
    pub fn new(module: GoVersion, build: Option<GoVersion>) -> FileVersions {
        let rt = build.map_or(module, |n| n.max(module));
        let lang = build.map_or(module, |n| n.max(GoVersion(21)));
        FileVersions {
            module,
            build,
            rt,
            api: lang.min(rt),
        }
    }
}

/// The minimum Go version a `//go:build` expression implies (go-semantics §7.2): `&&` takes the larger side,
/// `||` the smaller (none if any branch has none), `!` implies nothing.
pub fn build_constraint_min(text: &str) -> Option<GoVersion> {
    let expr = build_line(text)?;
    let tokens = tokenize(expr);
    let mut p = Parser {
        tokens: &tokens,
        pos: 0,
    };
    let v = p.or();
    if p.pos == tokens.len() { v } else { None }
}

/// The `//go:build` line of a file: only in the header, before the package clause.
pub fn build_line(text: &str) -> Option<&str> {
    for line in text.lines() {
        let l = line.trim();
        if let Some(expr) = l.strip_prefix("//go:build ") {
            return Some(expr);
        }
        if l.starts_with("package ") {
            return None;
        }
    }
    None
}

/// The release tags and OS/arch words a build expression mentions, for rules that skip js/wasm/plan9 files.
pub fn build_words(text: &str) -> Vec<String> {
    build_line(text).map_or_else(Vec::new, |e| {
        tokenize(e)
            .into_iter()
            .filter(|t| {
                t.chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
            })
            .collect()
    })
}

fn tokenize(expr: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = expr.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            ' ' | '\t' => {
                chars.next();
            }
            '(' | ')' | '!' => {
                out.push(c.to_string());
                chars.next();
            }
            '&' | '|' => {
                chars.next();
                chars.next();
                out.push(if c == '&' { "&&".into() } else { "||".into() });
            }
            _ => {
                let mut w = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_alphanumeric() || c == '_' || c == '.' {
                        w.push(c);
                        chars.next();
                    } else {
                        break;
                    }
                }
                if w.is_empty() {
                    chars.next();
                    out.push("?".into());
                } else {
                    out.push(w);
                }
            }
        }
    }
    out
}

struct Parser<'a> {
    tokens: &'a [String],
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&str> {
        self.tokens.get(self.pos).map(|s| s.as_str())
    }
    fn or(&mut self) -> Option<GoVersion> {
        let mut v = self.and();
        while self.peek() == Some("||") {
            self.pos += 1;
            let r = self.and();
            v = match (v, r) {
                (Some(a), Some(b)) => Some(a.min(b)),
                _ => None,
            };
        }
        v
    }
    fn and(&mut self) -> Option<GoVersion> {
        let mut v = self.not();
        while self.peek() == Some("&&") {
            self.pos += 1;
            let r = self.not();
            v = v.max(r);
        }
        v
    }
    fn not(&mut self) -> Option<GoVersion> {
        match self.peek() {
            Some("!") => {
                self.pos += 1;
                self.not();
                None
            }
            Some("(") => {
                self.pos += 1;
                let v = self.or();
                if self.peek() == Some(")") {
                    self.pos += 1;
                }
                v
            }
            Some(w) => {
                let v = w
                    .strip_prefix("go1.")
                    .and_then(|n| n.parse().ok())
                    .map(GoVersion);
                self.pos += 1;
                v
            }
            None => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_go_lines() {
        assert_eq!(GoVersion::parse("1.22.3"), Some(GoVersion(22)));
        assert_eq!(GoVersion::parse("1.23rc1"), Some(GoVersion(23)));
        assert_eq!(GoVersion::parse("go1.21"), Some(GoVersion(21)));
        assert_eq!(GoVersion::parse("2.0"), None);
    }

    #[test]
    fn constraint_minimums() {
        let m = |e: &str| build_constraint_min(&format!("//go:build {e}\n\npackage m\n"));
        assert_eq!(m("go1.22 && linux"), Some(GoVersion(22)));
        assert_eq!(m("go1.22 || go1.20"), Some(GoVersion(20)));
        assert_eq!(m("go1.22 || linux"), None);
        assert_eq!(m("!go1.22"), None);
        assert_eq!(m("(go1.21 && amd64) && go1.23"), Some(GoVersion(23)));
        assert_eq!(m("linux"), None);
    }

    #[test]
    fn gates_follow_section_7_3() {
        // go 1.25 module, //go:build go1.21 file: G_rt 1.25, G_api 1.21.
        let v = FileVersions::new(GoVersion(25), Some(GoVersion(21)));
        assert_eq!((v.rt, v.api), (GoVersion(25), GoVersion(21)));
        // go 1.23 module, //go:build go1.18: lowered to 1.21.
        let v = FileVersions::new(GoVersion(23), Some(GoVersion(18)));
        assert_eq!((v.rt, v.api), (GoVersion(23), GoVersion(21)));
        // go 1.19 module, //go:build go1.22: raised.
        let v = FileVersions::new(GoVersion(19), Some(GoVersion(22)));
        assert_eq!((v.rt, v.api), (GoVersion(22), GoVersion(22)));
        let v = FileVersions::new(GoVersion(20), None);
        assert_eq!((v.rt, v.api), (GoVersion(20), GoVersion(20)));
    }
}
