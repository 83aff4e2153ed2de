//! Profile-guided mode (`--profile FILE`): a pprof CPU profile is read once per run; each finding gets the
//! flat and cumulative share of its enclosing function, `--min-hot` gates the behind-a-profile rules on
//! that share, and a signature summary tells how much time the runtime spends in the costs the rules
//! address (`signature`).

mod decode;
pub mod names;
pub mod signature;
mod wire;

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

/// How hot a finding's enclosing function is, in percent of the profile's total.
#[derive(Debug, Clone, PartialEq)]
pub struct Heat {
    /// The pprof name of the enclosing function, or the package's name for a finding outside functions.
    pub function: String,
    pub flat: f64,
    pub cum: f64,
}

impl Eq for Heat {}

#[derive(Debug, Clone, Default)]
struct FuncStat {
    filename: String,
    flat: i64,
    cum: i64,
}

/// A decoded CPU profile, reduced to per-function shares and the signature table.
pub struct Profile {
    /// The path as given on the command line.
    pub path: PathBuf,
    /// The file's bytes as read (what a `default.pgo` copy holds).
    pub bytes: Vec<u8>,
    /// The sample type the shares are computed on (`cpu/nanoseconds`, or `samples/count`).
    pub value_type: String,
    /// Sum of that value over all samples.
    pub total: i64,
    pub sample_count: usize,
    funcs: HashMap<String, Vec<FuncStat>>,
    /// Per directory of a Function.filename: the value of the samples with a frame there (counted once).
    dirs: HashMap<String, i64>,
    pub signatures: Vec<signature::SignatureStat>,
}

impl std::fmt::Debug for Profile {
    /// The summary only: the bytes and tables of a large profile are not worth printing.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Profile")
            .field("path", &self.path)
            .field("bytes", &self.bytes.len())
            .field("value_type", &self.value_type)
            .field("total", &self.total)
            .field("sample_count", &self.sample_count)
            .field("functions", &self.funcs.len())
            .finish()
    }
}

impl Profile {
    /// Reads `path` (gzipped or raw profile.proto). Errors are one line that names the file.
    pub fn load(path: &Path) -> Result<Profile, String> {
        let bytes = std::fs::read(path)
            .map_err(|e| format!("--profile {}: cannot read: {e}", path.display()))?;
        Profile::from_bytes(path, bytes)
    }

    pub fn from_bytes(path: &Path, bytes: Vec<u8>) -> Result<Profile, String> {
        let fail = |m: String| format!("--profile {}: {m}", path.display());
        let raw;
        let proto: &[u8] = if bytes.starts_with(&[0x1f, 0x8b]) {
            let mut out = Vec::with_capacity(bytes.len() * 4);
            flate2::read::MultiGzDecoder::new(&bytes[..])
                .read_to_end(&mut out)
                .map_err(|e| fail(format!("not a valid gzipped profile ({e})")))?;
            raw = out;
            &raw
        } else {
            &bytes
        };
        let d = decode::decode(proto).map_err(fail)?;
        let Some(vi) = d
            .sample_types
            .iter()
            .position(|t| t == "cpu")
            .or_else(|| d.sample_types.iter().position(|t| t == "samples"))
        else {
            let kinds = if d.sample_types.is_empty() {
                "none".to_string()
            } else {
                d.sample_types.join(", ")
            };
            return Err(fail(format!(
                "not a CPU profile (sample types: {kinds}); use one from `go test -cpuprofile` or /debug/pprof/profile"
            )));
        };
        let mut p = Profile {
            path: path.to_path_buf(),
            bytes: vec![],
            value_type: d.sample_types[vi].clone(),
            total: 0,
            sample_count: d.sample_count(),
            funcs: HashMap::new(),
            dirs: HashMap::new(),
            signatures: vec![],
        };
        p.aggregate(&d, vi).map_err(fail)?;
        p.bytes = bytes;
        Ok(p)
    }

    fn aggregate(&mut self, d: &decode::Decoded<'_>, vi: usize) -> Result<(), String> {
        // Per function index: its stat slot, the last sample that counted it (cum counts once per sample).
        let mut flat = vec![0i64; d.functions.len()];
        let mut cum = vec![0i64; d.functions.len()];
        let mut seen = vec![usize::MAX; d.functions.len()];
        let dir_of: Vec<String> = d
            .functions
            .iter()
            .map(|f| {
                f.filename
                    .rsplit_once('/')
                    .map_or("", |(a, _)| a)
                    .to_string()
            })
            .collect();
        let mut dir_ids: HashMap<&str, usize> = HashMap::new();
        let fdir: Vec<usize> = dir_of
            .iter()
            .map(|s| {
                let n = dir_ids.len();
                *dir_ids.entry(s.as_str()).or_insert(n)
            })
            .collect();
        let mut dir_cum = vec![0i64; dir_ids.len()];
        let mut dir_seen = vec![usize::MAX; dir_ids.len()];
        let mut sig = signature::Collector::new(&d.functions);
        let mut si = 0usize;
        let mut total = 0i64;
        let mut stack = vec![];
        d.for_each_sample(vi, |locs, v| {
            total += v;
            let mut leaf = true;
            let mut has_sig = false;
            for loc in locs {
                for fr in *loc {
                    let f = fr.function as usize;
                    if leaf {
                        flat[f] += v;
                        leaf = false;
                    }
                    if seen[f] != si {
                        seen[f] = si;
                        cum[f] += v;
                    }
                    let di = fdir[f];
                    if dir_seen[di] != si {
                        dir_seen[di] = si;
                        dir_cum[di] += v;
                    }
                    has_sig |= sig.is_signature(fr.function);
                }
            }
            // The whole stack is needed only to find the call sites of a signature.
            if has_sig {
                stack.clear();
                for loc in locs {
                    stack.extend_from_slice(loc);
                }
                sig.sample(&stack, v);
            }
            si += 1;
        })?;
        self.total = total;
        for (i, f) in d.functions.iter().enumerate() {
            if flat[i] == 0 && cum[i] == 0 {
                continue;
            }
            let list = self.funcs.entry(f.name.clone()).or_default();
            match list.iter_mut().find(|s| s.filename == f.filename) {
                Some(s) => {
                    // The same function under two ids (several mappings): add up.
                    s.flat += flat[i];
                    s.cum += cum[i];
                }
                None => list.push(FuncStat {
                    filename: f.filename.clone(),
                    flat: flat[i],
                    cum: cum[i],
                }),
            }
        }
        for (dir, id) in dir_ids {
            self.dirs.insert(dir.to_string(), dir_cum[id]);
        }
        self.signatures = sig.finish();
        Ok(())
    }

    /// `value` as a percentage of the total.
    pub fn percent(&self, value: i64) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            value as f64 * 100.0 / self.total as f64
        }
    }

    /// The shares of function `name` (a pprof name as `names` computes it) of the package in `dir`
    /// (`import_path` is how `-trimpath` builds record its files). A `main.*` name is matched by its file's
    /// directory when the profile holds several main packages.
    pub fn heat(&self, name: &str, dir: &Path, import_path: Option<&str>) -> Heat {
        let mut flat = 0;
        let mut cum = 0;
        // `go test` builds a main package under its import path: `main.F` is `example.com/m/cmd/x.F` there.
        let alt = import_path
            .zip(name.strip_prefix("main."))
            .map(|(ip, rest)| format!("{ip}.{rest}"));
        if let Some(list) = alt.as_ref().and_then(|a| self.funcs.get(a)) {
            for s in list {
                flat += s.flat;
                cum += s.cum;
            }
        }
        if let Some(list) = self.funcs.get(name) {
            let several = list
                .iter()
                .any(|s| file_dir(&s.filename) != file_dir(&list[0].filename));
            let abs = std::fs::canonicalize(dir).ok();
            for s in list {
                if name.starts_with("main.")
                    && several
                    && !in_dir(&s.filename, abs.as_deref(), import_path)
                {
                    continue;
                }
                flat += s.flat;
                cum += s.cum;
            }
        }
        Heat {
            function: name.to_string(),
            flat: self.percent(flat),
            cum: self.percent(cum),
        }
    }

    /// The share of the samples with a frame in a file of the package in `dir` (for findings outside any
    /// function, such as a package-level advisory); `label` names the package in the report.
    pub fn package_heat(&self, label: &str, dir: &Path, import_path: Option<&str>) -> Heat {
        let abs = std::fs::canonicalize(dir).ok();
        let mut cum = 0;
        for (d, v) in &self.dirs {
            if abs.as_deref().is_some_and(|a| Path::new(d) == a) || import_path == Some(d.as_str())
            {
                cum += v;
            }
        }
        Heat {
            function: label.to_string(),
            flat: 0.0,
            cum: self.percent(cum),
        }
    }

    /// Does the profile hold samples of functions of the main package in `dir`? Matched by file
    /// directory, or by `main.*` names when the profile holds exactly one main package.
    pub fn samples_main_package(&self, dir: &Path, import_path: Option<&str>) -> bool {
        if self.package_heat("", dir, import_path).cum > 0.0 {
            return true;
        }
        if let Some(ip) = import_path {
            let prefix = format!("{ip}.");
            if self
                .funcs
                .keys()
                .any(|n| n.strip_prefix(&prefix).is_some_and(|r| !r.contains('/')))
            {
                return true;
            }
        }
        let mains: std::collections::HashSet<&str> = self
            .funcs
            .iter()
            .filter(|(n, _)| n.starts_with("main."))
            .flat_map(|(_, l)| l.iter().map(|s| file_dir(&s.filename)))
            .collect();
        mains.len() == 1
    }
}

fn file_dir(filename: &str) -> &str {
    filename.rsplit_once('/').map_or("", |(a, _)| a)
}

fn in_dir(filename: &str, abs: Option<&Path>, import_path: Option<&str>) -> bool {
    let d = file_dir(filename);
    abs.is_some_and(|a| Path::new(d) == a) || import_path == Some(d)
}

/// The heat of a finding at `offset` of `file`: its enclosing function's shares, or the package's share
/// for a finding outside any function.
pub fn heat_of(
    profile: &Profile,
    pkg: &crate::semantic::package::Package,
    file: usize,
    offset: usize,
) -> Heat {
    let import_path = pkg.module.import_path(&pkg.dir);
    match names::enclosing_name(pkg, file, offset) {
        Some(name) => profile.heat(&name, &pkg.dir, import_path.as_deref()),
        None => {
            let label = names::package_prefix(pkg).unwrap_or_else(|| pkg.name.clone());
            profile.package_heat(&label, &pkg.dir, import_path.as_deref())
        }
    }
}

/// ` (cum 34.1%, flat 2.0% in pkg.F)`, appended to a text finding line.
pub fn heat_suffix(h: &Heat) -> String {
    format!(
        " (cum {:.1}%, flat {:.1}% in {})",
        h.cum, h.flat, h.function
    )
}
