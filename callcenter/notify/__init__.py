"""Emails: an outbox table, senders (Resend or files), and the worker that sends them."""
