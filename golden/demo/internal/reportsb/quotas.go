package reportsb

// quota is a small plain value kept behind a pointer per tenant.
type quota struct {
	Used  int64
	Limit int64
}

var quotas = map[string]*quota{}

// SetQuota records a tenant's usage and limit.
func SetQuota(tenant string, used, limit int64) {
	quotas[tenant] = &quota{Used: used, Limit: limit}
}

// Headroom sums what every tenant has left.
func Headroom() int64 {
	var left int64
	for _, q := range quotas {
		left += q.Limit - q.Used
	}
	return left
}
