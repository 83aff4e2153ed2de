//! Makefiles as a rule reads them: the variables and their definitions (only a single plain definition
//! counts as a known value), the recipe commands with the rule targets and conditionals that govern them,
//! and variable references expanded for reading.

use std::collections::HashMap;

/// What an unknown piece of an expansion reads as: a value, not flags.
pub const UNKNOWN_VALUE: &str = "VALUE";

/// What the rule knows about a Makefile's variables: name → definitions (value, offset of the value).
pub type Vars = HashMap<String, Vec<Option<(String, usize)>>>;

/// The value of a variable with exactly one plain definition (`None` for `+=`, conditionals, `define`).
pub fn simple_var<'v>(vars: &'v Vars, name: &str) -> Option<&'v (String, usize)> {
    match vars.get(name).map(Vec::as_slice) {
        Some([Some(d)]) => Some(d),
        _ => None,
    }
}

/// Expands make variable references for reading (not editing), up to a small depth. A reference without a
/// simple definition (or a function call) reads as `UNKNOWN_VALUE`, unless `matters` says its name could
/// change the reading: then the reference itself is the error.
pub fn expand(
    text: &str,
    vars: &Vars,
    depth: usize,
    matters: &dyn Fn(&str) -> bool,
) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(p) = rest.find('$') {
        out.push_str(&rest[..p]);
        let r = &rest[p..];
        if let Some(stripped) = r.strip_prefix("$$") {
            out.push('$');
            rest = stripped;
            continue;
        }
        let Some(close) = matching_close(r) else {
            out.push('$');
            rest = &r[1..];
            continue;
        };
        let name = &r[2..close];
        if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            // A function call (`$(shell git describe)`): a value, unless it looks like it makes flags.
            if matters(name) {
                return Err(r[..=close].to_string());
            }
            out.push_str(UNKNOWN_VALUE);
            rest = &r[close + 1..];
            continue;
        }
        match simple_var(vars, name) {
            Some((v, _)) if depth < 4 => out.push_str(&expand(v, vars, depth + 1, matters)?),
            // Unknown pieces that do not look like flags (a version, a commit) do not matter.
            _ if !matters(name) => out.push_str(UNKNOWN_VALUE),
            _ => return Err(r[..=close].to_string()),
        }
        rest = &r[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The offset of the `)` or `}` closing the reference `r` starts with (`$(` or `${`), nesting counted.
fn matching_close(r: &str) -> Option<usize> {
    let (open, close) = match r.as_bytes().get(1)? {
        b'(' => (b'(', b')'),
        b'{' => (b'{', b'}'),
        _ => return None,
    };
    let mut depth = 0;
    for (i, &c) in r.as_bytes().iter().enumerate().skip(1) {
        if c == open {
            depth += 1;
        } else if c == close {
            depth -= 1;
            if depth == 0 {
                return Some(i);
            }
        }
    }
    None
}

/// A recipe command of the Makefile: its byte span, the targets of its rule, and the conditionals
/// around it, outermost first, each as the lines of its branches so far (`ifdef DEBUG`, then any `else`).
pub struct Recipe {
    pub start: usize,
    pub end: usize,
    pub targets: String,
    pub conditions: Vec<Vec<String>>,
}

/// The variables (one entry per definition; `None` for one whose value cannot be known: `+=`, `!=`,
/// continued, conditional, `define`, target-specific, or any when the file includes another) and the
/// recipe commands.
pub fn scan(text: &str) -> (Vars, Vec<Recipe>) {
    let mut vars: Vars = HashMap::new();
    let mut recipes = vec![];
    let mut targets = String::new();
    let mut in_rule = false;
    let mut cond: Vec<Vec<String>> = vec![];
    let mut in_define = false;
    let mut has_include = false;
    let b = text.as_bytes();
    let mut pos = 0;
    while pos < text.len() {
        let mut end = memchr::memchr(b'\n', &b[pos..]).map_or(text.len(), |i| pos + i);
        while text[..end].ends_with('\\') && end < text.len() {
            end = memchr::memchr(b'\n', &b[end + 1..]).map_or(text.len(), |i| end + 1 + i);
        }
        let line = &text[pos..end];
        let continued = line.contains("\\\n");
        let next = end + 1;
        if in_define {
            if line.trim() == "endef" {
                in_define = false;
            }
            pos = next;
            continue;
        }
        if line.starts_with('\t') && in_rule {
            recipes.push(Recipe {
                start: pos + 1,
                end,
                targets: targets.clone(),
                conditions: cond.clone(),
            });
            pos = next;
            continue;
        }
        let t = line.trim();
        let first = t.split_whitespace().next().unwrap_or("");
        match first {
            "" => {}
            _ if t.starts_with('#') => {}
            "ifeq" | "ifneq" | "ifdef" | "ifndef" => cond.push(vec![t.to_string()]),
            "else" => {
                if let Some(branches) = cond.last_mut() {
                    branches.push(t.to_string());
                }
            }
            "endif" => {
                cond.pop();
            }
            // An included makefile may define or extend any variable: none of ours is then complete.
            "include" | "-include" | "sinclude" => has_include = true,
            "define" => {
                in_define = true;
                if let Some(n) = t.split_whitespace().nth(1) {
                    vars.entry(n.to_string()).or_default().push(None);
                }
            }
            _ => {
                if let Some((name, op, value_at)) = assignment(line) {
                    let value = text[pos + value_at..end].trim_end().to_string();
                    let usable = op != "+=" && op != "!=" && !continued && cond.is_empty();
                    vars.entry(name)
                        .or_default()
                        .push(usable.then_some((value, pos + value_at)));
                } else if let Some(colon) = rule_colon(line) {
                    in_rule = true;
                    targets = line[..colon].to_string();
                    let rest = &line[colon + 1..];
                    // A target-specific variable (`debug: LDFLAGS = ...`) is a second definition.
                    if let Some((name, _, _)) = assignment(rest.trim_start_matches(':')) {
                        vars.entry(name).or_default().push(None);
                        in_rule = false;
                    } else if let Some(semi) = rest.find(';') {
                        recipes.push(Recipe {
                            start: pos + colon + 1 + semi + 1,
                            end,
                            targets: targets.clone(),
                            conditions: cond.clone(),
                        });
                    }
                } else {
                    in_rule = false;
                }
            }
        }
        pos = next;
    }
    if has_include {
        for defs in vars.values_mut() {
            defs.push(None);
        }
    }
    (vars, recipes)
}

/// `NAME op value` (with `export`/`override` before it): the name, the operator, and the value's offset.
fn assignment(line: &str) -> Option<(String, &'static str, usize)> {
    let mut s = line.trim_start();
    for p in ["export ", "override "] {
        if let Some(r) = s.strip_prefix(p) {
            s = r.trim_start();
        }
    }
    let name_len = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-'))
        .unwrap_or(s.len());
    if name_len == 0 {
        return None;
    }
    let after = s[name_len..].trim_start();
    let op = ["::=", ":=", "?=", "+=", "!=", "="]
        .into_iter()
        .find(|op| after.starts_with(op))?;
    let value = after[op.len()..].trim_start();
    let value_at = line.len() - value.len();
    Some((s[..name_len].to_string(), op, value_at))
}

/// The colon ending a rule's targets (not `:=`), outside variable references.
fn rule_colon(line: &str) -> Option<usize> {
    let mut depth = 0;
    for (i, c) in line.char_indices() {
        match c {
            '(' | '{' => depth += 1,
            ')' | '}' => depth -= 1,
            ':' if depth == 0 && !line[i + 1..].starts_with('=') => return Some(i),
            '=' if depth == 0 => return None,
            _ => {}
        }
    }
    None
}
