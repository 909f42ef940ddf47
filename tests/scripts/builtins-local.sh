# local: not in POSIX, but dash and bash have it and rush follows them.

#### local variable is restored after the function
x=global
f() { local x=inner; echo $x; }
f
echo $x
## stdout:
inner
global

#### local without a value keeps the outer value (as dash)
x=global
f() { local x; echo "[${x-unset}]"; x=changed; }
f
echo $x
## stdout:
[global]
global
## differs: bash
# dash: a local without a value inherits the global value; bash makes it
# unset.

#### local is visible to called functions (dynamic scope)
g() { echo "g sees $v"; }
f() { local v=from-f; g; }
v=global
f
## stdout:
g sees from-f

#### local outside a function is an error
(local x=1) 2>/dev/null
[ $? -ne 0 ] && echo error
## stdout:
error

#### local of several names
f() { local a=1 b=2; echo $a$b; }
a=x b=y
f
echo $a$b
## stdout:
12
xy

#### local in nested calls
f() { local n=$1; [ $n -gt 0 ] && f $((n - 1)); echo $n; }
f 2
## stdout:
0
1
2

#### local - gives the options back when the function returns
f() { local -; set -e; set -f; case $- in *e*f*|*f*e*) echo "inside: on" ;; esac; }
f
case $- in *e*|*f*) echo "outside: still on" ;; *) echo "outside: off" ;; esac
set -u
g() { local -; set +u; echo "${unset_var-inside: unset allowed}"; }
g
case $- in *u*) echo "outside: -u back" ;; esac
## stdout:
inside: on
outside: off
inside: unset allowed
outside: -u back
