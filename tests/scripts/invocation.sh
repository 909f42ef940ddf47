# Invoking the shell (XCU sh): -c, script files, standard input, options.

#### -c with name and arguments
echo "$0:$1:$2:$#"
## argv: -c {script} nm a b
## stdout:
nm:a:b:2

#### script file with arguments
echo "$0:$1:$#"
## argv: {file} x y
## stdout:
script.sh:x:2

#### script file exit status
exit 7
## argv: {file}
## status: 7

#### commands from standard input
echo from-stdin
x=1
echo "x=$x"
## argv: -s
## stdout:
from-stdin
x=1

#### -s with arguments
echo "$1 $2 $#"
## argv: -s a b
## stdout:
a b 2

#### no operands reads standard input
echo implicit stdin
## argv:
## stdout:
implicit stdin

#### a command reading stdin sees the rest of the script input
# XCU sh: the shell must not read ahead of a command that reads stdin.
read -r line
this line is data
echo "read: $line"
## argv: -s
## stdout:
read: this line is data
## differs: dash
# dash reads its input in blocks from a pipe and so breaks this rule.

#### -e on the command line
false
echo not reached
## argv: -e -c {script}
## status: 1

#### -u on the command line
echo $undefined_var
echo not reached
## argv: -u -c {script}
## status: 2
## differs: bash
# dash 2; bash --posix 1 (POSIX: non-zero).

#### -x traces commands to stderr
echo traced
## argv: -x -c {script}
## stdout:
traced
## stderr-contains: + echo traced

#### -f disables globbing
touch a
echo *
## argv: -f -c {script}
## stdout:
*

#### -n does not execute
echo not executed
## argv: -n -c {script}

#### -n still reports syntax errors
echo fine
if
## argv: -n -c {script}
## status: 2

#### -a exports every assignment
v=exported
sh -c 'echo $v'
## argv: -a -c {script}
## stdout:
exported

#### -o pipefail on the command line
false | true
echo $?
## argv: -o pipefail -c {script}
## stdout:
1
## differs: dash

#### -o names with + to turn off
case $- in *f*) echo f-on ;; *) echo f-off ;; esac
## argv: -f +o noglob -c {script}
## stdout:
f-off

#### options are visible in $-
case $- in *u*) echo has-u ;; esac
case $- in *x*) echo has-x ;; *) echo no-x ;; esac
## argv: -u -c {script}
## stdout:
has-u
no-x

#### -c without a command string is an error
## argv: -c
## status: 2
## stderr-contains: -c

#### invalid option is an error
## argv: -Z -c true
## status: 2

#### invalid -o name is an error
## argv: -o nosuchopt -c true
## status: 2

#### -- ends options before the script file
echo "$1"
## argv: -- {file} -x
## stdout:
-x

#### missing script file is 127
## argv: ./does-not-exist.sh
## status: 127
## stderr-contains: does-not-exist
## differs: dash
# XCU sh, EXIT STATUS: 127 when the command_file is not found; dash 2.

#### --version prints the name and version
## argv: --version
## stdout:
rush 0.1.0
## differs: dash bash

#### --help prints usage
## argv: --help
## stdout:
usage: rush [options] [-c command [name [arg...]]]
       rush [options] file [arg...]
       rush [options] [-s] [arg...]

Options (+ instead of - turns one off):
  -a  allexport    -b  notify      -C  noclobber   -e  errexit
  -f  noglob       -h  hashall     -i  interactive -m  monitor
  -n  noexec       -s  stdin       -u  nounset     -v  verbose
  -x  xtrace       -o NAME / +o NAME  (also: pipefail, ignoreeof;
                   -o or +o last, with no NAME: list the options)
  -l  login shell: run /etc/profile and ~/.profile first
  --version, --help

Environment: RUSH_DAEMON=auto|off|require|spawn chooses whether a running
rushd serves the command (see rushd --help). RUSH_ENV names a file a
non-interactive shell runs first; ENV, one an interactive shell runs first.
HISTFILE keeps the prompt's history (default ~/.rush_history).
## status: 0
## differs: dash bash
# rush's own text: update this case with the help text.

#### a script from stdin with no trailing newline
printf 'echo no-newline' > s
sh_cmd() { :; }
echo ok
## argv: {file}
## stdout:
ok

#### PPID is the parent's pid
[ "$PPID" -gt 0 ] && echo has-ppid
## stdout:
has-ppid

#### IFS is reset at start-up, not inherited
IFS=x $TESTSHELL -c 'v=axb; echo $v'
## stdout:
axb

#### a nested shell call through TESTSHELL
$TESTSHELL -c 'echo "nested $1"' name arg
## stdout:
nested arg

#### -c string with a trailing comment and no newline
$TESTSHELL -c 'echo x # comment'
## stdout:
x

#### the exit status of -c with an empty string is 0
$TESTSHELL -c ''
echo $?
## stdout:
0

#### stdin script with a syntax error after good commands
echo good
fi
echo never
## argv: -s
## stdout:
good
## status: 2

#### -C makes > refuse an existing file
echo a > f
echo b > f
[ $? -ne 0 ] && echo refused
cat f
## argv: -C -c {script}
## stdout:
refused
a

#### -v writes input to stderr
echo verbose
## argv: -v {file}
## stdout:
verbose
## stderr-contains: echo verbose

#### -v writes the comments after the last command too
echo verbose
# a note at the end
## argv: -v {file}
## stdout:
verbose
## stderr-contains: # a note at the end

#### -C sets noclobber
echo a > f
echo b > f
echo "status $?"
cat f
## argv: -C -c {script}
## stdout:
status 1
a
## differs: dash
# The failed redirection fails only that command: dash 2, bash 1; rush
# follows bash.

#### set -n runs nothing more, not even a loop's condition
echo before
set -n
while true; do echo never; done
echo never
## stdout:
before

#### $- shows s when commands come from standard input
echo 'case $- in *s*) echo stdin: s ;; *) echo "stdin: [$-]" ;; esac' | $TESTSHELL
echo 'case $- in *s*) echo "-s: s" ;; esac' | $TESTSHELL -s a b
case $- in *s*) echo "-c: s" ;; *) echo "-c: no s" ;; esac
## stdout:
stdin: s
-s: s
-c: no s

#### an interactive shell given a command string is not ended by SIGTERM or SIGQUIT
$TESTSHELL -i -c 'kill $$; echo alive; kill -QUIT $$; echo alive2; sh -c "kill \$\$"; echo "child $?"' </dev/null 2>/dev/null
## stdout:
alive
alive2
child 143

#### commands on a closed standard input are none
$TESTSHELL <&-
echo "status $?"
## stdout:
status 0

#### a lone + is an empty group of options
$TESTSHELL + -c 'echo "x $#"'
echo 'echo from stdin' | $TESTSHELL +
## stdout:
x 0
from stdin

#### -o or +o with no option name lists the options, then runs as usual
echo 'echo "after $-"' | $TESTSHELL -e -o | grep -e '^errexit' -e '^noglob' -e '^after'
echo 'echo "after $-"' | $TESTSHELL -f +o | grep -e 'errexit$' -e 'noglob$' -e '^after'
## stdout:
errexit         on
noglob          off
after es
set +o errexit
set -o noglob
after fs
## differs: dash bash
# bash prints its own table (`errexit<tab>on`) and more options; dash
# lists noglob on after `-e -o` and orders `$-` otherwise.
