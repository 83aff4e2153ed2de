//! Where the code runs: is this package test support rather than production code? Test helpers live
//! outside `_test.go` files too (`httptest`, `testutil`, an `e2e/` tree, the `testing` package itself), and
//! what a runtime rule says about production paths (a forced GC, a yield, a pinned thread) is their job
//! there: provoking interleavings, measuring, isolating. Rules ask this next to their `_test.go` check.

use crate::package::{Package, PkgFile};

/// Package names that say "test support": `testing`, `*test` (`fstest`, `checktest`), `testutil(s)`,
/// `testhelper(s)`, `testenv`, `*testing`, and benchmark harnesses (`benchmark`, `*bench`).
fn test_support_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    (n.ends_with("test") && !ENGLISH_TEST_WORDS.contains(&n.as_str()))
        || n.ends_with("testing")
        || n.ends_with("bench")
        || n.ends_with("benchmark")
        || n.ends_with("benchmarks")
        || [
            "testutil",
            "testutils",
            "testhelper",
            "testhelpers",
            "testenv",
        ]
        .contains(&n.as_str())
}

/// Words that end in "test" and are not about tests.
const ENGLISH_TEST_WORDS: &[&str] = &[
    "latest", "contest", "attest", "protest", "detest", "greatest", "fastest", "shortest",
    "nearest", "longest", "smallest", "biggest", "largest", "highest", "lowest", "newest",
    "oldest", "earliest",
];

/// Directory names (below the module root) that hold test trees.
const TEST_DIRS: &[&str] = &[
    "e2e",
    "integration",
    "integration-tests",
    "tests",
    "testutil",
    "testutils",
    "testing",
    "benchmarks",
];

/// Is `file` in a test-support package: named for it, or under a test directory of its module?
pub fn in_test_support(pkg: &Package, file: &PkgFile) -> bool {
    if file
        .package_name()
        .is_some_and(|n| test_support_name(n.trim_end_matches("_test")))
    {
        return true;
    }
    let rel = pkg
        .module
        .root
        .as_ref()
        .and_then(|root| pkg.dir.strip_prefix(root).ok());
    rel.is_some_and(|rel| {
        rel.components().any(|c| {
            let c = c.as_os_str().to_string_lossy().to_ascii_lowercase();
            TEST_DIRS.contains(&c.as_str())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::test_support_name;

    #[test]
    fn names_of_test_support() {
        for n in [
            "testing",
            "httptest",
            "checktest",
            "testutil",
            "testenv",
            "benchmark",
            "xtesting",
        ] {
            assert!(test_support_name(n), "{n}");
        }
        for n in [
            "server",
            "latest",
            "contest",
            "attestation",
            "http",
            "testify",
        ] {
            assert!(!test_support_name(n), "{n}");
        }
    }
}
