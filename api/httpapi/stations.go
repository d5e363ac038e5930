package httpapi

func (s *Server) stationRoutes() []route { return nil }
