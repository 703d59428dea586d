"""The conflict-kg web app: SPARQL 1.1 Protocol endpoint, lookups and a small browser UI."""
