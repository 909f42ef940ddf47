# command, type, hash.

#### command -v for a builtin, a utility, a function, an alias and a keyword
f() { :; }
alias al='echo'
command -v cd
command -v sh | grep -c /
command -v f
command -v if
## stdout:
cd
1
f
if

#### command -v of an alias prints its definition
alias al='echo hi'
command -v al
## stdout:
alias al='echo hi'

#### command -V describes the command
command -V cd | grep -c cd
## stdout:
1

#### command bypasses functions
cd() { echo fake-cd; }
command cd /
pwd
## stdout:
/

#### command makes a special builtin non-fatal
command eval 'if' 2>/dev/null
echo survived
## stdout:
survived

#### command with assignments: special builtin assignments do not persist
X=1 command :
echo "[${X-unset}]"
## stdout:
[unset]

#### command -p uses the default PATH
PATH=/nonexistent
command -p sh -c 'echo default-path'
## stdout:
default-path

#### command runs a utility found in PATH
command printf '%s\n' util
## stdout:
util

#### command of a missing utility is 127
command no-such-command-rush 2>/dev/null
echo $?
## stdout:
127

#### type reports kinds
f() { :; }
type f | grep -c function
type if | grep -c -i 'keyword\|reserved'
type cd | grep -c builtin
## stdout:
1
1
1

#### type of a missing command fails
type no-such-command-rush >/dev/null 2>&1
[ $? -ne 0 ] && echo failed
## stdout:
failed

#### hash remembers utility locations
hash sh
hash | grep -c sh
## stdout:
1
## differs: bash
# bash --posix prints "hits command" columns; dash prints paths.

#### hash -r forgets
hash sh
hash -r
hash | grep -c sh || :
## stdout:
0

#### hash of a missing utility fails
hash no-such-command-rush 2>/dev/null
[ $? -ne 0 ] && echo failed
## stdout:
failed

#### command -v of a path to an executable prints it
printf '#!/bin/sh\n' > x
chmod +x x
command -v ./x
## stdout:
./x

#### command -v of an unknown name fails with no output
command -v no-such-thing-rush
echo $?
## stdout:
127
## differs: bash
# POSIX: >0; dash 127, bash 1.

#### PATH assignment clears the hash
mkdir a b
printf '#!/bin/sh\necho a\n' > a/cmd
printf '#!/bin/sh\necho b\n' > b/cmd
chmod +x a/cmd b/cmd
PATH=$PWD/a:$PATH
cmd
PATH=$PWD/b:$PATH
cmd
## stdout:
a
b

#### a utility run in a command substitution is not remembered by hash
x=$(uname)
hash
echo "[$x]" | sed 's/\[.*\]/[ran]/'
## stdout:
[ran]
