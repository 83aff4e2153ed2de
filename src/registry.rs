//! Looking transforms up by code or name, and their compiled queries (compiled once per process).

use crate::transform::Transform;
use crate::transforms::ALL;
use std::sync::OnceLock;
use tree_sitter::Query;

pub fn all() -> &'static [&'static Transform] {
    ALL
}

/// Finds a transform by code (`R2`, case-insensitive) or name (`time-after-in-loop`).
pub fn lookup(key: &str) -> Option<&'static Transform> {
    ALL.iter()
        .copied()
        .find(|t| t.meta.code.eq_ignore_ascii_case(key) || t.meta.name == key)
}

fn index_of(t: &Transform) -> usize {
    ALL.iter()
        .position(|x| std::ptr::eq(*x, t))
        .expect("transform is registered")
}

/// The compiled query of a registered transform. A query that does not compile against the pinned grammar
/// is a bug caught by the registry test; at run time it panics in the worker and is reported as internal.
pub fn query(t: &Transform) -> &'static Query {
    static QUERIES: OnceLock<Vec<Result<Query, String>>> = OnceLock::new();
    let qs = QUERIES.get_or_init(|| {
        ALL.iter()
            .map(|t| {
                Query::new(&crate::syntax::language(), t.query)
                    .map_err(|e| format!("{}: {e}", t.meta.code))
            })
            .collect()
    });
    match &qs[index_of(t)] {
        Ok(q) => q,
        Err(e) => panic!("query does not compile: {e}"),
    }
}
