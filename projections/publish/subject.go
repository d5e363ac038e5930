// Package publish forwards casework's event log to a NATS JetStream
// stream, and runs the embedded NATS server of the default install.
//
// # Subjects
//
// Every event is published on
//
//	casework.<category>.<county>.<station>.<EventType>
//
// where category is the stream's category (case, referral, station,
// project, contract, org), county and station are the org unit ids (UUIDs)
// of the county and the station the stream belongs to, taken from the
// stream's first event and the org tree, and EventType is the event's
// stable name (ReferralAccepted). A stream that belongs to no station
// (a contract, a county's org unit) has the token "none" for the station;
// one whose county is unknown has "none" for the county. So a county's
// referral events are casework.referral.<county>.>, a station's are
// casework.referral.*.<station>.>, and every acceptance is
// casework.referral.*.*.ReferralAccepted. These subjects are a public
// contract: never change them.
package publish

import (
	"github.com/google/uuid"

	"casework/eventstore"
	"casework/projections/feed"
)

// Defaults of the stream and the subject prefix.
const (
	DefaultStream = "CASEWORK"
	DefaultPrefix = "casework"
	// NoneToken stands for an unknown or inapplicable county or station.
	NoneToken = "none"
)

// Subject returns the subject of an event of stream with type typ placed
// at pl, its county found in idx.
func Subject(prefix, stream, typ string, pl feed.Place, idx *feed.OrgIndex) string {
	county, station := NoneToken, NoneToken
	anchor := pl.Anchor()
	if c, ok := idx.CountyOf(anchor); ok {
		county = c.String()
	}
	if pl.Station != uuid.Nil {
		station = pl.Station.String()
	} else if s, ok := idx.StationOf(anchor); ok {
		station = s.String()
	}
	return prefix + "." + eventstore.Category(stream) + "." + county + "." + station + "." + typ
}
