"""Live call events, published after each commit and fanned out to sinks (dashboard, logs)."""
