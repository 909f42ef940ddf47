//! Warm state in daemon workers (`shell::warm`): parsed scripts and dot
//! files, `-c` strings and the `RUSH_ENV` startup file are reused between
//! jobs, yet every job sees exactly what a direct run would — after a file
//! is edited, replaced, touched or deleted, and whatever the job before it
//! on the same worker did.

mod daemon_support;

use daemon_support::{Daemon, TempDir, backends, eventually, run, worker_pids};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// A daemon with a single worker, so consecutive jobs share its cache.
fn one_worker(backend: &'static str) -> Daemon {
    Daemon::with_pool(backend, 1)
}

/// Run `script` with `rush -c` through `daemon` (or directly with `None`)
/// in `dir`, with extra environment; stdout, stderr and status.
fn sh(
    daemon: Option<&Daemon>,
    dir: &Path,
    env: &[(&str, &Path)],
    script: &str,
) -> (String, String, Option<i32>) {
    let mut cmd = match daemon {
        Some(d) => d.rush(),
        None => {
            let mut c = Command::new(daemon_support::RUSH);
            c.env("RUSH_DAEMON", "off");
            c
        }
    };
    cmd.current_dir(dir).arg("-c").arg(script);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let o = run(&mut cmd, None, Duration::from_secs(20));
    (o.stdout_str(), o.stderr_str(), o.code())
}

/// The same script directly and through the daemon: identical results,
/// which are returned.
fn both(
    d: &Daemon,
    dir: &Path,
    env: &[(&str, &Path)],
    script: &str,
) -> (String, String, Option<i32>) {
    let direct = sh(None, dir, env, script);
    let daemon = sh(Some(d), dir, env, script);
    assert_eq!(direct, daemon, "{} {script:?}: direct vs daemon", d.backend);
    daemon
}

/// Set a file's modification time (seconds since the epoch) through
/// `touch -d`, so a test can keep it unchanged across an edit.
fn set_mtime(path: &Path, epoch: u64) {
    let st = Command::new("touch")
        .arg("-d")
        .arg(format!("@{epoch}"))
        .arg(path)
        .status()
        .expect("touch");
    assert!(st.success());
}

#[test]
fn sourced_files_are_reread_when_they_change() {
    for &b in backends() {
        let d = one_worker(b);
        let dir = TempDir::new("warm-src");
        let lib = dir.path().join("lib.sh");
        let script = ". ./lib.sh; f";
        std::fs::write(&lib, "f() { echo one; }\n").unwrap();
        assert_eq!(both(&d, dir.path(), &[], script).0, "one\n");
        assert_eq!(both(&d, dir.path(), &[], script).0, "one\n");

        // Edited in place, same size.
        std::fs::write(&lib, "f() { echo two; }\n").unwrap();
        assert_eq!(both(&d, dir.path(), &[], script).0, "two\n");

        // Edited in place, same size, with its time set back (as `touch
        // -d` or an archive extraction would).
        std::fs::write(&lib, "f() { echo 333; }\n").unwrap();
        set_mtime(&lib, 1_700_000_000);
        assert_eq!(both(&d, dir.path(), &[], script).0, "333\n");

        // Again, to the very same time: device, inode, size and
        // modification time all as cached. The change time is not (no
        // `touch` sets it back).
        std::fs::write(&lib, "f() { echo 444; }\n").unwrap();
        set_mtime(&lib, 1_700_000_000);
        assert_eq!(both(&d, dir.path(), &[], script).0, "444\n");

        // Replaced by another file (new inode) through rename.
        let new = dir.path().join("lib.new");
        std::fs::write(&new, "f() { echo replaced; }\n").unwrap();
        set_mtime(&new, 1_700_000_000);
        std::fs::rename(&new, &lib).unwrap();
        assert_eq!(both(&d, dir.path(), &[], script).0, "replaced\n");

        // Touched only: same text, same output.
        set_mtime(&lib, 1_700_000_100);
        assert_eq!(both(&d, dir.path(), &[], script).0, "replaced\n");

        // Deleted: the same error as directly.
        std::fs::remove_file(&lib).unwrap();
        let (out, err, code) = both(&d, dir.path(), &[], script);
        assert_eq!(out, "");
        assert_ne!(code, Some(0));
        assert!(err.contains("lib.sh"), "{err}");
        d.stop();
    }
}

#[test]
fn script_files_are_reread_when_they_change() {
    for &b in backends() {
        let d = one_worker(b);
        let dir = TempDir::new("warm-script");
        let script = dir.path().join("s.sh");
        let run_script = |d: Option<&Daemon>| {
            let mut cmd = match d {
                Some(d) => d.rush(),
                None => {
                    let mut c = Command::new(daemon_support::RUSH);
                    c.env("RUSH_DAEMON", "off");
                    c
                }
            };
            cmd.current_dir(dir.path()).arg("s.sh").arg("arg");
            let o = run(&mut cmd, None, Duration::from_secs(20));
            (o.stdout_str(), o.stderr_str(), o.code())
        };
        for text in [
            "echo first $1\n",
            "echo second $1; exit 3\n",
            "echo a\nif\n",
        ] {
            std::fs::write(&script, text).unwrap();
            let direct = run_script(None);
            assert_eq!(run_script(Some(&d)), direct, "{b} {text:?}");
            assert_eq!(run_script(Some(&d)), direct, "{b} {text:?} (cached)");
        }
        d.stop();
    }
}

#[test]
fn startup_file_definitions_are_warm_and_isolated() {
    for &b in backends() {
        let dir = TempDir::new("warm-env");
        let env_file = dir.path().join("env.sh");
        std::fs::write(
            &env_file,
            "greet() { echo \"hello $1\"; }\nGREETING=hi\nexport SHARED=yes\n",
        )
        .unwrap();
        let env_var = env_file.display().to_string();
        let d = Daemon::with_pool_env(b, 1, &[("RUSH_ENV", &env_var)]);
        let env = [("RUSH_ENV", env_file.as_path())];
        let check = "greet you; echo $GREETING; sh -c 'echo $SHARED'";
        assert_eq!(both(&d, dir.path(), &env, check).0, "hello you\nhi\nyes\n");

        // A job that redefines and unsets what the startup file defined
        // leaves the next job on the same worker untouched.
        both(
            &d,
            dir.path(),
            &env,
            "greet() { echo changed; }; GREETING=changed; unset SHARED; greet",
        );
        assert_eq!(both(&d, dir.path(), &env, check).0, "hello you\nhi\nyes\n");

        // No RUSH_ENV for this client: nothing of the file.
        assert_eq!(
            both(
                &d,
                dir.path(),
                &[],
                "command -v greet; echo \"[$GREETING]\""
            )
            .0,
            "[]\n"
        );

        // The file changes: the next job sees the new definitions.
        std::fs::write(
            &env_file,
            "greet() { echo \"bonjour $1\"; }\nGREETING=salut\nexport SHARED=oui\n",
        )
        .unwrap();
        assert_eq!(
            both(&d, dir.path(), &env, check).0,
            "bonjour you\nsalut\noui\n"
        );

        // An alias is in force for what follows it: a function that uses
        // it, and a function named like it (defined under the alias's
        // value).
        std::fs::write(
            &env_file,
            "alias ll='echo LL'\nf() { ll; }\nalias g=h\ng() { echo in-h; }\n",
        )
        .unwrap();
        assert_eq!(
            both(&d, dir.path(), &env, "f; h; echo $?").0,
            "LL\nin-h\n0\n"
        );

        // A startup file that does more than define things runs per job,
        // with the job's environment.
        std::fs::write(
            &env_file,
            "greet() { echo \"$1 from $PWD\"; }\nWHERE=$(pwd)\n",
        )
        .unwrap();
        let out = both(&d, dir.path(), &env, "greet x; echo \"$WHERE\"").0;
        assert!(out.starts_with("x from "), "{out}");
        d.stop();
    }
}

#[test]
fn a_job_leaves_nothing_for_the_next() {
    for &b in backends() {
        let d = one_worker(b);
        let dir = TempDir::new("warm-iso");
        let env: [(&str, &Path); 0] = [];
        both(
            &d,
            dir.path(),
            &env,
            "f() { :; }; alias a=b; x=1; export y=2; set -e -u; trap 'echo bye' EXIT; umask 077; cd /; ulimit -c 0 2>/dev/null; true",
        );
        let probe = "command -v f; alias a 2>/dev/null; echo \"[${x-unset}][${y-unset}][$-]\"; trap; umask; pwd";
        // Short and long (`MIN_CACHED_STRING`): kept among the latest, and
        // for good.
        for probe in [
            probe.to_string(),
            format!("{probe}\n# {}", "-".repeat(1024)),
        ] {
            let direct = sh(None, dir.path(), &env, &probe);
            let daemon = sh(Some(&d), dir.path(), &env, &probe);
            assert_eq!(daemon, direct, "{b}");
            // The same -c text twice (the second from the cache) gives the same.
            assert_eq!(sh(Some(&d), dir.path(), &env, &probe), direct, "{b}");
        }
        d.stop();
    }
}

/// `times` output as seconds: shell user, system, children user, system.
fn times_seconds(out: &str) -> Vec<f64> {
    out.split_whitespace()
        .map(|t| {
            let (m, s) = t.trim_end_matches('s').split_once('m').expect("NmS.SSSs");
            m.parse::<f64>().expect("minutes") * 60.0 + s.parse::<f64>().expect("seconds")
        })
        .collect()
}

#[test]
fn times_counts_only_the_jobs_own_cpu_time() {
    for &b in backends() {
        let d = one_worker(b);
        let dir = TempDir::new("warm-times");
        let env: [(&str, &Path); 0] = [];
        // Shell and children both burn CPU time on the worker...
        let (out, _, code) = sh(
            Some(&d),
            dir.path(),
            &env,
            "i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done
             sh -c 'j=0; while [ $j -lt 200000 ]; do j=$((j+1)); done'; times",
        );
        assert_eq!(code, Some(0), "{b}");
        let busy = times_seconds(&out);
        assert!(
            busy[0] + busy[1] >= 0.02 && busy[2] + busy[3] >= 0.02,
            "{b}: {out}"
        );
        // ...which the next job on the same worker does not count as its
        // own, as a fresh shell would not.
        let (out, _, code) = sh(Some(&d), dir.path(), &env, "times");
        assert_eq!(code, Some(0), "{b}");
        let next = times_seconds(&out);
        assert!(
            next[0] + next[1] < (busy[0] + busy[1]) / 2.0
                && next[2] + next[3] < (busy[2] + busy[3]) / 2.0,
            "{b}: after {busy:?}, the next job's times were {next:?}"
        );
        d.stop();
    }
}

/// A worker whose resident memory grew past its budget during a job
/// (`daemon::worker::MAX_GROWTH`: every fork of a job copies the page
/// tables of all it holds) answers that job, then retires, and the daemon
/// forks a fresh one; a job that stays small keeps its worker.
#[test]
fn a_worker_that_grew_is_replaced() {
    for &b in backends() {
        let d = one_worker(b);
        let dir = TempDir::new("warm-grew");
        let env: [(&str, &Path); 0] = [];
        let first = worker_pids(&d.status());
        assert_eq!(first.len(), 1, "{b}");
        for _ in 0..3 {
            assert_eq!(
                sh(Some(&d), dir.path(), &env, "x=$(echo small); echo $x").0,
                "small\n"
            );
        }
        assert!(
            eventually(Duration::from_secs(5), || worker_pids(&d.status()) == first),
            "{b}: small jobs replaced the worker: {}",
            d.status()
        );
        // 16 MiB in one variable, doubled up to it.
        let big =
            "s=0123456789abcdef; i=0; while [ $i -lt 20 ]; do s=$s$s; i=$((i+1)); done; echo ${#s}";
        assert_eq!(both(&d, dir.path(), &env, big).0, "16777216\n", "{b}");
        assert!(
            eventually(Duration::from_secs(10), || {
                let now = worker_pids(&d.status());
                now.len() == 1 && now != first
            }),
            "{b}: the worker that grew was not replaced: {}",
            d.status()
        );
        assert!(d.log().contains("retiring: it grew"), "{b}: {}", d.log());
        assert_eq!(
            sh(Some(&d), dir.path(), &env, "echo next").0,
            "next\n",
            "{b}"
        );
        d.stop();
    }
}
