package storetest

import (
	"errors"
	"testing"

	"casework/eventstore"
)

func testChainVerifies(t *testing.T, h Harness) {
	s := open(t, h)
	stream := Stream("contract")
	mustAppend(t, s, stream, eventstore.NoStream, events(t, 3, "E")...)
	mustAppend(t, s, stream, eventstore.Exact(2), events(t, 2, "F")...)
	if err := s.Verify(ctxT(t), stream); err != nil {
		t.Fatalf("verify: %v", err)
	}
	if err := s.VerifyAll(ctxT(t)); err != nil {
		t.Fatalf("verify all: %v", err)
	}
	if err := s.Verify(ctxT(t), Stream("contract")); !errors.Is(err, eventstore.ErrStreamNotFound) {
		t.Fatalf("verify of a missing stream: %v", err)
	}
	evs := mustRead(t, s, stream)
	for i := 1; i < len(evs); i++ {
		if string(evs[i].Hash) == string(evs[i-1].Hash) {
			t.Fatal("two events share a hash")
		}
	}
	if s.HashAlgorithm() == "" {
		t.Fatal("no hash algorithm recorded")
	}
}

func testTamper(t *testing.T, h Harness) {
	if h.Features.Tamper == nil {
		t.Skip("this backend offers no way to alter stored bytes behind its back")
	}
	for _, rev := range []uint64{0, 2, 4} {
		s := open(t, h)
		stream := Stream("contract")
		mustAppend(t, s, stream, eventstore.NoStream, events(t, 5, "E")...)
		h.Features.Tamper(t, s, stream, rev)
		err := s.Verify(ctxT(t), stream)
		var te *eventstore.TamperError
		if !errors.As(err, &te) || !errors.Is(err, eventstore.ErrTampered) {
			t.Fatalf("verify after tampering revision %d: %v", rev, err)
		}
		if te.Stream != stream || te.Revision != rev {
			t.Fatalf("tamper reported at %s revision %d, want %s revision %d", te.Stream, te.Revision, stream, rev)
		}
		err = s.VerifyAll(ctxT(t))
		if !errors.As(err, &te) || te.Stream != stream || te.Revision != rev {
			t.Fatalf("verify all after tampering revision %d: %v", rev, err)
		}
	}
}
