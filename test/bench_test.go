package test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"casework/api/apitest"
	"casework/eventstore"
	"casework/eventstore/sqlite"
	"casework/eventstore/storetest"
)

func p99ms(lat []time.Duration) float64 {
	if len(lat) == 0 {
		return 0
	}
	slices.Sort(lat)
	return float64(lat[len(lat)*99/100].Microseconds()) / 1000
}

// BenchmarkRecordService records services over HTTP from 16 concurrent
// clients (each on its own case) on the embedded default, beside
// store_append_writers=16, the same measurement as eventstore/sqlite's
// BenchmarkAppend/writers=16, in the same run: their ratio is what HTTP,
// JSON, validation, authentication and the fold cost.
func BenchmarkRecordService(b *testing.B) {
	const clients = 16
	b.Run("http_clients=16", func(b *testing.B) {
		env := apitest.Start(b)
		tok := env.Token(b, "worker")
		cases := make([]string, clients)
		for i := range cases {
			cases[i] = newCase(b, env, tok)
		}
		body, _ := json.Marshal(serviceBody("入户走访，了解老人近况并联系社区医生。"))
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients * 2}}
		var next atomic.Int64
		lats := make([][]time.Duration, clients)
		var wg sync.WaitGroup
		b.ResetTimer()
		start := time.Now()
		for c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// The client shares the cores with the server: it parses
				// its URL and builds its headers once and reuses them
				// (the transport only reads them), a fresh body each time.
				u, err := url.Parse(env.HTTP.URL + cases[c] + "/services")
				if err != nil {
					b.Error(err)
					return
				}
				hdr := http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer " + tok}}
				getBody := func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
				for i := next.Add(1); i <= int64(b.N); i = next.Add(1) {
					rd, _ := getBody()
					req := &http.Request{Method: http.MethodPost, URL: u, Host: u.Host, Header: hdr,
						Body: rd, GetBody: getBody, ContentLength: int64(len(body))}
					t0 := time.Now()
					resp, err := client.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					lats[c] = append(lats[c], time.Since(t0))
					if resp.StatusCode != http.StatusOK {
						b.Errorf("status %d", resp.StatusCode)
						return
					}
				}
			}()
		}
		wg.Wait()
		elapsed := time.Since(start)
		b.StopTimer()
		b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
		b.ReportMetric(p99ms(slices.Concat(lats...)), "p99-ms")
		st := env.Store.Stats()
		b.ReportMetric(float64(st.Appends)/float64(max(st.Commits, 1)), "appends/commit")
	})
	b.Run("store_append_writers=16", func(b *testing.B) {
		s, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "events.db"), sqlite.Options{})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		pool := make([]eventstore.EventData, 64)
		for i := range pool {
			pool[i] = storetest.Event(b, "ServiceDelivered")
		}
		var next atomic.Int64
		var wg sync.WaitGroup
		b.ResetTimer()
		start := time.Now()
		for range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				stream := eventstore.StreamName("case", uuid.Must(uuid.NewV7()))
				exp := eventstore.NoStream
				for i := next.Add(1); i <= int64(b.N); i = next.Add(1) {
					e := pool[i%int64(len(pool))]
					e.ID = uuid.Must(uuid.NewV7())
					res, err := s.Append(context.Background(), stream, exp, e)
					if err != nil {
						b.Error(err)
						return
					}
					exp = eventstore.Exact(res.LastRevision)
				}
			}()
		}
		wg.Wait()
		elapsed := time.Since(start)
		b.StopTimer()
		b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
	})
}

// BenchmarkGetCase reads a case of 200 events over HTTP.
func BenchmarkGetCase(b *testing.B) {
	env := apitest.Start(b)
	tok := env.Token(b, "worker")
	c := newCase(b, env, tok)
	for i := range 199 {
		post(b, env, tok, c+"/services", serviceBody(fmt.Sprintf("第%d次服务", i)), http.StatusOK)
	}
	if got := readCase(b, env, tok, c); got.Revision != 199 {
		b.Fatalf("revision %d", got.Revision)
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		r := env.Do(b, tok, http.MethodGet, c, nil, nil)
		lat = append(lat, time.Since(t0))
		if r.Status != http.StatusOK {
			b.Fatal(r.Status)
		}
	}
	b.StopTimer()
	b.ReportMetric(p99ms(lat), "p99-ms")
}
