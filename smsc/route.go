package smsc

import (
	"sort"
	"strings"
)

// targetNetwork is the queue of the simulated handset network.
const targetNetwork = "_net"

// router maps destination addresses to targets by longest match: an exact
// address beats any prefix, a longer prefix beats a shorter one (routes are
// data, built from the accounts' addresses and the configured routes).
type router struct {
	exact    map[string]string
	prefixes []prefixRoute // longest first
}

type prefixRoute struct{ prefix, target string }

func newRouter(accounts []Account, routes []Route) *router {
	r := &router{exact: map[string]string{}}
	add := func(pattern, target string) {
		if p, ok := strings.CutSuffix(pattern, "*"); ok {
			r.prefixes = append(r.prefixes, prefixRoute{p, target})
		} else {
			r.exact[pattern] = target
		}
	}
	for _, a := range accounts {
		if a.Disabled {
			continue
		}
		for _, addr := range a.Addresses {
			add(addr, a.SystemID)
		}
	}
	for _, rt := range routes {
		t := rt.Target
		if t == "network" {
			t = targetNetwork
		}
		add(rt.Prefix, t)
	}
	sort.SliceStable(r.prefixes, func(i, j int) bool { return len(r.prefixes[i].prefix) > len(r.prefixes[j].prefix) })
	return r
}

// route returns the target for a destination address; the simulated network
// when nothing matches.
func (r *router) route(dest string) string {
	dest = strings.TrimPrefix(dest, "+")
	if t, ok := r.exact[dest]; ok {
		return t
	}
	for _, p := range r.prefixes {
		if strings.HasPrefix(dest, p.prefix) {
			return p.target
		}
	}
	return targetNetwork
}
