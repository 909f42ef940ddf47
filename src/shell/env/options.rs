//! Shell options (`set -e`, `set -o pipefail`, ...): XCU `set`.

/// One option: its `set -o` name and, where it has one, its letter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Opt {
    AllExport,
    NotifyJobs,
    NoClobber,
    ErrExit,
    NoGlob,
    HashAll,
    Interactive,
    Monitor,
    NoExec,
    Stdin,
    NoUnset,
    Verbose,
    XTrace,
    PipeFail,
    IgnoreEof,
    Vi,
    Emacs,
    NoLog,
}

/// `(option, letter, name)` in the order `set -o` lists them.
pub const TABLE: &[(Opt, Option<u8>, &str)] = &[
    (Opt::AllExport, Some(b'a'), "allexport"),
    (Opt::NotifyJobs, Some(b'b'), "notify"),
    (Opt::NoClobber, Some(b'C'), "noclobber"),
    (Opt::ErrExit, Some(b'e'), "errexit"),
    (Opt::NoGlob, Some(b'f'), "noglob"),
    (Opt::HashAll, Some(b'h'), "hashall"),
    (Opt::Interactive, Some(b'i'), "interactive"),
    (Opt::Monitor, Some(b'm'), "monitor"),
    (Opt::NoExec, Some(b'n'), "noexec"),
    (Opt::Stdin, Some(b's'), "stdin"),
    (Opt::NoUnset, Some(b'u'), "nounset"),
    (Opt::Verbose, Some(b'v'), "verbose"),
    (Opt::XTrace, Some(b'x'), "xtrace"),
    (Opt::PipeFail, None, "pipefail"),
    (Opt::IgnoreEof, None, "ignoreeof"),
    (Opt::Vi, None, "vi"),
    (Opt::Emacs, None, "emacs"),
    (Opt::NoLog, None, "nolog"),
];

/// The set of options that are on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options(u32);

impl Options {
    #[inline]
    pub fn get(self, opt: Opt) -> bool {
        self.0 & (1 << opt as u32) != 0
    }

    #[inline]
    pub fn set(&mut self, opt: Opt, on: bool) {
        if on {
            self.0 |= 1 << opt as u32;
        } else {
            self.0 &= !(1 << opt as u32);
        }
    }

    /// The option named by a letter (`e` for errexit).
    pub fn by_letter(letter: u8) -> Option<Opt> {
        TABLE
            .iter()
            .find(|(_, l, _)| *l == Some(letter))
            .map(|(o, _, _)| *o)
    }

    /// The option named by its `set -o` name.
    pub fn by_name(name: &[u8]) -> Option<Opt> {
        TABLE
            .iter()
            .find(|(_, _, n)| n.as_bytes() == name)
            .map(|(o, _, _)| *o)
    }

    /// The letters of the options that are on, for `$-`.
    pub fn letters(self) -> Vec<u8> {
        TABLE
            .iter()
            .filter(|(o, l, _)| l.is_some() && self.get(*o))
            .filter_map(|(_, l, _)| *l)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_and_letters() {
        let mut o = Options::default();
        o.set(Opt::ErrExit, true);
        o.set(Opt::XTrace, true);
        o.set(Opt::PipeFail, true);
        assert!(o.get(Opt::ErrExit));
        assert_eq!(o.letters(), b"ex");
        o.set(Opt::ErrExit, false);
        assert!(!o.get(Opt::ErrExit));
        assert_eq!(Options::by_letter(b'C'), Some(Opt::NoClobber));
        assert_eq!(Options::by_name(b"pipefail"), Some(Opt::PipeFail));
    }
}
