# The shell's execution environment as a command sees it (XCU 2.13):
# these are the properties the daemon must reproduce exactly.

#### the working directory is the one the shell started in
[ "$PWD" = "$(pwd -P)" ] || [ "$(cd "$PWD" && pwd -P)" = "$(pwd -P)" ]
echo $?
case $PWD in */rush-scripted-*) echo temp-dir ;; esac
## stdout:
0
temp-dir

#### the umask is inherited
[ "$(umask)" = "$(sh -c umask)" ] && echo same
## stdout:
same

#### HOME and PATH come from the environment
[ "$HOME" = "$PWD" ] && echo home-is-cwd
[ -n "$PATH" ] && echo has-path
## stdout:
home-is-cwd
has-path

#### LC_ALL is exported to utilities
sh -c 'echo $LC_ALL'
## stdout:
C

#### standard input is what the shell was given
read -r x
echo "[$x]"
## stdin:
given input
## stdout:
[given input]

#### no standard input is /dev/null here
read -r x
echo "status $?"
## stdout:
status 1

#### stdout is a pipe, not a terminal
[ -t 1 ] || echo not-tty
## stdout:
not-tty

#### only fds 0 1 2 are open at start
for fd in 3 4 5 6 7 8 9; do
  if ( : >&$fd ) 2>/dev/null; then echo "fd $fd open"; fi
done
echo checked
## stdout:
checked

#### no traps are set at start
trap
echo none
## stdout:
none

#### the environment has exactly the variables given, plus the shell's own
# The filter drops what shells add themselves (PWD, bash's SHLVL and _)
# and the runner's RUSH_* switches, which differ between modes.
env | grep -v '^_=\|^PWD=\|^SHLVL=\|^OLDPWD=\|^RUSH_' | cut -d= -f1 | sort
## stdout:
HOME
LC_ALL
PATH
TESTSHELL

#### the shell's pid is not its parent's
[ $$ != $PPID ] && echo different
## stdout:
different

#### options at start: none of e u x f set
case $- in *[euxf]*) echo some-set ;; *) echo clean ;; esac
## stdout:
clean

#### a file created by the shell lands in the working directory
echo data > created
ls
## stdout:
created

#### signal dispositions: TERM is default and kills a child
sh -c 'kill -s TERM $$; echo survived'
echo $?
## stdout:
143
