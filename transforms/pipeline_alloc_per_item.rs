//! # pipeline-alloc-per-item (R7.11)
//!
//! ## What it does
//! Reports a channel pipeline stage that allocates a new object for every item: a `for x := range in`
//! loop over a channel (a parameter or local of channel type) whose body sends a freshly allocated
//! pointer or slice on another channel on every pass — `out <- &Event{...}`, `out <- new(Event)`,
//! `out <- make([]byte, n)`, or a variable the body set to one of those just before (`e := &Event{}`
//! ... `out <- e`).
//!
//! ## Why is this bad?
//! A stage that runs at the rate of its input turns every item into a heap allocation that the next
//! stage drops a moment later. At hundreds of thousands of items per second that is as many `mallocgc`
//! calls, a heap that fills quickly, and collections whose frequency and CPU share follow the pipeline's
//! throughput. The items are short-lived and all alike, which is exactly what a `sync.Pool` recycles
//! (its caches are per P, so `Get`/`Put` rarely contend); a small struct can also travel by value, so
//! the channel buffer holds it and nothing is allocated at all.
//!
//! ## Example
//! ```go
//! package ingest
//!
//! import (
//! 	"strconv"
//! 	"strings"
//! )
//!
//! type Sample struct {
//! 	Name  string
//! 	Value float64
//! }
//!
//! func parseStage(lines <-chan string, samples chan<- *Sample) {
//! 	for line := range lines {
//! 		name, raw, ok := strings.Cut(line, " ")
//! 		if !ok {
//! 			continue
//! 		}
//! 		s := &Sample{Name: name}
//! 		s.Value, _ = strconv.ParseFloat(raw, 64)
//! 		samples <- s
//! 	}
//! 	close(samples)
//! }
//! ```
//!
//! ## Use instead
//! ```go
//! package ingest
//!
//! import (
//! 	"strconv"
//! 	"strings"
//! 	"sync"
//! )
//!
//! type Sample struct {
//! 	Name  string
//! 	Value float64
//! }
//!
//! var samplePool = sync.Pool{New: func() any { return new(Sample) }}
//!
//! // Recycle is called by the final stage once it has stored a sample.
//! func Recycle(s *Sample) {
//! 	*s = Sample{}
//! 	samplePool.Put(s)
//! }
//!
//! func parseStage(lines <-chan string, samples chan<- *Sample) {
//! 	for line := range lines {
//! 		name, raw, ok := strings.Cut(line, " ")
//! 		if !ok {
//! 			continue
//! 		}
//! 		s := samplePool.Get().(*Sample)
//! 		s.Name = name
//! 		s.Value, _ = strconv.ParseFloat(raw, 64)
//! 		samples <- s
//! 	}
//! 	close(samples)
//! }
//! ```
//! Or, for a small struct like this one, `chan Sample` and `samples <- Sample{...}`: values travel in the
//! channel buffer.
//!
//! ## Fix safety
//! No fix: report only. Pooling needs a point where every item is finished with (the last stage, every
//! error path), and a pooled object that is still referenced after `Put` leaks one item's data into the
//! next; sending by value changes the channel's element type for every stage. Tier: behind a profile —
//! worth it only where the stage is hot.
//!
//! ## Version gating
//! None: `sync.Pool` exists in every supported Go version.
//!
//! ## When it does not fire
//! - The range expression is not an identifier declared in the enclosing function as a channel (a
//!   `chan`/`<-chan` parameter, `make(chan ...)`, a `var` of channel type); fields and globals are not
//!   resolved.
//! - The channel sent on is not another channel variable of the function (a reply channel carried by
//!   the request, `req.reply <- &Resp{...}`, is a worker answering, not a stage forwarding).
//! - The send is not a statement of the loop body itself (or a `select` case there): a send under an
//!   `if` (a batch flushed every N items) or in a nested loop is not once per item.
//! - The sent value is not a fresh allocation: the received item passed through, a value-typed struct
//!   (`out <- Event{...}`), a call's result, a map or channel made per item (reply channels).
//! - The body does I/O per item (a call into `os`, `net`, `net/http`, `io`, `bufio`, `database/sql`,
//!   `os/exec`, or a method such as `Read`, `Write`, `Flush`, `Exec`, `Query`, `Do`): the allocation
//!   is small next to it.
//! - `new` or `make` shadowed; test code (`*_test.go`, files importing `testing`, test functions).
//!
//! ## References
//! `sync.Pool` in `src/sync/pool.go`; the Go GC guide (go.dev/doc/gc-guide, "Eliminating heap
//! allocations"); "Go Concurrency Patterns: Pipelines and cancellation" (go.dev/blog/pipelines).

use crate::read::syntax;
use crate::rules::fix::TextRange;
use crate::rules::removal::in_test_code;
use crate::rules::transform::{Ctx, Match, Meta, Transform};
use crate::semantic::package::PkgFile;
use tree_sitter::Node;

pub(crate) static TRANSFORM: Transform = Transform {
    meta: Meta {
        code: "R7.11",
        name: "pipeline-alloc-per-item",
        summary: "a channel pipeline stage allocates a fresh pointer or slice for every item it forwards",
        fix: crate::rules::fix::FixAvailability::Never,
        prefilter: &["chan "],
        calls: &[],
        tier: crate::rules::transform::Tier::BehindProfile,
        status: crate::rules::transform::Status::Preview,
        options: &[],
    },
    source: include_str!("pipeline_alloc_per_item.rs"),
    query: QUERY,
    run,
    precheck,
    other_files: None,
};

const QUERY: &str = r#"
(for_statement
  (range_clause right: (identifier) @in)
  body: (block) @body) @match
"#;

/// A `range` and a send statement (`x <- `) must both be there, outside test files.
fn precheck(bytes: &[u8], _: &crate::read::gomod::Module) -> bool {
    sends_in_range(bytes)
}

fn sends_in_range(bytes: &[u8]) -> bool {
    if crate::semantic::prefilter::imports(bytes, "testing") || !contains(bytes, b"range ") {
        return false;
    }
    bytes.windows(4).enumerate().any(|(i, w)| {
        w == b" <- "
            && i > 0
            && (bytes[i - 1].is_ascii_alphanumeric()
                || bytes[i - 1] == b'_'
                || bytes[i - 1] == b')')
    })
}

fn contains(bytes: &[u8], pat: &[u8]) -> bool {
    bytes.windows(pat.len()).any(|w| w == pat)
}

/// Packages whose calls mean the loop does I/O per item.
const IO_PACKAGES: &[&str] = &[
    "os",
    "net",
    "net/http",
    "io",
    "bufio",
    "database/sql",
    "os/exec",
];

/// Method names that mean the loop does I/O per item.
const IO_METHODS: &[&str] = &[
    "Read",
    "ReadAt",
    "ReadFrom",
    "ReadString",
    "ReadBytes",
    "ReadLine",
    "Write",
    "WriteAt",
    "WriteString",
    "WriteTo",
    "Flush",
    "Sync",
    "Exec",
    "ExecContext",
    "Query",
    "QueryContext",
    "QueryRow",
    "QueryRowContext",
    "Do",
    "RoundTrip",
    "Dial",
    "DialContext",
];

fn run(cx: &mut Ctx<'_>, m: &Match<'_>) -> Option<()> {
    let (Some(lp), Some(input), Some(body)) = (m.node("match"), m.node("in"), m.node("body"))
    else {
        return None;
    };
    let file = cx.file();
    if in_test_code(file, lp) {
        return None;
    }
    let top = syntax::enclosing_top_function(lp).or_else(|| syntax::enclosing_function(lp))?;
    if !is_channel(file, top, file.node_text(input)) {
        return None;
    }
    let stmts = syntax::block_statements(body);
    let (send, what) = per_item_send(file, top, &stmts)?;
    if does_io(file, body) {
        return None;
    }
    // The next stage: a channel variable of the function, not a reply channel carried by the item.
    let out = send
        .child_by_field_name("channel")
        .filter(|c| c.kind() == "identifier")?;
    let channel = file.node_text(out);
    if channel == file.node_text(input) || !is_channel(file, top, channel) {
        return None;
    }
    let src = file.node_text(input);
    let msg = match what {
        Alloc::Pointer(t) => format!(
            "this pipeline stage allocates a new `*{t}` for every item it receives from `{src}` and sends it on `{channel}`, so heap allocations and GC work grow with the pipeline's throughput; where a profile shows the stage hot, recycle items through a `sync.Pool` (reset, and `Put` back once the last stage is done) or, for a small struct, send `{t}` by value"
        ),
        Alloc::Slice(t) => format!(
            "this pipeline stage allocates a new `{t}` for every item it receives from `{src}` and sends it on `{channel}`, so heap allocations and GC work grow with the pipeline's throughput; where a profile shows the stage hot, recycle the buffers through a `sync.Pool` that the consuming stage returns them to"
        ),
    };
    cx.report(TextRange::of(send), msg);
    Some(())
}

/// What a stage allocates per item: `*T` or a slice type.
enum Alloc {
    Pointer(String),
    Slice(String),
}

/// Is `name` declared in `scope` exactly once, as a channel?
fn is_channel(file: &PkgFile, scope: Node<'_>, name: &str) -> bool {
    let Some(decl) = syntax::sole_declaration(scope, name, &file.text) else {
        return false;
    };
    match decl.kind() {
        "parameter_declaration" | "var_spec" => {
            decl.child_by_field_name("type")
                .is_some_and(|t| t.kind() == "channel_type")
                || decl.kind() == "var_spec"
                    && single_value(decl).is_some_and(|v| makes(file, scope, v, "channel_type"))
        }
        "short_var_declaration" => {
            single_value(decl).is_some_and(|v| makes(file, scope, v, "channel_type"))
        }
        _ => false,
    }
}

/// The only value of a one-name `:=` or `var` spec.
fn single_value(decl: Node<'_>) -> Option<Node<'_>> {
    let left = decl
        .child_by_field_name("left")
        .map(syntax::named_children)
        .unwrap_or_else(|| {
            let mut c = decl.walk();
            decl.children_by_field_name("name", &mut c).collect()
        });
    let right = decl
        .child_by_field_name("right")
        .or_else(|| decl.child_by_field_name("value"))
        .map(syntax::named_children)?;
    (left.len() == 1 && right.len() == 1).then(|| right[0])
}

/// Is `e` a call of the builtin `make` (not shadowed in `scope`) whose type argument is of `kind`?
fn makes(file: &PkgFile, scope: Node<'_>, e: Node<'_>, kind: &str) -> bool {
    builtin_call(file, scope, e, "make")
        .is_some_and(|args| args.first().is_some_and(|t| t.kind() == kind))
}

/// The arguments of a call of the builtin `name`, when nothing in `scope` or the package redeclares it.
fn builtin_call<'t>(
    file: &PkgFile,
    scope: Node<'_>,
    e: Node<'t>,
    name: &str,
) -> Option<Vec<Node<'t>>> {
    if e.kind() != "call_expression" {
        return None;
    }
    let f = e.child_by_field_name("function")?;
    if f.kind() != "identifier"
        || file.node_text(f) != name
        || syntax::declares_name(scope, name, &file.text)
    {
        return None;
    }
    let args = e.child_by_field_name("arguments")?;
    Some(syntax::named_children(args))
}

/// The fresh allocation `e` makes: `&T{...}`, `new(T)`, `make([]T, ...)`.
fn allocation(file: &PkgFile, scope: Node<'_>, e: Node<'_>) -> Option<Alloc> {
    match e.kind() {
        "unary_expression" => {
            let op = e.child_by_field_name("operator")?;
            let operand = e.child_by_field_name("operand")?;
            if file.node_text(op) != "&" || operand.kind() != "composite_literal" {
                return None;
            }
            let t = operand.child_by_field_name("type")?;
            matches!(
                t.kind(),
                "type_identifier" | "qualified_type" | "generic_type"
            )
            .then(|| Alloc::Pointer(file.node_text(t).to_string()))
        }
        "call_expression" => {
            if let Some(args) = builtin_call(file, scope, e, "new") {
                return (args.len() == 1)
                    .then(|| Alloc::Pointer(file.node_text(args[0]).to_string()));
            }
            let args = builtin_call(file, scope, e, "make")?;
            let t = args.first().filter(|t| t.kind() == "slice_type")?;
            Some(Alloc::Slice(file.node_text(*t).to_string()))
        }
        _ => None,
    }
}

/// The first send, once per pass of the loop body `stmts`, of a value allocated in that pass.
fn per_item_send<'t>(
    file: &PkgFile,
    scope: Node<'_>,
    stmts: &[Node<'t>],
) -> Option<(Node<'t>, Alloc)> {
    let mut sends = Vec::new();
    for s in stmts {
        match s.kind() {
            "send_statement" => sends.push(*s),
            "select_statement" => {
                let cases = syntax::named_children(*s);
                sends.extend(
                    cases
                        .iter()
                        .filter(|c| c.kind() == "communication_case")
                        .filter_map(|c| c.child_by_field_name("communication"))
                        .filter(|c| c.kind() == "send_statement"),
                );
            }
            _ => {}
        }
    }
    for send in sends {
        let Some(v) = send.child_by_field_name("value") else {
            continue;
        };
        if let Some(a) = allocation(file, scope, v) {
            return Some((send, a));
        }
        if v.kind() == "identifier" {
            let name = file.node_text(v);
            // `x := <alloc>` or `var x = <alloc>` as a statement of the same body, before the send.
            let decl = stmts
                .iter()
                .filter(|s| s.start_byte() < send.start_byte())
                .find_map(|s| {
                    let d = match s.kind() {
                        "short_var_declaration" => Some(*s),
                        "var_declaration" => syntax::named_children(*s)
                            .into_iter()
                            .find(|c| c.kind() == "var_spec"),
                        _ => None,
                    }?;
                    let declares = syntax::declared_names(d)
                        .iter()
                        .any(|n| file.node_text(*n) == name);
                    declares.then_some(d)
                });
            if let Some(a) = decl
                .and_then(single_value)
                .and_then(|e| allocation(file, scope, e))
            {
                return Some((send, a));
            }
        }
    }
    None
}

/// Does the loop body call into an I/O package or an I/O-shaped method?
fn does_io(file: &PkgFile, body: Node<'_>) -> bool {
    let mut io = false;
    syntax::walk(body, &mut |n| {
        if io || n.kind() != "call_expression" {
            return;
        }
        let Some(f) = n
            .child_by_field_name("function")
            .filter(|f| f.kind() == "selector_expression")
        else {
            return;
        };
        let (Some(op), Some(field)) = (
            f.child_by_field_name("operand"),
            f.child_by_field_name("field"),
        ) else {
            return;
        };
        let field = file.node_text(field);
        if IO_METHODS.contains(&field)
            || (field.starts_with("Fprint"))
            || IO_PACKAGES.iter().any(|p| file.names_package(op, p))
        {
            io = true;
        }
    });
    io
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{check_detect_only_go, check_no_fix_go};

    fn stage(decl: &str, body: &str) -> String {
        format!(
            "package p\n\ntype Item struct{{ N int }}\n\nfunc stage({decl}) {{\n\tfor x := range in {{\n{body}\t}}\n}}\n"
        )
    }

    #[test]
    fn reports_pointer_slice_and_new() {
        let cases = [
            (
                "in <-chan int, out chan<- *Item",
                "\t\tout <- &Item{N: x}\n",
                "`*Item`",
            ),
            (
                "in <-chan int, out chan<- *Item",
                "\t\tit := new(Item)\n\t\tit.N = x\n\t\tout <- it\n",
                "`*Item`",
            ),
            (
                "in chan int, out chan []byte",
                "\t\tout <- make([]byte, x)\n",
                "`[]byte`",
            ),
        ];
        for (decl, body, want) in cases {
            let msgs = check_detect_only_go(&TRANSFORM, "1.22", &stage(decl, body));
            assert!(msgs.len() == 1 && msgs[0].contains(want), "{msgs:?}");
        }
    }

    #[test]
    fn select_send_counts() {
        let body =
            "\t\tselect {\n\t\tcase out <- &Item{N: x}:\n\t\tcase <-done:\n\t\t\treturn\n\t\t}\n";
        let msgs = check_detect_only_go(
            &TRANSFORM,
            "1.22",
            &stage("in <-chan int, out chan<- *Item, done chan struct{}", body),
        );
        assert_eq!(msgs.len(), 1);
    }

    #[test]
    fn no_value_pass_through_batch_or_io() {
        for (decl, body) in [
            ("in <-chan int, out chan<- Item", "\t\tout <- Item{N: x}\n"),
            (
                "in <-chan *Item, out chan<- *Item",
                "\t\tx.N++\n\t\tout <- x\n",
            ),
            (
                "in <-chan int, out chan<- []int",
                "\t\tif x > 0 {\n\t\t\tout <- make([]int, x)\n\t\t}\n",
            ),
            (
                "in <-chan int, out chan<- chan int",
                "\t\tout <- make(chan int, 1)\n",
            ),
            ("in []int, out chan<- *Item", "\t\tout <- &Item{N: x}\n"),
            ("in <-chan chan *Item", "\t\tx <- &Item{N: 1}\n"),
        ] {
            check_no_fix_go(&TRANSFORM, "1.22", &stage(decl, body));
        }
        check_no_fix_go(
            &TRANSFORM,
            "1.22",
            "package p\n\nimport \"os\"\n\ntype Item struct{ N int }\n\nfunc stage(in <-chan string, out chan<- *Item) {\n\tfor x := range in {\n\t\tst, _ := os.Stat(x)\n\t\tout <- &Item{N: int(st.Size())}\n\t}\n}\n",
        );
    }

    #[test]
    fn shadowed_new_is_not_the_builtin() {
        check_no_fix_go(
            &TRANSFORM,
            "1.22",
            &stage(
                "in <-chan int, out chan<- *Item, new func(int) *Item",
                "\t\tout <- new(x)\n",
            ),
        );
    }

    #[test]
    fn precheck_wants_a_send_and_a_range() {
        assert!(sends_in_range(b"for x := range in { out <- x }"));
        assert!(!sends_in_range(b"for x := range in { f(<-c) }"));
        assert!(!sends_in_range(
            b"import \"testing\"\nfor x := range in { out <- x }"
        ));
    }
}
