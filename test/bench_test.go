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
		var next atomic.Int64
		lats := make([][]time.Duration, clients)
		var wg sync.WaitGroup
		b.ResetTimer()
		cpu0 := cpuTime()
		start := time.Now()
		for c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				conn, err := dialHTTP(env.HTTP.Listener.Addr().String())
				if err != nil {
					b.Error(err)
					return
				}
				defer conn.Close()
				req := rawPost(env.HTTP.Listener.Addr().String(), cases[c]+"/services", tok, body)
				for i := next.Add(1); i <= int64(b.N); i = next.Add(1) {
					t0 := time.Now()
					status, err := conn.do(req)
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
		elapsed := time.Since(start)
		b.StopTimer()
		b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
		b.ReportMetric(p99ms(slices.Concat(lats...)), "p99-ms")
		b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/event")
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
		b.ResetTimer()
		cpu0 := cpuTime()
		elapsed, _ := storetest.AppendConcurrently(b, s, clients, func(i int) eventstore.EventData {
			e := pool[i%len(pool)]
			e.ID = uuid.Must(uuid.NewV7())
			return e
		})
		b.StopTimer()
		b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
		b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/event")
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
