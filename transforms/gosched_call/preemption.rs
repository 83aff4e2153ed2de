//! §3.2.5: files built only for platforms without asynchronous preemption, where a yield is the only way
//! another goroutine gets the processor.

use crate::read::buildtags::{
    collect_unknown_tags, eval, file_constraint, filename_platform, platform_tag,
};
use crate::semantic::package::PkgFile;

/// Platforms that preempt goroutines asynchronously (every first-class and most secondary ports; not
/// `js/wasm`, `wasip1/wasm`, `plan9/*`, `windows/arm`, `darwin/arm`).
const PREEMPTIVE: &[(&str, &str)] = &[
    ("linux", "amd64"),
    ("linux", "386"),
    ("linux", "arm"),
    ("linux", "arm64"),
    ("linux", "loong64"),
    ("linux", "mips"),
    ("linux", "mipsle"),
    ("linux", "mips64"),
    ("linux", "mips64le"),
    ("linux", "ppc64"),
    ("linux", "ppc64le"),
    ("linux", "riscv64"),
    ("linux", "s390x"),
    ("android", "arm64"),
    ("android", "amd64"),
    ("android", "arm"),
    ("android", "386"),
    ("darwin", "amd64"),
    ("darwin", "arm64"),
    ("ios", "arm64"),
    ("windows", "amd64"),
    ("windows", "386"),
    ("windows", "arm64"),
    ("freebsd", "amd64"),
    ("freebsd", "386"),
    ("freebsd", "arm"),
    ("freebsd", "arm64"),
    ("freebsd", "riscv64"),
    ("netbsd", "amd64"),
    ("netbsd", "386"),
    ("netbsd", "arm"),
    ("netbsd", "arm64"),
    ("openbsd", "amd64"),
    ("openbsd", "386"),
    ("openbsd", "arm"),
    ("openbsd", "arm64"),
    ("openbsd", "ppc64"),
    ("openbsd", "riscv64"),
    ("dragonfly", "amd64"),
    ("illumos", "amd64"),
    ("solaris", "amd64"),
    ("aix", "ppc64"),
];

/// True when no platform with asynchronous preemption can build `file` (by file name and build lines).
/// A constraint we cannot read counts as restricting (do not fire).
pub(super) fn only_without_preemption(file: &PkgFile) -> bool {
    let name = file.path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let (os, arch) = filename_platform(name);
    let Ok(expr) = file_constraint(&file.text) else {
        return true;
    };
    let mut unknown = vec![];
    if let Some(e) = &expr {
        collect_unknown_tags(e, &mut unknown);
    }
    if unknown.len() > 8 {
        return true;
    }
    !PREEMPTIVE.iter().any(|&(goos, goarch)| {
        let name_ok = os.is_none_or(|o| platform_tag(o, goos, goarch) == Some(true))
            && arch.is_none_or(|a| platform_tag(a, goos, goarch) == Some(true));
        name_ok
            && (0..1u32 << unknown.len()).any(|bits| {
                expr.as_ref().is_none_or(|e| {
                    eval(e, &|t| {
                        platform_tag(t, goos, goarch).unwrap_or_else(|| {
                            unknown
                                .iter()
                                .position(|u| u == t)
                                .is_some_and(|i| bits & (1 << i) != 0)
                        })
                    })
                })
            })
    })
}
