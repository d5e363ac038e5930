package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"casework/api/ocds"
	"casework/api/service"
	"casework/domain/contract"
	"casework/eventstore"
	"casework/eventstore/pii"
)

// Exit statuses of the binary.
const (
	exitFailed   = 1 // any error
	exitTampered = 2 // audit verify found an altered stream
)

// exitError is an error with the process exit status it calls for.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// exitCode returns the exit status for a command's error.
func exitCode(err error) int {
	var e *exitError
	if errors.As(err, &e) {
		return e.code
	}
	return exitFailed
}

// newAuditCmd builds `casework audit`: the auditor's replay, verification
// and export, reading the data directory (or KurrentDB) directly with the
// service's own folds and views, as the system principal. Everything it
// prints or writes has the events' sensitive fields redacted.
func newAuditCmd(getenv func(string) (string, bool)) *cobra.Command {
	cfg := defaultConfig()
	envErr := cfg.fromEnv(getenv)
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Replay, verify and export the event log (审计)",
		Long: `Replay a record's stream step by step, verify the hash chains of the log, and
export a contract's history as JSON lines and an OCDS 1.1 release package.
The commands open the store directly; sensitive personal fields are redacted
in everything they print or write.`,
		Args: cobra.NoArgs,
	}
	pf := cmd.PersistentFlags()
	pf.StringVar(&cfg.Data, "data", cfg.Data, "data directory holding events.db (CASEWORK_DATA)")
	pf.StringVar(&cfg.Store, "store", cfg.Store, "event store: sqlite or kurrentdb (CASEWORK_STORE)")
	pf.StringVar(&cfg.KurrentDBURL, "kurrentdb-url", cfg.KurrentDBURL, "KurrentDB connection string (CASEWORK_KURRENTDB_URL)")
	open := func(ctx context.Context) (*service.Service, func(), error) {
		if envErr != nil {
			return nil, nil, envErr
		}
		if err := cfg.validate(); err != nil {
			return nil, nil, err
		}
		return openAudit(ctx, cfg)
	}
	cmd.AddCommand(newAuditReplayCmd(open), newAuditVerifyCmd(open), newAuditExportCmd(open))
	return cmd
}

type auditOpener func(ctx context.Context) (*service.Service, func(), error)

// openAudit opens the configured store without verifying it on open (a
// tampered file must still open, to be reported) and a service over it.
// The SQLite file must exist: an audit never creates a store.
func openAudit(ctx context.Context, cfg Config) (*service.Service, func(), error) {
	store, err := openExistingStore(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	// The service issues no token here; a throwaway key satisfies it.
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		store.Close()
		return nil, nil, err
	}
	// The audit commands show sensitive fields redacted and need no data
	// key: a throwaway key store of the store's suite satisfies the service.
	suite, err := pii.SuiteForHash(store.HashAlgorithm())
	if err != nil {
		store.Close()
		return nil, nil, err
	}
	// The data directory's own key store when it is here (folds decrypt
	// before the replay redacts), else a throwaway one.
	tmp, err := os.MkdirTemp("", "casework-audit-")
	if err != nil {
		store.Close()
		return nil, nil, err
	}
	keysPath, master := filepath.Join(tmp, "keys.db"), key
	if _, err := os.Stat(cfg.masterKeyFile()); err == nil {
		if _, err := os.Stat(filepath.Join(cfg.Data, "keys.db")); err == nil {
			m, _, err := loadMasterKeys(cfg.masterKeyFile())
			if err != nil {
				store.Close()
				os.RemoveAll(tmp)
				return nil, nil, err
			}
			keysPath, master = filepath.Join(cfg.Data, "keys.db"), m
		}
	}
	keys, err := pii.OpenKeyStore(ctx, keysPath, pii.KeyStoreOptions{Suite: suite, Master: master})
	if err != nil {
		store.Close()
		os.RemoveAll(tmp)
		return nil, nil, err
	}
	svc, err := service.New(store, service.Config{SigningKey: key, Logger: slog.New(slog.DiscardHandler), Keys: keys})
	if err != nil {
		keys.Close()
		store.Close()
		os.RemoveAll(tmp)
		return nil, nil, err
	}
	closeAll := func() {
		svc.Close()
		keys.Close()
		store.Close()
		os.RemoveAll(tmp)
	}
	if err := svc.WaitReady(ctx); err != nil {
		closeAll()
		return nil, nil, err
	}
	return svc, closeAll, nil
}

// replayAll collects every step of a redacted replay, page by page.
func replayAll(ctx context.Context, svc *service.Service, stream string, at service.At) ([]service.ReplayStep, error) {
	var steps []service.ReplayStep
	o := service.ReplayOptions{At: at, Limit: 1000, Redact: true}
	for {
		r, err := svc.ReplayStream(ctx, service.System, stream, o)
		if err != nil {
			return nil, err
		}
		steps = append(steps, r.Steps...)
		if r.Next == nil {
			return steps, nil
		}
		o.From = *r.Next
	}
}

// replayError explains the service's refusals on the command line.
func replayError(stream string, err error) error {
	var nf *service.NotFoundError
	switch {
	case errors.As(err, &nf):
		return fmt.Errorf("%s: the record did not exist yet at --as-of", stream)
	case errors.Is(err, service.ErrNotFound):
		return fmt.Errorf("%s: no such case, contract, referral, station or project stream", stream)
	}
	return err
}

func newAuditReplayCmd(open auditOpener) *cobra.Command {
	var toRevision int64
	var asOf string
	cmd := &cobra.Command{
		Use:   "replay <stream>",
		Short: "Print a record's events and the change of its state step by step",
		Long: `Replay the stream of a case, contract, referral, station or project
("contract-<uuid>"): each event with who recorded it, when and why, its
payload, and the change of the record's state it made, as the API's state
endpoint shows that state. --to-revision stops after that revision, --as-of
with the last event recorded by then (RFC 3339).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var at service.At
			if cmd.Flags().Changed("to-revision") {
				if toRevision < 0 {
					return fmt.Errorf("--to-revision must be a whole number from 0")
				}
				r := uint64(toRevision)
				at.Revision = &r
			}
			if asOf != "" {
				t, err := time.Parse(time.RFC3339Nano, asOf)
				if err != nil {
					return fmt.Errorf("--as-of must be an RFC 3339 time such as 2026-03-31T00:00:00+08:00: %w", err)
				}
				at.AsOf = &t
			}
			if at.Revision != nil && at.AsOf != nil {
				return fmt.Errorf("give --to-revision or --as-of, not both")
			}
			svc, closeAll, err := open(cmd.Context())
			if err != nil {
				return err
			}
			defer closeAll()
			steps, err := replayAll(cmd.Context(), svc, args[0], at)
			if err != nil {
				return replayError(args[0], err)
			}
			return printReplay(cmd.OutOrStdout(), args[0], steps, directoryNames(svc))
		},
	}
	cmd.Flags().Int64Var(&toRevision, "to-revision", 0, "replay up to and including this revision")
	cmd.Flags().StringVar(&asOf, "as-of", "", "replay the events recorded up to this time (RFC 3339)")
	return cmd
}

// printReplay writes each step: the event's envelope and payload, then
// the change of state as a diff of the state before and after it.
func printReplay(w io.Writer, stream string, steps []service.ReplayStep, name func(id string) string) error {
	fmt.Fprintf(w, "replay of %s: %d events\n", stream, len(steps))
	var prev any = map[string]any{}
	for _, st := range steps {
		e := st.Event
		fmt.Fprintf(w, "\n#%d %s  recorded %s  occurred %s\n", e.Revision, e.Type,
			e.RecordedAt.UTC().Format(time.RFC3339), e.OccurredAt.UTC().Format(time.RFC3339))
		fmt.Fprintf(w, "   by %s (%s) at %s", name(e.Actor), e.Role, name(e.OrgUnit))
		if e.Reason != "" {
			fmt.Fprintf(w, "  reason: %s", e.Reason)
		}
		if e.CorrelationID != "" {
			fmt.Fprintf(w, "  correlation: %s", e.CorrelationID)
		}
		fmt.Fprintf(w, "\n   data: %s\n   hash: %s\n", compact(e.Data), e.Hash)
		next, err := generic(st.State)
		if err != nil {
			return err
		}
		lines := diffJSON("", prev, next)
		if len(lines) == 0 {
			fmt.Fprintln(w, "   state: unchanged")
		} else {
			fmt.Fprintln(w, "   state:")
			for _, l := range lines {
				fmt.Fprintln(w, "     "+l)
			}
		}
		prev = next
	}
	return nil
}

func newAuditVerifyCmd(open auditOpener) *cobra.Command {
	var stream string
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Verify the hash chains of every stream (or of --stream)",
		Long: `Recompute every stream's hash chain from the stored bytes. Exits 0 when all
verify, 2 naming the first tampered stream and revision (in log order) when
one does not, 1 on any other error.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, closeAll, err := open(cmd.Context())
			if err != nil {
				return err
			}
			defer closeAll()
			rep, err := svc.VerifyStreams(cmd.Context(), service.System, stream)
			if errors.Is(err, service.ErrNotFound) {
				return fmt.Errorf("no stream %q in the store", stream)
			}
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "verified %d streams, %d events (%s)\n", rep.Streams, rep.Events, rep.HashAlgorithm)
			if rep.OK {
				fmt.Fprintln(w, "ok: every chain verifies")
				return nil
			}
			for _, t := range rep.Tampered {
				fmt.Fprintf(w, "TAMPERED %s revision %d (position %d): %s\n", t.Stream, t.Revision, t.Position, t.Reason)
			}
			first := rep.Tampered[0]
			return &exitError{code: exitTampered, err: fmt.Errorf("%d tampered streams; the first is %s at revision %d (position %d): %s",
				len(rep.Tampered), first.Stream, first.Revision, first.Position, first.Reason)}
		},
	}
	cmd.Flags().StringVar(&stream, "stream", "", "verify only this stream")
	return cmd
}

func newAuditExportCmd(open auditOpener) *cobra.Command {
	var out, prefix string
	cmd := &cobra.Command{
		Use:   "export <contract-id>",
		Short: "Write a contract's full history as JSON lines and as an OCDS 1.1 release package",
		Long: `Write <out>/contract-<id>.jsonl, one event per line (envelope, payload with
sensitive fields redacted, chain hash), and <out>/contract-<id>.ocds.json, an
OCDS 1.1 release package with one release per event (ocid "<prefix>-<id>").`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := uuid.Parse(strings.TrimPrefix(args[0], contract.Category+"-"))
			if err != nil {
				return fmt.Errorf("%q is not a contract id (a UUID)", args[0])
			}
			svc, closeAll, err := open(cmd.Context())
			if err != nil {
				return err
			}
			defer closeAll()
			stream := eventstore.StreamName(contract.Category, id)
			steps, err := replayAll(cmd.Context(), svc, stream, service.At{})
			if err != nil {
				return replayError(stream, err)
			}
			lines, pkg, err := exportContract(svc, id, steps, prefix)
			if err != nil {
				return err
			}
			if err := os.MkdirAll(out, 0o755); err != nil {
				return err
			}
			base := filepath.Join(out, stream)
			if err := os.WriteFile(base+".jsonl", lines, 0o644); err != nil {
				return err
			}
			if err := os.WriteFile(base+".ocds.json", pkg, 0o644); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%d events\n%s.jsonl\n%s.ocds.json\n", len(steps), base, base)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", ".", "directory to write the files to")
	cmd.Flags().StringVar(&prefix, "ocid-prefix", ocds.DefaultPrefix, "registered OCDS ocid prefix of the publisher")
	return cmd
}

// exportContract renders a contract's redacted replay as JSON lines and
// an OCDS release package.
func exportContract(svc *service.Service, id uuid.UUID, steps []service.ReplayStep, prefix string) (lines, pkg []byte, err error) {
	var b strings.Builder
	events := make([]ocds.Event, len(steps))
	for i, st := range steps {
		line, err := json.Marshal(st.Event)
		if err != nil {
			return nil, nil, err
		}
		b.Write(line)
		b.WriteByte('\n')
		events[i] = ocds.Event{Revision: st.Event.Revision, RecordedAt: st.Event.RecordedAt, Payload: st.Payload()}
	}
	p, err := ocds.Build(id, events, ocds.Options{Prefix: prefix, UnitName: func(unit string) string {
		uid, err := uuid.Parse(unit)
		if err != nil {
			return ""
		}
		u, ok := svc.Directory().Unit(uid)
		if !ok {
			return ""
		}
		return u.Name
	}})
	if err != nil {
		return nil, nil, err
	}
	pkg, err = json.MarshalIndent(p, "", "  ")
	if err != nil {
		return nil, nil, err
	}
	return []byte(b.String()), append(pkg, '\n'), nil
}

// directoryNames names an account ("username <id>") or an org unit
// ("name <id>") for the replay's envelope lines; other ids stay as they are.
func directoryNames(svc *service.Service) func(id string) string {
	return func(id string) string {
		uid, err := uuid.Parse(id)
		if err != nil {
			return id
		}
		if a, ok := svc.Directory().Account(uid); ok {
			return a.Username + " <" + id + ">"
		}
		if u, ok := svc.Directory().Unit(uid); ok {
			return u.Name + " <" + id + ">"
		}
		return id
	}
}
