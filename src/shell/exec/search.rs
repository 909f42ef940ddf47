//! Command search (XCU 2.9.1.4): find a utility in PATH, remembering where
//! it was (`hash`).

use crate::shell::env::Shell;
use std::os::unix::ffi::OsStrExt;

/// Is `path` a regular file we may execute?
pub fn is_executable_file(path: &[u8]) -> bool {
    let os = std::ffi::OsStr::from_bytes(path);
    match std::fs::metadata(os) {
        Ok(meta) if meta.is_file() => platform::fs::access(path, platform::fs::X_OK),
        _ => false,
    }
}

impl Shell {
    /// The path of the utility `name`: `name` itself when it contains a
    /// slash, else the first executable regular file in PATH (cached).
    pub fn find_command(&mut self, name: &[u8]) -> Option<Vec<u8>> {
        if name.contains(&b'/') {
            return Some(name.to_vec());
        }
        if self.hash_generation != self.vars.path_generation {
            // PATH changed since the cache was filled: start it again.
            self.hash.clear();
            self.hash_generation = self.vars.path_generation;
        }
        if let Some(path) = self.hashed(name) {
            return Some(path.to_vec());
        }
        let found = self.search_path(name)?;
        self.hash
            .insert(name.into(), found.clone().into_boxed_slice());
        Some(found)
    }

    /// Find `name` like [`Shell::find_command`], using the cache but not
    /// adding to it (a search a subshell would make).
    pub fn hashed_or_search(&self, name: &[u8]) -> Option<Vec<u8>> {
        if !name.contains(&b'/')
            && let Some(path) = self.hashed(name)
        {
            return Some(path.to_vec());
        }
        self.search_path_for(name)
    }

    /// Where the cache says `name` is, unless PATH changed since.
    fn hashed(&self, name: &[u8]) -> Option<&[u8]> {
        if self.hash_generation != self.vars.path_generation {
            return None;
        }
        self.hash.get(name).map(|path| &path[..])
    }

    /// Find `name` like [`Shell::find_command`] but without the cache.
    pub fn search_path_for(&self, name: &[u8]) -> Option<Vec<u8>> {
        if name.contains(&b'/') {
            return Some(name.to_vec());
        }
        self.search_path(name)
    }

    /// Search PATH for `name` without the cache.
    pub fn search_path(&self, name: &[u8]) -> Option<Vec<u8>> {
        // PATH unset: nothing is found (as in dash and bash); the shell
        // sets a default PATH at start-up when none was inherited.
        let path_var = self.vars.get(b"PATH")?;
        let mut candidate = Vec::with_capacity(64);
        for dir in path_var.split(|&c| c == b':') {
            candidate.clear();
            // An empty entry means the current directory.
            if dir.is_empty() {
                candidate.extend_from_slice(b"./");
            } else {
                candidate.extend_from_slice(dir);
                if dir.last() != Some(&b'/') {
                    candidate.push(b'/');
                }
            }
            candidate.extend_from_slice(name);
            if is_executable_file(&candidate) {
                return Some(candidate);
            }
        }
        None
    }
}
