# cd and pwd.

#### cd changes directory and PWD
mkdir sub
cd sub
case $PWD in */sub) echo pwd-ok ;; esac
case $(pwd) in */sub) echo cmd-ok ;; esac
## stdout:
pwd-ok
cmd-ok

#### cd sets OLDPWD and cd - goes back and prints the directory
mkdir a
start=$PWD
cd a
cd - >"$start/out"
[ "$PWD" = "$start" ] && echo back
[ "$(cat "$start/out")" = "$start" ] && echo printed
case $OLDPWD in */a) echo oldpwd ;; esac
## stdout:
back
printed
oldpwd

#### cd with no arguments goes HOME
mkdir h
HOME=$PWD/h
cd
[ "$PWD" = "$HOME" ] && echo home
## stdout:
home

#### cd .. logically after a symlink
mkdir -p real/inner
ln -s real/inner link
cd link
cd ..
[ "$PWD" = "$(cd -P . && pwd)" ] && echo back-at-top
## stdout:
back-at-top

#### pwd -P resolves symlinks, pwd -L keeps them
mkdir real
ln -s real link
cd link
case $(pwd -L) in */link) echo logical ;; esac
case $(pwd -P) in */real) echo physical ;; esac
case $(pwd) in */link) echo default-logical ;; esac
## stdout:
logical
physical
default-logical

#### cd -P resolves symlinks into PWD
mkdir real
ln -s real link
cd -P link
case $PWD in */real) echo physical ;; esac
## stdout:
physical

#### CDPATH is searched and the new directory printed
mkdir -p base/target
top=$PWD
CDPATH=$PWD/base
cd target >"$top/out"
case $PWD in */base/target) echo moved ;; esac
case $(cat "$top/out") in */base/target) echo printed ;; esac
## stdout:
moved
printed

#### cd with an empty CDPATH entry uses the current directory silently
mkdir here
CDPATH=:/nonexistent
cd here
case $PWD in */here) echo moved ;; esac
## stdout:
moved

#### cd into a file fails
touch file
cd file 2>/dev/null || echo not-a-dir
## stdout:
not-a-dir

#### PWD is exported to children
mkdir d
cd d
sh -c 'case $PWD in */d) echo child-sees ;; esac'
## stdout:
child-sees

#### cd in a subshell does not affect the parent
mkdir d
here=$PWD
(cd d)
[ "$PWD" = "$here" ] && echo unchanged
## stdout:
unchanged

#### cd with dot-dot components normalises PWD
mkdir -p a/b
cd a/b/../b/.
case $PWD in */a/b) echo normal ;; esac
## stdout:
normal

#### pwd output matches the physical directory when no links
[ "$(pwd)" = "$(pwd -P)" ] && echo same
## stdout:
same
