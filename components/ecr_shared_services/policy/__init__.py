"""Policy documents as pure functions from specs to JSON-able dicts. No Pulumi import."""
