package httpapi

func (s *Server) extraRoutes() []route { return nil }
