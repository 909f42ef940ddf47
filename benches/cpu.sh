# A CPU-bound shell script: loops, arithmetic, parameter expansion and
# function calls, no external commands. Used by `just bench` to compare the
# interpreters themselves (rush, dash, bash).

fib() {
    a=0 b=1 n=$1
    while [ "$n" -gt 0 ]; do
        t=$((a + b)); a=$b; b=$t; n=$((n - 1))
    done
    echo "$a"
}

strip() {
    v=$1
    v=${v%.*}; v=${v##*/}
    echo "${#v}:$v"
}

count=0
i=0
while [ $i -lt 20000 ]; do
    case $((i % 3)) in
        0) count=$((count + 1)) ;;
        1) count=$((count + 2)) ;;
        *) : ;;
    esac
    x="dir/sub/file$i.tar.gz"
    y=${x#*/}; y=${y%%.*}
    i=$((i + 1))
done
echo "count=$count last=$y"

j=0
while [ $j -lt 300 ]; do
    r=$(fib 30)
    j=$((j + 1))
done
echo "fib=$r"

k=0
for w in a b c d e f g h i j; do
    for z in 1 2 3 4 5 6 7 8 9 10; do
        strip "path/to/$w$z.ext" >/dev/null
        k=$((k + 1))
    done
done
echo "k=$k"
