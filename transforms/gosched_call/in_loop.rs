//! R3a inside loops: a yield in a loop that ends by itself and does other work goes; a loop that waits
//! for another goroutine is a spin-wait, reported without a fix (unless it spins by design).

use super::{LOOP_MESSAGE, SPIN_MESSAGE, YIELD_LOOP_MESSAGE, removal_fix};
use crate::read::syntax;
use crate::rules::fix::TextRange;
use crate::rules::range_blank::{blank_range_variable, merge_blanks};
use crate::rules::removal::plan_removal_leaving_unused;
use crate::rules::transform::Ctx;
use crate::semantic::pkg_calls::any_node;
use tree_sitter::Node;

/// Owner's decision "R3a inside loops": the yield goes (Safe) from a loop that ends by itself and does other
/// work; a loop that waits for another goroutine is a spin-wait, reported without a fix.
pub(super) fn in_loop(
    cx: &mut Ctx<'_>,
    stmt: Node<'_>,
    call: Node<'_>,
    func: Node<'_>,
    local: &str,
) {
    let src = cx.src();
    let loops: Vec<Node<'_>> = syntax::ancestors(stmt)
        .take_while(|a| a.id() != func.id())
        .filter(|a| a.kind() == "for_statement")
        .collect();
    let innermost = loops[0];
    let planned = plan_removal_leaving_unused(src, stmt);
    let ends = loops
        .iter()
        .all(|l| crate::semantic::loops::ends_by_itself(*l, src));
    // The statement of the loop's body that holds the yield (the yield itself, or the `if` around it).
    let holder = std::iter::once(stmt)
        .chain(syntax::ancestors(stmt))
        .find(|a| {
            a.parent().and_then(|l| l.parent()).is_some_and(|b| {
                Some(b.id()) == innermost.child_by_field_name("body").map(|x| x.id())
            })
        })
        .unwrap_or(stmt);
    let body = innermost.child_by_field_name("body");
    let others: Vec<Node<'_>> = body
        .map(syntax::block_statements)
        .unwrap_or_default()
        .into_iter()
        .filter(|s| s.id() != holder.id())
        .collect();
    // A loop that does nothing but yield and check whether to stop waits for another goroutine: a
    // spin-wait. A loop without end counts its polls and counters as waiting too (`v := load()`).
    // A yield nested in a bigger statement (a `select` case that starts workers, say) sits among work.
    let removed = planned.as_ref().map_or(stmt, |(r, _)| r.removed);
    let nested_in_work = holder.id() != removed.id();
    let waits = !nested_in_work
        && if ends {
            !others.is_empty()
                && others
                    .iter()
                    .all(|s| crate::semantic::loops::is_exit_check(*s))
        } else {
            others
                .iter()
                .all(|s| crate::semantic::loops::is_bookkeeping(*s))
        };
    if waits || (others.is_empty() && !nested_in_work) {
        // `for { select { ...; default: runtime.Gosched() } }` is R7.7's finding: one report per site. A
        // function or type named for spinning (a spinlock) spins by design, and a comment at the loop
        // that says it spins or hands a lock over explains the yield.
        if select_default_spin(stmt)
            || named_for_spinning(func, src)
            || loops.iter().any(|l| comment_explains_yield(*l, func, src))
        {
            return;
        }
        if others.is_empty() && ends {
            cx.report(TextRange::of(call), YIELD_LOOP_MESSAGE)
                .withhold("the loop does nothing but yield");
        } else {
            cx.report(TextRange::of(call), SPIN_MESSAGE).withhold(
                "the loop waits for another goroutine, and without the yield it would spin",
            );
        }
        return;
    }
    // A loop that works and never ends by itself (an event loop) yields between rounds; only a loop that
    // ends by itself is known not to turn into a spin without its yields.
    if !ends {
        return;
    }
    // §3.2.1 by other means: a backward `goto` makes a loop the tree does not show.
    if any_node(func, |n| n.kind() == "goto_statement") {
        cx.report(TextRange::of(call), LOOP_MESSAGE)
            .withhold("the function uses `goto`, so its loops cannot be read from the tree");
        return;
    }
    let (removal, unused) = match planned {
        Ok(p) => p,
        Err(blocked) => {
            cx.report(TextRange::of(call), LOOP_MESSAGE)
                .withhold(blocked.reason());
            return;
        }
    };
    // A range variable only the deleted `if` read is blanked, or Go rejects it as unused.
    let mut blank = vec![];
    for name in &unused {
        match blank_range_variable(&loops, name, src) {
            Some(edit) => blank.push(edit),
            None => {
                cx.report(TextRange::of(call), LOOP_MESSAGE).withhold(
                    "deleting the enclosing `if` would leave a variable its condition reads unused",
                );
                return;
            }
        }
    }
    let mut fix = removal_fix(cx, &removal, local);
    for edit in merge_blanks(blank, src) {
        fix = fix.edit(cx.file_idx, edit);
    }
    cx.report(TextRange::of(call), LOOP_MESSAGE).fix = Some(fix);
}

/// Does a comment inside `for_stmt`, or in the comment lines right above it, say the loop spins on purpose
/// or yields so another goroutine can take a lock ("we spin because...", "acquire the shard mutex")?
fn comment_explains_yield(for_stmt: Node<'_>, func: Node<'_>, src: &str) -> bool {
    // The run of `//` lines right above the loop (tree-sitter may hang them on the block, not the list).
    let mut above = syntax::line_start(src, for_stmt.start_byte());
    while above > 0 {
        let prev = syntax::line_start(src, above - 1);
        if !src[prev..above].trim_start().starts_with("//") {
            break;
        }
        above = prev;
    }
    let mut found = false;
    syntax::walk(func, &mut |n| {
        if n.kind() == "comment" && n.start_byte() >= above && n.end_byte() <= for_stmt.end_byte() {
            let text = syntax::text(n, src).to_lowercase();
            found |= ["spin", "mutex", "lock"].iter().any(|w| text.contains(w));
        }
    });
    found
}

/// Does the function, or the type of the method's receiver, say it spins (`spinLock.Lock`, `spinWait`)?
fn named_for_spinning(func: Node<'_>, src: &str) -> bool {
    let top = syntax::enclosing_top_function(func).unwrap_or(func);
    ["name", "receiver"].iter().any(|f| {
        top.child_by_field_name(f)
            .is_some_and(|n| syntax::text(n, src).to_lowercase().contains("spin"))
    })
}

/// Is `stmt` the only statement of the `default` of a `select` that is a loop's whole body (R7.7's shape)?
fn select_default_spin(stmt: Node<'_>) -> bool {
    let Some(case) = stmt.parent().and_then(|l| {
        if l.kind() == "statement_list" {
            l.parent()
        } else {
            Some(l)
        }
    }) else {
        return false;
    };
    if case.kind() != "default_case" || syntax::case_statements(case).len() != 1 {
        return false;
    }
    let Some(select) = case.parent().filter(|s| s.kind() == "select_statement") else {
        return false;
    };
    let body = syntax::ancestors(select).find(|a| a.kind() == "block");
    body.is_some_and(|b| {
        b.parent().is_some_and(|f| f.kind() == "for_statement")
            && syntax::block_statements(b)
                .iter()
                .all(|s| s.id() == select.id())
    })
}
