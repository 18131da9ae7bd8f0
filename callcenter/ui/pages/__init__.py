"""One module per route (its state beside it); `ui/routes.py` registers them."""
