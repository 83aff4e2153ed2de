//! Layers you can see (issue #12): rules ask the engine's model and never read files or walk the tree
//! themselves. Keeps file-system access out of every file under transforms/.

use std::path::Path;

const FORBIDDEN: &[&str] = &["std::fs", "fs::", "read_dir", "File::open"];

#[test]
fn transforms_never_touch_the_file_system() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("transforms");
    let mut stack = vec![dir];
    let mut offenders = vec![];
    let mut seen = 0;
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("transforms/ is readable") {
            let path = e.expect("directory entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|x| x != "rs") {
                continue;
            }
            seen += 1;
            let text = std::fs::read_to_string(&path).expect("rule source is UTF-8");
            for (i, line) in text.lines().enumerate() {
                if let Some(word) = FORBIDDEN.iter().find(|w| line.contains(**w)) {
                    offenders.push(format!("{}:{}: {word}", path.display(), i + 1));
                }
            }
        }
    }
    assert!(seen > 10, "found only {seen} rule files");
    assert!(
        offenders.is_empty(),
        "rules must ask the engine (cx.pkg, cx.pkg.module.facts()) instead of reading files:\n{}",
        offenders.join("\n")
    );
}

/// The layers of src/, lowest first: a module may use its own layer and those before it, never one
/// after it (so there are no import cycles between layers). Unit tests (`#[cfg(test)]` modules, which
/// start a file's last part) may reach anything.
const LAYERS: &[&str] = &[
    "read", "semantic", "rules", "catalog", "run", "output", "git",
];

#[test]
fn src_layers_only_use_the_layers_below_them() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut offenders = vec![];
    for (rank, layer) in LAYERS.iter().enumerate() {
        let mut stack = vec![src.join(layer)];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).expect("layer folder is readable") {
                let path = e.expect("directory entry").path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).expect("source is UTF-8");
                let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or("");
                for (i, line) in code.lines().enumerate() {
                    for above in &LAYERS[rank + 1..] {
                        if line.contains(&format!("crate::{above}::")) {
                            offenders.push(format!("{}:{}: uses {above}", path.display(), i + 1));
                        }
                    }
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "a layer uses one above it:\n{}",
        offenders.join("\n")
    );
}
