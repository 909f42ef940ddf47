//! Here-documents (XCU 2.7.4): reading bodies after the newline, and placing them into the tree.

use std::rc::Rc;

use super::super::ast::{Command, CompoundCommand, List, RedirTarget, Redirect, Word};
use super::super::lexer::Source;
use super::word::Context;
use super::{PResult, Parse, PendingHereDoc};

impl Parse<'_, '_> {
    /// Read the bodies of all pending here-documents, in order, from just
    /// after a newline token.
    pub(super) fn read_here_doc_bodies(&mut self) -> PResult<()> {
        for doc in std::mem::take(&mut self.pending_here_docs) {
            let body = self.here_doc_body(&doc)?;
            self.here_doc_bodies.push(body);
        }
        Ok(())
    }

    /// One body: lines up to the delimiter line (or the end of input, which
    /// bash and dash accept with a warning).
    fn here_doc_body(&mut self, doc: &PendingHereDoc) -> PResult<Word> {
        let line = self.src.mark.line;
        let mut text = Vec::new();
        let mut at_line_start = true;
        while self.src.peek_raw().is_some() {
            let start = self.src.mark.pos;
            while let Some(b) = self.src.peek_raw() {
                self.src.bump();
                if b == b'\n' {
                    break;
                }
            }
            let mut content = self.src.slice(start, self.src.mark.pos);
            if doc.strip_tabs {
                let tabs = content.iter().take_while(|&&b| b == b'\t').count();
                content = &content[tabs..];
            }
            let bare = content.strip_suffix(b"\n").unwrap_or(content);
            if at_line_start && bare == doc.delimiter.as_slice() {
                break;
            }
            text.extend_from_slice(content);
            // In an unquoted body, backslash-newline joins lines, and the
            // line joined on cannot be the delimiter.
            at_line_start = true;
            if !doc.quoted && content.ends_with(b"\\\n") {
                let backslashes = bare.iter().rev().take_while(|&&b| b == b'\\').count();
                if backslashes % 2 == 1 {
                    text.truncate(text.len() - 2);
                    at_line_start = false;
                }
            }
        }
        if doc.quoted {
            return Ok(Word::literal(&text));
        }
        if text.is_empty() {
            return Ok(Word::default());
        }
        self.enter()?;
        let mut source = Source::from_owned(text, line);
        let parts = Parse::new(&mut source, self.aliases, self.depth).word_parts(Context::HereDoc);
        self.leave();
        Ok(Word { parts: parts? })
    }
}

/// The delimiter a here-document operator's word stands for (quote
/// removal, XCU 2.7.4), and whether any part of it was quoted.
pub(crate) fn unquote_delimiter(raw: &[u8]) -> (Vec<u8>, bool) {
    let mut out = Vec::with_capacity(raw.len());
    let mut quoted = false;
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'\\' => {
                if let Some(&c) = raw.get(i + 1) {
                    if c != b'\n' {
                        quoted = true;
                        out.push(c);
                    }
                    i += 1;
                } else {
                    quoted = true;
                }
            }
            b'\'' => {
                quoted = true;
                i += 1;
                while i < raw.len() && raw[i] != b'\'' {
                    out.push(raw[i]);
                    i += 1;
                }
            }
            b'"' => {
                quoted = true;
                i += 1;
                while i < raw.len() && raw[i] != b'"' {
                    if raw[i] == b'\\' && matches!(raw.get(i + 1), Some(b'$' | b'`' | b'"' | b'\\'))
                    {
                        i += 1;
                    }
                    if let Some(&c) = raw.get(i) {
                        out.push(c);
                    }
                    i += 1;
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    (out, quoted)
}

/// Remove line continuations from a word's source text.
pub(super) fn strip_continuations(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    let mut in_single = false;
    while i < raw.len() {
        let c = raw[i];
        if !in_single && c == b'\\' {
            match raw.get(i + 1) {
                Some(b'\n') => {
                    i += 2;
                    continue;
                }
                Some(&d) => {
                    out.push(c);
                    out.push(d);
                    i += 2;
                    continue;
                }
                None => {}
            }
        }
        if c == b'\'' {
            in_single = !in_single;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Put `bodies`, in source order, into the here-document redirections of
/// `list`. Command substitutions are skipped: they fill their own.
pub(super) fn fill_list(list: &mut List, bodies: &mut impl Iterator<Item = Word>) {
    for item in &mut list.items {
        let pipelines = std::iter::once(&mut item.and_or.first)
            .chain(item.and_or.rest.iter_mut().map(|(_, p)| p));
        for pipeline in pipelines {
            for command in &mut pipeline.commands {
                fill_command(command, bodies);
            }
        }
    }
}

fn fill_command(command: &mut Command, bodies: &mut impl Iterator<Item = Word>) {
    match command {
        Command::Simple(simple) => fill_redirects(&mut simple.redirects, bodies),
        Command::Compound(compound, redirects) => {
            fill_compound(compound, bodies);
            fill_redirects(redirects, bodies);
        }
        Command::FunctionDef(def) => {
            if let Some(body) = Rc::get_mut(&mut def.body) {
                fill_compound(&mut body.command, bodies);
                fill_redirects(&mut body.redirects, bodies);
            }
        }
    }
}

fn fill_compound(compound: &mut CompoundCommand, bodies: &mut impl Iterator<Item = Word>) {
    match compound {
        CompoundCommand::BraceGroup(list) | CompoundCommand::Subshell(list) => {
            fill_list(list, bodies)
        }
        CompoundCommand::For { body, .. } => fill_list(body, bodies),
        CompoundCommand::Case { arms, .. } => {
            for arm in arms {
                fill_list(&mut arm.body, bodies);
            }
        }
        CompoundCommand::If {
            branches,
            else_branch,
        } => {
            for (cond, body) in branches {
                fill_list(cond, bodies);
                fill_list(body, bodies);
            }
            if let Some(list) = else_branch {
                fill_list(list, bodies);
            }
        }
        CompoundCommand::While { cond, body } | CompoundCommand::Until { cond, body } => {
            fill_list(cond, bodies);
            fill_list(body, bodies);
        }
    }
}

fn fill_redirects(redirects: &mut [Redirect], bodies: &mut impl Iterator<Item = Word>) {
    for redirect in redirects {
        if let RedirTarget::HereDoc(doc) = &mut redirect.target
            && let Some(doc) = Rc::get_mut(doc)
            && let Some(body) = bodies.next()
        {
            doc.body = body;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{canon, check, parse};
    use super::*;
    use crate::shell::syntax::ast::*;

    fn docs(src: &str) -> Vec<Rc<HereDoc>> {
        fn walk(list: &List, out: &mut Vec<Rc<HereDoc>>) {
            for item in &list.items {
                for cmd in &item.and_or.first.commands {
                    let (redirects, inner): (&[Redirect], Option<&List>) = match cmd {
                        Command::Simple(s) => (&s.redirects, None),
                        Command::Compound(CompoundCommand::BraceGroup(l), r) => (r, Some(l)),
                        Command::Compound(_, r) => (r, None),
                        Command::FunctionDef(_) => (&[], None),
                    };
                    if let Some(l) = inner {
                        walk(l, out);
                    }
                    for r in redirects {
                        if let RedirTarget::HereDoc(d) = &r.target {
                            out.push(d.clone());
                        }
                    }
                }
            }
        }
        let mut out = Vec::new();
        walk(&parse(src), &mut out);
        out
    }

    #[test]
    fn quoted_and_unquoted_bodies() {
        let d = docs("cat <<'E'\n$x \\\n\"\nE\n");
        assert!(d[0].quoted);
        assert_eq!(d[0].body, Word::literal(b"$x \\\n\"\n"));
        assert_eq!(&*d[0].delimiter, b"'E'");
        let d = docs("cat <<E\n$x \\$ \\\" \\\nE\nE\n");
        assert!(!d[0].quoted);
        assert_eq!(
            d[0].body.parts[..],
            [
                WordPart::Param(Box::new(ParamExp {
                    param: Param::Name(b"x".as_slice().into()),
                    op: ParamOp::Plain,
                    colon: false,
                    braced: false
                })),
                WordPart::Literal(b" ".as_slice().into()),
                WordPart::Quoted {
                    text: b"$".as_slice().into(),
                    source: QuoteKind::Backslash
                },
                WordPart::Literal(b" \\\" E\n".as_slice().into()),
            ]
        );
    }

    #[test]
    fn delimiter_quoting() {
        for (raw, delim, quoted) in [
            ("E", "E", false),
            ("\\E", "E", true),
            ("E'O'F", "EOF", true),
            ("\"E\\$\"", "E$", true),
            ("E\\\nF", "EF", false),
        ] {
            assert_eq!(
                unquote_delimiter(raw.as_bytes()),
                (delim.as_bytes().to_vec(), quoted),
                "{raw}"
            );
        }
    }

    #[test]
    fn several_on_one_line_and_tabs() {
        let d = docs("cat <<A <<-'B'; cat <<C\na\nA\n\t\tb\n\tB\nc\nC\nx");
        assert_eq!(d.len(), 3);
        assert_eq!(d[0].body, Word::literal(b"a\n"));
        assert_eq!(d[1].body, Word::literal(b"b\n"));
        assert!(d[1].strip_tabs);
        assert_eq!(d[2].body, Word::literal(b"c\n"));
        check(
            "cat <<A <<-'B'; cat <<C\na\nA\n\t\tb\n\tB\nc\nC\nx",
            "cat <<A <<-'B'\na\nA\nb\nB\ncat <<C\nc\nC\nx",
        );
    }

    #[test]
    fn missing_delimiter_takes_the_rest() {
        let d = docs("cat <<E\na\nb");
        assert_eq!(d[0].body, Word::literal(b"a\nb"));
        let d = docs("cat <<E");
        assert_eq!(d[0].body, Word::default());
    }

    #[test]
    fn on_compound_commands_and_functions() {
        check(
            "{ cat <<A; } <<B\na\nA\nb\nB\n",
            "{ cat <<A\na\nA\n} <<B\nb\nB\n",
        );
        check(
            "f() { cat <<A\na\nA\n} <<B\nb\nB\n",
            "f() { cat <<A\na\nA\n} <<B\nb\nB\n",
        );
        check(
            "if cat <<A; then cat <<B; fi\na\nA\nb\nB\n",
            "if cat <<A\na\nA\nthen cat <<B\nb\nB\nfi",
        );
        check("cat <<A | cat\nx\nA\n", "cat <<A |\nx\nA\ncat");
        canon("while cat <<A; do :; done\n$(x)\nA\n");
    }

    #[test]
    fn unquoted_body_expansions() {
        check(
            "cat <<E\n${x-\"}\"} $(echo \"a\") `b` $((1+2)) \"q\" 'q'\nE\n",
            "cat <<E\n${x-\"}\"} $(echo \"a\") `b` $((1+2)) \"q\" 'q'\nE\n",
        );
    }
}
