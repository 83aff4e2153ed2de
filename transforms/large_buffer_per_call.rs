//! # large-buffer-per-call (R7.2)
//!
//! ## What it does
//! Reports `buf := make([]byte, N)` (or `var buf = make([]byte, N)`) inside a function when `N` is a
//! constant of at least 32 KiB and the buffer is scratch space: every later use of `buf` reads into it,
//! writes from it, copies, indexes or measures it, or hands it to a helper call (named in the message),
//! and it is never returned, stored or shared.
//!
//! ## Why is this bad?
//! Every call allocates and zeroes a fresh block of `N` bytes. Above 32 KiB the allocation skips the
//! per-processor caches and takes the large-object path to the heap (under its lock); at exactly 32 KiB
//! it is the largest size class. At thousands of calls per second that is hundreds of megabytes per
//! second of garbage, so the collector runs more often for memory that is dead as soon as the function
//! returns. A scratch buffer that never leaves the function can be reused: a `sync.Pool` of `*[]byte`, a
//! buffer owned by the caller or by a long-lived struct.
//!
//! ## Example
//! ```go
//! package proxy
//!
//! import (
//! 	"io"
//! 	"net"
//! )
//!
//! func pipe(dst, src net.Conn) error {
//! 	buf := make([]byte, 64<<10)
//! 	for {
//! 		n, err := src.Read(buf)
//! 		if n > 0 {
//! 			if _, werr := dst.Write(buf[:n]); werr != nil {
//! 				return werr
//! 			}
//! 		}
//! 		if err == io.EOF {
//! 			return nil
//! 		}
//! 		if err != nil {
//! 			return err
//! 		}
//! 	}
//! }
//! ```
//!
//! ## Use instead
//! ```go
//! package proxy
//!
//! import (
//! 	"io"
//! 	"net"
//! 	"sync"
//! )
//!
//! var bufPool = sync.Pool{New: func() any {
//! 	b := make([]byte, 64<<10)
//! 	return &b
//! }}
//!
//! func pipe(dst, src net.Conn) error {
//! 	bp := bufPool.Get().(*[]byte)
//! 	defer bufPool.Put(bp)
//! 	buf := *bp
//! 	for {
//! 		n, err := src.Read(buf)
//! 		if n > 0 {
//! 			if _, werr := dst.Write(buf[:n]); werr != nil {
//! 				return werr
//! 			}
//! 		}
//! 		if err == io.EOF {
//! 			return nil
//! 		}
//! 		if err != nil {
//! 			return err
//! 		}
//! 	}
//! }
//! ```
//!
//! ## Fix safety
//! No fix: report only. Pooling a buffer is safe only when no reference to it survives the call (which
//! the checks above approximate without types), and it trades memory held between calls for fewer
//! allocations; the size, the pool and who returns the buffer are design choices.
//!
//! ## Version gating
//! None: the allocation has cost the same way since Go 1.0 (`sync.Pool` exists since Go 1.3).
//!
//! ## When it does not fire
//! - The size is not a constant we can evaluate (integer literals combined with `<<`, `*`, `+`, `-` and
//!   parentheses, and constants declared with such values in the function or the package), or it is
//!   below 32768. The size counted is the capacity when one is given.
//! - The element type is not `byte` or `uint8`, or `make` is shadowed.
//! - Code that runs once or is measured: package-level variables, `init`, `main` in package `main`, and
//!   test code (`*_test.go`, files importing `testing`, `Test*`/`Benchmark*`/`Fuzz*`/`Example*`).
//! - The buffer may outlive the call or be shared, so reuse would be wrong: the `make` is not bound to a
//!   single new variable, or the variable is returned (also as `buf[:n]`), assigned or aliased, stored
//!   in a struct, map, slice or channel, appended, captured by a function literal, redeclared, or
//!   handed to a goroutine (`go f(buf)`), or filled by `runtime.Stack` (a stack dump, R7.3's concern).
//! - Code that runs once or rarely (`crate::semantic::flow`): constructors (`New…`), teardown (`Close`, `Shutdown`),
//!   set-up, configuration and reload functions, and error paths (`if err != nil { … }`, a deferred
//!   `if r := recover(); r != nil { … }` that formats the panic's stack).
//!
//! A buffer passed to other calls than `copy`, `len`, `cap`, `clear`, a `string(...)` conversion, a
//! `Read`, `ReadAt`, `ReadFull`, `Write` or `WriteAt` method (the `io.Reader`/`io.Writer` contracts forbid
//! keeping the slice), `io.ReadFull`, `io.ReadAtLeast` or `io.CopyBuffer` is still reported: the message
//! names the helpers and says to check that they keep no part of it before pooling it.
//!
//! ## References
//! `mallocgc` and `maxSmallSize` in `src/runtime/malloc.go`; `sync.Pool` in `src/sync/pool.go`; the
//! `io.Reader` and `io.Writer` documentation ("Implementations must not retain p").

use crate::read::syntax;
use crate::rules::fix::TextRange;
use crate::rules::removal::in_test_code;
use crate::rules::transform::{Ctx, Match, Meta, Transform};
use crate::semantic::flow;
use crate::semantic::package::{Package, PkgFile};
use tree_sitter::Node;

pub(crate) static TRANSFORM: Transform = Transform {
    meta: Meta {
        code: "R7.2",
        name: "large-buffer-per-call",
        summary: "make([]byte, N) with constant N >= 32 KiB per call: a large allocation for scratch space",
        fix: crate::rules::fix::FixAvailability::Never,
        prefilter: &["make"],
        calls: &[],
        tier: crate::rules::transform::Tier::BehindProfile,
        status: crate::rules::transform::Status::Preview,
        options: &[],
    },
    source: include_str!("large_buffer_per_call.rs"),
    query: QUERY,
    run,
    precheck: |bytes, _| {
        makes_byte_slice(bytes) && !crate::semantic::prefilter::imports(bytes, "testing")
    },
    other_files: None,
};

const QUERY: &str = r#"
((call_expression
   function: (identifier) @fn
   arguments: (argument_list . (slice_type element: (type_identifier) @elem))) @match
 (#eq? @fn "make")
 (#any-of? @elem "byte" "uint8"))
"#;

/// Whether the package declares its own `make` (a package fact: asked once, not per call).
#[derive(Clone)]
struct MakeDeclared(bool);

/// The smallest size we report: the largest small-object size class; anything above is a large object.
const THRESHOLD: i64 = 32 << 10;

fn run(cx: &mut Ctx<'_>, m: &Match<'_>) -> Option<()> {
    let call = m.node("match")?;
    let file = cx.file();
    let pkg = cx.pkg;
    // Inside a function declaration only (package-level initializers run once).
    let top = syntax::enclosing_top_function(call)?;
    let func = syntax::enclosing_function(call)?;
    // Once-only and measured code.
    let top_name = top
        .child_by_field_name("name")
        .map(|n| file.node_text(n))
        .unwrap_or_default();
    if top.kind() == "function_declaration"
        && (top_name == "init" || (top_name == "main" && pkg.is_main()))
    {
        return None;
    }
    // The cheap structural checks first: most `make([]byte, n)` fail one, and the walks below are per call.
    let args = call
        .child_by_field_name("arguments")
        .map(syntax::named_children)
        .unwrap_or_default();
    if args.len() < 2 || args.len() > 3 {
        return None;
    }
    // Bound to one new variable (used only as scratch space: `scratch_only` below).
    let name = bound_name(file, call)?;
    if in_test_code(file, call) || pkg.fact(|p| MakeDeclared(p.declares_top_level("make"))).0 {
        return None;
    }
    // The size: capacity if given, else length; every given size argument must be constant.
    let mut size = 0;
    for a in &args[1..] {
        let v = const_value(pkg, file, top, *a, 0)?;
        size = size.max(v);
    }
    if size < THRESHOLD {
        return None;
    }
    // `make` is the builtin.
    if syntax::declares_name(top, "make", &file.text) {
        return None;
    }
    let helpers = scratch_only(file, func, call, &name)?;
    // Constructors, teardown and configuration run once or rarely: not a per-call cost.
    if flow::one_shot_function(top, &file.text).is_some() || flow::in_error_branch(call, &file.text)
    {
        return None;
    }
    let path = if size > THRESHOLD {
        "the large-object path, straight from the heap"
    } else {
        "the largest size class"
    };
    let when = if syntax::enclosing_loop(call).is_some() {
        "on every loop iteration"
    } else {
        "on every call"
    };
    let msg = if helpers.is_empty() {
        format!(
            "allocates and zeroes {size} bytes {when} ({path}; GC pressure) for a buffer that never leaves the function; reuse one (a sync.Pool of *[]byte, or a buffer owned by the caller)"
        )
    } else {
        // Passed to helpers: nothing shows they keep it, but pooling is right only if they do not.
        let list = helpers
            .iter()
            .map(|h| format!("`{h}`"))
            .collect::<Vec<_>>()
            .join(" and ");
        format!(
            "allocates and zeroes {size} bytes {when} ({path}; GC pressure) for a scratch buffer handed to {list}; reuse one (a sync.Pool of *[]byte, or a buffer owned by the caller) once you have checked that {} no part of it after the call returns (a result that points into the buffer would see it overwritten by the next call)",
            if helpers.len() == 1 {
                "it keeps"
            } else {
                "they keep"
            }
        )
    };
    cx.report(TextRange::of(call), msg);
    Some(())
}

/// Could `bytes` hold a reportable call: `= make([]byte, ...)` or `= make([]uint8, ...)` (bound with `:=` or
/// `=` — the rule only reports buffers bound to a new variable), any white space between the tokens, whose
/// length or capacity is not plainly small (`len(x)`, `cap(x)`, or a decimal literal below 32 KiB)?
fn makes_byte_slice(bytes: &[u8]) -> bool {
    fn skip_ws(b: &[u8]) -> &[u8] {
        let n = b
            .iter()
            .position(|c| !c.is_ascii_whitespace())
            .unwrap_or(b.len());
        &b[n..]
    }
    fn token<'a>(b: &'a [u8], t: &[u8]) -> Option<&'a [u8]> {
        skip_ws(b).strip_prefix(t)
    }
    /// The argument at the start of `b` is plainly small; returns what follows it when that is `,`.
    fn small_arg(b: &[u8]) -> Option<Option<&[u8]>> {
        let b = skip_ws(b);
        if b.starts_with(b"len(") || b.starts_with(b"cap(") {
            let close = b.iter().position(|c| *c == b')')?;
            let after = skip_ws(&b[close + 1..]);
            return if after.starts_with(b")") {
                Some(None)
            } else {
                after.strip_prefix(b",").map(Some)
            };
        }
        let digits = b
            .iter()
            .take_while(|c| c.is_ascii_digit() || **c == b'_')
            .count();
        let value: u64 = std::str::from_utf8(&b[..digits])
            .ok()?
            .replace('_', "")
            .parse()
            .ok()?;
        if value >= 32 * 1024 || b.first() == Some(&b'0') && digits > 1 {
            return None;
        }
        let after = skip_ws(&b[digits..]);
        if after.starts_with(b")") {
            Some(None)
        } else {
            after.strip_prefix(b",").map(Some)
        }
    }
    memchr::memmem::find_iter(bytes, b"make").any(|at| {
        let bound = bytes[..at].trim_ascii_end().ends_with(b"=");
        let args = token(&bytes[at + 4..], b"(")
            .and_then(|r| token(r, b"["))
            .and_then(|r| token(r, b"]"))
            .map(skip_ws)
            .and_then(|r| r.strip_prefix(b"byte").or_else(|| r.strip_prefix(b"uint8")))
            .and_then(|r| token(r, b","));
        bound
            && args.is_some_and(|a| match small_arg(a) {
                None => true,
                Some(None) => false,
                Some(Some(cap)) => !matches!(small_arg(cap), Some(None)),
            })
    })
}

/// The variable a `name := make(...)` / `var name = make(...)` declares, if the call is its only value.
fn bound_name(file: &PkgFile, call: Node<'_>) -> Option<String> {
    let list = call.parent()?;
    if list.kind() != "expression_list" || syntax::named_children(list).len() != 1 {
        return None;
    }
    let decl = list.parent()?;
    let left = match decl.kind() {
        "short_var_declaration" => decl.child_by_field_name("left")?,
        "var_spec" => {
            let mut cursor = decl.walk();
            let names: Vec<Node<'_>> = decl.children_by_field_name("name", &mut cursor).collect();
            if names.len() != 1 {
                return None;
            }
            return Some(file.node_text(names[0]).to_string());
        }
        _ => return None,
    };
    let names = syntax::named_children(left);
    match names.as_slice() {
        [n] if n.kind() == "identifier" && file.node_text(*n) != "_" => {
            Some(file.node_text(*n).to_string())
        }
        _ => None,
    }
}

/// Is every mention of `name` in `func` after the declaration a scratch-space use, with no other
/// declaration of the name in the function? The helpers it is handed to (calls that may or may not keep
/// it), in order; `None` when it is not scratch space.
fn scratch_only(file: &PkgFile, func: Node<'_>, call: Node<'_>, name: &str) -> Option<Vec<String>> {
    let mut decls = 0;
    let mut ok = true;
    let mut helpers: Vec<String> = vec![];
    syntax::walk(func, &mut |n| {
        if !ok {
            return;
        }
        decls += syntax::declared_names(n)
            .iter()
            .filter(|d| file.node_text(**d) == name)
            .count();
        if n.kind() != "identifier" || file.node_text(n) != name || n.end_byte() <= call.end_byte()
        {
            return;
        }
        // A use in a nested function literal may outlive the call.
        if syntax::enclosing_function(n).map(|f| f.id()) != Some(func.id()) {
            ok = false;
            return;
        }
        ok = local_use(file, n, name, &mut helpers);
    });
    (ok && decls == 1).then_some(helpers)
}

/// Is the expression `e` (the buffer `name`, or a slice of it) used only as scratch space?
fn local_use(file: &PkgFile, e: Node<'_>, name: &str, helpers: &mut Vec<String>) -> bool {
    let Some(parent) = e.parent() else {
        return false;
    };
    let is_field = |field: &str| {
        parent
            .child_by_field_name(field)
            .is_some_and(|o| o.id() == e.id())
    };
    match parent.kind() {
        "parenthesized_expression" => local_use(file, parent, name, helpers),
        // `buf[i]` is a byte (a value or an assignment target).
        "index_expression" => is_field("operand"),
        // `buf[a:b]` is the buffer again.
        "slice_expression" => is_field("operand") && local_use(file, parent, name, helpers),
        "range_clause" => is_field("right"),
        // Only a comparison with nil can take a slice operand.
        "binary_expression" => true,
        // `buf = buf[:n]`: the variable is reassigned a slice of itself.
        "expression_list" => parent
            .parent()
            .is_some_and(|stmt| is_self_assignment(file, stmt, parent, name)),
        "argument_list" => parent
            .parent()
            .is_some_and(|c| scratch_call(file, c) || helper_call(file, c, helpers)),
        _ => false,
    }
}

/// Is `stmt` an assignment `name = <list>` or `<list> = ...` with one name on the left, `list` being either
/// side, where the left is `name` itself?
fn is_self_assignment(file: &PkgFile, stmt: Node<'_>, list: Node<'_>, name: &str) -> bool {
    if stmt.kind() != "assignment_statement"
        || stmt
            .child_by_field_name("operator")
            .is_some_and(|o| file.node_text(o) != "=")
    {
        return false;
    }
    let Some(left) = stmt.child_by_field_name("left") else {
        return false;
    };
    let lefts = syntax::named_children(left);
    let [l] = lefts.as_slice() else {
        return false;
    };
    let rights = syntax::named_children(list);
    rights.len() == 1 && l.kind() == "identifier" && file.node_text(*l) == name
}

/// A call of a helper (a function or method, not `append`, not in a `go` statement) that may or may not keep
/// the buffer: recorded for the message's caveat.
fn helper_call(file: &PkgFile, call: Node<'_>, helpers: &mut Vec<String>) -> bool {
    let Some(f) = call.child_by_field_name("function") else {
        return false;
    };
    // A stack dump (`runtime.Stack(buf, …)`) costs far more than its buffer, and R7.3 owns it; debug
    // endpoints that dump stacks are the legitimate use.
    if call.parent().is_some_and(|p| p.kind() == "go_statement")
        || file.is_pkg_call(call, "runtime", "Stack")
    {
        return false;
    }
    let name = match f.kind() {
        "identifier" if file.node_text(f) != "append" => file.node_text(f),
        "selector_expression" => file.node_text(f),
        _ => return false,
    };
    if name.len() > 40 || name.contains('\n') {
        return false;
    }
    if !helpers.iter().any(|h| h == name) {
        helpers.push(name.to_string());
    }
    true
}

/// Calls that use a byte slice argument without keeping it.
fn scratch_call(file: &PkgFile, call: Node<'_>) -> bool {
    let Some(f) = call.child_by_field_name("function") else {
        return false;
    };
    match f.kind() {
        "identifier" => matches!(
            file.node_text(f),
            "copy" | "len" | "cap" | "clear" | "string"
        ),
        "selector_expression" => {
            let field = f
                .child_by_field_name("field")
                .map(|x| file.node_text(x))
                .unwrap_or_default();
            if ["ReadFull", "ReadAtLeast", "CopyBuffer"]
                .iter()
                .any(|m| file.is_pkg_call(call, "io", m))
            {
                return true;
            }
            // Methods bound by the io.Reader / io.Writer contracts.
            matches!(field, "Read" | "ReadAt" | "ReadFull" | "Write" | "WriteAt")
        }
        _ => false,
    }
}

/// The value of a constant integer expression, or `None`.
fn const_value(
    pkg: &Package,
    file: &PkgFile,
    scope: Node<'_>,
    e: Node<'_>,
    depth: usize,
) -> Option<i64> {
    if depth > 8 {
        return None;
    }
    match e.kind() {
        "int_literal" => parse_int(file.node_text(e)),
        "parenthesized_expression" => const_value(
            pkg,
            file,
            scope,
            syntax::named_children(e).into_iter().next()?,
            depth,
        ),
        "binary_expression" => {
            let l = const_value(pkg, file, scope, e.child_by_field_name("left")?, depth)?;
            let r = const_value(pkg, file, scope, e.child_by_field_name("right")?, depth)?;
            let op = file.node_text(e.child_by_field_name("operator")?);
            match op {
                "+" => l.checked_add(r),
                "-" => l.checked_sub(r),
                "*" => l.checked_mul(r),
                "<<" if (0..62).contains(&r) => l.checked_shl(r as u32),
                _ => None,
            }
        }
        "identifier" => const_of_name(pkg, file, scope, file.node_text(e), depth + 1),
        _ => None,
    }
}

/// A constant `name` declared with one value: in the function if it declares the name there (only as a
/// constant), else at package level in any file of the package.
fn const_of_name(
    pkg: &Package,
    file: &PkgFile,
    scope: Node<'_>,
    name: &str,
    depth: usize,
) -> Option<i64> {
    if syntax::declares_name(scope, name, &file.text) {
        let spec = single_const_spec(file, scope, name)?;
        return const_value(pkg, file, scope, spec, depth);
    }
    let mut found = None;
    // Only a file that spells the name (and has a const or var block) can declare it; others stay unparsed.
    let may_declare = |f: &PkgFile| {
        let b = f.text.as_bytes();
        memchr::memmem::find(b, name.as_bytes()).is_some()
            && (memchr::memmem::find(b, b"const").is_some()
                || memchr::memmem::find(b, b"var").is_some())
    };
    for (i, f) in pkg.files.iter().enumerate().filter(|(_, f)| may_declare(f)) {
        let root = f.tree().root_node();
        for decl in syntax::named_children(root) {
            if decl.kind() != "const_declaration" && decl.kind() != "var_declaration" {
                continue;
            }
            if !syntax::declares_name(decl, name, &f.text) {
                continue;
            }
            if decl.kind() == "var_declaration" || found.is_some() {
                return None;
            }
            found = Some(i);
        }
    }
    let f = &pkg.files[found?];
    let root = f.tree().root_node();
    let spec = single_const_spec(f, root, name)?;
    // Package-level constants may only refer to other package-level constants: resolve in `f`.
    const_value(pkg, f, root, spec, depth)
}

/// The value expression of the only declaration of `name` in `scope`, if it is a `const` spec with
/// exactly one name and one value (no iota-implied repetition).
fn single_const_spec<'t>(file: &PkgFile, scope: Node<'t>, name: &str) -> Option<Node<'t>> {
    let mut specs = vec![];
    let mut other = false;
    syntax::walk(scope, &mut |n| {
        let names = syntax::declared_names(n);
        if !names.iter().any(|d| file.node_text(*d) == name) {
            return;
        }
        if n.kind() == "const_spec" && names.len() == 1 {
            specs.push(n);
        } else {
            other = true;
        }
    });
    if other || specs.len() != 1 {
        return None;
    }
    let value = specs[0].child_by_field_name("value")?;
    let vals = syntax::named_children(value);
    match vals.as_slice() {
        [v] if !file.node_text(*v).contains("iota") => Some(*v),
        _ => None,
    }
}

fn parse_int(text: &str) -> Option<i64> {
    syntax::int_literal(text).and_then(|v| i64::try_from(v).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{check_detect_only_go, check_no_fix_go};

    fn body(decls: &str, stmts: &str) -> String {
        format!(
            "package m\n\nimport \"io\"\n\n{decls}func f(r io.Reader, w io.Writer) error {{\n{stmts}\treturn nil\n}}\n"
        )
    }

    #[test]
    fn reports_scratch_buffers() {
        for (decls, size) in [
            ("", "64 << 10"),
            ("", "32 * 1024"),
            ("const bufSize = 1 << 16\n\n", "bufSize"),
            (
                "const (\n\tkb = 1024\n\tbufSize = 40 * kb\n)\n\n",
                "bufSize",
            ),
        ] {
            let src = body(
                decls,
                &format!(
                    "\tbuf := make([]byte, {size})\n\tn, err := io.ReadFull(r, buf)\n\tif err != nil {{\n\t\treturn err\n\t}}\n\t_, err = w.Write(buf[:n])\n\tif err != nil {{\n\t\treturn err\n\t}}\n"
                ),
            );
            let msgs = check_detect_only_go(&TRANSFORM, "1.22", &src);
            assert_eq!(msgs.len(), 1, "{src}");
        }
    }

    #[test]
    fn small_or_variable_sizes_are_fine() {
        for size in ["4096", "32<<10 - 1", "n", "int(n)"] {
            let src = format!(
                "package m\n\nimport \"io\"\n\nfunc f(r io.Reader, n int) {{\n\tbuf := make([]byte, {size})\n\tr.Read(buf)\n}}\n"
            );
            check_no_fix_go(&TRANSFORM, "1.22", &src);
        }
    }

    #[test]
    fn escaping_buffers_are_not_scratch() {
        for use_ in [
            "\treturn buf[:n]\n",
            "\ts.data = buf\n\treturn nil\n",
            "\tch <- buf\n\treturn nil\n",
            "\tgo keep(buf)\n\treturn nil\n",
            "\tgo func() { _ = buf }()\n\treturn nil\n",
            "\tother := buf[:n]\n\treturn other\n",
        ] {
            let src = format!(
                "package m\n\nimport \"io\"\n\ntype st struct{{ data []byte }}\n\nvar s st\nvar ch chan []byte\n\nfunc keep([]byte) {{}}\n\nfunc f(r io.Reader) []byte {{\n\tbuf := make([]byte, 64<<10)\n\tn, _ := r.Read(buf)\n\t_ = n\n{use_}}}\n"
            );
            check_no_fix_go(&TRANSFORM, "1.22", &src);
        }
    }

    #[test]
    fn helpers_are_named_with_the_retention_caveat() {
        let src = "package m\n\nimport \"io\"\n\nfunc fill([]byte) int { return 0 }\n\nfunc f(r io.Reader) int {\n\tbuf := make([]byte, 64<<10)\n\tn, _ := r.Read(buf)\n\treturn fill(buf[:n])\n}\n";
        let msgs = check_detect_only_go(&TRANSFORM, "1.22", src);
        assert!(
            msgs[0].contains("handed to `fill`") && msgs[0].contains("keeps no part of it"),
            "{msgs:?}"
        );
        // The same buffer in a constructor is made once.
        check_no_fix_go(&TRANSFORM, "1.22", &src.replace("func f(", "func NewF("));
    }

    #[test]
    fn self_reslice_stays_scratch() {
        let src = "package m\n\nimport \"io\"\n\nfunc f(r io.Reader) int {\n\tbuf := make([]byte, 64<<10)\n\tn, _ := r.Read(buf)\n\tbuf = buf[:n]\n\treturn len(buf)\n}\n";
        assert_eq!(check_detect_only_go(&TRANSFORM, "1.22", src).len(), 1);
    }

    #[test]
    fn precheck_spots_byte_slices_only() {
        assert!(makes_byte_slice(b"x := make([]byte, 64<<10)"));
        assert!(makes_byte_slice(b"x := make( [ ] uint8 , size)"));
        assert!(makes_byte_slice(b"var x = make([]byte, 0, 0x8000)"));
        assert!(makes_byte_slice(b"x := make([]byte, 0, bufSize)"));
        assert!(!makes_byte_slice(b"x := make([]int, 1<<20); y := []byte{}"));
        // Plainly small sizes, and calls not bound to a variable, cannot be reported.
        assert!(!makes_byte_slice(
            b"x := make([]byte, 10)\ny := make([]byte, len(s))\nz := make([]byte, 0, 512)"
        ));
        assert!(!makes_byte_slice(b"return make([]byte, 1<<20)"));
    }

    #[test]
    fn not_in_main_or_init() {
        let src = "package main\n\nimport \"os\"\n\nfunc main() {\n\tbuf := make([]byte, 1<<20)\n\tos.Stdin.Read(buf)\n}\n";
        check_no_fix_go(&TRANSFORM, "1.22", src);
    }
}
