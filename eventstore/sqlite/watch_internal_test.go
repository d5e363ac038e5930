package sqlite

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"casework/eventstore"
	"casework/eventstore/storetest"
)

// The watcher of other processes' commits must not take this process's
// own for another's: that would turn off the skip of subscribers to
// untouched categories and types for good.
func TestWatch_OwnCommits_NotExternal(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "events.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	stream := eventstore.StreamName("case", uuid.Must(uuid.NewV7()))
	exp := eventstore.NoStream
	for end := time.Now().Add(3 * externalPoll); time.Now().Before(end); {
		e := storetest.Event(t, "ServiceDelivered")
		res, err := s.Append(ctx, stream, exp, e)
		if err != nil {
			t.Fatal(err)
		}
		exp = eventstore.Exact(res.LastRevision)
		time.Sleep(time.Millisecond)
	}
	head := s.head.Load()
	if !s.untouched(eventstore.Filter{Categories: []string{"org"}}, head) {
		t.Fatal("after the process's own commits, a subscriber to an untouched category reads the log again")
	}
	// A subscriber to a touched category but untouched types skips too;
	// one to a touched type does not.
	if !s.untouched(eventstore.Filter{Categories: []string{"case"}, Types: []string{"CaseOpened"}}, head-1) {
		t.Fatal("a subscriber to untouched types reads the log")
	}
	if s.untouched(eventstore.Filter{Categories: []string{"case"}, Types: []string{"ServiceDelivered"}}, head-1) {
		t.Fatal("a subscriber to a touched type skips the read")
	}
}
