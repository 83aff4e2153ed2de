//! # channel-as-counter (R7.6)
//!
//! ## What it does
//! Reports a channel that carries nothing but a tally: every send puts a constant on it (`ch <- 1`,
//! `ch <- struct{}{}`), and every receive, all in one goroutine, only adds what it got to a counter
//! (`total += <-ch`, `for v := range ch { total += v }`, `case <-ch: n++`), or drops it (`for v := range ch
//! { _ = v }`, a reducer left as a stub). The channel is a local
//! variable made with `make(chan …)` in the function, or a struct field declared and used in this file only.
//!
//! ## Why is this bad?
//! Each send takes the channel's lock, copies the element and, when the reader is parked, wakes it
//! through the scheduler; on an unbuffered channel (or a full buffer) the sender parks too. That is
//! hundreds of nanoseconds and two goroutine switches to add one to an integer, plus a goroutine whose only
//! job is to own the sum. An atomic add is a single instruction with no lock and no scheduler involvement.
//!
//! ## Example
//! ```go
//! package crawl
//!
//! import "sync"
//!
//! func CountBroken(urls []string, broken func(string) bool) int {
//! 	hits := make(chan int, len(urls))
//! 	var wg sync.WaitGroup
//! 	for _, u := range urls {
//! 		wg.Add(1)
//! 		go func(u string) {
//! 			defer wg.Done()
//! 			if broken(u) {
//! 				hits <- 1
//! 			}
//! 		}(u)
//! 	}
//! 	go func() { wg.Wait(); close(hits) }()
//! 	total := 0
//! 	for v := range hits {
//! 		total += v
//! 	}
//! 	return total
//! }
//! ```
//!
//! ## Use instead
//! ```go
//! package crawl
//!
//! import (
//! 	"sync"
//! 	"sync/atomic"
//! )
//!
//! func CountBroken(urls []string, broken func(string) bool) int {
//! 	var total atomic.Int64
//! 	var wg sync.WaitGroup
//! 	for _, u := range urls {
//! 		wg.Add(1)
//! 		go func(u string) {
//! 			defer wg.Done()
//! 			if broken(u) {
//! 				total.Add(1)
//! 			}
//! 		}(u)
//! 	}
//! 	wg.Wait()
//! 	return int(total.Load())
//! }
//! ```
//!
//! ## Fix safety
//! No fix: report only. The rewrite removes a goroutine and changes who owns the sum and when it is
//! final (after `wg.Wait()` rather than after the channel closes); that needs a reader.
//!
//! ## Version gating
//! None for the report. From Go 1.19 (the file's version) the message suggests `atomic.Int64`; below
//! that, `atomic.AddInt64` on an `int64`.
//!
//! ## When it does not fire
//! - A send puts a non-constant value on the channel (the channel carries data, e.g. partial sums).
//! - A send is a `select` case (usually next to a `default`): a lossy wake-up signal, not a tally.
//! - A receive does anything but add to a counter: `<-sem` (a semaphore release), `<-done` (waiting for
//!   completion), a case that runs other statements, a value passed on or compared.
//! - The counter is compared inside the draining loop (`for n < workers`, `if n == len(jobs)`): the
//!   tally decides when to stop waiting, which is completion signalling, not counting.
//! - Receives sit in more than one function, or a send sits in the draining function itself.
//! - The channel escapes: passed to a function, returned, assigned, stored, or its name is declared twice.
//! - A field channel whose name is declared twice in the file, or that another file of the package uses.
//! - Test code (`*_test.go`, files importing `testing`).
//!
//! ## References
//! `chansend`, `chanrecv` and `hchan.lock` in `src/runtime/chan.go`; `atomic.Int64` in
//! `src/sync/atomic/type.go` (Go 1.19).

use crate::read::syntax::{self, named_children};
use crate::read::version::GoVersion;
use crate::rules::fix::TextRange;
use crate::rules::removal::in_test_code;
use crate::rules::transform::{Ctx, Match, Meta, Transform};
use crate::semantic::package::{Package, PkgFile};
use tree_sitter::Node;

pub(crate) static TRANSFORM: Transform = Transform {
    meta: Meta {
        code: "R7.6",
        name: "channel-as-counter",
        summary: "a channel that only carries constants to one goroutine adding them up: an atomic counter does it in one instruction",
        fix: crate::rules::fix::FixAvailability::Never,
        prefilter: &["make(chan"],
        calls: &[],
        tier: crate::rules::transform::Tier::BehindProfile,
        status: crate::rules::transform::Status::Preview,
        options: &[],
    },
    source: include_str!("channel_as_counter.rs"),
    query: QUERY,
    run,
    precheck: has_constant_send,
    other_files: None,
};

/// A send of a literal (`<- 1`, `<- -1`, `<- struct{}{}`, `<- true`) outside a test file.
fn has_constant_send(bytes: &[u8], _: &crate::read::gomod::Module) -> bool {
    if crate::semantic::prefilter::imports(bytes, "testing") {
        return false;
    }
    memchr::memmem::find_iter(bytes, b"<-").any(|i| {
        let rest = &bytes[i + 2..];
        let rest = &rest[rest
            .iter()
            .position(|b| *b != b' ' && *b != b'\t')
            .unwrap_or(rest.len())..];
        let rest = rest.strip_prefix(b"-").unwrap_or(rest);
        rest.first().is_some_and(u8::is_ascii_digit)
            || rest.starts_with(b"struct{}{}")
            || rest.starts_with(b"true")
    })
}

const QUERY: &str = r#"
((call_expression
   function: (identifier) @make
   arguments: (argument_list . (channel_type))) @match
 (#eq? @make "make"))
"#;

/// How one mention of the channel uses it.
enum Use<'t> {
    /// The declaration or the `make` assignment itself.
    Def,
    Close,
    /// A send of a constant, in this function.
    Send(Node<'t>),
    /// A counting receive: the receiving function, the counter expression's text, the drain loop.
    Count {
        func: Node<'t>,
        counter: String,
        drain: Option<Node<'t>>,
    },
}

fn run(cx: &mut Ctx<'_>, m: &Match<'_>) -> Option<()> {
    let make = m.node("match")?;
    let file = cx.file();
    if in_test_code(file, make) {
        return None;
    }
    let src = cx.src();
    let mentions = mentions(cx.pkg, file, make, src)?;
    let mut sends = vec![];
    let mut counts = vec![];
    for n in mentions {
        match classify(n, make, src) {
            Some(Use::Def | Use::Close) => {}
            Some(Use::Send(f)) => sends.push(f),
            Some(Use::Count {
                func,
                counter,
                drain,
            }) => counts.push((func, counter, drain)),
            None => return None,
        }
    }
    let (recv_func, _, _) = counts.first()?;
    if sends.is_empty()
        || counts.iter().any(|(f, _, _)| f.id() != recv_func.id())
        || sends.iter().any(|f| f.id() == recv_func.id())
    {
        return None;
    }
    // A counter compared inside its draining loop decides when to stop waiting: completion signalling.
    for (_, counter, drain) in &counts {
        if drain.is_some_and(|d| compared_within(d, counter, src)) {
            return None;
        }
    }
    let msg = if file.versions.api >= GoVersion(19) {
        "this channel only carries constants to one goroutine that counts (or drops) them: every send takes the channel lock and may wake or park a goroutine to add one to an integer; count with an `atomic.Int64` (`n.Add(1)`, `n.Load()`) instead"
    } else {
        "this channel only carries constants to one goroutine that counts (or drops) them: every send takes the channel lock and may wake or park a goroutine to add one to an integer; count with `atomic.AddInt64(&n, 1)` on an `int64` instead"
    };
    cx.report(TextRange::of(make), msg);
    Some(())
}

/// Every mention of the channel `make` is assigned to, or `None` when the binding is not one we can follow.
fn mentions<'t>(
    pkg: &Package,
    file: &'t PkgFile,
    make: Node<'t>,
    src: &str,
) -> Option<Vec<Node<'t>>> {
    let holder = make.parent()?;
    // `ch := make(...)`, `var ch = make(...)`, `x.f = make(...)`, `T{f: make(...)}`.
    let target = match holder.kind() {
        "expression_list" => {
            let decl = holder.parent()?;
            let left = match decl.kind() {
                "short_var_declaration" | "assignment_statement"
                    if decl.child_by_field_name("right")?.id() == holder.id() =>
                {
                    decl.child_by_field_name("left")?
                }
                "var_spec" => decl,
                _ => return None,
            };
            if decl.kind() == "assignment_statement"
                && syntax::text(decl.child_by_field_name("operator")?, src) != "="
            {
                return None;
            }
            let names = if left.kind() == "var_spec" {
                let mut c = left.walk();
                left.children_by_field_name("name", &mut c).collect()
            } else {
                named_children(left)
            };
            let [name] = names.as_slice() else {
                return None;
            };
            *name
        }
        "literal_element" => {
            let keyed = holder.parent().filter(|k| k.kind() == "keyed_element")?;
            let key = keyed.child_by_field_name("key")?;
            let key = named_children(key).into_iter().next()?;
            if key.kind() != "identifier" && key.kind() != "field_identifier" {
                return None;
            }
            return field_mentions(pkg, file, syntax::text(key, src), src);
        }
        _ => return None,
    };
    match target.kind() {
        "identifier" => {
            let name = syntax::text(target, src);
            let scope = syntax::enclosing_top_function(make)?;
            let mut decls = 0;
            let mut out = vec![];
            syntax::walk(scope, &mut |n| {
                decls += syntax::declared_names(n)
                    .iter()
                    .filter(|d| syntax::text(**d, src) == name)
                    .count();
                if n.kind() == "identifier" && syntax::text(n, src) == name {
                    out.push(n);
                }
            });
            (decls == 1).then_some(out)
        }
        "selector_expression" => {
            let field = target.child_by_field_name("field")?;
            field_mentions(pkg, file, syntax::text(field, src), src)
        }
        _ => None,
    }
}

/// The selector expressions naming field `name` in this file (and the keys of keyed literals), when the
/// file declares exactly one field of that name, of channel type, and no other file of the package could
/// use it. Methods of the same name count as a second declaration.
fn field_mentions<'t>(
    pkg: &Package,
    file: &'t PkgFile,
    name: &str,
    src: &str,
) -> Option<Vec<Node<'t>>> {
    let root = file.tree().root_node();
    let mut chan_fields = 0;
    let mut other_decls = 0;
    let mut out = vec![];
    syntax::walk(root, &mut |n| match n.kind() {
        "field_declaration" => {
            let mut c = n.walk();
            let count = n
                .children_by_field_name("name", &mut c)
                .filter(|f| syntax::text(*f, src) == name)
                .count();
            let is_chan = n
                .child_by_field_name("type")
                .is_some_and(|t| t.kind() == "channel_type");
            if is_chan {
                chan_fields += count;
            } else {
                other_decls += count;
            }
        }
        "method_declaration" | "method_elem" => {
            other_decls += n
                .child_by_field_name("name")
                .is_some_and(|f| syntax::text(f, src) == name) as usize;
        }
        "selector_expression"
            if n.child_by_field_name("field")
                .is_some_and(|f| syntax::text(f, src) == name) =>
        {
            out.push(n);
        }
        "keyed_element" => {
            if let Some(k) = n
                .child_by_field_name("key")
                .and_then(|k| named_children(k).into_iter().next())
                .filter(|k| syntax::text(*k, src) == name)
            {
                out.push(k);
            }
        }
        _ => {}
    });
    if chan_fields != 1 || other_decls != 0 {
        return None;
    }
    // Another file of the package spelling `.name` could send or receive on it: give up.
    let selector = format!(".{name}");
    let elsewhere = pkg.files.iter().any(|f| {
        !std::ptr::eq(f, file)
            && memchr::memmem::find_iter(f.text.as_bytes(), selector.as_bytes()).any(|at| {
                !f.text
                    .as_bytes()
                    .get(at + selector.len())
                    .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
            })
    });
    (!elsewhere).then_some(out)
}

/// What the mention `n` does with the channel; `None` for any use we do not recognise (the channel escapes).
fn classify<'t>(n: Node<'t>, make: Node<'t>, src: &str) -> Option<Use<'t>> {
    let parent = n.parent()?;
    // The declaring name, or the key / target the make is assigned through.
    if is_definition(n, make) {
        return Some(Use::Def);
    }
    // A selector's operand identifier is not the channel (a field mention is the whole selector).
    if parent.kind() == "selector_expression"
        && parent.child_by_field_name("field").map(|f| f.id()) != Some(n.id())
        && n.kind() == "identifier"
    {
        return None;
    }
    match parent.kind() {
        "send_statement" if is_field(parent, "channel", n) => {
            // `select { case ch <- struct{}{}: default: }` drops sends on purpose: a wake-up signal, not a tally.
            if parent
                .parent()
                .is_some_and(|c| c.kind() == "communication_case")
            {
                return None;
            }
            let value = parent.child_by_field_name("value")?;
            is_constant(value, src).then(|| syntax::enclosing_function(n).map(Use::Send))?
        }
        "argument_list" => {
            let call = parent.parent()?;
            let f = call.child_by_field_name("function")?;
            (f.kind() == "identifier"
                && syntax::text(f, src) == "close"
                && named_children(parent).len() == 1)
                .then_some(Use::Close)
        }
        "unary_expression"
            if syntax::text(parent.child_by_field_name("operator")?, src) == "<-" =>
        {
            counting_receive(parent, src)
        }
        "range_clause" if is_field(parent, "right", n) => {
            let for_stmt = parent.parent()?;
            let var = match parent.child_by_field_name("left") {
                Some(l) => match named_children(l).as_slice() {
                    [v] if v.kind() == "identifier" => Some(syntax::text(*v, src)),
                    _ => return None,
                },
                None => None,
            };
            let body = for_stmt.child_by_field_name("body")?;
            let [stmt] = syntax::block_statements(body)[..] else {
                return None;
            };
            // `_ = v` (the reduction left as a stub): the values are dropped, so only their count matters.
            let counter = increment(stmt, var, src).or_else(|| discards(stmt, var?, src))?;
            Some(Use::Count {
                func: syntax::enclosing_function(for_stmt)?,
                counter,
                drain: Some(for_stmt),
            })
        }
        _ => None,
    }
}

fn is_definition(n: Node<'_>, make: Node<'_>) -> bool {
    // `ch := make(...)` / `var ch = make(...)` / `x.f = make(...)`: n sits in the left side of make's statement.
    let Some(stmt) = syntax::ancestors(make).find(|a| {
        matches!(
            a.kind(),
            "short_var_declaration" | "assignment_statement" | "var_spec" | "keyed_element"
        )
    }) else {
        return false;
    };
    let left = match stmt.kind() {
        "var_spec" => stmt.child_by_field_name("name"),
        "keyed_element" => stmt.child_by_field_name("key"),
        _ => stmt.child_by_field_name("left"),
    };
    left.is_some_and(|l| l.start_byte() <= n.start_byte() && n.end_byte() <= l.end_byte())
}

fn is_field(parent: Node<'_>, field: &str, n: Node<'_>) -> bool {
    parent.child_by_field_name(field).map(|c| c.id()) == Some(n.id())
}

/// `1`, `-1`, `struct{}{}`, `true`: a value that carries no data.
fn is_constant(value: Node<'_>, src: &str) -> bool {
    match value.kind() {
        "int_literal" | "true" => true,
        "unary_expression" => {
            value
                .child_by_field_name("operator")
                .is_some_and(|o| syntax::text(o, src) == "-")
                && value
                    .child_by_field_name("operand")
                    .is_some_and(|o| o.kind() == "int_literal")
        }
        "composite_literal" => {
            value.child_by_field_name("type").is_some_and(|t| {
                t.kind() == "struct_type"
                    && named_children(t)
                        .iter()
                        .all(|l| named_children(*l).is_empty())
            }) && value
                .child_by_field_name("body")
                .is_some_and(|b| named_children(b).is_empty())
        }
        _ => false,
    }
}

/// `<-ch` in `n += <-ch`, or as a select case whose whole body adds to a counter.
fn counting_receive<'t>(recv: Node<'t>, src: &str) -> Option<Use<'t>> {
    let holder = recv.parent()?;
    match holder.kind() {
        "expression_list" => {
            let stmt = holder.parent()?;
            if stmt.kind() != "assignment_statement"
                || !is_field(stmt, "right", holder)
                || named_children(holder).len() != 1
                || syntax::text(stmt.child_by_field_name("operator")?, src) != "+="
            {
                return None;
            }
            let [left] = named_children(stmt.child_by_field_name("left")?)[..] else {
                return None;
            };
            is_counter(left).then_some(())?;
            Some(Use::Count {
                func: syntax::enclosing_function(stmt)?,
                counter: syntax::text(left, src).to_string(),
                drain: syntax::enclosing_loop(stmt),
            })
        }
        "receive_statement" => {
            let case = holder
                .parent()
                .filter(|c| c.kind() == "communication_case")?;
            let var = match holder.child_by_field_name("left") {
                Some(l) => match named_children(l).as_slice() {
                    [v] if v.kind() == "identifier" => Some(syntax::text(*v, src)),
                    _ => return None,
                },
                None => None,
            };
            let [stmt] = syntax::case_statements(case)[..] else {
                return None;
            };
            let counter = increment(stmt, var, src)?;
            Some(Use::Count {
                func: syntax::enclosing_function(case)?,
                counter,
                drain: syntax::enclosing_loop(case),
            })
        }
        _ => None,
    }
}

/// `c++`, `c += 1` or `c += v` (for the received value `v`): the counter's text.
fn increment(stmt: Node<'_>, var: Option<&str>, src: &str) -> Option<String> {
    match stmt.kind() {
        "inc_statement" | "dec_statement" => {
            let c = named_children(stmt).into_iter().next()?;
            is_counter(c).then(|| syntax::text(c, src).to_string())
        }
        "assignment_statement" => {
            let op = syntax::text(stmt.child_by_field_name("operator")?, src);
            let [left] = named_children(stmt.child_by_field_name("left")?)[..] else {
                return None;
            };
            let [right] = named_children(stmt.child_by_field_name("right")?)[..] else {
                return None;
            };
            let adds_value = var.is_some_and(|v| syntax::text(right, src) == v);
            let adds_one = right.kind() == "int_literal";
            (matches!(op, "+=" | "-=") && (adds_value || adds_one) && is_counter(left))
                .then(|| syntax::text(left, src).to_string())
        }
        _ => None,
    }
}

/// `_ = v`: the received value dropped; the counter is then the receive itself (`_`).
fn discards(stmt: Node<'_>, var: &str, src: &str) -> Option<String> {
    let [left] = named_children(stmt.child_by_field_name("left")?)[..] else {
        return None;
    };
    let [right] = named_children(stmt.child_by_field_name("right")?)[..] else {
        return None;
    };
    (stmt.kind() == "assignment_statement"
        && syntax::text(stmt.child_by_field_name("operator")?, src) == "="
        && syntax::text(left, src) == "_"
        && syntax::text(right, src) == var)
        .then(|| "_".to_string())
}

/// A counter is a variable or a field (`n`, `s.total`), not an index into something.
fn is_counter(n: Node<'_>) -> bool {
    match n.kind() {
        "identifier" => true,
        "selector_expression" => n.child_by_field_name("operand").is_some_and(is_counter),
        _ => false,
    }
}

/// Is `counter` an operand of a comparison inside `scope` (a loop: its header included)?
fn compared_within(scope: Node<'_>, counter: &str, src: &str) -> bool {
    let mut found = false;
    syntax::walk(scope, &mut |n| {
        if found || n.kind() != "binary_expression" {
            return;
        }
        let op = n
            .child_by_field_name("operator")
            .map_or("", |o| syntax::text(o, src));
        if matches!(op, "==" | "!=" | "<" | "<=" | ">" | ">=") {
            found = ["left", "right"].iter().any(|f| {
                n.child_by_field_name(f).is_some_and(|o| {
                    let mut hit = false;
                    syntax::walk(o, &mut |x| {
                        hit |= matches!(x.kind(), "identifier" | "selector_expression")
                            && syntax::text(x, src) == counter;
                    });
                    hit
                })
            });
        }
    });
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{check_detect_only_go, check_no_fix_go};

    fn wrap(body: &str) -> String {
        format!("package m\n\nimport \"sync\"\n\nvar _ sync.Mutex\n\n{body}")
    }

    const RANGE_SUM: &str = "func f(xs []int) int {\n\tch := make(chan int)\n\tgo func() {\n\t\tfor _, x := range xs {\n\t\t\tif x > 0 {\n\t\t\t\tch <- 1\n\t\t\t}\n\t\t}\n\t\tclose(ch)\n\t}()\n\ttotal := 0\n\tfor v := range ch {\n\t\ttotal += v\n\t}\n\treturn total\n}\n";

    #[test]
    fn range_sum_is_reported_version_aware() {
        let msgs = check_detect_only_go(&TRANSFORM, "1.19", &wrap(RANGE_SUM));
        assert!(msgs[0].contains("atomic.Int64"), "{msgs:?}");
        let msgs = check_detect_only_go(&TRANSFORM, "1.18", &wrap(RANGE_SUM));
        assert!(msgs[0].contains("atomic.AddInt64"), "{msgs:?}");
    }

    #[test]
    fn select_case_count_of_struct_sends() {
        check_detect_only_go(
            &TRANSFORM,
            "1.22",
            &wrap(
                "func f(stop chan struct{}, work func() bool) int {\n\thits := make(chan struct{}, 8)\n\tgo func() {\n\t\tfor work() {\n\t\t\thits <- struct{}{}\n\t\t}\n\t}()\n\tn := 0\n\tfor {\n\t\tselect {\n\t\tcase <-hits:\n\t\t\tn++\n\t\tcase <-stop:\n\t\t\treturn n\n\t\t}\n\t}\n}\n",
            ),
        );
    }

    #[test]
    fn a_value_send_a_semaphore_or_a_done_wait_is_not_a_counter() {
        // One send of a real value.
        check_no_fix_go(
            &TRANSFORM,
            "1.22",
            &wrap(&RANGE_SUM.replace("\t\t\t\tch <- 1\n", "\t\t\t\tch <- 1\n\t\t\t\tch <- x\n")),
        );
        // Semaphore.
        check_no_fix_go(
            &TRANSFORM,
            "1.22",
            &wrap(
                "func f(jobs []func()) {\n\tsem := make(chan struct{}, 4)\n\tfor _, j := range jobs {\n\t\tsem <- struct{}{}\n\t\tgo func() {\n\t\t\tdefer func() { <-sem }()\n\t\t\tj()\n\t\t}()\n\t}\n}\n",
            ),
        );
        // Completion count compared in the loop.
        check_no_fix_go(
            &TRANSFORM,
            "1.22",
            &wrap(
                "func f(n int, stop chan struct{}) {\n\tdone := make(chan struct{})\n\tfor i := 0; i < n; i++ {\n\t\tgo func() { done <- struct{}{} }()\n\t}\n\tfinished := 0\n\tfor finished < n {\n\t\tselect {\n\t\tcase <-done:\n\t\t\tfinished++\n\t\tcase <-stop:\n\t\t\treturn\n\t\t}\n\t}\n}\n",
            ),
        );
    }

    #[test]
    fn a_non_blocking_wakeup_send_is_not_a_tally() {
        check_no_fix_go(
            &TRANSFORM,
            "1.22",
            &wrap(
                "func f(stop chan struct{}, work func() bool) int {\n\twake := make(chan struct{}, 1)\n\tgo func() {\n\t\tfor work() {\n\t\t\tselect {\n\t\t\tcase wake <- struct{}{}:\n\t\t\tdefault:\n\t\t\t}\n\t\t}\n\t}()\n\tn := 0\n\tfor {\n\t\tselect {\n\t\tcase <-wake:\n\t\t\tn++\n\t\tcase <-stop:\n\t\t\treturn n\n\t\t}\n\t}\n}\n",
            ),
        );
    }

    #[test]
    fn escaping_or_same_goroutine_channels_are_skipped() {
        check_no_fix_go(
            &TRANSFORM,
            "1.22",
            &wrap(&RANGE_SUM.replace("\ttotal := 0\n", "\tregister(ch)\n\ttotal := 0\n"))
                .replace("package m\n", "package m\n\nfunc register(chan int) {}\n"),
        );
        check_no_fix_go(
            &TRANSFORM,
            "1.22",
            &wrap("func f() int {\n\tch := make(chan int, 1)\n\tch <- 1\n\treturn <-ch\n}\n"),
        );
    }

    const FIELD: &str = "type Counter struct {\n\tch    chan int64\n\ttotal int64\n}\n\nfunc New() *Counter {\n\tc := &Counter{ch: make(chan int64, 64)}\n\tgo func() {\n\t\tfor v := range c.ch {\n\t\t\tc.total += v\n\t\t}\n\t}()\n\treturn c\n}\n\nfunc (c *Counter) Inc() { c.ch <- 1 }\n";

    #[test]
    fn field_counter_in_one_file() {
        check_detect_only_go(&TRANSFORM, "1.22", &wrap(FIELD));
        // Another file of the package mentions `.ch`.
        let gomod = "module m\n\ngo 1.22\n";
        let (_d, out) = crate::testing::run_tree(
            &TRANSFORM,
            &[
                ("go.mod", gomod),
                ("x.go", &wrap(FIELD)),
                (
                    "y.go",
                    "package m\n\nfunc (c *Counter) Peek() int { return len(c.ch) }\n",
                ),
            ],
            crate::run::settings::Mode::Check,
            false,
            &[],
        );
        assert!(out.findings.is_empty(), "{:?}", out.findings);
    }
}
