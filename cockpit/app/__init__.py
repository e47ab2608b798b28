"""The web application: Flask server with the Dash cockpit mounted on it."""
