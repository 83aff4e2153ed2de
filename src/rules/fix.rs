//! The fix model: byte-range edits with an applicability, import changes planned by the engine, and the
//! few edits outside Go files (go.mod, go.sum) that a rule may need.

use std::path::PathBuf;

/// A half-open byte range into a file's normalised text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TextRange {
    pub start: usize,
    pub end: usize,
}

impl TextRange {
    pub fn new(start: usize, end: usize) -> TextRange {
        debug_assert!(start <= end);
        TextRange { start, end }
    }
    pub fn of(node: tree_sitter::Node<'_>) -> TextRange {
        TextRange::new(node.start_byte(), node.end_byte())
    }
    pub fn empty(at: usize) -> TextRange {
        TextRange::new(at, at)
    }
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
}

/// Replace `range` with `content` (an insertion when the range is empty, a deletion when content is empty).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Edit {
    pub range: TextRange,
    pub content: String,
}

impl Edit {
    pub fn replace(range: TextRange, content: impl Into<String>) -> Edit {
        Edit {
            range,
            content: content.into(),
        }
    }
    pub fn insert(at: usize, content: impl Into<String>) -> Edit {
        Edit {
            range: TextRange::empty(at),
            content: content.into(),
        }
    }
    pub fn delete(range: TextRange) -> Edit {
        Edit {
            range,
            content: String::new(),
        }
    }
}

/// How sure we are that a fix preserves behaviour. Ordered: `DisplayOnly < Unsafe < Safe`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Applicability {
    /// Shown as a suggested shape, never applied.
    DisplayOnly,
    /// Applied only with `--unsafe-fixes`: plausible but not provably equivalent.
    Unsafe,
    /// Behaviour-preserving under the checked preconditions; applied by `--write`.
    Safe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::DisplayOnly => "display-only",
            Applicability::Unsafe => "unsafe",
            Applicability::Safe => "safe",
        }
    }
}

/// Imports are never edited as text by a transform; it declares what it needs and the engine plans the block.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ImportChange {
    /// The file must import `path`; `name` is the local name the fix's text uses (`_` for a blank import).
    Add { path: String, name: String },
    /// Remove the import of `path` if no reference to it remains after the edits.
    RemoveIfUnused { path: String },
    /// Remove the blank import (`_ "path"`) of `path` unconditionally, with a comment that documents only it.
    RemoveBlank { path: String },
}

/// Edits to module files, applied once per module however many fixes ask for them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ModuleEdit {
    /// Add `require <module> <version>` to go.mod (in the first require block, or a new line).
    Require {
        gomod: PathBuf,
        module: String,
        version: String,
    },
    /// Add these lines to go.sum (kept sorted), creating the file if needed.
    SumLines { gosum: PathBuf, lines: Vec<String> },
    /// Create `path` with these bytes (a binary file such as `default.pgo`); nothing happens if it exists.
    CreateFile {
        path: PathBuf,
        bytes: std::sync::Arc<Vec<u8>>,
    },
}

/// One fix: all of its edits are applied together or not at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    /// Edits keyed by the index of the file in its package.
    pub edits: Vec<(usize, Edit)>,
    pub imports: Vec<(usize, ImportChange)>,
    pub module_edits: Vec<ModuleEdit>,
    pub applicability: Applicability,
}

impl Fix {
    pub fn new(title: impl Into<String>, applicability: Applicability) -> Fix {
        Fix {
            title: title.into(),
            edits: vec![],
            imports: vec![],
            module_edits: vec![],
            applicability,
        }
    }
    pub fn safe(title: impl Into<String>) -> Fix {
        Fix::new(title, Applicability::Safe)
    }
    pub fn unsafe_fix(title: impl Into<String>) -> Fix {
        Fix::new(title, Applicability::Unsafe)
    }
    pub fn edit(mut self, file: usize, edit: Edit) -> Fix {
        self.edits.push((file, edit));
        self
    }
    pub fn import(mut self, file: usize, change: ImportChange) -> Fix {
        self.imports.push((file, change));
        self
    }
    pub fn module_edit(mut self, e: ModuleEdit) -> Fix {
        self.module_edits.push(e);
        self
    }

    /// Sorts edits (insertions before replacements at one offset, insertion order otherwise kept) and checks
    /// that they do not overlap; an overlap is a bug in the transform that built the fix.
    pub fn normalise(&mut self) -> Result<(), String> {
        self.edits
            .sort_by_key(|(f, e)| (*f, e.range.start, !e.range.is_empty(), e.range.end));
        for w in self.edits.windows(2) {
            let ((fa, a), (fb, b)) = (&w[0], &w[1]);
            if fa == fb && a.range.end > b.range.start {
                return Err(format!("overlapping edits {:?} and {:?}", a.range, b.range));
            }
        }
        Ok(())
    }
}

/// Applies non-overlapping edits to `text` back to front (insertions at one offset keep their listed
/// order).
pub fn apply_edits(text: &str, mut edits: Vec<Edit>) -> String {
    let mut text = text.to_string();
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    for e in edits.iter().rev() {
        text.replace_range(e.range.start..e.range.end, &e.content);
    }
    text
}

/// Whether a transform can produce fixes at all; the harness checks this against what it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixAvailability {
    Always,
    Sometimes,
    /// Detect-only: reports, and at most a display-only suggestion.
    Never,
}

impl FixAvailability {
    pub fn as_str(self) -> &'static str {
        match self {
            FixAvailability::Always => "always",
            FixAvailability::Sometimes => "sometimes",
            FixAvailability::Never => "detect-only",
        }
    }
}
