"""The service over Virtuoso beside the service over oxigraph serve (``python -m bench.remote``)."""
