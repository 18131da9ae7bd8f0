"""The phone side: Twilio webhooks, the media stream, carriers, and the call lifecycle."""
