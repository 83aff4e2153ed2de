//! A Go package as the engine holds it: the files of one directory with one package clause, their current
//! text, lazily built syntax trees and import tables, and package-wide facts transforms ask for.

use crate::read::gomod::Module;
use crate::read::source::SourceText;
use crate::read::syntax;
use crate::read::version::FileVersions;
use crate::semantic::Semantic;
use crate::semantic::scope::FileScopes;
use std::any::{Any, TypeId};
use std::cell::{OnceCell, RefCell};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use tree_sitter::{Node, Tree};

/// How a file names an imported package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportInfo {
    pub path: String,
    /// The explicit name (`_`, `.`, an alias), if any.
    pub alias: Option<String>,
    /// The name code uses: the alias or the last path element.
    pub local: String,
}

impl ImportInfo {
    pub fn is_usable(&self) -> bool {
        !matches!(self.alias.as_deref(), Some("_") | Some("."))
    }
}

/// The conventional local name of an import path: its last element, skipping a `/vN` major-version
/// element (`github.com/labstack/echo/v4` → `echo`) and dropping a gopkg.in `.vN` suffix (`yaml.v3` →
/// `yaml`). Only a heuristic: a package may declare another name, which is why resolution prefers aliases.
pub fn default_local_name(path: &str) -> &str {
    let is_major =
        |s: &str| s.len() > 1 && s.starts_with('v') && s[1..].bytes().all(|b| b.is_ascii_digit());
    let mut parts = path.rsplit('/');
    let last = parts.next().unwrap_or(path);
    let elem = match parts.next() {
        Some(prev) if is_major(last) => prev,
        _ => last,
    };
    match elem.rsplit_once('.') {
        Some((name, v)) if path.starts_with("gopkg.in/") && is_major(v) => name,
        _ => elem,
    }
}

/// Go's rule for test functions (`go test`'s `isTest`): `Test`, `Benchmark`, `Fuzz` or `Example` followed
/// by nothing or by a character that is not a lower-case letter (`TestMain` included, `Testify` not).
pub fn is_test_func_name(name: &str) -> bool {
    ["Test", "Benchmark", "Fuzz", "Example"].iter().any(|p| {
        name.strip_prefix(p)
            .is_some_and(|rest| rest.chars().next().is_none_or(|c| !c.is_lowercase()))
    })
}

pub struct PkgFile {
    pub path: PathBuf,
    /// The path as printed in messages and diff headers.
    pub display: String,
    pub source: SourceText,
    /// The text as it is now (changed by applied fixes).
    pub text: String,
    pub versions: FileVersions,
    pub generated: bool,
    pub is_test: bool,
    /// Words of the file's `//go:build` line and its `_GOOS`/`_GOARCH` suffix, for platform checks.
    pub build_words: Vec<String>,
    /// True when a transform's prefilter matched this file's bytes.
    pub candidate: bool,
    /// False for files read only as package context (the walk did not select them): never edited.
    pub editable: bool,
    tree: OnceCell<Tree>,
    imports: OnceCell<Vec<ImportInfo>>,
    scopes: OnceCell<FileScopes>,
}

impl PkgFile {
    pub fn new(
        path: PathBuf,
        display: String,
        source: SourceText,
        versions: FileVersions,
    ) -> PkgFile {
        let text = source.text.clone();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string();
        let mut build_words = crate::read::version::build_words(&text);
        build_words.extend(filename_build_words(&name));
        PkgFile {
            generated: crate::read::source::is_generated(&text),
            is_test: name.ends_with("_test.go"),
            path,
            display,
            source,
            text,
            versions,
            build_words,
            candidate: false,
            editable: true,
            tree: OnceCell::new(),
            imports: OnceCell::new(),
            scopes: OnceCell::new(),
        }
    }

    pub fn tree(&self) -> &Tree {
        self.tree.get_or_init(|| syntax::parse(&self.text))
    }

    pub fn parses_cleanly(&self) -> bool {
        !self.tree().root_node().has_error()
    }

    /// The byte ranges of the declarations a syntax error makes off limits (`syntax::broken_ranges`).
    pub fn broken_ranges(&self) -> Vec<std::ops::Range<usize>> {
        syntax::broken_ranges(self.tree())
    }

    /// The text of each broken declaration: a fix elsewhere in the file must leave these as they were.
    pub fn broken_texts(&self) -> Vec<String> {
        self.broken_ranges()
            .into_iter()
            .map(|r| self.text.get(r).unwrap_or("").to_string())
            .collect()
    }

    /// Replaces the text after edits; the tree, import table and scopes are rebuilt on next use. Go through
    /// `Package::set_text`, which also drops the package's semantic model.
    pub fn set_text(&mut self, text: String) {
        self.text = text;
        self.tree = OnceCell::new();
        self.imports = OnceCell::new();
        self.scopes = OnceCell::new();
    }

    /// What each identifier of the file refers to locally (`semantic::scope`), resolved on first use.
    pub fn scopes(&self) -> &FileScopes {
        self.scopes
            .get_or_init(|| FileScopes::build(self.tree().root_node(), &self.text))
    }

    pub fn imports(&self) -> &[ImportInfo] {
        self.imports.get_or_init(|| {
            let mut out = vec![];
            let root = self.tree().root_node();
            syntax::walk(root, &mut |n| {
                if n.kind() != "import_spec" {
                    return;
                }
                let Some(p) = n.child_by_field_name("path") else {
                    return;
                };
                let path = syntax::text(p, &self.text)
                    .trim_matches(['"', '`'])
                    .to_string();
                let alias = n
                    .child_by_field_name("name")
                    .map(|a| syntax::text(a, &self.text).to_string());
                let local = alias
                    .clone()
                    .unwrap_or_else(|| default_local_name(&path).to_string());
                out.push(ImportInfo { path, alias, local });
            });
            out
        })
    }

    pub fn import_of(&self, path: &str) -> Option<&ImportInfo> {
        self.imports().iter().find(|i| i.path == path)
    }

    pub fn imports_path(&self, path: &str) -> bool {
        self.import_of(path).is_some()
    }

    /// Does the identifier `node` (the operand of a selector, or the package of a qualified type) name the
    /// import `path` here? False for dot and blank imports and for names declared anywhere in the enclosing
    /// top-level function (a conservative reading of shadowing). The one import-name resolution rules ask.
    pub fn names_package(&self, node: Node<'_>, path: &str) -> bool {
        if !matches!(node.kind(), "identifier" | "package_identifier") {
            return false;
        }
        let name = syntax::text(node, &self.text);
        let Some(imp) = self.import_of(path) else {
            return false;
        };
        if !imp.is_usable() || imp.local != name {
            return false;
        }
        let scope =
            syntax::enclosing_top_function(node).or_else(|| syntax::enclosing_function(node));
        !scope.is_some_and(|s| syntax::declares_name(s, name, &self.text))
    }

    /// Does the file declare a package-level `func main()` (not a generic one, which the compiler rejects
    /// as an entry point)?
    pub fn declares_main(&self) -> bool {
        syntax::named_children(self.tree().root_node())
            .into_iter()
            .any(|d| {
                d.kind() == "function_declaration"
                    && d.child_by_field_name("name")
                        .is_some_and(|n| self.node_text(n) == "main")
                    && d.child_by_field_name("type_parameters").is_none()
            })
    }

    /// Is `call` a call of `path`.`func` (for example `runtime`.`Gosched`) with the package resolved per §0.3?
    pub fn is_pkg_call(&self, call: Node<'_>, path: &str, func: &str) -> bool {
        if call.kind() != "call_expression" {
            return false;
        }
        let Some(f) = call.child_by_field_name("function") else {
            return false;
        };
        f.kind() == "selector_expression"
            && f.child_by_field_name("field")
                .is_some_and(|n| syntax::text(n, &self.text) == func)
            && f.child_by_field_name("operand")
                .is_some_and(|o| self.names_package(o, path))
    }

    /// Is this file built under exactly the build constraints of `other` (its `//go:build` line and
    /// file-name platform)? False when either constraint cannot be read.
    pub fn same_build_constraints(&self, other: &PkgFile) -> bool {
        let name = |f: &PkgFile| {
            f.path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default()
        };
        let mine = crate::read::buildtags::file_constraint(&self.text);
        crate::read::buildtags::filename_platform(&name(self))
            == crate::read::buildtags::filename_platform(&name(other))
            && mine.is_ok()
            && mine.ok() == crate::read::buildtags::file_constraint(&other.text).ok()
    }

    pub fn node_text(&self, node: Node<'_>) -> &str {
        syntax::text(node, &self.text)
    }

    pub fn package_name(&self) -> Option<String> {
        let root = self.tree().root_node();
        let clause = syntax::named_children(root)
            .into_iter()
            .find(|n| n.kind() == "package_clause")?;
        let id = syntax::named_children(clause).into_iter().next()?;
        Some(self.node_text(id).to_string())
    }
}

/// GOOS/GOARCH words implied by a `_GOOS`, `_GOARCH` or `_GOOS_GOARCH` file-name suffix.
fn filename_build_words(name: &str) -> Vec<String> {
    let stem = name.trim_end_matches(".go").trim_end_matches("_test");
    let parts: Vec<&str> = stem.split('_').collect();
    parts
        .iter()
        .skip(1)
        .rev()
        .take(2)
        .map(|s| s.to_string())
        .collect()
}

pub struct Package {
    pub dir: PathBuf,
    pub name: String,
    pub module: Arc<Module>,
    pub files: Vec<PkgFile>,
    /// The names of the directory's regular files that are not Go (assembly, C sources, `.syso`...), as
    /// the engine listed them; `None` when the directory could not be listed.
    pub other_files: Option<Vec<String>>,
    /// The package's declarations and call graph, built when a rule first asks (`semantic()`).
    semantic: OnceCell<Semantic>,
    /// Package-wide facts rules work out once per package text (`fact`).
    facts: RefCell<HashMap<TypeId, Box<dyn Any>>>,
}

impl Package {
    pub fn new(dir: PathBuf, name: String, module: Arc<Module>, files: Vec<PkgFile>) -> Package {
        Package {
            dir,
            name,
            module,
            files,
            other_files: Some(vec![]),
            semantic: OnceCell::new(),
            facts: RefCell::default(),
        }
    }

    /// A package-wide fact of type `T`, made by `make` on first use and kept until a file's text changes:
    /// what a rule would otherwise work out again for each candidate file of a large package (a byte scan
    /// of every file). `make` may ask for other facts.
    pub fn fact<T: Clone + 'static>(&self, make: impl FnOnce(&Package) -> T) -> T {
        let key = TypeId::of::<T>();
        if let Some(v) = self.facts.borrow().get(&key) {
            return v.downcast_ref::<T>().expect("keyed by its type").clone();
        }
        let v = make(self);
        self.facts.borrow_mut().insert(key, Box::new(v.clone()));
        v
    }

    /// Does some file of the package contain `needle` (bytes, anywhere)?
    pub fn spells(&self, needle: &str) -> bool {
        self.files
            .iter()
            .any(|f| memchr::memmem::find(f.text.as_bytes(), needle.as_bytes()).is_some())
    }

    /// The package's semantic model (declarations, call graph), built on first use.
    pub fn semantic(&self) -> &Semantic {
        self.semantic.get_or_init(|| Semantic::build(self))
    }

    /// Replaces the text of file `f` after edits: its tree, imports and scopes and the package's model
    /// are rebuilt on next use.
    pub fn set_text(&mut self, f: usize, text: String) {
        self.files[f].set_text(text);
        self.semantic = OnceCell::new();
        self.facts.get_mut().clear();
    }

    /// Does the directory hold a non-Go file whose name ends with one of `suffixes` (`.s`, `.c`, `.syso`)?
    /// True when the directory could not be listed: the rules that ask stay careful.
    pub fn has_other_file(&self, suffixes: &[&str]) -> bool {
        self.other_files.as_ref().is_none_or(|names| {
            names
                .iter()
                .any(|n| suffixes.iter().any(|s| n.ends_with(s)))
        })
    }

    /// Assembly in the directory (`.s`, or `.S` run through the C preprocessor by cgo): code the
    /// rules cannot read may reach any package-level name.
    pub fn has_assembly(&self) -> bool {
        self.has_other_file(&[".s", ".S"])
    }

    /// The bytes of the directory's non-Go files whose names end with one of `suffixes`, read by the
    /// engine on demand (C sources a rule must look into); a file that cannot be read is `None`.
    pub fn other_file_texts(&self, suffixes: &[&str]) -> Vec<(String, Option<Vec<u8>>)> {
        self.other_files
            .iter()
            .flatten()
            .filter(|n| suffixes.iter().any(|s| n.ends_with(s)))
            .map(|n| (n.clone(), std::fs::read(self.dir_path().join(n)).ok()))
            .collect()
    }

    /// The directory as a path the file system accepts (`.` for the current directory).
    fn dir_path(&self) -> &std::path::Path {
        if self.dir.as_os_str().is_empty() {
            std::path::Path::new(".")
        } else {
            &self.dir
        }
    }

    /// Is `name` declared in the package block (a func, var, const or type of any file; not a method)?
    /// Only files that spell the name in a declaring position are parsed, so asking about a common word
    /// (`make`, `n`) does not parse every file of a large package.
    pub fn declares_top_level(&self, name: &str) -> bool {
        self.files
            .iter()
            .filter(|f| may_declare(f.text.as_bytes(), name.as_bytes()))
            .any(|f| file_top_level_names(f).contains(name))
    }

    /// Does a `//go:linkname` directive of the package spell `name` (code elsewhere may reach it)?
    pub fn linkname_mentions(&self, name: &str) -> bool {
        self.files.iter().any(|f| {
            f.text
                .lines()
                .any(|l| l.starts_with("//go:linkname") && syntax::contains_word(l, name))
        })
    }

    pub fn is_main(&self) -> bool {
        self.name == "main"
    }
}

/// Could `text` declare `name` at package level? True when some occurrence is a whole word preceded on
/// its line only by blanks, or by `func`, `var`, `const`, `type` (also with the `(` of a one-line group),
/// a comma (a name list) or a semicolon — never for a call like `x := make(...)`. Over-approximates
/// (methods, locals pass); the parse decides. The package index reads only the files this admits.
pub(crate) fn may_declare(text: &[u8], name: &[u8]) -> bool {
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80;
    let ends_with_keyword = |before: &[u8]| {
        [&b"func"[..], b"var", b"const", b"type"].iter().any(|k| {
            before.ends_with(k)
                && (before.len() == k.len() || !is_ident(before[before.len() - k.len() - 1]))
        })
    };
    memchr::memmem::find_iter(text, name).any(|at| {
        if text.get(at + name.len()).is_some_and(|b| is_ident(*b)) {
            return false;
        }
        let line_start = text[..at]
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |p| p + 1);
        let before = text[line_start..at].trim_ascii_end();
        before.is_empty()
            || before.ends_with(b",")
            || before.ends_with(b";")
            || ends_with_keyword(before)
            || before
                .strip_suffix(b"(")
                .is_some_and(|b| ends_with_keyword(b.trim_ascii_end()))
    })
}

/// The names `f` declares in the package block.
fn file_top_level_names(f: &PkgFile) -> HashSet<String> {
    let mut out = HashSet::new();
    for decl in syntax::named_children(f.tree().root_node()) {
        match decl.kind() {
            "function_declaration" => {
                if let Some(n) = decl.child_by_field_name("name") {
                    out.insert(f.node_text(n).to_string());
                }
            }
            "var_declaration" | "const_declaration" | "type_declaration" => {
                syntax::walk(decl, &mut |n| {
                    if matches!(
                        n.kind(),
                        "var_spec" | "const_spec" | "type_spec" | "type_alias"
                    ) {
                        let mut c = n.walk();
                        for name in n.children_by_field_name("name", &mut c) {
                            out.insert(f.node_text(name).to_string());
                        }
                    }
                });
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{default_local_name, is_test_func_name};

    #[test]
    fn test_function_names() {
        for n in [
            "TestMain",
            "TestX",
            "Test",
            "Benchmark_y",
            "FuzzParse",
            "ExampleClient",
        ] {
            assert!(is_test_func_name(n), "{n}");
        }
        for n in ["Testify", "Benchmarks_", "helper"] {
            assert!(!is_test_func_name(n), "{n}");
        }
    }

    #[test]
    fn declaring_positions() {
        use super::may_declare;
        assert!(may_declare(b"func make(n int) {}", b"make"));
        assert!(may_declare(b"var (\n\tmetrics = 1\n)", b"metrics"));
        assert!(may_declare(b"var a, metrics int", b"metrics"));
        assert!(!may_declare(
            b"x := make([]byte, 1)\nreturn make([]int, 0)",
            b"make"
        ));
        assert!(!may_declare(b"var makeX int", b"make"));
        assert!(may_declare(b"var (x int)", b"x"));
        assert!(may_declare(b"const (a = 1; b = 2)", b"b"));
        assert!(may_declare(b"type List[T any] struct{}", b"List"));
        assert!(!may_declare(b"\tn := f(len(x))", b"len"));
    }

    #[test]
    fn local_names_of_versioned_paths() {
        assert_eq!(default_local_name("runtime/metrics"), "metrics");
        assert_eq!(default_local_name("github.com/labstack/echo/v4"), "echo");
        assert_eq!(default_local_name("gopkg.in/yaml.v3"), "yaml");
        assert_eq!(
            default_local_name("go.uber.org/automaxprocs"),
            "automaxprocs"
        );
    }
}
