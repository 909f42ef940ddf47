#!/usr/bin/env python3
"""Write src/bin/rush-hot.ld: the functions a short `rush` run executes,
which the linker places side by side at the start of the text.

    python3 benches/hot_text.py [path/to/release/rush]     (just hot-text)
    python3 benches/hot_text.py --check [path/to/release/rush]   (CI)

Why: a process maps its text lazily, a 64 KiB window per page fault, and
on a VM each fault costs ~5 us. Left where the linker puts them, the
hundred-odd functions of `rush -c 'echo test'` are spread over 13 such
windows; side by side they fill three (docs/architecture.md, "Hot text").

How: run rush under ptrace, one instruction at a time, on the paths that
start most often (a `-c` command through the daemon and directly, a
script, an external command) and in the copies of the shell that a
command substitution, a subshell and a pipeline fork (each maps the text
it touches afresh), and name the function of every instruction
from the symbol table. The list is written as linker-script patterns with
the hashes rustc puts in symbol names left out, so that it goes on
matching after unrelated changes; a function it no longer names only
costs a fault again, never correctness. Re-run it when the start-up path
changes; `just bench` reports page faults per start, which shows when
the list has gone stale.

Linux x86_64 only (ptrace register layout); needs nm and objdump.
"""
import ctypes
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(ROOT, 'src', 'bin', 'rush-hot.ld')

PTRACE_TRACEME, PTRACE_GETREGS, PTRACE_SINGLESTEP = 0, 12, 9
PTRACE_DETACH, PTRACE_SETOPTIONS = 17, 0x4200
PTRACE_O_TRACEFORK, PTRACE_O_TRACEEXEC = 0x2, 0x10
PTRACE_EVENT_EXEC = 4
WALL = 0x40000000  # __WALL: wait for traced children of any kind
RIP = 16  # index of rip in struct user_regs_struct (x86_64)

libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace.restype = ctypes.c_long
libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p]


def trace(argv, env, stdin=None):
    """Every distinct instruction address `argv` executes, first use first,
    in the process and in the copies of it that it forks (a command
    substitution, a subshell), up to the program each of them `execve`s."""
    pid = os.fork()
    if pid == 0:
        try:
            if stdin is not None:
                os.dup2(stdin, 0)
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            libc.ptrace(PTRACE_TRACEME, 0, None, None)
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    regs = (ctypes.c_ulong * 27)()
    seen, order = set(), []
    _, status = os.waitpid(pid, 0)
    if not os.WIFSTOPPED(status):
        sys.exit(f'hot_text: {argv} did not start under the tracer ({status:#x})')
    libc.ptrace(PTRACE_SETOPTIONS, pid, None,
                ctypes.c_void_p(PTRACE_O_TRACEFORK | PTRACE_O_TRACEEXEC))
    tracees, ended = {pid}, None
    libc.ptrace(PTRACE_SINGLESTEP, pid, None, None)
    deadline = time.monotonic() + 60
    while tracees:
        if time.monotonic() > deadline:
            for t in tracees:
                os.kill(t, 9)
            sys.exit(f'hot_text: {argv} still running after 60 s of single-stepping')
        who, status = os.waitpid(-1, WALL)
        if not os.WIFSTOPPED(status):
            tracees.discard(who)
            if who == pid:
                ended = status
            continue
        tracees.add(who)  # a forked copy may stop before its fork is reported
        sig, event = os.WSTOPSIG(status), status >> 16
        if event == PTRACE_EVENT_EXEC:
            # Another program from here on: not rush's text.
            tracees.discard(who)
            libc.ptrace(PTRACE_DETACH, who, None, None)
            continue
        if libc.ptrace(PTRACE_GETREGS, who, None, ctypes.byref(regs)) == 0:
            ip = regs[RIP]
            if ip not in seen:
                seen.add(ip)
                order.append(ip)
        # Stops of the tracer's own making (a step, a fork event, a new
        # copy's first stop) deliver nothing; others deliver their signal.
        deliver = 0 if sig in (5, 19) or event else sig
        libc.ptrace(PTRACE_SINGLESTEP, who, None, ctypes.c_void_p(deliver))
    if ended is None:
        _, ended = os.waitpid(pid, 0)
    if not os.WIFEXITED(ended) or os.WEXITSTATUS(ended) != 0:
        sys.exit(f'hot_text: {argv} failed under the tracer ({ended:#x})')
    return order


def functions(binary):
    """(start, end, name) of every function in `binary`, sorted."""
    nm = subprocess.run(['nm', '-n', '-S', binary], capture_output=True, text=True,
                        check=True).stdout
    syms = []
    for line in nm.splitlines():
        p = line.split()
        if len(p) == 4 and p[2] in 'tTwW':
            syms.append([int(p[0], 16), int(p[1], 16), p[3]])
        elif len(p) == 3 and p[1] in 'tTwW':  # assembly: no size
            syms.append([int(p[0], 16), 0, p[2]])
    syms.sort()
    for i, s in enumerate(syms):
        if s[1] == 0:
            s[1] = syms[i + 1][0] - s[0] if i + 1 < len(syms) else 16
    return [(a, a + n, name) for a, n, name in syms]


def name_all(ips, syms):
    import bisect
    starts = [s[0] for s in syms]
    names = []
    for ip in ips:
        i = bisect.bisect_right(starts, ip) - 1
        if i >= 0 and ip < syms[i][1] and syms[i][2] not in names:
            names.append(syms[i][2])
    return names


def libc_sections():
    """Symbol -> (archive member, section) in the musl that rustc links."""
    sysroot = subprocess.run(['rustc', '--print', 'sysroot'], capture_output=True,
                             text=True, check=True).stdout.strip()
    lib = os.path.join(sysroot, 'lib', 'rustlib', 'x86_64-unknown-linux-musl', 'lib',
                       'self-contained')
    where = {}
    for obj in ('libc.a', 'crt1.o'):
        path = os.path.join(lib, obj)
        if not os.path.exists(path):
            continue
        member = obj
        out = subprocess.run(['objdump', '-t', path], capture_output=True, text=True).stdout
        for line in out.splitlines():
            if line.endswith('file format elf64-x86-64'):
                member = os.path.basename(line.split(':')[0].split('(')[-1].rstrip(')'))
            elif '\t' in line:
                left, right = line.split('\t', 1)
                sec, name = left.split()[-1], right.split()[-1]
                if sec.startswith('.text') and name not in where:
                    where[name] = (member, sec)
    return where


def pattern(name, where):
    if name in where:
        member, sec = where[name]
        # Assembly puts its functions in plain .text: name the member. The
        # program may define the symbol itself instead (rush's memcpy,
        # platform/src/mem.rs), in a section of its own: name both.
        return f'*{member}({sec}) *(.text.{name})' if sec == '.text' else f'*({sec})'
    name = re.sub(r'17h[0-9a-f]{16}E$', '17h*', name)  # legacy mangling hash
    name = re.sub(r'Cs[0-9A-Za-z]+_', 'Cs*_', name)    # v0 crate disambiguator
    name = re.sub(r'\.llvm\.\d+$', '.llvm.*', name)
    # #[cold] functions (a vector's growth among them) sit in .text.unlikely.
    return f'*(.text.{name} .text.unlikely.{name})'


def section_range(binary, section):
    """[start, end) of `section` in `binary`, or None."""
    out = subprocess.run(['objdump', '-h', binary], capture_output=True, text=True,
                         check=True).stdout
    for line in out.splitlines():
        p = line.split()
        if len(p) > 3 and p[1] == section:
            return int(p[3], 16), int(p[3], 16) + int(p[2], 16)
    return None


def main():
    args = sys.argv[1:]
    check = '--check' in args
    args = [a for a in args if a != '--check']
    rush = os.path.abspath(args[0] if args else os.path.join(
        ROOT, 'target', 'x86_64-unknown-linux-musl', 'release', 'rush'))
    rushd = os.path.join(os.path.dirname(rush), 'rushd')
    for tool in ('nm', 'objdump'):
        if not shutil.which(tool):
            sys.exit(f'hot_text: needs {tool} (binutils)')
    work = tempfile.mkdtemp(prefix='rush-hot-')
    os.chmod(work, 0o700)
    sock = os.path.join(work, 'rushd.sock')
    # The caller's environment, as a shell started from a terminal or make
    # has it: what rush does at start depends on it (PWD, for one).
    env = {k: v for k, v in os.environ.items() if not k.startswith('RUSH_')}
    env.update(RUSH_SOCKET=sock, PWD=os.getcwd())
    script = os.path.join(work, 'script.sh')
    with open(script, 'w') as f:
        f.write('x=1\nf() { echo "$1"; }\nf "$x"\n')
    daemon = subprocess.Popen([rushd, '--foreground', '--socket', sock],
                              stderr=subprocess.DEVNULL, env=env)
    try:
        for _ in range(200):
            if os.path.exists(sock):
                break
            time.sleep(0.01)
        else:
            sys.exit('hot_text: rushd did not start')
        via = dict(env, RUSH_DAEMON='require')
        off = dict(env, RUSH_DAEMON='off')
        runs = [  # the most frequent start first: it gets the first window
            ([rush, '-c', 'echo test'], via),
            ([rush, script], via),
            ([rush, '-c', 'echo test'], off),
            ([rush, script], off),
            ([rush, '-c', 'true; /bin/true "$@"', 'sh', 'a'], off),
            # What a forked copy of the shell runs: each copy maps the
            # windows of text it touches afresh (fork does not copy the
            # page tables of file mappings), a command substitution too.
            ([rush, '-c', 'x=$(echo a); (echo "$x"); echo b | { read y; }'], off),
        ]
        ips = []
        for argv, e in runs:
            ips += trace(argv, e)
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)
    syms = functions(rush)
    names = name_all(ips, syms)
    if check:
        # Stale when a function these starts run was left in the plain
        # text: renamed, split or newly out of line since the list was
        # written. (`_init`, in `.init` just before the hot section, is in
        # its first window anyway.)
        if section_range(rush, '.text.rush_hot') is None:
            sys.exit(f'hot_text: {rush} has no .text.rush_hot section')
        text = section_range(rush, '.text')
        start = {name: a for a, _, name in syms}
        cold = [n for n in names if text[0] <= start[n] < text[1]]
        if cold:
            print(f'hot_text: {len(cold)} of the {len(names)} functions a short run executes '
                  'lie in .text, not .text.rush_hot, so starts fault in more text than '
                  'they need: run `just hot-text` (benches/hot_text.py) and commit '
                  'src/bin/rush-hot.ld', file=sys.stderr)
            for n in cold:
                print(f'    {n}', file=sys.stderr)
            sys.exit(1)
        print(f'hot_text: all {len(names)} functions a short run executes are in .text.rush_hot')
        return
    where = libc_sections()
    lines, done = [], set()
    for n in names:
        p = pattern(n, where)
        if p not in done:
            done.add(p)
            lines.append(f'    {p}')
    with open(OUT, 'w') as f:
        f.write('/* Generated by `just hot-text` (benches/hot_text.py) from the\n'
                '   functions a short `rush` run executes; do not edit. Placing them\n'
                '   side by side saves page faults at start-up (docs/architecture.md,\n'
                '   "Hot text"). A pattern that matches nothing is harmless. */\n'
                'SECTIONS {\n  .text.rush_hot : {\n' + '\n'.join(lines) +
                '\n  }\n} INSERT BEFORE .text;\n')
    print(f'wrote {os.path.relpath(OUT)}: {len(lines)} patterns from {len(names)} functions')


if __name__ == '__main__':
    main()
