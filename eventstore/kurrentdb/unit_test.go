package kurrentdb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"casework/eventstore"
)

// These tests need no server.

func TestFromCode_EveryClientCode_MapsToSentinel(t *testing.T) {
	cause := errors.New("server said no")
	tests := []struct {
		code esdb.ErrorCode
		want error
	}{
		{esdb.ErrorCodeResourceNotFound, eventstore.ErrStreamNotFound},
		{esdb.ErrorCodeStreamDeleted, eventstore.ErrStreamNotFound},
		{esdb.ErrorCodeWrongExpectedVersion, eventstore.ErrWrongExpectedRevision},
		{esdb.ErrorCodeConnectionClosed, eventstore.ErrClosed},
		{esdb.ErrorCodeDeadlineExceeded, context.DeadlineExceeded},
		{esdb.ErrorUnavailable, ErrUnavailable},
		{esdb.ErrorCodeNotLeader, ErrUnavailable},
		{esdb.ErrorAborted, ErrUnavailable},
		{esdb.ErrorCodeUnauthenticated, ErrAccessDenied},
		{esdb.ErrorCodeAccessDenied, ErrAccessDenied},
		{esdb.ErrorCodeUnsupportedFeature, ErrUnsupportedServer},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.code), func(t *testing.T) {
			got := fromCode(tt.code, cause)
			if !errors.Is(got, tt.want) {
				t.Errorf("fromCode(%d) = %v, want it to match %v", tt.code, got, tt.want)
			}
			if !errors.Is(got, cause) {
				t.Errorf("fromCode(%d) = %v lost its cause", tt.code, got)
			}
		})
	}
}

func TestTranslate_WrappedClientErrors_FoundWithErrorsAs(t *testing.T) {
	// The client wraps its *esdb.Error in fmt errors; FromError of v4
	// reports ok=false for any non-nil error, so it cannot be used to
	// classify.
	esErr, ok := esdb.FromError(status.Error(codes.Canceled, "call cancelled"))
	if ok {
		t.Fatal("esdb.FromError reported ok for a non-nil error; revisit translate")
	}
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"cancelled call", fmt.Errorf("could not send append request. Reason: %w", esErr), context.Canceled},
		{"unavailable", fmt.Errorf("read: %w", mustEsdb(t, status.Error(codes.Unavailable, "node down"))), ErrUnavailable},
		{"deadline status", mustEsdb(t, status.Error(codes.DeadlineExceeded, "slow")), context.DeadlineExceeded},
		{"plain status", status.Error(codes.Unavailable, "no client wrapper"), ErrUnavailable},
		{"context", fmt.Errorf("x: %w", context.Canceled), context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := translate(tt.err); !errors.Is(got, tt.want) {
				t.Errorf("translate(%v) = %v, want it to match %v", tt.err, got, tt.want)
			}
		})
	}
	other := mustEsdb(t, errors.New("boom"))
	got := translate(fmt.Errorf("wrapped: %w", other))
	for _, s := range []error{eventstore.ErrStreamNotFound, eventstore.ErrWrongExpectedRevision, eventstore.ErrClosed, ErrUnavailable} {
		if errors.Is(got, s) {
			t.Errorf("translate(unknown) = %v matches %v", got, s)
		}
	}
	var ee *esdb.Error
	if !errors.As(got, &ee) {
		t.Errorf("translate(unknown) = %v dropped the client error", got)
	}
	if translate(nil) != nil {
		t.Error("translate(nil) != nil")
	}
}

func mustEsdb(t *testing.T, err error) *esdb.Error {
	t.Helper()
	e, _ := esdb.FromError(err)
	return e
}

func TestCtxError_DoneContext_ReportsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := ctxError(ctx, mustEsdb(t, status.Error(codes.Unavailable, "x")))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("ctxError = %v, want context.Canceled", err)
	}
	if err := ctxError(context.Background(), mustEsdb(t, status.Error(codes.Unavailable, "x"))); !errors.Is(err, ErrUnavailable) {
		t.Errorf("ctxError live = %v, want ErrUnavailable", err)
	}
}

func TestCurrentRevision_ClientMessage(t *testing.T) {
	tests := []struct {
		msg    string
		want   int64
		wantOK bool
	}{
		{"wrong expected version: expecting '3' but got '5'", 5, true},
		{"wrong expected version: expecting 'stream_exists' but got 'no_stream'", -1, true},
		{"wrong expected version: expecting 'no_stream' but got '0'", 0, true},
		{"something else", 0, false},
		{"but got 'x'", 0, false},
	}
	for _, tt := range tests {
		got, ok := currentRevision(errors.New(tt.msg))
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("currentRevision(%q) = %d, %v; want %d, %v", tt.msg, got, ok, tt.want, tt.wantOK)
		}
	}
}

func sampleMeta() eventstore.Metadata {
	return eventstore.Metadata{
		Actor: "社工-张三", Role: "social_worker", OrgUnit: "station-临江镇", CorrelationID: "req-1", CausationID: "cmd-1",
		Reason: "入户走访补录", Schema: 2, OccurredAt: time.Date(2026, 3, 1, 9, 30, 0, 123456789, time.FixedZone("CST", 8*3600)),
		Extra: map[string]string{"a": "1", "b": "二"},
	}
}

func TestMetadata_RoundTrip(t *testing.T) {
	m := sampleMeta()
	hash := []byte{0, 1, 2, 0xfe, 0xff}
	b, err := encodeMetadata(&m, "sha256", hash)
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	if raw["hash"] != "000102feff" || raw["chain"] != "sha256" || raw["actor"] != "社工-张三" {
		t.Errorf("stored metadata %s lacks the expected fields", b)
	}
	got, gotHash, err := decodeMetadata(b)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(m, got); diff != "" {
		t.Errorf("metadata round trip (-want +got):\n%s", diff)
	}
	if !cmp.Equal(hash, gotHash) {
		t.Errorf("hash = %x, want %x", gotHash, hash)
	}
}

func TestDecodeMetadata_NotOurs_Rejected(t *testing.T) {
	for _, b := range []string{``, `not json`, `{"actor":"a"}`, `{"hash":"zz"}`} {
		if _, _, err := decodeMetadata([]byte(b)); err == nil {
			t.Errorf("decodeMetadata(%q) accepted", b)
		}
	}
}

// recorded turns what an append sends into what a read returns.
func recorded(stream string, first uint64, p prepared, pos uint64) []*esdb.RecordedEvent {
	out := make([]*esdb.RecordedEvent, len(p.events))
	for i, e := range p.events {
		out[i] = &esdb.RecordedEvent{
			EventID: e.EventID, EventType: e.EventType, StreamID: stream, EventNumber: first + uint64(i),
			Position:    esdb.Position{Commit: pos + uint64(i)*100, Prepare: pos + uint64(i)*100},
			CreatedDate: time.Unix(1700000000, 0).UTC(), Data: e.Data, UserMetadata: e.Metadata,
		}
	}
	return out
}

func sampleEvents(n int) []eventstore.EventData {
	evs := make([]eventstore.EventData, n)
	for i := range evs {
		evs[i] = eventstore.EventData{ID: uuid.Must(uuid.NewV7()), Type: "ServiceDelivered",
			Data: json.RawMessage(fmt.Sprintf(`{"minutes":%d,"note":"个案辅导"}`, 30+i)), Metadata: sampleMeta()}
	}
	return evs
}

func TestPrepare_ReadBack_ChainVerifies(t *testing.T) {
	stream := eventstore.StreamName("case", uuid.Must(uuid.NewV7()))
	first, err := prepare(eventstore.SHA256, stream, -1, nil, sampleEvents(2))
	if err != nil {
		t.Fatal(err)
	}
	second, err := prepare(eventstore.SHA256, stream, 1, first.hashes[1], sampleEvents(3))
	if err != nil {
		t.Fatal(err)
	}
	stored := append(recorded(stream, 0, first, 1000), recorded(stream, 2, second, 5000)...)

	v := eventstore.ChainVerifier{Hash: eventstore.SHA256, Stream: stream}
	for _, ev := range stored {
		rec, err := decode(ev)
		if err != nil {
			t.Fatalf("decode revision %d: %v", ev.EventNumber, err)
		}
		if rec.Position != ev.Position.Commit || rec.Revision != ev.EventNumber || rec.Metadata.Actor != "社工-张三" {
			t.Errorf("decoded %+v from %+v", rec, ev)
		}
		if err := v.Check(&rec); err != nil {
			t.Fatalf("chain: %v", err)
		}
	}

	// One changed byte of data at revision 3 breaks the chain there.
	stored[3].Data = []byte(`{"minutes":99,"note":"个案辅导"}`)
	v = eventstore.ChainVerifier{Hash: eventstore.SHA256, Stream: stream}
	for _, ev := range stored {
		rec, _ := decode(ev)
		if err := v.Check(&rec); err != nil {
			var te *eventstore.TamperError
			if !errors.As(err, &te) || te.Revision != 3 {
				t.Fatalf("tampered chain: %v, want revision 3", err)
			}
			return
		}
	}
	t.Fatal("tampered chain verified")
}

func TestDecode_ForeignMetadata_TamperError(t *testing.T) {
	ev := &esdb.RecordedEvent{EventID: uuid.Must(uuid.NewV7()), EventType: "X", StreamID: "case-0190a7c2-5e4b-7c3d-8a1b-2c3d4e5f6a7b",
		EventNumber: 4, Position: esdb.Position{Commit: 10, Prepare: 10}, Data: []byte(`{}`), UserMetadata: []byte(`{"actor":"x"}`)}
	_, err := decode(ev)
	var te *eventstore.TamperError
	if !errors.As(err, &te) || te.Revision != 4 || te.Position != 10 {
		t.Fatalf("decode = %v, want a TamperError at revision 4", err)
	}
}

func TestPosition_Mapping(t *testing.T) {
	if _, err := position(esdb.Position{Commit: noPosition, Prepare: noPosition}); !errors.Is(err, ErrUnsupportedServer) {
		t.Errorf("position(none) = %v, want ErrUnsupportedServer", err)
	}
	if p, err := position(esdb.Position{Commit: 4242, Prepare: 4242}); err != nil || p != 4242 {
		t.Errorf("position = %d, %v; want 4242", p, err)
	}
	if _, ok := allFrom(0).(esdb.Start); !ok {
		t.Errorf("allFrom(0) = %#v, want Start", allFrom(0))
	}
	if got := allFrom(77); got != (esdb.Position{Commit: 77, Prepare: 77}) {
		t.Errorf("allFrom(77) = %#v", got)
	}
}

func TestCursor_StrictlyAfter(t *testing.T) {
	type step struct {
		p       esdb.Position
		fresh   bool
		wantErr bool
	}
	tests := []struct {
		name  string
		after uint64
		steps []step
	}{
		{"inclusive start is skipped", 100, []step{
			{esdb.Position{Commit: 100, Prepare: 100}, false, false},
			{esdb.Position{Commit: 180, Prepare: 180}, true, false},
			{esdb.Position{Commit: 260, Prepare: 260}, true, false},
		}},
		{"replay after resubscribe is skipped", 0, []step{
			{esdb.Position{Commit: 10, Prepare: 10}, true, false},
			{esdb.Position{Commit: 20, Prepare: 20}, true, false},
			{esdb.Position{Commit: 10, Prepare: 10}, false, false},
			{esdb.Position{Commit: 20, Prepare: 20}, false, false},
			{esdb.Position{Commit: 30, Prepare: 30}, true, false},
		}},
		{"explicit transaction refused", 0, []step{
			{esdb.Position{Commit: 500, Prepare: 300}, true, false},
			{esdb.Position{Commit: 500, Prepare: 400}, false, true},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCursor(tt.after)
			for i, s := range tt.steps {
				fresh, err := c.admit(s.p)
				if fresh != s.fresh || (err != nil) != s.wantErr {
					t.Fatalf("step %d admit(%v) = %v, %v; want %v, err %v", i, s.p, fresh, err, s.fresh, s.wantErr)
				}
			}
		})
	}
	c := newCursor(0)
	c.skip(esdb.Position{Commit: 50, Prepare: 50})
	if fresh, _ := c.admit(esdb.Position{Commit: 40, Prepare: 40}); fresh {
		t.Error("admit before a skipped position")
	}
}

func TestMatchTail(t *testing.T) {
	stream := eventstore.StreamName("case", uuid.Must(uuid.NewV7()))
	evs := sampleEvents(4)
	stored := make([]eventstore.RecordedEvent, len(evs))
	for i, e := range evs {
		stored[i] = eventstore.RecordedEvent{ID: e.ID, Stream: stream, Type: e.Type, Revision: uint64(i), Position: uint64(100 * (i + 1)), Data: e.Data, Metadata: e.Metadata}
	}
	zeroOccurred := append([]eventstore.EventData(nil), evs[2:]...)
	for i := range zeroOccurred {
		zeroOccurred[i].Metadata.OccurredAt = time.Time{}
	}
	otherData := append([]eventstore.EventData(nil), evs[2:]...)
	otherData[1].Data = json.RawMessage(`{"minutes":1}`)

	tests := []struct {
		name     string
		events   []eventstore.EventData
		wantDone bool
		wantRes  eventstore.AppendResult
		wantDup  bool
	}{
		{"retry of the last two", evs[2:], true, eventstore.AppendResult{FirstRevision: 2, LastRevision: 3, FirstPosition: 300, LastPosition: 400}, false},
		{"retry with occurred_at left zero", zeroOccurred, true, eventstore.AppendResult{FirstRevision: 2, LastRevision: 3, FirstPosition: 300, LastPosition: 400}, false},
		{"same ids other content", otherData, false, eventstore.AppendResult{}, true},
		{"id earlier in the stream", []eventstore.EventData{evs[1]}, false, eventstore.AppendResult{}, true},
		{"ids out of order", []eventstore.EventData{evs[3], evs[2]}, false, eventstore.AppendResult{}, true},
		{"new events", sampleEvents(2), false, eventstore.AppendResult{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, done, err := matchTail(stream, stored, tt.events)
			if done != tt.wantDone || res != tt.wantRes || errors.Is(err, eventstore.ErrDuplicateEventID) != tt.wantDup {
				t.Errorf("matchTail = %+v, %v, %v; want %+v, %v, dup %v", res, done, err, tt.wantRes, tt.wantDone, tt.wantDup)
			}
		})
	}
	if _, done, err := matchTail(stream, nil, evs); done || err != nil {
		t.Errorf("matchTail on a new stream = %v, %v", done, err)
	}
}

func TestWithOccurredAt_KeepsCallerSlice(t *testing.T) {
	evs := sampleEvents(2)
	evs[1].Metadata.OccurredAt = time.Time{}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	got := withOccurredAt(evs, now)
	if !evs[1].Metadata.OccurredAt.IsZero() {
		t.Error("withOccurredAt changed the caller's events")
	}
	if !got[1].Metadata.OccurredAt.Equal(now) || !got[0].Metadata.OccurredAt.Equal(evs[0].Metadata.OccurredAt) {
		t.Errorf("withOccurredAt = %v, %v", got[0].Metadata.OccurredAt, got[1].Metadata.OccurredAt)
	}
}

func TestServerFilter(t *testing.T) {
	f := serverFilter(eventstore.Filter{Categories: []string{"case", "referral"}, Types: []string{"CaseOpened"}})
	if f.Type != esdb.StreamFilterType || !cmp.Equal(f.Prefixes, []string{"case-", "referral-"}) {
		t.Errorf("categories: %+v", f)
	}
	f = serverFilter(eventstore.Filter{Types: []string{"CaseOpened", "A.B+C"}})
	if f.Type != esdb.EventFilterType || f.Regex != `^(?:CaseOpened|A\.B\+C)$` {
		t.Errorf("types: %+v", f)
	}
	f = serverFilter(eventstore.Filter{})
	if f.Type != esdb.EventFilterType || f.Regex == "" {
		t.Errorf("none: %+v", f)
	}
	for stream, want := range map[string]bool{
		"case-0190a7c2-5e4b-7c3d-8a1b-2c3d4e5f6a7b": true, "$stats-127.0.0.1:2113": false, settingsStream: false, "case-x": false,
	} {
		if got := ours(stream, "T"); got != want {
			t.Errorf("ours(%q) = %v", stream, got)
		}
	}
	if ours("case-0190a7c2-5e4b-7c3d-8a1b-2c3d4e5f6a7b", "$>") {
		t.Error("a system event type is ours")
	}
}

// unreachable returns a store whose client points at a closed port: any
// request that reached the network would fail or hang.
func unreachable(t *testing.T) *Store {
	t.Helper()
	cfg, err := esdb.ParseConnectionString("esdb://127.0.0.1:1?tls=false")
	if err != nil {
		t.Fatal(err)
	}
	client, err := esdb.NewClient(withLogger(cfg, nil))
	if err != nil {
		t.Fatal(err)
	}
	return newStore(client, Options{Hash: eventstore.SHA256, PageSize: 16, AppendAttempts: 2, TailWindow: 8})
}

func TestAppend_BadInput_RejectedBeforeSending(t *testing.T) {
	s := unreachable(t)
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	stream := eventstore.StreamName("case", uuid.Must(uuid.NewV7()))
	bad := sampleEvents(1)
	bad[0].Data = json.RawMessage(`{"unterminated":`)
	tests := []struct {
		name   string
		stream string
		events []eventstore.EventData
	}{
		{"malformed stream", "Case-1", sampleEvents(1)},
		{"no events", stream, nil},
		{"bad json", stream, bad},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.Append(ctx, tt.stream, eventstore.Any, tt.events...)
			var in *eventstore.InputError
			if !errors.As(err, &in) {
				t.Fatalf("Append = %v, want an InputError", err)
			}
		})
	}
	if _, err := s.ReadStream(ctx, "nope", eventstore.ReadStreamOptions{}); !errors.Is(err, eventstore.ErrInvalidInput) {
		t.Errorf("ReadStream(bad name) = %v", err)
	}
	if err := s.Verify(ctx, "nope"); !errors.Is(err, eventstore.ErrInvalidInput) {
		t.Errorf("Verify(bad name) = %v", err)
	}
}

func TestStore_AfterClose_EveryCallErrClosed(t *testing.T) {
	s := unreachable(t)
	if err := s.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second close: %v", err)
	}
	ctx := context.Background()
	stream := eventstore.StreamName("case", uuid.Must(uuid.NewV7()))
	_, err := s.Append(ctx, stream, eventstore.Any, sampleEvents(1)...)
	check := func(name string, err error) {
		t.Helper()
		if !errors.Is(err, eventstore.ErrClosed) {
			t.Errorf("%s after Close = %v, want ErrClosed", name, err)
		}
	}
	check("Append", err)
	_, err = s.ReadStream(ctx, stream, eventstore.ReadStreamOptions{})
	check("ReadStream", err)
	_, err = s.Head(ctx)
	check("Head", err)
	check("Verify", s.Verify(ctx, stream))
	check("VerifyAll", s.VerifyAll(ctx))
	for name, seq := range map[string]func(func(eventstore.RecordedEvent, error) bool){
		"ReadAll": s.ReadAll(ctx, 0, eventstore.Filter{}), "SubscribeAll": s.SubscribeAll(ctx, 0, eventstore.Filter{}),
	} {
		n := 0
		for _, err := range seq {
			n++
			check(name, err)
		}
		if n != 1 {
			t.Errorf("%s after Close yielded %d elements, want 1 error", name, n)
		}
	}
}
