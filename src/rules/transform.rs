//! What a transform is (a static value, go/analysis style) and what it sees while it runs (`Ctx`).

use crate::read::gomod::Module;
use crate::read::syntax;
use crate::rules::diagnostic::Diagnostic;
use crate::rules::fix::{FixAvailability, TextRange};
use crate::semantic::package::{Package, PkgFile, default_local_name};
use std::collections::HashSet;
use tree_sitter::Node;

pub struct Meta {
    pub code: &'static str,
    /// Names the anti-pattern; usable wherever a code is.
    pub name: &'static str,
    pub summary: &'static str,
    pub fix: FixAvailability,
    /// A file is parsed and matched only if its bytes contain one of these (the cheap prefilter). Empty for
    /// a rule about `calls`: their names are the substrings then.
    pub prefilter: &'static [&'static str],
    /// The package functions the rule is about, as `(import path, names)`: `runtime.GC` is
    /// `("runtime", &["GC"])`. A file is parsed for the rule only if it calls one of them through its
    /// import (`semantic::prefilter::calls`); empty for a rule that starts from something else.
    pub calls: &'static [(&'static str, &'static [&'static str])],
    /// How the seed write-ups class the win: ship it everywhere, or only where a profile shows it is hot.
    pub tier: Tier,
    /// Stable rules run by default; preview ones only with `--preview` or when named in `--select`.
    pub status: Status,
    /// The `--opt CODE.key=value` keys the rule reads, each with a one-line doc (`explain` prints them;
    /// an `--opt` or `[options]` key not listed here is an error).
    pub options: &'static [(&'static str, &'static str)],
}

/// The seeds' two classes of wins (their "Summary" sections). Profile-guided runs (`--min-hot`) gate only
/// `BehindProfile` rules on how hot the enclosing function is; `AlwaysShip` rules are never gated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    /// A correctness or always-worth-it fix: report wherever it is found.
    AlwaysShip,
    /// Worth a diff only where a CPU profile shows the cost (pools, batching, manual unlock, value maps...).
    BehindProfile,
}

impl Tier {
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::AlwaysShip => "always-ship",
            Tier::BehindProfile => "behind-profile",
        }
    }
}

/// Whether a rule is in the default set. A detect-only rule of the seed catalogue becomes `Stable` when the
/// write-ups class its win always-ship and it is cheap on a large tree (on Go's own src it parses a few
/// dozen files at most); the behind-a-profile reports stay `Preview`, since they are worth a look only where
/// a profile shows the cost (`--profile` with `--min-hot`), and so do R7.1 and R7.7 (each costs there as
/// much CPU as the dearest default rules) and R9 (every main package is a candidate).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Stable,
    Preview,
}

pub struct Transform {
    pub meta: Meta,
    /// The transform's own source file; its `//!` lines are the doc `explain` prints.
    pub source: &'static str,
    /// A tree-sitter query; `run` is called once per match. `@match` is where the diagnostic points.
    pub query: &'static str,
    pub run: fn(&mut Ctx<'_>, &Match<'_>) -> Option<()>,
    /// A second, sharper byte-level test run only when `meta.prefilter` matched, with the module at hand
    /// (e.g. "an empty default exists", "the module's go line is below 1.25"). Must never reject a file
    /// the transform could report on. Use `always` when the substrings are enough.
    pub precheck: fn(&[u8], &Module) -> bool,
    /// Rules over build files that are not Go (Dockerfile, Makefile, .goreleaser.yml); `None` for Go rules.
    pub other_files: Option<OtherFiles>,
}

/// How a rule reads non-Go build files: which file names it wants, and what it finds in one of them.
pub struct OtherFiles {
    /// Does the rule read a file with this base name (`Dockerfile`, `Makefile`, `.goreleaser.yml`, ...)?
    pub wants: fn(file_name: &str) -> bool,
    /// The findings in one such file, as diagnostics of file 0 (the build file is its own document) whose
    /// fixes edit `text` (the file with LF line endings). `path` is `/`-separated and relative to the root
    /// of `module` (the nearest go.mod above the file), or the bare file name when there is none.
    pub run: fn(path: &str, text: &str, module: Option<&Module>) -> Vec<Diagnostic>,
}

/// The precheck of transforms whose prefilter substrings (or calls) are selective enough.
pub fn always(_: &[u8], _: &Module) -> bool {
    true
}

/// The precheck of transforms that never report in test code: a file importing `testing` (tests,
/// benchmarks, test helpers) is not parsed for them.
pub fn outside_tests(bytes: &[u8], _: &Module) -> bool {
    !crate::semantic::prefilter::imports(bytes, "testing")
}

impl Transform {
    /// Parse this file for this transform? (The prefilter, the calls the rule is about, then the
    /// transform's own precheck.)
    pub fn wants(&self, bytes: &[u8], module: &Module) -> bool {
        let spelled = |p: &&str| memchr::memmem::find(bytes, p.as_bytes()).is_some();
        let prefiltered = if self.meta.prefilter.is_empty() {
            self.meta
                .calls
                .iter()
                .flat_map(|(_, names)| *names)
                .any(spelled)
        } else {
            self.meta.prefilter.iter().any(spelled)
        };
        prefiltered
            && (self.meta.calls.is_empty()
                || self
                    .meta
                    .calls
                    .iter()
                    .any(|(path, names)| crate::semantic::prefilter::calls(bytes, path, names)))
            && (self.precheck)(bytes, module)
    }
}

/// The captures of one query match, by name.
pub struct Match<'t> {
    pub captures: Vec<(&'static str, Node<'t>)>,
    pub pattern_index: usize,
}

impl<'t> Match<'t> {
    pub fn node(&self, name: &str) -> Option<Node<'t>> {
        self.captures
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, node)| *node)
    }
    pub fn nodes(&self, name: &str) -> Vec<Node<'t>> {
        self.captures
            .iter()
            .filter(|(n, _)| *n == name)
            .map(|(_, node)| *node)
            .collect()
    }
}

/// Run-wide switches a transform may consult.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--opt CODE.key=value` pairs.
    pub values: Vec<(String, String)>,
    /// The CPU profile of `--profile`, read once per run.
    pub profile: Option<std::sync::Arc<crate::semantic::profile::Profile>>,
}

impl Options {
    pub fn flag(&self, code: &str, key: &str) -> bool {
        self.values.iter().any(|(k, v)| {
            k == &format!("{code}.{key}") && matches!(v.as_str(), "true" | "1" | "yes")
        })
    }
}

pub struct Ctx<'a> {
    pub pkg: &'a Package,
    pub file_idx: usize,
    pub transform: &'static Transform,
    pub options: &'a Options,
    pub(crate) out: &'a mut Vec<Diagnostic>,
    /// Local names handed out for imports this pass, so two fixes in one file agree.
    pub(crate) planned_names: &'a mut Vec<(usize, String, String)>,
    /// Facts a rule works out once per file and reuses for each of its matches there (`Ctx::memo`).
    pub(crate) memo: Memo,
}

/// Per-file, per-rule memory: one value of each type a rule asks for, made on first use. A `Ctx` lives for
/// one rule's matches in one file while the package cannot change, so nothing kept here goes stale; it
/// keeps a rule linear when each match would otherwise re-derive the same fact (a function's
/// declarations, a package-wide lookup).
#[derive(Default)]
pub struct Memo(std::collections::HashMap<std::any::TypeId, Box<dyn std::any::Any>>);

impl<'a> Ctx<'a> {
    /// Is this rule's `--opt CODE.key=true` set (the rule names its key, the engine its code)?
    pub fn opt(&self, key: &str) -> bool {
        self.options.flag(self.transform.meta.code, key)
    }

    /// This rule's `T` for this file (`T::default()` the first time).
    pub fn memo<T: Default + 'static>(&mut self) -> &mut T {
        self.memo
            .0
            .entry(std::any::TypeId::of::<T>())
            .or_insert_with(|| Box::new(T::default()))
            .downcast_mut()
            .expect("keyed by its type")
    }

    pub fn file(&self) -> &'a PkgFile {
        &self.pkg.files[self.file_idx]
    }

    pub fn src(&self) -> &'a str {
        &self.pkg.files[self.file_idx].text
    }

    pub fn text(&self, node: Node<'_>) -> &'a str {
        &self.src()[node.byte_range()]
    }

    /// How many diagnostics this run has reported so far (a rule with a fallback checks whether its first
    /// path reported).
    pub fn reported(&self) -> usize {
        self.out.len()
    }

    /// Adds a diagnostic of this transform and returns it so a fix can be attached.
    pub fn report(&mut self, range: TextRange, message: impl Into<String>) -> &mut Diagnostic {
        self.out.push(Diagnostic {
            code: self.transform.meta.code,
            file: self.file_idx,
            range,
            message: message.into(),
            fix: None,
            low_priority: false,
            withheld: None,
        });
        self.out.last_mut().expect("just pushed")
    }

    /// The local name to use for `path` in file `file`: the existing import's name, or a new name that
    /// collides with nothing in the file or package block (§0.3), `fallback` when the default is taken.
    pub fn import_name(&mut self, file: usize, path: &str, fallback: &str) -> String {
        self.plan_import_name(file, path, fallback, &|_| false)
            .expect("no name is excluded")
    }

    /// Like `import_name`, for generated code placed inside `scope` (a function): a new name must also not be
    /// declared anywhere in `scope`, since a local declaration would shadow the import at the use (§0.3).
    /// `None` when the name the file already has (or this pass plans) for `path` is declared in `scope`.
    pub fn import_name_in(
        &mut self,
        file: usize,
        path: &str,
        fallback: &str,
        scope: Node<'_>,
    ) -> Option<String> {
        let src: &str = &self.pkg.files[file].text;
        self.plan_import_name(file, path, fallback, &|n| {
            syntax::declares_name(scope, n, src)
        })
    }

    fn plan_import_name(
        &mut self,
        file: usize,
        path: &str,
        fallback: &str,
        shadowed: &dyn Fn(&str) -> bool,
    ) -> Option<String> {
        let pkg = self.pkg;
        let f = &pkg.files[file];
        if let Some(i) = f.import_of(path).filter(|i| i.is_usable()) {
            return (!shadowed(&i.local)).then(|| i.local.clone());
        }
        if let Some((_, _, n)) = self
            .planned_names
            .iter()
            .find(|(fi, p, _)| *fi == file && p == path)
        {
            return (!shadowed(n)).then(|| n.clone());
        }
        let taken = |name: &str| {
            f.imports().iter().any(|i| i.local == name)
                || pkg.declares_top_level(name)
                || self
                    .planned_names
                    .iter()
                    .any(|(fi, _, n)| *fi == file && n == name)
                || shadowed(name)
        };
        let mut name = default_local_name(path).to_string();
        if taken(&name) {
            name = fallback.to_string();
            let mut k = 2;
            while taken(&name) {
                name = format!("{fallback}{k}");
                k += 1;
            }
        }
        self.planned_names
            .push((file, path.to_string(), name.clone()));
        Some(name)
    }

    /// A name based on `base` that appears nowhere in `scope` (the enclosing top-level function), is not a
    /// package-level or import name, and is not in `also_taken`; numeric suffixes on collision (§0.3).
    pub fn fresh_name(&self, scope: Node<'_>, base: &str, also_taken: &HashSet<String>) -> String {
        let used = syntax::identifiers(scope, self.src());
        let f = self.file();
        let taken = |n: &str| {
            used.contains(n)
                || also_taken.contains(n)
                || self.pkg.declares_top_level(n)
                || f.imports().iter().any(|i| i.local == n)
                || is_predeclared(n)
        };
        if !taken(base) {
            return base.to_string();
        }
        (2..)
            .map(|k| format!("{base}{k}"))
            .find(|n| !taken(n))
            .expect("unbounded")
    }
}

/// Go's predeclared identifiers (the basic types, as `syntax::is_basic_type` knows them, and the rest)
/// and keywords, never used as fresh names.
pub fn is_predeclared(n: &str) -> bool {
    crate::read::syntax::is_basic_type(n)
        || matches!(
            n,
            "any"
                | "comparable"
                | "error"
                | "true"
                | "false"
                | "iota"
                | "nil"
                | "append"
                | "cap"
                | "clear"
                | "close"
                | "complex"
                | "copy"
                | "delete"
                | "imag"
                | "len"
                | "make"
                | "max"
                | "min"
                | "new"
                | "panic"
                | "print"
                | "println"
                | "real"
                | "recover"
                | "break"
                | "case"
                | "chan"
                | "const"
                | "continue"
                | "default"
                | "defer"
                | "else"
                | "fallthrough"
                | "for"
                | "func"
                | "go"
                | "goto"
                | "if"
                | "import"
                | "interface"
                | "map"
                | "package"
                | "range"
                | "return"
                | "select"
                | "struct"
                | "switch"
                | "type"
                | "var"
        )
}
