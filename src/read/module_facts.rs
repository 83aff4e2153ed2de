//! Facts about a module's other files (its Go files on disk, go.sum), computed at most once per module
//! and only when a rule first asks: a module whose packages no rule asks about is never walked. Rules
//! ask `cx.pkg.module.facts()`; the engine owns the walk and the reads.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

type Slot = Arc<OnceLock<Arc<dyn Any + Send + Sync>>>;

/// The lazily computed facts of one module. Clones share the cache.
#[derive(Clone, Default)]
pub struct ModuleFacts {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    root: Option<PathBuf>,
    /// One slot per fact type; the map lock is held only to find the slot, so a scan of one fact never
    /// blocks another.
    slots: Mutex<HashMap<TypeId, Slot>>,
    go_sum: OnceLock<Option<String>>,
    go_debug: OnceLock<Vec<(String, String)>>,
    /// Package directories read for a rule's question about another package, by module-relative path.
    dirs: Mutex<HashMap<String, Arc<PackageDir>>>,
}

/// One directory of the module read as a package, for questions about a package other than the one a rule
/// is looking at: its non-test `.go` files and the names of its other files.
#[derive(Default, Debug)]
pub struct PackageDir {
    pub go_files: Vec<(String, Vec<u8>)>,
    pub other_files: Vec<String>,
}

impl std::fmt::Debug for ModuleFacts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ModuleFacts")
    }
}

/// A cache, not part of what a module is: two modules with equal go.mod are equal.
impl PartialEq for ModuleFacts {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
impl Eq for ModuleFacts {}

impl ModuleFacts {
    pub fn new(root: Option<PathBuf>) -> ModuleFacts {
        ModuleFacts {
            inner: Arc::new(Inner {
                root,
                ..Inner::default()
            }),
        }
    }

    /// The text of the module's go.sum, if it has one.
    pub fn go_sum(&self) -> Option<&str> {
        self.inner
            .go_sum
            .get_or_init(|| {
                let root = self.inner.root.as_ref()?;
                std::fs::read_to_string(root.join("go.sum")).ok()
            })
            .as_deref()
    }

    /// The `key=value` settings of every `//go:debug` line in the module's Go files, in walk order.
    pub fn go_debug_settings(&self) -> &[(String, String)] {
        self.inner.go_debug.get_or_init(|| {
            let mut settings = vec![];
            self.files().for_each_go_file(|_, bytes| {
                if memchr::memmem::find(bytes, b"//go:debug").is_some()
                    && let Ok(text) = std::str::from_utf8(bytes)
                {
                    settings.extend(go_debug_lines(text));
                }
                ControlFlow::Continue(())
            });
            settings
        })
    }

    /// The module's package directory `rel` (relative to the module root, `/`-separated), read once per
    /// module; empty when the module has no root or the directory cannot be read.
    pub fn package_dir(&self, rel: &str) -> Arc<PackageDir> {
        if let Some(d) = self.lock_dirs().get(rel) {
            return d.clone();
        }
        let dir = Arc::new(self.read_package_dir(rel));
        self.lock_dirs().insert(rel.to_string(), dir.clone());
        dir
    }

    fn lock_dirs(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<PackageDir>>> {
        self.inner.dirs.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn read_package_dir(&self, rel: &str) -> PackageDir {
        let mut out = PackageDir::default();
        let Some(root) = &self.inner.root else {
            return out;
        };
        let Ok(entries) = std::fs::read_dir(root.join(rel)) else {
            return out;
        };
        for e in entries.flatten() {
            if !e.file_type().is_ok_and(|t| t.is_file()) {
                continue;
            }
            let name = e.file_name().to_string_lossy().to_string();
            if name.starts_with('_') || name.starts_with('.') {
                continue;
            }
            if !name.ends_with(".go") {
                out.other_files.push(name);
            } else if !name.ends_with("_test.go")
                && let Ok(bytes) = std::fs::read(e.path())
            {
                out.go_files.push((name, bytes));
            }
        }
        out.go_files.sort();
        out.other_files.sort();
        out
    }

    /// A rule's own module-wide fact `T`, computed once per module by `compute` over the module's files.
    /// Blocks while another thread computes the same fact, so the walk happens once.
    pub fn get<T: Any + Send + Sync + Clone>(&self, compute: fn(&ModuleFiles<'_>) -> T) -> T {
        let slot = {
            let mut slots = self.inner.slots.lock().unwrap_or_else(|e| e.into_inner());
            slots.entry(TypeId::of::<T>()).or_default().clone()
        };
        let value = slot.get_or_init(|| Arc::new(compute(&self.files())));
        value
            .downcast_ref::<T>()
            .expect("slot keyed by its type")
            .clone()
    }

    fn files(&self) -> ModuleFiles<'_> {
        ModuleFiles {
            root: self.inner.root.as_deref(),
        }
    }
}

/// The `key=value` pairs of the `//go:debug` lines of one file.
fn go_debug_lines(text: &str) -> impl Iterator<Item = (String, String)> + '_ {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("//go:debug "))
        .flat_map(|rest| rest.split(','))
        .filter_map(|kv| {
            kv.split_once('=')
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        })
}

/// The module's Go files as the go tool sees them (§0.2), for computing a module fact.
pub struct ModuleFiles<'a> {
    root: Option<&'a Path>,
}

impl ModuleFiles<'_> {
    /// Calls `f` with the name and bytes of every Go file of the module: no vendor, testdata, `_` or `.`
    /// directories or files, no nested modules; like `./...`, directory symlinks are not followed.
    /// Stops when `f` breaks.
    pub fn for_each_go_file(&self, f: impl FnMut(&str, &[u8]) -> ControlFlow<()>) {
        self.for_each_file(|name| name.ends_with(".go"), f);
    }

    /// `for_each_go_file` for the files whose base name `wants` accepts (build files: `Dockerfile`,
    /// deployment manifests), in the same directories.
    pub fn for_each_file(
        &self,
        wants: impl Fn(&str) -> bool,
        mut f: impl FnMut(&str, &[u8]) -> ControlFlow<()>,
    ) {
        let Some(root) = self.root else { return };
        let mut stack = vec![root.to_path_buf()];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().to_string();
                let path = e.path();
                let Ok(ft) = e.file_type() else { continue };
                if ft.is_dir() {
                    if !crate::read::walk::is_excluded_dir(&name) && !path.join("go.mod").exists() {
                        stack.push(path);
                    }
                    continue;
                }
                if !wants(&name) || name.starts_with('_') || name.starts_with('.') {
                    continue;
                }
                let Ok(bytes) = std::fs::read(&path) else {
                    continue;
                };
                if f(&name, &bytes).is_break() {
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_debug_lines_split_settings() {
        let got: Vec<_> =
            go_debug_lines("//go:debug asynctimerchan=1, default=go1.21\npackage p\n").collect();
        assert_eq!(
            got,
            vec![
                ("asynctimerchan".to_string(), "1".to_string()),
                ("default".to_string(), "go1.21".to_string())
            ]
        );
    }

    #[derive(Clone, PartialEq, Debug)]
    struct Count(usize);

    #[test]
    fn facts_without_a_root_see_no_files() {
        let facts = ModuleFacts::new(None);
        let count = facts.get(|files| {
            let mut n = 0;
            files.for_each_go_file(|_, _| {
                n += 1;
                ControlFlow::Continue(())
            });
            Count(n)
        });
        assert_eq!(count, Count(0));
        assert!(facts.go_sum().is_none());
        assert!(facts.go_debug_settings().is_empty());
    }
}
