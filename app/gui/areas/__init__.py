"""The work areas: districts, outlets, sites, field, scenarios."""
