"""Account pages, split by concept: signing in and out (auth), recovery codes and
two-factor (security), and "My data" (data)."""
