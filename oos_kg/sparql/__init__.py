"""SPARQL 1.1 Protocol: request parsing, content negotiation, refusal rules, service description."""
