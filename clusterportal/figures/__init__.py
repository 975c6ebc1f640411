"""The agency's figures (/intern/kennzahlen/): above sourcing, messaging and inquiries."""
