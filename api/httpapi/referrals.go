package httpapi

func (s *Server) referralRoutes() []route { return nil }
