//! A unified diff that `git apply` accepts: `a/` and `b/` headers with the printed paths, three lines of
//! context, the "no newline" marker where needed. New files are diffed against /dev/null.

use crate::engine::FileChange;
use similar::TextDiff;

pub fn render(changes: &[FileChange]) -> String {
    let mut out = String::new();
    for c in changes {
        out.push_str(&render_one(c));
    }
    out
}

pub fn render_one(c: &FileChange) -> String {
    let old = String::from_utf8_lossy(c.original.as_deref().unwrap_or_default()).into_owned();
    let new = String::from_utf8_lossy(&c.new).into_owned();
    let diff = TextDiff::from_lines(&old, &new);
    let (a, b) = match c.original {
        Some(_) => (format!("a/{}", c.display), format!("b/{}", c.display)),
        None => ("/dev/null".to_string(), format!("b/{}", c.display)),
    };
    let body = diff
        .unified_diff()
        .context_radius(3)
        .missing_newline_hint(true)
        .header(&a, &b)
        .to_string();
    let mut out = format!("diff --git a/{0} b/{0}\n", c.display);
    if c.original.is_none() {
        out.push_str("new file mode 100644\n");
    }
    out.push_str(&body);
    out
}
