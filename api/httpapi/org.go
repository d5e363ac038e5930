package httpapi

func (s *Server) orgRoutes() []route { return nil }
