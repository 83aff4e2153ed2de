//! Between the engine's world (paths, byte offsets, new file texts) and the protocol's (file URIs, UTF-16
//! positions, text edits).

use lsp_types::{Position, Range, TextEdit, Uri};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The local path of a `file:` URI (percent-decoded); `None` for other schemes and remote hosts.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    if !rest.starts_with('/') {
        return None;
    }
    let bytes = percent_decode(rest)?;
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        Some(PathBuf::from(std::ffi::OsString::from_vec(bytes)))
    }
    #[cfg(not(unix))]
    {
        String::from_utf8(bytes).ok().map(PathBuf::from)
    }
}

/// The `file:` URI of an absolute path, every byte outside RFC 3986's unreserved set and `/` escaped.
pub fn path_to_uri(path: &Path) -> Option<Uri> {
    let mut s = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    Uri::from_str(&s).ok()
}

fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Some(out)
}

/// Line starts of a text, for byte offset ↔ LSP position (lines split at `\n`, columns in UTF-16 units).
pub struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Lines<'a> {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Lines { text, starts }
    }

    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let col = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.encode_utf16().count());
        Position::new(line as u32, col as u32)
    }

    /// The byte offset of `pos`, clamped to its line (a column past the end, or inside a surrogate pair,
    /// lands on the nearest character boundary before it).
    pub fn offset(&self, pos: Position) -> usize {
        let Some(&start) = self.starts.get(pos.line as usize) else {
            return self.text.len();
        };
        let end = self
            .starts
            .get(pos.line as usize + 1)
            .map_or(self.text.len(), |e| e - 1);
        let mut units = 0;
        for (i, c) in self.text[start..end].char_indices() {
            if units >= pos.character as usize {
                return start + i;
            }
            units += c.len_utf16();
        }
        end
    }

    pub fn range(&self, start: usize, end: usize) -> Range {
        Range::new(self.position(start), self.position(end))
    }
}

/// Text edits that turn `old` into `new`: one per changed run of lines, so the cursor and folds outside
/// the fix do not move as a whole-document replacement would make them.
pub fn text_edits(old: &str, new: &str) -> Vec<TextEdit> {
    let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
    let new_lines: Vec<&str> = new.split_inclusive('\n').collect();
    let mut old_starts = Vec::with_capacity(old_lines.len() + 1);
    let mut at = 0;
    for l in &old_lines {
        old_starts.push(at);
        at += l.len();
    }
    old_starts.push(at);
    let lines = Lines::new(old);
    let ops = similar::capture_diff_slices(similar::Algorithm::Myers, &old_lines, &new_lines);
    ops.iter()
        .filter_map(|op| {
            let (tag, o, n) = op.as_tag_tuple();
            (tag != similar::DiffTag::Equal).then(|| TextEdit {
                range: lines.range(old_starts[o.start], old_starts[o.end]),
                new_text: new_lines[n].concat(),
            })
        })
        .collect()
}

/// Applies LSP text edits (non-overlapping, as a client does) to `text`; for tests and for checking.
pub fn apply_edits(text: &str, edits: &[TextEdit]) -> String {
    let lines = Lines::new(text);
    let mut spans: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                lines.offset(e.range.start),
                lines.offset(e.range.end),
                e.new_text.as_str(),
            )
        })
        .collect();
    spans.sort_by_key(|s| (s.0, s.1));
    let mut out = text.to_string();
    for (s, e, t) in spans.into_iter().rev() {
        out.replace_range(s..e, t);
    }
    out
}

/// Does the action kind `kind` fall under one of the kinds a client asked for (`only`, hierarchical:
/// `source` covers `source.fixAll.gofix-rt`)? No filter means every kind.
pub fn kind_wanted(only: Option<&[lsp_types::CodeActionKind]>, kind: &str) -> bool {
    only.is_none_or(|only| {
        only.iter().any(|k| {
            let k = k.as_str();
            kind == k || (kind.starts_with(k) && kind.as_bytes().get(k.len()) == Some(&b'.'))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_round_trip_with_escapes() {
        let p = Path::new("/tmp/a b/é#x.go");
        let uri = path_to_uri(p).unwrap();
        assert_eq!(uri.as_str(), "file:///tmp/a%20b/%C3%A9%23x.go");
        assert_eq!(uri_to_path(&uri).unwrap(), p);
        let other = Uri::from_str("untitled:Untitled-1").unwrap();
        assert_eq!(uri_to_path(&other), None);
    }

    #[test]
    fn positions_count_utf16_units() {
        let text = "ab\n\"é😀\" y\n";
        let lines = Lines::new(text);
        let y = text.find('y').unwrap();
        assert_eq!(lines.position(y), Position::new(1, 6));
        assert_eq!(lines.offset(Position::new(1, 6)), y);
        // Past the end of a line: the line's end, not the next line.
        assert_eq!(lines.offset(Position::new(0, 40)), 2);
        assert_eq!(lines.offset(Position::new(9, 0)), text.len());
    }

    #[test]
    fn edits_reproduce_the_new_text() {
        let old = "package m\n\nimport \"fmt\"\n\nfunc f() {\n\tfmt.Println(1)\n}\n";
        let new = "package m\n\nimport (\n\t\"fmt\"\n\t\"os\"\n)\n\nfunc f() {\n\tfmt.Println(1)\n\tos.Exit(0)\n}\n";
        let edits = text_edits(old, new);
        assert_eq!(edits.len(), 2, "{edits:?}");
        assert_eq!(apply_edits(old, &edits), new);
        // No trailing newline, CRLF lines, a deletion to the end.
        for (a, b) in [
            ("a\r\nb\r\nc", "a\r\nc"),
            ("x\ny", "x\n"),
            ("", "package m\n"),
        ] {
            assert_eq!(apply_edits(a, &text_edits(a, b)), b);
        }
        assert!(text_edits(old, old).is_empty());
    }

    #[test]
    fn kinds_match_hierarchically() {
        use lsp_types::CodeActionKind as K;
        let fix_all = "source.fixAll.gofix-rt";
        assert!(kind_wanted(None, fix_all));
        assert!(kind_wanted(Some(&[K::SOURCE]), fix_all));
        assert!(kind_wanted(Some(&[K::SOURCE_FIX_ALL]), fix_all));
        assert!(!kind_wanted(Some(&[K::QUICKFIX]), fix_all));
        assert!(!kind_wanted(Some(&[K::new("source.fix")]), fix_all));
        assert!(kind_wanted(Some(&[K::QUICKFIX]), "quickfix"));
    }
}
