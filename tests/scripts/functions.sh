# Function definitions and calls (XCU 2.9.5).

#### define and call
f() { echo called; }
f
## stdout:
called

#### function arguments are positional parameters
f() { echo "$# $1 $2"; }
f a 'b c'
## stdout:
2 a b c

#### caller's positional parameters are restored
set -- outer
f() { set -- inner; echo $1; }
f x
echo $1
## stdout:
inner
outer

#### $0 is not changed by a function call
f() { echo "$0"; }
[ "$(f)" = "$0" ] && echo same
## stdout:
same

#### return sets the status
f() { return 3; }
f
echo $?
## stdout:
3

#### return without a number uses the last status
f() { false; return; }
f
echo $?
## stdout:
1

#### function status is the last command's
f() { true; false; }
f
echo $?
## stdout:
1

#### variables are global
f() { x=set-in-f; }
f
echo $x
## stdout:
set-in-f

#### function body may be any compound command
f() ( x=sub; echo $x )
x=main
f
echo $x
g() if true; then echo if-body; fi
g
## stdout:
sub
main
if-body

#### recursion
fact() {
  if [ $1 -le 1 ]; then echo 1; else echo $(( $1 * $(fact $(($1 - 1))) )); fi
}
fact 5
## stdout:
120

#### redefinition replaces the function
f() { echo one; }
f() { echo two; }
f
## stdout:
two

#### unset -f removes a function
f() { echo f; }
unset -f f
f 2>/dev/null
echo $?
## stdout:
127

#### functions are found before PATH utilities
ls() { echo my-ls; }
ls
## stdout:
my-ls

#### command skips the function
echo() { printf 'func\n'; }
command echo builtin
## stdout:
builtin

#### return in a nested loop inside a function
f() {
  for i in 1 2 3; do
    while true; do return $i; done
  done
}
f
echo $?
## stdout:
1

#### assignment before a function call
f() { echo "v=$v"; }
v=temp f
## stdout:
v=temp

#### function defined inside a function
outer() { inner() { echo inner; }; }
outer
inner
## stdout:
inner

#### function with a redirection on its definition
f() { echo redirected; } >out
f
cat out
## stdout:
redirected

#### function names may contain underscores and digits
my_func2() { echo ok; }
my_func2
## stdout:
ok

#### exit inside a function exits the shell
f() { exit 6; }
f
echo not reached
## status: 6

#### $# inside and after a function
set -- a b c
f() { echo $#; }
f x
echo $#
## stdout:
1
3

#### function call in a pipeline
f() { echo piped; }
f | tr i I
## stdout:
pIped

#### function body with a here-document
f() {
  cat <<EOF
doc $1
EOF
}
f arg
## stdout:
doc arg

#### return from a function called in a condition
f() { return 1; }
if f; then echo yes; else echo no; fi
## stdout:
no
