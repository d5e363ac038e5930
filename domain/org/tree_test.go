package org_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"pgregory.net/rapid"

	"casework/domain/org"
)

// sample is a small tree:
//
//	宜宾市 (city)
//	├── 宜宾市民政局 (bureau)
//	├── 江安县 (county)
//	│   ├── 江安县民政局 (bureau)
//	│   ├── 江安镇社工站 (station)
//	│   │   ├── 桂花社区室 (room)
//	│   │   └── 竹都村室 (room)
//	│   ├── 夕佳山镇社工站 (station)
//	│   └── 县慈善会 (agency)
//	└── 第三方评估中心 (evaluator)
//	成都市 (city)
//	└── 锦江区 (county)
type sampleTree struct {
	city, cityBureau, county, countyBureau, st1, room1, room2, st2, agency, evaluator, city2, county2 org.Unit
	all                                                                                               []org.Unit
}

func newSample() sampleTree {
	n := 0
	u := func(k org.Kind, name string, parent org.Unit) org.Unit {
		n++
		return org.Unit{ID: uuid.MustParse(fmt.Sprintf("0195f3a0-0000-7000-8000-%012d", n)), Kind: k, Name: name, ParentID: parent.ID}
	}
	var s sampleTree
	s.city = u(org.KindCity, "宜宾市", org.Unit{})
	s.cityBureau = u(org.KindBureau, "宜宾市民政局", s.city)
	s.county = u(org.KindCounty, "江安县", s.city)
	s.countyBureau = u(org.KindBureau, "江安县民政局", s.county)
	s.st1 = u(org.KindStation, "江安镇社工站", s.county)
	s.room1 = u(org.KindRoom, "桂花社区室", s.st1)
	s.room2 = u(org.KindRoom, "竹都村室", s.st1)
	s.st2 = u(org.KindStation, "夕佳山镇社工站", s.county)
	s.agency = u(org.KindAgency, "县慈善会", s.county)
	s.evaluator = u(org.KindEvaluator, "第三方评估中心", s.city)
	s.city2 = u(org.KindCity, "成都市", org.Unit{})
	s.county2 = u(org.KindCounty, "锦江区", s.city2)
	// Listed out of order on purpose: the tree must not depend on it.
	s.all = []org.Unit{s.room2, s.county2, s.st1, s.city, s.agency, s.room1, s.countyBureau, s.st2, s.cityBureau, s.evaluator, s.county, s.city2}
	return s
}

func mustTree(tb testing.TB, units []org.Unit) *org.Tree {
	tb.Helper()
	t, err := org.NewTree(units)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

func ids(us []org.Unit) []string {
	if len(us) == 0 {
		return nil
	}
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.Name
	}
	return out
}

func TestTree_Ancestors_NearestFirst(t *testing.T) {
	s := newSample()
	tr := mustTree(t, s.all)
	tests := []struct {
		of   org.Unit
		want []string
	}{
		{s.room1, []string{"江安镇社工站", "江安县", "宜宾市"}},
		{s.st2, []string{"江安县", "宜宾市"}},
		{s.agency, []string{"江安县", "宜宾市"}},
		{s.county2, []string{"成都市"}},
		{s.city, nil},
		{org.Unit{ID: uuid.New()}, nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, ids(tr.Ancestors(tt.of.ID))); diff != "" {
			t.Errorf("Ancestors(%s):\n%s", tt.of.Name, diff)
		}
	}
}

func TestTree_Contains_InclusiveAndScoped(t *testing.T) {
	s := newSample()
	tr := mustTree(t, s.all)
	unknown := uuid.New()
	tests := []struct {
		name     string
		anc, id  uuid.UUID
		contains bool
	}{
		{"self", s.st1.ID, s.st1.ID, true},
		{"room in station", s.st1.ID, s.room1.ID, true},
		{"room in county", s.county.ID, s.room2.ID, true},
		{"room in city", s.city.ID, s.room2.ID, true},
		{"agency in county", s.county.ID, s.agency.ID, true},
		{"sibling station", s.st1.ID, s.st2.ID, false},
		{"room of other station", s.st2.ID, s.room1.ID, false},
		{"parent not in child", s.st1.ID, s.county.ID, false},
		{"city bureau not in county", s.county.ID, s.cityBureau.ID, false},
		{"other city", s.city2.ID, s.st1.ID, false},
		{"other city county", s.city.ID, s.county2.ID, false},
		{"unknown id", s.city.ID, unknown, false},
		{"unknown ancestor", unknown, s.city.ID, false},
		{"unknown both equal", unknown, unknown, false},
		{"nil ancestor", uuid.Nil, s.city.ID, false},
	}
	for _, tt := range tests {
		if got := tr.Contains(tt.anc, tt.id); got != tt.contains {
			t.Errorf("%s: Contains = %v, want %v", tt.name, got, tt.contains)
		}
	}
}

func TestTree_Subtree_PreOrderByName(t *testing.T) {
	s := newSample()
	tr := mustTree(t, s.all)
	tests := []struct {
		of   org.Unit
		want []string
	}{
		// Siblings sort by name in code-point order.
		{s.county, []string{"江安县", "县慈善会", "夕佳山镇社工站", "江安县民政局", "江安镇社工站", "桂花社区室", "竹都村室"}},
		{s.st1, []string{"江安镇社工站", "桂花社区室", "竹都村室"}},
		{s.room1, []string{"桂花社区室"}},
		{org.Unit{ID: uuid.New()}, nil},
	}
	for _, tt := range tests {
		got := ids(tr.Subtree(tt.of.ID))
		if len(got) == 0 {
			got = nil
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Subtree(%s):\n%s", tt.of.Name, diff)
		}
	}
	if got := len(tr.Subtree(s.city.ID)) + len(tr.Subtree(s.city2.ID)); got != tr.Len() {
		t.Errorf("the roots' subtrees hold %d units, want %d", got, tr.Len())
	}
	if diff := cmp.Diff([]string{"宜宾市", "成都市"}, ids(tr.Roots())); diff != "" {
		t.Error(diff)
	}
	if diff := cmp.Diff([]string{"桂花社区室", "竹都村室"}, ids(tr.Children(s.st1.ID))); diff != "" {
		t.Error(diff)
	}
}

func TestTree_CountyAndStationOf(t *testing.T) {
	s := newSample()
	tr := mustTree(t, s.all)
	tests := []struct {
		of              org.Unit
		county, station string // "" when none
	}{
		{s.room1, "江安县", "江安镇社工站"},
		{s.st2, "江安县", "夕佳山镇社工站"},
		{s.county, "江安县", ""},
		{s.countyBureau, "江安县", ""},
		{s.agency, "江安县", ""},
		{s.city, "", ""},
		{s.cityBureau, "", ""},
		{s.evaluator, "", ""},
		{s.county2, "锦江区", ""},
		{org.Unit{ID: uuid.New()}, "", ""},
	}
	for _, tt := range tests {
		c, ok := tr.CountyOf(tt.of.ID)
		if ok != (tt.county != "") || c.Name != tt.county {
			t.Errorf("CountyOf(%s) = %q, %v; want %q", tt.of.Name, c.Name, ok, tt.county)
		}
		st, ok := tr.StationOf(tt.of.ID)
		if ok != (tt.station != "") || st.Name != tt.station {
			t.Errorf("StationOf(%s) = %q, %v; want %q", tt.of.Name, st.Name, ok, tt.station)
		}
	}
	if c, ok := tr.CityOf(s.room2.ID); !ok || c.ID != s.city.ID {
		t.Errorf("CityOf(room) = %v, %v", c, ok)
	}
}

func TestTree_PartialListTreatsOrphansAsRoots(t *testing.T) {
	s := newSample()
	tr := mustTree(t, []org.Unit{s.st1, s.room1, s.room2})
	if diff := cmp.Diff([]string{"江安镇社工站"}, ids(tr.Roots())); diff != "" {
		t.Fatal(diff)
	}
	if !tr.Contains(s.st1.ID, s.room2.ID) || len(tr.Ancestors(s.st1.ID)) != 0 {
		t.Fatal("orphan station must be a root containing its rooms")
	}
	if _, ok := tr.CountyOf(s.room1.ID); ok {
		t.Fatal("no county in a partial tree")
	}
}

func TestNewTree_CorruptInput_Refused(t *testing.T) {
	a := org.Unit{ID: uuid.MustParse("0195f3a0-0000-7000-8000-00000000000a"), Kind: org.KindCounty, Name: "a"}
	b := org.Unit{ID: uuid.MustParse("0195f3a0-0000-7000-8000-00000000000b"), Kind: org.KindStation, Name: "b", ParentID: a.ID}
	a.ParentID = b.ID
	self := org.Unit{ID: uuid.MustParse("0195f3a0-0000-7000-8000-00000000000c"), Kind: org.KindCity, Name: "c"}
	self.ParentID = self.ID
	tests := map[string][]org.Unit{
		"nil id":    {{Name: "x"}},
		"duplicate": {b, b},
		"cycle":     {a, b},
		"self loop": {self},
	}
	for name, units := range tests {
		if _, err := org.NewTree(units); err == nil {
			t.Errorf("%s: NewTree accepted corrupt input", name)
		}
	}
	if tr, err := org.NewTree(nil); err != nil || tr.Len() != 0 {
		t.Errorf("empty tree: %v", err)
	}
}

// TestTree_Properties checks the tree against a brute-force walk of the
// parent links on random forests.
func TestTree_Properties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 30).Draw(t, "n")
		kinds := org.Kinds()
		units := make([]org.Unit, n)
		for i := range units {
			units[i] = org.Unit{
				ID:   uuid.MustParse(fmt.Sprintf("0195f3a0-0000-7000-8000-%012d", i+1)),
				Kind: rapid.SampledFrom(kinds).Draw(t, "kind"),
				Name: rapid.SampledFrom([]string{"甲", "乙", "丙", "丁"}).Draw(t, "name"),
			}
			// Parents only point at earlier units (or outside the list), so no cycle.
			switch p := rapid.IntRange(-2, i-1).Draw(t, "parent"); {
			case p >= 0:
				units[i].ParentID = units[p].ID
			case p == -2:
				units[i].ParentID = uuid.New()
			}
		}
		perm := rapid.Permutation(units).Draw(t, "order")
		tr, err := org.NewTree(perm)
		if err != nil {
			t.Fatal(err)
		}
		byID := map[uuid.UUID]org.Unit{}
		for _, u := range units {
			byID[u.ID] = u
		}
		chain := func(id uuid.UUID) []uuid.UUID { // id and its ancestors, nearest first
			var out []uuid.UUID
			for u, ok := byID[id]; ok; u, ok = byID[u.ParentID] {
				out = append(out, u.ID)
			}
			return out
		}
		for _, u := range units {
			c := chain(u.ID)
			anc := tr.Ancestors(u.ID)
			if len(anc) != len(c)-1 {
				t.Fatalf("Ancestors(%s) has %d units, want %d", u.ID, len(anc), len(c)-1)
			}
			for i, a := range anc {
				if a.ID != c[i+1] {
					t.Fatalf("Ancestors(%s)[%d] wrong", u.ID, i)
				}
			}
			sub := tr.Subtree(u.ID)
			inSub := map[uuid.UUID]bool{}
			for _, x := range sub {
				inSub[x.ID] = true
			}
			if len(inSub) != len(sub) || sub[0].ID != u.ID {
				t.Fatalf("Subtree(%s) repeats units or does not start at its root", u.ID)
			}
			for _, v := range units {
				want := false
				for _, a := range chain(v.ID) {
					want = want || a == u.ID
				}
				if got := tr.Contains(u.ID, v.ID); got != want {
					t.Fatalf("Contains(%s, %s) = %v, want %v", u.ID, v.ID, got, want)
				}
				if inSub[v.ID] != want {
					t.Fatalf("Subtree(%s) and Contains disagree on %s", u.ID, v.ID)
				}
			}
			wantCounty, wantStation := uuid.Nil, uuid.Nil
			for _, a := range c {
				if byID[a].Kind == org.KindCounty && wantCounty == uuid.Nil {
					wantCounty = a
				}
				if byID[a].Kind == org.KindStation && wantStation == uuid.Nil {
					wantStation = a
				}
			}
			if got, _ := tr.CountyOf(u.ID); got.ID != wantCounty {
				t.Fatalf("CountyOf(%s) = %s, want %s", u.ID, got.ID, wantCounty)
			}
			if got, _ := tr.StationOf(u.ID); got.ID != wantStation {
				t.Fatalf("StationOf(%s) = %s, want %s", u.ID, got.ID, wantStation)
			}
		}
	})
}
