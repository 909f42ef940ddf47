//! rush as the tools that start shells start it: as a script's `#!`
//! interpreter through `env`, and as make's `SHELL` — directly and through
//! a daemon, with the same results.

mod daemon_support;

use daemon_support::{Daemon, TempDir, backends, run};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// The directory holding the `rush` binary, for PATH.
fn bin_dir() -> &'static Path {
    Path::new(daemon_support::RUSH)
        .parent()
        .expect("rush has a directory")
}

/// PATH with rush's directory first.
fn path_with_rush() -> String {
    format!(
        "{}:{}",
        bin_dir().display(),
        std::env::var("PATH").unwrap_or_else(|_| "/usr/bin:/bin".into())
    )
}

/// Run `cmd` with rush either direct or through `daemon`.
fn with_mode(cmd: &mut Command, daemon: Option<&Daemon>) -> (String, String, Option<i32>) {
    match daemon {
        Some(d) => {
            cmd.env("RUSH_DAEMON", "require")
                .env("RUSH_SOCKET", &d.socket);
        }
        None => {
            cmd.env("RUSH_DAEMON", "off").env_remove("RUSH_SOCKET");
        }
    }
    let o = run(cmd, None, Duration::from_secs(30));
    (o.stdout_str(), o.stderr_str(), o.code())
}

#[test]
fn a_script_with_env_rush_as_its_interpreter() {
    let dir = TempDir::new("shebang");
    let script = dir.path().join("hello");
    std::fs::write(
        &script,
        "#!/usr/bin/env rush\necho \"$0 has $# args: $*\"\nexit 7\n",
    )
    .unwrap();
    let mut perms = std::fs::metadata(&script).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&script, perms).unwrap();
    let expected = format!("{} has 2 args: a b\n", script.display());
    let daemon = Daemon::start(backends()[0]);
    for d in [None, Some(&daemon)] {
        let mut cmd = Command::new(&script);
        cmd.args(["a", "b"]).env("PATH", path_with_rush());
        let (out, err, code) = with_mode(&mut cmd, d);
        assert_eq!((out.as_str(), code), (expected.as_str(), Some(7)), "{err}");
    }
    daemon.stop();
}

#[test]
fn make_with_shell_set_to_rush() {
    let dir = TempDir::new("make");
    std::fs::write(
        dir.path().join("Makefile"),
        concat!(
            "all: one two\n",
            "\t@echo \"all done $$(echo sub)\"\n",
            "one:\n",
            "\t@x=1; for i in 1 2 3; do x=$$((x * 2)); done; echo one=$$x\n",
            "two:\n",
            "\t@case $@ in t*) echo two matched;; esac; test -d /\n",
            "fail:\n",
            "\t@echo failing; exit 3\n",
        ),
    )
    .unwrap();
    let daemon = Daemon::start(backends()[0]);
    for d in [None, Some(&daemon)] {
        let mut cmd = Command::new("make");
        cmd.current_dir(dir.path())
            .arg("-s")
            .arg(format!("SHELL={}", daemon_support::RUSH));
        let (out, err, code) = with_mode(&mut cmd, d);
        assert_eq!(
            (out.as_str(), code),
            ("one=8\ntwo matched\nall done sub\n", Some(0)),
            "{err}"
        );
        // A failing recipe fails make, with the recipe's status reported.
        let mut cmd = Command::new("make");
        cmd.current_dir(dir.path())
            .arg("-s")
            .arg(format!("SHELL={}", daemon_support::RUSH))
            .arg("fail");
        let (out, err, code) = with_mode(&mut cmd, d);
        assert_eq!(out, "failing\n");
        assert_eq!(code, Some(2), "make exits 2 when a recipe fails: {err}");
        assert!(err.contains("Error 3"), "{err}");
    }
    daemon.stop();
}

/// Start-up files: `$ENV` for an interactive shell only (XCU `sh`), and
/// `/etc/profile` then `~/.profile` for a login shell (`-l`, or `argv[0]`
/// starting with `-`), directly and through a daemon alike.
#[test]
fn interactive_shells_read_env_and_login_shells_their_profile() {
    use std::os::unix::process::CommandExt;
    let dir = TempDir::new("startup");
    let env_file = dir.path().join("env.sh");
    std::fs::write(&env_file, "from_env=yes\nalias greet='echo hi from env'\n").unwrap();
    std::fs::write(dir.path().join(".profile"), "from_profile=yes\n").unwrap();
    let daemon = Daemon::start(backends()[0]);
    for d in [None, Some(&daemon)] {
        let via = if d.is_some() { "daemon" } else { "direct" };
        // Interactive (-i), commands on stdin: $ENV is expanded and run.
        let mut cmd = Command::new(daemon_support::RUSH);
        cmd.arg("-i")
            .env("HOME", dir.path())
            .env("ENV", "$HOME/env.sh")
            .env("PS1", "")
            .env("TERM", "dumb");
        with_mode(&mut cmd, d);
        let o = run(
            &mut cmd,
            Some(b"echo \"env=${from_env-no}\"\ngreet\n"),
            Duration::from_secs(30),
        );
        assert_eq!(o.stdout_str(), "env=yes\nhi from env\n", "{via} {o:?}");
        // Not interactive: $ENV is not read.
        let mut cmd = Command::new(daemon_support::RUSH);
        cmd.arg("-c")
            .arg("echo \"env=${from_env-no} profile=${from_profile-no}\"")
            .env("HOME", dir.path())
            .env("ENV", &env_file);
        let (out, _, code) = with_mode(&mut cmd, d);
        assert_eq!(
            (out.as_str(), code),
            ("env=no profile=no\n", Some(0)),
            "{via}"
        );
        // A login shell, by -l and by its name.
        for login in [true, false] {
            let mut cmd = Command::new(daemon_support::RUSH);
            if login {
                cmd.arg("-l");
            } else {
                cmd.arg0("-rush");
            }
            cmd.arg("-c")
                .arg("echo \"profile=${from_profile-no}\"")
                .env("HOME", dir.path());
            let (out, err, code) = with_mode(&mut cmd, d);
            assert_eq!(
                (out.as_str(), code),
                ("profile=yes\n", Some(0)),
                "{via} login={login}: {err}"
            );
        }
    }
    daemon.stop();
}
