//! Writing fixed files in place: never through a symlink, never over a file that changed since it was
//! read, always via a temporary file in the same directory renamed over the original (permissions kept).

use crate::read::walk::io_reason;
use crate::run::engine::{FileChange, Problem};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes every change; returns the problems (the other files are still written). `roots` are the paths the
/// run was given: a Go file whose real directory lies outside all of them was reached through a symbolic
/// link to a directory (the walk follows those to read) and is never written.
pub fn write_all(changes: &[FileChange], roots: &[PathBuf]) -> Vec<Problem> {
    let real_roots: Vec<PathBuf> = roots
        .iter()
        .filter_map(|r| {
            let c = std::fs::canonicalize(r).ok()?;
            if c.is_dir() {
                Some(c)
            } else {
                c.parent().map(Path::to_path_buf)
            }
        })
        .collect();
    changes
        .iter()
        .filter_map(|c| {
            let result = if is_go_file_outside(&c.path, &real_roots) {
                Err("reached through a symbolic link to a directory outside the tree; not writing through it".into())
            } else {
                write_one(c)
            };
            result.err().map(|m| Problem::new(c.display.clone(), m))
        })
        .collect()
}

/// Module files (go.mod, go.sum) above a root are edited on purpose; Go files and the other build files
/// the walk reads (Dockerfile, Makefile) are checked. A file that is itself a symbolic link is left to
/// `write_one`, which refuses it with its own message.
fn is_go_file_outside(path: &Path, real_roots: &[PathBuf]) -> bool {
    if matches!(
        path.file_name().and_then(|n| n.to_str()),
        Some("go.mod" | "go.sum")
    ) || std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
    {
        return false;
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    match std::fs::canonicalize(dir) {
        Ok(real) => !real_roots.iter().any(|r| real.starts_with(r)),
        Err(_) => false,
    }
}

pub fn write_one(c: &FileChange) -> Result<(), String> {
    let link = std::fs::symlink_metadata(&c.path);
    if link.as_ref().is_ok_and(|m| m.file_type().is_symlink()) {
        return Err("is a symbolic link; not writing through it".into());
    }
    if link.as_ref().is_ok_and(|m| m.permissions().readonly()) {
        return Err("is read-only; left alone".into());
    }
    let current = match std::fs::read(&c.path) {
        Ok(b) => Some(b),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(format!("cannot re-read before writing: {}", io_reason(&e))),
    };
    if current != c.original {
        return Err("changed since it was read; left alone (run again)".into());
    }
    let dir = c
        .path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".gofixrt-")
        .tempfile_in(dir)
        .map_err(|e| format!("cannot create a temporary file: {}", io_reason(&e)))?;
    tmp.write_all(&c.new)
        .and_then(|_| tmp.flush())
        .map_err(|e| format!("cannot write: {}", io_reason(&e)))?;
    if let Ok(meta) = link {
        std::fs::set_permissions(tmp.path(), meta.permissions())
            .map_err(|e| format!("cannot keep permissions: {}", io_reason(&e)))?;
    }
    tmp.persist(&c.path)
        .map_err(|e| format!("cannot replace the file: {}", io_reason(&e.error)))?;
    Ok(())
}
