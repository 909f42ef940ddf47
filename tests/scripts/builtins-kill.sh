# kill.

#### kill a background process with the default TERM
sleep 10 &
kill $!
wait $!
echo $?
## stdout:
143

#### kill -s with a name
sleep 10 &
kill -s KILL $!
wait $!
echo $?
## stdout:
137

#### kill -NAME and -number forms
sleep 10 &
p=$!
kill -HUP $p
wait $p
echo $?
sleep 10 &
p=$!
kill -9 $p
wait $p
echo $?
## stdout:
129
137

#### kill -0 tests for existence
kill -0 $$ && echo alive
## stdout:
alive

#### kill -l lists signal names
kill -l | grep -c HUP
## stdout:
1

#### kill -l with an exit status prints the signal name
kill -l 143
kill -l 9
## stdout:
TERM
KILL

#### kill of a missing process fails
kill 999999 2>/dev/null
[ $? -ne 0 ] && echo failed
## stdout:
failed

#### kill with an invalid signal fails
kill -s NOSUCH $$ 2>/dev/null
[ $? -ne 0 ] && echo failed
## stdout:
failed

#### kill -s 0 style with SIG prefix is not required
sleep 10 &
p=$!
kill -s TERM $p
wait $p
echo $?
## stdout:
143

#### kill the shell itself with a trapped signal
trap 'echo got-term' TERM
kill $$
echo after
## stdout:
got-term
after
