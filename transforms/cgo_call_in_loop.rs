//! # cgo-call-in-loop (R7.12)
//!
//! ## What it does
//! Reports a call of a C function through cgo (`C.name(...)`, in a file with `import "C"`) that sits
//! inside a per-element loop of the same function: a `range` over a slice, array, map or integer, or a
//! counted `for i := 0; i < n; i++` loop; also a call, in such a loop, of a thin Go wrapper declared in
//! the same file whose body is one statement holding one such C call
//! (`func cal(x float64) float64 { return float64(C.calibrate(C.double(x))) }`). One finding per loop,
//! on its first such call.
//!
//! ## Why is this bad?
//! A cgo call is not an ordinary function call. The goroutine switches to the system stack, the
//! runtime records that its thread has left Go (so the scheduler can hand the P to another thread if
//! the call blocks), the arguments are checked against the cgo pointer rules, and on return the
//! goroutine has to reacquire a P. That is tens of nanoseconds before any C code runs, paid once per
//! element here. When the C work per element is small (a conversion, a lookup, a hash), the crossing
//! dominates; a C function that takes the whole array does the same work for the price of one crossing,
//! and the C side can vectorise the loop.
//!
//! ## Example
//! ```go
//! package sensors
//!
//! /*
//! static double calibrate(double raw) { return raw * 1.0042 - 0.37; }
//! */
//! import "C"
//!
//! func Calibrate(readings []float64) {
//! 	for i, r := range readings {
//! 		readings[i] = float64(C.calibrate(C.double(r)))
//! 	}
//! }
//! ```
//!
//! ## Use instead
//! ```go
//! package sensors
//!
//! /*
//! #include <stddef.h>
//! static void calibrate_all(double *v, size_t n) {
//! 	for (size_t i = 0; i < n; i++) v[i] = v[i] * 1.0042 - 0.37;
//! }
//! */
//! import "C"
//!
//! func Calibrate(readings []float64) {
//! 	if len(readings) == 0 {
//! 		return
//! 	}
//! 	C.calibrate_all((*C.double)(&readings[0]), C.size_t(len(readings)))
//! }
//! ```
//!
//! ## Fix safety
//! No fix: report only. A batch entry point has to be written on the C side, must check its length
//! argument (Go's bounds checks stop at the boundary) and needs a way to report per-element errors; a
//! very large batch also holds the thread in C for longer. Tier: behind a profile — worth it only where
//! the loop is hot.
//!
//! ## Version gating
//! None: the cost of a cgo call has this shape in every Go version (it got cheaper over the years, but
//! it is still a stack switch and scheduler bookkeeping).
//!
//! ## When it does not fire
//! - The call is already a chunk: an argument passes the address of a slice or array element
//!   (`&buf[i]`, `unsafe.Pointer(&b[off])`), a slice expression or `unsafe.SliceData(...)` — C gets a run
//!   of elements (a `write`-style call per block), or the loop steps by something other than one
//!   (`i += chunk`).
//! - The call does not run per element (`crate::semantic::flow`): it sits in an error branch (`if err != nil`) or a
//!   branch that leaves the loop (`break`, `return`, `panic`), or in a one-shot function (`init`, `New…`,
//!   `Close`, `Shutdown`, configuration and reload functions).
//! - The loop is not per element: `for { }` and `for cond { }` loops (event and poll loops), `range`
//!   over a channel declared in the function or over a call's result (other than `len(...)`), a
//!   counted loop bounded by an integer literal of 16 or less (or a constant of the file with such a
//!   value), or `range` over such a literal.
//! - cgo's own helpers and memory management, which surround the real call rather than do the work:
//!   `C.CString`, `C.CBytes`, `C.GoString`, `C.GoStringN`, `C.GoBytes`, `C.malloc`, `C.calloc`,
//!   `C.realloc`, `C.free`. Building an array of C strings one element at a time is how it is done.
//! - Conversions to C types (`C.int(x)`, `C.size_t(n)`, `C.struct_point(...)`, and any `C.name` the file
//!   also uses as a type) and C calls nested in another C call's arguments.
//! - A call in a function literal, a `go` or `defer` statement; a call through a Go function that does
//!   more than wrap one C call, or that is declared in another file; test code.
//!
//! ## References
//! `cmd/cgo` documentation (`src/cmd/cgo/doc.go`, "Passing pointers"); `runtime.cgocall` in
//! `src/runtime/cgocall.go`.

use crate::read::syntax;
use crate::rules::fix::TextRange;
use crate::rules::removal::in_test_code;
use crate::rules::transform::{Ctx, Match, Meta, Transform};
use crate::semantic::flow;
use crate::semantic::package::PkgFile;
use tree_sitter::Node;

pub(crate) static TRANSFORM: Transform = Transform {
    meta: Meta {
        code: "R7.12",
        name: "cgo-call-in-loop",
        summary: "a cgo call per element of a loop pays the Go-to-C transition each time; batch it",
        fix: crate::rules::fix::FixAvailability::Never,
        prefilter: &["\"C\""],
        calls: &[],
        tier: crate::rules::transform::Tier::BehindProfile,
        status: crate::rules::transform::Status::Preview,
        options: &[],
    },
    source: include_str!("cgo_call_in_loop.rs"),
    query: QUERY,
    run,
    precheck: |bytes, _| {
        crate::semantic::prefilter::imports(bytes, "C")
            && !crate::semantic::prefilter::imports(bytes, "testing")
    },
    other_files: None,
};

const QUERY: &str = r#"
[
  ((call_expression
     function: (selector_expression
       operand: (identifier) @pkg
       field: (field_identifier) @fn)) @match
   (#eq? @pkg "C"))
  (call_expression function: (identifier)) @match
]
"#;

/// cgo helpers and C memory management: bookkeeping around the call that does the work.
const HELPERS: &[&str] = &[
    "CString",
    "CBytes",
    "GoString",
    "GoStringN",
    "GoBytes",
    "malloc",
    "calloc",
    "realloc",
    "free",
];

/// cgo's names for C's numeric types (`cmd/cgo` documentation), used in conversions.
const C_TYPES: &[&str] = &[
    "char",
    "schar",
    "uchar",
    "short",
    "ushort",
    "int",
    "uint",
    "long",
    "ulong",
    "longlong",
    "ulonglong",
    "float",
    "double",
    "complexfloat",
    "complexdouble",
    "size_t",
    "ssize_t",
    "uintptr_t",
    "intptr_t",
    "ptrdiff_t",
    "off_t",
    "bool",
    "_Bool",
    "int8_t",
    "int16_t",
    "int32_t",
    "int64_t",
    "uint8_t",
    "uint16_t",
    "uint32_t",
    "uint64_t",
];

/// Loops bounded by a literal this small are not per element of anything large.
const SMALL_COUNT: u128 = 16;

fn run(cx: &mut Ctx<'_>, m: &Match<'_>) -> Option<()> {
    let call = m.node("match")?;
    let file = cx.file();
    let what = crossing(file, call)?;
    let lp = per_item_loop(file, call)?;
    if in_test_code(file, call) {
        return None;
    }
    // Not per element: an error branch or a branch that leaves the loop, or a one-shot function.
    let src = file.text.as_str();
    if flow::cold_in_loop(call, lp, src).is_some()
        || syntax::enclosing_top_function(call)
            .is_some_and(|f| flow::one_shot_function(f, src).is_some())
    {
        return None;
    }
    // One finding per loop: only its first qualifying call reports.
    let mut first = None;
    syntax::walk(lp, &mut |n| {
        if first.is_none()
            && n.kind() == "call_expression"
            && crossing(file, n).is_some()
            && per_item_loop(file, n) == Some(lp)
        {
            first = Some(n.id());
        }
    });
    if first != Some(call.id()) {
        return None;
    }
    let msg = format!(
        "{what} is called once per element of this loop, and every cgo call pays the Go-to-C transition (a stack switch and scheduler bookkeeping, tens of nanoseconds) before any C work; where a profile shows the loop hot, give the C side a function that takes the whole array (pointer and length) and call it once"
    );
    cx.report(TextRange::of(call), msg);
    Some(())
}

/// What `call` crosses into C with, for the message: a cgo work call (`C.name`), or a call of a thin
/// Go wrapper declared in this file whose body is one statement holding one such call.
fn crossing(file: &PkgFile, call: Node<'_>) -> Option<String> {
    let f = call.child_by_field_name("function")?;
    if is_work_call(file, call) {
        return Some(format!("`{}`", file.node_text(f)));
    }
    if f.kind() != "identifier" {
        return None;
    }
    let name = file.node_text(f);
    if call
        .parent()
        .is_some_and(|p| matches!(p.kind(), "go_statement" | "defer_statement"))
        || syntax::enclosing_top_function(call)
            .is_some_and(|t| syntax::declares_name(t, name, &file.text))
    {
        return None;
    }
    let inner = wrapped_call(file, name)?;
    Some(format!("`{name}` (a wrapper around `{inner}`)"))
}

/// The C function a top-level function `name` of this file wraps: its body is a single `return` or
/// expression statement holding exactly one cgo work call.
fn wrapped_call(file: &PkgFile, name: &str) -> Option<String> {
    let root = file.tree().root_node();
    let decl = syntax::named_children(root).into_iter().find(|d| {
        d.kind() == "function_declaration"
            && d.child_by_field_name("name")
                .is_some_and(|n| file.node_text(n) == name)
    })?;
    let body = decl.child_by_field_name("body")?;
    let [stmt] = syntax::block_statements(body)[..] else {
        return None;
    };
    if !matches!(stmt.kind(), "return_statement" | "expression_statement") {
        return None;
    }
    let mut calls = Vec::new();
    syntax::walk(stmt, &mut |n| {
        if n.kind() == "call_expression" && is_work_call(file, n) {
            calls.push(n);
        }
    });
    let [c] = calls[..] else {
        return None;
    };
    c.child_by_field_name("function")
        .map(|f| file.node_text(f).to_string())
}

/// Is `call` a cgo call of a C function that does work: `C` resolved to the cgo import, not a helper,
/// not a conversion to a C type, not nested in another C call's arguments, not `go`/`defer`, and no
/// argument hands C a run of elements?
fn is_work_call(file: &PkgFile, call: Node<'_>) -> bool {
    let Some(f) = call
        .child_by_field_name("function")
        .filter(|f| f.kind() == "selector_expression")
    else {
        return false;
    };
    let (Some(op), Some(field)) = (
        f.child_by_field_name("operand"),
        f.child_by_field_name("field"),
    ) else {
        return false;
    };
    if file.node_text(op) != "C" || !file.names_package(op, "C") {
        return false;
    }
    let name = file.node_text(field);
    if HELPERS.contains(&name) || is_c_type(file, name) {
        return false;
    }
    if call
        .parent()
        .is_some_and(|p| matches!(p.kind(), "go_statement" | "defer_statement"))
    {
        return false;
    }
    // Nested in the arguments of another C call (up to the enclosing statement).
    for a in syntax::ancestors(call).skip(1) {
        if a.kind().ends_with("_statement") || syntax::is_function(a) {
            break;
        }
        if a.kind() == "call_expression" && a.id() != call.id() && is_c_selector_call(file, a) {
            return false;
        }
    }
    !passes_a_run(file, call)
}

fn is_c_selector_call(file: &PkgFile, call: Node<'_>) -> bool {
    call.child_by_field_name("function")
        .filter(|f| f.kind() == "selector_expression")
        .and_then(|f| f.child_by_field_name("operand"))
        .is_some_and(|o| file.node_text(o) == "C" && file.names_package(o, "C"))
}

/// A C type name: cgo's numeric names, `struct_`/`union_`/`enum_` tags, or a name the file uses as a
/// type (`var x C.name`, `*C.name`, `[]C.name`).
fn is_c_type(file: &PkgFile, name: &str) -> bool {
    if C_TYPES.contains(&name)
        || ["struct_", "union_", "enum_"]
            .iter()
            .any(|p| name.starts_with(p))
    {
        return true;
    }
    let mut used_as_type = false;
    syntax::walk(file.tree().root_node(), &mut |n| {
        if used_as_type || n.kind() != "qualified_type" {
            return;
        }
        let pkg = n.child_by_field_name("package").map(|p| file.node_text(p));
        let ty = n.child_by_field_name("name").map(|p| file.node_text(p));
        used_as_type = pkg == Some("C") && ty == Some(name);
    });
    used_as_type
}

/// Does an argument pass the address of an element (`&b[i]`), a slice expression or
/// `unsafe.SliceData(...)`: a chunk of elements rather than one?
fn passes_a_run(file: &PkgFile, call: Node<'_>) -> bool {
    let Some(args) = call.child_by_field_name("arguments") else {
        return false;
    };
    let mut run = false;
    syntax::walk(args, &mut |n| {
        run |= match n.kind() {
            "slice_expression" => true,
            "unary_expression" => {
                n.child_by_field_name("operator")
                    .is_some_and(|o| file.node_text(o) == "&")
                    && n.child_by_field_name("operand").is_some_and(|o| {
                        o.kind() == "index_expression"
                            || (o.kind() == "selector_expression"
                                && o.child_by_field_name("operand")
                                    .is_some_and(|x| x.kind() == "index_expression"))
                    })
            }
            "call_expression" => file.is_pkg_call(n, "unsafe", "SliceData"),
            _ => false,
        };
    });
    run
}

/// The innermost loop around `call` (same function) that runs once per element; `None` when the loops
/// around it are event loops, constant-bounded or chunked.
fn per_item_loop<'t>(file: &PkgFile, call: Node<'t>) -> Option<Node<'t>> {
    let mut n = call;
    while let Some(lp) = syntax::enclosing_loop(n) {
        if is_per_item(file, lp) {
            return Some(lp);
        }
        n = lp;
    }
    None
}

fn is_per_item(file: &PkgFile, lp: Node<'_>) -> bool {
    let kids = syntax::named_children(lp);
    if let Some(rc) = kids.iter().find(|k| k.kind() == "range_clause") {
        let Some(right) = rc.child_by_field_name("right") else {
            return false;
        };
        return match right.kind() {
            "int_literal" => {
                syntax::int_literal(file.node_text(right)).is_some_and(|v| v > SMALL_COUNT)
            }
            "identifier" => !declared_as_channel(file, lp, file.node_text(right)),
            "selector_expression" | "index_expression" | "composite_literal" => true,
            // `range len(xs)` (Go 1.22 range over an integer).
            "call_expression" => right
                .child_by_field_name("function")
                .is_some_and(|f| file.node_text(f) == "len"),
            _ => false,
        };
    }
    let Some(fc) = kids.iter().find(|k| k.kind() == "for_clause") else {
        return false; // `for {}` or `for cond {}`
    };
    let Some(cond) = fc.child_by_field_name("condition") else {
        return false;
    };
    if cond.kind() != "binary_expression" {
        return false;
    }
    let op = cond
        .child_by_field_name("operator")
        .map(|o| file.node_text(o))
        .unwrap_or("");
    if !matches!(op, "<" | "<=" | ">" | ">=" | "!=") {
        return false;
    }
    for side in ["left", "right"] {
        if cond
            .child_by_field_name(side)
            .and_then(|s| small_constant(file, s))
            .is_some_and(|v| v <= SMALL_COUNT)
        {
            return false;
        }
    }
    // Stepping by one (`i++`, `i--`, `i += 1`); a larger step walks chunks.
    match fc.child_by_field_name("update") {
        Some(u) if u.kind() == "inc_statement" || u.kind() == "dec_statement" => true,
        Some(u) if u.kind() == "assignment_statement" => {
            let right = u
                .child_by_field_name("right")
                .map(|r| file.node_text(r).trim().to_string());
            right.as_deref() == Some("1")
        }
        _ => false,
    }
}

/// The value of an integer literal, or of an identifier the file declares once as a constant with an
/// integer literal value (`const channels = 4`).
fn small_constant(file: &PkgFile, e: Node<'_>) -> Option<u128> {
    match e.kind() {
        "int_literal" => syntax::int_literal(file.node_text(e)),
        "identifier" => {
            let name = file.node_text(e);
            let mut values = Vec::new();
            syntax::walk(file.tree().root_node(), &mut |n| {
                if n.kind() == "const_spec"
                    && syntax::declared_names(n)
                        .iter()
                        .any(|d| file.node_text(*d) == name)
                {
                    let v = n
                        .child_by_field_name("value")
                        .map(syntax::named_children)
                        .unwrap_or_default();
                    values.push(match v[..] {
                        [lit] if lit.kind() == "int_literal" => {
                            syntax::int_literal(file.node_text(lit))
                        }
                        _ => None,
                    });
                }
            });
            match values[..] {
                [v] => v,
                _ => None,
            }
        }
        _ => None,
    }
}

/// Is `name` declared (once, in the function around `at`) as a channel?
fn declared_as_channel(file: &PkgFile, at: Node<'_>, name: &str) -> bool {
    let Some(scope) = syntax::enclosing_top_function(at).or_else(|| syntax::enclosing_function(at))
    else {
        return false;
    };
    let Some(decl) = syntax::sole_declaration(scope, name, &file.text) else {
        return false;
    };
    if decl
        .child_by_field_name("type")
        .is_some_and(|t| t.kind() == "channel_type")
    {
        return true;
    }
    let text = file.node_text(decl);
    text.contains("make(chan") || text.contains("<-chan")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{check_detect_only_go, check_no_fix_go};

    const PRE: &str = "package p\n\n/*\n#include <stdlib.h>\nstatic int twice(int x) { return 2 * x; }\nstatic void fill(int *p, int n) { for (int i = 0; i < n; i++) p[i] = i; }\ntypedef struct { int a; } pair;\n*/\nimport \"C\"\n\n";

    fn body(stmts: &str) -> String {
        format!("{PRE}func f(xs []int, ch chan int) int {{\n\tt := 0\n{stmts}\treturn t\n}}\n")
    }

    #[test]
    fn reports_per_element_loops_once() {
        for loop_ in [
            "\tfor _, x := range xs {\n\t\tt += int(C.twice(C.int(x)))\n\t\tt += int(C.twice(C.int(x + 1)))\n\t}\n",
            "\tfor i := 0; i < len(xs); i++ {\n\t\tt += int(C.twice(C.int(xs[i])))\n\t}\n",
            "\tfor range len(xs) {\n\t\tt += int(C.twice(1))\n\t}\n",
            "\tfor _, x := range xs {\n\t\tfor j := 0; j < 2; j++ {\n\t\t\tt += int(C.twice(C.int(x + j)))\n\t\t}\n\t}\n",
        ] {
            let msgs = check_detect_only_go(&TRANSFORM, "1.22", &body(loop_));
            assert_eq!(msgs.len(), 1, "{loop_}: {msgs:?}");
            assert!(msgs[0].contains("`C.twice`"), "{msgs:?}");
        }
    }

    #[test]
    fn no_chunks_helpers_conversions_or_event_loops() {
        for loop_ in [
            "\tbuf := make([]C.int, 1024)\n\tfor i := 0; i < len(buf); i += 256 {\n\t\tC.fill(&buf[i], 256)\n\t}\n",
            "\tbuf := make([]C.int, 1024)\n\tfor i := range 4 {\n\t\tC.fill(&buf[i*256], 256)\n\t}\n",
            "\tfor _, x := range xs {\n\t\tp := C.CString(\"x\")\n\t\tC.free(unsafe.Pointer(p))\n\t\t_ = C.pair{a: C.int(x)}\n\t}\n",
            "\tfor i := 0; i < 4; i++ {\n\t\tt += int(C.twice(C.int(i)))\n\t}\n",
            "\tconst lanes = 8\n\tfor i := 0; i < lanes; i++ {\n\t\tt += int(C.twice(C.int(i)))\n\t}\n",
            "\tfor x := range ch {\n\t\tt += int(C.twice(C.int(x)))\n\t}\n",
            "\tfor t < 100 {\n\t\tt += int(C.twice(1))\n\t}\n",
            "\tt += int(C.twice(1))\n\tfor _, x := range xs {\n\t\tgo func() { C.twice(C.int(x)) }()\n\t}\n",
        ] {
            let src = body(loop_).replace(
                "import \"C\"\n",
                "import \"C\"\nimport \"unsafe\"\n\nvar _ unsafe.Pointer\n",
            );
            check_no_fix_go(&TRANSFORM, "1.22", &src);
        }
    }

    #[test]
    fn follows_thin_wrappers_only() {
        let wrap = format!(
            "{PRE}func tw(x int) int {{\n\treturn int(C.twice(C.int(x)))\n}}\n\nfunc busy(x int) int {{\n\ty := int(C.twice(C.int(x)))\n\treturn y + 1\n}}\n\n"
        );
        let msgs = check_detect_only_go(
            &TRANSFORM,
            "1.22",
            &format!(
                "{wrap}func f(xs []int) (t int) {{\n\tfor _, x := range xs {{\n\t\tt += tw(x)\n\t}}\n\treturn t\n}}\n"
            ),
        );
        assert!(
            msgs.len() == 1 && msgs[0].contains("`tw` (a wrapper around `C.twice`)"),
            "{msgs:?}"
        );
        check_no_fix_go(
            &TRANSFORM,
            "1.22",
            &format!(
                "{wrap}func f(xs []int) (t int) {{\n\tfor _, x := range xs {{\n\t\tt += busy(x)\n\t}}\n\treturn t\n}}\n"
            ),
        );
    }

    #[test]
    fn names_used_as_types_are_conversions() {
        let src = format!(
            "{PRE}type pairs []C.pair\n\nfunc f(xs []int) {{\n\tfor _, x := range xs {{\n\t\t_ = C.pair(C.pair{{a: C.int(x)}})\n\t}}\n}}\n"
        );
        check_no_fix_go(&TRANSFORM, "1.22", &src);
    }

    #[test]
    fn not_without_the_cgo_import() {
        check_no_fix_go(
            &TRANSFORM,
            "1.22",
            "package p\n\ntype c struct{}\n\nfunc (c) twice(x int) int { return 2 * x }\n\nvar C c\n\nfunc f(xs []int) (t int) {\n\tfor _, x := range xs {\n\t\tt += C.twice(x)\n\t}\n\treturn t\n}\n",
        );
    }
}
