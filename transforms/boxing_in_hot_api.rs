//! # boxing-in-hot-api (R7.9)
//!
//! ## What it does
//! Reports a structured-logging call inside a `for` loop of the same function, on a path that runs per
//! iteration, that passes a non-constant number or string as a loosely typed (`...any` or
//! `map[string]any`) value:
//! - `log/slog`: `slog.Info/Debug/Warn/Error(msg, "k", v, ...)`, their `…Context` forms and `slog.Log`, called
//!   on the package or on a `*slog.Logger` the function declares (`logger *slog.Logger` parameter,
//!   `l := slog.New(…)`, `slog.Default()`, `….With(…)`);
//! - `go.uber.org/zap`: the sugared `Infow/Debugw/Warnw/Errorw/DPanicw/Panicw/Fatalw` on `zap.S()`, on a
//!   `*zap.SugaredLogger` parameter or on a variable assigned from `….Sugar()`;
//! - `github.com/sirupsen/logrus`: `….WithFields(logrus.Fields{"k": v, ...})`.
//!
//! A value counts when its type is visibly a number or a string: `len(x)`, a conversion (`int64(n)`), an
//! arithmetic expression, `time.Since(…)`, `strconv`/`fmt.Sprint*` results, or a local variable or parameter
//! declared with such a type or initial value (`i := 0`, `n int`, the index of `for i := range n`).
//!
//! ## Why is this bad?
//! Converting a non-constant number or string to `any` stores it in a heap-allocated box (only small integers
//! and constants escape that), and the variadic `...any` slice or the `Fields` map is allocated per call too.
//! In a loop that is several allocations per iteration before the logger even checks its level, and the
//! garbage they leave is collected on the program's own CPU time. The typed APIs carry numbers and strings
//! in plain structs: `slog.Attr` through `Logger.LogAttrs`, `zap.Field` through the unsugared `zap.Logger`.
//!
//! ## Example
//! ```go
//! package ingest
//!
//! import "log/slog"
//!
//! func load(batches [][]byte, store func([]byte)) {
//! 	for i, b := range batches {
//! 		slog.Debug("storing", "batch", i, "bytes", len(b))
//! 		store(b)
//! 	}
//! }
//! ```
//!
//! ## Use instead
//! ```go
//! package ingest
//!
//! import (
//! 	"context"
//! 	"log/slog"
//! )
//!
//! func load(batches [][]byte, store func([]byte)) {
//! 	for i, b := range batches {
//! 		slog.LogAttrs(context.Background(), slog.LevelDebug, "storing",
//! 			slog.Int("batch", i), slog.Int("bytes", len(b)))
//! 		store(b)
//! 	}
//! }
//! ```
//!
//! ## Fix safety
//! No fix: report only. The typed form is longer and needs a context and a level; whether a given loop is hot
//! enough to be worth it is for a profile to say (this rule is behind a profile).
//!
//! ## Version gating
//! `log/slog` appeared in Go 1.21: a file below 1.21 cannot use it, so the logrus message suggests `slog`
//! only from 1.21 and otherwise says to build the fields once outside the loop.
//!
//! The same holds for any API of the package whose last parameter is `...any` / `...interface{}` (a home-grown
//! `Logf(format string, args ...any)`, an event `Emit`), called in a loop with such a value, and for a
//! keyed literal that stores such a value in an `interface{}` field of a package struct that the package
//! reads back with a type switch on numbers (a metric holding `Value interface{}`).
//!
//! ## When it does not fire
//! - The call is not inside a `for` loop of its own function (a function literal in the loop is its own
//!   function), or it is in test code (`*_test.go`, files importing `testing`, test functions).
//! - The call does not run per iteration (`crate::semantic::flow`): it sits in an error branch (`if err != nil`),
//!   in a branch that leaves the loop (`break`, `return`, `panic`, `log.Fatal`), or in a one-shot
//!   function (`init`, constructors, teardown, set-up and configuration functions), or in a loop over the
//!   command line (`os.Args`, `flag.Args()`). Logging a failure, or a loop that logs once and stops, costs
//!   nothing on the hot path. A loop in `main` that drives the program's work is reported like any other.
//! - A home-grown variadic API named for errors or debugging (`errorf`, `Fatalf`, `warn`, `debugLogf`, or
//!   called on a receiver named so, `err.addf`): it runs on failure or diagnostic paths.
//! - A home-grown variadic API declared in another file than the call, or with declarations of the name
//!   that disagree on their parameters; a call that passes a slice on (`f(format, args...)`).
//! - Every value is a constant, a `slog.Attr` built with `slog.Int`/`slog.String`/…, or of a type we cannot
//!   see (fields, map values, errors and pointers: interfaces and pointers are not boxed again).
//! - `LogAttrs` and zap's typed `Info(msg, zap.Int(…))` calls.
//! - The receiver is a logger whose type the function does not show (a struct field, a global), or the
//!   package name is shadowed or dot-imported.
//!
//! ## References
//! `Logger.LogAttrs` and "Performance considerations" in `src/log/slog/doc.go`; `convT64`/`convTstring` in
//! `src/runtime/iface.go`; zap's README ("Performance"); logrus `Fields`.

use crate::read::syntax::{self, named_children};
use crate::read::version::GoVersion;
use crate::rules::fix::TextRange;
use crate::rules::removal::in_test_code;
use crate::rules::transform::{Ctx, Match, Meta, Transform};
use crate::semantic::flow;
use crate::semantic::package::PkgFile;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use tree_sitter::Node;

mod home_grown;
mod loggers;
mod scalars;
#[cfg(test)]
mod tests;

use home_grown::{any_field_store, home_grown_variadic};
use loggers::{
    boxed, declarations, is_slog, is_sugared, logrus_values, names_pkg, pair_values,
    short_var_value,
};
use scalars::typed_scalar;

pub(crate) static TRANSFORM: Transform = Transform {
    meta: Meta {
        code: "R7.9",
        name: "boxing-in-hot-api",
        summary: "logging or metrics through ...any / interface{} in a loop: each number or string is boxed on the heap per call",
        fix: crate::rules::fix::FixAvailability::Never,
        prefilter: &[
            "\"log/slog\"",
            "\"go.uber.org/zap\"",
            "\"github.com/sirupsen/logrus\"",
            "...any",
            "...interface{}",
            "interface{}",
            " any\n",
        ],
        calls: &[],
        tier: crate::rules::transform::Tier::BehindProfile,
        status: crate::rules::transform::Status::Preview,
        options: &[],
    },
    source: include_str!("boxing_in_hot_api.rs"),
    query: QUERY,
    run,
    precheck: |bytes, _| !crate::semantic::prefilter::imports(bytes, "testing"),
    other_files: None,
};

const QUERY: &str = r#"
((call_expression
   function: (selector_expression operand: (_) @recv field: (field_identifier) @fn)
   arguments: (argument_list) @args) @match
 (#match? @fn "^(Debug|Info|Warn|Error|Log|DebugContext|InfoContext|WarnContext|ErrorContext|Debugw|Infow|Warnw|Errorw|DPanicw|Panicw|Fatalw|WithFields)$"))

((call_expression
   function: [(identifier) (selector_expression)] @callee
   arguments: (argument_list) @vargs) @variadic)

((composite_literal
   type: (type_identifier) @ty
   body: (literal_value)) @lit)
"#;

const SLOG: &str = "log/slog";
const ZAP: &str = "go.uber.org/zap";
const LOGRUS: &str = "github.com/sirupsen/logrus";

/// Each name a function declares, with the byte ranges of its declaring identifiers in tree order.
type NameIndex = HashMap<String, Vec<(usize, usize)>>;

/// The file under analysis, with what this rule has already worked out about it for earlier matches.
struct Look<'f> {
    file: &'f PkgFile,
    facts: RefCell<FileFacts>,
}

/// Facts kept across the matches of one file (in `Ctx::memo`), so that the rule costs one walk per
/// function and one package lookup per name, not one per call in a loop.
#[derive(Default)]
struct FileFacts {
    /// Per function (its byte range): each name it declares, with its declaring identifiers' ranges.
    decls: HashMap<(usize, usize), Rc<NameIndex>>,
    /// `variadic_any_params` per callee name and whether it is a method.
    variadic: HashMap<(String, bool), Option<usize>>,
    /// `any_field` per struct type and field.
    any_fields: HashMap<(String, String), bool>,
    /// `switches_on_numbers` per field.
    switched_fields: HashMap<String, bool>,
    /// The byte ranges of the calls inside a `for` loop of their own function (one walk of the file).
    calls_in_loops: Option<Rc<HashSet<(usize, usize)>>>,
}

/// Is `call` inside a `for` loop of its own function (what `syntax::enclosing_loop` finds)? Answered
/// from one walk of the file: climbing from every call to the root costs more than the rest of the rule
/// in a function with long statement lists.
fn in_own_loop(lk: &Look<'_>, call: Node<'_>) -> bool {
    let calls = lk
        .facts
        .borrow_mut()
        .calls_in_loops
        .get_or_insert_with(|| Rc::new(calls_in_loops(lk.file.tree().root_node())))
        .clone();
    calls.contains(&(call.start_byte(), call.end_byte()))
}

fn calls_in_loops(root: Node<'_>) -> HashSet<(usize, usize)> {
    let mut out = HashSet::new();
    let mut cursor = root.walk();
    let mut stack = vec![(root, false)];
    while let Some((n, in_loop)) = stack.pop() {
        if in_loop && n.kind() == "call_expression" {
            out.insert((n.start_byte(), n.end_byte()));
        }
        let inner = if syntax::is_function(n) {
            false
        } else {
            in_loop || n.kind() == "for_statement"
        };
        stack.extend(n.children(&mut cursor).map(|c| (c, inner)));
    }
    out
}

fn run(cx: &mut Ctx<'_>, m: &Match<'_>) -> Option<()> {
    let lk = Look {
        file: cx.file(),
        facts: RefCell::new(std::mem::take(cx.memo::<FileFacts>())),
    };
    check(cx, &lk, m);
    *cx.memo::<FileFacts>() = lk.facts.into_inner();
    Some(())
}

fn check(cx: &mut Ctx<'_>, lk: &Look<'_>, m: &Match<'_>) {
    if let Some(call) = m.node("variadic") {
        return home_grown_variadic(cx, lk, call);
    }
    if let Some(lit) = m.node("lit") {
        return any_field_store(cx, lk, lit);
    }
    let (Some(call), Some(recv), Some(func), Some(args)) = (
        m.node("match"),
        m.node("recv"),
        m.node("fn"),
        m.node("args"),
    ) else {
        return;
    };
    let file = cx.file();
    let src = cx.src();
    if !hot_loop_call(lk, call) {
        return;
    }
    let name = cx.text(func);
    let args = named_children(args);
    let Some(scope) = syntax::enclosing_function(call) else {
        return;
    };
    let msg = if name == "WithFields" {
        let [fields] = args[..] else { return };
        let Some(vals) = logrus_values(file, fields) else {
            return;
        };
        let Some(hit) = boxed(lk, scope, &vals) else {
            return;
        };
        let tail = if file.versions.api >= GoVersion(21) {
            "build the fields once outside the loop, or log through `log/slog`'s `LogAttrs` with typed `slog.Int`/`slog.String` attributes"
        } else {
            "build the fields (or the `*logrus.Entry`) once outside the loop and add only what changes"
        };
        format!(
            "`WithFields` in a loop allocates a `logrus.Fields` map and boxes `{}` into `any` on every iteration; {tail}",
            syntax::text(hit, src)
        )
    } else if name.ends_with('w') {
        if !is_sugared(lk, scope, recv) {
            return;
        }
        let Some(vals) = pair_values(file, args.get(1..).unwrap_or(&[])) else {
            return;
        };
        let Some(hit) = boxed(lk, scope, &vals) else {
            return;
        };
        format!(
            "`{name}` in a loop boxes `{}` into `any` (a heap allocation for all but small integers, plus the variadic slice) on every iteration; log through the typed `*zap.Logger` with fields such as `zap.Int`/`zap.String`, which are not boxed",
            syntax::text(hit, src)
        )
    } else {
        if !is_slog(lk, scope, recv) {
            return;
        }
        let skip = match name {
            "Log" => 3,
            n if n.ends_with("Context") => 2,
            _ => 1,
        };
        let Some(vals) = pair_values(file, args.get(skip..).unwrap_or(&[])) else {
            return;
        };
        let Some(hit) = boxed(lk, scope, &vals) else {
            return;
        };
        format!(
            "`{name}` in a loop boxes `{}` into `any` (a heap allocation for all but small integers, plus the variadic slice) on every iteration; use `LogAttrs(ctx, level, msg, …)` with typed attributes (`slog.Int`, `slog.String`), which are not boxed",
            syntax::text(hit, src)
        )
    };
    cx.report(TextRange::of(call), msg);
}

/// Is `call` in a `for` loop of its own function, on a path that runs per iteration: not test code, not in
/// an error branch or a branch that leaves the loop, not in a one-shot function (constructor, teardown,
/// configuration), not in a loop over the command line? (A loop in `main` that drives the program's work
/// is as hot as any other.)
fn hot_loop_call(lk: &Look<'_>, call: Node<'_>) -> bool {
    if !in_own_loop(lk, call) {
        return false;
    }
    let file = lk.file;
    let src = file.text.as_str();
    let Some(lp) = syntax::enclosing_loop(call) else {
        return false;
    };
    if in_test_code(file, call) || flow::cold_in_loop(call, lp, src).is_some() {
        return false;
    }
    let one_shot = syntax::enclosing_top_function(call)
        .is_some_and(|f| flow::one_shot_function(f, src).is_some());
    !flow::loops_over_command_line(lp, src) && !one_shot
}
