// Package buildinfo reports where the service runs; the machine id is read once per process.
package buildinfo

import (
	"bytes"
	"log"
	"os"
)

// machineID identifies the host in metrics labels.
var machineID []byte

func init() {
	var err error
	machineID, err = os.ReadFile("/etc/machine-id")
	if err != nil {
		log.Fatalf("buildinfo: %v", err)
	}
}

// Label is the host label attached to every exported metric.
func Label() string {
	return string(bytes.TrimSpace(machineID))
}
