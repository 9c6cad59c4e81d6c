"""Signing in: local passwords and single sign-on with the council's identity provider."""
