package buildinfo

import "testing"

func TestLabelIsTrimmed(t *testing.T) {
	if len(machineID) > 0 && Label() == "" {
		t.Fatal("empty label for a non-empty machine id")
	}
}
