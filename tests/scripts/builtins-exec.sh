# exec.

#### exec replaces the shell
exec echo replaced
echo not reached
## stdout:
replaced

#### exit status of exec'd command is the shell's
exec sh -c 'exit 5'
## status: 5

#### exec with only redirections affects the shell
exec 3>f
echo via3 >&3
exec 3>&-
cat f
## stdout:
via3

#### exec of a missing command exits 127
exec no-such-command-rush
echo not reached
## status: 127

#### exec of a non-executable file exits 126
touch plain
exec ./plain
echo not reached
## status: 126

#### exec in a subshell only replaces the subshell
(exec echo sub)
echo parent
## stdout:
sub
parent

#### exec passes exported variables
export E=val
exec sh -c 'echo $E'
## stdout:
val

#### exec with no arguments returns 0
exec
echo $?
## stdout:
0

#### exec redirection of stdin
printf 'line\n' > in
exec < in
read -r x
echo $x
## stdout:
line

#### EXIT trap is not run by a successful exec
trap 'echo trap' EXIT
exec echo exec-ran
## stdout:
exec-ran

#### fd opened by exec is inherited by children
exec 5>out
sh -c 'echo child >&5'
exec 5>&-
cat out
## stdout:
child

#### assignments before exec are exported to the program
X=assigned exec sh -c 'echo $X'
## stdout:
assigned

#### set -x traces exec to the standard error it had before
$TESTSHELL -c 'set -x; exec 2>/dev/null; echo done' 2>&1
## stdout:
+ exec
done

#### exec of a utility with its own redirection
printf 'from the file\n' > in.txt
exec cat < in.txt
## stdout:
from the file

#### exec of a utility inside a redirected group
printf 'from the file\n' > in.txt
{ exec cat; } < in.txt
## stdout:
from the file

#### exec of a utility inside a function called with a redirection
f() { exec sh -c 'echo "to five" >&5'; }
f 5>&1
## stdout:
to five
