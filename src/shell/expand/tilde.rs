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
}
