//! Dockerfiles as a rule reads them: the instructions, each with its keyword, its span (continuation
//! lines joined, a heredoc's body run past) and where its arguments start.

/// One instruction (`RUN go build ...`, `FROM golang AS build`, `ARG NAME=value`).
pub struct Instruction<'t> {
    /// The keyword, upper-cased.
    pub keyword: String,
    /// The instruction's text from its keyword, continuation lines included (a heredoc's body is not).
    pub text: &'t str,
    /// Where the text after the keyword starts in the file, and where the instruction ends (after a
    /// heredoc's body).
    pub args_start: usize,
    pub end: usize,
    /// The instruction starts a heredoc (`<<EOF`): its body is part of it.
    pub heredoc: bool,
}

/// Does a `# escape=` parser directive change what a line continuation is?
pub fn has_escape_directive(text: &str) -> bool {
    text.lines().take_while(|l| l.starts_with('#')).any(|l| {
        l.replace(' ', "")
            .to_ascii_lowercase()
            .starts_with("#escape=")
    })
}

/// The instructions of `text` in order; comment and blank lines are skipped. An instruction runs to the
/// first line not ending in a backslash (comment lines inside count), and on through a heredoc's body to
/// the line that is its tag alone.
pub fn instructions(text: &str) -> Vec<Instruction<'_>> {
    let b = text.as_bytes();
    let mut out = vec![];
    let mut pos = 0;
    while pos < text.len() {
        let line_end = memchr::memchr(b'\n', &b[pos..]).map_or(text.len(), |i| pos + i);
        let line = &text[pos..line_end];
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            pos = line_end + 1;
            continue;
        }
        let mut end = line_end;
        let mut heredoc = false;
        loop {
            let l = &text[text[..end].rfind('\n').map_or(0, |i| i + 1)..end];
            if !l.trim_end().ends_with('\\') || end >= text.len() {
                break;
            }
            end = memchr::memchr(b'\n', &b[end + 1..]).map_or(text.len(), |i| end + 1 + i);
        }
        let keyword = trimmed.split_whitespace().next().unwrap_or("");
        let start = pos + (line.len() - trimmed.len());
        let instr = &text[start..end];
        if let Some(tag) = heredoc_tag(&text[pos..end]) {
            heredoc = true;
            let mut p = end + 1;
            while p < text.len() {
                let e = memchr::memchr(b'\n', &b[p..]).map_or(text.len(), |i| p + i);
                let l = text[p..e].trim();
                if l == tag {
                    end = e;
                    break;
                }
                p = e + 1;
                end = e;
            }
        }
        out.push(Instruction {
            keyword: keyword.to_ascii_uppercase(),
            text: instr,
            args_start: start + keyword.len(),
            end,
            heredoc,
        });
        pos = end + 1;
    }
    out
}

/// The terminator of a `<<TAG` / `<<-TAG` / `<<"TAG"` heredoc started in this instruction.
fn heredoc_tag(instr: &str) -> Option<String> {
    let p = instr.find("<<")?;
    let rest = instr[p + 2..].trim_start_matches('-');
    let tag: String = rest
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!tag.is_empty()).then_some(tag)
}
