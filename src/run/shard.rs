//! `--shard I/N`: a deterministic split of the packages (directories) so N CI jobs together cover a tree
//! exactly once. A directory belongs to shard `fnv1a(path relative to its scan root) % N + 1`; FNV-1a is
//! fixed by its definition (std's hasher is seeded per process), so every job computes the same split.

use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1-based, as typed.
    pub index: u64,
    pub count: u64,
}

impl Shard {
    /// Parses `I/N` with 1 <= I <= N.
    pub fn parse(s: &str) -> Result<Shard, String> {
        let bad = || format!("--shard: `{s}` is not I/N with 1 <= I <= N (e.g. 2/8)");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u64 = i.trim().parse().map_err(|_| bad())?;
        let count: u64 = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// Does this shard own the directory `rel` (relative to its scan root)?
    pub fn owns(&self, rel: &Path) -> bool {
        shard_of(rel, self.count) == self.index
    }
}

/// The 1-based shard of a directory, from its path relative to the scan root with `/` separators (so
/// Windows and Unix jobs agree) and no leading `./`; the root itself is the empty path.
pub fn shard_of(rel: &Path, count: u64) -> u64 {
    let parts = crate::read::walk::normal_parts(rel);
    fnv1a(parts.join("/").as_bytes()) % count + 1
}

/// 64-bit FNV-1a.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The directories files are found under: a directory root itself, a file root's parent.
pub fn root_dirs(paths: &[PathBuf]) -> Vec<PathBuf> {
    paths
        .iter()
        .map(|r| {
            if r.is_file() {
                r.parent().map(Path::to_path_buf).unwrap_or_default()
            } else {
                r.clone()
            }
        })
        .collect()
}

/// The directory relative to the innermost root directory containing it.
pub fn relative_to_roots<'a>(dir: &'a Path, roots: &[PathBuf]) -> &'a Path {
    roots
        .iter()
        .filter_map(|r| dir.strip_prefix(r).ok())
        .min_by_key(|rel| rel.components().count())
        .unwrap_or(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_reference_vectors() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn parse_accepts_only_one_based_indexes_within_count() {
        assert_eq!(Shard::parse("2/8"), Ok(Shard { index: 2, count: 8 }));
        for bad in ["0/3", "4/3", "1/0", "1", "a/b", "1/3/4"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_split_ignores_leading_dot_and_separators() {
        assert_eq!(
            shard_of(Path::new("./a/b"), 7),
            shard_of(Path::new("a/b"), 7)
        );
        let roots = vec![PathBuf::from("src"), "src/x".into()];
        assert_eq!(
            relative_to_roots(Path::new("src/x/y"), &roots),
            Path::new("y")
        );
    }
}
