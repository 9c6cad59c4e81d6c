from tests.conftest import make_indicator, priya  # noqa: F401  (shared personas)
