# Special parameters (XCU 2.5.2).

#### $? after success and failure
true; echo $?
false; echo $?
## stdout:
0
1

#### $# counts positional parameters
set -- a b c
echo $#
set --
echo $#
## stdout:
3
0

#### $$ is the shell's pid and is the same in a subshell
a=$$
b=$(echo $$)
(c=$$; [ "$a" = "$c" ] && echo same-in-subshell)
[ "$a" = "$b" ] && echo same-in-substitution
## stdout:
same-in-subshell
same-in-substitution

#### $$ is a number
case $$ in *[!0-9]*|'') echo bad ;; *) echo number ;; esac
## stdout:
number

#### $! is the pid of the last background command
sleep 0 & p=$!
wait $p
echo $?
case $p in *[!0-9]*|'') echo bad ;; *) echo number ;; esac
## stdout:
0
number

#### $- contains the set options
set -f
case $- in *f*) echo has-f ;; esac
set +f
case $- in *f*) echo still-f ;; *) echo no-f ;; esac
## stdout:
has-f
no-f

#### $- has u and e when set
set -eu
case $- in *e*u*|*u*e*) echo both ;; esac
## stdout:
both

#### $0 with -c and a name operand
echo "$0"
## argv: -c {script} myname
## stdout:
myname

#### $@ and $* count
set -- 'a b' c
echo $#
## stdout:
2

#### $? inside a command substitution sees the outer value
false
echo $(echo $?)
## stdout:
1

#### $? after a subshell
(exit 42)
echo $?
## stdout:
42

#### $? after a command not found
no-such-command-xyz 2>/dev/null
echo $?
## stdout:
127

#### $? in an assignment is evaluated before the assignment
false
x=$?
echo $x
## stdout:
1

#### $? is not changed by expanding it
(exit 9)
echo $? $?
## stdout:
9 9

#### special parameters cannot be assigned
( ?=1 ) 2>/dev/null
echo status-nonzero-or-command-not-found
## stdout:
status-nonzero-or-command-not-found

#### $1 through $9 and beyond
set -- a b c d e f g h i j k
echo $1 $9 ${11}
## stdout:
a i k
