fn main() {
    let src_dir = std::path::Path::new("src");
    let mut c = cc::Build::new();
    // The generated parser trips unused-parameter style warnings that are not ours to fix.
    c.std("c11").include(src_dir).warnings(false);
    #[cfg(target_env = "msvc")]
    c.flag("-utf-8");
    let parser = src_dir.join("parser.c");
    c.file(&parser);
    println!("cargo:rerun-if-changed={}", parser.display());
    c.compile("tree-sitter-go-gofixrt");
}
