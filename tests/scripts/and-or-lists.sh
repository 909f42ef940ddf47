# Lists: && || ; & and newlines (XCU 2.9.3).

#### and list runs the second only on success
true && echo yes
false && echo no
echo end
## stdout:
yes
end

#### or list runs the second only on failure
false || echo yes
true || echo no
## stdout:
yes

#### && and || have equal precedence, left associative
false && echo a || echo b
true || echo c && echo d
## stdout:
b
d

#### status of an and-or list is the last command run
false && true
echo $?
false || false
echo $?
## stdout:
1
1

#### newline after && continues the list
true &&
echo continued
## stdout:
continued

#### semicolon list runs all commands
false; echo ran
## stdout:
ran

#### braces group an and-or list
false || { echo a; echo b; }
## stdout:
a
b

#### asynchronous list does not block and $! is set
sleep 0.1 & pid=$!
[ -n "$pid" ] && echo has-pid
wait
## stdout:
has-pid

#### an and-or list in the background
true && echo bg-ok > f &
wait
cat f
## stdout:
bg-ok

#### chained or list stops at the first success
false || true || echo never
echo $?
## stdout:
0

#### ! in an and-or list
! false && echo negated
## stdout:
negated

#### empty command between semicolons is a syntax error
echo a;; echo b
## status: 2
## stderr-contains: 1
