# Known rush bugs: cases from exit-status.sh that rush fails today (dash and/or
# bash --posix agree with the expectation). Run with RUSH_TEST_KNOWN_BUGS=1;
# move a case back to ../exit-status.sh once it passes.

#### command-not-found message goes to the command's redirected stderr
no-such-command-rush 2>err
echo $?
grep -c no-such-command-rush err
## stdout:
127
1

#### command-not-found message is silenced by 2>/dev/null
no-such-command-rush 2>/dev/null
{ no-such-command-rush; } 2>/dev/null
f() { no-such-command-rush; }
f 2>/dev/null
echo done
## stdout:
done
## stderr:

#### command-not-found message is captured by 2>&1 in a substitution
x=$(no-such-command-rush 2>&1)
case $x in *no-such-command-rush*) echo captured ;; esac
## stdout:
captured

#### with PATH unset a utility is not found
# When PATH is unset the search is implementation-defined; dash and bash
# both search nothing.
unset PATH
ls 2>/dev/null
echo $?
## stdout:
127
