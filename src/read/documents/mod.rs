//! Build files that are not Go, as the engine reads them: which file names are build documents, and one
//! small reader per language (shell command lines, Makefiles, Dockerfiles, the YAML of build
//! configurations). Rules over build files ask these readers instead of scanning text themselves.

pub mod dockerfile;
pub mod make;
pub mod shell;
pub mod yaml;

/// A byte span in a document's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// The build languages the readers know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuildFileKind {
    Dockerfile,
    Makefile,
    /// A GoReleaser configuration (YAML).
    GoReleaser,
}

/// What a build file's name says: its language, and what the name adds to the language's base name
/// (`prod` in `Dockerfile.prod` or `prod.Dockerfile`, `release` in `release.mk`; empty for `Makefile`).
pub fn build_file_kind(name: &str) -> Option<(BuildFileKind, String)> {
    let lower = name.to_ascii_lowercase();
    if matches!(
        name,
        ".goreleaser.yml" | ".goreleaser.yaml" | "goreleaser.yml" | "goreleaser.yaml"
    ) {
        return Some((BuildFileKind::GoReleaser, String::new()));
    }
    if matches!(name, "Makefile" | "GNUmakefile" | "makefile") {
        return Some((BuildFileKind::Makefile, String::new()));
    }
    if let Some(stem) = lower.strip_suffix(".mk") {
        return (!stem.is_empty()).then(|| (BuildFileKind::Makefile, stem.to_string()));
    }
    for base in ["dockerfile", "containerfile"] {
        if lower == base {
            return Some((BuildFileKind::Dockerfile, String::new()));
        }
        if let Some(variant) = lower
            .strip_prefix(&format!("{base}."))
            .or_else(|| lower.strip_suffix(&format!(".{base}")))
        {
            return (!variant.is_empty()).then(|| (BuildFileKind::Dockerfile, variant.to_string()));
        }
    }
    None
}

/// Is this a build file the readers know (the walk picks these up; the engine keeps those a rule reads)?
pub fn is_build_file_name(name: &str) -> bool {
    !name.ends_with(".go") && build_file_kind(name).is_some()
}
