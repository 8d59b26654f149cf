package commands

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
// read, so the repository is created private.
func (r *run) createDestination(ctx context.Context, srcRepo, dstRepo name.Repository) error {
	ns, rel := enumerate.HubPath(dstRepo)
	private, desc, full, metadata := true, "", "", ""
	if r.src.hub != nil {
		sns, srel := enumerate.HubPath(srcRepo)
		info, err := r.src.hub.Repository(ctx, sns, srel)
		if err != nil {
			return fmt.Errorf("reading the source's visibility before creating %s: %w", dstRepo, err)
		}
		private = info.IsPrivate
		r.keep(srcRepo, info)
		if r.cfg.metadata {
			desc, full, metadata = withinLimits(info.Description, info.FullDescription, "", "")
		}
	}
	log := r.log.WithFields(logrus.Fields{"repository": dstRepo.String(), "private": private})
	if r.cfg.dryRun {
		log.Info("would create repository")
		return nil
	}
	if err := r.dst.hub.CreateRepository(ctx, ns, rel, private, desc, full); err != nil {
		return fmt.Errorf("%w (nothing was pushed to %s: it could not be created with the source's visibility)", err, dstRepo)
	}
	log.Info("created repository")
	r.results.Repository(srcRepo.String(), dstRepo.String(), func(p *report.Repository) {
		p.Created, p.Private, p.Metadata = true, &private, metadata
	})
	return nil
}

// keep holds srcRepo's details for syncMetadata, which runs next.
func (r *run) keep(srcRepo name.Repository, info hub.Repository) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.read == nil {
		r.read = map[string]hub.Repository{}
	}
	r.read[srcRepo.String()] = info
}

// sourceRepository returns srcRepo's Hub details: those createDestination
// just read, else a fresh GET.
func (r *run) sourceRepository(ctx context.Context, srcRepo name.Repository) (hub.Repository, error) {
	r.mu.Lock()
	info, ok := r.read[srcRepo.String()]
	delete(r.read, srcRepo.String())
	r.mu.Unlock()
	if ok {
		return info, nil
	}
	ns, rel := enumerate.HubPath(srcRepo)
	return r.src.hub.Repository(ctx, ns, rel)
}
