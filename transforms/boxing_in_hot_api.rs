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

/// A call in a hot loop of a function or method the package declares with a `...any` (or
/// `...interface{}`) last parameter, passing a visibly scalar value to it: a home-grown `Logf`, `Emit`, ….
fn home_grown_variadic(cx: &mut Ctx<'_>, lk: &Look<'_>, call: Node<'_>) {
    let file = cx.file();
    let src = file.text.as_str();
    let Some(callee) = call.child_by_field_name("function") else {
        return;
    };
    let (name, method) = match callee.kind() {
        "identifier" => (syntax::text(callee, src), false),
        "selector_expression" => {
            // A package's function (`fmt.Sprintf`, `slog.Info`) is not this package's API.
            if callee.child_by_field_name("operand").is_some_and(|o| {
                o.kind() == "identifier"
                    && file
                        .imports()
                        .iter()
                        .any(|i| i.local == syntax::text(o, src))
            }) {
                return;
            }
            let Some(f) = callee.child_by_field_name("field") else {
                return;
            };
            (syntax::text(f, src), true)
        }
        _ => return,
    };
    // Only a name some file spelling `...any` declares can be such an API (most calls are not): the
    // per-call work below is spared for the rest.
    let candidates = cx.pkg.fact(|p| VariadicNames(Rc::new(variadic_names(p))));
    if !candidates.0[usize::from(method)].contains(name) {
        return;
    }
    // Error reporting and debug output (`errorf`, `Fatalf`, `warn`, `debugLogf`, `err.addf`) run on failure
    // or diagnostic paths, not per iteration of a hot loop.
    let receiver = (callee.kind() == "selector_expression")
        .then(|| callee.child_by_field_name("operand"))
        .flatten()
        .map_or("", |o| syntax::text(o, src));
    if [name, receiver].iter().any(|n| failure_or_debug(n)) {
        return;
    }
    let Some(args) = call.child_by_field_name("arguments") else {
        return;
    };
    // `f(xs...)` passes a slice the caller built: nothing is boxed at this call.
    if (0..args.child_count()).any(|i| args.child(i).is_some_and(|c| c.kind() == "..."))
        || !hot_loop_call(lk, call)
    {
        return;
    }
    let args = named_children(args);
    let Some(scope) = syntax::enclosing_function(call) else {
        return;
    };
    // Nothing to box, whatever the callee: spare the package-wide lookup of its declarations.
    if boxed(lk, scope, &args).is_none() {
        return;
    }
    let Some(fixed) = variadic_any_params(cx, lk, name, method) else {
        return;
    };
    let Some(hit) = boxed(lk, scope, args.get(fixed..).unwrap_or(&[])) else {
        return;
    };
    let msg = format!(
        "`{name}` takes `...any`, so in this loop every call boxes `{}` into `any` (a heap allocation for all but small integers) and allocates the variadic slice; where a profile shows the loop hot, give the hot values a typed path (typed parameters, or typed attributes as `slog.Attr` does)",
        syntax::text(hit, src)
    );
    cx.report(TextRange::of(call), msg);
}

/// The function names and the method names `variadic_any_params` may find a declaration for (a package
/// fact).
#[derive(Clone)]
struct VariadicNames(Rc<[HashSet<String>; 2]>);

/// Every `func name(` (a function, also `func name[`) and `) name(` (a method) of the files that spell
/// `...` followed by `any` or `interface` (blanks between allowed). `variadic_any_params` finds a
/// declaration only in a file spelling its needle, and a `...any` / `...interface{}` parameter only in a
/// file of this kind, so a name missing here has none.
fn variadic_names(pkg: &crate::semantic::package::Package) -> [HashSet<String>; 2] {
    let is_ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80;
    let mut out: [HashSet<String>; 2] = Default::default();
    for f in &pkg.files {
        let b = f.text.as_bytes();
        let variadic_any = memchr::memmem::find_iter(b, b"...").any(|at| {
            let rest = b[at + 3..].trim_ascii_start();
            rest.starts_with(b"any") || rest.starts_with(b"interface") || rest.starts_with(b"/")
        });
        if !variadic_any {
            continue;
        }
        for (prefix, method) in [(&b"func "[..], false), (&b") "[..], true)] {
            for at in memchr::memmem::find_iter(b, prefix) {
                let rest = &b[at + prefix.len()..];
                let len = rest.iter().take_while(|c| is_ident(**c)).count();
                if len > 0 && matches!(rest.get(len), Some(b'(' | b'[')) {
                    out[usize::from(method)].insert(f.text[at + prefix.len()..][..len].to_string());
                }
            }
        }
    }
    out
}

/// Whether some file of the package switches on the type of a selector (a package fact).
#[derive(Clone)]
struct TypeSwitches(bool);

/// A name that says it reports a failure or prints debug output.
fn failure_or_debug(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [
        "err", "fatal", "panic", "warn", "diag", "debug", "fail", "trace",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// How many parameters come before the `...any` of every function (or, for `method`, every method) named
/// `name` in the package; `None` when there is none, or the declarations disagree.
fn variadic_any_params(cx: &Ctx<'_>, lk: &Look<'_>, name: &str, method: bool) -> Option<usize> {
    let key = (name.to_string(), method);
    if let Some(known) = lk.facts.borrow().variadic.get(&key) {
        return *known;
    }
    let found = variadic_any_params_of(cx, name, method);
    lk.facts.borrow_mut().variadic.insert(key, found);
    found
}

fn variadic_any_params_of(cx: &Ctx<'_>, name: &str, method: bool) -> Option<usize> {
    let needle = if method {
        format!(") {name}(")
    } else {
        format!("func {name}(")
    };
    let declaring: Vec<&PkgFile> = cx
        .pkg
        .files
        .iter()
        .filter(|f| memchr::memmem::find(f.text.as_bytes(), needle.as_bytes()).is_some())
        .collect();
    // A variadic parameter is spelled `...`: with none in the files that may declare `name`, no
    // declaration of it is variadic, and those files need not be parsed to say so.
    if !declaring
        .iter()
        .any(|f| memchr::memmem::find(f.text.as_bytes(), b"...").is_some())
    {
        return None;
    }
    let mut found: Option<usize> = None;
    for f in declaring {
        for d in named_children(f.tree().root_node()) {
            let kind_ok = if method {
                d.kind() == "method_declaration"
            } else {
                d.kind() == "function_declaration"
            };
            if !kind_ok
                || d.child_by_field_name("name")
                    .is_none_or(|n| f.node_text(n) != name)
            {
                continue;
            }
            let params = named_children(d.child_by_field_name("parameters")?);
            let (last, before) = params.split_last()?;
            if last.kind() != "variadic_parameter_declaration"
                || !last
                    .child_by_field_name("type")
                    .is_some_and(|t| is_empty_interface(f, t))
            {
                return None;
            }
            let n: usize = before
                .iter()
                .map(|p| {
                    let mut c = p.walk();
                    p.children_by_field_name("name", &mut c).count().max(1)
                })
                .sum();
            if found.is_some_and(|x| x != n) {
                return None;
            }
            found = Some(n);
        }
    }
    found
}

/// `any` or `interface{}`.
fn is_empty_interface(f: &PkgFile, t: Node<'_>) -> bool {
    match t.kind() {
        "type_identifier" => f.node_text(t) == "any",
        "interface_type" => named_children(t).is_empty(),
        _ => false,
    }
}

/// A keyed literal of a package struct type storing a visibly scalar value in an `any` / `interface{}`
/// field that the package reads back with a type switch on numbers: the metric holder of the seeds.
fn any_field_store(cx: &mut Ctx<'_>, lk: &Look<'_>, lit: Node<'_>) {
    // `switches_on_numbers` needs a `.field.(type)` somewhere in the package: without one, no literal is
    // reported.
    if !cx.pkg.fact(|p| TypeSwitches(p.spells(".(type)"))).0 {
        return;
    }
    let file = cx.file();
    let src = file.text.as_str();
    let (Some(ty), Some(body)) = (
        lit.child_by_field_name("type"),
        lit.child_by_field_name("body"),
    ) else {
        return;
    };
    if in_test_code(file, lit) {
        return;
    }
    let Some(scope) = syntax::enclosing_function(lit) else {
        return;
    };
    if syntax::enclosing_top_function(lit)
        .is_some_and(|f| flow::one_shot_function(f, src).is_some())
    {
        return;
    }
    let ty_name = syntax::text(ty, src);
    for el in named_children(body) {
        if el.kind() != "keyed_element" {
            continue;
        }
        let (Some(k), Some(v)) = (
            el.child_by_field_name("key")
                .and_then(|k| named_children(k).into_iter().next()),
            el.child_by_field_name("value")
                .and_then(|v| named_children(v).into_iter().next()),
        ) else {
            continue;
        };
        let field = syntax::text(k, src);
        if !typed_scalar(lk, scope, v)
            || !any_field(cx, lk, ty_name, field)
            || !switches_on_numbers(cx, lk, field)
        {
            continue;
        }
        let msg = format!(
            "`{ty_name}.{field}` is an `interface{{}}` field that holds numbers (the package reads it back with a type switch): storing `{}` boxes it on the heap on every call, and every read pays the switch; give the value a typed field (or one typed map or generic type per kind of value)",
            syntax::text(v, src)
        );
        cx.report(TextRange::of(el), msg);
        return;
    }
}

/// Does the package declare struct type `ty` with field `field` of type `any` / `interface{}`?
fn any_field(cx: &Ctx<'_>, lk: &Look<'_>, ty: &str, field: &str) -> bool {
    let key = (ty.to_string(), field.to_string());
    if let Some(known) = lk.facts.borrow().any_fields.get(&key) {
        return *known;
    }
    let found = any_field_of(cx, ty, field);
    lk.facts.borrow_mut().any_fields.insert(key, found);
    found
}

fn any_field_of(cx: &Ctx<'_>, ty: &str, field: &str) -> bool {
    let needle = format!("type {ty} struct");
    cx.pkg.files.iter().any(|f| {
        if memchr::memmem::find(f.text.as_bytes(), needle.as_bytes()).is_none() {
            return false;
        }
        let mut hit = false;
        syntax::walk(f.tree().root_node(), &mut |n| {
            if hit || n.kind() != "type_spec" {
                return;
            }
            let (Some(name), Some(st)) =
                (n.child_by_field_name("name"), n.child_by_field_name("type"))
            else {
                return;
            };
            if f.node_text(name) != ty || st.kind() != "struct_type" {
                return;
            }
            syntax::walk(st, &mut |d| {
                if d.kind() != "field_declaration" {
                    return;
                }
                let mut c = d.walk();
                let named = d
                    .children_by_field_name("name", &mut c)
                    .any(|x| f.node_text(x) == field);
                hit |= named
                    && d.child_by_field_name("type")
                        .is_some_and(|t| is_empty_interface(f, t));
            });
        });
        hit
    })
}

/// Does some file of the package switch on the type of `….field` with a numeric case?
fn switches_on_numbers(cx: &Ctx<'_>, lk: &Look<'_>, field: &str) -> bool {
    if let Some(known) = lk.facts.borrow().switched_fields.get(field) {
        return *known;
    }
    let found = switches_on_numbers_of(cx, field);
    lk.facts
        .borrow_mut()
        .switched_fields
        .insert(field.to_string(), found);
    found
}

fn switches_on_numbers_of(cx: &Ctx<'_>, field: &str) -> bool {
    let needle = format!(".{field}.(type)");
    cx.pkg.files.iter().any(|f| {
        if memchr::memmem::find(f.text.as_bytes(), needle.as_bytes()).is_none() {
            return false;
        }
        let mut hit = false;
        syntax::walk(f.tree().root_node(), &mut |n| {
            if hit || n.kind() != "type_case" {
                return;
            }
            let mut c = n.walk();
            hit = n
                .children_by_field_name("type", &mut c)
                .any(|t| t.kind() == "type_identifier" && syntax::is_numeric_type(f.node_text(t)));
        });
        hit
    })
}

/// The first value that gets boxed.
fn boxed<'t>(lk: &Look<'_>, scope: Node<'_>, vals: &[Node<'t>]) -> Option<Node<'t>> {
    vals.iter().copied().find(|v| typed_scalar(lk, scope, *v))
}

/// The values of `"key", value` pairs (slog or zap sugar), skipping `slog.Attr`/`zap.Field` arguments;
/// `None` when the list cannot be read as pairs (a key that is not a string literal).
fn pair_values<'t>(file: &PkgFile, args: &[Node<'t>]) -> Option<Vec<Node<'t>>> {
    let mut out = vec![];
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        if is_typed_attr(file, a) {
            i += 1;
            continue;
        }
        if !matches!(
            a.kind(),
            "interpreted_string_literal" | "raw_string_literal"
        ) {
            return None;
        }
        out.push(*args.get(i + 1)?);
        i += 2;
    }
    Some(out)
}

/// `slog.Int(…)`, `slog.Group(…)`, `zap.Int(…)`, …: already a typed attribute or field.
fn is_typed_attr(file: &PkgFile, a: Node<'_>) -> bool {
    let Some(f) = a
        .child_by_field_name("function")
        .filter(|f| a.kind() == "call_expression" && f.kind() == "selector_expression")
    else {
        return false;
    };
    let Some(name) = f.child_by_field_name("field").map(|n| file.node_text(n)) else {
        return false;
    };
    file.is_pkg_call(a, SLOG, name) || file.is_pkg_call(a, ZAP, name)
}

/// The values of a `logrus.Fields{…}` literal.
fn logrus_values<'t>(file: &PkgFile, lit: Node<'t>) -> Option<Vec<Node<'t>>> {
    if lit.kind() != "composite_literal" {
        return None;
    }
    let ty = lit.child_by_field_name("type")?;
    if ty.kind() != "qualified_type"
        || ty.child_by_field_name("name").map(|n| file.node_text(n)) != Some("Fields")
        || !ty
            .child_by_field_name("package")
            .is_some_and(|p| names_pkg(file, p, LOGRUS))
    {
        return None;
    }
    let body = lit.child_by_field_name("body")?;
    let mut out = vec![];
    for el in named_children(body) {
        if el.kind() != "keyed_element" {
            return None;
        }
        let v = el.child_by_field_name("value")?;
        out.push(named_children(v).into_iter().next()?);
    }
    Some(out)
}

/// `names_package` for a package identifier node (also `package_identifier`).
fn names_pkg(file: &PkgFile, node: Node<'_>, path: &str) -> bool {
    let Some(imp) = file.import_of(path).filter(|i| i.is_usable()) else {
        return false;
    };
    let name = file.node_text(node);
    name == imp.local
        && !syntax::enclosing_top_function(node)
            .is_some_and(|s| syntax::declares_name(s, name, &file.text))
}

/// Is `recv` the `slog` package or a `*slog.Logger` the function shows?
fn is_slog(lk: &Look<'_>, scope: Node<'_>, recv: Node<'_>) -> bool {
    let file = lk.file;
    if recv.kind() == "identifier" && file.names_package(recv, SLOG) {
        return true;
    }
    logger_of(
        lk,
        scope,
        recv,
        SLOG,
        "Logger",
        &["New", "Default", "With"],
        "With",
    )
}

/// Is `recv` a zap sugared logger the function shows (`zap.S()`, `x.Sugar()`, a `*zap.SugaredLogger`)?
fn is_sugared(lk: &Look<'_>, scope: Node<'_>, recv: Node<'_>) -> bool {
    let file = lk.file;
    if recv.kind() == "call_expression" && file.is_pkg_call(recv, ZAP, "S") {
        return true;
    }
    logger_of(lk, scope, recv, ZAP, "SugaredLogger", &["S"], "Sugar")
}

/// Does `expr` have type `*pkg.ty`, as far as the function shows? A call of `pkg.ctor…()`, a call of
/// `.method(…)` on anything (`.With`, `.Sugar`), or an identifier declared once in the function as a
/// parameter of that type or assigned from such a call.
fn logger_of(
    lk: &Look<'_>,
    scope: Node<'_>,
    expr: Node<'_>,
    path: &str,
    ty: &str,
    ctors: &[&str],
    method: &str,
) -> bool {
    let file = lk.file;
    match expr.kind() {
        "call_expression" => {
            ctors.iter().any(|c| file.is_pkg_call(expr, path, c))
                || expr
                    .child_by_field_name("function")
                    .filter(|f| f.kind() == "selector_expression")
                    .and_then(|f| f.child_by_field_name("field"))
                    .is_some_and(|f| file.node_text(f) == method)
        }
        "identifier" => {
            let name = file.node_text(expr);
            let Some(top) = syntax::enclosing_top_function(expr).or(Some(scope)) else {
                return false;
            };
            let decls = declarations(lk, top, name);
            let [d] = decls[..] else { return false };
            match d.parent().map(|p| (p.kind(), p)) {
                Some(("parameter_declaration", p)) => {
                    p.child_by_field_name("type").is_some_and(|t| {
                        t.kind() == "pointer_type"
                            && named_children(t).first().is_some_and(|q| {
                                q.kind() == "qualified_type"
                                    && q.child_by_field_name("name")
                                        .is_some_and(|n| file.node_text(n) == ty)
                                    && q.child_by_field_name("package")
                                        .is_some_and(|p| names_pkg(file, p, path))
                            })
                    })
                }
                Some(("expression_list", l)) => l
                    .parent()
                    .filter(|s| s.kind() == "short_var_declaration")
                    .and_then(|decl| short_var_value(decl, d))
                    .is_some_and(|v| logger_of(lk, scope, v, path, ty, ctors, method)),
                _ => false,
            }
        }
        _ => false,
    }
}

/// The value `decl` (a `:=`) gives the name `d` on its left, when both sides have as many expressions.
fn short_var_value<'t>(decl: Node<'t>, d: Node<'_>) -> Option<Node<'t>> {
    let lv = named_children(decl.child_by_field_name("left")?);
    let rv = named_children(decl.child_by_field_name("right")?);
    let i = lv.iter().position(|n| n.id() == d.id())?;
    (lv.len() == rv.len()).then(|| rv[i])
}

/// The declaring identifiers of `name` in `scope`, from the scope's name index (one walk per function).
fn declarations<'t>(lk: &Look<'_>, scope: Node<'t>, name: &str) -> Vec<Node<'t>> {
    let key = (scope.start_byte(), scope.end_byte());
    let index = lk
        .facts
        .borrow_mut()
        .decls
        .entry(key)
        .or_insert_with(|| Rc::new(declared_names_in(scope, &lk.file.text)))
        .clone();
    index.get(name).map_or_else(Vec::new, |ranges| {
        ranges
            .iter()
            .filter_map(|&(start, end)| scope.named_descendant_for_byte_range(start, end))
            .collect()
    })
}

/// Every name declared in `scope`, with the byte ranges of its declaring identifiers in tree order.
fn declared_names_in(scope: Node<'_>, src: &str) -> NameIndex {
    let mut out = NameIndex::new();
    syntax::walk(scope, &mut |n| {
        for d in syntax::declared_names(n) {
            out.entry(syntax::text(d, src).to_string())
                .or_default()
                .push((d.start_byte(), d.end_byte()));
        }
    });
    out
}

/// Numbers and strings: the values `...any` boxes (complex numbers excluded: rarely logged).
fn is_scalar_type(name: &str) -> bool {
    name == "string" || syntax::is_numeric_type(name) && !name.starts_with("complex")
}

/// Is `v` a non-constant value whose type is visibly a number or a string?
fn typed_scalar(lk: &Look<'_>, scope: Node<'_>, v: Node<'_>) -> bool {
    let file = lk.file;
    let src = file.text.as_str();
    match v.kind() {
        "parenthesized_expression" => named_children(v)
            .first()
            .is_some_and(|c| typed_scalar(lk, scope, *c)),
        "binary_expression" => {
            let op = v
                .child_by_field_name("operator")
                .map_or("", |o| syntax::text(o, src));
            // Go has no operator overloading: arithmetic yields a number or a string, boxed unless constant.
            matches!(
                op,
                "+" | "-" | "*" | "/" | "%" | "<<" | ">>" | "&" | "|" | "^" | "&^"
            ) && ["left", "right"].iter().any(|f| {
                v.child_by_field_name(f)
                    .is_some_and(|o| typed_scalar(lk, scope, o) || is_variable(lk, scope, o))
            })
        }
        "call_expression" => {
            let Some(f) = v.child_by_field_name("function") else {
                return false;
            };
            if f.kind() == "identifier" {
                let n = syntax::text(f, src);
                return matches!(n, "len" | "cap") || (is_scalar_type(n) && !is_constant_arg(v));
            }
            [
                ("time", &["Since", "Until", "Duration"][..]),
                (
                    "strconv",
                    &["Itoa", "FormatInt", "FormatUint", "FormatFloat", "Quote"][..],
                ),
                ("fmt", &["Sprint", "Sprintf", "Sprintln"][..]),
            ]
            .iter()
            .any(|(p, fs)| fs.iter().any(|fname| file.is_pkg_call(v, p, fname)))
        }
        "identifier" => {
            let name = syntax::text(v, src);
            let top = syntax::enclosing_top_function(v).unwrap_or(scope);
            let decls = declarations(lk, top, name);
            let [d] = decls[..] else { return false };
            scalar_declaration(lk, scope, d)
        }
        _ => false,
    }
}

/// A local variable (declared once in the function, not a constant) or an index into something.
fn is_variable(lk: &Look<'_>, scope: Node<'_>, o: Node<'_>) -> bool {
    let file = lk.file;
    match o.kind() {
        "index_expression" => true,
        "parenthesized_expression" => named_children(o)
            .first()
            .is_some_and(|c| is_variable(lk, scope, *c)),
        "identifier" => {
            let top = syntax::enclosing_top_function(o).unwrap_or(scope);
            let decls = declarations(lk, top, file.node_text(o));
            matches!(decls[..], [d] if d.parent().is_none_or(|p| p.kind() != "const_spec"))
        }
        _ => false,
    }
}

/// A conversion of a constant (`int64(3)`) is a constant.
fn is_constant_arg(call: Node<'_>) -> bool {
    call.child_by_field_name("arguments").is_some_and(|a| {
        named_children(a).iter().all(|x| {
            matches!(
                x.kind(),
                "int_literal"
                    | "float_literal"
                    | "interpreted_string_literal"
                    | "raw_string_literal"
            )
        })
    })
}

/// Does the declaration of the identifier `d` give it a number or string type?
fn scalar_declaration(lk: &Look<'_>, scope: Node<'_>, d: Node<'_>) -> bool {
    let file = lk.file;
    let src = file.text.as_str();
    let scalar_type = |t: Node<'_>| {
        (t.kind() == "type_identifier" && is_scalar_type(syntax::text(t, src)))
            || (t.kind() == "qualified_type"
                && t.child_by_field_name("name")
                    .is_some_and(|n| syntax::text(n, src) == "Duration")
                && t.child_by_field_name("package")
                    .is_some_and(|p| names_pkg(file, p, "time")))
    };
    let Some(parent) = d.parent() else {
        return false;
    };
    match parent.kind() {
        "parameter_declaration" | "var_spec" => {
            if let Some(t) = parent.child_by_field_name("type") {
                return scalar_type(t);
            }
            // `var n = len(x)`
            let Some(vals) = parent.child_by_field_name("value") else {
                return false;
            };
            let mut c = parent.walk();
            let names: Vec<_> = parent.children_by_field_name("name", &mut c).collect();
            let vals = named_children(vals);
            names.len() == vals.len()
                && names
                    .iter()
                    .position(|n| n.id() == d.id())
                    .is_some_and(|i| scalar_init(lk, scope, vals[i]))
        }
        "expression_list" => {
            let Some(decl) = parent.parent() else {
                return false;
            };
            match decl.kind() {
                "short_var_declaration" => {
                    short_var_value(decl, d).is_some_and(|v| scalar_init(lk, scope, v))
                }
                // `for i := range n` (an int) or the index of `for i, v := range xs`? Only the first: a
                // map's key can be anything.
                "range_clause" => {
                    let first = named_children(parent).first().map(|n| n.id()) == Some(d.id());
                    first
                        && decl.child_by_field_name("right").is_some_and(|r| {
                            r.kind() == "int_literal"
                                || (r.kind() != "identifier" && typed_scalar(lk, scope, r))
                        })
                }
                _ => false,
            }
        }
        _ => false,
    }
}

/// An initial value that makes a variable a number or a string: a literal or a visibly scalar expression.
fn scalar_init(lk: &Look<'_>, scope: Node<'_>, v: Node<'_>) -> bool {
    matches!(
        v.kind(),
        "int_literal" | "float_literal" | "interpreted_string_literal" | "raw_string_literal"
    ) || typed_scalar(lk, scope, v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{check_detect_only_go, check_no_fix_go};

    fn slog_loop(call: &str) -> String {
        format!(
            "package m\n\nimport (\n\t\"context\"\n\t\"log/slog\"\n)\n\nvar _ = context.Background\n\nfunc f(ctx context.Context, names []string, logger *slog.Logger) {{\n\tfor i, n := range names {{\n\t\tsize := len(n)\n\t\t_, _, _ = i, size, ctx\n\t\t{call}\n\t}}\n}}\n"
        )
    }

    #[test]
    fn slog_values_of_visible_scalar_type_fire() {
        for call in [
            "slog.Info(\"item\", \"size\", size)",
            "slog.InfoContext(ctx, \"item\", \"n\", len(n)*2)",
            "logger.Warn(\"item\", \"id\", int64(size))",
            "logger.With(\"k\", 1).Debug(\"x\", slog.Int(\"a\", 1), \"size\", size)",
            "slog.Log(ctx, slog.LevelInfo, \"item\", \"n\", len(n))",
        ] {
            let msgs = check_detect_only_go(&TRANSFORM, "1.22", &slog_loop(call));
            assert!(msgs[0].contains("LogAttrs"), "{call}: {msgs:?}");
        }
    }

    #[test]
    fn constants_attrs_unknown_types_and_log_attrs_do_not() {
        for call in [
            "slog.Info(\"item\", \"kind\", \"file\", \"n\", 3)",
            "slog.Info(\"item\", slog.Int(\"size\", size))",
            "slog.Info(\"item\", \"name\", n)",
            "logger.LogAttrs(ctx, slog.LevelInfo, \"item\", slog.Int(\"size\", size))",
            "slog.Info(\"item\", \"err\", ctx.Err())",
        ] {
            check_no_fix_go(&TRANSFORM, "1.22", &slog_loop(call));
        }
        // Outside a loop, and in a function literal inside the loop.
        check_no_fix_go(
            &TRANSFORM,
            "1.22",
            "package m\n\nimport \"log/slog\"\n\nfunc f(xs []int) {\n\tn := len(xs)\n\tslog.Info(\"start\", \"n\", n)\n\tfor range xs {\n\t\tgo func() { slog.Info(\"x\", \"n\", n) }()\n\t}\n}\n",
        );
    }

    #[test]
    fn zap_sugar_and_logrus_fields() {
        let zap = "package m\n\nimport \"go.uber.org/zap\"\n\nfunc f(l *zap.Logger, rows []string) {\n\ts := l.Sugar()\n\tfor i := range len(rows) {\n\t\ts.Infow(\"row\", \"i\", i)\n\t}\n}\n";
        let msgs = check_detect_only_go(&TRANSFORM, "1.22", zap);
        assert!(msgs[0].contains("zap.Int"), "{msgs:?}");
        // The typed zap logger is not reported.
        check_no_fix_go(
            &TRANSFORM,
            "1.22",
            &zap.replace(
                "s.Infow(\"row\", \"i\", i)",
                "l.Info(\"row\", zap.Int(\"i\", i))",
            ),
        );
        let logrus = "package m\n\nimport log \"github.com/sirupsen/logrus\"\n\nfunc f(jobs []string) {\n\tfor i, j := range jobs {\n\t\tlog.WithFields(log.Fields{\"job\": j, \"attempt\": i + 1}).Info(\"run\")\n\t}\n}\n";
        let msgs = check_detect_only_go(&TRANSFORM, "1.21", logrus);
        assert!(msgs[0].contains("slog"), "{msgs:?}");
        let msgs = check_detect_only_go(&TRANSFORM, "1.20", logrus);
        assert!(!msgs[0].contains("slog"), "{msgs:?}");
    }
}
