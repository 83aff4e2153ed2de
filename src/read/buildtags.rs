//! Build constraints as the go tool reads them: `//go:build` expressions (and legacy `// +build` lines),
//! `_GOOS`/`_GOARCH` file-name suffixes, and which tags a platform satisfies.

pub const KNOWN_OS: &[&str] = &[
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "hurd",
    "illumos",
    "ios",
    "js",
    "linux",
    "nacl",
    "netbsd",
    "openbsd",
    "plan9",
    "solaris",
    "wasip1",
    "windows",
    "zos",
];
pub const KNOWN_ARCH: &[&str] = &[
    "386",
    "amd64",
    "amd64p32",
    "arm",
    "armbe",
    "arm64",
    "arm64be",
    "loong64",
    "mips",
    "mipsle",
    "mips64",
    "mips64le",
    "mips64p32",
    "mips64p32le",
    "ppc",
    "ppc64",
    "ppc64le",
    "riscv",
    "riscv64",
    "s390",
    "s390x",
    "sparc",
    "sparc64",
    "wasm",
];
pub const UNIX_OS: &[&str] = &[
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "hurd",
    "illumos",
    "ios",
    "linux",
    "netbsd",
    "openbsd",
    "solaris",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Constraint {
    Tag(String),
    Not(Box<Constraint>),
    And(Box<Constraint>, Box<Constraint>),
    Or(Box<Constraint>, Box<Constraint>),
}

/// The value of a tag that the platform decides (`None` for custom tags and `cgo`, which may go either way).
pub fn platform_tag(tag: &str, goos: &str, goarch: &str) -> Option<bool> {
    if KNOWN_OS.contains(&tag) {
        return Some(
            tag == goos
                || (tag == "linux" && goos == "android")
                || (tag == "darwin" && goos == "ios")
                || (tag == "solaris" && goos == "illumos"),
        );
    }
    if KNOWN_ARCH.contains(&tag) {
        return Some(tag == goarch);
    }
    match tag {
        "unix" => Some(UNIX_OS.contains(&goos)),
        "gc" => Some(true),
        "gccgo" => Some(false),
        t if t.starts_with("go1.") => Some(true),
        _ => None,
    }
}

pub fn collect_unknown_tags(c: &Constraint, out: &mut Vec<String>) {
    match c {
        Constraint::Tag(t) => {
            if platform_tag(t, "linux", "amd64").is_none() && !out.contains(t) {
                out.push(t.clone());
            }
        }
        Constraint::Not(x) => collect_unknown_tags(x, out),
        Constraint::And(a, b) | Constraint::Or(a, b) => {
            collect_unknown_tags(a, out);
            collect_unknown_tags(b, out);
        }
    }
}

pub fn eval(c: &Constraint, tag: &dyn Fn(&str) -> bool) -> bool {
    match c {
        Constraint::Tag(t) => tag(t),
        Constraint::Not(x) => !eval(x, tag),
        Constraint::And(a, b) => eval(a, tag) && eval(b, tag),
        Constraint::Or(a, b) => eval(a, tag) || eval(b, tag),
    }
}

/// The GOOS and GOARCH a file name's `_GOOS`, `_GOARCH` or `_GOOS_GOARCH` suffix requires (go/build rules).
pub fn filename_platform(name: &str) -> (Option<&str>, Option<&str>) {
    let stem = name.strip_suffix(".go").unwrap_or(name);
    let stem = stem.strip_suffix("_test").unwrap_or(stem);
    let Some(i) = stem.find('_') else {
        return (None, None);
    };
    let parts: Vec<&str> = stem[i..].split('_').filter(|p| !p.is_empty()).collect();
    let n = parts.len();
    if n >= 2 && KNOWN_OS.contains(&parts[n - 2]) && KNOWN_ARCH.contains(&parts[n - 1]) {
        return (Some(parts[n - 2]), Some(parts[n - 1]));
    }
    match parts.last() {
        Some(p) if KNOWN_OS.contains(p) => (Some(p), None),
        Some(p) if KNOWN_ARCH.contains(p) => (None, Some(p)),
        _ => (None, None),
    }
}

/// The file's build constraint: its `//go:build` line, or else the conjunction of its `// +build` lines.
/// `Err` when a line is present but unreadable.
pub fn file_constraint(text: &str) -> Result<Option<Constraint>, String> {
    if let Some(expr) = crate::read::version::build_line(text) {
        return parse_go_build(expr)
            .map(Some)
            .ok_or_else(|| format!("unreadable //go:build line: {expr}"));
    }
    let mut out: Option<Constraint> = None;
    for line in text.lines() {
        let l = line.trim();
        if l.starts_with("package ") {
            break;
        }
        let Some(rest) = l.strip_prefix("// +build ") else {
            continue;
        };
        let mut line_expr: Option<Constraint> = None;
        for option in rest.split_whitespace() {
            let mut term: Option<Constraint> = None;
            for t in option.split(',') {
                let atom = match t.strip_prefix('!') {
                    Some(x) => Constraint::Not(Box::new(Constraint::Tag(x.to_string()))),
                    None => Constraint::Tag(t.to_string()),
                };
                term = Some(match term {
                    Some(prev) => Constraint::And(Box::new(prev), Box::new(atom)),
                    None => atom,
                });
            }
            let term = term.ok_or_else(|| format!("unreadable // +build line: {rest}"))?;
            line_expr = Some(match line_expr {
                Some(prev) => Constraint::Or(Box::new(prev), Box::new(term)),
                None => term,
            });
        }
        let line_expr = line_expr.ok_or_else(|| format!("unreadable // +build line: {rest}"))?;
        out = Some(match out {
            Some(prev) => Constraint::And(Box::new(prev), Box::new(line_expr)),
            None => line_expr,
        });
    }
    Ok(out)
}

pub fn parse_go_build(expr: &str) -> Option<Constraint> {
    let mut tokens = vec![];
    let mut chars = expr.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            ' ' | '\t' => {
                chars.next();
            }
            '(' | ')' | '!' => {
                tokens.push(c.to_string());
                chars.next();
            }
            '&' | '|' => {
                chars.next();
                if chars.next() != Some(c) {
                    return None;
                }
                tokens.push(format!("{c}{c}"));
            }
            _ if c.is_alphanumeric() || c == '_' || c == '.' => {
                let mut w = String::new();
                while let Some(&c) = chars
                    .peek()
                    .filter(|c| c.is_alphanumeric() || **c == '_' || **c == '.')
                {
                    w.push(c);
                    chars.next();
                }
                tokens.push(w);
            }
            _ => return None,
        }
    }
    let mut pos = 0;
    let c = parse_or(&tokens, &mut pos)?;
    (pos == tokens.len()).then_some(c)
}

fn parse_or(t: &[String], pos: &mut usize) -> Option<Constraint> {
    let mut left = parse_and(t, pos)?;
    while t.get(*pos).is_some_and(|s| s == "||") {
        *pos += 1;
        left = Constraint::Or(Box::new(left), Box::new(parse_and(t, pos)?));
    }
    Some(left)
}

fn parse_and(t: &[String], pos: &mut usize) -> Option<Constraint> {
    let mut left = parse_not(t, pos)?;
    while t.get(*pos).is_some_and(|s| s == "&&") {
        *pos += 1;
        left = Constraint::And(Box::new(left), Box::new(parse_not(t, pos)?));
    }
    Some(left)
}

fn parse_not(t: &[String], pos: &mut usize) -> Option<Constraint> {
    let tok = t.get(*pos)?;
    *pos += 1;
    match tok.as_str() {
        "!" => Some(Constraint::Not(Box::new(parse_not(t, pos)?))),
        "(" => {
            let inner = parse_or(t, pos)?;
            (t.get(*pos)? == ")").then(|| *pos += 1)?;
            Some(inner)
        }
        ")" | "&&" | "||" => None,
        w => Some(Constraint::Tag(w.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_and_constraints() {
        assert_eq!(
            filename_platform("sched_js_wasm.go"),
            (Some("js"), Some("wasm"))
        );
        assert_eq!(filename_platform("sched_wasm.go"), (None, Some("wasm")));
        assert_eq!(
            filename_platform("sched_plan9_test.go"),
            (Some("plan9"), None)
        );
        assert_eq!(filename_platform("js.go"), (None, None));
        assert_eq!(filename_platform("yield_helper.go"), (None, None));
        assert!(parse_go_build("linux && (amd64 || arm64)").is_some());
        assert!(parse_go_build("linux &&").is_none());
        assert!(parse_go_build("linux & amd64").is_none());
    }
}
