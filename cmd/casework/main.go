// Command casework is the casework service: the HTTP API over the
// embedded SQLite store (or a KurrentDB cluster), with optional demo data.
//
//	casework serve --demo
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

func main() {
	serve := func(ctx context.Context, cfg Config) error {
		ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, os.Interrupt)
		defer stop()
		return run(ctx, cfg, os.Stdout, os.Stderr, nil)
	}
	if err := newRootCmd(os.LookupEnv, serve).Execute(); err != nil {
		os.Exit(exitCode(err))
	}
}

// newRootCmd builds the command line; getenv reads CASEWORK_* variables
// and serve runs a validated configuration.
func newRootCmd(getenv func(string) (string, bool), serve func(context.Context, Config) error) *cobra.Command {
	root := &cobra.Command{
		Use:           "casework",
		Short:         "Event-sourced case management for social-work stations",
		SilenceUsage:  true,
		SilenceErrors: false,
	}
	root.AddCommand(newServeCmd(getenv, serve), newClientsCmd(getenv), newKeysCmd(getenv), newAuditCmd(getenv),
		newProjectionsCmd(getenv))
	return root
}

func newServeCmd(getenv func(string) (string, bool), serve func(context.Context, Config) error) *cobra.Command {
	cfg := defaultConfig()
	envErr := cfg.fromEnv(getenv)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the HTTP API",
		Long: `Serve the HTTP API on the embedded SQLite store in the data directory, or on
KurrentDB with --store kurrentdb. Every flag has a CASEWORK_* environment
variable; a flag given on the command line wins.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if envErr != nil {
				return envErr
			}
			if err := cfg.validate(); err != nil {
				return err
			}
			return serve(cmd.Context(), cfg)
		},
	}
	f := cmd.Flags()
	for _, e := range envVars {
		usage := fmt.Sprintf("%s (%s)", e.usage, e.name)
		switch e.flag {
		case "data":
			f.StringVar(&cfg.Data, e.flag, cfg.Data, usage)
		case "listen":
			f.StringVar(&cfg.Listen, e.flag, cfg.Listen, usage)
		case "store":
			f.StringVar(&cfg.Store, e.flag, cfg.Store, usage)
		case "kurrentdb-url":
			f.StringVar(&cfg.KurrentDBURL, e.flag, cfg.KurrentDBURL, usage)
		case "nats-url":
			f.StringVar(&cfg.NATSURL, e.flag, cfg.NATSURL, usage)
		case "nats-listen":
			f.StringVar(&cfg.NATSListen, e.flag, cfg.NATSListen, usage)
		case "nats-users":
			f.StringVar(&cfg.NATSUsers, e.flag, cfg.NATSUsers, usage)
		case "nats-replicas":
			f.IntVar(&cfg.NATSReplicas, e.flag, cfg.NATSReplicas, usage)
		case "signing-key-file":
			f.StringVar(&cfg.SigningKeyFile, e.flag, cfg.SigningKeyFile, usage)
		case "master-key-file":
			f.StringVar(&cfg.MasterKeyFile, e.flag, cfg.MasterKeyFile, usage)
		case "crypto-suite":
			f.StringVar(&cfg.CryptoSuite, e.flag, cfg.CryptoSuite, usage)
		case "standards":
			f.StringVar(&cfg.Standards, e.flag, cfg.Standards, usage)
		case "demo":
			f.BoolVar(&cfg.Demo, e.flag, cfg.Demo, usage)
		case "log-format":
			f.StringVar(&cfg.LogFormat, e.flag, cfg.LogFormat, usage)
		case "log-level":
			f.StringVar(&cfg.LogLevel, e.flag, cfg.LogLevel, usage)
		case "token-ttl":
			f.DurationVar(&cfg.TokenTTL, e.flag, cfg.TokenTTL, usage)
		case "shutdown-grace":
			f.DurationVar(&cfg.ShutdownGrace, e.flag, cfg.ShutdownGrace, usage)
		default:
			panic("no flag for " + e.name)
		}
	}
	return cmd
}
