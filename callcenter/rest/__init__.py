"""The REST API routes (JSON), each router one resource."""
