"""Requests and offers ("Gesuche und Angebote"): posting, review, listing, matching both
ways, expiry and the digests."""
