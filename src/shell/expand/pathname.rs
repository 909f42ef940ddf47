//! Pathname expansion (XCU 2.6.6): match a pattern against the file system.

use super::pattern::{self, Charset, Pattern};
use std::os::unix::ffi::OsStrExt;

/// Expand `pattern` (quoted characters escaped by backslashes) into the
/// sorted list of matching pathnames, appended to `out`, matching file
/// names as characters of `charset`. Appends nothing when nothing matches.
pub fn expand(pattern: &[u8], charset: Charset, out: &mut Vec<Vec<u8>>) {
    let absolute = pattern.first() == Some(&b'/');
    let components: Vec<&[u8]> = pattern
        .split(|&c| c == b'/')
        .filter(|c| !c.is_empty())
        .collect();
    let mut found = Vec::new();
    let start: Vec<u8> = if absolute { b"/".to_vec() } else { Vec::new() };
    let trailing_slash = pattern.len() > 1 && pattern.last() == Some(&b'/');
    walk(&start, &components, trailing_slash, charset, &mut found);
    found.sort();
    out.extend(found);
}

fn walk(
    prefix: &[u8],
    components: &[&[u8]],
    trailing_slash: bool,
    charset: Charset,
    out: &mut Vec<Vec<u8>>,
) {
    let Some((first, rest)) = components.split_first() else {
        return;
    };
    let join = |name: &[u8]| -> Vec<u8> {
        let mut path = prefix.to_vec();
        if !path.is_empty() && path.last() != Some(&b'/') {
            path.push(b'/');
        }
        path.extend_from_slice(name);
        path
    };
    let last = rest.is_empty();
    if !pattern::has_meta(first) {
        // A literal component: no directory read, just follow it.
        let path = join(&pattern::unescape(first));
        if last {
            let check = if trailing_slash {
                let mut p = path.clone();
                p.push(b'/');
                p
            } else {
                path.clone()
            };
            if std::fs::symlink_metadata(std::ffi::OsStr::from_bytes(&check)).is_ok() {
                out.push(if trailing_slash { check } else { path });
            }
        } else {
            walk(&path, rest, trailing_slash, charset, out);
        }
        return;
    }
    let compiled = Pattern::new(first, charset);
    let dir = if prefix.is_empty() { &b"."[..] } else { prefix };
    let Ok(entries) = std::fs::read_dir(std::ffi::OsStr::from_bytes(dir)) else {
        return;
    };
    let mut names: Vec<Vec<u8>> = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.as_bytes();
        if compiled.matches_filename(name) {
            names.push(name.to_vec());
        }
    }
    // `.` and `..` are not returned by read_dir but match `.*` in shells.
    for dot in [&b"."[..], b".."] {
        if compiled.matches_filename(dot) {
            names.push(dot.to_vec());
        }
    }
    names.sort();
    for name in names {
        let path = join(&name);
        if last {
            if trailing_slash {
                if std::fs::metadata(std::ffi::OsStr::from_bytes(&path)).is_ok_and(|m| m.is_dir()) {
                    let mut p = path;
                    p.push(b'/');
                    out.push(p);
                }
            } else {
                out.push(path);
            }
        } else if std::fs::metadata(std::ffi::OsStr::from_bytes(&path)).is_ok_and(|m| m.is_dir()) {
            walk(&path, rest, trailing_slash, charset, out);
        }
    }
}
