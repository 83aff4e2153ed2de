//! What `--branch` prints on stdout: each branch made, its commits, and the command to review it.

use crate::git::branch::BranchRun;
use std::fmt::Write;

pub fn render(run: &BranchRun) -> String {
    let mut s = String::new();
    if run.branches.is_empty() {
        s.push_str("nothing to fix; no branch made\n");
        return s;
    }
    for b in &run.branches {
        let _ = writeln!(
            s,
            "branch {}: {} commit{} on {}",
            b.name,
            b.commits.len(),
            if b.commits.len() == 1 { "" } else { "s" },
            run.base
        );
        for c in &b.commits {
            let _ = writeln!(
                s,
                "  {} {}",
                c.id,
                crate::git::commit_message::subject(c.transform, c.sites)
            );
        }
        let _ = writeln!(s, "  review: git diff HEAD...{}", b.name);
    }
    s
}
