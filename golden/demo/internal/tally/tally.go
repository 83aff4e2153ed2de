// Package tally counts processed uploads for the status page.
package tally

import "sync"

// CountValid checks uploads concurrently and tallies the valid ones through a channel of ones.
func CountValid(names []string, valid func(string) bool) int {
	oks := make(chan int, len(names))
	var wg sync.WaitGroup
	for _, n := range names {
		wg.Add(1)
		go func(n string) {
			defer wg.Done()
			if valid(n) {
				oks <- 1
			}
		}(n)
	}
	go func() {
		wg.Wait()
		close(oks)
	}()
	total := 0
	for v := range oks {
		total += v
	}
	return total
}
