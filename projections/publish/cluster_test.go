package publish_test

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"casework/projections/feed/feedtest"
	"casework/projections/projtest"
	"casework/projections/publish"
)

// freePorts reserves n loopback ports for the cluster's routes.
func freePorts(tb testing.TB, n int) []int {
	tb.Helper()
	var ls []net.Listener
	var out []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			tb.Fatal(err)
		}
		ls = append(ls, l)
		out = append(out, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range ls {
		l.Close()
	}
	return out
}

// startCluster forms a JetStream cluster of n nodes on loopback, in
// process, and waits for its meta leader.
func startCluster(tb testing.TB, n int) []*server.Server {
	tb.Helper()
	ports := freePorts(tb, n)
	var routes []*url.URL
	for _, p := range ports {
		routes = append(routes, &url.URL{Scheme: "nats-route", Host: fmt.Sprintf("127.0.0.1:%d", p)})
	}
	nodes := make([]*server.Server, n)
	for i := range nodes {
		ns, err := server.NewServer(&server.Options{
			ServerName: fmt.Sprintf("n%d", i+1), Host: "127.0.0.1", Port: server.RANDOM_PORT,
			JetStream: true, StoreDir: tb.TempDir(), NoSigs: true, NoLog: true,
			Cluster: server.ClusterOpts{Name: "casework", Host: "127.0.0.1", Port: ports[i]}, Routes: routes,
		})
		if err != nil {
			tb.Fatal(err)
		}
		ns.Start()
		nodes[i] = ns
		tb.Cleanup(func() { ns.Shutdown(); ns.WaitForShutdown() })
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		leader := false
		for _, ns := range nodes {
			leader = leader || ns.JetStreamIsLeader()
		}
		if leader {
			break
		}
		if time.Now().After(deadline) {
			tb.Fatal("the cluster elected no JetStream meta leader within 30s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	return nodes
}

func clientURLs(nodes []*server.Server) string {
	var us []string
	for _, ns := range nodes {
		us = append(us, ns.ClientURL())
	}
	return strings.Join(us, ",")
}

// A three-node cluster with an R3 stream loses the stream's leader while
// the forwarder publishes under load: publication goes on through the new
// leader and no event is lost or doubled.
func TestForwarder_ThreeNodeCluster_LeaderShutDownMidLoad_NothingLost(t *testing.T) {
	nodes := startCluster(t, 3)
	st := projtest.OpenStore(t, t.TempDir())
	log := feedtest.New(t, st)
	log.Referrals(t, 500, "stationA1", "agencyA")

	nc, err := nats.Connect(clientURLs(nodes), nats.MaxReconnects(-1), nats.ReconnectWait(50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	r := runForwarder(t, st, nc, publish.Config{Replicas: 3, AckTimeout: 2 * time.Second, Window: 512})
	defer r.stop(t)

	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 20 {
			log.Referrals(feedtest.Async(t), 100, "stationB1", "agencyB")
		}
	}()
	waitAcked(t, r.fw, head(t, st)/2)
	var survivors []*server.Server
	killed := false
	for _, ns := range nodes {
		if !killed && ns.JetStreamIsStreamLeader(server.DEFAULT_GLOBAL_ACCOUNT, publish.DefaultStream) {
			ns.Shutdown()
			killed = true
			continue
		}
		survivors = append(survivors, ns)
	}
	if !killed {
		t.Fatal("no node leads the stream")
	}
	wg.Wait()
	n := head(t, st)
	waitAcked(t, r.fw, n)

	check, err := nats.Connect(clientURLs(survivors))
	if err != nil {
		t.Fatal(err)
	}
	defer check.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	js, _ := jetstream.New(check)
	s, err := js.Stream(ctx, publish.DefaultStream)
	if err != nil {
		t.Fatal(err)
	}
	if info, err := s.Info(ctx); err != nil || info.Config.Replicas != 3 {
		t.Fatalf("stream info %+v, %v: want R3", info, err)
	}
	assertExactlyOnce(t, positions(t, streamMsgs(t, check, publish.DefaultStream)), n)
	t.Logf("stats after the leader's loss: %+v", r.fw.Stats())
}
