package reportsb

import "encoding/json"

// LabelsIn decodes a JSON document and counts its string leaves.
func LabelsIn(data []byte) (int, error) {
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		return 0, err
	}
	return CountLabels(doc), nil
}

// CountLabels counts the string leaves of a decoded JSON document, recursing on every nested value.
func CountLabels(v any) int {
	switch t := v.(type) {
	case map[string]any:
		n := 0
		for _, child := range t {
			n += CountLabels(child)
		}
		return n
	case []any:
		n := 0
		for _, child := range t {
			n += CountLabels(child)
		}
		return n
	case string:
		return 1
	}
	return 0
}
