# Pipelines (XCU 2.9.2).

#### simple pipeline
echo hello | tr h H
## stdout:
Hello

#### long pipeline
echo abc | cat | cat | tr a-c A-C | cat
## stdout:
ABC

#### status is that of the last command
false | true
echo $?
true | false
echo $?
## stdout:
0
1

#### bang negates the status
! true
echo $?
! false
echo $?
! false | false
echo $?
## stdout:
1
0
0

#### pipefail reports the rightmost failure
set -o pipefail
false | true
echo $?
(exit 3) | (exit 4) | true
echo $?
true | true
echo $?
## stdout:
1
4
0
## differs: dash
# pipefail is in POSIX.1-2024; dash 0.5.12 does not have it yet.

#### pipeline members run in subshells: variable does not leak from the first
x=1
x=2 | true
echo $x
## stdout:
1

#### a pipeline member reading stdin
printf 'a\nb\n' | while read -r l; do echo "[$l]"; done
## stdout:
[a]
[b]

#### compound commands in a pipeline
{ echo 1; echo 2; } | { read -r a; read -r b; echo "$b $a"; }
## stdout:
2 1

#### newline after the pipe operator continues the pipeline
echo cont |
tr c C
## stdout:
Cont

#### writer exits after reader closes (SIGPIPE)
yes | head -n 2
## stdout:
y
y

#### status of a pipeline whose writer got SIGPIPE is the reader's
yes | head -n 1 >/dev/null
echo $?
## stdout:
0

#### the shell waits for all members of a pipeline
{ sleep 0.2; echo late > f; } | true
cat f
## stdout:
late

#### pipeline into a function
f() { tr a-z A-Z; }
echo up | f
## stdout:
UP

#### bang with a space is required: !true is a command name
!true 2>/dev/null
echo $?
## stdout:
127

#### negated pipeline in if
if ! echo x | grep -q y; then echo no-y; fi
## stdout:
no-y

#### stdout of a pipeline member redirected
echo a | { cat > f; }
cat f
## stdout:
a

#### the last command's stderr is not piped
{ echo err >&2; } 2>/dev/null | cat
echo done
## stdout:
done
