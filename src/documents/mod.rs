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
