"""Pages of the cockpit; each module registers itself with dash.register_page."""
