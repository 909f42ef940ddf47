# Aliases (XCU 2.3.1). Alias definitions take effect for commands read
# after the line that defines them, so the cases define and use them on
# separate lines.

#### simple alias
alias hi='echo hello'
hi
## stdout:
hello

#### alias with arguments appended
alias e='echo prefix'
e word
## stdout:
prefix word

#### alias ending in a blank expands the next word too
alias say='echo ' word='expanded'
say word
## stdout:
expanded

#### alias not ending in a blank does not expand the next word
alias say='echo' word='expanded'
say word
## stdout:
word

#### alias defined on the same line is not used on that line
alias now='echo alias'; now 2>/dev/null || echo not-yet
now
## stdout:
not-yet
alias

#### quoted command word is not alias-expanded
alias ls='echo aliased'
\ls /dev/null
'ls' /dev/null
## stdout:
/dev/null
/dev/null

#### alias listing and unalias
alias a1='echo one'
alias a1
unalias a1
alias a1 2>/dev/null || echo gone
## stdout:
a1='echo one'
gone

#### unalias -a removes all
alias x1=true x2=true
unalias -a
alias
echo end
## stdout:
end

#### recursive alias stops at itself
alias echo='echo rec'
echo word
## stdout:
rec word

#### alias can contain a compound command start
alias begin='{' end='}'
begin echo grouped; end
## stdout:
grouped

#### alias in a function body is expanded at definition
alias greet='echo hi'
f() { greet; }
unalias greet
f
## stdout:
hi

#### alias with a trailing semicolon
alias two='echo one;'
two echo second
## stdout:
one
second

#### aliases are expanded inside a command substitution
alias hey='echo hey'
x=$(hey)
echo $x
## stdout:
hey

#### alias is expanded in command position after a reserved word
alias ok='echo fine'
if true; then ok; fi
## stdout:
fine
