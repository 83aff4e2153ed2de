// Command server is a small job-processing service used to demonstrate gofix-rt.
package main

import (
	"context"
	"log"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"time"

	"example.com/demo/internal/stats"
	"example.com/demo/internal/worker"
)

func main() {
	tuneGC()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	jobs := make(chan worker.Job, 64)
	results := make(chan worker.Result, 64)
	go worker.Run(ctx, jobs, results, 5*time.Second)
	go worker.Collect(ctx, results)

	mux := http.NewServeMux()
	mux.HandleFunc("/debug/mem", stats.ServeMem)
	mux.HandleFunc("/submit", func(w http.ResponseWriter, r *http.Request) {
		jobs <- worker.Job{ID: r.URL.Query().Get("id")}
		w.WriteHeader(http.StatusAccepted)
		// Free the request's garbage right away.
		runtime.GC()
	})

	srv := &http.Server{Addr: ":8080", Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Shutdown(context.Background())
	}()
	if err := srv.ListenAndServe(); err != http.ErrServerClosed {
		log.Fatal(err)
	}
}
