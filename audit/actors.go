package audit

import "sort"

// Actor is one user's (or one client tool's) activity in the period.
type Actor struct {
	Name                       string // "" for entries that recorded none
	Requests                   int
	Forwarded, Blocked, Failed int
	Mutations                  int
	SecretsBlocked             int // requests blocked with a secret
	PHIBlocked                 int // requests blocked with PHI
	Sessions                   int
}

// Label is the name to show; entries written before identity was recorded,
// or by a proxy that could not tell, have none.
func (a Actor) Label() string {
	if a.Name == "" {
		return "(not recorded)"
	}
	return a.Name
}

// actors tallies entries by a key.
type actors struct {
	m        map[string]*Actor
	sessions map[string]map[string]bool
}

func newActors() *actors {
	return &actors{m: map[string]*Actor{}, sessions: map[string]map[string]bool{}}
}

func (t *actors) add(name string, e *Entry) {
	a := t.m[name]
	if a == nil {
		a = &Actor{Name: name}
		t.m[name] = a
		t.sessions[name] = map[string]bool{}
	}
	a.Requests++
	a.Mutations += e.Mutations
	t.sessions[name][e.Session] = true
	switch e.Outcome {
	case OutcomeForwarded:
		a.Forwarded++
	case OutcomeBlocked:
		a.Blocked++
		if e.SecretsBlocked > 0 {
			a.SecretsBlocked++
		}
		if e.PHIPatternsDetected > 0 {
			a.PHIBlocked++
		}
	default:
		a.Failed++
	}
}

// list is the tally, most requests first, then by name.
func (t *actors) list() []Actor {
	out := make([]Actor, 0, len(t.m))
	for name, a := range t.m {
		a.Sessions = len(t.sessions[name])
		out = append(out, *a)
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Requests > out[j].Requests || out[i].Requests == out[j].Requests && out[i].Name < out[j].Name
	})
	return out
}
