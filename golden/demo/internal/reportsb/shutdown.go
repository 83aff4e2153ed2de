package reportsb

import (
	"context"
	"net/http"
	"os"
	"os/signal"
	"syscall"
)

// ServeUntilSignal runs srv until SIGINT or SIGTERM, then shuts it down in the receiving goroutine.
func ServeUntilSignal(srv *http.Server) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	select {
	case err := <-errc:
		return err
	case <-sigs:
	}
	return srv.Shutdown(context.Background())
}
