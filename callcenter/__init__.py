"""callcenter: an AI phone agent that captures sales leads."""
