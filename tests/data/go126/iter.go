package go126

import (
	"iter"
	"maps"
	"slices"
)

// Generic type aliases (Go 1.24).
type Set[K comparable] = map[K]struct{}

type Pair[K comparable, V any] = struct {
	Key K
	Val V
}

type Seq[V any] = iter.Seq[V]

// A generic type may refer to itself in its type parameter list (Go 1.26).
type Ordered[T Ordered[T]] interface {
	Less(T) bool
}

func Countdown(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := range n {
			if !yield(n - i) {
				return
			}
		}
	}
}

func Pairs[K comparable, V any](m map[K]V) iter.Seq2[K, V] {
	return func(yield func(K, V) bool) {
		for k, v := range m {
			if !yield(k, v) {
				return
			}
		}
	}
}

func Sum(n int, m map[string]int, s Set[string]) int {
	total := 0
	for range 3 {
		total++
	}
	for i := range n {
		total += i
	}
	for v := range Countdown(n) {
		total += v
	}
	for k, v := range Pairs(m) {
		total += len(k) + v
	}
	for range Countdown(2) {
		total--
	}
	for k := range maps.Keys(s) {
		total += len(k)
	}
	keys := slices.Sorted(maps.Keys(m))
	total += min(len(keys), 10, n) + max(total, 1)
	clear(m)
	clear(keys)
	p := Pair[string, int]{Key: "a", Val: 1}
	return total + p.Val
}
