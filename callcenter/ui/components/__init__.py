"""Small functions returning components, shared by the pages."""
