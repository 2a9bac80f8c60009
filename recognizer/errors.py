class ModelUnavailable(Exception):
    """No model version could be loaded; the API answers 503."""
