"""The dock widgets around the map: layers, tables, inspector, parameters."""
