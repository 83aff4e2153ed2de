//! The module that governs a directory: the nearest go.mod above it (go-semantics §0.2, §7.1), with a
//! go.work above that for main-module semantics. Never the `toolchain` line (§7.3 item 5).

use crate::read::module_facts::ModuleFacts;
use crate::read::version::GoVersion;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Module {
    /// Directory holding go.mod; `None` root means "no go.mod found" (GOPATH-style code).
    pub root: Option<PathBuf>,
    pub path: String,
    /// The `go` line; 1.16 when missing (§7.1).
    pub go: GoVersion,
    /// `godebug` settings of go.mod, in order (`key=value`).
    pub godebug: Vec<(String, String)>,
    /// Module paths named on `require` lines.
    pub requires: Vec<String>,
    /// The text of go.mod, for transforms that edit it.
    pub gomod_text: Option<String>,
    pub has_vendor: bool,
    /// The `go` line of a go.work above the module, if any: in workspace mode it decides main-module
    /// semantics such as GODEBUG defaults (§7.3 item 4).
    pub work_go: Option<GoVersion>,
    /// `godebug` settings of that go.work.
    pub work_godebug: Vec<(String, String)>,
    /// Facts about the module's other files, computed lazily and once (shared by clones).
    facts: ModuleFacts,
}

impl Module {
    fn none() -> Module {
        Module {
            root: None,
            path: String::new(),
            go: GoVersion(16),
            godebug: vec![],
            requires: vec![],
            gomod_text: None,
            has_vendor: false,
            work_go: None,
            work_godebug: vec![],
            facts: ModuleFacts::default(),
        }
    }

    /// What the module's other files say (go.sum, `//go:debug` lines, a rule's own module-wide facts).
    pub fn facts(&self) -> &ModuleFacts {
        &self.facts
    }

    /// The import path of the package in `dir`: the module path joined with `dir` relative to go.mod's
    /// directory (`None` without a go.mod, or for a directory outside the module).
    pub fn import_path(&self, dir: &Path) -> Option<String> {
        let root = self.root.as_ref()?;
        let rel = match dir.strip_prefix(root) {
            Ok(r) => r.to_path_buf(),
            Err(_) => {
                let (d, r) = (
                    std::fs::canonicalize(dir).ok()?,
                    std::fs::canonicalize(root).ok()?,
                );
                d.strip_prefix(&r).ok()?.to_path_buf()
            }
        };
        let parts = crate::read::walk::normal_parts(&rel);
        // Vendored code keeps its own import path; the standard library's module `std` has no prefix.
        if let Some(v) = parts.iter().rposition(|p| p == "vendor") {
            return Some(parts[v + 1..].join("/")).filter(|p| !p.is_empty());
        }
        if self.path == "std" {
            return Some(parts.join("/")).filter(|p| !p.is_empty());
        }
        let mut path = self.path.clone();
        for p in parts {
            path.push('/');
            path.push_str(&p);
        }
        Some(path)
    }

    pub fn parse(root: &Path, text: &str) -> Module {
        let mut m = Module::none();
        m.root = Some(root.to_path_buf());
        m.facts = ModuleFacts::new(m.root.clone());
        m.gomod_text = Some(text.to_string());
        m.has_vendor = root.join("vendor").join("modules.txt").is_file();
        let mut block: Option<String> = None;
        for raw in text.lines() {
            let line = raw.split("//").next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            if line == ")" {
                block = None;
                continue;
            }
            let (verb, rest) = match &block {
                Some(b) => (b.as_str(), line),
                None => match line.split_once(char::is_whitespace) {
                    Some((v, r)) => (v, r.trim()),
                    None => (line, ""),
                },
            };
            if rest == "(" {
                block = Some(verb.to_string());
                continue;
            }
            match verb {
                "module" => m.path = rest.trim_matches('"').to_string(),
                "go" => m.go = GoVersion::parse(rest).unwrap_or(m.go),
                "require" => {
                    if let Some(p) = rest.split_whitespace().next() {
                        m.requires.push(p.trim_matches('"').to_string());
                    }
                }
                "godebug" => {
                    if let Some((k, v)) = rest.split_once('=') {
                        m.godebug.push((k.trim().to_string(), v.trim().to_string()));
                    }
                }
                _ => {}
            }
        }
        m
    }
}

impl Module {
    /// The version go.mod's `require` names for `module` (`v0.10.0`, a pseudo-version...), if any.
    /// `None` as well when a `replace` directive redirects the module: its real version is then unknown.
    pub fn required_version(&self, module: &str) -> Option<String> {
        let text = self.gomod_text.as_deref()?;
        let mut block: Option<&str> = None;
        let mut found = None;
        for raw in text.lines() {
            let line = raw.split("//").next().unwrap_or("").trim();
            if line == ")" {
                block = None;
                continue;
            }
            let words: Vec<&str> = line.split_whitespace().collect();
            let (verb, rest) = match (block, words.as_slice()) {
                (Some(b), w) => (b, w),
                (None, [v, "("]) => {
                    block = Some(v);
                    continue;
                }
                (None, [v, rest @ ..]) => (*v, rest),
                (None, []) => continue,
            };
            match (verb, rest) {
                ("replace", [m, ..]) if m.trim_matches('"') == module => return None,
                ("require", [m, v, ..]) if m.trim_matches('"') == module => {
                    found = Some(v.to_string())
                }
                _ => {}
            }
        }
        found
    }
}

/// Caches the module of every directory asked about; shared by all worker threads.
#[derive(Default)]
pub struct ModuleCache {
    by_dir: Mutex<HashMap<PathBuf, Arc<Module>>>,
}

impl ModuleCache {
    pub fn module_for_dir(&self, dir: &Path) -> Arc<Module> {
        if let Some(m) = self.by_dir.lock().unwrap().get(dir) {
            return m.clone();
        }
        let found = match std::fs::read_to_string(dir.join("go.mod")) {
            Ok(text) => {
                let mut m = Module::parse(dir, &text);
                if let Some(work) = find_work(dir) {
                    // go.work shares go.mod's line syntax; a missing go line there means 1.18 (§7.1).
                    let w = Module::parse(dir, &work);
                    m.work_go = Some(if work.lines().any(|l| l.trim_start().starts_with("go ")) {
                        w.go
                    } else {
                        GoVersion(18)
                    });
                    m.work_godebug = w.godebug;
                }
                Arc::new(m)
            }
            Err(_) => match dir.parent() {
                Some(parent) if !dir.as_os_str().is_empty() => self.module_for_dir(parent),
                _ => Arc::new(Module::none()),
            },
        };
        self.by_dir
            .lock()
            .unwrap()
            .insert(dir.to_path_buf(), found.clone());
        found
    }
}

/// Adds `require module version` to go.mod text: into the first `require (` block in sorted position,
/// else after the last single-line require, else after the `go` line. Unchanged if already required.
pub fn add_require(text: &str, module: &str, version: &str) -> String {
    if Module::parse(Path::new("."), text)
        .requires
        .iter()
        .any(|r| r == module)
    {
        return text.to_string();
    }
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut out = String::new();
    if let Some(open) = lines
        .iter()
        .position(|l| l.trim_start().starts_with("require (") || l.trim() == "require (")
    {
        let mut i = open + 1;
        while i < lines.len() && lines[i].trim() != ")" {
            let path = lines[i].split_whitespace().next().unwrap_or("");
            if !path.starts_with("//") && path > module {
                break;
            }
            i += 1;
        }
        out.extend(lines[..i].iter().copied());
        out.push_str(&format!("\t{module} {version}\n"));
        out.extend(lines[i..].iter().copied());
        return out;
    }
    let anchor = lines
        .iter()
        .rposition(|l| l.starts_with("require "))
        .map(|i| (i, false))
        .or_else(|| {
            lines
                .iter()
                .position(|l| l.starts_with("go "))
                .map(|i| (i, true))
        });
    match anchor {
        Some((i, blank)) => {
            out.extend(lines[..=i].iter().copied());
            if !out.ends_with('\n') {
                out.push('\n');
            }
            if blank {
                out.push('\n');
            }
            out.push_str(&format!("require {module} {version}\n"));
            out.extend(lines[i + 1..].iter().copied());
        }
        None => {
            out.push_str(text);
            if !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(&format!("\nrequire {module} {version}\n"));
        }
    }
    out
}

/// Inserts go.sum lines that are missing, each at its sorted position; existing lines are not moved.
pub fn add_sum_lines(text: &str, new_lines: &[String]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for l in new_lines {
        if lines.iter().any(|x| x == l) {
            continue;
        }
        let at = lines
            .iter()
            .position(|x| x.as_str() > l.as_str())
            .unwrap_or(lines.len());
        lines.insert(at, l.clone());
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

#[cfg(test)]
mod edit_tests {
    use super::*;

    #[test]
    fn require_goes_into_block_or_after_go_line() {
        assert_eq!(
            add_require(
                "module m\n\ngo 1.22\n",
                "go.uber.org/automaxprocs",
                "v1.6.0"
            ),
            "module m\n\ngo 1.22\n\nrequire go.uber.org/automaxprocs v1.6.0\n"
        );
        assert_eq!(
            add_require(
                "module m\n\ngo 1.22\n\nrequire (\n\tgithub.com/a/b v1.0.0\n\tgopkg.in/x v1.0.0\n)\n",
                "go.uber.org/automaxprocs",
                "v1.6.0"
            ),
            "module m\n\ngo 1.22\n\nrequire (\n\tgithub.com/a/b v1.0.0\n\tgo.uber.org/automaxprocs v1.6.0\n\tgopkg.in/x v1.0.0\n)\n"
        );
        let done = "module m\n\ngo 1.22\n\nrequire go.uber.org/automaxprocs v1.6.0\n";
        assert_eq!(
            add_require(done, "go.uber.org/automaxprocs", "v1.6.0"),
            done
        );
    }

    #[test]
    fn sum_lines_sorted_and_unique() {
        let out = add_sum_lines(
            "a v1 h1:x\nz v1 h1:y\n",
            &["m v1 h1:q".into(), "a v1 h1:x".into()],
        );
        assert_eq!(out, "a v1 h1:x\nm v1 h1:q\nz v1 h1:y\n");
    }
}

/// The text of the nearest go.work at or above `dir`. The path is made absolute first: the ancestors of a
/// relative `./svc` stop at `.` and would miss a go.work above the current directory.
fn find_work(dir: &Path) -> Option<String> {
    let abs = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    abs.ancestors()
        .find_map(|d| std::fs::read_to_string(d.join("go.work")).ok())
}

#[cfg(test)]
mod tests {
    #[test]
    fn required_versions() {
        let m = super::Module::parse(
            std::path::Path::new("."),
            "module m\n\ngo 1.22\n\nrequire golang.org/x/sync v0.10.0\n\nrequire (\n\tgithub.com/a/b v1.2.3 // indirect\n)\n",
        );
        assert_eq!(
            m.required_version("golang.org/x/sync").as_deref(),
            Some("v0.10.0")
        );
        assert_eq!(
            m.required_version("github.com/a/b").as_deref(),
            Some("v1.2.3")
        );
        assert_eq!(m.required_version("github.com/c/d"), None);
        let r = super::Module::parse(
            std::path::Path::new("."),
            "module m\n\nrequire golang.org/x/sync v0.10.0\n\nreplace golang.org/x/sync => ../sync\n",
        );
        assert_eq!(r.required_version("golang.org/x/sync"), None);
    }

    use super::*;

    #[test]
    fn import_paths_join_the_module_path_and_the_directory() {
        let m = Module::parse(Path::new("r"), "module example.com/m\n\ngo 1.22\n");
        assert_eq!(
            m.import_path(Path::new("r")).as_deref(),
            Some("example.com/m")
        );
        assert_eq!(
            m.import_path(Path::new("r/cmd/api")).as_deref(),
            Some("example.com/m/cmd/api")
        );
        assert_eq!(
            m.import_path(Path::new("r/vendor/golang.org/x/sync/errgroup"))
                .as_deref(),
            Some("golang.org/x/sync/errgroup")
        );
        let std = Module::parse(Path::new("src"), "module std\n\ngo 1.27\n");
        assert_eq!(
            std.import_path(Path::new("src/net/http")).as_deref(),
            Some("net/http")
        );
    }

    #[test]
    fn reads_go_require_and_godebug_but_not_toolchain() {
        let m = Module::parse(
            Path::new("/x"),
            "module example.com/m\n\ngo 1.21.3\n\ntoolchain go1.24.3\n\ngodebug (\n\tasynctimerchan=1\n)\n\nrequire (\n\tgolang.org/x/sync v0.7.0 // indirect\n)\nrequire go.uber.org/automaxprocs v1.6.0\n",
        );
        assert_eq!(m.path, "example.com/m");
        assert_eq!(m.go, GoVersion(21));
        assert_eq!(
            m.requires,
            vec!["golang.org/x/sync", "go.uber.org/automaxprocs"]
        );
        assert_eq!(
            m.godebug,
            vec![("asynctimerchan".to_string(), "1".to_string())]
        );
    }

    #[test]
    fn workspace_go_line_is_recorded() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("go.work"),
            "go 1.23\n\nuse ./m\n\ngodebug asynctimerchan=1\n",
        )
        .unwrap();
        std::fs::create_dir(dir.path().join("m")).unwrap();
        std::fs::write(dir.path().join("m/go.mod"), "module m\n\ngo 1.21\n").unwrap();
        let m = ModuleCache::default().module_for_dir(&dir.path().join("m"));
        assert_eq!((m.go, m.work_go), (GoVersion(21), Some(GoVersion(23))));
        assert_eq!(
            m.work_godebug,
            vec![("asynctimerchan".to_string(), "1".to_string())]
        );
    }

    #[test]
    fn missing_go_line_means_1_16() {
        assert_eq!(
            Module::parse(Path::new("/x"), "module m\n").go,
            GoVersion(16)
        );
    }
}
