//! Test-only pieces shared by several integration-test binaries.

use gofix_rt::fix::{Edit, Fix, FixAvailability, TextRange};
use gofix_rt::transform::{Ctx, Match, Meta, Transform, always};

/// A transform with a bug only the compiler sees: it renames `work()` calls to `doWork()`, a function that
/// does not exist, so `--verify` must drop its fixes.
pub static BREAKS_BUILD: Transform = Transform {
    meta: Meta {
        code: "X9",
        name: "test-breaks-build",
        summary: "test only",
        fix: FixAvailability::Always,
        prefilter: &["work()"],
        tier: gofix_rt::transform::Tier::AlwaysShip,
        options: &[],
    },
    source: "",
    query: r#"((call_expression function: (identifier) @fn) @match (#eq? @fn "work"))"#,
    run: breaks_build,
    precheck: always,
    other_files: None,
};

fn breaks_build(cx: &mut Ctx<'_>, m: &Match<'_>) {
    let (Some(call), Some(name)) = (m.node("match"), m.node("fn")) else {
        return;
    };
    let file = cx.file_idx;
    cx.report(TextRange::of(call), "test finding").fix =
        Some(Fix::safe("rename").edit(file, Edit::replace(TextRange::of(name), "doWork")));
}
