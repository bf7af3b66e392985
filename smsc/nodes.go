package smsc

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/smppstack/smpp/smsc/store"
)

// The admin's view of a cluster: the nodes that share a store answer each
// other's requests for their sessions and unbind their own sessions on
// request (store.ServeNode), so listing and kicking sessions works from
// any node.

// clusterWait is how long ClusterSessions waits for the other nodes.
const clusterWait = 300 * time.Millisecond

// nodeSessions is one node's answer to a sessions request.
type nodeSessions struct {
	Instance string        `json:"instance"`
	Sessions []SessionInfo `json:"sessions"`
}

// serveNode answers the other nodes' requests, when the store is shared.
func (s *Server) serveNode() error {
	if !s.sharedStore() {
		return nil
	}
	stop, err := s.st.ServeNode(s.cfg.Node, store.NodeHandlers{
		Sessions: func() []byte {
			b, _ := json.Marshal(nodeSessions{Instance: s.instance, Sessions: s.Sessions()})
			return b
		},
		Phone: func(number string) []byte {
			b, _ := json.Marshal(nodePhone{Instance: s.instance, Messages: s.PhoneMessages(number)})
			return b
		},
		Kick: s.kickLocal,
	})
	if err != nil {
		return err
	}
	s.stopNode = stop
	return nil
}

// ClusterSessions lists the SMPP sessions of every node that shares the
// store, this one's first (only this one's with a store of its own). A node
// that does not answer within 300 ms is left out.
func (s *Server) ClusterSessions(ctx context.Context) []SessionInfo {
	out := s.Sessions()
	if !s.sharedStore() || s.st == nil {
		return out
	}
	answers, err := s.st.Gather(ctx, "sessions", nil, clusterWait)
	if err != nil {
		s.log.Warn("smsc: cannot gather the other nodes' sessions", "err", err)
	}
	var others []SessionInfo
	for _, a := range answers {
		var ns nodeSessions
		if json.Unmarshal(a, &ns) != nil || ns.Instance == s.instance {
			continue
		}
		others = append(others, ns.Sessions...)
	}
	slices.SortFunc(others, func(a, b SessionInfo) int {
		return strings.Compare(a.Node+"\x00"+a.ID, b.Node+"\x00"+b.ID)
	})
	return append(out, others...)
}

// kickRemote asks the node named in a session id (<node>-<n>) to unbind it.
func (s *Server) kickRemote(ctx context.Context, id string) bool {
	i := strings.LastIndexByte(id, '-')
	if !s.sharedStore() || i <= 0 || id[:i] == s.cfg.Node {
		return false
	}
	ok, err := s.st.KickOnNode(ctx, id[:i], id)
	if err != nil {
		s.log.Warn("smsc: cannot ask another node to unbind a session", "session", id, "err", err)
	}
	return ok
}

// nodePhone is one node's answer to a phone request.
type nodePhone struct {
	Instance string         `json:"instance"`
	Messages []PhoneMessage `json:"messages"`
}

// ClusterPhoneMessages returns the messages the simulated networks of every
// node that shares the store handled for number, oldest first (this node's
// alone with a store of its own). A node that does not answer within 300 ms
// is left out.
func (s *Server) ClusterPhoneMessages(ctx context.Context, number string) []PhoneMessage {
	out := s.PhoneMessages(number)
	if !s.sharedStore() || s.st == nil {
		return out
	}
	answers, err := s.st.Gather(ctx, "phone", []byte(number), clusterWait)
	if err != nil {
		s.log.Warn("smsc: cannot gather the other nodes' phone messages", "err", err)
	}
	for _, a := range answers {
		var np nodePhone
		if json.Unmarshal(a, &np) != nil || np.Instance == s.instance {
			continue
		}
		out = append(out, np.Messages...)
	}
	slices.SortStableFunc(out, func(a, b PhoneMessage) int { return a.Time.Compare(b.Time) })
	return out
}
