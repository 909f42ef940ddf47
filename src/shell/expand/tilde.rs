//! Tilde expansion (XCU 2.6.1): `~` is `$HOME`, `~user` that user's home
//! directory.

use crate::shell::env::Shell;

impl Shell {
    /// The expansion of the tilde prefix `~user` (`user` empty for `~`), or
    /// `None` to leave the prefix as it is (no such user).
    pub fn tilde(&self, user: &[u8]) -> Option<Vec<u8>> {
        if user.is_empty() {
            if let Some(home) = self.vars.get(b"HOME") {
                return Some(home.to_vec());
            }
            return home_of_uid(platform::process::getuid());
        }
        home_of_user(user)
    }
}

/// Look a user up in /etc/passwd. The binary is linked statically, where
/// glibc's getpwnam would need NSS modules it cannot load reliably; reading
/// the file covers local users, which is what tilde expansion is used for.
fn passwd_lookup(matches: impl Fn(&[&[u8]]) -> bool) -> Option<Vec<u8>> {
    let passwd = std::fs::read("/etc/passwd").ok()?;
    for line in passwd.split(|&c| c == b'\n') {
        let fields: Vec<&[u8]> = line.split(|&c| c == b':').collect();
        if fields.len() >= 6 && matches(&fields) {
            return Some(fields[5].to_vec());
        }
    }
    None
}

fn home_of_user(user: &[u8]) -> Option<Vec<u8>> {
    passwd_lookup(|f| f[0] == user)
}

fn home_of_uid(uid: u32) -> Option<Vec<u8>> {
    let uid = uid.to_string();
    passwd_lookup(|f| f[2] == uid.as_bytes())
}

use crate::shell::syntax::ast::{ParamOp, Word, WordPart};

/// Does any literal text in `parts` (or in the words inside `${...}`)
/// contain a `~`? Cheap check before [`assignment_tildes`].
fn has_tilde(parts: &[WordPart]) -> bool {
    parts.iter().any(|p| match p {
        WordPart::Literal(t) => t.contains(&b'~'),
        WordPart::Tilde(user) => user.contains(&b':'),
        WordPart::Param(p) => param_word(&p.op).is_some_and(|w| has_tilde(&w.parts)),
        _ => false,
    })
}

fn param_word(op: &ParamOp) -> Option<&Word> {
    match op {
        ParamOp::Default(w) | ParamOp::Assign(w) | ParamOp::Error(w) | ParamOp::Alternative(w) => {
            Some(w)
        }
        _ => None,
    }
}

fn param_word_mut(op: &mut ParamOp) -> Option<&mut Word> {
    match op {
        ParamOp::Default(w) | ParamOp::Assign(w) | ParamOp::Error(w) | ParamOp::Alternative(w) => {
            Some(w)
        }
        _ => None,
    }
}

/// The parts of an assignment value with tilde prefixes recognised where
/// XCU 2.6.1 puts them in assignments: at the start, and after every
/// unquoted `:` — also inside `${x-word}` words (`x=${u-~:~}`), as dash and
/// bash do. `None` when there is nothing to change.
pub fn assignment_tildes(parts: &[WordPart], at_start: bool) -> Option<Vec<WordPart>> {
    if !has_tilde(parts) {
        return None;
    }
    let mut out = Vec::with_capacity(parts.len() + 2);
    for (i, part) in parts.iter().enumerate() {
        let start = at_start && i == 0;
        match part {
            WordPart::Literal(text) => {
                let next_is_end = i + 1 == parts.len();
                split_literal(text, start, next_is_end, &mut out);
            }
            // Parsed as a word start, `~:~` is one prefix; in an
            // assignment the `:` ends it.
            WordPart::Tilde(user) if user.contains(&b':') => {
                let mut text = b"~".to_vec();
                text.extend_from_slice(user);
                split_literal(&text, true, i + 1 == parts.len(), &mut out);
            }
            WordPart::Param(p) => {
                let mut p = p.clone();
                if let Some(w) = param_word_mut(&mut p.op)
                    && let Some(new) = assignment_tildes(&w.parts, true)
                {
                    w.parts = new;
                }
                out.push(WordPart::Param(p));
            }
            other => out.push(other.clone()),
        }
    }
    Some(out)
}

/// Split one literal into literals and tilde prefixes: a prefix starts at
/// the beginning (when `start`) or after a `:`, and runs to the next `/` or
/// `:` or the end of the literal (only a bare `~` may end where another
/// part follows).
fn split_literal(text: &[u8], start: bool, last_part: bool, out: &mut Vec<WordPart>) {
    let mut lit = Vec::new();
    let mut i = 0;
    let mut at_boundary = start;
    while i < text.len() {
        if at_boundary && text[i] == b'~' {
            let end = text[i + 1..]
                .iter()
                .position(|&c| c == b'/' || c == b':')
                .map(|n| i + 1 + n);
            let user_end = end.unwrap_or(text.len());
            let user = &text[i + 1..user_end];
            let acceptable = end.is_some() || last_part || user.is_empty();
            if acceptable && user.iter().all(|&c| c != b'~') {
                if !lit.is_empty() {
                    out.push(WordPart::Literal(std::mem::take(&mut lit).into()));
                }
                out.push(WordPart::Tilde(user.into()));
                i = user_end;
                at_boundary = false;
                continue;
            }
        }
        at_boundary = text[i] == b':';
        lit.push(text[i]);
        i += 1;
    }
    if !lit.is_empty() {
        out.push(WordPart::Literal(lit.into()));
    }
}

/// For the arguments of declaration utilities (`export`, `readonly`,
/// `local`) that look like assignments (`name=value`): the parts with
/// tilde prefixes after the `=` and after each `:`, as for a real
/// assignment. `None` if the word is not of that form.
pub fn declaration_tildes(word: &Word) -> Option<Vec<WordPart>> {
    let Some(WordPart::Literal(first)) = word.parts.first() else {
        return None;
    };
    let eq = first.iter().position(|&c| c == b'=')?;
    if !crate::shell::env::vars::is_name(&first[..eq]) {
        return None;
    }
    let mut parts = Vec::with_capacity(word.parts.len() + 2);
    parts.push(WordPart::Literal(first[..=eq].into()));
    let mut rest = vec![WordPart::Literal(first[eq + 1..].into())];
    rest.extend(word.parts[1..].iter().cloned());
    match assignment_tildes(&rest, true) {
        Some(new) => parts.extend(new),
        None => parts.extend(rest),
    }
    Some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_has_a_home() {
        if std::path::Path::new("/etc/passwd").exists() {
            assert!(home_of_user(b"root").is_some());
        }
        assert_eq!(home_of_user(b"no-such-user-here"), None);
    }

    fn lit(s: &str) -> WordPart {
        WordPart::Literal(s.as_bytes().into())
    }

    fn tilde(s: &str) -> WordPart {
        WordPart::Tilde(s.as_bytes().into())
    }

    #[test]
    fn assignment_prefixes_after_colons() {
        let parts = assignment_tildes(&[lit("a:~:~u/x")], false).unwrap();
        assert_eq!(
            parts,
            [lit("a:"), tilde(""), lit(":"), tilde("u"), lit("/x")]
        );
        assert!(assignment_tildes(&[lit("plain")], true).is_none());
        // A prefix parsed at a word start runs past `:`; split it.
        let parts = assignment_tildes(&[tilde(":~")], true).unwrap();
        assert_eq!(parts, [tilde(""), lit(":"), tilde("")]);
    }

    #[test]
    fn declaration_arguments() {
        let word = Word {
            parts: vec![lit("x=~/src")],
        };
        let parts = declaration_tildes(&word).unwrap();
        assert_eq!(parts, [lit("x="), tilde(""), lit("/src")]);
        assert!(
            declaration_tildes(&Word {
                parts: vec![lit("-p")]
            })
            .is_none()
        );
        assert!(
            declaration_tildes(&Word {
                parts: vec![lit("1x=~")]
            })
            .is_none()
        );
    }
}
