//! `--branch NAME`: the fixes as commits on a new branch made from HEAD, one commit per transform in code
//! order, so reverting one commit drops one rule. Only objects and refs are written (git2): the working
//! tree, the index and HEAD stay as they were.
//!
//! Which edits belong to which transform: the engine runs once, on the files as they are on disk (the
//! refusal below guarantees they equal HEAD), asked for rule steps (`Round::branch`): per changed
//! directory, what the rules that applied there give in code order up to each of them. Commit k's tree is
//! HEAD's tree plus what rules 1..=k give. The last commit is the run with every selected transform, so
//! the branch's tree is exactly what `--write` would produce. No copies of the tree are made.

use crate::catalog::registry::code_order;
use crate::git::split::{SplitBy, Splitter, module_root};
use crate::rules::fix::Applicability;
use crate::rules::transform::Transform;
use crate::run::apply::Finding;
use crate::run::engine::{self, FileChange, RunOutcome};
use crate::run::settings::Settings;
use crate::run::verify::{Dropped, Note};
use git2::build::TreeUpdateBuilder;
use git2::{FileMode, Oid, Repository, Signature, Tree};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

pub struct BranchOptions {
    pub name: String,
    pub force: bool,
    pub split_by: Option<SplitBy>,
    /// A remote name, or a path or URL git2 can reach without TLS (local and file:// remotes).
    pub push: Option<String>,
}

/// One transform's edits within one branch.
pub struct RuleCommit {
    pub transform: &'static Transform,
    pub id: String,
    pub sites: usize,
    /// Repository paths this commit changes.
    pub files: Vec<String>,
    /// `safe`, `unsafe`, or both, for the fixes applied.
    pub applicability: String,
}

pub struct MadeBranch {
    pub name: String,
    /// The `--split-by` slug, `None` for a single branch.
    pub slug: Option<String>,
    pub commits: Vec<RuleCommit>,
    /// Findings left in this branch's files after the fixes (display path, finding).
    pub remaining: Vec<(String, Finding)>,
    /// Repository paths of the Go modules this branch touches (`.` for the root).
    pub modules: Vec<String>,
    /// `--verify` drops in this branch's packages.
    pub dropped: Vec<Dropped>,
    /// Findings `//gofixrt:ignore` directives hid in this branch's files: (display path, code, count).
    pub suppressed: Vec<(String, &'static str, usize)>,
}

pub struct BranchRun {
    /// The run with every selected transform: findings left, problems, applied counts.
    pub outcome: RunOutcome,
    pub branches: Vec<MadeBranch>,
    /// HEAD's commit id, the parent of every branch.
    pub base: String,
    /// `--verify`: fixes left out because their package did not build or vet with them, and packages
    /// kept without a verdict.
    pub dropped: Vec<Dropped>,
    pub notes: Vec<Note>,
}

/// One engine run, in repository paths: new bytes and applied counts per file.
struct Step {
    new: BTreeMap<String, Vec<u8>>,
    applied: BTreeMap<String, BTreeMap<&'static str, usize>>,
}

pub fn run(settings: &Settings, opts: &BranchOptions) -> Result<BranchRun, String> {
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    let repo = Repository::discover(&cwd).map_err(|_| {
        format!(
            "not a git repository (or any of its parents): {}; --branch needs one",
            cwd.display()
        )
    })?;
    let workdir = repo
        .workdir()
        .ok_or("the repository is bare; --branch needs a working tree")?
        .canonicalize()
        .map_err(|e| format!("cannot resolve the working tree: {e}"))?;
    let head = repo
        .head()
        .and_then(|h| h.peel_to_commit())
        .map_err(|_| "HEAD has no commit yet; --branch makes its branch from HEAD".to_string())?;
    let head_tree = head.tree().map_err(git_err)?;
    check_name(&opts.name)?;
    if opts.split_by.is_none() {
        check_free(&repo, &opts.name, opts.force)?;
    }

    // Fixed whatever the mode, with the rule steps the commits are read from.
    let round = crate::run::round::Round::branch();
    let mut full = engine::run_round(settings, &round);
    let (mut dropped, mut notes) = (vec![], vec![]);
    if settings.verify {
        // Fixes that break a package leave the full run and its rule steps, so no commit carries them.
        let report = crate::run::verify::verify_round(full, settings, &round)?;
        full = report.outcome;
        dropped = report.dropped;
        notes = report.notes;
    }
    let full_step = step(&full.changes, &full.applied_by_file, &workdir, &cwd)?;
    refuse_dirty(&repo, &head_tree, &full, &workdir, &cwd)?;
    let base = head.id().to_string();
    if full_step.new.is_empty() {
        return Ok(BranchRun {
            outcome: full,
            branches: vec![],
            base,
            dropped,
            notes,
        });
    }

    // The transforms that changed something, in code order; commit k's tree is what rules 1..=k give,
    // read from the full run's per-directory rule steps (no run per rule).
    let mut order: Vec<&'static Transform> = settings
        .transforms
        .iter()
        .copied()
        .filter(|t| full.applied.get(t.meta.code).is_some_and(|&n| n > 0))
        .collect();
    order.sort_by_key(|t| code_order(t.meta.code));
    let mut steps = vec![];
    for k in 0..order.len().saturating_sub(1) {
        let (changes, applied) = full.after_rules(|c| order[..=k].iter().any(|t| t.meta.code == c));
        steps.push(step(&changes, &applied, &workdir, &cwd)?);
    }
    steps.push(full_step);

    let applicability = applicabilities(settings, &full, &workdir, &cwd)?;
    let splitter = opts.split_by.map(|by| {
        let owners = crate::git::codeowners::find(|p| blob_at(&repo, &head_tree, p));
        Splitter::new(by, &workdir, owners)
    });
    let slug_of = |p: &str| splitter.as_ref().map(|s| s.slug(p));
    let mut groups: BTreeMap<Option<String>, BTreeSet<String>> = BTreeMap::new();
    for p in steps.last().expect("one step at least").new.keys() {
        let mut slugs = BTreeSet::new();
        if splitter.is_some() {
            slugs = module_file_followers(p, &steps, &order, &workdir, &slug_of);
        }
        if slugs.is_empty() {
            slugs.insert(slug_of(p));
        }
        for slug in slugs {
            groups.entry(slug).or_default().insert(p.clone());
        }
    }
    let names: Vec<String> = groups
        .keys()
        .map(|slug| match slug {
            Some(s) => format!("{}/{s}", opts.name),
            None => opts.name.clone(),
        })
        .collect();
    if opts.split_by.is_some() {
        if repo
            .find_reference(&format!("refs/heads/{}", opts.name))
            .is_ok()
        {
            return Err(format!(
                "branch `{0}` exists, so `{0}/<slug>` branches cannot be made next to it; choose another NAME",
                opts.name
            ));
        }
        for n in &names {
            check_name(n)?;
            check_free(&repo, n, opts.force)?;
        }
    }

    let (author, committer) = signatures(&repo);
    let mut branches = vec![];
    for ((slug, files), name) in groups.into_iter().zip(names) {
        let mut parent = head.clone();
        let mut commits = vec![];
        for (k, t) in order.iter().enumerate() {
            let tree = tree_for(&repo, &head_tree, &steps[k], &files)?;
            if tree.id() == parent.tree_id() {
                continue;
            }
            let changed: Vec<String> = files
                .iter()
                .filter(|p| {
                    let before = k.checked_sub(1).and_then(|j| steps[j].new.get(*p));
                    steps[k].new.get(*p) != before
                })
                .cloned()
                .collect();
            let sites: usize = files
                .iter()
                .filter_map(|p| steps[k].applied.get(p)?.get(t.meta.code))
                .sum();
            let label = label(&applicability, t.meta.code, &files, settings.threshold);
            let msg = crate::git::commit_message::render(t, sites, &changed, &label);
            let id = repo
                .commit(None, &author, &committer, &msg, &tree, &[&parent])
                .map_err(git_err)?;
            parent = repo.find_commit(id).map_err(git_err)?;
            commits.push(RuleCommit {
                transform: t,
                id: id.to_string(),
                sites,
                files: changed,
                applicability: label,
            });
        }
        repo.reference(
            &format!("refs/heads/{name}"),
            parent.id(),
            opts.force,
            "gofix-rt --branch",
        )
        .map_err(|e| format!("cannot create branch `{name}`: {}", e.message()))?;
        let mut remaining = vec![];
        for (display, f) in &full.findings {
            let p = repo_path(&workdir, &cwd, Path::new(display))?;
            if slug_of(&p) == slug {
                remaining.push((display.clone(), f.clone()));
            }
        }
        let mut suppressed = vec![];
        for (display, counts) in &full.suppressed_by_file {
            let p = repo_path(&workdir, &cwd, Path::new(display))?;
            if slug_of(&p) == slug {
                suppressed.extend(counts.iter().map(|(c, n)| (display.clone(), *c, *n)));
            }
        }
        let mut dropped_here = vec![];
        for d in &dropped {
            // Slugs are of files: any name inside the package directory gives its branch.
            let p = repo_path(&workdir, &cwd, &Path::new(&d.path).join("x.go"))?;
            if slug_of(&p) == slug {
                dropped_here.push(d.clone());
            }
        }
        let modules: BTreeSet<String> = files
            .iter()
            .filter_map(|p| module_root(&workdir, p))
            .map(|m| if m.is_empty() { ".".into() } else { m })
            .collect();
        branches.push(MadeBranch {
            name,
            slug,
            commits,
            remaining,
            modules: modules.into_iter().collect(),
            dropped: dropped_here,
            suppressed,
        });
    }
    let run = BranchRun {
        outcome: full,
        branches,
        base,
        dropped,
        notes,
    };
    if let Some(remote) = &opts.push {
        push(&repo, remote, &run.branches, opts.force)?;
    }
    Ok(run)
}

fn git_err(e: git2::Error) -> String {
    format!("git: {}", e.message())
}

fn check_name(name: &str) -> Result<(), String> {
    if git2::Reference::is_valid_name(&format!("refs/heads/{name}")) {
        Ok(())
    } else {
        Err(format!("`{name}` is not a valid branch name"))
    }
}

/// Refuses an existing branch (unless forced) and, even when forced, the branch HEAD is on: moving it
/// would change what HEAD points to.
fn check_free(repo: &Repository, name: &str, force: bool) -> Result<(), String> {
    let refname = format!("refs/heads/{name}");
    if repo.find_reference(&refname).is_err() {
        return Ok(());
    }
    if !force {
        return Err(format!(
            "branch `{name}` already exists; pass --force-branch to replace it"
        ));
    }
    let on_it = repo
        .find_reference("HEAD")
        .ok()
        .and_then(|h| h.symbolic_target().ok().flatten().map(|t| t == refname))
        .unwrap_or(false);
    if on_it {
        return Err(format!(
            "branch `{name}` is checked out; --force-branch will not move the branch HEAD is on"
        ));
    }
    Ok(())
}

/// With `--split-by`, a go.mod or go.sum edit goes to every branch holding a Go file of that module fixed by
/// the transform that made the edit (R5's import needs its `require` to build), not to the branch the
/// module file itself would fall in. Empty for other files.
fn module_file_followers(
    path: &str,
    steps: &[Step],
    order: &[&'static Transform],
    workdir: &Path,
    slug_of: &dyn Fn(&str) -> Option<String>,
) -> BTreeSet<Option<String>> {
    let mut out = BTreeSet::new();
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    if name != "go.mod" && name != "go.sum" {
        return out;
    }
    let Some(k) = steps.iter().position(|s| s.new.contains_key(path)) else {
        return out;
    };
    let code = order[k].meta.code;
    for (file, counts) in &steps[k].applied {
        if counts.get(code).is_some_and(|&n| n > 0)
            && module_root(workdir, file).as_deref() == Some(dir)
        {
            out.insert(slug_of(file));
        }
    }
    out
}

fn step(
    changes: &[FileChange],
    applied_by_file: &BTreeMap<String, BTreeMap<&'static str, usize>>,
    workdir: &Path,
    cwd: &Path,
) -> Result<Step, String> {
    let mut new = BTreeMap::new();
    for c in changes {
        new.insert(repo_path(workdir, cwd, &c.path)?, c.new.clone());
    }
    let mut applied = BTreeMap::new();
    for (display, counts) in applied_by_file {
        applied.insert(repo_path(workdir, cwd, Path::new(display))?, counts.clone());
    }
    Ok(Step { new, applied })
}

/// The path of `p` (relative to `cwd`, or absolute) inside the working tree, with `/` separators.
fn repo_path(workdir: &Path, cwd: &Path, p: &Path) -> Result<String, String> {
    let abs = cwd.join(p);
    let outside = || format!("{} is outside the repository", p.display());
    let name = abs.file_name().ok_or_else(outside)?;
    let dir = abs
        .parent()
        .and_then(|d| d.canonicalize().ok())
        .ok_or_else(outside)?;
    let rel: PathBuf = dir
        .join(name)
        .strip_prefix(workdir)
        .map_err(|_| outside())?
        .into();
    Ok(rel.to_string_lossy().replace('\\', "/"))
}

fn blob_at(repo: &Repository, tree: &Tree<'_>, path: &Path) -> Option<Vec<u8>> {
    let entry = tree.get_path(path).ok()?;
    let obj = entry.to_object(repo).ok()?;
    obj.as_blob().map(|b| b.content().to_vec())
}

/// The branch must equal what `--dry-run` shows, so every file it changes must be as HEAD has it.
fn refuse_dirty(
    repo: &Repository,
    head_tree: &Tree<'_>,
    out: &RunOutcome,
    workdir: &Path,
    cwd: &Path,
) -> Result<(), String> {
    let mut dirty = vec![];
    for c in &out.changes {
        let p = repo_path(workdir, cwd, &c.path)?;
        if blob_at(repo, head_tree, Path::new(&p)) != c.original {
            dirty.push(c.display.clone());
        }
    }
    match dirty.as_slice() {
        [] => Ok(()),
        [one] => Err(format!(
            "{one} differs from HEAD (uncommitted or untracked); commit or stash it first, so the branch holds exactly what --dry-run shows"
        )),
        [first, rest @ ..] => Err(format!(
            "{first} and {} more file{} to fix differ from HEAD (uncommitted or untracked); commit or stash them first, so the branch holds exactly what --dry-run shows",
            rest.len(),
            if rest.len() == 1 { "" } else { "s" }
        )),
    }
}

/// HEAD's tree with the files of `files` that `step` changed; the others as HEAD has them.
fn tree_for<'r>(
    repo: &'r Repository,
    head_tree: &Tree<'r>,
    step: &Step,
    files: &BTreeSet<String>,
) -> Result<Tree<'r>, String> {
    let mut b = TreeUpdateBuilder::new();
    for p in files {
        let Some(bytes) = step.new.get(p) else {
            continue;
        };
        let mode = match head_tree.get_path(Path::new(p)).map(|e| e.filemode()) {
            Ok(m) if m == i32::from(FileMode::BlobExecutable) => FileMode::BlobExecutable,
            _ => FileMode::Blob,
        };
        b.upsert(p.as_str(), repo.blob(bytes).map_err(git_err)?, mode);
    }
    let id: Oid = b.create_updated(repo, head_tree).map_err(git_err)?;
    repo.find_tree(id).map_err(git_err)
}

/// Applicabilities of the fixes applied per (file, code), read from the run's ledger; only needed when
/// unsafe fixes are enabled (otherwise every applied fix is safe).
type Applicabilities = BTreeMap<(String, &'static str), BTreeSet<Applicability>>;

fn applicabilities(
    settings: &Settings,
    full: &RunOutcome,
    workdir: &Path,
    cwd: &Path,
) -> Result<Applicabilities, String> {
    let mut map = Applicabilities::new();
    if settings.threshold == Applicability::Safe {
        return Ok(map);
    }
    for a in &full.ledger {
        let p = repo_path(workdir, cwd, Path::new(&a.file))?;
        map.entry((p, a.code)).or_default().insert(a.applicability);
    }
    Ok(map)
}

fn label(
    map: &Applicabilities,
    code: &'static str,
    files: &BTreeSet<String>,
    threshold: Applicability,
) -> String {
    if threshold == Applicability::Safe {
        return "safe".into();
    }
    let mut all = BTreeSet::new();
    for p in files {
        if let Some(s) = map.get(&(p.clone(), code)) {
            all.extend(s.iter().copied());
        }
    }
    if all.is_empty() {
        return "safe".into();
    }
    all.iter()
        .rev()
        .map(|a| a.as_str())
        .collect::<Vec<_>>()
        .join(" + ")
}

/// The author and committer: GIT_AUTHOR_* / GIT_COMMITTER_* when set (as git does), else the repository's
/// user.name and user.email, else a gofix-rt identity so a bot without git config still gets its commits.
fn signatures(repo: &Repository) -> (Signature<'static>, Signature<'static>) {
    let fallback = || {
        repo.signature()
            .map(|s| s.to_owned())
            .or_else(|_| Signature::now("gofix-rt", "gofix-rt@localhost"))
            .expect("a static signature is valid")
    };
    let from_env = |who: &str| {
        let name = std::env::var(format!("GIT_{who}_NAME")).ok()?;
        let email = std::env::var(format!("GIT_{who}_EMAIL")).ok()?;
        Signature::now(&name, &email).ok()
    };
    (
        from_env("AUTHOR").unwrap_or_else(fallback),
        from_env("COMMITTER").unwrap_or_else(fallback),
    )
}

fn push(
    repo: &Repository,
    remote: &str,
    branches: &[MadeBranch],
    force: bool,
) -> Result<(), String> {
    let mut r = repo
        .find_remote(remote)
        .or_else(|_| repo.remote_anonymous(remote))
        .map_err(|e| format!("--push: no remote `{remote}`: {}", e.message()))?;
    let plus = if force { "+" } else { "" };
    let specs: Vec<String> = branches
        .iter()
        .map(|b| format!("{plus}refs/heads/{0}:refs/heads/{0}", b.name))
        .collect();
    let rejected = std::cell::RefCell::new(vec![]);
    let mut callbacks = git2::RemoteCallbacks::new();
    callbacks.push_update_reference(|name, status| {
        if let Some(why) = status {
            rejected.borrow_mut().push(format!("{name} ({why})"));
        }
        Ok(())
    });
    let mut po = git2::PushOptions::new();
    po.remote_callbacks(callbacks);
    r.push(&specs, Some(&mut po))
        .map_err(|e| format!("--push to `{remote}` failed: {}", e.message()))?;
    drop(po);
    let rejected = rejected.into_inner();
    if rejected.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "--push to `{remote}`: rejected {}",
            rejected.join(", ")
        ))
    }
}
