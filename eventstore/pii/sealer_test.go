package pii_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"casework/domain/casefile"
	"casework/domain/catalog"
	"casework/eventstore"
	"casework/eventstore/pii"
)

// household is a household check with names, a minor's name, incomes,
// assets and notes (the domain's golden sample).
func household(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "domain", "casefile", "testdata", "events", "HouseholdCheckRecorded.json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// plaintexts are values of the sample that must never appear sealed.
var plaintexts = []string{"张秀兰", "王小明", "城乡居民养老金", "活期存款", "住房为自建房", "120000", "500000", "60000"}

func masterKey(t testing.TB) []byte {
	t.Helper()
	k := make([]byte, pii.MasterKeySize)
	if _, err := rand.Read(k); err != nil {
		t.Fatal(err)
	}
	return k
}

func openKeys(t testing.TB, dir string, suite pii.Suite, master []byte, previous ...[]byte) *pii.SQLiteKeyStore {
	t.Helper()
	ks, err := pii.OpenKeyStore(context.Background(), filepath.Join(dir, "keys.db"), pii.KeyStoreOptions{Suite: suite, Master: master, Previous: previous})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ks.Close() })
	return ks
}

// sealed seals the sample under subject and returns it as recorded.
func sealed(t testing.TB, s *pii.Sealer, subject uuid.UUID) *eventstore.RecordedEvent {
	t.Helper()
	ev := eventstore.EventData{ID: uuid.New(), Type: casefile.EventHouseholdCheckRecorded, Data: household(t)}
	if err := s.Seal(context.Background(), subject, &ev); err != nil {
		t.Fatal(err)
	}
	return &eventstore.RecordedEvent{ID: ev.ID, Stream: "case-" + uuid.NewString(), Type: ev.Type, Data: ev.Data, Metadata: ev.Metadata}
}

func forEachSuite(t *testing.T, f func(t *testing.T, suite pii.Suite)) {
	for _, suite := range pii.Suites() {
		t.Run(suite.Name, func(t *testing.T) { f(t, suite) })
	}
}

func TestSeal_RoundTrip_OnlySensitiveFieldsSealed(t *testing.T) {
	forEachSuite(t, func(t *testing.T, suite pii.Suite) {
		s := pii.NewSealer(catalog.Registry(), openKeys(t, t.TempDir(), suite, masterKey(t)))
		subject := uuid.New()
		ev := sealed(t, s, subject)
		for _, p := range plaintexts {
			if bytes.Contains(ev.Data, []byte(p)) {
				t.Errorf("sealed payload contains %q: %s", p, ev.Data)
			}
		}
		for _, plain := range []string{`"visit_date":"2025-06-08"`, `"李明"`, `"outcome":"eligible"`, `"relation":"grandchild"`} {
			if !bytes.Contains(ev.Data, []byte(plain)) {
				t.Errorf("non-sensitive %s must stay plain: %s", plain, ev.Data)
			}
		}
		if pii.SubjectOf(&ev.Metadata) != subject {
			t.Fatalf("subject in metadata = %v", ev.Metadata.Extra)
		}
		got, err := s.Open(context.Background(), ev, pii.Decrypt)
		if err != nil {
			t.Fatal(err)
		}
		var want, have casefile.HouseholdCheckRecorded
		if err := json.Unmarshal(household(t), &want); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(got.Data, &have); err != nil {
			t.Fatal(err)
		}
		wb, _ := json.Marshal(want)
		hb, _ := json.Marshal(have)
		if !bytes.Equal(wb, hb) {
			t.Fatalf("round trip:\n got %s\nwant %s", hb, wb)
		}
		if got.Erased || len(got.Fields) != 7 {
			t.Fatalf("fields = %v, erased = %v", got.Fields, got.Erased)
		}
		red, err := s.Open(context.Background(), ev, pii.Redacted)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(red.Data, []byte(pii.RedactedMarker)) || bytes.Contains(red.Data, []byte("pii1.")) {
			t.Fatalf("redacted: %s", red.Data)
		}
	})
}

func TestOpen_TamperedOrMovedCiphertext_Refused(t *testing.T) {
	forEachSuite(t, func(t *testing.T, suite pii.Suite) {
		s := pii.NewSealer(catalog.Registry(), openKeys(t, t.TempDir(), suite, masterKey(t)))
		subject := uuid.New()
		ev := sealed(t, s, subject)

		flipped := *ev
		i := bytes.Index(ev.Data, []byte("pii1.")) + 12
		flipped.Data = append([]byte(nil), ev.Data...)
		flipped.Data[i] ^= 1
		if flipped.Data[i] == '"' || flipped.Data[i] == '\\' {
			flipped.Data[i] ^= 3
		}

		moved := *ev
		moved.ID = uuid.New() // the same ciphertext under another event

		other := *ev
		other.Metadata.Extra = map[string]string{pii.MetaSubject: uuid.NewString()}

		for name, bad := range map[string]*eventstore.RecordedEvent{"flipped": &flipped, "moved": &moved} {
			if _, err := s.Open(context.Background(), bad, pii.Decrypt); !errors.Is(err, pii.ErrTampered) {
				t.Errorf("%s: err = %v, want ErrTampered", name, err)
			}
		}
		if _, err := s.Open(context.Background(), &other, pii.Decrypt); !errors.Is(err, pii.ErrNoKey) {
			t.Errorf("unknown subject: err = %v, want ErrNoKey", err)
		}
	})
}

func TestForget_FieldsReadErased_KeyGoneFromFile_SecondForgetNoOp(t *testing.T) {
	forEachSuite(t, func(t *testing.T, suite pii.Suite) {
		dir := t.TempDir()
		ctx := context.Background()
		master := masterKey(t)
		ks := openKeys(t, dir, suite, master)
		s := pii.NewSealer(catalog.Registry(), ks)
		subject, keep := uuid.New(), uuid.New()
		ev := sealed(t, s, subject)
		kept := sealed(t, s, keep)
		wrapped := wrappedKey(t, dir, subject)
		if err := ks.Index(ctx, "resident_id", "110101199003071234", subject); err != nil {
			t.Fatal(err)
		}

		ok, err := ks.Forget(ctx, subject, time.Now())
		if err != nil || !ok {
			t.Fatalf("Forget = %v, %v", ok, err)
		}
		s.Evict(subject)
		if again, err := ks.Forget(ctx, subject, time.Now()); err != nil || again {
			t.Fatalf("second Forget = %v, %v; want a no-op", again, err)
		}

		for mode, marker := range map[pii.Mode]string{pii.Display: pii.ErasedMarker, pii.Redacted: pii.ErasedMarker} {
			o, err := s.Open(ctx, ev, mode)
			if err != nil || !o.Erased || !bytes.Contains(o.Data, []byte(marker)) || bytes.Contains(o.Data, []byte("pii1.")) {
				t.Fatalf("mode %d: %s, erased %v, err %v", mode, o.Data, o.Erased, err)
			}
		}
		o, err := s.Open(ctx, ev, pii.Decrypt)
		if err != nil {
			t.Fatal(err)
		}
		var p casefile.HouseholdCheckRecorded
		if err := json.Unmarshal(o.Data, &p); err != nil || p.Notes != "" || p.Members[0].Name != "" || p.Eligibility.Outcome != "eligible" {
			t.Fatalf("decrypt after forget: %+v, %v", p, err)
		}
		if _, err := s.Open(ctx, kept, pii.Decrypt); err != nil {
			t.Fatalf("another subject must stay readable: %v", err)
		}
		if ids, err := ks.Lookup(ctx, "resident_id", "110101199003071234"); err != nil || len(ids) != 0 {
			t.Fatalf("index after forget = %v, %v", ids, err)
		}
		if _, err := ks.DataKey(ctx, subject, true); !errors.Is(err, pii.ErrForgotten) {
			t.Fatalf("a forgotten subject gets no new key: %v", err)
		}
		ks.Close()
		for _, f := range mustGlob(t, filepath.Join(dir, "*")) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(b, wrapped) {
				t.Errorf("%s still holds the forgotten (wrapped) key", f)
			}
		}
		// A new process sees the subject forgotten.
		s2 := pii.NewSealer(catalog.Registry(), openKeys(t, dir, suite, master))
		if o, err := s2.Open(ctx, ev, pii.Display); err != nil || !o.Erased {
			t.Fatalf("after reopen: %v, %v", o.Erased, err)
		}
	})
}

// wrappedKey reads subject's wrapped key straight from the file.
func wrappedKey(t testing.TB, dir string, subject uuid.UUID) []byte {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "keys.db")+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var w []byte
	if err := db.QueryRow("SELECT wrapped FROM subject_keys WHERE subject = ?", subject.String()).Scan(&w); err != nil || len(w) < 32 {
		t.Fatalf("wrapped key: %v", err)
	}
	return w
}

func mustGlob(t testing.TB, pattern string) []string {
	t.Helper()
	m, err := filepath.Glob(pattern)
	if err != nil || len(m) == 0 {
		t.Fatalf("glob %s: %v %v", pattern, m, err)
	}
	return m
}

func TestKeyStore_WrongMasterRefused_RotateKeepsKeys(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	old := masterKey(t)
	ks := openKeys(t, dir, pii.GM, old)
	subject := uuid.New()
	key, err := ks.DataKey(ctx, subject, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := ks.Index(ctx, "resident_id", "x", subject); err != nil {
		t.Fatal(err)
	}
	ks.Close()

	if _, err := pii.OpenKeyStore(ctx, filepath.Join(dir, "keys.db"), pii.KeyStoreOptions{Master: masterKey(t)}); !errors.Is(err, pii.ErrWrongMaster) {
		t.Fatalf("wrong master: %v", err)
	}
	if _, err := pii.OpenKeyStore(ctx, filepath.Join(dir, "keys.db"), pii.KeyStoreOptions{Suite: pii.Intl, Master: old}); err == nil ||
		!strings.Contains(err.Error(), "gm suite") {
		t.Fatalf("suite mismatch: %v", err)
	}

	next := masterKey(t)
	ks = openKeys(t, dir, pii.Suite{}, next, old)
	if ks.Suite().Name != "gm" {
		t.Fatalf("suite = %s", ks.Suite().Name)
	}
	if n, err := ks.Rotate(ctx); err != nil || n != 1 {
		t.Fatalf("Rotate = %d, %v", n, err)
	}
	ks.Close()
	ks = openKeys(t, dir, pii.Suite{}, next)
	got, err := ks.DataKey(ctx, subject, false)
	if err != nil || !bytes.Equal(got, key) {
		t.Fatalf("key after rotation: %v", err)
	}
	if ids, err := ks.Lookup(ctx, "resident_id", "x"); err != nil || len(ids) != 1 || ids[0] != subject {
		t.Fatalf("index after rotation: %v %v", ids, err)
	}
}
