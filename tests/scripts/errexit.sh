# set -e (errexit) and its exemptions (XCU 2.8.1, set).

#### a failing simple command exits
set -e
echo before
false
echo after
## stdout:
before
## status: 1

#### the exit status is the failing command's
set -e
(exit 7)
echo after
## status: 7

#### condition of if is exempt
set -e
if false; then echo no; fi
echo survived
## stdout:
survived

#### condition of while and until is exempt
set -e
while false; do :; done
until true; do :; done
echo survived
## stdout:
survived

#### commands before && and || are exempt
set -e
false && echo no
false || echo or-ran
echo survived
## stdout:
or-ran
survived

#### the last command of an and-or list is not exempt
set -e
true && false
echo not reached
## status: 1

#### a negated pipeline is exempt
set -e
! true
echo survived
## stdout:
survived

#### a pipeline's status is its last command's
set -e
false | true
echo survived
true | false
echo not reached
## stdout:
survived
## status: 1

#### failure in a subshell exits the subshell and then the shell
set -e
(false; echo not in subshell)
echo not reached
## status: 1

#### function body failure exits when the call is not exempt
set -e
f() { false; echo not reached; }
f
echo not reached
## status: 1

#### exemption extends into a function called in a condition
set -e
f() { false; echo continued-in-f; }
if f; then echo f-true; fi
f || echo never
## stdout:
continued-in-f
f-true
continued-in-f

#### set +e turns it off
set -e
set +e
false
echo survived
## stdout:
survived

#### errexit in a command substitution of an assignment
set -e
x=$(false)
echo not reached
## status: 1

#### command substitution failure inside an argument is ignored
set -e
echo "x$(false)"
echo survived
## stdout:
x
survived

#### a compound command whose last command fails exits
set -e
{ false; }
echo not reached
## status: 1

#### failure inside a brace group in an && list is exempt
set -e
{ false; echo after-false; } && echo and
echo survived
## stdout:
after-false
and
survived

#### -e given on the command line
false
echo not reached
## argv: -e -c {script}
## status: 1

#### set -o errexit spelling
set -o errexit
false
echo not reached
## status: 1

#### errexit ignores failures of the condition part of elif
set -e
if false; then :; elif false; then :; else echo else; fi
## stdout:
else

#### errexit with a failing for-loop body
set -e
for i in 1 2; do
  echo $i
  false
done
echo not reached
## stdout:
1
## status: 1

#### errexit in a background subshell
set -e
(false; echo not here) &
wait $! || echo "bg status $?"
## stdout:
bg status 1

#### EXIT trap runs when errexit exits
set -e
trap 'echo trapped' EXIT
false
## stdout:
trapped
## status: 1

#### errexit is exempt for the return status of a function in && list
set -e
f() { return 3; }
f && echo no
echo survived
## stdout:
survived

#### errexit and a failing special builtin
set -e
shift 2>/dev/null
echo not reached
## status: 2
## differs: bash
# XCU 2.8.1: a special built-in's error exits a non-interactive shell
# anyway (dash: 2); bash --posix returns 1 from shift and errexit exits 1.

#### a brace group whose failure came from an exempt && list does not exit
# XCU set -e: a compound command other than a subshell is not affected
# when its status came from a command run while -e was ignored.
set -e
{ false && :; }
echo survived
## stdout:
survived

#### a subshell whose failure came from an exempt && list exits
set -e
(false && :)
echo not reached
## status: 1
