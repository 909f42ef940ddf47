# The trap special built-in and signal handling (XCU 2.11, trap).

#### EXIT trap runs at the end
trap 'echo bye' EXIT
echo main
## stdout:
main
bye

#### EXIT trap sees the exit status
trap 'echo "status $?"' EXIT
(exit 3)
## stdout:
status 3
## status: 3

#### exit in an EXIT trap changes the status
trap 'exit 5' EXIT
true
## status: 5

#### EXIT trap runs on exit N
trap 'echo trap' EXIT
exit 4
## stdout:
trap
## status: 4

#### EXIT trap in a subshell runs when the subshell ends
(trap 'echo sub-exit' EXIT; echo in-sub)
echo after
## stdout:
in-sub
sub-exit
after

#### traps are reset in a subshell
trap 'echo parent-exit' EXIT
(echo sub)
echo main
## stdout:
sub
main
parent-exit

#### trap with no arguments lists traps
trap 'echo x' INT
trap
## stdout:
trap -- 'echo x' INT

#### trap - resets
trap 'echo x' EXIT
trap - EXIT
echo done
## stdout:
done

#### ignored signal with empty action
trap '' TERM
kill -s TERM $$
echo survived
## stdout:
survived

#### caught signal runs the action
trap 'echo caught' USR1
kill -s USR1 $$
echo after
## stdout:
caught
after

#### signal numbers are accepted
trap 'echo got-hup' 1
kill -s HUP $$
echo after
## stdout:
got-hup
after

#### $? in a trap action is restored afterwards
trap 'false' USR1
true
kill -s USR1 $$
echo $?
## stdout:
0

#### uncaught TERM kills the shell
kill -s TERM $$
echo not reached
## status: signal 15

#### trap action is evaluated when run, not when set
x=early
trap 'echo $x' EXIT
x=late
## stdout:
late

#### EXIT trap in a function runs at shell exit, not function return
f() { trap 'echo exit-trap' EXIT; echo in-f; }
f
echo after-f
## stdout:
in-f
after-f
exit-trap

#### ignored signals stay ignored in subshells
trap '' USR1
(kill -s USR1 $$; kill -s USR1 $(sh -c 'echo $PPID'); echo sub-alive)
echo main-alive
## stdout:
sub-alive
main-alive

#### a subshell does not inherit a caught trap but the default
trap 'echo parent-caught' USR1
(trap) | grep -c USR1 || :
## stdout:
0
## differs: bash
# XCU 2.12: a subshell's caught traps are set to the default; bash still
# lists the parent's.

#### trap set for several conditions at once
trap 'echo multi' USR1 USR2
kill -s USR2 $$
## stdout:
multi

#### invalid signal name is an error
trap 'echo' NOSUCHSIG 2>/dev/null
echo "status $?"
## stdout:
status 1

#### EXIT trap output order with a pipeline at exit
trap 'echo end | tr e E' EXIT
echo start
## stdout:
start
End

#### 0 is the same as EXIT
trap 'echo zero' 0
## stdout:
zero

#### trap in a command substitution runs inside it
x=$(trap 'echo inner-exit' EXIT; echo body)
echo "$x"
## stdout:
body
inner-exit

#### return in a trap action returns from the interrupted function
trap 'echo trap; return 7' USR1
f() { kill -s USR1 $$; echo not-in-f; }
f
echo "f=$?"
## stdout:
trap
f=7

#### a child's signal to $$ is trapped before the next command
# Through a daemon $$ is the client, which passes the signal on: the trap
# must still have run when the child is reaped, every time.
trap 'out="$out t"' USR1
out=
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
  sh -c "kill -USR1 $$"
  out="$out a$i"
done
echo "$out"
## stdout:
 t a1 t a2 t a3 t a4 t a5 t a6 t a7 t a8 t a9 t a10 t a11 t a12 t a13 t a14 t a15 t a16 t a17 t a18 t a19 t a20

#### a child that signals $$ is not signalled itself
# Sent to $$, the signal is the shell's alone, even where the shell's
# children share a process group that others' signals reach.
trap 'n=$((n + 1))' USR1
n=0
for i in 1 2 3 4 5 6 7 8 9 10; do
  sh -c "kill -USR1 $$; sleep 0.01; echo child-alive"
  s=$?
done
echo "status $s, trapped $n"
## stdout:
child-alive
child-alive
child-alive
child-alive
child-alive
child-alive
child-alive
child-alive
child-alive
child-alive
status 0, trapped 10

#### a trap action's lines count from 1
# dash leaves $LINENO empty in a trap action (its messages say line 1).
trap 'echo "exit trap: line $LINENO"' EXIT
:

:
## stdout:
exit trap: line 1
## differs: dash

#### a trap runs as soon as the pipeline it came during is over
trap 'echo trapped' USR1
kill -USR1 $$ | sleep 0.1
echo after
## stdout:
trapped
after

#### a signal a pipeline's member sends the shell ends it before its next command
kill $$ | sleep 0.2
echo not reached
## status: signal 15

#### a signal a subshell sends the shell ends it before its next command
(kill $$)
echo not reached
## status: signal 15

#### a signal a background job sends the shell ends it before its next command
kill $$ &
wait
echo not reached
## status: signal 15

#### a trap action that raises its own signal again ends nested too deeply
exec 3>&1
head -c 3000 /dev/zero > big
exec >> big
ulimit -f 1
trap 'echo again' XFSZ
echo first
echo not reached >&3
## status: 1
## stderr-contains: nested too deeply
## differs: dash bash

#### a signal ignored on entry stays untrappable in an asynchronous list
(trap '' INT; $TESTSHELL -c '{ trap "echo t" INT; trap; } & wait; echo end')
## stdout:
end
## differs: dash bash

#### exit with no operand in the EXIT trap exits with the status before the trap
f() { false; exit; }
trap 'false; f' EXIT
(exit 6)
## status: 6

#### exit with no operand in a signal trap exits with the status before the trap
trap 'false; exit' USR1
(exit 7)
kill -USR1 $$
echo not reached
## status: 0
## differs: bash
