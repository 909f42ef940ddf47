# Syntax errors: status 2, a message on stderr naming the line, and the
# commands before the bad one have run (the shell parses one complete
# command at a time).

#### unexpected fi after a good line
echo before
fi
echo after
## stdout:
before
## status: 2
## stderr-contains: 2

#### unexpected then
if then
## status: 2
## stderr-contains: then

#### unterminated single quote
echo 'open
## status: 2

#### unterminated double quote
echo "open
## status: 2

#### unterminated command substitution
echo $(echo
## status: 2

#### unterminated parameter expansion brace
echo ${x
## status: 2

#### missing done
for i in 1; do echo $i
## status: 2

#### a for loop's word list cannot follow a semicolon
for i; in a b; do echo $i; done
echo not reached
## stdout:
## status: 2

#### a for loop's word list may follow newlines
for i

in a b; do echo $i; done
## stdout:
a
b

#### missing esac
case x in x) echo x;;
## status: 2

#### missing closing brace
{ echo a
## status: 2

#### missing closing paren of a subshell
echo a; (echo b
## status: 2

#### empty brace group is an error
{ }
## status: 2

#### empty if condition
if ; then echo x; fi
## status: 2

#### pipe with no right-hand command
echo a |
## status: 2

#### and-list with no right-hand command
echo a &&
## status: 2

#### leading pipe
| echo a
## status: 2

#### redirection without a target
echo a >
## status: 2

#### bad substitution in braces
echo ${x!y}
echo after
## status: 2
## stderr-contains: ubstitution
## differs: bash
# dash reports it while parsing, so "after" never runs; bash --posix
# reports it when expanding and exits 127.

#### function definition without a body
f()
## status: 2

#### case pattern without a closing paren
case x in x echo x;; esac
## status: 2

#### the error line number counts lines of the script
echo one
echo two
echo three
done
## stdout:
one
two
three
## status: 2
## stderr-contains: 4

#### syntax error in a script file names the line
echo ok
if true; then
  echo in-if
fi fi
## argv: {file}
## stdout:
ok
## status: 2
## stderr-contains: 4

#### a later syntax error does not stop earlier complete commands in a file
echo first
)
## argv: {file}
## stdout:
first
## status: 2

#### syntax error inside a command substitution at parse time
echo before
x=$(if)
echo after
## stdout:
before
## status: 2
## differs: bash
# bash --posix exits 127 here (and 2 for other syntax errors).

#### eval syntax error message and status
eval 'echo ( x'
## status: 2

#### a syntax error in a command string is named after $0 and -c
$TESTSHELL -c 'echo never; if' myname
echo "status $?"
## stdout:
status 2
## stderr:
myname: -c: line 1, column 15: syntax error: unexpected end of file
## differs: dash bash
# dash: "myname: 1: Syntax error: ..."; bash: "myname: -c: line 2: ...",
# neither with a column.

#### a syntax error in a script file is named after the file alone
printf 'echo first\nfi\n' > broken.sh
$TESTSHELL broken.sh
echo "status $?"
## stdout:
first
status 2
## stderr:
broken.sh: line 2, column 1: syntax error: unexpected "fi"
## differs: dash bash
