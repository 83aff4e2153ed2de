//! The little YAML a rule reads in a build configuration (`.goreleaser.yml`): the items of a top-level
//! block list (`builds:`), and the keys of one item with their inline values and the lines below them.
//! Line-based, not a YAML parser: flow style, block scalars and anchors are left for the rule to refuse.

/// A line of the file: its offset and its text (without the newline).
pub type Line<'t> = (usize, &'t str);

/// One key of a list item: its name, its inline value and the lines of its value.
pub struct Key<'t> {
    pub name: &'t str,
    /// The inline value (after `key:`) and its offset.
    pub inline: &'t str,
    pub inline_at: usize,
    /// Following lines that belong to the value.
    pub body: Vec<Line<'t>>,
}

impl Key<'_> {
    /// The inline value and the body's lines (list dashes dropped), joined with spaces.
    pub fn joined(&self) -> String {
        let mut s = self.inline.to_string();
        for (_, l) in &self.body {
            s.push(' ');
            s.push_str(l.trim().trim_start_matches("- "));
        }
        s
    }

    /// The first list item line of the body (`- value`), with its indentation.
    pub fn first_list_line(&self) -> Option<(usize, usize)> {
        self.body
            .iter()
            .find(|(_, l)| l.trim_start().starts_with("- "))
            .map(|(off, l)| (*off, indent(l)))
    }
}

/// Leading spaces.
pub fn indent(l: &str) -> usize {
    l.len() - l.trim_start_matches(' ').len()
}

/// A line that holds something (not blank, not a comment).
pub fn is_content(l: &str) -> bool {
    !l.trim().is_empty() && !l.trim_start().starts_with('#')
}

/// The items of the block list under the line `key:`, each up to the next item or the end of the list
/// (blank and comment lines after an item belong to it).
pub fn list_items<'t>(text: &'t str, key: &str) -> Vec<Vec<Line<'t>>> {
    let lines: Vec<Line<'t>> = {
        let mut off = 0;
        text.split('\n')
            .map(|l| {
                let r = (off, l);
                off += l.len() + 1;
                r
            })
            .collect()
    };
    let head = format!("{key}:");
    let Some(top) = lines.iter().position(|(_, l)| l.trim_end() == head) else {
        return vec![];
    };
    let mut items: Vec<Vec<Line<'t>>> = vec![];
    let mut item_indent = None;
    for &(off, l) in &lines[top + 1..] {
        if !is_content(l) {
            if let Some(cur) = items.last_mut() {
                cur.push((off, l));
            }
            continue;
        }
        let ind = indent(l);
        let is_item = l.trim_start().starts_with("- ") || l.trim() == "-";
        match item_indent {
            None if is_item => {
                item_indent = Some(ind);
                items.push(vec![(off, l)]);
            }
            None => break,
            Some(ii) if is_item && ind == ii => items.push(vec![(off, l)]),
            Some(ii) if ind > ii => items.last_mut().expect("an item").push((off, l)),
            Some(_) => break,
        }
    }
    items
}

/// The keys of one list item (its first line starts with `-`), and the indentation of its keys (the
/// first one shares the `- ` line).
pub fn item_keys<'t>(item: &[Line<'t>]) -> (usize, Vec<Key<'t>>) {
    let (_, first) = item[0];
    let dash = first.find('-').expect("an item line");
    let key_indent = dash + 1 + first[dash + 1..].len() - first[dash + 1..].trim_start().len();
    let mut keys: Vec<Key<'t>> = vec![];
    for (n, &(off, l)) in item.iter().enumerate() {
        let body = if n == 0 {
            &l[key_indent.min(l.len())..]
        } else {
            l
        };
        let at_key = n == 0 || (indent(l) == key_indent && !l.trim_start().starts_with('-'));
        if at_key && !body.trim().is_empty() && !body.trim_start().starts_with('#') {
            let t = body.trim_start();
            let Some((name, rest)) = t.split_once(':') else {
                continue;
            };
            let name_at = l.len() - t.len();
            let inline = rest.trim();
            let inline_at = off + name_at + name.len() + 1 + (rest.len() - rest.trim_start().len());
            keys.push(Key {
                name: name.trim(),
                inline,
                inline_at,
                body: vec![],
            });
        } else if let Some(k) = keys.last_mut() {
            k.body.push((off, l));
        }
    }
    (key_indent, keys)
}
