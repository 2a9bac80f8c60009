"""Plain-Python machine learning for digitsite: preprocessing, model, training, evaluation.

Nothing in this package imports Django, so it runs in a notebook, a worker or a test
without settings.
"""
