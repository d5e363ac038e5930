package service

import (
	"casework/domain/account"
	"casework/domain/casefile"
	"casework/domain/contract"
	"casework/domain/org"
	"casework/domain/privacy"
	"casework/domain/project"
	"casework/domain/referral"
	"casework/domain/station"
)

// repos holds one repository per aggregate kind.
type repos struct {
	cases     *repo[casefile.State, *casefile.State]
	referrals *repo[referral.State, *referral.State]
	contracts *repo[contract.State, *contract.State]
	stations  *repo[station.State, *station.State]
	orgs      *repo[org.State, *org.State]
	accounts  *repo[account.State, *account.State]
	projects  *repo[project.State, *project.State]
	clients   *repo[privacy.State, *privacy.State]
}

func newRepos(s *Service) repos {
	n := s.cfg.CacheSize
	return repos{
		cases:     newRepo[casefile.State, *casefile.State](s, casefile.Category, n),
		referrals: newRepo[referral.State, *referral.State](s, referral.Category, n),
		contracts: newRepo[contract.State, *contract.State](s, contract.Category, n),
		stations:  newRepo[station.State, *station.State](s, station.Category, n),
		orgs:      newRepo[org.State, *org.State](s, org.Category, n),
		accounts:  newRepo[account.State, *account.State](s, account.Category, n),
		projects:  newRepo[project.State, *project.State](s, project.Category, n),
		clients:   newRepo[privacy.State, *privacy.State](s, privacy.Category, n),
	}
}
