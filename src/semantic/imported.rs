//! Mentions of an imported package's names with shadowing checked over a scope the rule chooses (the
//! outermost function around generated code, say): `runtime.MemStats` as a type, `runtime.ReadMemStats`
//! as a selector.

use crate::read::syntax;
use crate::semantic::package::PkgFile;
use tree_sitter::Node;

/// Is `t` the type `<path>.<name>`, its qualifier the usable import of `path` and declared nowhere in
/// `scope`?
pub fn is_imported_type(
    file: &PkgFile,
    t: Node<'_>,
    path: &str,
    name: &str,
    scope: Node<'_>,
) -> bool {
    let src = file.text.as_str();
    if t.kind() != "qualified_type" {
        return false;
    }
    let (Some(pkg), Some(ty)) = (
        t.child_by_field_name("package"),
        t.child_by_field_name("name"),
    ) else {
        return false;
    };
    let Some(imp) = file.import_of(path).filter(|i| i.is_usable()) else {
        return false;
    };
    let qualifier = syntax::text(pkg, src);
    syntax::text(ty, src) == name
        && imp.local == qualifier
        && !syntax::declares_name(scope, qualifier, src)
}

/// How many selectors `<local>.<name>` (calls or function values) `scope` holds, `<local>` being the
/// name `path` is imported under (0 when the file does not import it).
pub fn selector_mentions(file: &PkgFile, scope: Node<'_>, path: &str, name: &str) -> usize {
    let src = file.text.as_str();
    let Some(local) = file.import_of(path).map(|i| i.local.as_str()) else {
        return 0;
    };
    let mut count = 0;
    syntax::walk(scope, &mut |n| {
        if n.kind() == "selector_expression"
            && n.child_by_field_name("field")
                .is_some_and(|f| syntax::text(f, src) == name)
            && n.child_by_field_name("operand")
                .is_some_and(|o| syntax::text(o, src) == local)
        {
            count += 1;
        }
    });
    count
}
