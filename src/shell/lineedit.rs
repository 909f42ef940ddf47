//! Line editing at the prompt: what an interactive shell on a terminal
//! (whose `TERM` is not `dumb`) reads its lines with. Emacs-style keys:
//! arrows, Home/End, ^A ^E ^B ^F, Backspace/Delete, ^K ^U ^W, Alt-B/F,
//! ^L, and a history of the session's lines on Up/Down and ^P/^N.
//!
//! The line may wrap: it is redrawn from the row the prompt ended on, as
//! linenoise's multi-line mode does. Characters are UTF-8 and taken to be
//! one column wide.

use platform::fd;
use platform::tty;
use std::io;
use std::os::fd::RawFd;

/// Lines kept for Up/Down.
const HISTORY_MAX: usize = 1000;

/// The lines entered at the prompt, oldest first.
#[derive(Clone, Debug, Default)]
pub struct History {
    lines: Vec<Vec<u8>>,
}

impl History {
    fn add(&mut self, line: &[u8]) {
        if line.iter().all(u8::is_ascii_whitespace) || self.lines.last().is_some_and(|l| l == line)
        {
            return;
        }
        if self.lines.len() == HISTORY_MAX {
            self.lines.remove(0);
        }
        self.lines.push(line.to_vec());
    }
}

/// How reading a line ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Read {
    /// A line (without its newline) is in the buffer.
    Line,
    /// ^D on an empty line, or the end of the input.
    Eof,
    /// A signal arrived (^C): the line is abandoned.
    Interrupted,
}

/// Should the prompt on `fd` be edited? A terminal that says what it is,
/// other than `dumb`.
pub fn wanted(fd: RawFd, term: Option<&[u8]>) -> bool {
    fd::isatty(fd) && term.is_some_and(|t| !t.is_empty() && t != b"dumb")
}

/// Show `prompt` on standard error and read a line from terminal `fd` into
/// `line`, letting the user edit it. The terminal's modes are put back
/// before it returns.
pub fn read_line(
    fd: RawFd,
    prompt: &[u8],
    history: &mut History,
    line: &mut Vec<u8>,
) -> io::Result<Read> {
    let saved = tty::modes(fd)?;
    tty::set_modes(fd, &tty::keystroke_modes(&saved))?;
    let mut ed = Editor {
        fd,
        prompt,
        prompt_width: width(prompt.rsplit(|&c| c == b'\n').next().unwrap_or_default()),
        columns: tty::columns(fd).unwrap_or(80).max(1),
        line: Vec::new(),
        cursor: 0,
        rows_above: 0,
        history_at: history.lines.len(),
        draft: None,
    };
    // The line is drawn with the prompt taken to start in the first column.
    // When the last output did not end its line, that is not so: a row's
    // worth of blanks then wraps to a fresh row (and, in the first column,
    // only waits at the row's end), and the carriage return starts either
    // row over (zsh's PROMPT_SP).
    let mut start = vec![b' '; ed.columns];
    start.push(b'\r');
    start.extend_from_slice(prompt);
    let _ = fd::write_all(2, &start);
    let r = ed.run(history);
    let _ = tty::set_modes(fd, &saved);
    if r.as_ref().is_ok_and(|r| *r == Read::Line) {
        history.add(&ed.line);
    }
    line.extend_from_slice(&ed.line);
    r
}

struct Editor<'p> {
    fd: RawFd,
    prompt: &'p [u8],
    prompt_width: usize,
    columns: usize,
    line: Vec<u8>,
    /// A byte offset into `line`, at a character boundary.
    cursor: usize,
    /// Rows between the prompt's row and the cursor's, as last drawn.
    rows_above: usize,
    /// Which history line is shown (`len`: the line being typed).
    history_at: usize,
    /// The line being typed, while a history line is shown.
    draft: Option<Vec<u8>>,
}

impl Editor<'_> {
    fn run(&mut self, history: &History) -> io::Result<Read> {
        let mut pending = Vec::new();
        let mut at = 0;
        loop {
            let Some(b) = self.next_byte(&mut pending, &mut at)? else {
                if !platform::signal::is_pending(platform::signal::SIGHUP) {
                    let _ = fd::write_all(2, b"^C");
                }
                return Ok(Read::Interrupted);
            };
            match b {
                b'\r' | b'\n' => {
                    self.cursor = self.line.len();
                    self.redraw();
                    let _ = fd::write_all(2, b"\n");
                    return Ok(Read::Line);
                }
                0x04 if self.line.is_empty() => return Ok(Read::Eof),
                0x04 => self.delete_forward(),
                0x7f | 0x08 => self.delete_back(),
                0x01 => self.cursor = 0,
                0x05 => self.cursor = self.line.len(),
                0x02 => self.cursor = prev_char(&self.line, self.cursor),
                0x06 => self.cursor = next_char(&self.line, self.cursor),
                0x0b => self.line.truncate(self.cursor),
                0x15 => {
                    self.line.drain(..self.cursor);
                    self.cursor = 0;
                }
                0x17 => {
                    let start = word_start(&self.line, self.cursor);
                    self.line.drain(start..self.cursor);
                    self.cursor = start;
                }
                0x0c => {
                    let _ = fd::write_all(2, b"\x1b[H\x1b[2J");
                    self.reprompt();
                }
                0x10 => self.browse(history, -1),
                0x0e => self.browse(history, 1),
                0x1b => {
                    let Some(kind) = self.next_byte(&mut pending, &mut at)? else {
                        return Ok(Read::Interrupted);
                    };
                    match kind {
                        b'[' | b'O' => {
                            let mut param = 0u32;
                            let last = loop {
                                let Some(c) = self.next_byte(&mut pending, &mut at)? else {
                                    return Ok(Read::Interrupted);
                                };
                                match c {
                                    b'0'..=b'9' => param = param * 10 + u32::from(c - b'0'),
                                    0x40..=0x7e => break c,
                                    _ => {}
                                }
                            };
                            match (last, param) {
                                (b'A', _) => self.browse(history, -1),
                                (b'B', _) => self.browse(history, 1),
                                (b'C', _) => self.cursor = next_char(&self.line, self.cursor),
                                (b'D', _) => self.cursor = prev_char(&self.line, self.cursor),
                                (b'H', _) | (b'~', 1 | 7) => self.cursor = 0,
                                (b'F', _) | (b'~', 4 | 8) => self.cursor = self.line.len(),
                                (b'~', 3) => self.delete_forward(),
                                _ => {}
                            }
                        }
                        b'b' => self.cursor = word_start(&self.line, self.cursor),
                        b'f' => self.cursor = word_end(&self.line, self.cursor),
                        0x7f => {
                            let start = word_start(&self.line, self.cursor);
                            self.line.drain(start..self.cursor);
                            self.cursor = start;
                        }
                        _ => {}
                    }
                }
                b'\t' => self.insert(b'\t'),
                0..=0x1f => {}
                _ => self.insert(b),
            }
            // Draw once a burst of input (a paste) is taken in.
            if at == pending.len() {
                self.redraw();
            }
        }
    }

    /// The next byte typed: `None` when a signal interrupted the wait.
    fn next_byte(&mut self, pending: &mut Vec<u8>, at: &mut usize) -> io::Result<Option<u8>> {
        if *at < pending.len() {
            *at += 1;
            return Ok(Some(pending[*at - 1]));
        }
        let mut chunk = [0u8; 256];
        loop {
            // A signal that came before the read could be interrupted.
            if platform::signal::any_pending() {
                return Ok(None);
            }
            match fd::read(self.fd, &mut chunk) {
                Ok(0) => return Ok(Some(0x04)),
                Ok(n) => {
                    pending.clear();
                    pending.extend_from_slice(&chunk[..n]);
                    *at = 1;
                    return Ok(Some(pending[0]));
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    fn insert(&mut self, b: u8) {
        self.line.insert(self.cursor, b);
        self.cursor += 1;
    }

    fn delete_back(&mut self) {
        let start = prev_char(&self.line, self.cursor);
        self.line.drain(start..self.cursor);
        self.cursor = start;
    }

    fn delete_forward(&mut self) {
        let end = next_char(&self.line, self.cursor);
        self.line.drain(self.cursor..end);
    }

    /// Show the previous (`-1`) or next (`1`) line of the history.
    fn browse(&mut self, history: &History, step: isize) {
        let n = history.lines.len();
        let to = self.history_at as isize + step;
        if to < 0 || to as usize > n {
            return;
        }
        if self.history_at == n {
            self.draft = Some(std::mem::take(&mut self.line));
        }
        self.history_at = to as usize;
        self.line = if self.history_at == n {
            self.draft.take().unwrap_or_default()
        } else {
            history.lines[self.history_at].clone()
        };
        self.cursor = self.line.len();
    }

    /// Write the prompt again at the top of a cleared screen (^L).
    fn reprompt(&mut self) {
        let _ = fd::write_all(2, self.prompt);
        self.rows_above = 0;
    }

    /// Redraw the line from the prompt's row on and put the cursor in place.
    fn redraw(&mut self) {
        let cols = self.columns;
        let mut out = Vec::with_capacity(self.line.len() + 32);
        if self.rows_above > 0 {
            out.extend_from_slice(format!("\x1b[{}A", self.rows_above).as_bytes());
        }
        // Back to just after the prompt, and clear everything below.
        out.push(b'\r');
        if self.prompt_width > 0 {
            out.extend_from_slice(format!("\x1b[{}C", self.prompt_width).as_bytes());
        }
        out.extend_from_slice(b"\x1b[J");
        out.extend_from_slice(&self.line);
        let end = self.prompt_width + width(&self.line);
        let at = self.prompt_width + width(&self.line[..self.cursor]);
        let end_row = end / cols;
        if end > 0 && end % cols == 0 {
            // The terminal waits to wrap until the next character: wrap now,
            // so that the cursor is where the arithmetic says.
            out.extend_from_slice(b"\n\r");
        }
        let at_row = at / cols;
        if end_row > at_row {
            out.extend_from_slice(format!("\x1b[{}A", end_row - at_row).as_bytes());
        }
        out.push(b'\r');
        if at % cols > 0 {
            out.extend_from_slice(format!("\x1b[{}C", at % cols).as_bytes());
        }
        self.rows_above = at_row;
        let _ = fd::write_all(2, &out);
    }
}

/// Columns taken by `text`: one per character (UTF-8 continuation bytes
/// take none).
fn width(text: &[u8]) -> usize {
    text.iter().filter(|&&b| b & 0xc0 != 0x80).count()
}

fn prev_char(line: &[u8], at: usize) -> usize {
    let mut i = at.saturating_sub(1);
    while i > 0 && line[i] & 0xc0 == 0x80 {
        i -= 1;
    }
    i
}

fn next_char(line: &[u8], at: usize) -> usize {
    let mut i = (at + 1).min(line.len());
    while i < line.len() && line[i] & 0xc0 == 0x80 {
        i += 1;
    }
    i
}

/// The start of the word before `at` (skipping blanks first), as ^W and
/// Alt-B see words.
fn word_start(line: &[u8], at: usize) -> usize {
    let mut i = at;
    while i > 0 && line[i - 1].is_ascii_whitespace() {
        i -= 1;
    }
    while i > 0 && !line[i - 1].is_ascii_whitespace() {
        i -= 1;
    }
    i
}

/// The end of the word after `at` (Alt-F).
fn word_end(line: &[u8], at: usize) -> usize {
    let mut i = at;
    while i < line.len() && line[i].is_ascii_whitespace() {
        i += 1;
    }
    while i < line.len() && !line[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_characters() {
        let l = b"echo  h\xc3\xa9llo world";
        assert_eq!(word_start(l, l.len()), 14);
        assert_eq!(word_start(l, 14), 6);
        assert_eq!(word_end(l, 4), 13);
        assert_eq!(prev_char(l, 9), 7);
        assert_eq!(next_char(l, 7), 9);
        assert_eq!(width(l), 19);
    }

    #[test]
    fn history_skips_blanks_and_repeats() {
        let mut h = History::default();
        h.add(b"ls");
        h.add(b"ls");
        h.add(b"  ");
        h.add(b"pwd");
        assert_eq!(h.lines, vec![b"ls".to_vec(), b"pwd".to_vec()]);
    }
}
