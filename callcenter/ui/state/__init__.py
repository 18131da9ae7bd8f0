"""States shared by every page: who is signed in."""
