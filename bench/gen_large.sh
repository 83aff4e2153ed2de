#!/usr/bin/env bash
# A large generated Go package for the linearity check: one file of N functions, each with loops,
# selects, maps, defers, make([]byte, ...) and logging calls, so every preview rule has work to do.
#
#   bash bench/gen_large.sh DIR N     # writes DIR/go.mod and DIR/big.go (N = 700 gives ~400 KB)
#
# bench/linear.sh times each rule on N and 2N functions: a rule whose cost grows faster than the
# input shows up as a ratio well above 2.
set -euo pipefail
dir=${1:?usage: gen_large.sh DIR N}
n=${2:?usage: gen_large.sh DIR N}
mkdir -p "$dir"
printf 'module example.com/big\n\ngo 1.22\n' >"$dir/go.mod"
{
    printf 'package big\n\nimport (\n\t"log/slog"\n\t"net/http"\n\t"os"\n\t"runtime"\n\t"sync"\n\t"time"\n)\n\n'
    printf 'type item struct{ a, b int }\n\nvar sink []byte\n\nfunc logf(format string, args ...any) {}\n\n'
    printf 'func main() { http.ListenAndServe(":8080", nil) }\n\n'
    for i in $(seq 1 "$n"); do
        cat <<GO
func work$i(paths []string, ch chan int, done chan struct{}, mu *sync.Mutex) int {
	m := map[string]*item{}
	total := 0
	buf := make([]byte, 64<<10)
	sink = buf
	for j, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			continue
		}
		defer f.Close()
		m[p] = &item{a: j}
		slog.Info("open", "n", j, "len", len(p))
		logf("path %d", j)
		select {
		case v := <-ch:
			total += v
		default:
			runtime.Gosched()
		}
	}
	for k, v := range m {
		total += v.a + len(k)
	}
	for {
		select {
		case <-done:
			return total
		case <-time.After(time.Second):
		default:
		}
	}
}

GO
    done
} >"$dir/big.go"
gofmt -w "$dir/big.go" 2>/dev/null || true
