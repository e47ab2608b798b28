"""The installation's territory: its levels, areas, boundaries and periods."""
