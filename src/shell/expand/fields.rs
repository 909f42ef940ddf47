//! Field splitting (XCU 2.6.5) and the hand-off to pathname expansion and
//! quote removal, done as the chunks of a word arrive.

use super::Sink;
use super::pathname;
use super::pattern::Charset;

/// The delimiter that ended the previous field, which decides whether a
/// following IFS character starts an empty field.
#[derive(Clone, Copy, PartialEq, Eq)]
enum After {
    /// Content, or the start of the word.
    Nothing,
    /// IFS white space.
    White,
    /// A non-white-space IFS character.
    NonWhite,
}

/// A field being built: its bytes, which ranges of them were quoted, and
/// whether it has an unquoted pattern character.
#[derive(Default)]
struct Field {
    text: Vec<u8>,
    quoted: Vec<(usize, usize)>,
    has_meta: bool,
    /// The field exists even if empty (it had quotes or content).
    started: bool,
}

/// Splits unquoted expansion results on IFS and collects finished fields
/// for pathname expansion.
pub struct FieldSink {
    /// IFS bytes; `None` = unset (default white space).
    ifs: [bool; 256],
    ifs_white: [bool; 256],
    split: bool,
    cur: Field,
    done: Vec<Field>,
    after: After,
}

impl FieldSink {
    pub fn new(ifs: Option<&[u8]>) -> FieldSink {
        let ifs_bytes = ifs.unwrap_or(b" \t\n");
        let mut set = [false; 256];
        let mut white = [false; 256];
        for &c in ifs_bytes {
            set[c as usize] = true;
            if matches!(c, b' ' | b'\t' | b'\n') {
                white[c as usize] = true;
            }
        }
        FieldSink {
            ifs: set,
            ifs_white: white,
            split: !ifs_bytes.is_empty(),
            cur: Field::default(),
            done: Vec::new(),
            after: After::Nothing,
        }
    }

    fn push_field(&mut self) {
        let field = std::mem::take(&mut self.cur);
        self.done.push(field);
    }

    fn append_unquoted(&mut self, text: &[u8]) {
        if text.is_empty() {
            return;
        }
        if !self.cur.has_meta && text.iter().any(|&c| matches!(c, b'*' | b'?' | b'[')) {
            self.cur.has_meta = true;
        }
        self.cur.text.extend_from_slice(text);
        self.cur.started = true;
        self.after = After::Nothing;
    }

    /// Whether a field has an unquoted pattern character, so that
    /// [`FieldSink::finish`] may do pathname expansion.
    pub fn has_meta(&self) -> bool {
        self.cur.has_meta || self.done.iter().any(|f| f.has_meta)
    }

    /// Finish the word: hand each field to pathname expansion with the
    /// locale's `glob` charset (`None` under `noglob`) and append the
    /// results to `out`.
    pub fn finish(mut self, out: &mut Vec<Vec<u8>>, glob: Option<Charset>) {
        if self.cur.started {
            self.push_field();
        }
        for field in self.done {
            if let (true, Some(charset)) = (field.has_meta, glob) {
                let pattern = to_pattern(&field);
                if !super::pattern::has_meta(&pattern) {
                    out.push(field.text);
                    continue;
                }
                let before = out.len();
                pathname::expand(&pattern, charset, out);
                if out.len() > before {
                    continue;
                }
            }
            out.push(field.text);
        }
    }
}

/// The field as a pattern: quoted bytes escaped, the rest as is.
fn to_pattern(field: &Field) -> Vec<u8> {
    let mut pattern = Vec::with_capacity(field.text.len() + 8);
    let mut pos = 0;
    for &(start, end) in &field.quoted {
        pattern.extend_from_slice(&field.text[pos..start]);
        super::escape_pattern(&mut pattern, &field.text[start..end]);
        pos = end;
    }
    pattern.extend_from_slice(&field.text[pos..]);
    pattern
}

impl Sink for FieldSink {
    fn literal(&mut self, text: &[u8]) {
        self.append_unquoted(text);
    }

    fn quoted(&mut self, text: &[u8]) {
        let start = self.cur.text.len();
        self.cur.text.extend_from_slice(text);
        if !text.is_empty() {
            self.cur.quoted.push((start, start + text.len()));
        }
        self.cur.started = true;
        self.after = After::Nothing;
    }

    fn expanded(&mut self, text: &[u8]) {
        if !self.split {
            self.append_unquoted(text);
            return;
        }
        let mut run_start = 0;
        for (i, &c) in text.iter().enumerate() {
            if !self.ifs[c as usize] {
                continue;
            }
            self.append_unquoted(&text[run_start..i]);
            run_start = i + 1;
            if self.ifs_white[c as usize] {
                if self.cur.started {
                    self.push_field();
                    self.after = After::White;
                }
            } else if self.cur.started {
                self.push_field();
                self.after = After::NonWhite;
            } else if self.after == After::White {
                // White space next to this delimiter belongs to it.
                self.after = After::NonWhite;
            } else {
                // At the start, or after another non-white delimiter: an
                // empty field.
                self.cur.started = true;
                self.push_field();
                self.after = After::NonWhite;
            }
        }
        self.append_unquoted(&text[run_start..]);
    }

    fn hard_break(&mut self) {
        self.push_field();
        self.after = After::Nothing;
    }

    fn soft_break(&mut self) {
        if self.cur.started {
            self.push_field();
        }
        self.after = After::White;
    }

    fn splits(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(ifs: Option<&[u8]>, chunks: &[(&str, char)]) -> Vec<String> {
        let mut sink = FieldSink::new(ifs);
        for (text, kind) in chunks {
            match kind {
                'l' => sink.literal(text.as_bytes()),
                'q' => sink.quoted(text.as_bytes()),
                'e' => sink.expanded(text.as_bytes()),
                'h' => sink.hard_break(),
                's' => sink.soft_break(),
                _ => unreachable!(),
            }
        }
        let mut out = Vec::new();
        sink.finish(&mut out, None);
        out.into_iter()
            .map(|f| String::from_utf8(f).unwrap())
            .collect()
    }

    #[test]
    fn default_ifs() {
        assert_eq!(split(None, &[("  a  b ", 'e')]), ["a", "b"]);
        assert_eq!(
            split(None, &[("x", 'l'), (" a b ", 'e'), ("y", 'l')]),
            ["x", "a", "b", "y"]
        );
        assert_eq!(split(None, &[("", 'e')]), Vec::<String>::new());
        assert_eq!(split(None, &[("", 'q')]), [""]);
        assert_eq!(split(None, &[("  ", 'e'), ("", 'q')]), [""]);
    }

    #[test]
    fn non_white_ifs() {
        let c = Some(&b":"[..]);
        assert_eq!(split(c, &[("a::b", 'e')]), ["a", "", "b"]);
        assert_eq!(split(c, &[(":a", 'e')]), ["", "a"]);
        assert_eq!(split(c, &[("a:", 'e')]), ["a"]);
        assert_eq!(split(c, &[("a::", 'e')]), ["a", ""]);
        let mixed = Some(&b" :"[..]);
        assert_eq!(split(mixed, &[("a : b", 'e')]), ["a", "b"]);
        assert_eq!(split(mixed, &[(" : a", 'e')]), ["", "a"]);
    }

    #[test]
    fn empty_ifs_does_not_split() {
        assert_eq!(split(Some(b""), &[("a b", 'e')]), ["a b"]);
    }

    #[test]
    fn at_breaks() {
        assert_eq!(split(None, &[("a", 'q'), ("", 'h'), ("", 'q')]), ["a", ""]);
        assert_eq!(
            split(
                None,
                &[("a", 'e'), ("", 's'), ("", 'e'), ("", 's'), ("b", 'e')]
            ),
            ["a", "b"]
        );
    }
}
