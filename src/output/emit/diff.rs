//! A unified diff that `git apply` accepts: `a/` and `b/` headers with the printed paths, three lines of
//! context, the "no newline" marker where needed. New files are diffed against /dev/null. Inside a git
//! work tree the paths are relative to its root, as `git diff` prints them and as `git apply` reads them
//! from any subdirectory; elsewhere they are the printed paths.

use crate::run::engine::FileChange;
use similar::TextDiff;

pub fn render(changes: &[FileChange]) -> String {
    let mut out = String::new();
    for c in changes {
        out.push_str(&render_one(c));
    }
    out
}

pub fn render_one(c: &FileChange) -> String {
    let name = crate::output::emit::repo_relative(&c.display);
    if is_binary(&c.new) || c.original.as_deref().is_some_and(is_binary) {
        return binary_patch(c, &name);
    }
    let old = String::from_utf8_lossy(c.original.as_deref().unwrap_or_default()).into_owned();
    let new = String::from_utf8_lossy(&c.new).into_owned();
    let diff = TextDiff::from_lines(&old, &new);
    let (a, b) = match c.original {
        Some(_) => (format!("a/{name}"), format!("b/{name}")),
        None => ("/dev/null".to_string(), format!("b/{name}")),
    };
    let body = diff
        .unified_diff()
        .context_radius(3)
        .missing_newline_hint(true)
        .header(&a, &b)
        .to_string();
    let mut out = format!("diff --git a/{name} b/{name}\n");
    if c.original.is_none() {
        out.push_str("new file mode 100644\n");
    }
    out.push_str(&body);
    out
}

/// Not text a line diff can carry: a NUL byte, or not UTF-8.
fn is_binary(b: &[u8]) -> bool {
    memchr::memchr(0, b).is_some() || std::str::from_utf8(b).is_err()
}

/// A git binary patch (`GIT binary patch`, a zlib-deflated literal in git's base85), which `git apply`
/// accepts; binary files are only ever created by a fix (`default.pgo`), so the preimage is empty.
fn binary_patch(c: &FileChange, name: &str) -> String {
    use std::io::Write;
    let literal = |data: &[u8]| -> String {
        let mut z = flate2::write::ZlibEncoder::new(vec![], flate2::Compression::default());
        z.write_all(data).expect("writes to memory");
        let deflated = z.finish().expect("writes to memory");
        let mut s = format!("literal {}\n", data.len());
        for chunk in deflated.chunks(52) {
            let n = chunk.len() as u8;
            s.push(char::from(if n <= 26 {
                b'A' + n - 1
            } else {
                b'a' + n - 27
            }));
            base85(chunk, &mut s);
            s.push('\n');
        }
        s.push('\n');
        s
    };
    let mut out = format!("diff --git a/{name} b/{name}\n");
    if c.original.is_none() {
        out.push_str("new file mode 100644\n");
    }
    // `git apply` needs the full blob ids to accept a binary patch.
    let blob = |b: &[u8]| {
        git2::Oid::hash_object(git2::ObjectType::Blob, b)
            .map_or_else(|_| "0".repeat(40), |o| o.to_string())
    };
    let old = c.original.as_deref().map_or_else(|| "0".repeat(40), blob);
    out.push_str(&format!("index {old}..{}\n", blob(&c.new)));
    out.push_str("GIT binary patch\n");
    out.push_str(&literal(&c.new));
    out.push_str(&literal(c.original.as_deref().unwrap_or_default()));
    out
}

/// git's base85: each 4 bytes (zero-padded at the end) as 5 characters, most significant first.
fn base85(data: &[u8], out: &mut String) {
    const ALPHABET: &[u8; 85] =
        b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~";
    for group in data.chunks(4) {
        let mut word = [0u8; 4];
        word[..group.len()].copy_from_slice(group);
        let mut v = u32::from_be_bytes(word);
        let mut chars = [0u8; 5];
        for c in chars.iter_mut().rev() {
            *c = ALPHABET[(v % 85) as usize];
            v /= 85;
        }
        out.extend(chars.iter().map(|&b| char::from(b)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base85_matches_git() {
        // `git diff --binary` encodes the four bytes 00 00 00 00 as "00000" and ff ff ff ff as "|NsC0".
        let mut s = String::new();
        base85(&[0, 0, 0, 0], &mut s);
        base85(&[0xff, 0xff, 0xff, 0xff], &mut s);
        assert_eq!(s, "00000|NsC0");
    }
}
