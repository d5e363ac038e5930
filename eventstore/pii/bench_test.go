package pii_test

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"

	"casework/domain/casefile"
	"casework/domain/catalog"
	"casework/eventstore"
	"casework/eventstore/pii"
	"casework/eventstore/sqlite"
)

// BenchmarkAppendSensitive appends a household check (names, a minor's
// name, incomes, assets, notes) from 16 writers, each on its own case
// stream, to a SQLite store: plain (the baseline) and sealed with a
// client key, under each suite (the store's chain hash follows the suite).
// Compare sealed with plain of the same suite: the cost of encryption.
func BenchmarkAppendSensitive(b *testing.B) {
	data := household(b)
	for _, suite := range pii.Suites() {
		for _, sealed := range []bool{false, true} {
			name := suite.Name + "/plain"
			if sealed {
				name = suite.Name + "/sealed"
			}
			b.Run(name+"/writers=16", func(b *testing.B) {
				dir := b.TempDir()
				ctx := context.Background()
				st, err := sqlite.Open(ctx, filepath.Join(dir, "events.db"), sqlite.Options{Hash: suite.Hash, KnownHashes: []eventstore.ChainHash{pii.SM3}})
				if err != nil {
					b.Fatal(err)
				}
				defer st.Close()
				sl := pii.NewSealer(catalog.Registry(), openKeys(b, dir, suite, masterKey(b)))
				var next atomic.Int64
				b.SetParallelism(8) // 16 writers on 2 cores
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					client := uuid.New()
					stream := eventstore.StreamName(casefile.Category, uuid.New())
					_ = next.Add(1)
					for pb.Next() {
						ev := eventstore.EventData{ID: uuid.Must(uuid.NewV7()), Type: casefile.EventHouseholdCheckRecorded, Data: data,
							Metadata: eventstore.Metadata{Actor: "bench", Role: "social_worker", Schema: 1}}
						if sealed {
							if err := sl.Seal(ctx, client, &ev); err != nil {
								b.Error(err)
								return
							}
						}
						if _, err := st.Append(ctx, stream, eventstore.Any, ev); err != nil {
							b.Error(err)
							return
						}
					}
				})
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
			})
		}
	}
}

// BenchmarkSeal is the CPU cost of sealing one household check, alone.
func BenchmarkSeal(b *testing.B) {
	data := household(b)
	for _, suite := range pii.Suites() {
		b.Run(suite.Name, func(b *testing.B) {
			sl := pii.NewSealer(catalog.Registry(), openKeys(b, b.TempDir(), suite, masterKey(b)))
			client := uuid.New()
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				ev := eventstore.EventData{ID: uuid.Must(uuid.NewV7()), Type: casefile.EventHouseholdCheckRecorded, Data: data}
				if err := sl.Seal(ctx, client, &ev); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
