//! The abstract syntax tree of the POSIX Shell Command Language (XCU 2.9, 2.10).
//!
//! Text is bytes: a shell word may hold any byte but NUL. Nodes that the
//! executor shares between the parse and a function table (function bodies)
//! are reference counted so that defining a function or snapshotting a
//! worker's state never deep-copies a tree.

use std::rc::Rc;

/// A line number in the source, counted from 1.
pub type Line = u32;

/// A sequence of and-or lists separated by `;`, `&` or newlines
/// (the grammar's `compound_list`, `list` and `complete_command`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct List {
    pub items: Vec<Item>,
}

/// One and-or list with the separator that ended it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub and_or: AndOr,
    /// `true` when the and-or list was ended by `&` (run asynchronously).
    pub is_async: bool,
}

/// `pipeline ( ( '&&' | '||' ) linebreak pipeline )*`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AndOr {
    pub first: Pipeline,
    pub rest: Vec<(AndOrOp, Pipeline)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AndOrOp {
    /// `&&`
    And,
    /// `||`
    Or,
}

/// `[!] command ( '|' linebreak command )*`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pipeline {
    /// `true` when the pipeline starts with the reserved word `!`.
    pub negated: bool,
    /// At least one command; most pipelines are one, kept in place.
    pub commands: smallvec::SmallVec<[Command; 1]>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Simple(SimpleCommand),
    /// A compound command and the redirections that follow it.
    Compound(CompoundCommand, Vec<Redirect>),
    FunctionDef(FunctionDef),
}

/// Assignments, words and redirections in source order per kind.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SimpleCommand {
    pub assigns: Vec<Assign>,
    /// The command name and its arguments, before expansion.
    pub words: Vec<Word>,
    /// Indices in `words` of the `name=value` arguments of a declaration
    /// utility (`export`, `readonly`, `local`, also after `command`): they
    /// expand as assignment values do, without field splitting or
    /// pathname expansion, their tilde prefixes after `=` and `:` already
    /// `Tilde` parts (XCU 2.9.1.1, POSIX.1-2024). Empty for most commands.
    pub assignment_args: Vec<usize>,
    pub redirects: Vec<Redirect>,
    /// The line of the command's first token, for `$LINENO` and messages.
    pub line: Line,
}

/// `name=value` before a command name (XCU 2.9.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assign {
    pub name: Text,
    /// The value; tilde prefixes after `=` and `:` are already `Tilde` parts.
    pub value: Word,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CompoundCommand {
    /// `{ list; }`
    BraceGroup(List),
    /// `( list )`
    Subshell(List),
    /// `for name [in words]; do list; done`; `words` is `None` without `in`
    /// (iterate over `"$@"`).
    For {
        name: Box<[u8]>,
        words: Option<Vec<Word>>,
        body: List,
        line: Line,
    },
    Case {
        subject: Word,
        arms: Vec<CaseArm>,
        line: Line,
    },
    /// `if c1; then b1; elif c2; then b2; else e; fi`: `branches` holds
    /// `(c1, b1), (c2, b2)`.
    If {
        branches: Vec<(List, List)>,
        else_branch: Option<List>,
    },
    /// `while cond; do body; done`
    While { cond: List, body: List },
    /// `until cond; do body; done`
    Until { cond: List, body: List },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseArm {
    /// The `|`-separated patterns, at least one.
    pub patterns: Vec<Word>,
    pub body: List,
    pub terminator: CaseTerminator,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseTerminator {
    /// `;;` (also an arm that ends at `esac` without a terminator)
    Break,
    /// `;&`: fall through into the next arm's body.
    FallThrough,
}

/// `name() compound_command [redirections]`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionDef {
    pub name: Box<[u8]>,
    pub body: Rc<FunctionBody>,
}

#[derive(Debug, PartialEq, Eq)]
pub struct FunctionBody {
    pub command: CompoundCommand,
    /// Redirections applied each time the function runs.
    pub redirects: Vec<Redirect>,
    pub line: Line,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redirect {
    /// The explicit `io_number`, if any; otherwise the operator's default
    /// (0 for input operators, 1 for output operators).
    pub fd: Option<u32>,
    pub op: RedirOp,
    pub target: RedirTarget,
    /// The line of its target word, for the message when it fails.
    pub line: Line,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RedirOp {
    /// `<`
    Input,
    /// `>`
    Output,
    /// `>|`
    Clobber,
    /// `>>`
    Append,
    /// `<>`
    ReadWrite,
    /// `<&`
    DupInput,
    /// `>&`
    DupOutput,
    /// `<<` and `<<-` (the body already has its leading tabs stripped)
    HereDoc,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RedirTarget {
    /// The word after the operator (a file name, or for `<&`/`>&` an fd
    /// number or `-`).
    Word(Word),
    HereDoc(Rc<HereDoc>),
}

#[derive(Debug, PartialEq, Eq)]
pub struct HereDoc {
    /// The delimiter as written (before quote removal), for `Display`.
    pub delimiter: Box<[u8]>,
    /// `<<-`: leading tabs were stripped from each body line.
    pub strip_tabs: bool,
    /// `true` when any part of the delimiter was quoted: the body is then
    /// literal (a single `Literal` part) and undergoes no expansion.
    pub quoted: bool,
    /// The body, ending with a newline unless empty. When not `quoted`, its
    /// parts are as in double quotes (parameter, command and arithmetic
    /// expansion; `\` escapes only `$`, `` ` ``, `\` and newline).
    pub body: Word,
}

/// A word as written: a sequence of parts whose quoting is kept, because
/// quoting decides field splitting, pathname expansion and pattern meaning.
/// Most words are one part, kept inline (no allocation of its own).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Word {
    pub parts: WordParts,
}

/// The parts of a word.
pub type WordParts = smallvec::SmallVec<[WordPart; 1]>;

/// The bytes of a literal or quoted part. Most are short (`-f`, `$x`'s
/// neighbours, a file name), so up to 16 are kept in the part itself: a
/// script's words then cost no allocation each, and a sourced library of
/// functions takes a third less memory.
pub type Text = smallvec::SmallVec<[u8; 16]>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WordPart {
    /// Unquoted text without expansions; `*?[` in it are pattern characters.
    Literal(Text),
    /// Text quoted by `'...'`, `\c`, or produced by `$'...'`: never split,
    /// never a pattern character. `source` keeps the spelling for `Display`.
    Quoted {
        text: Text,
        source: QuoteKind,
    },
    /// `"..."`: its parts are `Literal` (taken as quoted), `Param`,
    /// `CommandSubst`, `Arith` and `Quoted` (for `\$`-style escapes).
    DoubleQuoted(Vec<WordPart>),
    /// A tilde prefix: `~` (empty) or `~user`. Only produced at the start of
    /// a word, and after `=` or an unquoted `:` in an assignment value.
    Tilde(Box<[u8]>),
    Param(Box<ParamExp>),
    /// `$(...)` (`backquoted == false`) or `` `...` ``.
    CommandSubst {
        body: Rc<List>,
        backquoted: bool,
    },
    /// `$((...))`: the expression text as a word (it undergoes parameter
    /// expansion, command substitution and quote removal before it is
    /// evaluated).
    Arith(Box<Word>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuoteKind {
    /// `'...'`
    Single,
    /// `\c` (one character)
    Backslash,
    /// `$'...'`; the text holds the decoded bytes.
    Dollar,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamExp {
    pub param: Param,
    pub op: ParamOp,
    /// `true` for the colon forms (`${x:-w}`): an empty value counts as unset.
    pub colon: bool,
    /// `true` when written with braces (`${x}` rather than `$x`).
    pub braced: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Param {
    /// A variable name.
    Name(Text),
    /// `$1`, `${10}`; `$0` is `Special(b'0')`.
    Positional(usize),
    /// One of `@ * # ? - $ ! 0`.
    Special(u8),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParamOp {
    /// `$x`, `${x}`
    Plain,
    /// `${#x}`
    Length,
    /// `${x-w}`, `${x:-w}`
    Default(Word),
    /// `${x=w}`, `${x:=w}`
    Assign(Word),
    /// `${x?w}`, `${x:?w}` (the word may be empty)
    Error(Word),
    /// `${x+w}`, `${x:+w}`
    Alternative(Word),
    /// `${x%p}`
    RemoveSmallestSuffix(Word),
    /// `${x%%p}`
    RemoveLargestSuffix(Word),
    /// `${x#p}`
    RemoveSmallestPrefix(Word),
    /// `${x##p}`
    RemoveLargestPrefix(Word),
    /// A form POSIX does not define (`${x:0:2}`, `${x/a/b}`, `${!x}`):
    /// the text between the braces. Expanding it is an error, parsing it
    /// is not, as in dash and bash: a script may guard a bash-only form
    /// with a test of the shell it runs in.
    Bad(Box<[u8]>),
}

impl Word {
    /// A word of one unquoted literal.
    pub fn literal(text: &[u8]) -> Word {
        Word {
            parts: smallvec::smallvec![WordPart::Literal(text.into())],
        }
    }

    /// The word's text if it contains only unquoted literal parts.
    pub fn as_literal(&self) -> Option<&[u8]> {
        match self.parts.as_slice() {
            [WordPart::Literal(text)] => Some(text),
            [] => Some(b""),
            _ => None,
        }
    }

    /// `true` when any part of the word is quoted (decides, for example,
    /// whether a here-document delimiter was quoted).
    pub fn has_quotes(&self) -> bool {
        self.parts
            .iter()
            .any(|p| matches!(p, WordPart::Quoted { .. } | WordPart::DoubleQuoted(_)))
    }
}
