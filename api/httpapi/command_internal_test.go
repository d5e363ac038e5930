package httpapi

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/uuid"
)

// A command's answer is written by hand; it must be the bytes encodeJSON
// writes for the same value.
func TestCommandResponse_AsEncodeJSON(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	values := []commandResponse{{}, {ID: uuid.Max, Revision: math.MaxUint64, Position: math.MaxUint64, Events: math.MaxInt}, {Events: -1}}
	for range 200 {
		values = append(values, commandResponse{ID: uuid.Must(uuid.NewV7()), Revision: rnd.Uint64N(1 << uint(rnd.IntN(64))),
			Position: rnd.Uint64(), Events: rnd.IntN(1000)})
	}
	for _, v := range values {
		var want bytes.Buffer
		if err := encodeJSON(&want, v); err != nil {
			t.Fatal(err)
		}
		if got := v.appendJSON(nil); !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("%+v: wrote %s, encodeJSON writes %s", v, got, want.Bytes())
		}
	}
}
