package migrate

import (
	"context"
	"fmt"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/sirupsen/logrus"

	"github.com/crane-migrate/crane-migrate/enumerate"
	"github.com/crane-migrate/crane-migrate/hub"
	"github.com/crane-migrate/crane-migrate/report"
)

// createDestination creates a missing Docker Hub repository before its first
// push, with the source's visibility: pushing would create it with the
// account's default privacy, and a private image must never land public. If
// the source's visibility cannot be read, or creating fails, the repository's
// copy does not start. A source that is not Docker Hub has no visibility to
// read, so the repository is created private. It returns the source's
// details when it read them, so that they are not read twice.
func (r *run) createDestination(ctx context.Context, srcRepo, dstRepo name.Repository) (*hub.Repository, error) {
	ns, rel := enumerate.HubPath(dstRepo)
	if err := hub.ValidateRepositoryName(rel); err != nil {
		return nil, fmt.Errorf("%s: %w (nothing was pushed)", dstRepo, err)
	}
	private, desc, full, metadata := true, "", "", ""
	var source *hub.Repository
	if r.src.Hub != nil {
		sns, srel := enumerate.HubPath(srcRepo)
		info, err := r.src.Hub.Repository(ctx, sns, srel)
		if err != nil {
			return nil, fmt.Errorf("reading the source's visibility before creating %s: %w", dstRepo, err)
		}
		private, source = info.IsPrivate, &info
		if r.o.metadata {
			desc, full, metadata = withinLimits(info.Description, info.FullDescription, "", "")
		}
	}
	log := r.log.WithFields(logrus.Fields{"repository": dstRepo.String(), "private": private})
	if r.o.dryRun {
		log.Info("would create repository")
		return source, nil
	}
	if err := r.dst.Hub.CreateRepository(ctx, ns, rel, private, desc, full); err != nil {
		return source, fmt.Errorf("%w (nothing was pushed to %s: it could not be created with the source's visibility)", err, dstRepo)
	}
	log.Info("created repository")
	r.results.Repository(srcRepo.String(), dstRepo.String(), func(p *report.Repository) {
		p.Created, p.Private, p.Metadata = true, &private, metadata
	})
	return source, nil
}
