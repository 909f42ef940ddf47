# Known rush bugs: cases from builtins-command-type-hash.sh that rush fails today (dash and/or
# bash --posix agree with the expectation). Run with RUSH_TEST_KNOWN_BUGS=1;
# move a case back to ../builtins-command-type-hash.sh once it passes.

#### command -v of an unknown name fails with no output
command -v no-such-thing-rush
echo $?
## stdout:
127
## differs: bash
# POSIX: >0; dash 127, bash 1.

#### PATH assignment clears the hash
mkdir a b
printf '#!/bin/sh\necho a\n' > a/cmd
printf '#!/bin/sh\necho b\n' > b/cmd
chmod +x a/cmd b/cmd
PATH=$PWD/a:$PATH
cmd
PATH=$PWD/b:$PATH
cmd
## stdout:
a
b
