"""One router per resource; :data:`ROUTERS` is what the app mounts under ``/api/v1``."""

from chainbrain.api.routes import (
    analytics,
    auth,
    districts,
    enterprises,
    exports,
    imports,
    observations,
    segments,
    sites,
    supply_links,
    targets,
    users,
    vehicle_models,
)

ROUTERS = [
    auth.router,
    users.router,
    segments.router,
    enterprises.router,
    sites.router,
    vehicle_models.router,
    supply_links.router,
    districts.router,
    analytics.router,
    imports.router,
    targets.router,
    observations.router,
    exports.router,
]
