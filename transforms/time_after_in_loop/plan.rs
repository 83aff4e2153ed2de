//! R2's preconditions on the select, its loop and the function (§2.4), and the decisions they lead to:
//! shape, reset mode, applicability and priority.

use super::site::is_timer_case;
use super::{Kind, Plan, Site};
use crate::read::layout::one_line;
use crate::read::nodes::{contains_kind, outermost_function};
use crate::read::syntax::{self, named_children};
use crate::read::version::GoVersion;
use crate::rules::fix::Applicability;
use crate::rules::placement;
use crate::rules::transform::Ctx;
use crate::semantic::select::{self, OperandEffect};
use crate::semantic::{godebug, hoist};

/// Checks every remaining precondition of §2.4 and decides shape, mode, applicability and priority.
pub(super) fn make_plan<'t>(cx: &Ctx<'_>, site: Site<'t>) -> Option<Plan<'t>> {
    let src = cx.src();
    let select = site
        .case
        .parent()
        .filter(|p| p.kind() == "select_statement")?;
    let clauses = named_children(select);
    // §2.4.4: no `default` case (with one, the timer case is effectively dead; leave it alone).
    if clauses.iter().any(|c| c.kind() == "default_case") {
        return None;
    }
    // §2.4.3: exactly one time.After / time.Tick case in this select.
    if clauses.iter().filter(|c| is_timer_case(cx, **c)).count() != 1 {
        return None;
    }
    // §2.4.2: the innermost `for` around the select is in the same function (enclosing_loop stops at
    // function literals); no loop there means no accumulation (§2.5's non-loop rule is not implemented).
    let for_stmt = syntax::enclosing_loop(select)?;
    let scope = outermost_function(select)?;
    // §2.4.6: no goto anywhere in the function (a jump over the declaration does not compile; one onto the
    // select would skip the reset).
    if contains_kind(scope, "goto_statement") {
        return None;
    }
    // Placement (§2.3): both statements sit in statement lists and start their lines; labels stay with
    // their statements, so the inserted lines go above the label (and above a comment block attached to it).
    let decl_at = placement::before_statement(src, for_stmt)?;
    let reset_at = placement::before_statement(src, select)?;
    let case_body_at = placement::case_body_start(src, site.case)?;
    // §2.4.5 with the owner's decision: only operands evaluated before the timer operand matter.
    let mut applicability = Applicability::Safe;
    let mut review = None;
    let earlier = select::operands_before(&clauses, site.case);
    for op in &earlier {
        match select::operand_effect(src, *op) {
            OperandEffect::Pure => {}
            OperandEffect::Call => {
                if review.is_none() {
                    review = Some(format!(
                        "the timer now starts before `{}` is evaluated",
                        one_line(syntax::text(*op, src))
                    ));
                }
                applicability = Applicability::Unsafe;
            }
            OperandEffect::Blocks => return None,
        }
    }
    // The duration's own evaluation moves ahead of the earlier operands; a call in it could change what
    // they read when they share a variable.
    if !syntax::is_pure_expr(site.arg, src) {
        let mentioned = syntax::identifiers(site.arg, src);
        let shared = earlier.iter().any(|op| {
            let mut hit = false;
            syntax::walk(*op, &mut |n| {
                hit |= n.kind() == "identifier" && mentioned.contains(syntax::text(n, src))
            });
            hit
        });
        if shared {
            applicability = Applicability::Unsafe;
            review.get_or_insert_with(|| {
                format!(
                    "`{}` is now evaluated before the earlier case operands",
                    syntax::text(site.arg, src)
                )
            });
        }
    }
    let shape_a = hoist::evaluable_before_loop(cx.pkg, cx.file_idx, site.arg, for_stmt, scope);
    let rt = cx.file().versions.rt;
    let sync = rt >= GoVersion(27)
        || (rt >= GoVersion(23)
            && cx.opt("sync-timers")
            && godebug::timer_channels_synchronous(&cx.pkg.module, cx.file().versions.module));
    // Owner's decision: sleep-or-quit loops never pile timers up (tickers before 1.23 do: never collected).
    let leaks_anyway = site.kind == Kind::Tick && rt < GoVersion(23);
    let low_priority =
        !leaks_anyway && select::other_cases_leave_loop(src, &clauses, site.case, for_stmt);
    Some(Plan {
        site,
        scope,
        decl_at,
        reset_at,
        case_body_at,
        shape_a,
        sync,
        applicability,
        low_priority,
        review,
    })
}
