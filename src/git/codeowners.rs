//! CODEOWNERS as the forges read it: the first of `.github/CODEOWNERS`, `CODEOWNERS`, `docs/CODEOWNERS`;
//! one `pattern owner…` rule a line; gitignore-style patterns; the last matching rule wins (a rule with no
//! owners makes a path unowned again).

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use std::path::{Path, PathBuf};

/// Where the forges look, in the order they look.
pub const LOCATIONS: &[&str] = &[".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"];

pub struct CodeOwners {
    root: PathBuf,
    rules: Vec<Rule>,
}

struct Rule {
    matcher: Gitignore,
    /// `dir/*` covers the files directly in `dir` only (GitHub's reading, unlike gitignore's).
    direct_children_only: bool,
    owners: Vec<String>,
}

impl CodeOwners {
    /// Parses `text`; a pattern the gitignore syntax rejects is skipped (the forges flag it as an error and
    /// ignore it too).
    pub fn parse(text: &str) -> CodeOwners {
        // Matching is on repository paths; a fixed fake root keeps the matcher's prefix handling out of the way.
        let root = PathBuf::from("/codeowners-root");
        let mut rules = vec![];
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut words = line.split_whitespace();
            let Some(pattern) = words.next() else {
                continue;
            };
            // Negation is not part of CODEOWNERS syntax.
            if pattern.starts_with('!') {
                continue;
            }
            let owners: Vec<String> = words
                .take_while(|w| !w.starts_with('#'))
                .map(str::to_string)
                .collect();
            let mut b = GitignoreBuilder::new(&root);
            if b.add_line(None, pattern).is_err() {
                continue;
            }
            if let Ok(matcher) = b.build() {
                rules.push(Rule {
                    matcher,
                    direct_children_only: pattern.ends_with("/*"),
                    owners,
                });
            }
        }
        CodeOwners { root, rules }
    }

    /// The owners of a repository path (`a/b.go`), from the last rule that matches it or a directory above it.
    pub fn owners(&self, repo_path: &str) -> &[String] {
        let p = self.root.join(repo_path);
        self.rules
            .iter()
            .rev()
            .find(|r| {
                if r.direct_children_only {
                    r.matcher.matched(&p, false).is_ignore()
                } else {
                    r.matcher.matched_path_or_any_parents(&p, false).is_ignore()
                }
            })
            .map_or(&[], |r| r.owners.as_slice())
    }
}

/// The CODEOWNERS file that applies, read by `read` (a repository path → its bytes, if the file exists).
pub fn find(read: impl Fn(&Path) -> Option<Vec<u8>>) -> Option<CodeOwners> {
    LOCATIONS.iter().find_map(|loc| {
        read(Path::new(loc)).map(|b| CodeOwners::parse(&String::from_utf8_lossy(&b)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: &str = "\
# default owner
*       @org/core
*.md    @org/docs
/api/   @org/api  @alice
apps/   @org/apps
docs/*  @org/docs-top
**/logs @org/ops
/api/internal/generated
";

    fn owners(path: &str) -> Vec<String> {
        CodeOwners::parse(RULES).owners(path).to_vec()
    }

    #[test]
    fn the_last_matching_rule_wins() {
        assert_eq!(owners("main.go"), ["@org/core"]);
        assert_eq!(owners("README.md"), ["@org/docs"]);
        assert_eq!(owners("api/server.go"), ["@org/api", "@alice"]);
        assert_eq!(owners("api/v1/x.go"), ["@org/api", "@alice"]);
        // An anchored directory matches only at the root; an unanchored one at any depth.
        assert_eq!(owners("svc/api/x.go"), ["@org/core"]);
        assert_eq!(owners("svc/apps/x.go"), ["@org/apps"]);
        // `docs/*` covers the files directly in docs/, not those further down.
        assert_eq!(owners("docs/a.go"), ["@org/docs-top"]);
        assert_eq!(owners("docs/deep/a.go"), ["@org/core"]);
        assert_eq!(owners("x/logs/y.go"), ["@org/ops"]);
        // A rule without owners makes the path unowned.
        assert!(owners("api/internal/generated/z.go").is_empty());
    }

    #[test]
    fn the_first_location_found_is_used() {
        let co = find(|p| (p == Path::new("CODEOWNERS")).then(|| b"* @root\n".to_vec())).unwrap();
        assert_eq!(co.owners("a.go"), ["@root"]);
        assert!(find(|_| None).is_none());
    }
}
