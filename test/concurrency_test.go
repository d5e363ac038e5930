package test

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"casework/api/apitest"
)

func serviceBody(note string) map[string]any {
	return map[string]any{"method": "casework", "kind": "home_visit", "occurred_on": daysAgo(0), "duration_minutes": 30, "notes": note}
}

// Two workers record services on one case at once without If-Match: both
// land (the loser of the race is retried on fresh state). With a stale
// If-Match the second is refused with 412 and the current revision.
func TestCase_ConcurrentServices(t *testing.T) {
	env := apitest.Start(t)
	w1, w2 := env.Token(t, "worker"), env.Token(t, "worker2")
	c := newCase(t, env, w1)
	const rounds = 10
	var wg sync.WaitGroup
	errs := make(chan string, 2*rounds)
	for _, tok := range []string{w1, w2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range rounds {
				r := env.Do(t, tok, http.MethodPost, c+"/services", serviceBody("同时记录"), nil)
				if r.Status != http.StatusOK {
					errs <- string(r.Body)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if got := readCase(t, env, w1, c); got.ServicesDelivered != 2*rounds || got.Revision != 2*rounds {
		t.Fatalf("after concurrent services: %+v", got)
	}

	// Both read revision 20; the first write wins, the second is stale.
	etag := `"20"`
	post(t, env, w1, c+"/services", serviceBody("第一"), http.StatusOK, "If-Match", etag)
	h0 := env.Head(t)
	r := post(t, env, w2, c+"/services", serviceBody("第二"), http.StatusPreconditionFailed, "If-Match", etag)
	if !isProblem(r) || !strings.Contains(string(r.Body), `"revision":21`) {
		t.Fatalf("stale If-Match: %s", r.Body)
	}
	if env.Head(t) != h0 {
		t.Fatal("a refused command appended")
	}
}

// A retried POST with the same Idempotency-Key appends nothing and answers
// the original response, also after a restart; the same key with another
// body is refused.
func TestIdempotency_RetryAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	env := apitest.StartAt(t, dir, true)
	w := env.Token(t, "worker")
	body := openCase(env, env.Units["station"].String())
	first := post(t, env, w, "/api/v1/cases", body, http.StatusCreated, "Idempotency-Key", "intake-7781")
	again := post(t, env, w, "/api/v1/cases", body, http.StatusCreated, "Idempotency-Key", "intake-7781")
	if string(first.Body) != string(again.Body) || again.Header.Get("Location") != first.Header.Get("Location") {
		t.Fatalf("retry answered %s, first %s", again.Body, first.Body)
	}
	h0 := env.Head(t)
	loc := first.Header.Get("Location")
	svc := post(t, env, w, loc+"/services", serviceBody("一次"), http.StatusOK, "Idempotency-Key", "svc-1")

	// Restart on the same data dir.
	env.HTTP.Close()
	env.Svc.Close()
	env.Store.Close()
	env2 := apitest.StartAt(t, dir, false)
	w = env2.Token(t, "worker")
	h1 := env2.Head(t)
	if h1 <= h0 {
		t.Fatalf("head %d after the service, before %d", h1, h0)
	}
	r := post(t, env2, w, "/api/v1/cases", body, http.StatusCreated, "Idempotency-Key", "intake-7781")
	if string(r.Body) != string(first.Body) || r.Header.Get("Idempotency-Replayed") != "true" {
		t.Fatalf("after restart: %s (first %s)", r.Body, first.Body)
	}
	r = post(t, env2, w, loc+"/services", serviceBody("一次"), http.StatusOK, "Idempotency-Key", "svc-1")
	if string(r.Body) != string(svc.Body) || r.Header.Get("ETag") != svc.Header.Get("ETag") {
		t.Fatalf("service retry after restart: %s (first %s)", r.Body, svc.Body)
	}
	if env2.Head(t) != h1 {
		t.Fatal("a retry appended")
	}
	if got := readCase(t, env2, w, loc); got.ServicesDelivered != 1 {
		t.Fatalf("services delivered: %d", got.ServicesDelivered)
	}
	// Same key, other body.
	r = post(t, env2, w, loc+"/services", serviceBody("两次"), http.StatusUnprocessableEntity, "Idempotency-Key", "svc-1")
	if !strings.Contains(string(r.Body), "idempotency_key.same_request") {
		t.Fatalf("reused key: %s", r.Body)
	}
	// Keys are per account: another worker's same key is a new request.
	w2 := env2.Token(t, "worker2")
	post(t, env2, w2, loc+"/services", serviceBody("一次"), http.StatusOK, "Idempotency-Key", "svc-1")
}
