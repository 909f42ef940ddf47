# Asynchronous lists, $! and wait (XCU 2.9.3.1, wait).

#### background command runs concurrently and wait waits
{ sleep 0.2; echo bg; } &
echo fg
wait
echo done
## stdout:
fg
bg
done

#### wait with a pid returns its status
(exit 7) &
wait $!
echo $?
## stdout:
7

#### wait with no operands returns 0
(exit 3) &
wait
echo $?
## stdout:
0

#### wait for several pids returns the last one's status
(exit 2) & a=$!
(exit 5) & b=$!
wait $a $b
echo $?
## stdout:
5

#### wait for an unknown pid returns 127
wait 999999
echo $?
## stdout:
127

#### background job stdin is /dev/null when not interactive
echo input | { cat & wait; }
echo end
## stdout:
end
## differs: bash
# XCU 2.9.3.1: without job control a background command's stdin is
# /dev/null; bash --posix keeps the pipe.

#### explicit stdin redirection of a background job is kept
echo explicit > f
cat < f &
wait
## stdout:
explicit

#### $! changes with each background job
sleep 0 & a=$!
sleep 0 & b=$!
wait
[ "$a" != "$b" ] && echo differ
## stdout:
differ

#### variables set in a background job do not affect the shell
x=1
x=2 &
{ x=3; } &
wait
echo $x
## stdout:
1

#### background job finishes after shell reads its status
sleep 0.1 &
p=$!
wait $p
echo "waited $?"
## stdout:
waited 0

#### background subshell exit status seen through wait
(sleep 0.1; exit 4) &
p=$!
echo started
wait $p
echo $?
## stdout:
started
4

#### kill a background job and wait reports 128+signal
sleep 5 &
p=$!
kill $p
wait $p
echo $?
## stdout:
143

#### output of concurrent jobs all arrives
for i in 1 2 3; do echo "job $i" > out.$i & done
wait
cat out.1 out.2 out.3
## stdout:
job 1
job 2
job 3

#### a background pipeline
echo piped | tr a-z A-Z > f &
wait
cat f
## stdout:
PIPED

#### wait is interrupted by a trapped signal
trap 'echo usr1' USR1
sleep 1 &
p=$!
( sleep 0.2; kill -s USR1 $$ ) &
wait $p
s=$?
[ $s -gt 128 ] && echo interrupted
## stdout:
usr1
interrupted

#### asynchronous lists ignore SIGINT and SIGQUIT without job control
sh -c 'kill -s INT $$; kill -s QUIT $$; echo survived' &
wait $!
echo "status $?"
## stdout:
survived
status 0
## differs: dash
# XCU 2.11: with job control disabled an asynchronous list inherits
# SIG_IGN for SIGINT and SIGQUIT (bash does this); dash does not.

#### kill %N signals job N, never process N
sleep 5 &
sleep 6 &
kill %2
wait %2
echo "second: $?"
kill %1
wait %1
echo "first: $?"
## stdout:
second: 143
first: 143

#### kill of a job that does not exist fails
kill %7
echo "status $?"
## stdout:
status 1
## stderr-contains: %7

#### job numbers stay put when an earlier job is gone
sleep 0.1 &
sleep 5 &
wait %1
jobs > /dev/null
kill %2
wait %2
echo "status $?"
## stdout:
status 143

#### jobs lists number, current mark, state and command
# POSIX's format; dash leaves the command out.
sleep 5 &
jobs
kill %1
wait
false &
sleep 1
# bash may drop the mark of a job it already saw end.
jobs > listed
sed 's/^\[1\]+/[1] /' listed
## stdout:
[1]+  Running                 sleep 5 &
[1]   Done(1)                 false
## differs: dash

#### jobs in a pipeline lists the shell's jobs as they were
sleep 5 &
jobs | cat
kill %1
## stdout:
[1]+  Running                 sleep 5 &
## differs: dash

#### a job named by the start of its command or a word in it
# dash names jobs only at a prompt (with job control).
sleep 5 &
kill %sleep
wait %1
echo "by start: $?"
sleep 6 &
kill %?6
wait
echo "by word: done"
## stdout:
by start: 143
by word: done
## differs: dash

#### fg and bg need job control
fg
echo "fg $?"
bg
echo "bg $?"
## stdout:
fg 1
bg 1
## stderr-contains: no job control

#### set -m gives an asynchronous list a process group of its own
set -m
{ sleep 5 | sleep 6; } &
p=$!
kill -- -$p && echo "group killed"
wait $p
echo "status $?"
## stdout:
group killed
status 143
## differs: dash
# bash does this in a script too (XCU 2.11); dash refuses set -m without
# a terminal.

#### without set -m an asynchronous list stays in the shell's group
sleep 5 &
kill -- -$! 2>/dev/null || echo "no group of its own"
kill $!
wait $!
echo "status $?"
## stdout:
no group of its own
status 143

#### under set -m asynchronous lists keep SIGINT
set -m
sh -c 'kill -s INT $$; echo survived' &
wait $!
echo "status $?"
## stdout:
status 130

#### a job spec that two jobs match is ambiguous
sleep 5 &
sleep 6 &
kill %sleep
echo "kill $?"
kill %?leep
echo "kill $?"
kill %1 %2
wait
echo done
## stdout:
kill 1
kill 1
done
## stderr-contains: ambiguous job spec
## differs: dash

#### a job spec that one job matches names it
sleep 5 &
sleep 6 &
kill %?6
wait %2
echo "wait $?"
kill %1
## stdout:
wait 143
