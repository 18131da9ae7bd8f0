"""Carriers that place, end and transfer calls: Twilio, and the built-in simulator."""
