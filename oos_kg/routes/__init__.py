"""HTTP routes: thin functions over the store layer and the sparql package."""
