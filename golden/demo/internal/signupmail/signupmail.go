// Package signupmail sends the welcome mail for new accounts.
package signupmail

import (
	"context"
	"log"
	"net/http"
)

// Sender delivers one mail.
type Sender func(ctx context.Context, to string) error

// Handler acknowledges the signup and mails in the background, one goroutine per request.
func Handler(send Sender) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		to := r.FormValue("email")
		go func() {
			if err := send(r.Context(), to); err != nil {
				log.Printf("welcome mail to %s: %v", to, err)
			}
		}()
		w.WriteHeader(http.StatusAccepted)
	}
}
