//! Is cgo reached? Whether a package of the same module that a call goes to imports "C" (R6.2: a callee
//! in such a package may need the locked thread; rules about C calls can ask the same). Read from the
//! package directory's `.go` files, without parsing.

use crate::read::gomod::Module;

/// Does the package at `import_path`, when it belongs to `module`, have a non-test `.go` file importing
/// "C"? `false` for packages outside the module (not on disk here) and for unreadable directories.
pub fn module_package_uses_cgo(module: &Module, import_path: &str) -> bool {
    let Some(root) = &module.root else {
        return false;
    };
    let Some(rest) = import_path
        .strip_prefix(module.path.as_str())
        .and_then(|r| r.strip_prefix('/'))
    else {
        return false;
    };
    let Ok(entries) = std::fs::read_dir(root.join(rest)) else {
        return false;
    };
    entries.flatten().any(|e| {
        let name = e.file_name();
        let name = name.to_string_lossy();
        name.ends_with(".go")
            && !name.ends_with("_test.go")
            && std::fs::read(e.path())
                .is_ok_and(|text| crate::semantic::prefilter::imports(&text, "C"))
    })
}
