//! `--verify`: build and vet every package a run changed with the real go tool before anything is written,
//! without touching the working tree (`-overlay` maps each changed file, go.mod and go.sum included, to a
//! temporary copy of its new contents). A package that no longer builds is bisected by transform: its
//! texts are rebuilt from the fix ledger with one transform's fixes left out at a time (`run::replay`,
//! no rule runs again) until it builds; that transform's fixes are dropped there (still reported as
//! findings) and everything else is kept. Where the ledger cannot say what a run without a transform
//! gives (its edits and another rule's interact), that package alone goes through the engine again.

use crate::read::walk::display_path;
use crate::run::engine::{self, FileChange, RunOutcome};
use crate::run::round::Round;
use crate::run::settings::Settings;
use crate::run::withheld::Withheld;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Fixes taken out of one package because the package did not build or vet with them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dropped {
    /// The package directory as printed.
    pub path: String,
    pub codes: Vec<&'static str>,
    /// The first lines of the go tool's message for the build with those fixes.
    pub message: String,
}

/// How a dropped fix reads in the report: `path: warning: verify: dropped R2 fixes: <go message>`.
pub const DROPPED: &str = ": warning: verify: dropped ";

impl Dropped {
    /// The report line (a warning: the tree is left consistent).
    pub fn line(&self) -> String {
        format!(
            "{}{DROPPED}{} fixes: {}",
            self.path,
            self.codes.join(", "),
            self.message
        )
    }
}

/// A package whose fixes were kept without a verdict (it does not build even without them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub path: String,
    pub message: String,
}

#[derive(Debug)]
pub struct VerifyReport {
    /// The run with only verified fixes applied (changes, applied counts and findings recomputed when
    /// something was dropped; the input outcome otherwise).
    pub outcome: RunOutcome,
    pub dropped: Vec<Dropped>,
    pub notes: Vec<Note>,
    /// The (package directory, code) pairs dropped here, which the runs verify started withheld.
    pub withheld: Withheld,
}

/// Verifies `outcome` (computed with `settings` as given). `Err` only when the go tool cannot be run at
/// all.
pub fn verify(outcome: RunOutcome, settings: &Settings) -> Result<VerifyReport, String> {
    verify_round(outcome, settings, &Round::default())
}

/// Verifies `outcome`, computed with `settings` and `round` (which withholds nothing). `settings` is
/// read, never changed: the packages run again here get what is dropped as their round's `withheld`.
pub fn verify_round(
    outcome: RunOutcome,
    settings: &Settings,
    round: &Round,
) -> Result<VerifyReport, String> {
    let mut report = VerifyReport {
        outcome,
        dropped: vec![],
        notes: vec![],
        withheld: Withheld::NONE,
    };
    let go = find_go()?;
    if report.outcome.changes.is_empty() {
        return Ok(report);
    }
    let scratch = tempfile::Builder::new()
        .prefix("gofixrt-verify-")
        .tempdir()
        .map_err(|e| format!("--verify: cannot create a temporary directory: {e}"))?;
    let tool = GoTool {
        go,
        scratch: scratch.path().to_path_buf(),
        runs: std::cell::Cell::new(0),
    };
    // Files of each directory as the run saw them, walked only if a package must go through the engine
    // again (with fixes withheld, or when the ledger cannot replay it).
    let reruns = Reruns {
        settings,
        round,
        by_dir: Default::default(),
    };
    // Dropping fixes changes other files' fixes only in the packages concerned, but the result is checked
    // again anyway (the go build cache makes unchanged packages cheap) until a round drops nothing.
    for _ in 0..MAX_ROUNDS {
        let (before, withheld_before) = (report.dropped.len(), report.withheld.len());
        check_round(&tool, &reruns, &mut report);
        if report.dropped.len() == before {
            break;
        }
        // Only the packages that lost fixes run again, for their findings and texts without them.
        let dirs: BTreeSet<&PathBuf> = report.withheld.pairs()[withheld_before..]
            .iter()
            .map(|(dir, _)| dir)
            .collect();
        let files: Vec<PathBuf> = dirs.iter().flat_map(|d| reruns.files(d)).collect();
        let outcome = std::mem::take(&mut report.outcome);
        let rerun = reruns.run(files.clone(), report.withheld.clone());
        report.outcome = outcome.replace_files(rerun, &files, settings);
    }
    report
        .notes
        .sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
    report.notes.dedup();
    Ok(report)
}

/// Rounds of build, drop and recompute; one is the rule, a second confirms the result of the first.
const MAX_ROUNDS: usize = 3;

/// Builds every module the outcome changes; records drops (and the withheld pairs) and notes in `report`.
fn check_round(tool: &GoTool, reruns: &Reruns<'_>, report: &mut VerifyReport) {
    let mut modules: BTreeMap<PathBuf, BTreeSet<PathBuf>> = BTreeMap::new();
    for c in &report.outcome.changes {
        let dir = c.path.parent().map(Path::to_path_buf).unwrap_or_default();
        // Module files are checked with the packages they serve; other non-Go files (Dockerfile,
        // Makefile) have no package to build.
        if is_module_file(&c.path) || c.path.extension().is_none_or(|e| e != "go") {
            continue;
        }
        match module_root(&dir) {
            Some(root) => {
                modules.entry(root).or_default().insert(dir);
            }
            None => report.notes.push(Note {
                path: dir_display(&dir),
                message: "not inside a Go module; fixes kept unverified".into(),
            }),
        }
    }
    let total = modules.values().map(BTreeSet::len).sum::<usize>() as u64;
    let bar = crate::run::progress::Progress::new(
        reruns.settings.progress,
        total,
        "verify: {bar:30} {pos}/{len} packages {elapsed} {msg}",
    );
    for (root, dirs) in &modules {
        bar.set_message(format!("go build and vet in {}", dir_display(root)));
        let in_module: Vec<&FileChange> = report
            .outcome
            .changes
            .iter()
            .filter(|c| module_root_of_change(c).as_ref() == Some(root))
            .collect();
        let all: Vec<&PathBuf> = dirs.iter().collect();
        if tool.check(root, &all, &in_module, Vet::Yes).is_ok() {
            bar.inc(dirs.len() as u64);
            continue;
        }
        for dir in dirs {
            bar.set_message(dir_display(dir));
            let verdict = judge(tool, reruns, report, root, dir, &in_module);
            bar.inc(1);
            match verdict {
                Verdict::Kept => {}
                Verdict::Note(message) => report.notes.push(Note {
                    path: dir_display(dir),
                    message,
                }),
                Verdict::Dropped(codes, message, note) => {
                    for code in &codes {
                        report.withheld.push(dir.clone(), code);
                    }
                    report.dropped.push(Dropped {
                        path: dir_display(dir),
                        codes,
                        message,
                    });
                    if let Some(message) = note {
                        report.notes.push(Note {
                            path: dir_display(dir),
                            message,
                        });
                    }
                }
            }
        }
    }
}

/// What `--verify` concludes about one package of a module that failed as a whole.
enum Verdict {
    /// Its own fixes build (another package's broke the module), or nothing needed dropping.
    Kept,
    /// Kept, with a reason the verdict is partial (broken before the fixes, or vet-dirty before them).
    Note(String),
    /// These codes' fixes are withheld here, with the go tool's message, and maybe a note.
    Dropped(Vec<&'static str>, String, Option<String>),
}

fn judge(
    tool: &GoTool,
    reruns: &Reruns<'_>,
    report: &VerifyReport,
    root: &Path,
    dir: &PathBuf,
    in_module: &[&FileChange],
) -> Verdict {
    let Err(message) = tool.check(root, &[dir], in_module, Vet::Yes) else {
        return Verdict::Kept;
    };
    // Without the fixes: a package that does not build cannot be judged at all; one that builds but that
    // go vet already rejects is judged on its build alone.
    if let Err(before) = tool.check(root, &[dir], &[], Vet::No) {
        return Verdict::Note(format!(
            "the package does not build without the fixes either; fixes kept unverified: {before}"
        ));
    }
    let (vet, message, note) = match tool.check(root, &[dir], &[], Vet::Yes) {
        Ok(()) => (Vet::Yes, message, None),
        Err(vet_before) => {
            let note = format!(
                "go vet reports problems without the fixes too, so the fixes were checked by go build only: {vet_before}"
            );
            match tool.check(root, &[dir], in_module, Vet::No) {
                Ok(()) => return Verdict::Note(note),
                Err(m) => (Vet::No, m, Some(note)),
            }
        }
    };
    let trials = Trials {
        reruns,
        withheld: &report.withheld,
        records: report.outcome.replays.get(dir).map(Vec::as_slice),
        dir,
    };
    let codes = bisect(tool, reruns.settings, &trials, root, dir, vet);
    if codes.is_empty() {
        return note.map_or(Verdict::Kept, Verdict::Note);
    }
    Verdict::Dropped(codes, message, note)
}

/// The transforms to withhold in `dir` so that it builds: the first one whose absence alone makes the
/// package build; else, of the transforms that changed something there, those it does not build with.
/// None when the package builds with all of its own fixes (another package's fixes broke it).
fn bisect(
    tool: &GoTool,
    settings: &Settings,
    trials: &Trials<'_>,
    root: &Path,
    dir: &Path,
    vet: Vet,
) -> Vec<&'static str> {
    let full = trials.without(&[]);
    let refs: Vec<&FileChange> = full.iter().collect();
    if tool.check(root, &[&dir.to_path_buf()], &refs, vet).is_ok() {
        // Its own fixes build: what broke it was another package's fixes, which are judged on their own.
        return vec![];
    }
    let mut contributing = vec![];
    for t in &settings.transforms {
        let code = t.meta.code;
        if !trials.applied(code) {
            continue;
        }
        let changes = trials.without(&[code]);
        if same_changes(&changes, &full) {
            continue;
        }
        contributing.push(code);
        let refs: Vec<&FileChange> = changes.iter().collect();
        if tool.check(root, &[&dir.to_path_buf()], &refs, vet).is_ok() {
            return vec![code];
        }
    }
    // More than one culprit: withhold them all, then give back each one the package still builds with.
    let mut withhold = contributing.clone();
    for code in &contributing {
        let trial: Vec<&'static str> = withhold.iter().copied().filter(|c| c != code).collect();
        let changes = trials.without(&trial);
        let refs: Vec<&FileChange> = changes.iter().collect();
        if tool.check(root, &[&dir.to_path_buf()], &refs, vet).is_ok() {
            withhold = trial;
        }
    }
    withhold
}

/// The engine runs verify starts on some packages again: the verified run's settings and round, with
/// the files of each directory the run covers (walked on first use).
struct Reruns<'a> {
    settings: &'a Settings,
    round: &'a Round,
    by_dir: std::cell::OnceCell<BTreeMap<PathBuf, Vec<PathBuf>>>,
}

impl Reruns<'_> {
    /// The verified run again on `files` only, with `withheld` not applied.
    fn run(&self, files: Vec<PathBuf>, withheld: Withheld) -> RunOutcome {
        engine::run_round(self.settings, &self.round.again(files, withheld))
    }

    fn files(&self, dir: &Path) -> Vec<PathBuf> {
        let by_dir = self.by_dir.get_or_init(|| {
            let mut by_dir: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
            for f in engine::discover(self.settings).0 {
                let dir = f.parent().map(Path::to_path_buf).unwrap_or_default();
                by_dir.entry(dir).or_default().push(f);
            }
            by_dir
        });
        by_dir.get(dir).cloned().unwrap_or_default()
    }
}

/// One package's changes (its files and the module files its fixes edit) with some transforms' fixes
/// left out: replayed from the ledger, or, where a replay would not be exact, from one engine run on the
/// package alone.
struct Trials<'a> {
    reruns: &'a Reruns<'a>,
    withheld: &'a Withheld,
    records: Option<&'a [crate::run::replay::PackageRecord]>,
    dir: &'a Path,
}

impl Trials<'_> {
    /// Did `code` apply a fix here? (Without a ledger, every transform might have.)
    fn applied(&self, code: &str) -> bool {
        self.records
            .is_none_or(|r| r.iter().any(|p| p.applied(code)))
    }

    fn without(&self, codes: &[&'static str]) -> Vec<FileChange> {
        if let Some((mut changes, module_edits)) = self
            .records
            .and_then(|r| crate::run::replay::without(r, codes))
        {
            // Module files were read and checked by the run; problems with them are reported there.
            engine::apply_module_edits(module_edits, &mut changes, &mut vec![]);
            changes.sort_by(|a, b| a.display.cmp(&b.display));
            return changes;
        }
        let mut withheld = self.withheld.clone();
        for code in codes {
            withheld.push(self.dir.to_path_buf(), code);
        }
        self.reruns
            .run(self.reruns.files(self.dir), withheld)
            .changes
    }
}

fn same_changes(a: &[FileChange], b: &[FileChange]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.path == y.path && x.new == y.new)
}

/// A package directory as printed ("." for the current directory, which the walk leaves empty).
fn dir_display(dir: &Path) -> String {
    match display_path(dir) {
        d if d.is_empty() => ".".into(),
        d => d,
    }
}

fn is_module_file(p: &Path) -> bool {
    matches!(
        p.file_name().and_then(|n| n.to_str()),
        Some("go.mod" | "go.sum")
    )
}

fn module_root_of_change(c: &FileChange) -> Option<PathBuf> {
    let dir = c.path.parent().map(Path::to_path_buf).unwrap_or_default();
    module_root(&dir)
}

/// The nearest directory at or above `dir` holding a go.mod, made absolute.
fn module_root(dir: &Path) -> Option<PathBuf> {
    let abs = absolute(dir);
    abs.ancestors()
        .find(|d| d.join("go.mod").is_file())
        .map(Path::to_path_buf)
}

/// A canonical absolute path (symlinks resolved, as the go tool sees its working directory), also for a
/// file that does not exist yet (go.sum).
fn absolute(p: &Path) -> PathBuf {
    let p = if p.as_os_str().is_empty() {
        Path::new(".")
    } else {
        p
    };
    if let Ok(c) = p.canonicalize() {
        return c;
    }
    match (p.parent(), p.file_name()) {
        (Some(parent), Some(name)) => absolute(parent).join(name),
        _ => std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()),
    }
}

/// The `go` executable on PATH.
fn find_go() -> Result<PathBuf, String> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|d| d.join("go"))
        .find(|p| p.is_file())
        .ok_or_else(|| {
            "--verify needs the go command, and `go` is not on PATH (install Go or drop --verify)"
                .into()
        })
}

/// Whether a check runs `go vet` after `go build`: not for a package vet already rejects without the
/// fixes, whose fixes are judged by the build alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Vet {
    Yes,
    No,
}

struct GoTool {
    go: PathBuf,
    scratch: PathBuf,
    runs: std::cell::Cell<usize>,
}

impl GoTool {
    /// `go build` then `go vet` of `dirs` (inside module `root`) with `changes` overlaid. go.mod and go.sum
    /// are always in the overlay (their own contents when unchanged), so the go tool can never write them.
    /// The default `-mod=readonly` is kept: a require a fix adds resolves from the go.sum lines it also
    /// adds, `-mod=mod` could not update an overlaid file anyway, and it is an error in workspace mode.
    fn check(
        &self,
        root: &Path,
        dirs: &[&PathBuf],
        changes: &[&FileChange],
        vet: Vet,
    ) -> Result<(), String> {
        let n = self.runs.get();
        self.runs.set(n + 1);
        let work = self.scratch.join(n.to_string());
        let io = |e: std::io::Error| format!("--verify: cannot write the overlay: {e}");
        std::fs::create_dir_all(&work).map_err(io)?;
        let mut files: Vec<(PathBuf, &[u8])> = changes
            .iter()
            .map(|c| (absolute(&c.path), &c.new[..]))
            .collect();
        let pinned: Vec<(PathBuf, Vec<u8>)> = ["go.mod", "go.sum"]
            .iter()
            .map(|name| root.join(name))
            .filter(|p| !files.iter().any(|(f, _)| f == p))
            .map(|p| {
                let bytes = std::fs::read(&p).unwrap_or_default();
                (p, bytes)
            })
            .collect();
        files.extend(pinned.iter().map(|(p, b)| (p.clone(), &b[..])));
        let mut replace = serde_json::Map::new();
        // go names an overlaid file by its backing path in some messages; show the real path instead.
        let mut renames: Vec<(String, String)> = vec![];
        let work = absolute(&work);
        for (i, (path, bytes)) in files.iter().enumerate() {
            let backing = work.join(format!("{i}-{}", file_name(path)));
            std::fs::write(&backing, bytes).map_err(io)?;
            let shown = relative(root, path);
            renames.push((backing.to_string_lossy().into_owned(), shown.clone()));
            renames.push((relative(root, &backing), shown));
            replace.insert(
                path.to_string_lossy().into_owned(),
                backing.to_string_lossy().into_owned().into(),
            );
        }
        let overlay = work.join("overlay.json");
        let json = serde_json::json!({ "Replace": replace });
        std::fs::write(&overlay, json.to_string()).map_err(io)?;
        let pkgs: Vec<String> = dirs
            .iter()
            .map(|d| {
                let abs = absolute(d);
                let rel = abs.strip_prefix(root).unwrap_or(Path::new(""));
                format!("./{}", rel.to_string_lossy())
            })
            .collect();
        let overlay_arg = overlay.to_string_lossy().into_owned();
        let rename = |msg: String| {
            renames
                .iter()
                .fold(msg, |m, (from, to)| m.replace(from.as_str(), to))
        };
        match self.go(
            root,
            &["build", "-o", "/dev/null", "-overlay", &overlay_arg],
            &pkgs,
        ) {
            // A directory of _test.go files only: vet still compiles and checks them.
            Err(m) if m.contains("no non-test Go files") => {}
            r => r.map_err(rename)?,
        }
        if vet == Vet::No {
            return Ok(());
        }
        self.go(root, &["vet", "-overlay", &overlay_arg], &pkgs)
            .map_err(rename)
    }

    fn go(&self, root: &Path, args: &[&str], pkgs: &[String]) -> Result<(), String> {
        let mut cmd = Command::new(&self.go);
        cmd.current_dir(root).args(args).args(pkgs);
        cmd.env("GOTOOLCHAIN", "local");
        let out = cmd
            .output()
            .map_err(|e| format!("go {}: cannot run: {e}", args[0]))?;
        if out.status.success() {
            return Ok(());
        }
        Err(first_lines(&String::from_utf8_lossy(&out.stderr)))
    }
}

/// `to` relative to the directory `from` (both absolute), with `..` steps, as go prints paths.
fn relative(from: &Path, to: &Path) -> String {
    let (f, t): (Vec<_>, Vec<_>) = (from.components().collect(), to.components().collect());
    let common = f.iter().zip(&t).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..f.len() {
        out.push("..");
    }
    out.extend(&t[common..]);
    out.to_string_lossy().into_owned()
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().replace(['/', '\\'], "_"))
        .unwrap_or_default()
}

/// The first two message lines of go's output (package headers and download progress skipped), joined on
/// one line.
pub fn first_lines(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with("go: downloading "))
        .take(2)
        .collect();
    if lines.is_empty() {
        "the go tool failed without a message".into()
    } else {
        lines.join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_lines_skips_package_headers() {
        let out = "# example.com/m\n./x.go:5:2: \"runtime\" imported and not used\n./x.go:9:1: undefined: y\n./x.go:10:1: z\n";
        assert_eq!(
            first_lines(out),
            "./x.go:5:2: \"runtime\" imported and not used; ./x.go:9:1: undefined: y"
        );
        assert_eq!(first_lines(""), "the go tool failed without a message");
        assert_eq!(
            first_lines("go: downloading example.com/x v1.0.0\nmain.go:3:8: no required module\n"),
            "main.go:3:8: no required module"
        );
    }

    #[test]
    fn drop_lines_name_the_package_the_codes_and_the_message() {
        let d = Dropped {
            path: "svc".into(),
            codes: vec!["R2", "R6.1"],
            message: "./a.go:3:2: undefined: t".into(),
        };
        assert_eq!(
            d.line(),
            "svc: warning: verify: dropped R2, R6.1 fixes: ./a.go:3:2: undefined: t"
        );
        assert_eq!(dir_display(Path::new("")), ".");
        assert_eq!(
            relative(Path::new("/t/m"), Path::new("/t/v/1/0-a.go")),
            "../v/1/0-a.go"
        );
        assert_eq!(
            relative(Path::new("/t/m"), Path::new("/t/m/a/b.go")),
            "a/b.go"
        );
    }
}
