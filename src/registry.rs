//! Looking transforms up by code or name, and their compiled queries (compiled once per process).

use crate::transform::Transform;
use crate::transforms::ALL;
use std::collections::HashMap;
use std::sync::{OnceLock, RwLock};
use tree_sitter::Query;

pub fn all() -> &'static [&'static Transform] {
    ALL
}

/// Is `t` a preview rule (off unless `--preview` or selected by name)?
pub fn is_preview(t: &Transform) -> bool {
    crate::transforms::PREVIEW.contains(&t.meta.code)
}

/// The transforms a run uses when none is named: every stable one, plus preview ones on request.
pub fn default_selection(preview: bool) -> Vec<&'static Transform> {
    ALL.iter()
        .copied()
        .filter(|t| preview || !is_preview(t))
        .collect()
}

/// Finds a transform by code (`R2`, case-insensitive) or name (`time-after-in-loop`).
pub fn lookup(key: &str) -> Option<&'static Transform> {
    ALL.iter()
        .copied()
        .find(|t| t.meta.code.eq_ignore_ascii_case(key) || t.meta.name == key)
}

/// The compiled query of a transform, compiled on first use and kept for the process (queries are
/// immutable and shareable across threads). A query that does not compile against the pinned grammar is a
/// bug the registry test catches; at run time it panics in the worker and is reported as internal.
pub fn query(t: &Transform) -> &'static Query {
    static CACHE: OnceLock<RwLock<HashMap<(usize, usize), &'static Query>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let key = (t.query.as_ptr() as usize, t.query.len());
    if let Some(q) = cache.read().expect("query cache lock").get(&key) {
        return q;
    }
    let compiled = Query::new(&crate::syntax::language(), t.query)
        .unwrap_or_else(|e| panic!("query of {} does not compile: {e}", t.meta.code));
    let leaked: &'static Query = Box::leak(Box::new(compiled));
    cache
        .write()
        .expect("query cache lock")
        .entry(key)
        .or_insert(leaked)
}
