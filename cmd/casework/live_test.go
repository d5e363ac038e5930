package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// A referral carrying a client's name and phone reaches the supervisor's
// SSE feed and the JetStream stream of the embedded server, and neither
// the SSE frame nor the JetStream message carries the name or the phone.
func TestServe_ReferralPublishedOnSSEAndNATS_WithoutNameOrPhone(t *testing.T) {
	const name, phone = "欧阳春花", "13712345678"
	cfg := demoConfig(t.TempDir())
	cfg.NATSListen = fmt.Sprintf("127.0.0.1:%d", freePort(t))
	n := startNode(t, cfg)
	worker, sup, agency := login(t, n, "worker"), login(t, n, "supervisor"), login(t, n, "agency")

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, n.base+"/api/v1/feed/referrals", nil)
	req.Header.Set("Authorization", "Bearer "+sup)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("feed: %v %v", resp, err)
	}
	defer resp.Body.Close()

	code, body := n.do(t, http.MethodPost, "/api/v1/cases", worker, map[string]any{
		"source": "walk_in", "domain": "elderly_care", "household": map[string]any{"county": "330112", "size": 2},
		"client": map[string]any{"name": name, "gender": "female", "birth_date": "1952-05-01", "phone": phone},
	})
	if code != http.StatusCreated {
		t.Fatalf("open case: %d %s", code, body)
	}
	var c struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(body, &c)
	_, me := n.do(t, http.MethodGet, "/api/v1/me", agency, nil)
	var a struct {
		OrgUnit string `json:"org_unit"`
	}
	_ = json.Unmarshal(me, &a)
	code, body = n.do(t, http.MethodPost, "/api/v1/cases/"+c.ID+"/referrals", worker, map[string]any{
		"to_agency_id": a.OrgUnit, "needs": "需要慈善医疗救助", "priority": "urgent", "share_client_phone": true,
		"consent":  map[string]any{"given": true, "given_by": name, "given_at": time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)},
		"due_date": time.Now().AddDate(0, 0, 14).Format("2006-01-02"),
	})
	if code != http.StatusCreated {
		t.Fatalf("refer: %d %s", code, body)
	}
	var ref struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(body, &ref)

	// The SSE frame.
	sc := bufio.NewScanner(resp.Body)
	var frame, id string
	for sc.Scan() && frame == "" {
		line := sc.Text()
		if strings.HasPrefix(line, "id: ") {
			id = line[4:]
		}
		if strings.HasPrefix(line, "data: ") && strings.Contains(line, ref.ID) {
			frame = line
		}
	}
	if frame == "" {
		t.Fatalf("no SSE frame for referral %s: %v", ref.ID, sc.Err())
	}

	// The JetStream message.
	nc, err := nats.Connect(fmt.Sprintf("nats://%s", cfg.NATSListen))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	var msg *jetstream.RawStreamMsg
	for msg == nil {
		s, err := js.Stream(ctx, "CASEWORK")
		if err == nil {
			m, err := s.GetLastMsgForSubject(ctx, "casework.referral.*.*.ReferralRequested")
			if err == nil && m.Header.Get("ce-subject") == "referral-"+ref.ID {
				msg = m
				break
			}
		}
		if ctx.Err() != nil {
			t.Fatal("the referral did not reach JetStream within 30s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if msg.Header.Get("Casework-Position") != id {
		t.Errorf("JetStream position %s, SSE id %s", msg.Header.Get("Casework-Position"), id)
	}
	natsText := msg.Subject + string(msg.Data)
	for k, v := range msg.Header {
		natsText += k + strings.Join(v, "")
	}
	for _, secret := range []string{name, phone, "需要慈善医疗救助"} {
		if strings.Contains(frame, secret) {
			t.Errorf("the SSE frame carries %q: %s", secret, frame)
		}
		if strings.Contains(natsText, secret) {
			t.Errorf("the JetStream message carries %q: %s", secret, natsText)
		}
	}
	code, metrics := n.do(t, http.MethodGet, "/metrics", "", nil)
	if code != http.StatusOK || !strings.Contains(string(metrics), "casework_nats_lag_events") {
		t.Errorf("/metrics lacks the forwarder's lag")
	}
}
