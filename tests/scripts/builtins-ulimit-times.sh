# ulimit and times.

#### ulimit -f prints the file size limit
ulimit -f | grep -c -E '^([0-9]+|unlimited)$'
## stdout:
1

#### ulimit without options is -f
[ "$(ulimit)" = "$(ulimit -f)" ] && echo same
## stdout:
same

#### lowering the file size limit in a subshell
(ulimit -f 1; ulimit -f)
## stdout:
1

#### ulimit -n prints a number
ulimit -n | grep -c -E '^[0-9]+$|^unlimited$'
## stdout:
1

#### a soft limit change stays in the subshell
before=$(ulimit -n)
(ulimit -n 64)
[ "$(ulimit -n)" = "$before" ] && echo unchanged
## stdout:
unchanged

#### times prints two lines of user and system times
times | wc -l | tr -d ' '
## stdout:
2

#### times format
times | head -n 1 | grep -c -E '^[0-9]+m[0-9]+\.[0-9]+s [0-9]+m[0-9]+\.[0-9]+s$'
## stdout:
1

#### the shell's own write past ulimit -f kills it with SIGXFSZ
ulimit -f 1
printf '%05000d' 0 > big
echo not reached
## status: signal 25

#### a write past ulimit -f with SIGXFSZ trapped fails and runs the trap
trap 'echo caught >&2' XFSZ
ulimit -f 1
printf '%05000d' 0 > big
echo "after $?"
## stdout:
after 1
## stderr-contains: caught

#### a write past ulimit -f with SIGXFSZ ignored is a write error
trap '' XFSZ
ulimit -f 1
printf '%05000d' 0 > big
echo "after $?"
## stdout:
after 1
## stderr-contains: printf

#### a utility that writes past ulimit -f dies of SIGXFSZ, the shell goes on
ulimit -f 1
head -c 5000 /dev/zero > big
echo "after $?"
## stdout:
after 153
