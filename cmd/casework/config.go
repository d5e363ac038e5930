package main

import (
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"casework/eventstore/pii"
)

// Config is everything the binary can be told. Defaults come from
// defaultConfig, overridden by CASEWORK_* environment variables, then by
// flags; nothing below cmd/ reads the environment.
type Config struct {
	// Data is the data directory: events.db (SQLite store), keys.db (the
	// clients' data keys), master.key and signing.key.
	Data string
	// Listen is the HTTP address.
	Listen string
	// Store is "sqlite" (embedded default) or "kurrentdb" (scale-out).
	Store string
	// KurrentDBURL is the KurrentDB connection string (Store "kurrentdb").
	KurrentDBURL string
	// NATSURL is an external NATS cluster to publish the log to; empty
	// runs the embedded server, "none" publishes nothing.
	NATSURL string
	// NATSListen is the embedded NATS server's client address
	// ("none": in-process only); NATSUsers a JSON file of county
	// programs' accounts (publish.CountyUser); NATSReplicas the
	// replicas of the stream the forwarder creates.
	NATSListen   string
	NATSUsers    string
	NATSReplicas int
	// SigningKeyFile holds the token signing key; default <Data>/signing.key.
	SigningKeyFile string
	// MasterKeyFile holds the master key that wraps the clients' data
	// keys; default <Data>/master.key, generated on first start.
	MasterKeyFile string
	// CryptoSuite is the suite of a new data directory: intl or gm. An
	// existing directory keeps the suite it was created with.
	CryptoSuite string
	// Standards is a JSON file of minimum-living standards; empty means
	// the built-in demo table.
	Standards string
	// Demo seeds the demo dataset and enables the demo accounts.
	Demo bool
	// LogFormat is "text" or "json"; LogLevel debug, info, warn or error.
	LogFormat string
	LogLevel  string
	// TokenTTL is how long a bearer token is valid.
	TokenTTL time.Duration
	// ShutdownGrace bounds how long in-flight requests may take after a
	// stop signal.
	ShutdownGrace time.Duration
}

// Store backends.
const (
	storeSQLite    = "sqlite"
	storeKurrentDB = "kurrentdb"
)

func defaultConfig() Config {
	return Config{
		Data:          "./data",
		Listen:        ":8080",
		Store:         storeSQLite,
		NATSListen:    "127.0.0.1:4222",
		NATSReplicas:  1,
		LogFormat:     "text",
		LogLevel:      "info",
		TokenTTL:      8 * time.Hour,
		ShutdownGrace: 30 * time.Second,
	}
}

// envVar is one CASEWORK_* variable and the setting it fills.
type envVar struct {
	name, flag, usage string
	set               func(c *Config, v string) error
}

func str(f func(c *Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error { *f(c) = v; return nil }
}

func dur(f func(c *Config) *time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil {
			return err
		}
		*f(c) = d
		return nil
	}
}

// envVars lists every variable the binary reads; README's configuration
// table follows it.
var envVars = []envVar{
	{"CASEWORK_DATA", "data", "data directory (events.db, signing.key)", str(func(c *Config) *string { return &c.Data })},
	{"CASEWORK_LISTEN", "listen", "HTTP listen address", str(func(c *Config) *string { return &c.Listen })},
	{"CASEWORK_STORE", "store", "event store: sqlite or kurrentdb", str(func(c *Config) *string { return &c.Store })},
	{"CASEWORK_KURRENTDB_URL", "kurrentdb-url", "KurrentDB connection string (with --store kurrentdb)", str(func(c *Config) *string { return &c.KurrentDBURL })},
	{"CASEWORK_NATS_URL", "nats-url", "external NATS to publish events to (default: the embedded server; none: no publication)", str(func(c *Config) *string { return &c.NATSURL })},
	{"CASEWORK_NATS_LISTEN", "nats-listen", "embedded NATS client address (none: in-process only)", str(func(c *Config) *string { return &c.NATSListen })},
	{"CASEWORK_NATS_USERS", "nats-users", "JSON file of county programs' NATS users (embedded server)", str(func(c *Config) *string { return &c.NATSUsers })},
	{"CASEWORK_NATS_REPLICAS", "nats-replicas", "replicas of the JetStream stream when it is created", func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil {
			return err
		}
		c.NATSReplicas = n
		return nil
	}},
	{"CASEWORK_SIGNING_KEY_FILE", "signing-key-file", "token signing key file (default <data>/signing.key, generated on first start)", str(func(c *Config) *string { return &c.SigningKeyFile })},
	{"CASEWORK_MASTER_KEY_FILE", "master-key-file", "master key file wrapping the clients' data keys (default <data>/master.key, generated on first start)", str(func(c *Config) *string { return &c.MasterKeyFile })},
	{"CASEWORK_CRYPTO_SUITE", "crypto-suite", "crypto suite of a new data directory: intl (SHA-256, AES-256-GCM) or gm (SM3, SM4-GCM)", str(func(c *Config) *string { return &c.CryptoSuite })},
	{"CASEWORK_STANDARDS", "standards", "JSON file of minimum-living standards (default: the built-in demo table)", str(func(c *Config) *string { return &c.Standards })},
	{"CASEWORK_DEMO", "demo", "seed the demo dataset and enable the demo accounts", func(c *Config, v string) error {
		switch strings.ToLower(v) {
		case "1", "true", "yes", "on":
			c.Demo = true
		case "", "0", "false", "no", "off":
			c.Demo = false
		default:
			return fmt.Errorf("want true or false")
		}
		return nil
	}},
	{"CASEWORK_LOG_FORMAT", "log-format", "log format: text or json", str(func(c *Config) *string { return &c.LogFormat })},
	{"CASEWORK_LOG_LEVEL", "log-level", "log level: debug, info, warn or error", str(func(c *Config) *string { return &c.LogLevel })},
	{"CASEWORK_TOKEN_TTL", "token-ttl", "bearer token lifetime", dur(func(c *Config) *time.Duration { return &c.TokenTTL })},
	{"CASEWORK_SHUTDOWN_GRACE", "shutdown-grace", "time in-flight requests get after a stop signal", dur(func(c *Config) *time.Duration { return &c.ShutdownGrace })},
}

// fromEnv applies the CASEWORK_* variables that are set, looked up with
// getenv (os.LookupEnv in the binary).
func (c *Config) fromEnv(getenv func(string) (string, bool)) error {
	for _, e := range envVars {
		v, ok := getenv(e.name)
		if !ok {
			continue
		}
		if err := e.set(c, v); err != nil {
			return fmt.Errorf("%s=%q: %w", e.name, v, err)
		}
	}
	return nil
}

// validate checks the settings that do not need I/O.
func (c *Config) validate() error {
	switch c.Store {
	case storeSQLite:
	case storeKurrentDB:
		if c.KurrentDBURL == "" {
			return fmt.Errorf("--store kurrentdb needs --kurrentdb-url (or CASEWORK_KURRENTDB_URL)")
		}
	default:
		return fmt.Errorf("--store must be sqlite or kurrentdb, not %q", c.Store)
	}
	if c.CryptoSuite != "" {
		if _, err := pii.LookupSuite(c.CryptoSuite); err != nil {
			return fmt.Errorf("--crypto-suite must be intl or gm, not %q", c.CryptoSuite)
		}
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return fmt.Errorf("--log-format must be text or json, not %q", c.LogFormat)
	}
	if _, err := parseLevel(c.LogLevel); err != nil {
		return err
	}
	if c.Data == "" {
		return fmt.Errorf("--data must name a directory")
	}
	if c.NATSReplicas < 1 || c.NATSReplicas > 5 {
		return fmt.Errorf("--nats-replicas must be 1 to 5, not %d", c.NATSReplicas)
	}
	if c.NATSUsers != "" && c.NATSURL != "" {
		return fmt.Errorf("--nats-users configures the embedded server; an external one (--nats-url) has its own")
	}
	if c.TokenTTL <= 0 || c.ShutdownGrace <= 0 {
		return fmt.Errorf("--token-ttl and --shutdown-grace must be positive")
	}
	return nil
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, fmt.Errorf("--log-level must be debug, info, warn or error, not %q", s)
	}
	return l, nil
}

// logger builds the slog logger the configuration asks for.
func (c *Config) logger(w io.Writer) *slog.Logger {
	level, _ := parseLevel(c.LogLevel)
	opts := &slog.HandlerOptions{Level: level}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
