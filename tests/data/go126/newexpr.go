// Package go126 uses every Go 1.26 construct the grammar must parse; tests/grammar.rs parses it and
// builds and vets it with the go tool.
package go126

import (
	"strings"
	"time"
)

type Retry struct {
	Attempts *int
	Backoff  *time.Duration
	Host     *string
	Verbose  *bool
}

type Quota struct{ Limit int }

func (q Quota) Twice() int { return 2 * q.Limit }

type Box[T any] struct{ V T }

type Celsius float64

var defaultHost = new("localhost")

var (
	retries     = new(3)
	grace       = new(5 * time.Minute)
	ratio       = new(0.75)
	complexUnit = new(1i)
	initial     = new('a')
	enabled     = new(true)
	generous    = new(int64(500))
)

// Types keep working as before.
var (
	counter  = new(int)
	names    = new([]string)
	index    = new(map[string]int)
	point    = new(struct{ X, Y int })
	boxed    = new(Box[int])
	deadline = new(time.Time)
	ptrPtr   = new(*int)
	queue    = new(chan int)
	callback = new(func(int) error)
	anything = new(interface{ Twice() int })
	grid     = new([4][4]byte)
)

func limits(q Quota, parts []string, m map[string]int, ch chan int, v any) []any {
	n := len(parts)
	out := []any{
		new(q.Limit),
		new(q.Twice()),
		new(n + 1),
		new(-n),
		new(m["a"]),
		new(parts[0:1][0] + "x"),
		new(<-ch),
		new(v.(int)),
		new((n)),
		new(func() int { return n * 2 }()),
		new(len(strings.Fields("a b"))),
		new(Box[int]{V: n}.V),
		new(Celsius(float64(n) + 0.5)),
	}
	return out
}

func build(q Quota) Retry {
	r := Retry{Attempts: new(q.Limit), Backoff: new(time.Duration(q.Limit) * time.Second)}
	r.Host = new(strings.ToLower("Example.COM"))
	if *new(q.Limit > 0) {
		r.Verbose = new(q.Limit > 10)
	}
	*new(Quota{Limit: 1}) = Quota{}
	use(new([]int{1, 2, 3}), new(map[string]bool{"x": true}), new(Quota{Limit: q.Limit}))
	return r
}

func use(...any) {}

func pointers() (*string, *time.Duration) {
	return new("fallback"), new(grace.Round(time.Second))
}

func deref() int {
	x := *new(40) + *new(2)
	switch *new(x) {
	case 42:
		return x
	}
	for i := *new(0); i < *new(3); i++ {
		x += i
	}
	go use(new(x))
	defer use(new(x))
	return x
}
