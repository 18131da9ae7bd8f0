"""Dashboard users, their sign-in sessions, and the REST API token."""
