//! What `explain` prints (each transform's `//!` header) cites sources a user can read: Go release notes,
//! the runtime and standard library source, their documentation, issues. Not the project's internal
//! spec or the product owner's decisions, which ship with neither the binary nor the repository.

#[test]
fn explain_texts_cite_only_public_sources() {
    let internal = ["go-semantics", "§", "owner's decision", "the seeds"];
    let mut bad = vec![];
    for t in gofix_rt::catalog::registry::all() {
        let doc = gofix_rt::catalog::docs::doc(t);
        assert!(!doc.is_empty(), "{} has no explain text", t.meta.code);
        for (n, line) in doc.lines().enumerate() {
            if internal.iter().any(|w| line.contains(w)) {
                bad.push(format!("{} line {}: {line}", t.meta.code, n + 1));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "internal citations in explain texts:\n{}",
        bad.join("\n")
    );
}
