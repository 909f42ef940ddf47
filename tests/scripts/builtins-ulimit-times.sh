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
