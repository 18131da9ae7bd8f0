"""Outgoing webhooks in the Standard Webhooks format: signed events queued in the transaction
of the change they announce, delivered in order per endpoint, retried with backoff."""
