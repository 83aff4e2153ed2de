//! Byte-level tests that decide whether a file is worth parsing. Parsing dominates a run, so these are
//! sharp, but they must never reject a file a transform could report on: they over-approximate (a
//! string literal that looks like an import path counts as one).

/// The identifiers under which `bytes` may name the import `path`: the alias on each line that quotes
/// the path, else its last element. Blank and dot imports give no name (transforms do not fire on them).
pub fn local_names<'a>(bytes: &'a [u8], path: &'a str) -> Vec<&'a [u8]> {
    let mut names = vec![];
    for quote in [b'"', b'`'] {
        let needle = [&[quote][..], path.as_bytes(), &[quote][..]].concat();
        for at in memchr::memmem::find_iter(bytes, &needle) {
            let before = trim_end_ws(&bytes[..at]);
            let alias_start = before
                .iter()
                .rposition(|b| !is_ident(*b))
                .map_or(0, |p| p + 1);
            let alias = &before[alias_start..];
            let name: &[u8] = match alias {
                b"_" | b"." => continue,
                b"" | b"import" => crate::semantic::package::default_local_name(path).as_bytes(),
                _ if before.len() > alias.len()
                    && !matches!(before[alias_start - 1], b' ' | b'\t' | b'\n' | b'(') =>
                {
                    continue;
                }
                a => a,
            };
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}

/// Does `bytes` contain a call `L.f(` (spaces allowed around the dot and before the parenthesis) for a
/// local name `L` of import `path` and one of `funcs`?
pub fn calls(bytes: &[u8], path: &str, funcs: &[&str]) -> bool {
    let names = local_names(bytes, path);
    if names.is_empty() {
        return false;
    }
    funcs.iter().any(|f| {
        memchr::memmem::find_iter(bytes, f.as_bytes()).any(|at| {
            let after = trim_start_ws(&bytes[at + f.len()..]);
            let before = trim_end_ws(&bytes[..at]);
            let Some(before) = before.strip_suffix(b".") else {
                return false;
            };
            let before = trim_end_ws(before);
            after.first() == Some(&b'(')
                && names.iter().any(|n| {
                    before.ends_with(n)
                        && before
                            .len()
                            .checked_sub(n.len() + 1)
                            .is_none_or(|i| !is_ident(before[i]))
                })
        })
    })
}

/// Does a line of `bytes` import `path` (`import "p"`, `import x "p"`, or a spec line inside `import (`)?
/// Only import-shaped lines count, so a string literal spelling the path does not.
pub fn imports(bytes: &[u8], path: &str) -> bool {
    let needle = [b"\"", path.as_bytes(), b"\""].concat();
    memchr::memmem::find_iter(bytes, &needle).any(|at| {
        let line_start = bytes[..at]
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |p| p + 1);
        let words: Vec<&[u8]> = bytes[line_start..at]
            .split(|b| matches!(b, b' ' | b'\t'))
            .filter(|w| !w.is_empty())
            .collect();
        match words.as_slice() {
            [] => true,
            [w] => *w == b"import" || w.iter().all(|b| is_ident(*b) || *b == b'.'),
            [imp, alias] => *imp == b"import" && alias.iter().all(|b| is_ident(*b) || *b == b'.'),
            _ => false,
        }
    })
}

/// Files importing `testing` (tests, benchmarks, test helpers) get no finding from the rules that drop
/// or rewrite runtime calls, so they need not be parsed for them.
pub fn calls_outside_tests(bytes: &[u8], path: &str, funcs: &[&str]) -> bool {
    calls(bytes, path, funcs) && !imports(bytes, "testing")
}

/// Does a line of `bytes` store `nil` into a plain name (`x = nil`, alone on its line) that is not
/// mentioned again before the end of its top-level declaration (`mentioned_later`), outside a file
/// importing `testing`? The rules about dead `nil` stores parse nothing else.
pub fn nil_store_outside_tests(bytes: &[u8]) -> bool {
    memchr::memmem::find_iter(bytes, b" = nil").any(|at| {
        let line_start = bytes[..at]
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |p| p + 1);
        let name = trim_start_ws(&bytes[line_start..at]);
        let rest = trim_start_ws(&bytes[at + b" = nil".len()..]);
        !name.is_empty()
            && name.iter().all(|b| is_ident(*b))
            && matches!(rest.first(), None | Some(b'\n' | b'\r' | b'/' | b';'))
            && !mentioned_later(bytes, at + b" = nil".len(), name)
    }) && !imports(bytes, "testing")
}

/// Is `name` spelled as a word (code, comment or string alike) after byte `from` and before the end of
/// the top-level declaration holding it (the next line that starts with `}`)? A dead-store rule takes
/// such a mention as a later use, so a byte test and the rule agree on what can be reported.
pub fn mentioned_later(bytes: &[u8], from: usize, name: &[u8]) -> bool {
    let rest = &bytes[from.min(bytes.len())..];
    let end = memchr::memmem::find(rest, b"\n}").unwrap_or(rest.len());
    let span = &rest[..end];
    memchr::memmem::find_iter(span, name).any(|i| {
        let before = i.checked_sub(1).map(|j| span[j]);
        let after = span.get(i + name.len()).copied();
        !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
    })
}

/// Does some `default:` of `bytes` have a body (with `nonempty`) or none (without: followed only by blanks
/// and then `}` or the next `case`)?
pub fn has_default_clause(bytes: &[u8], nonempty: bool) -> bool {
    memchr::memmem::find_iter(bytes, b"default:").any(|i| {
        let rest = trim_start_all_ws(&bytes[i + b"default:".len()..]);
        let empty = rest.starts_with(b"}") || rest.starts_with(b"case");
        empty != nonempty
    })
}

fn trim_start_all_ws(b: &[u8]) -> &[u8] {
    b.iter()
        .position(|c| !c.is_ascii_whitespace())
        .map_or(&b[b.len()..], |p| &b[p..])
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

fn trim_end_ws(b: &[u8]) -> &[u8] {
    let end = b
        .iter()
        .rposition(|c| !matches!(c, b' ' | b'\t'))
        .map_or(0, |p| p + 1);
    &b[..end]
}

fn trim_start_ws(b: &[u8]) -> &[u8] {
    let start = b
        .iter()
        .position(|c| !matches!(c, b' ' | b'\t'))
        .unwrap_or(b.len());
    &b[start..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_default_and_alias_names() {
        let src = b"package m\n\nimport (\n\t\"fmt\"\n\tstdtime \"time\"\n\t_ \"runtime\"\n)\n";
        assert_eq!(local_names(src, "time"), vec![&b"stdtime"[..]]);
        assert!(local_names(src, "runtime").is_empty());
        assert_eq!(
            local_names(b"import \"runtime/metrics\"", "runtime/metrics"),
            vec![&b"metrics"[..]]
        );
    }

    #[test]
    fn nil_stores_to_plain_names() {
        assert!(nil_store_outside_tests(
            b"func f() {\n\tdata = nil // free\n}\n"
        ));
        // Mentioned again before the function ends: not a candidate; a later function does not count.
        assert!(!nil_store_outside_tests(
            b"func f() {\n\tdata = nil\n\tuse(data)\n}\n"
        ));
        assert!(nil_store_outside_tests(
            b"func f() {\n\tdata = nil\n\tuse(metadata)\n}\n\nfunc g() { use(data) }\n"
        ));
        assert!(!nil_store_outside_tests(
            b"func f() {\n\ts.data = nil\n\tif x = nil {\n"
        ));
        assert!(!nil_store_outside_tests(b"var err error = nil\n"));
        assert!(!nil_store_outside_tests(
            b"import \"testing\"\nfunc f() {\n\tdata = nil\n}\n"
        ));
    }

    #[test]
    fn import_shaped_lines_only() {
        assert!(imports(b"package m\n\nimport \"testing\"\n", "testing"));
        assert!(imports(
            b"import (\n\t\"fmt\"\n\tt \"testing\"\n)\n",
            "testing"
        ));
        assert!(!imports(
            b"var s = \"testing\"\nfunc f() { g(\"testing\") }\n",
            "testing"
        ));
    }

    #[test]
    fn calls_through_the_local_name_only() {
        let src = b"package m\n\nimport rt \"runtime\"\n\nfunc f() { rt.GC(); x.Gosched() }\n";
        assert!(calls(src, "runtime", &["GC"]));
        assert!(!calls(src, "runtime", &["Gosched"]));
        assert!(calls(
            b"import \"time\"\nvar _ = time . After (1)",
            "time",
            &["After"]
        ));
        assert!(!calls(
            b"import \"time\"\nvar _ = t.After(1)",
            "time",
            &["After"]
        ));
        assert!(!calls(
            b"import \"time\"\nvar _ = mytime.After(1)",
            "time",
            &["After"]
        ));
        assert!(!calls(
            b"package runtime\nfunc f() { GC() }",
            "runtime",
            &["GC"]
        ));
    }
}
