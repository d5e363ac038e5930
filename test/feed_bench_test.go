package test

import (
	"bufio"
	"bytes"
	"context"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"casework/api/apitest"
	"casework/projections/feed/feedtest"
)

// BenchmarkFeed_AppendToSSELatency measures, with 200 SSE clients of the
// referral feed connected (one station supervisor each, every one in
// scope), the time from an append's acknowledgement to the event's frame
// reaching each client, while referrals are appended at 1,000 a second
// for 3 seconds. It reports the percentiles over every (event, client)
// pair; every client must get every event.
func BenchmarkFeed_AppendToSSELatency(b *testing.B) {
	const clients, rate, seconds = 200, 1000, 3
	env := apitest.Start(b)
	log := &feedtest.Log{Store: env.Store, Units: env.Units}
	tok := env.Token(b, "supervisor")
	tr := &http.Transport{MaxIdleConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr}

	for b.Loop() {
		ctx, cancel := context.WithCancel(context.Background())
		start, err := env.Store.Head(ctx)
		if err != nil {
			b.Fatal(err)
		}
		const total = rate * seconds
		recv := make([][]time.Time, clients) // [client][position-start-1]
		var ready, done sync.WaitGroup
		ready.Add(clients)
		done.Add(clients)
		for c := range clients {
			recv[c] = make([]time.Time, total+1024)
			go func() {
				defer done.Done()
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, env.HTTP.URL+"/api/v1/feed/referrals", nil)
				req.Header.Set("Authorization", "Bearer "+tok)
				resp, err := hc.Do(req)
				if err != nil || resp.StatusCode != http.StatusOK {
					b.Errorf("client %d: %v %v", c, err, resp)
					ready.Done()
					return
				}
				defer resp.Body.Close()
				rd := bufio.NewReaderSize(resp.Body, 64<<10)
				readied := false
				got := 0
				for {
					line, err := rd.ReadSlice('\n')
					if err != nil {
						return
					}
					if !readied && bytes.HasPrefix(line, []byte(": casework")) {
						readied = true
						ready.Done()
					}
					if !bytes.HasPrefix(line, []byte("id: ")) {
						continue
					}
					now := time.Now()
					pos, _ := strconv.ParseUint(string(bytes.TrimSpace(line[4:])), 10, 64)
					if i := int(pos - start - 1); i >= 0 && i < len(recv[c]) {
						recv[c][i] = now
					}
					if got++; got == total {
						return
					}
				}
			}()
		}
		ready.Wait()

		// Appends at the rate, from a few writers so that one slow
		// commit does not hold the schedule back.
		acked := make([]time.Time, total+1024)
		jobs := make(chan struct{}, total)
		var writers sync.WaitGroup
		for range 8 {
			writers.Add(1)
			go func() {
				defer writers.Done()
				for range jobs {
					_, pos := log.ReferralAt(feedtest.Async(b), "station", "agency")
					if i := int(pos - start - 1); i >= 0 && i < len(acked) {
						acked[i] = time.Now()
					}
				}
			}()
		}
		tick := time.NewTicker(time.Second / rate)
		for range total {
			<-tick.C
			jobs <- struct{}{}
		}
		tick.Stop()
		close(jobs)
		writers.Wait()
		waited := make(chan struct{})
		go func() { done.Wait(); close(waited) }()
		select {
		case <-waited:
		case <-time.After(30 * time.Second):
			b.Fatal("clients did not get every event within 30s")
		}
		cancel()

		var lat []time.Duration
		for c := range clients {
			for i := range total {
				if acked[i].IsZero() || recv[c][i].IsZero() {
					b.Fatalf("client %d lacks event %d", c, i)
				}
				lat = append(lat, max(0, recv[c][i].Sub(acked[i])))
			}
		}
		slices.Sort(lat)
		ms := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))].Microseconds()) / 1000 }
		b.ReportMetric(ms(0.50), "p50_ms")
		b.ReportMetric(ms(0.99), "p99_ms")
		b.ReportMetric(ms(1), "max_ms")
		b.ReportMetric(float64(len(lat)), "frames")
	}
}
