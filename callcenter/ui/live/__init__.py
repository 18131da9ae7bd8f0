"""Live calls in every browser: a shared Reflex state fed by the core's live hub."""
