//! `gofix-rt.toml` (or `.gofix-rt.toml`): the settings a project keeps next to its code, found from each
//! scanned path upward to the repository root (the nearest file wins, as ruff does). Keys mirror the long
//! flags; the command line overrides the file. Every error is one line naming the file and the key, so a
//! typo never silently changes what a run does.

use crate::run::path_rules::{PathRules, glob_matcher};
use std::path::{Path, PathBuf};

/// The names looked for in each directory, in this order.
pub const FILE_NAMES: [&str; 2] = ["gofix-rt.toml", ".gofix-rt.toml"];

/// The top-level keys a config file may hold (documented in docs/config.md).
pub const KEYS: &[&str] = &[
    "select",
    "ignore",
    "preview",
    "unsafe-fixes",
    "go-version",
    "exclude",
    "options",
    "per-file-ignores",
];

/// One config file as read: every code and option key already checked against the registry.
#[derive(Debug, Clone, Default)]
pub struct FileConfig {
    /// The file, as found or named.
    pub path: PathBuf,
    /// Its directory, absolute: globs in `exclude` and `per-file-ignores` are relative to it.
    pub dir: PathBuf,
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
    pub preview: Option<bool>,
    pub unsafe_fixes: Option<bool>,
    pub go_version: Option<crate::read::version::GoVersion>,
    pub exclude: Vec<String>,
    /// `(CODE.key, value)`, the code spelled as the registry does.
    pub options: Vec<(String, String)>,
    /// `(glob, codes)`.
    pub per_file_ignores: Vec<(String, Vec<String>)>,
}

/// The nearest config file at or above `start` (a file or directory), stopping after the repository root
/// (the first directory holding `.git`) so a run never picks up settings from outside its repository.
pub fn discover(start: &Path) -> Option<PathBuf> {
    let abs = std::path::absolute(start).ok()?;
    let first = if abs.is_dir() {
        abs.as_path()
    } else {
        abs.parent()?
    };
    for dir in first.ancestors() {
        for name in FILE_NAMES {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
        if dir.join(".git").exists() {
            break;
        }
    }
    None
}

/// Reads and checks one config file. `Err` is one line: `FILE: key: what is wrong`.
pub fn load(path: &Path) -> Result<FileConfig, String> {
    let shown = crate::read::walk::display_path(path);
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{shown}: cannot read: {}", crate::read::walk::io_reason(&e)))?;
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        let line = e.span().map(|s| {
            memchr::memchr_iter(b'\n', &text.as_bytes()[..s.start.min(text.len())]).count() + 1
        });
        let msg = e.message().lines().next().unwrap_or("invalid TOML").trim();
        match line {
            Some(l) => format!("{shown}:{l}: invalid TOML: {msg}"),
            None => format!("{shown}: invalid TOML: {msg}"),
        }
    })?;
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut cfg = FileConfig {
        path: path.to_path_buf(),
        dir: abs.parent().map(Path::to_path_buf).unwrap_or_default(),
        ..FileConfig::default()
    };
    let err = |key: &str, msg: String| format!("{shown}: `{key}`: {msg}");
    for (key, value) in &table {
        match key.as_str() {
            "select" => {
                let codes = string_list(value).map_err(|m| err(key, m))?;
                check_codes(&codes, false).map_err(|m| err(key, m))?;
                cfg.select = Some(codes);
            }
            "ignore" => {
                cfg.ignore = string_list(value).map_err(|m| err(key, m))?;
                check_codes(&cfg.ignore, false).map_err(|m| err(key, m))?;
            }
            "preview" => cfg.preview = Some(boolean(value).map_err(|m| err(key, m))?),
            "unsafe-fixes" => cfg.unsafe_fixes = Some(boolean(value).map_err(|m| err(key, m))?),
            "go-version" => {
                let v = value
                    .as_str()
                    .ok_or_else(|| err(key, "expected a string like \"1.22\"".into()))?;
                cfg.go_version = Some(
                    crate::read::version::GoVersion::parse(v)
                        .ok_or_else(|| err(key, format!("`{v}` is not a Go version like 1.22")))?,
                );
            }
            "exclude" => {
                cfg.exclude = string_list(value).map_err(|m| err(key, m))?;
                glob_matcher(&cfg.dir, &cfg.exclude).map_err(|m| err(key, m))?;
            }
            "options" => {
                let t = value
                    .as_table()
                    .ok_or_else(|| err(key, "expected a table of CODE.key = value".into()))?;
                let mut flat = vec![];
                flatten(t, "", &mut flat);
                for (k, v) in flat {
                    let v = v.map_err(|m| err(&format!("options.{k}"), m))?;
                    let canon =
                        check_option(&k).map_err(|m| err(&format!("options.\"{k}\""), m))?;
                    cfg.options.push((canon, v));
                }
            }
            "per-file-ignores" => {
                let t = value
                    .as_table()
                    .ok_or_else(|| err(key, "expected a table of \"glob\" = [codes]".into()))?;
                for (glob, codes) in t {
                    let at = format!("per-file-ignores.\"{glob}\"");
                    let codes = string_list(codes).map_err(|m| err(&at, m))?;
                    check_codes(&codes, true).map_err(|m| err(&at, m))?;
                    glob_matcher(&cfg.dir, std::slice::from_ref(glob)).map_err(|m| err(&at, m))?;
                    cfg.per_file_ignores.push((glob.clone(), codes));
                }
            }
            other => {
                return Err(format!(
                    "{shown}: unknown key `{other}` (known: {})",
                    KEYS.join(", ")
                ));
            }
        }
    }
    Ok(cfg)
}

fn string_list(v: &toml::Value) -> Result<Vec<String>, String> {
    let arr = v
        .as_array()
        .ok_or_else(|| "expected a list of strings".to_string())?;
    arr.iter()
        .map(|x| {
            x.as_str()
                .map(str::to_string)
                .ok_or_else(|| format!("expected a string, found `{x}`"))
        })
        .collect()
}

fn boolean(v: &toml::Value) -> Result<bool, String> {
    v.as_bool()
        .ok_or_else(|| format!("expected true or false, found `{v}`"))
}

/// `R2.sync-timers = true` is TOML for `R2 = { sync-timers = true }`, and `R7.1.key` nests twice:
/// the dotted path is put back together and split at its last dot (option keys hold no dot).
fn flatten(t: &toml::Table, prefix: &str, out: &mut Vec<(String, Result<String, String>)>) {
    for (k, v) in t {
        let path = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::Table(inner) => flatten(inner, &path, out),
            toml::Value::String(s) => out.push((path, Ok(s.clone()))),
            toml::Value::Boolean(b) => out.push((path, Ok(b.to_string()))),
            toml::Value::Integer(i) => out.push((path, Ok(i.to_string()))),
            toml::Value::Float(f) => out.push((path, Ok(f.to_string()))),
            other => out.push((
                path,
                Err(format!(
                    "expected a string, boolean or number, found `{other}`"
                )),
            )),
        }
    }
}

/// Every entry names a transform, a code prefix (`R7`) or `ALL`; `sup` also allows the suppression code.
fn check_codes(codes: &[String], sup: bool) -> Result<(), String> {
    for c in codes {
        if sup && c.eq_ignore_ascii_case(crate::run::apply::SUPPRESSION_CODE) {
            continue;
        }
        if crate::catalog::registry::select(c).is_none() {
            return Err(format!("unknown code `{c}` (see `gofix-rt list`)"));
        }
    }
    Ok(())
}

/// Checks `CODE.key` against the option keys the rule declares; returns it with the code as the
/// registry spells it (so `r2.sync-timers` and `time-after-in-loop.sync-timers` reach R2).
pub fn check_option(key: &str) -> Result<String, String> {
    let Some((code, opt)) = key.rsplit_once('.') else {
        return Err(format!("`{key}` is not CODE.key"));
    };
    let t = crate::catalog::registry::lookup(code)
        .ok_or_else(|| format!("unknown transform `{code}` (see `gofix-rt list`)"))?;
    if !t.meta.options.iter().any(|(k, _)| *k == opt) {
        let known: Vec<&str> = t.meta.options.iter().map(|(k, _)| *k).collect();
        let has = if known.is_empty() {
            "it has no options".to_string()
        } else {
            format!("its options: {}", known.join(", "))
        };
        return Err(format!(
            "{} has no option `{opt}` ({has}; see `gofix-rt explain {}`)",
            t.meta.code, t.meta.code
        ));
    }
    Ok(format!("{}.{opt}", t.meta.code))
}

/// What the config file and the command line decide together, ready to go into `Settings`. The language
/// server and other callers get the CLI's resolution by passing `CheckArgs { paths, ..Default::default() }`.
pub struct Resolved {
    /// The config file used, if any.
    pub file: Option<PathBuf>,
    pub transforms: Vec<&'static crate::rules::transform::Transform>,
    pub unsafe_fixes: bool,
    pub go_version: Option<crate::read::version::GoVersion>,
    pub options: Vec<(String, String)>,
    pub path_rules: Option<std::sync::Arc<PathRules>>,
}

impl Resolved {
    pub fn apply_to(self, s: &mut crate::run::settings::Settings) {
        s.transforms = self.transforms;
        if self.unsafe_fixes {
            s.threshold = crate::rules::fix::Applicability::Unsafe;
        }
        s.go_version = self.go_version;
        s.options.values = self.options;
        s.path_rules = self.path_rules;
    }
}

/// The config file (unless `--isolated`) under the command line: the file's values, each flag given
/// overriding or extending its key (see docs/config.md).
pub fn resolve(args: &crate::cli::CheckArgs) -> Result<Resolved, String> {
    let cfg = find_config(args)?;
    let cfg = cfg.as_ref();
    let transforms = select_transforms(args, cfg)?;
    let unsafe_fixes = args.rules.unsafe_fixes || cfg.and_then(|c| c.unsafe_fixes).unwrap_or(false);
    let mut go_version = cfg.and_then(|c| c.go_version);
    if let Some(v) = &args.rules.go_version {
        go_version = Some(
            crate::read::version::GoVersion::parse(v)
                .ok_or_else(|| format!("--go-version: `{v}` is not a Go version like 1.22"))?,
        );
    }
    let mut options = cfg.map(|c| c.options.clone()).unwrap_or_default();
    for o in &args.rules.opts {
        let (k, v) = o
            .split_once('=')
            .ok_or_else(|| format!("--opt: `{o}` is not CODE.KEY=VALUE"))?;
        let key = check_option(k).map_err(|e| format!("--opt {o}: {e}"))?;
        // The command line overrides the file's value for the same key.
        options.retain(|(k, _)| *k != key);
        options.push((key, v.to_string()));
    }
    let mut rules = PathRules::default();
    if let Some(c) = cfg {
        rules.add_exclude(&c.dir, &c.exclude)?;
        for (glob, codes) in &c.per_file_ignores {
            rules.add_per_file_ignore(&c.dir, glob, codes)?;
        }
    }
    if !args.exclude.is_empty() {
        let cwd = std::path::absolute(".")
            .map_err(|e| format!("cannot read the current directory: {e}"))?;
        rules
            .add_exclude(&cwd, &args.exclude)
            .map_err(|e| format!("--exclude: {e}"))?;
    }
    Ok(Resolved {
        file: cfg.map(|c| c.path.clone()),
        transforms,
        unsafe_fixes,
        go_version,
        options,
        path_rules: (!rules.is_empty()).then(|| std::sync::Arc::new(rules)),
    })
}

/// The config file for a run: `--config FILE`, else the nearest one above the scanned paths (they must
/// agree: one run has one set of settings), none with `--isolated`.
fn find_config(args: &crate::cli::CheckArgs) -> Result<Option<FileConfig>, String> {
    if args.isolated {
        return Ok(None);
    }
    if let Some(p) = &args.config {
        return load(p).map(Some);
    }
    let dot = [PathBuf::from(".")];
    let paths: &[PathBuf] = if args.paths.is_empty() {
        &dot
    } else {
        &args.paths
    };
    let found: Vec<Option<PathBuf>> = paths.iter().map(|p| discover(p)).collect();
    if let Some(i) = found.iter().position(|f| *f != found[0]) {
        let shown = |f: &Option<PathBuf>| {
            f.as_deref()
                .map_or("no config file".into(), crate::read::walk::display_path)
        };
        return Err(format!(
            "`{}` uses {} but `{}` uses {}: run them separately, or name one with --config",
            paths[0].display(),
            shown(&found[0]),
            paths[i].display(),
            shown(&found[i])
        ));
    }
    found[0].as_deref().map(load).transpose()
}

/// Resolves `--select`/`--ignore` entries (codes, names, prefixes such as `R7`, `ALL`). A prefix brings in
/// preview rules only with `--preview` (as ruff does); a rule named exactly always runs.
fn resolve_selection(
    keys: &[String],
    preview: bool,
    profile: bool,
) -> Result<Vec<&'static crate::rules::transform::Transform>, String> {
    let mut out: Vec<&'static crate::rules::transform::Transform> = vec![];
    for k in keys {
        let found = crate::catalog::registry::select(k)
            .ok_or_else(|| format!("unknown transform `{k}` (see `gofix-rt list`)"))?;
        let group = crate::catalog::registry::is_group(k);
        for t in found {
            let wanted = !group
                || preview
                || !crate::catalog::registry::is_preview(t)
                || profile && t.meta.tier == crate::rules::transform::Tier::BehindProfile;
            if wanted && !out.iter().any(|o| std::ptr::eq(*o, t)) {
                out.push(t);
            }
        }
    }
    Ok(out)
}

/// The command line's `--select` replaces the file's `select` and `ignore`; `--ignore` adds to the file's.
fn select_transforms(
    args: &crate::cli::CheckArgs,
    cfg: Option<&FileConfig>,
) -> Result<Vec<&'static crate::rules::transform::Transform>, String> {
    let preview = args.rules.preview || cfg.and_then(|c| c.preview).unwrap_or(false);
    let profile = args.profile.is_some();
    let (select, mut ignore) = if args.rules.select.is_empty() {
        (
            cfg.and_then(|c| c.select.clone()).unwrap_or_default(),
            cfg.map(|c| c.ignore.clone()).unwrap_or_default(),
        )
    } else {
        (args.rules.select.clone(), vec![])
    };
    ignore.extend(args.rules.ignore.iter().cloned());
    let selected = if select.is_empty() {
        crate::catalog::registry::default_selection(preview, profile)
    } else {
        resolve_selection(&select, preview, profile)?
    };
    let ignored = resolve_selection(&ignore, true, profile)?;
    Ok(selected
        .into_iter()
        .filter(|t| !ignored.iter().any(|i| std::ptr::eq(*i, *t)))
        .collect())
}

/// `gofix-rt config` / `--show-settings`: the settings a run on these paths uses, as TOML a config file
/// could hold (plus the file they came from).
pub fn show(s: &crate::run::settings::Settings, file: Option<&Path>) -> String {
    let quote = |v: &str| format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""));
    let list = |items: &mut dyn Iterator<Item = String>| {
        let v: Vec<String> = items.map(|i| quote(&i)).collect();
        format!("[{}]", v.join(", "))
    };
    let mut out = String::new();
    out.push_str(&format!(
        "# config file: {}\n",
        file.map_or("none".into(), crate::read::walk::display_path)
    ));
    let mut codes: Vec<&str> = s.transforms.iter().map(|t| t.meta.code).collect();
    codes.sort_by_key(|c| crate::catalog::registry::code_order(c));
    out.push_str("# the rules this run uses, after select, ignore and preview\n");
    out.push_str(&format!(
        "select = {}\n",
        list(&mut codes.iter().map(|c| c.to_string()))
    ));
    out.push_str(&format!(
        "unsafe-fixes = {}\n",
        s.threshold == crate::rules::fix::Applicability::Unsafe
    ));
    match s.go_version {
        Some(v) => out.push_str(&format!("go-version = {}\n", quote(&v.to_string()))),
        None => out.push_str("# go-version: from each module's go.mod\n"),
    }
    let rules = s.path_rules.as_deref();
    out.push_str(&format!(
        "exclude = {}\n",
        list(
            &mut rules
                .into_iter()
                .flat_map(|r| r.exclude_globs().map(String::from))
        )
    ));
    out.push_str("\n[options]\n");
    for (k, v) in &s.options.values {
        out.push_str(&format!("{} = {}\n", quote(k), quote(v)));
    }
    out.push_str("\n[per-file-ignores]\n");
    for (g, c) in rules.into_iter().flat_map(|r| r.per_file_globs()) {
        out.push_str(&format!(
            "{} = {}\n",
            quote(g),
            list(&mut c.iter().cloned())
        ));
    }
    out
}
