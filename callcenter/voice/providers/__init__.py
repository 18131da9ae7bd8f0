"""Voice engines: OpenAI Realtime, and the offline local engine."""
