fn main() {
    let path = std::env::args().nth(1).unwrap();
    let text = std::fs::read_to_string(path).unwrap();
    let tree = gofix_rt::read::syntax::parse(&text);
    println!("{}", tree.root_node().to_sexp());
}
