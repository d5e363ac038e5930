package publish

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

// ServerConfig configures the embedded NATS server.
type ServerConfig struct {
	// Listen is the client address ("127.0.0.1:4222"); a port of 0 picks
	// a free one. Empty means in-process connections only.
	Listen string
	// StoreDir holds JetStream's data (the binary uses <data>/nats).
	StoreDir string
	// Users are the programs that may connect, each limited to one
	// county's subjects (CountyPermissions). With no users, clients on
	// the listen address connect without credentials.
	Users []CountyUser
	// Stream and Prefix are the JetStream stream and subject prefix the
	// users' permissions name (defaults DefaultStream, DefaultPrefix).
	Stream, Prefix string
	// ServerName names the node (default "casework").
	ServerName string
	Logger     *slog.Logger
}

// CountyUser is a program that may read one county's events, through a
// consumer named after User (letters, digits, '-' and '_'). Password is
// either plain text or a bcrypt hash ("$2a$…", as nats-server accepts).
type CountyUser struct {
	User     string    `json:"user"`
	Password string    `json:"password"`
	County   uuid.UUID `json:"county"`
}

// Server is a running embedded NATS server with JetStream.
type Server struct {
	ns *server.Server
	// internal credentials of the forwarder when users are configured.
	user, password string
}

// forwarderUser is the embedded server's own user, whose password is made
// afresh at every start and never leaves the process.
const forwarderUser = "casework"

// StartServer starts an embedded NATS server with JetStream and waits
// until it accepts connections. Errors: a malformed listen address, a
// server that does not start within ten seconds.
func StartServer(cfg ServerConfig) (*Server, error) {
	if cfg.Stream == "" {
		cfg.Stream = DefaultStream
	}
	if cfg.Prefix == "" {
		cfg.Prefix = DefaultPrefix
	}
	if cfg.ServerName == "" {
		cfg.ServerName = "casework"
	}
	opts := &server.Options{
		ServerName: cfg.ServerName, JetStream: true, StoreDir: cfg.StoreDir,
		NoSigs: true, NoLog: cfg.Logger == nil, MaxPayload: 8 << 20,
	}
	if cfg.Listen == "" {
		opts.DontListen = true
	} else {
		host, port, err := net.SplitHostPort(cfg.Listen)
		if err != nil {
			return nil, fmt.Errorf("nats listen address %q: %w", cfg.Listen, err)
		}
		p, err := strconv.Atoi(port)
		if err != nil || p < 0 || p > 65535 {
			return nil, fmt.Errorf("nats listen address %q: bad port", cfg.Listen)
		}
		if p == 0 {
			p = server.RANDOM_PORT
		}
		opts.Host, opts.Port = host, p
	}
	s := &Server{}
	if len(cfg.Users) > 0 {
		s.user, s.password = forwarderUser, randomSecret()
		opts.Users = []*server.User{{Username: s.user, Password: s.password}}
		for _, u := range cfg.Users {
			if !validUserName(u.User) || u.User == forwarderUser || u.Password == "" || u.County == uuid.Nil {
				return nil, fmt.Errorf("nats user %q: needs a name other than %q made of letters, digits, '-' and '_' (it names the user's consumer), a password and a county", u.User, forwarderUser)
			}
			opts.Users = append(opts.Users, &server.User{Username: u.User, Password: u.Password,
				Permissions: CountyPermissions(u.County, u.User, cfg.Stream, cfg.Prefix)})
		}
	}
	ns, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("nats server: %w", err)
	}
	if cfg.Logger != nil {
		ns.SetLoggerV2(slogLogger{cfg.Logger}, false, false, false)
	}
	ns.Start()
	if !ns.ReadyForConnections(10 * time.Second) {
		ns.Shutdown()
		return nil, errors.New("nats server: not ready within 10s")
	}
	s.ns = ns
	return s, nil
}

// Connect opens an in-process connection as the forwarder.
func (s *Server) Connect(opts ...nats.Option) (*nats.Conn, error) {
	opts = append([]nats.Option{nats.InProcessServer(s.ns), nats.Name("casework-forwarder"), nats.MaxReconnects(-1)}, opts...)
	if s.user != "" {
		opts = append(opts, nats.UserInfo(s.user, s.password))
	}
	return nats.Connect("", opts...)
}

// ClientURL is the URL programs connect to ("nats://127.0.0.1:4222"),
// empty when the server does not listen.
func (s *Server) ClientURL() string {
	if s.ns.Addr() == nil {
		return ""
	}
	return s.ns.ClientURL()
}

// NATS returns the underlying server, for tests and metrics.
func (s *Server) NATS() *server.Server { return s.ns }

// Shutdown stops the server and waits until it has stopped.
func (s *Server) Shutdown() {
	s.ns.Shutdown()
	s.ns.WaitForShutdown()
}

// CountyPermissions are the permissions of the program user, which may
// read the events of one county and nothing else, live or from the stream:
//
//   - subscribe to <prefix>.*.<county>.> (live, core NATS) and to its own
//     inbox _INBOX.<county>.> (replies and push deliveries; the program
//     sets that inbox prefix);
//   - create one consumer on the stream, named after the user, whose
//     filter lies in its county
//     ($JS.API.CONSUMER.CREATE.<stream>.<user>.<prefix>.*.<county>.>),
//     inspect and delete it, acknowledge its messages and answer its flow
//     control.
//
// Everything else is refused: publishing events, pulling from a consumer
// ($JS.API.CONSUMER.MSG.NEXT, which would deliver another county's
// consumer to any inbox), reading single messages of the stream, listing,
// inspecting, deleting or acknowledging another user's consumer, and every
// other subject.
func CountyPermissions(county uuid.UUID, user, stream, prefix string) *server.Permissions {
	c := county.String()
	return &server.Permissions{
		Publish: &server.SubjectPermission{Allow: []string{
			"$JS.API.INFO",
			"$JS.API.STREAM.INFO." + stream,
			"$JS.API.CONSUMER.CREATE." + stream + "." + user + "." + prefix + ".*." + c + ".>",
			"$JS.API.CONSUMER.INFO." + stream + "." + user,
			"$JS.API.CONSUMER.DELETE." + stream + "." + user,
			"$JS.ACK." + stream + "." + user + ".>",
			"$JS.FC." + stream + "." + user + ".>",
		}},
		Subscribe: &server.SubjectPermission{Allow: []string{
			prefix + ".*." + c + ".>",
			CountyInbox(county) + ".>",
		}},
	}
}

// CountyInbox is the inbox prefix a county's program must use
// (nats.CustomInboxPrefix), under which it receives replies and the
// deliveries of its push consumers.
func CountyInbox(county uuid.UUID) string { return "_INBOX." + county.String() }

// validUserName reports whether name can stand as one subject token and a
// consumer name.
func validUserName(name string) bool {
	if name == "" || len(name) > 64 {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

func randomSecret() string {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("random: %v", err))
	}
	return hex.EncodeToString(b)
}

// slogLogger passes the NATS server's log lines to slog; traces are
// dropped (they may carry message payloads).
type slogLogger struct{ l *slog.Logger }

func (l slogLogger) Noticef(format string, v ...any) { l.l.Info(fmt.Sprintf(format, v...)) }
func (l slogLogger) Warnf(format string, v ...any)   { l.l.Warn(fmt.Sprintf(format, v...)) }
func (l slogLogger) Fatalf(format string, v ...any)  { l.l.Error(fmt.Sprintf(format, v...)) }
func (l slogLogger) Errorf(format string, v ...any)  { l.l.Error(fmt.Sprintf(format, v...)) }
func (l slogLogger) Debugf(format string, v ...any)  { l.l.Debug(fmt.Sprintf(format, v...)) }
func (l slogLogger) Tracef(string, ...any)           {}
