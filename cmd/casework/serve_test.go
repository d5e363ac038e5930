package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"casework/cmd/casework/internal/demo"
	"casework/eventstore/pii"
	"casework/eventstore/sqlite"
)

// node is a casework node run in process by run.
type node struct {
	base   string
	cancel context.CancelFunc
	done   chan error
	out    *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startNode runs cfg on a loopback port and waits until /readyz answers 200.
func startNode(tb testing.TB, cfg Config) *node {
	tb.Helper()
	return startNodeLog(tb, cfg, io.Discard)
}

// startNodeLog is startNode with the node's log written to logw.
func startNodeLog(tb testing.TB, cfg Config, logw io.Writer) *node {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	n := &node{cancel: cancel, done: make(chan error, 1), out: &syncBuffer{}}
	addr := make(chan net.Addr, 1)
	go func() { n.done <- run(ctx, cfg, n.out, logw, func(a net.Addr) { addr <- a }) }()
	select {
	case a := <-addr:
		n.base = "http://" + a.String()
	case err := <-n.done:
		cancel()
		tb.Fatalf("run: %v", err)
	case <-time.After(60 * time.Second):
		cancel()
		tb.Fatal("node did not start listening")
	}
	tb.Cleanup(func() { n.stop(tb) })
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(n.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return n
			}
		}
		if time.Now().After(deadline) {
			tb.Fatalf("node not ready: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop cancels the node's context (what SIGTERM does) and requires a
// clean return; it is safe to call twice.
func (n *node) stop(tb testing.TB) {
	tb.Helper()
	if n.cancel == nil {
		return
	}
	n.cancel()
	n.cancel = nil
	select {
	case err := <-n.done:
		if err != nil {
			tb.Errorf("run returned %v after shutdown", err)
		}
	case <-time.After(30 * time.Second):
		tb.Error("run did not return after shutdown")
	}
}

func (n *node) do(tb testing.TB, method, path, token string, body any) (int, []byte) {
	tb.Helper()
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, n.base+path, rd)
	if err != nil {
		tb.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func demoConfig(dir string) Config {
	cfg := defaultConfig()
	cfg.Data = dir
	cfg.Listen = "127.0.0.1:0"
	cfg.NATSListen = "127.0.0.1:0"
	cfg.Demo = true
	cfg.LogLevel = "warn"
	cfg.ShutdownGrace = 5 * time.Second
	return cfg
}

func storeHead(tb testing.TB, dir string) uint64 {
	tb.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "events.db"), sqlite.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	defer st.Close()
	h, err := st.Head(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

func TestServe_Demo_HealthMetricsAndEveryDemoLogin(t *testing.T) {
	dir := t.TempDir()
	n := startNode(t, demoConfig(dir))

	if code, body := n.do(t, http.MethodGet, "/healthz", "", nil); code != http.StatusOK {
		t.Fatalf("/healthz: %d %s", code, body)
	}
	for _, a := range demo.Accounts() {
		if !strings.Contains(n.out.String(), a.Username) {
			t.Errorf("banner does not list %s:\n%s", a.Username, n.out.String())
		}
		code, body := n.do(t, http.MethodPost, "/api/v1/auth/token", "", map[string]string{"username": a.Username, "password": demo.Password})
		if code != http.StatusOK {
			t.Fatalf("login %s: %d %s", a.Username, code, body)
		}
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		if err := json.Unmarshal(body, &tok); err != nil || tok.AccessToken == "" {
			t.Fatalf("login %s: no token in %s", a.Username, body)
		}
		code, body = n.do(t, http.MethodGet, "/api/v1/me", tok.AccessToken, nil)
		var me struct {
			Username    string `json:"username"`
			Role        string `json:"role"`
			OrgUnitName string `json:"org_unit_name"`
		}
		_ = json.Unmarshal(body, &me)
		if code != http.StatusOK || me.Username != a.Username || me.Role != string(a.Role) || me.OrgUnitName != a.UnitName {
			t.Errorf("/me as %s: %d %s", a.Username, code, body)
		}
	}
	if code, _ := n.do(t, http.MethodPost, "/api/v1/auth/token", "", map[string]string{"username": "worker", "password": "wrong-password"}); code != http.StatusUnauthorized {
		t.Errorf("wrong password: %d, want 401", code)
	}

	code, body := n.do(t, http.MethodGet, "/metrics", "", nil)
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d", code)
	}
	for _, want := range []string{
		`casework_http_requests_total{method="POST",route="/api/v1/auth/token",status="200"} 8`,
		`casework_http_requests_total{method="POST",route="/api/v1/auth/token",status="401"} 1`,
		"casework_http_request_duration_seconds_bucket",
		"casework_sqlite_commits_total",
		"casework_sqlite_events_total",
		"casework_append_conflicts_total",
		"casework_command_retries_total",
	} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("/metrics lacks %q", want)
		}
	}

	fi, err := os.Stat(filepath.Join(dir, "signing.key"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 || fi.Size() != signingKeySize {
		t.Errorf("signing.key: mode %v size %d, want 0600 and %d bytes", fi.Mode().Perm(), fi.Size(), signingKeySize)
	}
	n.stop(t)
}

func TestServe_SecondDemoStart_AppendsNothingAndKeepsTheKey(t *testing.T) {
	dir := t.TempDir()
	n := startNode(t, demoConfig(dir))
	n.stop(t)
	key1, _ := os.ReadFile(filepath.Join(dir, "signing.key"))
	head1 := storeHead(t, dir)
	if head1 < 500 {
		t.Fatalf("demo seed wrote %d events, want hundreds", head1)
	}

	n = startNode(t, demoConfig(dir))
	if code, body := n.do(t, http.MethodPost, "/api/v1/auth/token", "", map[string]string{"username": "supervisor", "password": demo.Password}); code != http.StatusOK {
		t.Fatalf("login after restart: %d %s", code, body)
	}
	n.stop(t)
	if head2 := storeHead(t, dir); head2 != head1 {
		t.Errorf("second seed moved the head from %d to %d", head1, head2)
	}
	if key2, _ := os.ReadFile(filepath.Join(dir, "signing.key")); !bytes.Equal(key1, key2) {
		t.Error("the signing key changed across a restart")
	}
}

func TestServe_NoDemo_NoAccounts(t *testing.T) {
	cfg := demoConfig(t.TempDir())
	cfg.Demo = false
	n := startNode(t, cfg)
	if code, _ := n.do(t, http.MethodPost, "/api/v1/auth/token", "", map[string]string{"username": "worker", "password": demo.Password}); code != http.StatusUnauthorized {
		t.Errorf("demo login without --demo: %d, want 401", code)
	}
	if strings.Contains(n.out.String(), demo.Password) {
		t.Error("the demo banner was printed without --demo")
	}
}

func TestServe_InFlightRequestFinishesOnShutdown(t *testing.T) {
	cfg := demoConfig(t.TempDir())
	cfg.Demo = false
	n := startNode(t, cfg)
	// A login costs an argon2id hash: it is in flight when the stop comes.
	res := make(chan int, 1)
	go func() {
		code, _ := n.do(t, http.MethodPost, "/api/v1/auth/token", "", map[string]string{"username": "nobody", "password": "some-password"})
		res <- code
	}()
	time.Sleep(5 * time.Millisecond)
	n.stop(t)
	select {
	case code := <-res:
		if code != http.StatusUnauthorized {
			t.Errorf("in-flight request: %d, want 401", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("in-flight request did not finish")
	}
	if _, err := http.Get(n.base + "/healthz"); err == nil {
		t.Error("the node still accepts connections after shutdown")
	}
}

func TestServe_BadConfig_Refused(t *testing.T) {
	for _, tc := range []struct {
		name string
		mod  func(*Config)
		want string
	}{
		{"unknown store", func(c *Config) { c.Store = "postgres" }, "--store"},
		{"kurrentdb without url", func(c *Config) { c.Store = storeKurrentDB }, "--kurrentdb-url"},
		{"log format", func(c *Config) { c.LogFormat = "xml" }, "--log-format"},
		{"log level", func(c *Config) { c.LogLevel = "loud" }, "--log-level"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := defaultConfig()
			tc.mod(&cfg)
			err := cfg.validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("validate: %v, want an error naming %s", err, tc.want)
			}
		})
	}
}

func TestServeCmd_FlagsOverEnvOverDefaults(t *testing.T) {
	env := map[string]string{"CASEWORK_DATA": "/srv/casework", "CASEWORK_LISTEN": ":9000", "CASEWORK_LOG_FORMAT": "json", "CASEWORK_DEMO": "true"}
	getenv := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	var got Config
	root := newRootCmd(getenv, func(_ context.Context, cfg Config) error { got = cfg; return nil })
	root.SetArgs([]string{"serve", "--listen", "127.0.0.1:9001", "--store", "kurrentdb", "--kurrentdb-url", "esdb://db:2113?tls=false"})
	root.SetOut(io.Discard)
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	want := defaultConfig()
	want.Data, want.Listen, want.LogFormat, want.Demo = "/srv/casework", "127.0.0.1:9001", "json", true
	want.Store, want.KurrentDBURL = storeKurrentDB, "esdb://db:2113?tls=false"
	if got != want {
		t.Errorf("config:\n got %+v\nwant %+v", got, want)
	}
}

func TestServeCmd_BadEnv_Refused(t *testing.T) {
	getenv := func(k string) (string, bool) {
		if k == "CASEWORK_TOKEN_TTL" {
			return "eight hours", true
		}
		return "", false
	}
	root := newRootCmd(getenv, func(context.Context, Config) error { return nil })
	root.SetArgs([]string{"serve"})
	root.SetOut(io.Discard)
	root.SetErr(io.Discard)
	if err := root.Execute(); err == nil || !strings.Contains(err.Error(), "CASEWORK_TOKEN_TTL") {
		t.Errorf("execute: %v, want an error naming CASEWORK_TOKEN_TTL", err)
	}
}

func TestLoadStandards_FileOrDemoTable(t *testing.T) {
	def, err := loadStandards("")
	if err != nil || len(def) == 0 {
		t.Fatalf("demo table: %v %v", def, err)
	}
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	os.WriteFile(good, []byte(`[{"rule_id":"x","version":1,"county":"330112","effective_from":"2026-01-01","monthly_per_capita":132000}]`), 0o600)
	got, err := loadStandards(good)
	if err != nil || len(got) != 1 || got[0].MonthlyPerCapita != 132000 {
		t.Errorf("file: %v %v", got, err)
	}
	for name, body := range map[string]string{
		"unknown field": `[{"rule_id":"x","version":1,"county":"330112","effective_from":"2026-01-01","monthly_per_capita":1,"extra":1}]`,
		"no amount":     `[{"rule_id":"x","version":1,"county":"330112","effective_from":"2026-01-01"}]`,
		"empty":         `[]`,
		"bad county":    `[{"rule_id":"x","version":1,"county":"33011","effective_from":"2026-01-01","monthly_per_capita":1}]`,
	} {
		p := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".json")
		os.WriteFile(p, []byte(body), 0o600)
		if _, err := loadStandards(p); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestLoadSigningKey_ShortFileRefused(t *testing.T) {
	p := filepath.Join(t.TempDir(), "k")
	os.WriteFile(p, []byte("short"), 0o600)
	if _, err := loadSigningKey(p); err == nil || !strings.Contains(err.Error(), fmt.Sprint(signingKeySize)) {
		t.Errorf("short key: %v", err)
	}
}

func TestLoadMasterKeys_WrongLengthRefused(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string][]byte{
		"hex text": []byte(strings.Repeat("ab", pii.MasterKeySize)),
		"short":    []byte("short"),
	} {
		p := filepath.Join(dir, strings.ReplaceAll(name, " ", "_"))
		os.WriteFile(p, body, 0o600)
		if _, _, err := loadMasterKeys(p); err == nil || !strings.Contains(err.Error(), "32") {
			t.Errorf("%s: %v, want refused", name, err)
		}
	}
	p := filepath.Join(dir, "fresh")
	m, prev, err := loadMasterKeys(p)
	if err != nil || len(m) != pii.MasterKeySize || len(prev) != 0 {
		t.Fatalf("fresh key: %d bytes, %d previous, %v", len(m), len(prev), err)
	}
	again, _, err := loadMasterKeys(p)
	if err != nil || !bytes.Equal(again, m) {
		t.Fatalf("the key generated on first start is not the one read back: %v", err)
	}
}
