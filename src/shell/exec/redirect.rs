//! Redirections (XCU 2.7): open, duplicate and close descriptors for a
//! command, and put them back afterwards.
//!
//! The shell's own copies of redirected descriptors live at
//! [`platform::fd::SHELL_FD_BASE`] and above, close-on-exec. A redirection
//! that targets one of those numbers moves the copy out of the way first.

use crate::shell::env::Shell;
use crate::shell::env::options::Opt;
use crate::shell::syntax::ast::{HereDoc, RedirOp, RedirTarget, Redirect};
use platform::fd::{self, flags};
use std::os::fd::RawFd;

/// A redirection failed; the message has been printed and whatever it
/// had done undone.
#[derive(Debug)]
pub struct RedirectFailed;

/// A mark in the shell's stack of saved descriptors; restoring pops back
/// to it.
#[must_use]
pub struct Saved {
    mark: usize,
}

impl Saved {
    /// The length of the shell's saved-descriptor stack before these
    /// redirections: the copies above it belong to them.
    pub fn mark(&self) -> usize {
        self.mark
    }
}

/// Here-documents up to this size are written straight into a pipe, which
/// holds them without blocking (Linux's default pipe capacity is 64 KiB,
/// pipe(7); 16 KiB on macOS — anything above goes through a writer child).
#[cfg(target_os = "linux")]
const PIPE_CAPACITY: usize = 65536;
#[cfg(not(target_os = "linux"))]
const PIPE_CAPACITY: usize = 16384;

impl Shell {
    /// Perform `redirects` in order. With `save`, the descriptors they
    /// replace are kept so [`Shell::restore_redirects`] can put them back
    /// (without it, for `exec`, the changes stay). On failure a message is
    /// printed, what was done is undone, and [`RedirectFailed`] returned.
    pub fn apply_redirects(
        &mut self,
        redirects: &[Redirect],
        save: bool,
    ) -> Result<Saved, RedirectFailed> {
        let mark = self.saved_fds.len();
        for redirect in redirects {
            if let Err(message) = self.apply_one(redirect, save, mark) {
                // An empty message: an expansion error, already reported.
                if !message.is_empty() {
                    self.error(message);
                }
                self.restore_redirects(Saved { mark });
                return Err(RedirectFailed);
            }
        }
        if !save {
            // `exec` redirections: forget the saved copies of targets that
            // were closed or replaced for good.
            self.saved_fds.truncate(mark);
        }
        Ok(Saved { mark })
    }

    /// Undo the redirections performed since `saved` was taken.
    pub fn restore_redirects(&mut self, saved: Saved) {
        // The job handed its last utility to the daemon client: as after a
        // real exec, nothing is restored, so that the descriptors the
        // client gets are those of the moment of the exec
        // (`{ exec cmd; } >file`), not the ones from before it.
        let handed_back = self.hand_back.is_some();
        while self.saved_fds.len() > saved.mark {
            let Some((target, copy)) = self.saved_fds.pop() else {
                break;
            };
            match copy {
                Some(copy) if handed_back => {
                    let _ = fd::close(copy);
                }
                None if handed_back => {}
                Some(copy) => {
                    let _ = fd::dup2(copy, target);
                    let _ = fd::close(copy);
                }
                None => {
                    let _ = fd::close(target);
                }
            }
        }
    }

    fn apply_one(&mut self, redirect: &Redirect, save: bool, mark: usize) -> Result<(), Vec<u8>> {
        let target = redirect
            .fd
            .map(|n| n as RawFd)
            .unwrap_or(match redirect.op {
                RedirOp::Input | RedirOp::ReadWrite | RedirOp::DupInput | RedirOp::HereDoc => 0,
                _ => 1,
            });
        // What goes to `target`: an fd to move there, an fd to copy there,
        // or nothing (close it).
        enum Source {
            Owned(RawFd),
            Dup(RawFd),
            Close,
        }
        let source = match (&redirect.target, redirect.op) {
            (RedirTarget::HereDoc(doc), _) => Source::Owned(self.here_doc_fd(doc)?),
            (RedirTarget::Word(word), RedirOp::DupInput | RedirOp::DupOutput) => {
                let text = self.expand_word_string(word).map_err(|_| Vec::new())?;
                if text == b"-" {
                    Source::Close
                } else if !text.is_empty() && text.iter().all(u8::is_ascii_digit) {
                    let n: RawFd = std::str::from_utf8(&text)
                        .ok()
                        .and_then(|s| s.parse().ok())
                        .ok_or_else(|| bad_fd(&text))?;
                    if !fd::is_open(n) || self.is_internal_fd(n) {
                        return Err(bad_fd(&text));
                    }
                    Source::Dup(n)
                } else {
                    let mut m = text.clone();
                    m.extend_from_slice(b": bad file descriptor number");
                    return Err(m);
                }
            }
            (RedirTarget::Word(word), op) => {
                let path = self.expand_word_string(word).map_err(|_| Vec::new())?;
                Source::Owned(self.open_for(&path, op)?)
            }
        };
        if let Err(e) = self.move_internal_fd(target) {
            if let Source::Owned(fd) = source {
                let _ = fd::close(fd);
            }
            return Err(crate::shell::builtins::describe_error(&e).into_bytes());
        }
        if save && !self.saved_fds[mark..].iter().any(|&(t, _)| t == target) {
            let copy = if fd::is_open(target) {
                match fd::dup_above(target, fd::SHELL_FD_BASE) {
                    Ok(c) => Some(c),
                    Err(e) => {
                        if let Source::Owned(fd) = source {
                            let _ = fd::close(fd);
                        }
                        return Err(crate::shell::builtins::describe_error(&e).into_bytes());
                    }
                }
            } else {
                None
            };
            self.saved_fds.push((target, copy));
        }
        match source {
            Source::Owned(new) => {
                if new != target {
                    let r = fd::dup2(new, target);
                    let _ = fd::close(new);
                    r.map_err(|e| crate::shell::builtins::describe_error(&e).into_bytes())?;
                } else {
                    let _ = fd::set_cloexec(target, false);
                }
            }
            Source::Dup(from) => {
                if from != target {
                    fd::dup2(from, target).map_err(|_| bad_fd(from.to_string().as_bytes()))?;
                }
            }
            Source::Close => {
                let _ = fd::close(target);
            }
        }
        Ok(())
    }

    /// Is `n` one of the shell's own descriptors (a saved copy), or one
    /// the process keeps from it (a daemon worker's, `fd::reserve`)?
    fn is_internal_fd(&self, n: RawFd) -> bool {
        n >= fd::SHELL_FD_BASE && self.saved_fds.iter().any(|&(_, c)| c == Some(n))
            || fd::is_reserved(n)
    }

    /// If `target` is one of those, move it to another number so the
    /// redirection can have `target`. Fails only when a reserved one has
    /// nowhere to go.
    fn move_internal_fd(&mut self, target: RawFd) -> std::io::Result<()> {
        if target >= fd::SHELL_FD_BASE {
            for entry in self.saved_fds.iter_mut() {
                if entry.1 == Some(target)
                    && let Ok(moved) = fd::dup_above(target, fd::SHELL_FD_BASE)
                {
                    let _ = fd::close(target);
                    entry.1 = Some(moved);
                }
            }
        }
        fd::move_reserved(target)
    }

    fn open_for(&mut self, path: &[u8], op: RedirOp) -> Result<RawFd, Vec<u8>> {
        let oflags = match op {
            RedirOp::Input => flags::RDONLY,
            RedirOp::Output if self.opt(Opt::NoClobber) => {
                return self.open_noclobber(path);
            }
            RedirOp::Output | RedirOp::Clobber => flags::WRONLY | flags::CREAT | flags::TRUNC,
            RedirOp::Append => flags::WRONLY | flags::CREAT | flags::APPEND,
            RedirOp::ReadWrite => flags::RDWR | flags::CREAT,
            _ => flags::RDONLY,
        };
        fd::open(path, oflags | flags::NOCTTY, 0o666).map_err(|e| open_error(path, &e))
    }

    /// `>` with `set -C`: refuse to truncate an existing regular file, but
    /// allow devices and FIFOs such as /dev/null.
    fn open_noclobber(&mut self, path: &[u8]) -> Result<RawFd, Vec<u8>> {
        match fd::open(
            path,
            flags::WRONLY | flags::CREAT | flags::EXCL | flags::NOCTTY,
            0o666,
        ) {
            Ok(fd) => Ok(fd),
            Err(e) if e.raw_os_error() == Some(platform::errno::EEXIST) => {
                use std::os::unix::ffi::OsStrExt;
                let meta = std::fs::metadata(std::ffi::OsStr::from_bytes(path));
                if meta.is_ok_and(|m| m.is_file()) {
                    let mut m = path.to_vec();
                    m.extend_from_slice(b": cannot overwrite existing file");
                    return Err(m);
                }
                fd::open(path, flags::WRONLY | flags::NOCTTY, 0o666)
                    .map_err(|e| open_error(path, &e))
            }
            Err(e) => Err(open_error(path, &e)),
        }
    }

    /// A descriptor from which the here-document's body can be read.
    fn here_doc_fd(&mut self, doc: &HereDoc) -> Result<RawFd, Vec<u8>> {
        let body = if doc.quoted {
            doc.body
                .as_literal()
                .map(<[u8]>::to_vec)
                .unwrap_or_else(|| {
                    let mut sink = crate::shell::expand::StringSink::default();
                    let _ = self.expand_parts(&doc.body.parts, true, &mut sink);
                    sink.text
                })
        } else {
            let mut sink = crate::shell::expand::StringSink::default();
            self.expand_parts(&doc.body.parts, true, &mut sink)
                .map_err(|_| Vec::new())?;
            sink.text
        };
        let (read, write) =
            fd::pipe().map_err(|e| crate::shell::builtins::describe_error(&e).into_bytes())?;
        if body.len() <= PIPE_CAPACITY {
            let r = fd::write_all(write, &body);
            let _ = fd::close(write);
            if let Err(e) = r {
                let _ = fd::close(read);
                return Err(crate::shell::builtins::describe_error(&e).into_bytes());
            }
            return Ok(read);
        }
        let child = self.fork_outside_jobs(|_| {
            let _ = fd::close(read);
            let _ = fd::write_all(write, &body);
            Ok(())
        });
        let _ = fd::close(write);
        match child {
            Ok(pid) => {
                self.jobs.add_internal(pid);
                Ok(read)
            }
            Err(_) => {
                let _ = fd::close(read);
                Err(b"cannot write here-document".to_vec())
            }
        }
    }
}

fn bad_fd(text: &[u8]) -> Vec<u8> {
    let mut m = text.to_vec();
    m.extend_from_slice(b": bad file descriptor");
    m
}

fn open_error(path: &[u8], e: &std::io::Error) -> Vec<u8> {
    let mut m = path.to_vec();
    m.extend_from_slice(b": ");
    m.extend_from_slice(crate::shell::builtins::describe_error(e).as_bytes());
    m
}
