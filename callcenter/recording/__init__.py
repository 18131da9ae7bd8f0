"""Call recordings: a stereo WAV per call (left caller, right agent as heard), written off the
audio path, kept behind a `RecordingStore`, served with Range support, expired by retention."""
