from tests.conftest import make_indicator, martin, priya  # noqa: F401  (shared personas)
