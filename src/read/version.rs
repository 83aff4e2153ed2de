//! Go language versions and the two per-file gates of go-semantics §7.3.

use crate::read::buildtags::Constraint;
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
    fn min_of(c: &Constraint) -> Option<GoVersion> {
        match c {
            Constraint::Tag(t) => t
                .strip_prefix("go1.")
                .and_then(|n| n.parse().ok())
                .map(GoVersion),
            Constraint::Not(_) => None,
            Constraint::And(a, b) => min_of(a).max(min_of(b)),
            Constraint::Or(a, b) => min_of(a).zip(min_of(b)).map(|(x, y)| x.min(y)),
        }
    }
    min_of(&crate::read::buildtags::parse_go_build(build_line(text)?)?)
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

/// The tags a build expression mentions, for rules that skip js/wasm/plan9 files.
pub fn build_words(text: &str) -> Vec<String> {
    build_line(text).map_or_else(Vec::new, |e| {
        e.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    })
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
