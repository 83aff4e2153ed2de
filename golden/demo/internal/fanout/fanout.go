// Package fanout scores documents with one goroutine each, however many arrive (R6.3).
package fanout

import (
	"strings"
	"sync"
)

// Score counts the occurrences of term in every document.
func Score(docs []string, term string) []int {
	scores := make([]int, len(docs))
	var wg sync.WaitGroup
	for i, d := range docs {
		wg.Add(1)
		go func(i int, d string) {
			defer wg.Done()
			scores[i] = strings.Count(d, term)
		}(i, d)
	}
	wg.Wait()
	return scores
}
