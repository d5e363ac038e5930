package test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
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
// JSON, validation, authentication and the fold cost. interleaved runs
// both in turns of recordTurn events, so that both see the same machine
// (its load moves between sub-benchmarks that run seconds apart), and
// reports their ratio.
func BenchmarkRecordService(b *testing.B) {
	const clients = 16
	b.Run("http_clients=16", func(b *testing.B) {
		rec := newRecorder(b, clients)
		b.ResetTimer()
		cpu0 := cpuTime()
		elapsed, lats := rec.run(b, b.N)
		b.StopTimer()
		b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
		b.ReportMetric(p99ms(lats), "p99-ms")
		b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/event")
		st := rec.env.Store.Stats()
		b.ReportMetric(float64(st.Appends)/float64(max(st.Commits, 1)), "appends/commit")
	})
	b.Run("store_append_writers=16", func(b *testing.B) {
		app := newStoreAppenders(b, clients)
		b.ResetTimer()
		cpu0 := cpuTime()
		elapsed, _ := app.run(b, b.N)
		b.StopTimer()
		b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
		b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/event")
	})
	b.Run("interleaved", func(b *testing.B) {
		rec, app := newRecorder(b, clients), newStoreAppenders(b, clients)
		var httpTime, storeTime time.Duration
		b.ResetTimer()
		for done := 0; done < b.N; done += recordTurn {
			n := min(recordTurn, b.N-done)
			t, _ := rec.run(b, n)
			httpTime += t
			t, _ = app.run(b, n)
			storeTime += t
		}
		b.StopTimer()
		b.ReportMetric(float64(b.N)/httpTime.Seconds(), "http-events/s")
		b.ReportMetric(float64(b.N)/storeTime.Seconds(), "store-events/s")
		b.ReportMetric(storeTime.Seconds()/httpTime.Seconds(), "ratio")
		st := rec.env.Store.Stats()
		b.ReportMetric(float64(st.Appends)/float64(max(st.Commits, 1)), "http-appends/commit")
	})
}

// recordTurn is the events each side records in a turn of the interleaved
// measurement: enough that the writer's batching settles within a turn.
const recordTurn = 2000

// recorder is BenchmarkRecordService's HTTP side: clients keep-alive
// connections, each recording services on a case of its own.
type recorder struct {
	env   *apitest.Env
	conns []*benchConn
	reqs  [][]byte
}

func newRecorder(b *testing.B, clients int) *recorder {
	b.Helper()
	env := apitest.Start(b)
	tok := env.Token(b, "worker")
	body, _ := json.Marshal(serviceBody("入户走访，了解老人近况并联系社区医生。"))
	addr := env.HTTP.Listener.Addr().String()
	r := &recorder{env: env}
	for range clients {
		conn, err := dialHTTP(addr)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { conn.Close() })
		r.conns = append(r.conns, conn)
		r.reqs = append(r.reqs, rawPost(addr, newCase(b, env, tok)+"/services", tok, body))
	}
	return r
}

// run records n services between the clients, returning the time it took
// and the latency of each.
func (r *recorder) run(b *testing.B, n int) (time.Duration, []time.Duration) {
	var next atomic.Int64
	lats := make([][]time.Duration, len(r.conns))
	var wg sync.WaitGroup
	start := time.Now()
	for c, conn := range r.conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1); i <= int64(n); i = next.Add(1) {
				t0 := time.Now()
				status, err := conn.do(r.reqs[c])
				if err != nil {
					b.Error(err)
					return
				}
				lats[c] = append(lats[c], time.Since(t0))
				if status != http.StatusOK {
					b.Errorf("status %d", status)
					return
				}
			}
		}()
	}
	wg.Wait()
	return time.Since(start), slices.Concat(lats...)
}

// storeAppenders is BenchmarkRecordService's baseline: the bare store's
// concurrent appends, as eventstore/sqlite's BenchmarkAppend measures
// them, of service events.
type storeAppenders struct {
	app  *storetest.Appenders
	pool []eventstore.EventData
}

func newStoreAppenders(b *testing.B, writers int) *storeAppenders {
	b.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "events.db"), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	a := &storeAppenders{app: storetest.NewAppenders(s, writers), pool: make([]eventstore.EventData, 64)}
	for i := range a.pool {
		a.pool[i] = storetest.Event(b, "ServiceDelivered")
	}
	return a
}

func (a *storeAppenders) run(b *testing.B, n int) (time.Duration, []time.Duration) {
	return a.app.Run(b, n, func(i int) eventstore.EventData {
		e := a.pool[i%len(a.pool)]
		e.ID = uuid.Must(uuid.NewV7())
		return e
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

// benchConn is a benchmark client's keep-alive HTTP/1.1 connection. The
// clients share the two cores and the heap with the server, where real
// clients would not: so each writes its request (the same bytes every
// time) and reads the response on its own goroutine, where net/http's
// Transport hands both to goroutines of its own, and reads the response
// without allocating, where http.ReadResponse builds a Response and a
// header map that the server's garbage collector would pay for.
type benchConn struct {
	net.Conn
	br *bufio.Reader
}

func dialHTTP(addr string) (*benchConn, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &benchConn{Conn: c, br: bufio.NewReader(c)}, nil
}

// rawPost is an HTTP/1.1 POST of a JSON body with a bearer token.
func rawPost(host, path, token string, body []byte) []byte {
	head := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"+
		"Authorization: Bearer %s\r\nContent-Length: %d\r\n\r\n", path, host, token, len(body))
	return append([]byte(head), body...)
}

// do sends req and reads the whole response, returning its status. The
// response must have a Content-Length (the API's answers to commands do).
func (c *benchConn) do(req []byte) (int, error) {
	if _, err := c.Write(req); err != nil {
		return 0, err
	}
	line, err := c.br.ReadSlice('\n')
	if err != nil {
		return 0, err
	}
	// "HTTP/1.1 200 OK\r\n"
	if len(line) < 14 || !bytes.HasPrefix(line, []byte("HTTP/1.1 ")) {
		return 0, fmt.Errorf("status line %q", line)
	}
	status, err := strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, fmt.Errorf("status line %q", line)
	}
	length := -1
	for {
		line, err := c.br.ReadSlice('\n')
		if err != nil {
			return 0, err
		}
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			break
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			return 0, fmt.Errorf("header line %q", line)
		}
		if bytes.EqualFold(name, []byte("Content-Length")) {
			if length, err = strconv.Atoi(string(bytes.TrimSpace(value))); err != nil {
				return 0, fmt.Errorf("header line %q", line)
			}
		}
	}
	if length < 0 {
		return 0, errors.New("response without Content-Length")
	}
	_, err = c.br.Discard(length)
	return status, err
}
