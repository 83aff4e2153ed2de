// Package worker processes jobs and batches their results.
package worker

import (
	"context"
	"log"
	"runtime"
	"time"
)

// Job is one unit of work.
type Job struct {
	ID string
}

// Result is what a job produced.
type Result struct {
	ID  string
	Err error
}

// Run processes jobs until ctx is done, flushing a heartbeat when idle.
func Run(ctx context.Context, jobs <-chan Job, results chan<- Result, idle time.Duration) {
	for {
		select {
		case <-ctx.Done():
			return
		case j := <-jobs:
			results <- Result{ID: j.ID}
		case <-time.After(idle):
			log.Println("worker: idle")
		}
	}
}

// Collect drains results, logging failures.
func Collect(ctx context.Context, results <-chan Result) {
	done := ctx.Done()
	for {
		select {
		case r := <-results:
			if r.Err != nil {
				log.Printf("job %s: %v", r.ID, r.Err)
			}
		case <-done:
			return
		default:
		}
	}
}

// Warmup primes caches before the first request.
func Warmup(load func()) {
	load()
	// Give other goroutines a chance before we report ready.
	runtime.Gosched()
	log.Println("worker: warm")
}
