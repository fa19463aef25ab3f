"""Repositories: the SQL of one aggregate each (runs, jobs, telemetry, events, parts, recipes).

Routes and drivers ask these modules; none of them holds a query of its own."""
