package httpapi

import (
	"encoding/json"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// TestOpenAPIMatchesRoutes checks the document against routes(): every
// documented path and method is routed, every route is documented, and the
// path parameters agree.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	var doc struct {
		OpenAPI string `json:"openapi"`
		Paths   map[string]map[string]struct {
			OperationID string `json:"operationId"`
			Security    *[]map[string][]string
			Parameters  []struct {
				Name string `json:"name"`
				In   string `json:"in"`
			} `json:"parameters"`
			Responses map[string]any `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(OpenAPI(), &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi %q", doc.OpenAPI)
	}
	a := &api{}
	routed := map[string]route{}
	for _, rt := range a.routes() {
		routed[rt.method+" "+rt.path] = rt
	}
	documented := map[string]bool{}
	ids := map[string]bool{}
	wild := regexp.MustCompile(`\{([a-z_]+)\}`)
	for path, ops := range doc.Paths {
		for method, op := range ops {
			key := strings.ToUpper(method) + " " + path
			documented[key] = true
			rt, ok := routed[key]
			if !ok {
				t.Errorf("documented but not routed: %s", key)
				continue
			}
			if op.OperationID == "" || ids[op.OperationID] {
				t.Errorf("%s: missing or duplicate operationId %q", key, op.OperationID)
			}
			ids[op.OperationID] = true
			if len(op.Responses) == 0 {
				t.Errorf("%s: no responses", key)
			}
			var inPath []string
			for _, p := range op.Parameters {
				if p.In == "path" {
					inPath = append(inPath, p.Name)
				}
			}
			var want []string
			for _, m := range wild.FindAllStringSubmatch(path, -1) {
				want = append(want, m[1])
			}
			sort.Strings(inPath)
			sort.Strings(want)
			if !slices.Equal(inPath, want) {
				t.Errorf("%s: path parameters %v, want %v", key, inPath, want)
			}
			// Security as routed.
			public := op.Security != nil && len(*op.Security) == 0
			if public != (rt.auth == public0) {
				t.Errorf("%s: documented public=%v, routed auth %d", key, public, rt.auth)
			}
			if rt.auth == adminOnly && (op.Security == nil || len(*op.Security) != 1 || (*op.Security)[0]["adminToken"] == nil) {
				t.Errorf("%s: admin route not documented as adminToken", key)
			}
		}
	}
	for key := range routed {
		if !documented[key] {
			t.Errorf("routed but not documented: %s", key)
		}
	}
}

const public0 = public

// TestOpenAPIRefsResolve checks that every $ref points at a component.
func TestOpenAPIRefsResolve(t *testing.T) {
	var doc map[string]any
	json.Unmarshal(OpenAPI(), &doc)
	comps := doc["components"].(map[string]any)
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				parts := strings.Split(strings.TrimPrefix(ref, "#/components/"), "/")
				if len(parts) != 2 {
					t.Errorf("bad $ref %q", ref)
				} else if sec, _ := comps[parts[0]].(map[string]any); sec == nil || sec[parts[1]] == nil {
					t.Errorf("unresolved $ref %q", ref)
				}
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(doc)
}
