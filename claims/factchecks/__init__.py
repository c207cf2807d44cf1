"""Published fact-checks: reading and storing them, and ranking them against a claim."""
