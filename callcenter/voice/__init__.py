"""The voice side: engines behind `VoiceSession`, and the bridge that joins them to a call."""
