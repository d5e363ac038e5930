package httpapi

func (s *Server) contractRoutes() []route { return nil }
