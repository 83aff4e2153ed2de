//! What the module's `godebug` settings (go.mod, go.work, `//go:debug` lines) say about runtime
//! behaviours that rules depend on.

use crate::read::gomod::Module;
use crate::read::version::GoVersion;

/// Are timer channels synchronous (Go 1.23 semantics) for every build of the module as configured? The
/// go line (`go_line`, and a go.work's in workspace mode) must be >= 1.23, and nothing in the module asks
/// for asynchronous channels. A `GODEBUG` variable at run time can still do so.
pub fn timer_channels_synchronous(module: &Module, go_line: GoVersion) -> bool {
    if go_line < GoVersion(23)
        || module.work_go.is_some_and(|g| g < GoVersion(23))
        || forces_async_timers(&module.godebug)
        || forces_async_timers(&module.work_godebug)
    {
        return false;
    }
    // Without a go.mod there is no go line to opt in with.
    module.root.is_some() && !forces_async_timers(module.facts().go_debug_settings())
}

/// `asynctimerchan` set to anything but 0, or `default` at go1.22 or older.
fn forces_async_timers(settings: &[(String, String)]) -> bool {
    settings.iter().any(|(k, v)| match k.as_str() {
        "asynctimerchan" => v.trim() != "0",
        "default" => GoVersion::parse(v).is_none_or(|g| g < GoVersion(23)),
        _ => false,
    })
}
