//! Line editing at the prompt: what an interactive shell on a terminal
//! (whose `TERM` is not `dumb`) reads its lines with. Emacs-style keys:
//! arrows, Home/End, ^A ^E ^B ^F, Backspace/Delete, ^K ^U ^W, Alt-B/F,
//! ^L, ^R to search the history backwards, Tab to complete a command or file name (twice: list the choices),
//! and a history on Up/Down and ^P/^N, kept in `$HISTFILE` (default
//! `~/.rush_history`) across sessions.
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
    /// Lines before `lines[0]` that were let go (the file's oldest, and
    /// lines past [`HISTORY_MAX`]): history numbers stay the same as
    /// lines come and go.
    dropped: usize,
    /// Where lines are appended as they are entered, once loaded.
    file: Option<Vec<u8>>,
}

impl History {
    /// The lines, oldest first.
    pub fn lines(&self) -> &[Vec<u8>] {
        &self.lines
    }

    /// The history number of `lines()[index]`, counted from 1.
    pub fn number(&self, index: usize) -> usize {
        self.dropped + index + 1
    }

    /// The index in `lines()` of history number `number`, or of the
    /// nearest line still kept.
    pub fn index(&self, number: usize) -> usize {
        number.saturating_sub(self.dropped + 1)
    }

    /// The number the next line entered will have (PS1's `!`).
    pub fn next_number(&self) -> usize {
        self.number(self.lines.len())
    }

    /// Take the lines of the history file `path` (its last
    /// [`HISTORY_MAX`]), and append to it from now on. Once per session.
    pub fn load(&mut self, path: Vec<u8>) {
        if self.file.is_some() {
            return;
        }
        let mut text = Vec::new();
        if let Ok(f) = fd::open_owned(&path, fd::flags::RDONLY, 0) {
            use std::os::fd::AsRawFd;
            let _ = fd::read_to_end(f.as_raw_fd(), &mut text);
        }
        let mut lines: Vec<Vec<u8>> = text
            .split(|&c| c == b'\n')
            .filter(|l| !l.is_empty())
            .map(<[u8]>::to_vec)
            .collect();
        let drop = lines.len().saturating_sub(HISTORY_MAX);
        lines.drain(..drop);
        self.dropped += drop;
        lines.append(&mut self.lines);
        self.lines = lines;
        self.file = Some(path);
    }

    /// Record `line` (not a blank one, nor the last one again).
    pub fn add(&mut self, line: &[u8]) {
        if line.iter().all(u8::is_ascii_whitespace) || self.lines.last().is_some_and(|l| l == line)
        {
            return;
        }
        if self.lines.len() == HISTORY_MAX {
            self.lines.remove(0);
            self.dropped += 1;
        }
        self.lines.push(line.to_vec());
        if let Some(path) = &self.file {
            // Appended line by line, so that shells side by side keep all
            // their lines (a failure to write only loses history).
            let flags = fd::flags::WRONLY | fd::flags::CREAT | fd::flags::APPEND;
            if let Ok(f) = fd::open_owned(path, flags, 0o600) {
                use std::os::fd::AsRawFd;
                let mut entry = line.to_vec();
                entry.push(b'\n');
                let _ = fd::write_all(f.as_raw_fd(), &entry);
            }
        }
    }
}

/// What Tab completes from: command names (builtins, functions, aliases,
/// and the programs in `$PATH`) in a command's first word, else file
/// names.
#[derive(Debug, Default)]
pub struct Completions {
    /// Builtin, function and alias names.
    pub names: Vec<Vec<u8>>,
    /// `$PATH`.
    pub path: Vec<u8>,
    /// `$HOME`, for `~/`.
    pub home: Option<Vec<u8>>,
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
    completions: &Completions,
    line: &mut Vec<u8>,
) -> io::Result<Read> {
    let saved = tty::modes(fd)?;
    tty::set_modes(fd, &tty::keystroke_modes(&saved))?;
    let mut ed = Editor {
        fd,
        prompt,
        prompt_width: prompt_width(prompt),
        columns: tty::columns(fd).unwrap_or(80).max(1),
        line: Vec::new(),
        cursor: 0,
        rows_above: 0,
        history_at: history.lines.len(),
        draft: None,
        tabbed: false,
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
    let r = ed.run(history, completions);
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
    /// The last key was a Tab that completed nothing more.
    tabbed: bool,
}

impl Editor<'_> {
    fn run(&mut self, history: &History, completions: &Completions) -> io::Result<Read> {
        let mut pending = Vec::new();
        let mut at = 0;
        let mut held: Option<u8> = None;
        loop {
            let key = match held.take() {
                Some(b) => Some(b),
                None => self.next_byte(&mut pending, &mut at)?,
            };
            let Some(b) = key else {
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
                0x17 => self.delete_word_back(),
                0x0c => {
                    let _ = fd::write_all(2, b"\x1b[H\x1b[2J");
                    self.reprompt();
                }
                0x10 => self.browse(history, -1),
                0x0e => self.browse(history, 1),
                0x12 => match self.search(history, &mut pending, &mut at)? {
                    Some(next) => held = Some(next),
                    None => return Ok(Read::Interrupted),
                },
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
                        0x7f => self.delete_word_back(),
                        _ => {}
                    }
                }
                b'\t' => {
                    self.complete(completions);
                    continue;
                }
                0..=0x1f => {}
                _ => self.insert(b),
            }
            self.tabbed = false;
            // Draw once a burst of input (a paste) is taken in.
            if at == pending.len() && !fd::poll_readable(self.fd, 0).unwrap_or(false) {
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
        // One byte at a time, as readline reads: what is typed (or pasted)
        // after this line stays in the terminal for whatever reads next,
        // the command this line runs included.
        let mut chunk = [0u8; 1];
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

    /// ^R: search the history backwards for lines that contain what is
    /// typed, newest first (^R again: the next older one). Enter runs the
    /// line found; ^G goes back to the line as it was; any other key (an
    /// arrow, ^A...) takes the line found and is then handled as usual. Returns that
    /// key, or `None` when a signal interrupted the search.
    fn search(
        &mut self,
        history: &History,
        pending: &mut Vec<u8>,
        at: &mut usize,
    ) -> io::Result<Option<u8>> {
        let before = (self.line.clone(), self.cursor);
        let mut query: Vec<u8> = Vec::new();
        let mut found: Option<usize> = None;
        let find = |query: &[u8], from: usize| {
            (0..from).rev().find(|&i| {
                query.is_empty() || history.lines[i].windows(query.len()).any(|w| w == query)
            })
        };
        loop {
            let failed = if !query.is_empty() && found.is_none() {
                "failed "
            } else {
                ""
            };
            let shown = found.map_or(&b""[..], |i| &history.lines[i][..]);
            let mut out = Vec::new();
            self.to_prompt_row(&mut out);
            let label = format!("({failed}reverse-i-search)`");
            out.extend_from_slice(b"\x1b[J");
            out.extend_from_slice(label.as_bytes());
            out.extend_from_slice(&query);
            out.extend_from_slice(b"': ");
            out.extend_from_slice(shown);
            let visible = label.len() + width(&query) + 3 + width(shown);
            self.rows_above = visible.saturating_sub(1) / self.columns;
            let _ = fd::write_all(2, &out);
            let Some(b) = self.next_byte(pending, at)? else {
                return Ok(None);
            };
            match b {
                0x12 => {
                    let from = found.unwrap_or(history.lines.len());
                    if let Some(i) = find(&query, from) {
                        found = Some(i);
                    }
                }
                0x7f | 0x08 => {
                    query.pop();
                    found = find(&query, history.lines.len());
                }
                0x07 => {
                    (self.line, self.cursor) = before;
                    self.end_search();
                    return Ok(Some(0x00));
                }
                0x20.. => {
                    query.push(b);
                    let from = found.map_or(history.lines.len(), |i| i + 1);
                    found = find(&query, from);
                }
                _ => {
                    if let Some(i) = found {
                        self.line = history.lines[i].clone();
                        self.cursor = self.line.len();
                    }
                    self.end_search();
                    return Ok(Some(b));
                }
            }
        }
    }

    /// Put the prompt back where the search line was.
    fn end_search(&mut self) {
        let mut out = Vec::new();
        self.to_prompt_row(&mut out);
        out.extend_from_slice(b"\x1b[J");
        out.extend_from_slice(
            self.prompt
                .rsplit(|&c| c == b'\n')
                .next()
                .unwrap_or_default(),
        );
        let _ = fd::write_all(2, &out);
        self.rows_above = 0;
    }

    /// Tab: complete the word before the cursor as far as all its
    /// choices agree; a second Tab that adds nothing lists them.
    fn complete(&mut self, completions: &Completions) {
        // The word starts after the last separator not escaped with a
        // backslash; what it names is the word without the backslashes.
        let mut start = 0;
        let mut word = Vec::new();
        let mut i = 0;
        while i < self.cursor {
            let c = self.line[i];
            if c == b'\\' && i + 1 < self.cursor {
                word.push(self.line[i + 1]);
                i += 2;
                continue;
            }
            if c.is_ascii_whitespace() || b";|&<>()".contains(&c) {
                start = i + 1;
                word.clear();
            } else {
                word.push(c);
            }
            i += 1;
        }
        let before = self.line[..start].trim_ascii_end();
        let command = (before.is_empty()
            || before.ends_with(b";")
            || before.ends_with(b"|")
            || before.ends_with(b"&")
            || before.ends_with(b"("))
            && !word.contains(&b'/');
        let mut choices = if command {
            command_choices(&word, completions)
        } else {
            file_choices(&word, completions)
        };
        choices.sort();
        choices.dedup();
        let Some(first) = choices.first() else {
            let _ = fd::write_all(2, b"\x07");
            return;
        };
        let common = choices.iter().fold(first.len(), |n, c| {
            n.min(first.iter().zip(c).take_while(|(a, b)| a == b).count())
        });
        let mut add: Vec<u8> = Vec::new();
        for &c in &first[word.len().min(common)..common] {
            if b" \t\\'\"$`;|&<>()*?[]#~=!{}".contains(&c) {
                add.push(b'\\');
            }
            add.push(c);
        }
        if choices.len() == 1 && !first.ends_with(b"/") {
            add.push(b' ');
        }
        if !add.is_empty() {
            for c in add {
                self.insert(c);
            }
            self.tabbed = false;
            self.redraw();
        } else if std::mem::replace(&mut self.tabbed, true) && choices.len() > 1 {
            self.list(&choices);
        } else {
            let _ = fd::write_all(2, b"\x07");
        }
    }

    /// Show `choices` below the line, in columns, then the prompt and the
    /// line again.
    fn list(&mut self, choices: &[Vec<u8>]) {
        // File names without the directory typed before them.
        let shown: Vec<&[u8]> = choices
            .iter()
            .map(|c| {
                let trimmed = c.strip_suffix(b"/").unwrap_or(c);
                match trimmed.iter().rposition(|&b| b == b'/') {
                    Some(i) => &c[i + 1..],
                    None => &c[..],
                }
            })
            .collect();
        let widest = shown.iter().map(|c| width(c)).max().unwrap_or(1) + 2;
        let per_row = (self.columns / widest).max(1);
        let mut out = Vec::new();
        self.cursor_to_end(&mut out);
        for (i, c) in shown.iter().enumerate() {
            out.extend_from_slice(if i % per_row == 0 { b"\n" } else { b"" });
            out.extend_from_slice(c);
            if (i + 1) % per_row != 0 {
                out.extend(std::iter::repeat_n(b' ', widest - width(c)));
            }
        }
        out.push(b'\n');
        out.extend_from_slice(self.prompt);
        let _ = fd::write_all(2, &out);
        self.rows_above = 0;
        self.redraw();
    }

    /// Move the cursor below the end of the line as drawn.
    fn cursor_to_end(&self, out: &mut Vec<u8>) {
        let end = self.prompt_width + width(&self.line);
        let at = self.prompt_width + width(&self.line[..self.cursor]);
        let down = end / self.columns - at / self.columns;
        if down > 0 {
            out.extend_from_slice(format!("\x1b[{down}B").as_bytes());
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

    /// ^W and Alt-Backspace: the word before the cursor goes.
    fn delete_word_back(&mut self) {
        let start = word_start(&self.line, self.cursor);
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

    /// Move to the first column of the row the prompt ends on.
    fn to_prompt_row(&self, out: &mut Vec<u8>) {
        if self.rows_above > 0 {
            out.extend_from_slice(format!("\x1b[{}A", self.rows_above).as_bytes());
        }
        out.push(b'\r');
    }

    /// Redraw the line from the prompt's row on and put the cursor in place.
    fn redraw(&mut self) {
        let cols = self.columns;
        let mut out = Vec::with_capacity(self.line.len() + 32);
        // Back to just after the prompt, and clear everything below.
        self.to_prompt_row(&mut out);
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

/// Columns taken by `text` on a terminal: two for an East Asian wide
/// character, none for a combining mark or a control character, one for
/// any other character and for each byte that is not UTF-8 (terminals
/// show a replacement character).
fn width(text: &[u8]) -> usize {
    use unicode_width::UnicodeWidthChar;
    let chars = |s: &str| -> usize { s.chars().map(|c| c.width().unwrap_or(0)).sum() };
    let mut cols = 0;
    let mut rest = text;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => return cols + chars(s),
            Err(e) => {
                let (valid, after) = rest.split_at(e.valid_up_to());
                cols += std::str::from_utf8(valid).map_or(0, chars) + 1;
                match e.error_len() {
                    Some(bad) => rest = &after[bad..],
                    // A character cut short at the end.
                    None => return cols,
                }
            }
        }
    }
}

/// Columns taken by the row of `prompt` the line starts on (its last):
/// escape sequences (colours, a window title) take none, and neither does
/// text between \001 and \002, readline's markers for what a prompt's
/// author knows to be invisible.
fn prompt_width(prompt: &[u8]) -> usize {
    let row = prompt.rsplit(|&c| c == b'\n').next().unwrap_or_default();
    let mut shown = Vec::with_capacity(row.len());
    let mut i = 0;
    while let Some(&b) = row.get(i) {
        i += 1;
        match b {
            0x01 => {
                i += row[i..]
                    .iter()
                    .position(|&c| c == 0x02)
                    .map_or(row.len() - i, |n| n + 1);
            }
            0x1b => match row.get(i) {
                // CSI: parameters and intermediates, then a final byte.
                Some(b'[') => {
                    i += 1;
                    i += row[i..]
                        .iter()
                        .position(|c| (0x40..=0x7e).contains(c))
                        .map_or(row.len() - i, |n| n + 1);
                }
                // OSC (a title): up to BEL or ESC \.
                Some(b']') => {
                    let end = row[i..]
                        .iter()
                        .position(|&c| c == 0x07 || c == 0x1b)
                        .map_or(row.len(), |n| i + n);
                    i = end + 1;
                    if row.get(end) == Some(&0x1b) && row.get(i) == Some(&b'\\') {
                        i += 1;
                    }
                }
                Some(_) => i += 1,
                None => {}
            },
            _ => shown.push(b),
        }
    }
    width(&shown)
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

/// Command names starting with `prefix`: the shell's own names, then the
/// executable files of each `$PATH` directory.
fn command_choices(prefix: &[u8], completions: &Completions) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = completions
        .names
        .iter()
        .filter(|n| n.starts_with(prefix))
        .cloned()
        .collect();
    for dir in completions.path.split(|&c| c == b':') {
        let dir = if dir.is_empty() { &b"."[..] } else { dir };
        for (name, is_dir) in entries(dir, prefix) {
            let mut full = dir.to_vec();
            full.push(b'/');
            full.extend_from_slice(&name);
            if !is_dir && platform::fs::access(&full, platform::fs::X_OK) {
                out.push(name);
            }
        }
    }
    out
}

/// File names that complete `word` (`dir/pre`, `~/pre`): the whole word as
/// typed, with a `/` after directories. Hidden files only when asked for.
fn file_choices(word: &[u8], completions: &Completions) -> Vec<Vec<u8>> {
    let (dir_typed, prefix) = match word.iter().rposition(|&c| c == b'/') {
        Some(i) => (&word[..=i], &word[i + 1..]),
        None => (&b""[..], word),
    };
    let mut dir = dir_typed.to_vec();
    if let (Some(rest), Some(home)) = (dir_typed.strip_prefix(b"~/"), &completions.home) {
        dir = home.clone();
        dir.push(b'/');
        dir.extend_from_slice(rest);
    }
    let listed = if dir.is_empty() { b".".to_vec() } else { dir };
    entries(&listed, prefix)
        .into_iter()
        .filter(|(name, _)| !name.starts_with(b".") || prefix.starts_with(b"."))
        .map(|(name, is_dir)| {
            let mut full = dir_typed.to_vec();
            full.extend_from_slice(&name);
            if is_dir {
                full.push(b'/');
            }
            full
        })
        .collect()
}

/// The names in directory `dir` that start with `prefix`, and whether each
/// is a directory (following symbolic links).
fn entries(dir: &[u8], prefix: &[u8]) -> Vec<(Vec<u8>, bool)> {
    use std::os::unix::ffi::{OsStrExt, OsStringExt};
    let Ok(rd) = std::fs::read_dir(std::ffi::OsStr::from_bytes(dir)) else {
        return Vec::new();
    };
    rd.flatten()
        .filter_map(|e| {
            let name = e.file_name().into_vec();
            if !name.starts_with(prefix) {
                return None;
            }
            let is_dir = std::fs::metadata(e.path()).is_ok_and(|m| m.is_dir());
            Some((name, is_dir))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_characters() {
        let l = b"echo  h\xc3\xa9llo world";
        assert_eq!(l.len(), 18);
        assert_eq!(word_start(l, l.len()), 13);
        assert_eq!(word_start(l, 13), 6);
        assert_eq!(word_end(l, 4), 12);
        assert_eq!(prev_char(l, 9), 7);
        assert_eq!(next_char(l, 7), 9);
        assert_eq!(width(l), 17);
    }

    #[test]
    fn wide_characters_and_bytes_that_are_not_text() {
        // Two CJK characters, then e and a combining acute accent.
        assert_eq!(width("日本e\u{301}".as_bytes()), 5);
        // A stray continuation byte, and a character cut short at the end.
        assert_eq!(width(b"a\x80b"), 3);
        assert_eq!(width(b"ab\xe6\x97"), 3);
        assert_eq!(width(b"tab\there"), 7);
    }

    #[test]
    fn the_prompt_is_measured_without_its_escape_sequences() {
        assert_eq!(prompt_width(b"$ "), 2);
        assert_eq!(prompt_width(b"line one\n> "), 2);
        // Colours (SGR), a title (OSC ended by BEL and by ESC \\), and
        // readline's invisible markers.
        assert_eq!(prompt_width(b"\x1b[1;32muser\x1b[0m $ "), 7);
        assert_eq!(prompt_width(b"\x1b]0;title\x07$ "), 2);
        assert_eq!(prompt_width(b"\x1b]2;title\x1b\\$ "), 2);
        assert_eq!(prompt_width(b"\x01\x1b[31m\x02red\x01\x1b[0m\x02> "), 5);
        assert_eq!(prompt_width("日本 $ ".as_bytes()), 7);
        // A sequence cut short takes the rest of the row.
        assert_eq!(prompt_width(b"$ \x1b[1"), 2);
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
