# Redirection (XCU 2.7).

#### output redirection creates and truncates
echo first > f
echo second > f
cat f
## stdout:
second

#### append redirection
echo one > f
echo two >> f
cat f
## stdout:
one
two

#### input redirection
printf 'data\n' > f
cat < f
## stdout:
data

#### redirection of stderr
ls /nonexistent-dir-for-rush 2> err
[ -s err ] && echo has-error
## stdout:
has-error

#### 2>&1 then >file sends stderr to the old stdout
{ echo out; echo err >&2; } 2>&1 >f | sed 's/^/piped:/'
cat f
## stdout:
piped:err
out

#### >file 2>&1 sends both to the file
{ echo out; echo err >&2; } >f 2>&1
cat f
## stdout:
out
err

#### redirections apply left to right with dup
exec 3>&1
{ echo to3 >&3; } 3>f
cat f
## stdout:
to3

#### exec opens a file descriptor for the shell
printf 'l1\nl2\n' > f
exec 3<f
read -r a <&3
read -r b <&3
echo "$a $b"
exec 3<&-
## stdout:
l1 l2

#### exec with output fd and append
exec 4>f
echo x >&4
echo y >&4
exec 4>&-
cat f
## stdout:
x
y

#### closing stdout makes writes fail
( echo hi >&- ) 2>/dev/null
echo "status $?"
## stdout:
status 1

#### closing stdin with <&-
( read -r x <&- ) 2>/dev/null
[ $? -ne 0 ] && echo failed
## stdout:
failed

#### noclobber refuses to overwrite
echo old > f
set -C
(echo new > f) 2>/dev/null || echo refused
cat f
## stdout:
refused
old

#### >| overrides noclobber
echo old > f
set -C
echo new >| f
cat f
## stdout:
new

#### noclobber allows appending and /dev/null
set -C
echo a >> f
echo b >> f
echo c > /dev/null
cat f
## stdout:
a
b

#### read-write redirection <>
echo abc > f
exec 3<>f
read -r x <&3
echo "$x"
## stdout:
abc

#### <> creates the file when missing
: <>newfile
[ -f newfile ] && echo created
## stdout:
created

#### redirection on a compound command
{ echo a; echo b; } > f
while read -r l; do echo "<$l>"; done < f
## stdout:
<a>
<b>

#### redirection on a for loop
for i in 1 2; do echo $i; done > f
cat f
## stdout:
1
2

#### redirection target is expanded
name=out
echo hi > "$name.txt"
cat out.txt
## stdout:
hi

#### redirection before the command name
> f echo early
cat f
## stdout:
early

#### numbered fd with input dup
echo content > f
exec 5<f
cat <&5
## stdout:
content

#### redirection of a builtin does not persist
echo a > f
echo b
cat f
## stdout:
b
a

#### fd 3 passed to a child process
echo passed > f
exec 3<f
sh -c 'cat <&3'
## stdout:
passed

#### exec redirection persists for later commands
exec 3>&1 > f
echo captured
exec >&3 3>&-
cat f
## stdout:
captured

#### moving an fd with n>&m then closing m
exec 3>f
exec 4>&3 3>&-
echo via4 >&4
cat f
## stdout:
via4

#### redirection with an unquoted number word is a filename
echo x > 1
cat 1
## stdout:
x

#### io number must be directly before the operator
echo a 2 >f
cat f
## stdout:
a 2

#### here-string-like <<< is not POSIX; << with a word works on a pipe
cat <<END | cat
piped doc
END
## stdout:
piped doc

#### redirecting stdin of a while loop keeps it for the whole loop
printf '1\n2\n3\n' > f
while read -r n; do echo "n=$n"; done < f
## stdout:
n=1
n=2
n=3

#### output redirection of a subshell
(echo sub; echo shell) > f
wc -l < f | tr -d ' '
## stdout:
2

#### 2>&1 inside command substitution captures stderr
x=$(echo err >&2 2>&1)
y=$( { echo e >&2; } 2>&1)
echo "[$x] [$y]"
## stdout:
[] [e]

#### redirection of a function call
f() { echo in-f; }
f > f.out
cat f.out
## stdout:
in-f

#### redirection in a function definition applies at each call
f() { echo body; } > g.out
f
cat g.out
## stdout:
body

#### a failed redirection fails only its command (any non-zero status)
# The exact status is in known-bugs/redirections.sh (dash's 2).
echo x > /nonexistent-dir/f
[ $? -ne 0 ] && echo failed
{ echo inside; } > /nonexistent-dir/f
[ $? -ne 0 ] && echo group-failed
echo x >&7
[ $? -ne 0 ] && echo dup-failed
## stdout:
failed
group-failed
dup-failed

#### a failed redirection on a special builtin exits the shell (non-zero)
(: > /nonexistent-dir/f; echo not reached) 2>/dev/null
[ $? -ne 0 ] && echo exited
## stdout:
exited

#### redirection to a missing directory fails the command only
echo x > /nonexistent-dir/f
echo "status $?"
## stdout:
status 1
## differs: dash
# POSIX: a redirection error fails the command with a non-zero status;
# dash uses 2, bash 1; rush follows bash.
## stderr-contains: nonexistent-dir

#### a failed redirection on a special builtin exits the shell
: > /nonexistent-dir/f
echo not reached
## status: 1
## differs: dash
# XCU 2.8.1: a redirection error with a special built-in shall exit a
# non-interactive shell; dash exits 2, bash --posix 1; rush follows bash.

#### failed redirection on a compound command skips it
{ echo inside; } > /nonexistent-dir/f
echo "status $?"
## stdout:
status 1
## differs: dash
# POSIX: a redirection error fails the command with a non-zero status;
# dash uses 2, bash 1; rush follows bash.

#### dup output to an fd that is not open fails
echo x >&7
echo "status $?"
## stdout:
status 1
## differs: dash
# POSIX: a redirection error fails the command with a non-zero status;
# dash uses 2, bash 1; rush follows bash.
## stderr-contains: 7

#### a failed redirection of a compound command names its line
# dash names the line the command starts on.
{
  echo a
} > /nonexistent/x
echo "status $?"
## stdout:
status 1
## stderr-contains: line 4
## differs: dash
