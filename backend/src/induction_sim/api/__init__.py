"""HTTP API: app factory, lifespan, one router per resource."""
