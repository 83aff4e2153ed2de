//! Which file of a main package gets the import: the one declaring `func main` without build constraints.

use crate::read::version::build_line;
use crate::semantic::package::{Package, PkgFile};

/// The file that declares `func main` with no build constraint; else any constraint-free file; else
/// every file that declares `func main`. Empty when the package has no file to edit.
pub(super) fn choose_files(pkg: &Package) -> Vec<usize> {
    let eligible: Vec<usize> = (0..pkg.files.len())
        .filter(|&i| is_program_file(&pkg.files[i]))
        .collect();
    // A file we cannot parse could hide anything (a `func main`, an import); stay out.
    if eligible.is_empty() || eligible.iter().any(|&i| !pkg.files[i].parses_cleanly()) {
        return vec![];
    }
    let free: Vec<usize> = eligible
        .iter()
        .copied()
        .filter(|&i| constraint_free(&pkg.files[i]))
        .collect();
    let mains: Vec<usize> = eligible
        .iter()
        .copied()
        .filter(|&i| pkg.files[i].declares_main())
        .collect();
    // A main package with no `func main` anywhere is a plugin or does not build: not ours to touch.
    if mains.is_empty() {
        return vec![];
    }
    if let Some(&i) = free.iter().find(|i| mains.contains(i)) {
        return vec![i];
    }
    if let Some(&i) = free.first() {
        return vec![i];
    }
    mains
}

/// A file that is compiled into the program: not a test, not generated, not an `ignore`/`tools` file.
pub(super) fn is_program_file(f: &PkgFile) -> bool {
    !f.is_test
        && !f.generated
        && !constraint_words(&f.text)
            .iter()
            .any(|w| w == "ignore" || w == "tools")
}

/// The words of the file's `//go:build` and `// +build` lines (header only).
pub(super) fn constraint_words(text: &str) -> Vec<String> {
    let mut out = vec![];
    for line in header_lines(text) {
        let expr = line
            .strip_prefix("//go:build")
            .or_else(|| line.strip_prefix("// +build"));
        if let Some(expr) = expr {
            out.extend(
                expr.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
                    .filter(|w| !w.is_empty())
                    .map(str::to_string),
            );
        }
    }
    out
}

/// Comment lines before the package clause, trimmed.
pub(super) fn header_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .take_while(|l| !l.starts_with("package "))
        .filter(|l| l.starts_with("//"))
}

/// Built in every configuration: no build line, no `_GOOS`/`_GOARCH` name suffix, no cgo.
pub(super) fn constraint_free(f: &PkgFile) -> bool {
    let name = f.path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    build_line(&f.text).is_none()
        && !header_lines(&f.text).any(|l| l.starts_with("// +build"))
        && !has_platform_suffix(name)
        && !f.imports_path("C")
}

/// The go tool's file-name constraint: a trailing `_GOOS`, `_GOARCH` or `_GOOS_GOARCH`.
pub(super) fn has_platform_suffix(name: &str) -> bool {
    crate::read::buildtags::filename_platform(name) != (None, None)
}

// ---------------------------------------------------------------------------------------------------
