package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"casework/api/service"
	"casework/domain/station"
	"casework/domain/value"
)

func (s *Server) stationRoutes() []route {
	post := func(path string, h echo.HandlerFunc) route { return route{method: http.MethodPost, path: path, h: h} }
	get := func(path string, h echo.HandlerFunc) route { return route{method: http.MethodGet, path: path, h: h} }
	rs := []route{
		post("/api/v1/stations", s.registerStation),
		get("/api/v1/stations/:id", getState(s.svc.Station)),
		get("/api/v1/stations/:id/history", getHistory(s.svc.StationHistory)),
		get("/api/v1/stations/:id/compliance", s.stationCompliance),
		get("/api/v1/compliance", s.compliance),
		post("/api/v1/stations/:id/pilot", idCmd(s.svc.SetStationPilot)),
		post("/api/v1/stations/:id/site", idCmd(s.svc.RecordStationSite)),
		post("/api/v1/stations/:id/functions", idCmd(s.svc.RecordStationFunctions)),
		post("/api/v1/stations/:id/staff", idCmd(s.svc.AssignStationStaff)),
		post("/api/v1/stations/:id/staff/:staff_id/departure", s.staffDeparture),
		post("/api/v1/stations/:id/rules", idCmd(s.svc.RegisterStationRule)),
		post("/api/v1/stations/:id/volunteers", idCmd(s.svc.RegisterVolunteer)),
		post("/api/v1/stations/:id/volunteer-hours", idCmd(s.svc.LogVolunteerHours)),
		post("/api/v1/stations/:id/volunteer-team", idCmd(s.svc.FormVolunteerTeam)),
		post("/api/v1/stations/:id/activities", idCmd(s.svc.RecordActivity)),
	}
	return append(rs, s.projectRoutes()...)
}

// registerStationRequest names the org unit whose station record opens.
type registerStationRequest struct {
	StationID uuid.UUID `json:"station_id"`
	station.RegisterInput
}

func (s *Server) registerStation(c echo.Context) error {
	var in registerStationRequest
	return runCommand(c, &in, "/api/v1/stations/{id}", func(p service.Principal, opts service.Options) (service.Result, error) {
		return s.svc.RegisterStation(c.Request().Context(), p, opts, in.StationID, in.RegisterInput)
	})
}

// staffDepartureRequest is a departure; the staff id is in the path.
type staffDepartureRequest struct {
	Date   value.Date `json:"date"`
	Reason string     `json:"reason"`
}

func (s *Server) staffDeparture(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	staffID, err := idParam(c, "staff_id")
	if err != nil {
		return err
	}
	var in staffDepartureRequest
	return runCommand(c, &in, "", func(p service.Principal, opts service.Options) (service.Result, error) {
		return s.svc.RecordStaffLeft(c.Request().Context(), p, opts, id,
			station.StaffLeftInput{StaffID: staffID, Date: in.Date, Reason: in.Reason})
	})
}

// complianceParams reads ?as_of (a date, or an RFC 3339 time whose date in
// China Standard Time is taken; default today) and ?window_days.
func complianceParams(c echo.Context) (value.Date, station.Window, error) {
	var on value.Date
	var w station.Window
	if a := c.QueryParam("as_of"); a != "" {
		d, err := value.ParseDate(a)
		if err != nil {
			t, terr := time.Parse(time.RFC3339Nano, a)
			if terr != nil {
				return on, w, newProblem(c, pkValidation, "as_of must be a date or an RFC 3339 time",
					ProblemField{Field: "as_of", Rule: "as_of.format", Message: "a date such as 2026-03-31"})
			}
			d = value.DateOf(t)
		}
		on = d
	}
	if s := c.QueryParam("window_days"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 3660 {
			return on, w, newProblem(c, pkValidation, "window_days must be 1 to 3660",
				ProblemField{Field: "window_days", Rule: "window_days.range", Message: "1 to 3660 days"})
		}
		w.Days = n
	}
	return on, w, nil
}

func (s *Server) stationCompliance(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	on, w, err := complianceParams(c)
	if err != nil {
		return err
	}
	v, err := s.svc.StationCompliance(c.Request().Context(), principal(c), id, on, w)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, v)
}

type complianceList struct {
	Stations []service.ComplianceView `json:"stations"`
}

func (s *Server) compliance(c echo.Context) error {
	on, w, err := complianceParams(c)
	if err != nil {
		return err
	}
	vs, err := s.svc.Compliance(c.Request().Context(), principal(c), on, w)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, complianceList{Stations: vs})
}
