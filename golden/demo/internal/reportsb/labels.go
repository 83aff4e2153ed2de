package reportsb

import (
	"bytes"
	"encoding/json"
)

// LabelsIn counts the string leaves of a JSON document, reading it as a token stream.
func LabelsIn(data []byte) (int, error) {
	return countLabels(json.NewDecoder(bytes.NewReader(data)))
}

// countLabels reads one value from the stream and counts its string leaves, recursing into every nested
// object or array; Token has no nesting cap.
func countLabels(dec *json.Decoder) (int, error) {
	tok, err := dec.Token()
	if err != nil {
		return 0, err
	}
	switch t := tok.(type) {
	case string:
		return 1, nil
	case json.Delim:
		if t != '{' && t != '[' {
			return 0, nil
		}
		n := 0
		for dec.More() {
			if t == '{' {
				if _, err := dec.Token(); err != nil {
					return 0, err
				}
			}
			c, err := countLabels(dec)
			if err != nil {
				return 0, err
			}
			n += c
		}
		_, err = dec.Token()
		return n, err
	}
	return 0, nil
}
