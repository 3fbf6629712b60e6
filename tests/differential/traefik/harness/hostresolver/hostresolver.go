// Package hostresolver: CNAME flattening is off in the harness.
package hostresolver

type Resolver struct{ CnameFlattening bool }

func (r *Resolver) CNAMEFlatten(host string) (string, string) { return host, host }
