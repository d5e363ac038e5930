package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"casework/api/service"
	"casework/eventstore/pii"
)

// dataCmd holds the configuration of a command that opens the data
// directory directly (beside a running server or not): the data dir, its
// master key and the store, from CASEWORK_* variables and flags.
func dataCmd(cmd *cobra.Command, getenv func(string) (string, bool)) (*Config, func() error) {
	cfg := defaultConfig()
	envErr := cfg.fromEnv(getenv)
	f := cmd.Flags()
	f.StringVar(&cfg.Data, "data", cfg.Data, "data directory (CASEWORK_DATA)")
	f.StringVar(&cfg.MasterKeyFile, "master-key-file", cfg.MasterKeyFile, "master key file (CASEWORK_MASTER_KEY_FILE; default <data>/master.key)")
	f.StringVar(&cfg.Store, "store", cfg.Store, "event store: sqlite or kurrentdb (CASEWORK_STORE)")
	f.StringVar(&cfg.KurrentDBURL, "kurrentdb-url", cfg.KurrentDBURL, "KurrentDB connection string (CASEWORK_KURRENTDB_URL)")
	return &cfg, func() error {
		if envErr != nil {
			return envErr
		}
		return cfg.validate()
	}
}

func newClientsCmd(getenv func(string) (string, bool)) *cobra.Command {
	root := &cobra.Command{Use: "clients", Short: "Operate on clients' personal information"}
	var reason string
	forget := &cobra.Command{
		Use:   "forget <client-id> --reason TEXT",
		Short: "Forget a client: destroy their key, so that their personal data reads as erased everywhere",
		Long: `Forget a client (PIPL Art. 47) as an operator at the machine: the client's
data key is destroyed and a ClientForgotten event appended. The client's
sensitive fields then read as erased in every view, history, replay and
export; the events and their hash chains stay as they were. A client
already forgotten is left as it is. Through the API the same needs two
admins (one requests, another approves).`,
		Args: cobra.ExactArgs(1),
	}
	forget.Flags().StringVar(&reason, "reason", "", "why the client is forgotten (required)")
	cfg, check := dataCmd(forget, getenv)
	forget.RunE = func(cmd *cobra.Command, args []string) error {
		if err := check(); err != nil {
			return err
		}
		id, err := uuid.Parse(args[0])
		if err != nil {
			return fmt.Errorf("client id %q: not a UUID", args[0])
		}
		if strings.TrimSpace(reason) == "" {
			return errors.New("--reason is required")
		}
		return forgetClient(cmd.Context(), *cfg, id, reason, cmd.OutOrStdout(), cmd.ErrOrStderr())
	}
	root.AddCommand(forget)
	return root
}

// forgetClient forgets client id in the data directory of cfg.
func forgetClient(ctx context.Context, cfg Config, id uuid.UUID, reason string, out, logw io.Writer) error {
	log := cfg.logger(logw)
	dd, err := openDataDir(ctx, cfg, log, nil)
	if err != nil {
		return err
	}
	defer dd.Close()
	key := make([]byte, 32) // this process issues no tokens
	if _, err := rand.Read(key); err != nil {
		return err
	}
	svc, err := service.New(dd.Store, service.Config{SigningKey: key, Keys: dd.Keys, Logger: log})
	if err != nil {
		return err
	}
	defer svc.Close()
	if err := svc.WaitReady(ctx); err != nil {
		return err
	}
	res, err := svc.ForgetNow(ctx, service.System, id, reason)
	if errors.Is(err, service.ErrNotFound) {
		return fmt.Errorf("no client %s in this data directory", id)
	}
	if err != nil {
		return err
	}
	if res.Events == 0 {
		at, _, _ := dd.Keys.Forgotten(ctx, id)
		fmt.Fprintf(out, "client %s was already forgotten (at %s); nothing done\n", id, at.Format(time.RFC3339))
		return nil
	}
	fmt.Fprintf(out, "client %s forgotten: key destroyed, ClientForgotten recorded at position %d\n", id, res.Position)
	return nil
}

func newKeysCmd(getenv func(string) (string, bool)) *cobra.Command {
	root := &cobra.Command{Use: "keys", Short: "Manage the master key of the clients' data keys"}
	rotate := &cobra.Command{
		Use:   "rotate",
		Short: "Replace the master key, rewrapping every client key; events are not touched",
		Long: `Generate a new master key (written beside the current one as <file>.new),
rewrap every client key and the lookup index key under it in one
transaction, then replace the key file. An interrupted rotation is finished
by running the command again; until then both keys are read. Stop the
server first (or restart it afterwards): a running server knows only the
master key it started with.`,
		Args: cobra.NoArgs,
	}
	cfg, check := dataCmd(rotate, getenv)
	rotate.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := check(); err != nil {
			return err
		}
		return rotateMasterKey(cmd.Context(), *cfg, cmd.OutOrStdout(), cmd.ErrOrStderr())
	}
	root.AddCommand(rotate)
	return root
}

// rotateMasterKey rotates the master key of cfg's data directory.
func rotateMasterKey(ctx context.Context, cfg Config, out, logw io.Writer) error {
	log := cfg.logger(logw)
	path := cfg.masterKeyFile()
	old, _, err := loadMasterKeys(path)
	if err != nil {
		return err
	}
	next, err := loadKey("new master key", path+".new") // created (0600, synced) unless an earlier run left it
	if err != nil {
		return err
	}
	next = next[:pii.MasterKeySize]
	dd, err := openDataDir(ctx, cfg, log, nil)
	if err != nil {
		return err
	}
	dd.Keys.Close()
	keys, err := pii.OpenKeyStore(ctx, filepath.Join(cfg.Data, "keys.db"), pii.KeyStoreOptions{Suite: dd.Suite, Master: next, Previous: [][]byte{old}})
	dd.Store.Close()
	if err != nil {
		return err
	}
	n, err := keys.Rotate(ctx)
	if cerr := keys.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Rename(path+".new", path); err != nil {
		return fmt.Errorf("replace master key: %w", err)
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		_ = d.Sync()
		d.Close()
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	fmt.Fprintf(out, "master key rotated: %d client keys rewrapped; %s replaced\n", n, path)
	return nil
}
