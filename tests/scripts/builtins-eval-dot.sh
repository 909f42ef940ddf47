# eval and . (dot).

#### eval runs its arguments joined by spaces
eval 'x=1;' 'echo $x'
## stdout:
1

#### eval expands twice
y=hello
x='$y'
eval echo $x
## stdout:
hello

#### eval with an empty string returns 0
false
eval ''
echo $?
## stdout:
0

#### eval and dot leave the status before them to their first command
false
eval 'echo "eval: $?"'
(exit 3)
eval 'echo "again: $?"'
(false; eval exit); echo "eval exit: $?"
echo 'echo "dot: $?"' > s.sh
false
. ./s.sh
## stdout:
eval: 1
again: 3
eval exit: 1
dot: 1

#### eval returns the last command's status
eval false
echo $?
## stdout:
1

#### eval with a syntax error
eval 'if' 2>/dev/null
echo not reached
## status: 2
# A syntax error in eval is a special built-in error: it exits a
# non-interactive shell (XCU 2.8.1).

#### eval defines functions and variables in the current shell
eval 'f() { echo from-eval; }; v=set'
f
echo $v
## stdout:
from-eval
set

#### dot runs a file in the current shell
echo 'sourced_var=yes; echo in-file' > lib.sh
. ./lib.sh
echo $sourced_var
## stdout:
in-file
yes

#### dot searches PATH for a name without slash
mkdir lib
echo 'echo found-in-path' > lib/mylib.sh
PATH=$PWD/lib:$PATH
. mylib.sh
## stdout:
found-in-path

#### return in a dot script ends the script
printf 'echo before\nreturn 3\necho after\n' > r.sh
. ./r.sh
echo "status $?"
## stdout:
before
status 3

#### dot of a missing file is fatal in a non-interactive shell
. ./missing.sh
echo not reached
## status: 2
## differs: bash
# XCU 2.8.1: special built-in error exits; dash 2, bash --posix 1.

#### dot script sees and changes positional parameters of the caller
printf 'echo "in: $1"\nset -- changed\n' > p.sh
set -- orig
. ./p.sh
echo "after: $1"
## stdout:
in: orig
after: changed

#### dot of an empty file returns 0
: > empty.sh
false
. ./empty.sh
echo $?
## stdout:
0

#### functions defined in a dot script remain
echo 'lib_f() { echo lib; }' > l.sh
. ./l.sh
lib_f
## stdout:
lib

#### return inside a function inside a dot script returns from the function
printf 'g() { return 4; echo no; }\ng\necho "g=$?"\n' > g.sh
. ./g.sh
## stdout:
g=4

#### eval with a here-document
eval 'cat <<EOF
evaluated doc
EOF'
## stdout:
evaluated doc

#### nested eval
eval 'eval "echo nested"'
## stdout:
nested

#### break inside eval inside a loop
for i in 1 2 3; do eval 'break'; echo never; done
echo out
## stdout:
out

#### dot script with a syntax error
printf 'echo ok\nif\n' > bad.sh
. ./bad.sh
echo not reached
## stdout:
ok
## status: 2
## differs: bash
# The dot script runs command by command up to the error, which exits the
# shell (XCU 2.8.1); bash --posix continues after the dot command.

#### runaway eval or dot recursion is an error, not a crash
# dash dies of SIGSEGV; bash stops at its own eval limit and goes on.
(e='eval "$e"'; eval "$e") 2>/dev/null
echo "eval: $?"
echo '. ./again.sh' > again.sh
(. ./again.sh) 2>/dev/null
echo "dot: $?"
## stdout:
eval: 1
dot: 1
## differs: dash bash
