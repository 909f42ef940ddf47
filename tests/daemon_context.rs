//! A job inherits more from its client than descriptors, environment and
//! directory: its nice value, scheduling policy, CPU affinity and I/O
//! priority, its ids, capabilities, `no_new_privs` and personality, its
//! root and namespaces. A worker cannot take those on for one job, so a
//! client whose own differ from the daemon's has its job run directly:
//! the output is the same as without the daemon, and `RUSH_DAEMON=require`
//! names what differs.
#![cfg(target_os = "linux")]

mod daemon_support;

use daemon_support::*;
use std::process::Command;
use std::time::Duration;

/// What the job's processes inherited, printed by a child of the job.
const PROBE: &str = r#"nice; ionice; nproc; cat /proc/self/personality
grep -E '^(NoNewPrivs|Seccomp|CapEff|Gid|Groups):' /proc/self/status
sh -c 'chrt -p $$' | sed 's/.*: //'
for n in mnt net pid user; do readlink /proc/self/ns/$n; done; echo "pid $$""#;

/// `wrapper... rush -c PROBE` with `RUSH_DAEMON=mode`.
fn probe(wrapper: &[&str], socket: Option<&std::path::Path>, mode: &str) -> Out {
    let mut c = Command::new(wrapper[0]);
    c.args(&wrapper[1..]).arg(RUSH).arg("-c").arg(PROBE);
    c.env("RUSH_DAEMON", mode);
    if let Some(s) = socket {
        c.env("RUSH_SOCKET", s);
    }
    run(&mut c, None, Duration::from_secs(20))
}

/// The output without the pid line, which differs from run to run, and
/// with each namespace said to be the test's own or another (each
/// `unshare` makes a new one).
fn attributes(o: &Out) -> String {
    o.stdout_str()
        .lines()
        .filter(|l| !l.starts_with("pid "))
        .map(|l| match l.split_once(':') {
            Some((ns, _)) if l.ends_with(']') => {
                let ours = std::fs::read_link(format!("/proc/self/ns/{ns}")).expect("ns");
                let whose = if ours.to_str() == Some(l) {
                    "ours"
                } else {
                    "another"
                };
                format!("{ns}: {whose}")
            }
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Does `wrapper true` work here (the tool is installed and allowed)?
fn usable(wrapper: &[&str]) -> bool {
    let mut c = Command::new(wrapper[0]);
    c.args(&wrapper[1..]).arg("true");
    run(&mut c, None, Duration::from_secs(10)).code() == Some(0)
}

/// For each wrapper that changes what a job inherits: the job gives the
/// direct run's output through a daemon (`auto`), and `require` refuses
/// it with a message naming `why`.
fn check(wrappers: &[(&[&str], &str)]) {
    for &b in backends() {
        let d = Daemon::with_pool(b, 2);
        // The control: with nothing changed the daemon serves the job.
        let o = probe(&["env"], Some(&d.socket), "require");
        assert_eq!(o.code(), Some(0), "{b}: {o:?}");
        let served = attributes(&o);
        for &(wrapper, why) in wrappers {
            let direct = probe(wrapper, None, "off");
            assert_eq!(direct.code(), Some(0), "{b} {wrapper:?}: {direct:?}");
            assert_ne!(
                attributes(&direct),
                served,
                "{wrapper:?} should change what the probe sees"
            );
            let auto = probe(wrapper, Some(&d.socket), "auto");
            assert_eq!(
                (auto.code(), attributes(&auto)),
                (Some(0), attributes(&direct)),
                "{b} {wrapper:?}: through the daemon the job saw other attributes"
            );
            let required = probe(wrapper, Some(&d.socket), "require");
            assert_eq!(required.code(), Some(125), "{b} {wrapper:?}: {required:?}");
            assert!(
                required.stderr_str().contains(why),
                "{b} {wrapper:?}: {}",
                required.stderr_str()
            );
        }
        // `rushd status` counts the refusals (auto and require, each
        // wrapper) and names the last reason.
        let json = d.status();
        assert_eq!(
            json_number(&json, "context_refusals"),
            Some(2 * wrappers.len() as u64),
            "{b}: {json}"
        );
        let last = wrappers.last().map_or("", |w| w.1);
        assert!(
            json.contains("\"last_context_refusal\":\"") && json.contains(last),
            "{b}: {json}"
        );
        d.stop();
    }
}

#[test]
fn a_client_scheduled_otherwise_has_its_job_run_directly() {
    let mut wrappers: Vec<(&[&str], &str)> = vec![
        (&["nice", "-n", "7"], "scheduling"),
        (&["ionice", "-c", "3"], "scheduling"),
        (&["chrt", "-b", "0"], "scheduling"),
    ];
    // One CPU of several; with one CPU the mask is the daemon's own.
    if std::thread::available_parallelism().map_or(1, usize::from) > 1 {
        wrappers.push((&["taskset", "-c", "0"], "scheduling"));
    }
    // nice always works; the others need util-linux and may be refused by
    // a container's seccomp profile.
    assert!(usable(wrappers[0].0), "nice does not run here");
    check(&usable_ones(wrappers));
}

#[test]
fn a_client_with_other_credentials_has_its_job_run_directly() {
    let wrappers = usable_ones(vec![
        (&["setpriv", "--no-new-privs"], "credentials"),
        (&["setarch", std::env::consts::ARCH, "-R"], "credentials"),
    ]);
    if wrappers.is_empty() {
        eprintln!("skipped: neither setpriv nor setarch -R runs here");
        return;
    }
    check(&wrappers);
}

/// The wrappers that run here; the others are named on stderr.
fn usable_ones<'a>(wrappers: Vec<(&'a [&'a str], &'a str)>) -> Vec<(&'a [&'a str], &'a str)> {
    wrappers
        .into_iter()
        .filter(|(w, _)| {
            let ok = usable(w);
            if !ok {
                eprintln!("not checked: {w:?} does not run here");
            }
            ok
        })
        .collect()
}

#[test]
fn a_client_in_other_namespaces_has_its_job_run_directly() {
    let all: [(&[&str], &str); 3] = [
        (&["unshare", "-n"], "network namespace"),
        (&["unshare", "-p", "-f"], "PID namespace"),
        (&["unshare", "-m"], "mount namespace"),
    ];
    let wrappers = usable_ones(all.to_vec());
    if wrappers.is_empty() {
        eprintln!("skipped: new namespaces need privileges this machine does not give");
        return;
    }
    check(&wrappers);
}
