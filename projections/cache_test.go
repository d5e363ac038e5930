package projections_test

import (
	"errors"
	"slices"
	"testing"

	"casework/projections"
)

func collect(c *projections.Cache[int, int], evict bool) ([]int, error) {
	var got []int
	write := func(k int, v *int) error {
		if *v != k*10 {
			return errors.New("state does not belong to its key")
		}
		got = append(got, k)
		return nil
	}
	if evict {
		return got, c.Evict(write)
	}
	return got, c.Dirty(write)
}

func val(k int) *int { v := k * 10; return &v }

func TestCache_DirtyWritesEachChangedStateOnceInOrder(t *testing.T) {
	c := projections.NewCache[int, int](100)
	for _, k := range []int{3, 1, 2, 1, 3} {
		c.Put(k, val(k))
	}
	got, err := collect(c, false)
	if err != nil || !slices.Equal(got, []int{3, 1, 2}) {
		t.Fatalf("Dirty wrote %v (%v), want [3 1 2]", got, err)
	}
	if got, _ := collect(c, false); len(got) != 0 {
		t.Fatalf("second Dirty wrote %v, want nothing", got)
	}
	if v, ok := c.Get(2); !ok || *v != 20 {
		t.Fatalf("Get(2) = %v, %v", v, ok)
	}
}

func TestCache_EvictDropsLeastRecentlyUsed_WritingChangedOnes(t *testing.T) {
	c := projections.NewCache[int, int](10)
	for k := range 10 {
		c.Put(k, val(k))
	}
	if _, err := collect(c, false); err != nil {
		t.Fatal(err)
	}
	// 0…4 are used again; 5 changes; 10 and 11 arrive: two over the bound,
	// so three (two and a tenth of ten) go: the least recently used.
	for k := range 5 {
		c.Get(k)
	}
	c.Put(5, val(5))
	c.Put(10, val(10))
	c.Put(11, val(11))
	got, err := collect(c, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 {
		t.Errorf("Evict wrote %v; the dropped states were unchanged", got)
	}
	for _, k := range []int{6, 7, 8} {
		if _, ok := c.Get(k); ok {
			t.Errorf("%d kept; it was used longest ago", k)
		}
	}
	for _, k := range []int{0, 4, 5, 9, 10, 11} {
		if _, ok := c.Get(k); !ok {
			t.Errorf("%d dropped", k)
		}
	}
	if c.Len() != 9 {
		t.Errorf("holds %d states, want 9", c.Len())
	}
	// Now the changed ones are used longest ago, then 0 and 1: five new
	// states push out those five, and evicting writes the changed ones.
	for _, k := range []int{0, 1, 2, 3, 4, 9} {
		c.Get(k)
	}
	for k := 20; k < 25; k++ {
		c.Put(k, val(k))
	}
	got, err = collect(c, true)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	if !slices.Equal(got, []int{5, 10, 11}) {
		t.Errorf("Evict wrote %v, want the changed states it dropped [5 10 11]", got)
	}
	for _, k := range []int{0, 1, 5, 10, 11} {
		if _, ok := c.Get(k); ok {
			t.Errorf("%d kept", k)
		}
	}
	// What was written is clean: Dirty writes only the rest.
	got, _ = collect(c, false)
	slices.Sort(got)
	if !slices.Equal(got, []int{20, 21, 22, 23, 24}) {
		t.Errorf("Dirty wrote %v, want [20 … 24]", got)
	}
}

func TestCache_EvictWithoutWriter_KeepsChangedStates(t *testing.T) {
	c := projections.NewCache[int, int](2)
	for k := range 5 {
		c.Put(k, val(k))
	}
	if err := c.Evict(nil); err != nil {
		t.Fatal(err)
	}
	if c.Len() != 5 {
		t.Fatalf("holds %d states, want all 5: none was written", c.Len())
	}
	got, _ := collect(c, false)
	if len(got) != 5 {
		t.Fatalf("Dirty wrote %v, want all 5", got)
	}
	if c.Len() > 2 {
		t.Errorf("holds %d states after Dirty, want at most 2", c.Len())
	}
}

func TestCache_FailedWrite_LeavesStatesChanged(t *testing.T) {
	c := projections.NewCache[int, int](100)
	for k := range 3 {
		c.Put(k, val(k))
	}
	boom := errors.New("disk full")
	n := 0
	err := c.Dirty(func(int, *int) error {
		if n++; n == 2 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Dirty = %v", err)
	}
	got, _ := collect(c, false)
	if !slices.Equal(got, []int{1, 2}) {
		t.Errorf("after the failure Dirty wrote %v, want [1 2]", got)
	}
}
