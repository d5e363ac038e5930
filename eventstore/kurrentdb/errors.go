package kurrentdb

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"casework/eventstore"
)

// Errors of this backend beyond the eventstore sentinels.
var (
	// ErrUnavailable: the cluster could not serve the request (no leader,
	// node down, request aborted). Retrying later may succeed.
	ErrUnavailable = errors.New("kurrentdb unavailable")
	// ErrAccessDenied: the server refused the credentials or the ACL.
	ErrAccessDenied = errors.New("kurrentdb access denied")
	// ErrUnsupportedServer: the server lacks a feature this backend
	// needs, such as $all positions on stream reads.
	ErrUnsupportedServer = errors.New("kurrentdb server not supported")
)

// translate maps an error of the esdb client to the sentinels of package
// eventstore, keeping the client's error as the cause. In client v4
// esdb.FromError reports ok only for a nil error, and the client wraps its
// *esdb.Error in fmt errors, so the code is found with errors.As.
func translate(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var ee *esdb.Error
	if errors.As(err, &ee) {
		return fromCode(ee.Code(), err)
	}
	return fromStatus(err)
}

// fromCode maps an esdb error code; err is the client's error.
func fromCode(code esdb.ErrorCode, err error) error {
	switch code {
	case esdb.ErrorCodeResourceNotFound, esdb.ErrorCodeStreamDeleted:
		return fmt.Errorf("%w: %w", eventstore.ErrStreamNotFound, err)
	case esdb.ErrorCodeWrongExpectedVersion:
		return fmt.Errorf("%w: %w", eventstore.ErrWrongExpectedRevision, err)
	case esdb.ErrorCodeConnectionClosed:
		return fmt.Errorf("%w: %w", eventstore.ErrClosed, err)
	case esdb.ErrorCodeDeadlineExceeded:
		return fmt.Errorf("%w: %w", context.DeadlineExceeded, err)
	case esdb.ErrorUnavailable, esdb.ErrorCodeNotLeader, esdb.ErrorAborted:
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	case esdb.ErrorCodeUnauthenticated, esdb.ErrorCodeAccessDenied:
		return fmt.Errorf("%w: %w", ErrAccessDenied, err)
	case esdb.ErrorCodeUnsupportedFeature:
		return fmt.Errorf("%w: %w", ErrUnsupportedServer, err)
	}
	return fromStatus(err)
}

// fromStatus maps a gRPC status the client did not classify (it reports a
// cancelled call as ErrorCodeUnknown).
func fromStatus(err error) error {
	switch status.Code(err) {
	case codes.Canceled:
		return fmt.Errorf("%w: %w", context.Canceled, err)
	case codes.DeadlineExceeded:
		return fmt.Errorf("%w: %w", context.DeadlineExceeded, err)
	case codes.Unavailable:
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return err
}

// ctxError returns ctx's error, keeping err as the cause, when ctx is done;
// otherwise translate(err). A call cut short by its context reports the
// context, whatever the transport made of it.
func ctxError(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if cerr := ctx.Err(); cerr != nil {
		if errors.Is(err, cerr) {
			return err
		}
		return fmt.Errorf("%w: %v", cerr, err)
	}
	return translate(err)
}

// currentRevisionRE reads the stream's revision from the client's wrong
// expected version message: "expecting '3' but got '5'".
var currentRevisionRE = regexp.MustCompile(`but got '([^']*)'`)

// currentRevision extracts the actual revision from a wrong expected
// version error of the client: -1 for no stream; ok is false when the
// message does not say.
func currentRevision(err error) (rev int64, ok bool) {
	if err == nil {
		return 0, false
	}
	m := currentRevisionRE.FindStringSubmatch(err.Error())
	if m == nil {
		return 0, false
	}
	if m[1] == "no_stream" {
		return -1, true
	}
	n, perr := strconv.ParseInt(m[1], 10, 64)
	if perr != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// wrap prefixes *errp with the operation, unless it is one of the contract's
// typed errors, which already name the stream and what went wrong.
func wrap(errp *error, format string, args ...any) {
	if *errp == nil {
		return
	}
	var (
		in *eventstore.InputError
		we *eventstore.WrongExpectedRevisionError
		de *eventstore.DuplicateEventIDError
		te *eventstore.TamperError
	)
	if errors.As(*errp, &in) || errors.As(*errp, &we) || errors.As(*errp, &de) || errors.As(*errp, &te) {
		return
	}
	*errp = fmt.Errorf("kurrentdb: "+format+": %w", append(args, *errp)...)
}
