//! Shell variables (XCU 2.5.3): values, the export and readonly attributes,
//! function-local scopes, and the environment handed to utilities.

use rustc_hash::FxHashMap;
use std::rc::Rc;

/// One variable. Its value is `None` for a variable that has attributes
/// (`export x`, `readonly x`) but no value.
#[derive(Clone, Debug, Default)]
pub struct Var {
    value: Option<Value>,
    pub exported: bool,
    pub readonly: bool,
}

impl Var {
    pub fn value(&self) -> Option<&[u8]> {
        match self.value.as_ref()? {
            Value::Own(v) => Some(v),
            Value::Inherited { env, start, end } => Some(&env[*start as usize..*end as usize]),
        }
    }
}

/// A variable's bytes: its own, or, until it is first assigned, its part
/// of the environment the shell started with, which every imported
/// variable shares. A worker imports a whole environment at every job;
/// sharing it costs no allocation per variable, and most are never
/// assigned.
#[derive(Clone, Debug)]
enum Value {
    Own(Vec<u8>),
    Inherited {
        env: Rc<Vec<u8>>,
        start: u32,
        end: u32,
    },
}

/// Why an assignment was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadonlyError {
    pub name: Vec<u8>,
}

impl std::fmt::Display for ReadonlyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: is read only", String::from_utf8_lossy(&self.name))
    }
}

/// A variable's name as the table keeps it: in place up to 24 bytes,
/// which every name a shell commonly sees fits, so that importing an
/// environment (each job of a worker does) allocates once per variable,
/// for its value, not twice.
type Name = smallvec::SmallVec<[u8; 24]>;

/// A saved variable to put back when a function returns or a temporary
/// assignment ends.
#[derive(Clone, Debug)]
struct Saved {
    name: Name,
    var: Option<Var>,
}

/// The variable table.
///
/// Function-local variables (`local`) and assignments that prefix a function
/// call are dynamic scopes, as in dash: entering a scope records nothing,
/// `local x` saves the current `x` in the innermost scope, and leaving the
/// scope restores what was saved.
#[derive(Clone, Debug, Default)]
pub struct Vars {
    map: FxHashMap<Name, Var>,
    scopes: Vec<Vec<Saved>>,
    /// The environment handed to utilities, built on demand and dropped
    /// whenever an exported variable changes.
    env_cache: Option<Rc<Vec<Vec<u8>>>>,
    /// `set -a`: every assignment exports.
    pub allexport: bool,
    /// Counts changes to PATH, so the command search cache knows when to
    /// forget what it found.
    pub path_generation: u64,
}

/// Is `name` a valid variable name (`[A-Za-z_][A-Za-z0-9_]*`)?
pub fn is_name(name: &[u8]) -> bool {
    match name.split_first() {
        Some((&first, rest)) => {
            (first == b'_' || first.is_ascii_alphabetic())
                && rest.iter().all(|&c| c == b'_' || c.is_ascii_alphanumeric())
        }
        None => false,
    }
}

impl Vars {
    pub fn new() -> Vars {
        Vars::default()
    }

    /// A table holding only what `env` imports ([`Vars::import`]).
    pub fn imported<'a>(env: impl IntoIterator<Item = &'a [u8]>) -> Vars {
        let mut vars = Vars::new();
        vars.import(env);
        vars
    }

    /// Import `NAME=value` strings from the process environment: each becomes
    /// an exported variable. Strings whose name is not a valid name are kept
    /// for the environment of utilities only if they were passed in (POSIX
    /// leaves them unspecified; we drop them, as dash does).
    pub fn import<'a>(&mut self, env: impl IntoIterator<Item = &'a [u8]>) {
        let env = env.into_iter();
        let mut names: Vec<(&[u8], u32, u32)> = Vec::with_capacity(env.size_hint().0);
        let mut values = Vec::new();
        for entry in env {
            let Some(eq) = entry.iter().position(|&c| c == b'=') else {
                continue;
            };
            let (name, value) = (&entry[..eq], &entry[eq + 1..]);
            // (No environment reaches 4 GiB: the kernel caps it far lower.)
            if !is_name(name) || values.len() + value.len() > u32::MAX as usize {
                continue;
            }
            let start = values.len() as u32;
            values.extend_from_slice(value);
            names.push((name, start, values.len() as u32));
        }
        let env = Rc::new(values);
        // Room for the shell's own few too: one allocation, no rehash.
        self.map.reserve(names.len() + 8);
        for (name, start, end) in names {
            self.map.insert(
                Name::from_slice(name),
                Var {
                    value: Some(Value::Inherited {
                        env: env.clone(),
                        start,
                        end,
                    }),
                    exported: true,
                    readonly: false,
                },
            );
        }
        self.env_cache = None;
    }

    /// The value of `name`, if set.
    #[inline]
    pub fn get(&self, name: &[u8]) -> Option<&[u8]> {
        self.map.get(name).and_then(Var::value)
    }

    /// The variable `name` with its attributes.
    pub fn var(&self, name: &[u8]) -> Option<&Var> {
        self.map.get(name)
    }

    /// Set `name` to `value`.
    pub fn set(&mut self, name: &[u8], value: &[u8]) -> Result<(), ReadonlyError> {
        self.set_owned(name, value.to_vec())
    }

    /// Set `name` to `value`, taking the buffer.
    pub fn set_owned(&mut self, name: &[u8], value: Vec<u8>) -> Result<(), ReadonlyError> {
        let allexport = self.allexport;
        if name == b"PATH" {
            self.path_generation += 1;
        }
        if let Some(var) = self.map.get_mut(name) {
            if var.readonly {
                return Err(ReadonlyError {
                    name: name.to_vec(),
                });
            }
            if allexport {
                var.exported = true;
            }
            if var.exported {
                self.env_cache = None;
            }
            match &mut var.value {
                Some(Value::Own(old)) => {
                    old.clear();
                    old.extend_from_slice(&value);
                }
                _ => var.value = Some(Value::Own(value)),
            }
            return Ok(());
        }
        if allexport {
            self.env_cache = None;
        }
        self.map.insert(
            Name::from_slice(name),
            Var {
                value: Some(Value::Own(value)),
                exported: allexport,
                readonly: false,
            },
        );
        Ok(())
    }

    /// Remove `name` (`unset`). Unsetting an unset variable succeeds.
    pub fn unset(&mut self, name: &[u8]) -> Result<(), ReadonlyError> {
        if name == b"PATH" {
            self.path_generation += 1;
        }
        match self.map.get(name) {
            Some(var) if var.readonly => Err(ReadonlyError {
                name: name.to_vec(),
            }),
            Some(var) => {
                if var.exported {
                    self.env_cache = None;
                }
                self.map.remove(name);
                Ok(())
            }
            None => Ok(()),
        }
    }

    /// Give `name` the export attribute (creating it without a value if
    /// needed).
    pub fn export(&mut self, name: &[u8]) {
        match self.map.get_mut(name) {
            Some(var) => var.exported = true,
            None => {
                self.map.insert(
                    Name::from_slice(name),
                    Var {
                        exported: true,
                        ..Var::default()
                    },
                );
            }
        }
        self.env_cache = None;
    }

    /// Remove the export attribute (used for `export -n`-like internal needs).
    pub fn unexport(&mut self, name: &[u8]) {
        if let Some(var) = self.map.get_mut(name) {
            var.exported = false;
            self.env_cache = None;
        }
    }

    /// Give `name` the readonly attribute.
    pub fn make_readonly(&mut self, name: &[u8]) {
        self.map.entry(name.into()).or_default().readonly = true;
    }

    /// All variables, sorted by name (for `set`, `export -p`, `readonly -p`).
    pub fn sorted(&self) -> Vec<(&[u8], &Var)> {
        let mut all: Vec<(&[u8], &Var)> = self.map.iter().map(|(k, v)| (&k[..], v)).collect();
        all.sort_by(|a, b| a.0.cmp(b.0));
        all
    }

    /// The environment for a utility: `NAME=value\0` for every exported
    /// variable with a value (NUL-terminated, ready for execve). Cached
    /// until an exported variable changes.
    pub fn environ(&mut self) -> Rc<Vec<Vec<u8>>> {
        if let Some(env) = &self.env_cache {
            return env.clone();
        }
        let mut env = Vec::with_capacity(self.map.len());
        for (name, var) in &self.map {
            if let (true, Some(value)) = (var.exported, var.value()) {
                let mut entry = Vec::with_capacity(name.len() + 2 + value.len());
                entry.extend_from_slice(name);
                entry.push(b'=');
                entry.extend_from_slice(value);
                entry.push(0);
                env.push(entry);
            }
        }
        let env = Rc::new(env);
        self.env_cache = Some(env.clone());
        env
    }

    /// Enter a scope for a function call.
    pub fn push_scope(&mut self) {
        self.scopes.push(Vec::new());
    }

    /// Leave the innermost scope, restoring what `local` and temporary
    /// assignments saved in it.
    pub fn pop_scope(&mut self) {
        let Some(saved) = self.scopes.pop() else {
            return;
        };
        for Saved { name, var } in saved.into_iter().rev() {
            if &name[..] == b"PATH" {
                self.path_generation += 1;
            }
            let exported_now = self.map.get(&name).is_some_and(|v| v.exported);
            let exported_then = var.as_ref().is_some_and(|v| v.exported);
            if exported_now || exported_then {
                self.env_cache = None;
            }
            match var {
                Some(var) => {
                    self.map.insert(name, var);
                }
                None => {
                    self.map.remove(&name);
                }
            }
        }
    }

    /// Is there a function scope (are we inside a function)?
    pub fn in_scope(&self) -> bool {
        !self.scopes.is_empty()
    }

    /// `local name`: save `name` in the innermost scope so that leaving the
    /// scope restores it. Saving a name twice in one scope keeps the first.
    /// Returns false outside any scope.
    pub fn make_local(&mut self, name: &[u8]) -> bool {
        let current = self.map.get(name).cloned();
        let Some(scope) = self.scopes.last_mut() else {
            return false;
        };
        if scope.iter().any(|s| &*s.name == name) {
            return true;
        }
        scope.push(Saved {
            name: Name::from_slice(name),
            var: current,
        });
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(is_name(b"a"));
        assert!(is_name(b"_a1"));
        assert!(!is_name(b"1a"));
        assert!(!is_name(b""));
        assert!(!is_name(b"a-b"));
    }

    #[test]
    fn set_get_unset_readonly() {
        let mut v = Vars::new();
        v.set(b"x", b"1").unwrap();
        assert_eq!(v.get(b"x"), Some(&b"1"[..]));
        v.make_readonly(b"x");
        assert!(v.set(b"x", b"2").is_err());
        assert!(v.unset(b"x").is_err());
        v.unset(b"nope").unwrap();
    }

    #[test]
    fn environ_tracks_exports() {
        let mut v = Vars::new();
        v.import([&b"A=1"[..], b"B=2", b"1bad=3", b"noeq"]);
        v.set(b"C", b"3").unwrap();
        let mut env = v.environ().to_vec();
        env.sort();
        assert_eq!(env, vec![b"A=1\0".to_vec(), b"B=2\0".to_vec()]);
        v.export(b"C");
        v.set(b"A", b"9").unwrap();
        let mut env = v.environ().to_vec();
        env.sort();
        assert_eq!(
            env,
            vec![b"A=9\0".to_vec(), b"B=2\0".to_vec(), b"C=3\0".to_vec()]
        );
    }

    #[test]
    fn local_scopes_restore() {
        let mut v = Vars::new();
        v.set(b"x", b"outer").unwrap();
        v.push_scope();
        assert!(v.make_local(b"x"));
        v.set(b"x", b"inner").unwrap();
        v.make_local(b"y");
        v.set(b"y", b"new").unwrap();
        v.pop_scope();
        assert_eq!(v.get(b"x"), Some(&b"outer"[..]));
        assert_eq!(v.get(b"y"), None);
        assert!(!v.make_local(b"z"));
    }
}
