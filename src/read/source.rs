//! A Go file as the engine sees it: UTF-8 text with LF line endings and no BOM, plus what it takes to
//! turn an edited text back into bytes that differ from the original only inside the edited ranges.

use std::path::Path;

/// Files above this size are refused; Go sources that large are generated tables, not code to rewrite.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceText {
    /// Normalised text: no BOM; CRLF turned into LF when the whole file uses CRLF.
    pub text: String,
    pub bom: bool,
    pub crlf: bool,
}

impl SourceText {
    /// Decodes file bytes, refusing what no Go compiler would accept as a source file.
    pub fn decode(bytes: &[u8]) -> Result<SourceText, String> {
        validate(bytes)?;
        let (bom, body) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
            Some(rest) => (true, rest),
            None => (false, bytes),
        };
        let text = match std::str::from_utf8(body) {
            Ok(t) => t,
            Err(e) => {
                return Err(format!(
                    "not valid UTF-8 (invalid byte at offset {})",
                    e.valid_up_to() + bom as usize * 3
                ));
            }
        };
        let lf = memchr::memchr_iter(b'\n', text.as_bytes()).count();
        let crlf_count = memchr::memmem::find_iter(text.as_bytes(), b"\r\n").count();
        let crlf = lf > 0 && lf == crlf_count;
        let text = if crlf {
            text.replace("\r\n", "\n")
        } else {
            text.to_string()
        };
        Ok(SourceText { text, bom, crlf })
    }

    /// Turns an edited normalised text back into file bytes with the original BOM and line endings.
    pub fn encode(&self, text: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() + 16);
        if self.bom {
            out.extend_from_slice(b"\xEF\xBB\xBF");
        }
        if self.crlf {
            out.extend_from_slice(text.replace('\n', "\r\n").as_bytes());
        } else {
            out.extend_from_slice(text.as_bytes());
        }
        out
    }
}

/// Reads one file and checks it is text a Go compiler could accept (no NUL, valid UTF-8), without copying.
pub fn read_bytes(path: &Path, max: u64) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path)
        .map_err(|e| format!("cannot read: {}", crate::read::walk::io_reason(&e)))?;
    if meta.is_dir() {
        return Err("is a directory, not a Go file".into());
    }
    if meta.len() > max {
        return Err(format!(
            "file too large ({} bytes; the limit is {max}, see --max-file-size)",
            meta.len()
        ));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| format!("cannot read: {}", crate::read::walk::io_reason(&e)))?;
    crate::read::source::validate(&bytes)?;
    Ok(bytes)
}

/// Refuses what no Go compiler accepts as source text: NUL bytes, invalid UTF-8.
pub fn validate(bytes: &[u8]) -> Result<(), String> {
    if memchr::memchr(0, bytes).is_some() {
        return Err("contains NUL bytes; not a Go source file".into());
    }
    std::str::from_utf8(bytes).map(|_| ()).map_err(|e| {
        format!(
            "not valid UTF-8 (invalid byte at offset {})",
            e.valid_up_to()
        )
    })
}

/// Byte offsets of line starts, for turning offsets into 1-based line:column (columns in bytes, as go vet does).
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { starts }
    }

    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        (line + 1, offset - self.starts[line] + 1)
    }

    /// The 1-based column of `offset` in UTF-16 code units (SARIF's default unit), `text` being the text
    /// this index was built from.
    pub fn utf16_col(&self, text: &str, offset: usize) -> usize {
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        text.get(start..offset)
            .map_or(offset - start, |s| s.encode_utf16().count())
            + 1
    }
}

/// Go's marker for generated files: `// Code generated ... DO NOT EDIT.` on a line of its own before `package`.
pub fn is_generated(text: &str) -> bool {
    for line in text.lines() {
        let l = line.trim_end_matches('\r');
        if l.starts_with("// Code generated ") && l.ends_with(" DO NOT EDIT.") {
            return true;
        }
        if l.starts_with("package ") {
            return false;
        }
    }
    false
}

/// The package clause's name, found without parsing: skips comments and blank lines before `package`.
pub fn package_name(text: &str) -> Option<&str> {
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix("//") {
            rest = r.split_once('\n').map_or("", |(_, r)| r);
        } else if let Some(r) = rest.strip_prefix("/*") {
            rest = r.split_once("*/")?.1;
        } else {
            let r = rest.strip_prefix("package")?;
            let r = r.trim_start_matches([' ', '\t']);
            let end = r
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(r.len());
            return (end > 0).then(|| &r[..end]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_and_bom_round_trip() {
        let raw = b"\xEF\xBB\xBFpackage m\r\n\r\nfunc f() {}\r\n";
        let s = SourceText::decode(raw).unwrap();
        assert!(s.bom && s.crlf);
        assert_eq!(s.text, "package m\n\nfunc f() {}\n");
        assert_eq!(s.encode(&s.text), raw.to_vec());
    }

    #[test]
    fn mixed_line_endings_are_kept_verbatim() {
        let raw = b"package m\r\nfunc f() {}\n";
        let s = SourceText::decode(raw).unwrap();
        assert!(!s.crlf);
        assert_eq!(s.encode(&s.text), raw.to_vec());
    }

    #[test]
    fn rejects_nul_and_bad_utf8() {
        assert!(
            SourceText::decode(b"package m\0")
                .unwrap_err()
                .contains("NUL")
        );
        assert!(
            SourceText::decode(b"package m\xff")
                .unwrap_err()
                .contains("UTF-8")
        );
    }

    #[test]
    fn line_col_is_one_based() {
        let idx = LineIndex::new("ab\ncd\n");
        assert_eq!(idx.line_col(0), (1, 1));
        assert_eq!(idx.line_col(4), (2, 2));
        let text = "x\n\"é😀\" y";
        let idx = LineIndex::new(text);
        let y = text.find('y').unwrap();
        assert_eq!(idx.line_col(y), (2, 10));
        assert_eq!(idx.utf16_col(text, y), 7);
    }

    #[test]
    fn package_name_skips_comments() {
        assert_eq!(
            package_name("// a\n/* b */\npackage foo_test // c\n"),
            Some("foo_test")
        );
        assert_eq!(package_name("func f() {}"), None);
    }

    #[test]
    fn generated_header_before_package_only() {
        assert!(is_generated(
            "// Code generated by x. DO NOT EDIT.\n\npackage m\n"
        ));
        assert!(!is_generated(
            "package m\n// Code generated by x. DO NOT EDIT.\n"
        ));
    }
}
