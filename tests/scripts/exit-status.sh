# Exit status of commands (XCU 2.8.2) and of the shell.

#### command not found is 127 with a message
no-such-command-rush-test
## status: 127
## stderr-contains: no-such-command-rush-test

#### found but not executable is 126
printf 'echo hi\n' > notexec
chmod -x notexec
./notexec
## status: 126

#### a directory is not executable: 126
mkdir d
./d
## status: 126

#### missing path with a slash is 127
./missing-file
## status: 127

#### status of a command killed by a signal is 128 plus the signal
sh -c 'kill -s TERM $$'
echo $?
sh -c 'kill -s KILL $$'
echo $?
## stdout:
143
137

#### status of the shell is the last command's
(exit 3)
## status: 3

#### exit with no argument uses the last status
false
exit
## status: 1

#### exit status wraps modulo 256
exit 300
## status: 44
# Only 0-255 reach the parent: 300 & 255.

#### exit with a non-numeric argument is an error
exit abc
## status: 2

#### an executable script without a shebang is run by the shell
printf 'echo from-script "$1"\n' > noshebang
chmod +x noshebang
./noshebang arg
## stdout:
from-script arg

#### a binary in no executable format is refused with 126, not run as a script
printf 'ab\0cd\necho ran\n' > bin
chmod +x bin
./bin
echo "status $?"
x=$(./bin 2>&1); echo "in a substitution: $?"
## stdout:
status 126
in a substitution: 126
## stderr-contains: ./bin

#### an ELF header marks a binary though no NUL byte follows
printf '\177ELF\necho ran\n' > bin
chmod +x bin
./bin
echo "status $?"
## stdout:
status 126

#### a binary in no executable format as the last command
printf 'ab\0cd\necho ran\n' > bin
chmod +x bin
./bin
## status: 126
## stderr-contains: ./bin

#### a syntax error in a script without a shebang names the script
printf 'echo first\nif\n' > broken
chmod +x broken
./broken
echo "status $?"
## stdout:
first
status 2
## stderr-contains: ./broken

#### status of a script with a shebang
printf '#!/bin/sh\nexit 9\n' > s
chmod +x s
./s
echo $?
## stdout:
9

#### command found in PATH directory added at runtime
mkdir bin
printf '#!/bin/sh\necho in-bin\n' > bin/mycmd
chmod +x bin/mycmd
PATH=$PWD/bin:$PATH
mycmd
## stdout:
in-bin

#### empty command with only assignments has status 0
false
x=1
echo $?
## stdout:
0

#### a redirection-only command has status 0
false
> f
echo $?
## stdout:
0

#### a signal-killed pipeline member reports 128+n
sh -c 'kill -s INT $$' | cat
echo $?
cat /dev/null | sh -c 'kill -s INT $$'
echo $?
## stdout:
0
130

#### status of a background job via wait
sh -c 'exit 12' &
wait $!
echo $?
## stdout:
12

#### exit in a subshell status
(exit 255)
echo $?
## stdout:
255

#### shell exits with status of the last command in an if
if true; then false; fi
## status: 1

#### a non-executable file in PATH is not found: 127
mkdir bin
printf 'echo hi\n' > bin/nx
chmod -x bin/nx
PATH=$PWD/bin:$PATH
nx
## status: 127
## differs: bash
# The PATH search (XBD 8.3) looks for an executable file, so a file
# without execute permission is not found: dash 127. bash gives 126.

#### command-not-found message goes to the command's redirected stderr
no-such-command-rush 2>err
echo $?
grep -c no-such-command-rush err
## stdout:
127
1

#### command-not-found message is silenced by 2>/dev/null
no-such-command-rush 2>/dev/null
{ no-such-command-rush; } 2>/dev/null
f() { no-such-command-rush; }
f 2>/dev/null
echo done
## stdout:
done
## stderr:

#### command-not-found message is captured by 2>&1 in a substitution
x=$(no-such-command-rush 2>&1)
case $x in *no-such-command-rush*) echo captured ;; esac
## stdout:
captured

#### with PATH unset a utility is not found
# When PATH is unset the search is implementation-defined; dash and bash
# both search nothing.
unset PATH
ls 2>/dev/null
echo $?
## stdout:
127

#### a foreground command killed by a signal is named on stderr
# As dash does (strsignal's wording); not for SIGINT and SIGPIPE, whose
# deaths are the expected end of an interrupted command or a closed pipe,
# nor for a background job that `wait` with no operand collects (dash
# names one that `wait PID` collects; rush does not).
{
  sh -c 'kill -s TERM $$'; echo "st $?"
  sh -c 'kill -s INT $$'; sh -c 'kill -s PIPE $$'
  x=$(sh -c 'kill -s USR1 $$'); echo "st $?"
  (sh -c 'kill -s HUP $$'); echo "st $?"
  sh -c 'kill -s KILL $$' | cat
  sh -c 'kill -s TERM $$' & wait; echo "bg $?"
  { sh -c 'kill -s ALRM $$'; } 2>/dev/null; echo "quiet $?"
} 2>&1
## stdout:
Terminated
st 143
User defined signal 1
st 138
Hangup
st 129
Killed
bg 0
quiet 142
## differs: bash
# bash reports such deaths in scripts but not in most `-c` commands.
